import { createRequire } from 'node:module';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { keyPartition, murmur2, murmur2Text, Murmur2Partitioner } from './partitioning.ts';

// kafkajs' own implementation, the reference this one must match bit for bit.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

const keys = ['', 'a', 'ab', 'abc', 'abcd', 'chk-4711', 'cust-1999|2025-03-27T20:48:37.000Z', 'ünïcødé-✓', '21', 'k'.repeat(300), `${'k'.repeat(200)}✓`];
for (let i = 0; i < 300; i++) keys.push(Buffer.from(Array.from({ length: i % 37 }, (_, j) => (i * 31 + j * 17) % 256)).toString('latin1'));

const metadata = (count: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));

describe('murmur2', () => {
  it('matches kafkajs (and the Java client) for keys of every length mod 4 and any bytes', () => {
    for (const text of keys) {
      const key = Buffer.from(text, 'utf8');
      expect(murmur2(key), JSON.stringify(text)).toBe(kafkajsMurmur2(key));
      expect(murmur2Text(text), JSON.stringify(text)).toBe(kafkajsMurmur2(key));
    }
  });

  it('gives the Java client partitions for known keys', () => {
    // Values from Kafka's own Utils.murmur2 tests / DefaultPartitioner behaviour.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(keyPartition(Buffer.from('chk-1'), 6)).toBe((kafkajsMurmur2(Buffer.from('chk-1')) & 0x7fffffff) % 6);
    expect(keyPartition('chk-1', 6)).toBe(keyPartition(Buffer.from('chk-1'), 6));
  });
});

describe('Murmur2Partitioner', () => {
  it('picks the partition kafkajs\' DefaultPartitioner picks for string and Buffer keys, and honours an explicit one', () => {
    const ours = Murmur2Partitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const partitionMetadata = metadata(12, [3]);
    for (const text of keys) {
      for (const key of [text, Buffer.from(text, 'utf8')]) {
        const args = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
        expect(ours(args), JSON.stringify(text)).toBe(theirs(args));
      }
    }
    expect(ours({ topic: 't', partitionMetadata, message: { key: 'chk-1', value: 'v', partition: 5 } })).toBe(5);
  });

  it('spreads unkeyed messages round-robin over the partitions that have a leader', () => {
    const partition = Murmur2Partitioner();
    const partitionMetadata = metadata(4, [1]);
    const picked = Array.from({ length: 6 }, () => partition({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } }));
    expect(new Set(picked)).toEqual(new Set([0, 2, 3]));
    expect(picked.slice(3)).toEqual(picked.slice(0, 3));
  });
});
