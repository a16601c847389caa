import type { IHeaders, KafkaMessage } from '@ckt/kafka';
import type { RecordSource } from './row-cutter.ts';

const NO_HEADERS: IHeaders = Object.freeze({});

/** A record's key and value inside a store shared by its fetched batch. */
class StoredRecord implements RecordSource {
  constructor(
    readonly offset: string,
    readonly headers: IHeaders,
    private readonly store: Buffer,
    private readonly keyStart: number,
    /** -1: no key. */
    private readonly keyLength: number,
    private readonly valueLength: number,
  ) {}

  get key(): Buffer | null {
    return this.keyLength < 0 ? null : this.store.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  get value(): Buffer | null {
    const start = this.keyStart + Math.max(0, this.keyLength);
    return this.valueLength < 0 ? null : this.store.subarray(start, start + this.valueLength);
  }
}

/**
 * What a dead letter needs of each record (offset, key, value, headers), kept while its row waits for the
 * warehouse. Keys and values of the whole batch are copied into one buffer: a slice per record would keep the
 * consumer's fetch response alive, and a Buffer object per key and value costs more than the bytes themselves.
 */
export function storeRecords(messages: readonly KafkaMessage[]): RecordSource[] {
  let size = 0;
  for (const message of messages) size += (message.key?.length ?? 0) + (message.value?.length ?? 0);
  const store = Buffer.allocUnsafe(size);
  const records: RecordSource[] = new Array(messages.length);
  let position = 0;
  for (let i = 0; i < messages.length; i++) {
    const { key, value, offset, headers } = messages[i] as KafkaMessage;
    const start = position;
    if (key) position += key.copy(store, position);
    if (value) position += value.copy(store, position);
    const keepHeaders = headers && Object.keys(headers).length > 0 ? headers : NO_HEADERS;
    records[i] = new StoredRecord(offset, keepHeaders, store, start, key ? key.length : -1, value ? value.length : -1);
  }
  return records;
}
