import { deadLetterHeaders, type DeadLetter } from './dead-letter.ts';
import type { OutboundMessage } from './producer.ts';

export interface TopicMessages {
  topic: string;
  messages: OutboundMessage[];
}

interface OutboxOptions {
  dlqTopic: string;
  service: string;
  failedAt?: Date;
}

/**
 * Collects everything one fetched batch produces (outputs and dead letters) so it leaves in a single
 * sendBatch; the source offsets are committed only once that one request is acknowledged.
 */
export class BatchOutbox {
  private readonly byTopic = new Map<string, OutboundMessage[]>();
  private readonly reasons = new Map<string, number>();
  private readonly failedAt: Date;

  constructor(private readonly options: OutboxOptions) {
    this.failedAt = options.failedAt ?? new Date();
  }

  add(topic: string, message: OutboundMessage): void {
    const messages = this.byTopic.get(topic);
    if (messages) messages.push(message);
    else this.byTopic.set(topic, [message]);
  }

  addDeadLetter(letter: DeadLetter): void {
    this.reasons.set(letter.reason, (this.reasons.get(letter.reason) ?? 0) + 1);
    this.add(this.options.dlqTopic, {
      key: letter.key ?? null,
      value: letter.value,
      headers: deadLetterHeaders(letter, this.options.service, this.failedAt),
    });
  }

  /** Messages per topic, dead letters included, in the order they were added. */
  topicMessages(): TopicMessages[] {
    return [...this.byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  /** Output counts per topic, the dead-letter topic excluded. */
  outputCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [topic, messages] of this.byTopic) if (topic !== this.options.dlqTopic) counts.set(topic, messages.length);
    return counts;
  }

  deadLetterCounts(): ReadonlyMap<string, number> {
    return this.reasons;
  }
}
