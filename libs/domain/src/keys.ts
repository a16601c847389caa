import type { Envelope } from './envelope.ts';
import { normaliseId } from './ids.ts';

/** Payload fields whose value keys a raw event, in order of preference (§1). */
const KEY_FIELDS = ['checkout_id', 'customer_id', 'transaction_id'] as const;

/**
 * Kafka key of a raw event: payload.checkout_id, else customer_id, else transaction_id, else event_id, so one
 * checkout's events stay in order on one partition. A field that is present but no valid id is skipped.
 */
export function rawEventKey(envelope: Pick<Envelope, 'event_id' | 'payload'>): string {
  for (const field of KEY_FIELDS) {
    const id = normaliseId(envelope.payload[field]);
    if (id !== undefined) return id;
  }
  return envelope.event_id;
}
