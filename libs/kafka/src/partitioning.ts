import { randomInt } from 'node:crypto';
import type { ICustomPartitioner, PartitionMetadata } from 'kafkajs';

/**
 * Kafka's default partitioner (Java client's murmur2 on the key bytes, as kafkajs' DefaultPartitioner), in
 * 32-bit integer arithmetic: kafkajs' own implementation uses a Long emulation that costs more than encoding
 * the record. Same hash, bit for bit.
 */
export function murmur2(data: Uint8Array, length = data.length): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) | ((data[i4 + 1]! & 0xff) << 8) | ((data[i4 + 2]! & 0xff) << 16) | ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
    if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** ASCII keys are copied here to be hashed: no Buffer per key. */
const asciiScratch = new Uint8Array(256);

/** murmur2 of a string's UTF-8 bytes; short ASCII keys (the usual ids) are hashed without allocating. */
export function murmur2Text(text: string): number {
  const length = text.length;
  if (length <= asciiScratch.length) {
    let i = 0;
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) break;
      asciiScratch[i] = code;
    }
    if (i === length) return murmur2(asciiScratch, length);
  }
  return murmur2(Buffer.from(text, 'utf8'));
}

/** The partition Kafka's default partitioner gives a key among `partitions`. */
export function keyPartition(key: Uint8Array | string, partitions: number): number {
  return ((typeof key === 'string' ? murmur2Text(key) : murmur2(key)) & 0x7fffffff) % partitions;
}

/**
 * kafkajs' DefaultPartitioner with the fast murmur2: an explicit partition wins, a keyed message goes to its
 * key's partition among all partitions, an unkeyed one round-robin over the partitions that have a leader.
 */
export const Murmur2Partitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  const next = (topic: string): number => {
    // Starts at a random point per topic, as kafkajs does, so producers do not all begin on partition 0.
    const counter = ((counters.get(topic) ?? randomInt(2 ** 32 - 1)) + 1) & 0x7fffffff;
    counters.set(topic, counter);
    return counter;
  };
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) return keyPartition(message.key, partitionMetadata.length);
    const available = partitionMetadata.filter((p: PartitionMetadata) => p.leader >= 0);
    if (available.length > 0) return available[next(topic) % available.length]!.partitionId;
    return next(topic) % partitionMetadata.length;
  };
};
