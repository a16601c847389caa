/**
 * Object key layout (relative to the store's root):
 *   <topic>/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<startOffset, 10 digits>+<topic id>.ndjson.gz
 * dt/hour are the UTC date and hour of the records' Kafka timestamps; every object holds records of one
 * hour only (batches are cut at hour changes), so the path is true for every line in it. The topic id (Kafka's,
 * base64url) tells incarnations of a topic apart: offsets start over when a topic is deleted and created again
 * (or a cluster is rebuilt), and the new records must not meet the old objects' keys. Keys without it (archives
 * written before, or from brokers that give no ids) are read the same way.
 */

const OFFSET_DIGITS = 10;
const OBJECT_SUFFIX = '.ndjson.gz';

interface ObjectId {
  topic: string;
  partition: number;
  /** First offset in the object. */
  startOffset: string;
  /** UTC `YYYY-MM-DD`. */
  date: string;
  /** UTC `HH`. */
  hour: string;
  /** Kafka's id of the topic incarnation; absent for brokers without topic ids. */
  topicId?: string;
}

export interface HourSlot {
  date: string;
  hour: string;
}

/** UTC date and hour of a Kafka timestamp (milliseconds since the epoch, as kafkajs gives it). */
export function hourSlotOf(timestampMs: number): HourSlot {
  return hourSlotOfIso(new Date(Number.isFinite(timestampMs) ? timestampMs : 0).toISOString());
}

/** The same from the UTC ISO form an archive line already carries (`YYYY-MM-DDTHH:...Z`). */
export const hourSlotOfIso = (iso: string): HourSlot => ({ date: iso.slice(0, 10), hour: iso.slice(11, 13) });

const hourPrefix = (topic: string, slot: HourSlot) => `${topic}/dt=${slot.date}/hour=${slot.hour}/`;

export function objectKey(id: ObjectId): string {
  const incarnation = id.topicId ? `+${id.topicId}` : '';
  return `${hourPrefix(id.topic, id)}${id.topic}+${id.partition}+${id.startOffset.padStart(OFFSET_DIGITS, '0')}${incarnation}${OBJECT_SUFFIX}`;
}

// Kafka topic names never hold '+'; a topic id is 16 bytes in base64url (22 characters).
const KEY = /^(.+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/([^+/]+)\+(\d+)\+(\d+)(?:\+([A-Za-z0-9_-]{22}))?\.ndjson\.gz$/;

/** The parts of an archive key, or undefined for keys that are not archive objects. */
export function parseObjectKey(key: string): ObjectId | undefined {
  const m = KEY.exec(key);
  if (!m || m[1] !== m[4]) return undefined;
  const [, topic = '', date = '', hour = '', , partition = '', offset = '', topicId] = m;
  return { topic, partition: Number(partition), startOffset: BigInt(offset).toString(), date, hour, ...(topicId ? { topicId } : {}) };
}
