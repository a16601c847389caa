import type { IHeaders, KafkaMessage, OutboundMessage } from '@ckt/kafka';
import { familyOf, familyTopic, parseEnvelopeValue, rawEventKey, type StageReason, type TopicNames } from '@ckt/domain';

/** Header the router adds to every routed record, so consumers can dispatch without parsing the value. */
export const EVENT_NAME_HEADER = 'event_name';

type RouterFailureReason = StageReason<'router'>;

type RouteDecision =
  | { ok: true; topic: string; eventName: string; message: OutboundMessage }
  | { ok: false; reason: RouterFailureReason; message: string };

export type SourceRecord = Pick<KafkaMessage, 'key' | 'value' | 'timestamp' | 'headers'>;

/**
 * Where one raw record goes: its family topic (value, key, timestamp and headers unchanged, plus
 * `event_name`), or the dead-letter path with a reason. Failure messages name the field, never a value.
 */
export function routeRecord(record: SourceRecord, names: TopicNames): RouteDecision {
  const parsed = parseEnvelopeValue(record.value);
  if (!parsed.ok) return fail(parsed.reason, parsed.message);
  const eventName = parsed.event.event_name;
  const family = familyOf(eventName);
  if (family === undefined) return fail('unknown_event_name', `event_name: ${eventName} is not in the event catalog`);
  const headers: IHeaders = { ...record.headers, [EVENT_NAME_HEADER]: eventName };
  return {
    ok: true,
    topic: familyTopic(names, family),
    eventName,
    message: {
      // A record the bridge did not key is keyed as the bridge would have keyed it, so per-key order holds.
      key: record.key ?? rawEventKey(parsed.event),
      value: record.value,
      timestamp: record.timestamp,
      headers,
    },
  };
}

function fail(reason: RouterFailureReason, message: string): RouteDecision {
  return { ok: false, reason, message };
}
