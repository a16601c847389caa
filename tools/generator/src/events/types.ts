import type { EventName } from '../catalog.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonPayload = { [key: string]: JsonValue };

/** A catalog event before it gets an envelope: its name and payload. */
export interface BuiltEvent {
  readonly eventName: EventName;
  readonly payload: JsonPayload;
}
