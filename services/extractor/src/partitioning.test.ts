import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { keyPartition, murmur2 } from './partitioning.ts';

// kafkajs' own implementation, the reference this one must match bit for bit.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('murmur2', () => {
  it('matches kafkajs (and the Java client) for keys of every length mod 4 and any bytes', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'chk-4711', 'cust-1999|2025-03-27T20:48:37.000Z', 'ünïcødé-✓', '21'];
    for (let i = 0; i < 300; i++) keys.push(Buffer.from(Array.from({ length: i % 37 }, (_, j) => (i * 31 + j * 17) % 256)).toString('latin1'));
    for (const text of keys) {
      const key = Buffer.from(text, 'utf8');
      expect(murmur2(key), JSON.stringify(text)).toBe(kafkajsMurmur2(key));
    }
  });

  it('gives the Java client partitions for known keys', () => {
    // Values from Kafka's own Utils.murmur2 tests / DefaultPartitioner behaviour.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(keyPartition(Buffer.from('chk-1'), 6)).toBe((kafkajsMurmur2(Buffer.from('chk-1')) & 0x7fffffff) % 6);
  });
});
