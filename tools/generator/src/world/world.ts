import { attractionCreated, attractionUpdated } from '../events/attraction.ts';
import { checkoutAbandoned, checkoutCompleted, checkoutStarted } from '../events/checkout.ts';
import { changeCustomer, customerRegistered, customerUpdated } from '../events/customer.ts';
import { paymentFailed, paymentSucceeded, triggerPayment } from '../events/payment.ts';
import { ticketRefunded, ticketSale } from '../events/ticket.ts';
import type { BuiltEvent } from '../events/types.ts';
import type { Prng } from '../prng.ts';
import {
  checkoutTotalCents,
  moneyValue,
  newAttraction,
  newCustomer,
  newTicket,
  type Attraction,
  type Checkout,
  type Customer,
  type Ticket,
} from './entities.ts';
import type { IdFactory } from './ids.ts';
import { ABANDON_STEPS, CHANNEL_WEIGHTS, FAILURE_REASONS, PROCESSOR_WEIGHTS, REFUND_REASONS } from './reference-data.ts';

/** A catalog event of the simulated shop with its event time (epoch ms, UTC). */
interface WorldEvent extends BuiltEvent {
  readonly timestampMs: number;
}

interface WorldOptions {
  rng: Prng;
  ids: IdFactory;
  /** Simulated time of the first event (epoch ms). */
  startMs: number;
  /** Checkouts in progress at once (their events interleave). */
  maxActiveCheckouts?: number;
}

interface PendingRefund {
  readonly checkout: Checkout;
  readonly tickets: Ticket[];
  readonly dueAfterEvent: number;
  readonly reason: string;
}

type Action = 'register' | 'update_customer' | 'create_attraction' | 'update_attraction' | 'start_checkout' | 'advance_checkout' | 'refund';

const TICKET_COUNT_WEIGHTS: readonly (readonly [number, number])[] = [
  [1, 30],
  [2, 30],
  [3, 15],
  [4, 14],
  [5, 6],
  [6, 5],
];

/** Versions of one entity are at least this far apart, so formats that drop milliseconds keep their order. */
const MIN_ENTITY_GAP_MS = 1000;

/**
 * The simulated shop: customers register and change, attractions open and change, checkouts run their
 * funnel (tickets, sometimes a promo re-pricing, payment attempts with fresh transaction ids, completion or
 * abandonment) interleaved with each other, and some completed checkouts are refunded later. Every call to
 * `next()` returns one valid catalog event; the same PRNG stream gives the same story.
 */
export class World {
  private readonly rng: Prng;
  private readonly ids: IdFactory;
  private readonly maxActive: number;
  private now: number;
  private emitted = 0;
  private readonly customers: Customer[] = [];
  private readonly attractions: Attraction[] = [];
  private readonly active: Checkout[] = [];
  private readonly refunds: PendingRefund[] = [];

  constructor(options: WorldOptions) {
    this.rng = options.rng;
    this.ids = options.ids;
    this.now = options.startMs;
    this.maxActive = options.maxActiveCheckouts ?? 24;
  }

  /** Simulated time now (epoch ms): faults use it so they blend into the traffic. */
  get clockMs(): number {
    return this.now;
  }

  next(): WorldEvent {
    this.now += this.rng.int(20, 900);
    this.emitted++;
    switch (this.chooseAction()) {
      case 'register':
        return this.register();
      case 'update_customer':
        return this.updateCustomer();
      case 'create_attraction':
        return this.createAttraction();
      case 'update_attraction':
        return this.updateAttraction();
      case 'start_checkout':
        return this.startCheckout();
      case 'advance_checkout':
        return this.advance(this.rng.pick(this.active));
      case 'refund':
        return this.refund();
    }
  }

  private chooseAction(): Action {
    if (this.attractions.length < 6) return 'create_attraction';
    if (this.customers.length < 12) return 'register';
    const dueRefund = this.refunds.some((refund) => refund.dueAfterEvent <= this.emitted);
    return this.rng.weighted<Action>([
      ['register', 5],
      ['update_customer', 2.5],
      ['create_attraction', this.attractions.length < 150 ? 0.6 : 0],
      ['update_attraction', 0.6],
      ['start_checkout', this.active.length < this.maxActive ? 9 : 0],
      ['advance_checkout', this.active.length > 0 ? 60 : 0],
      ['refund', dueRefund ? 3 : 0],
    ]);
  }

  /** Event time for the next event of an entity: now, but at least MIN_ENTITY_GAP_MS after its previous one. */
  private stamp(entity: { lastTs: number }, extraGapMs = 0): number {
    const ts = Math.max(this.now, entity.lastTs + MIN_ENTITY_GAP_MS + this.rng.int(0, 3000) + extraGapMs);
    entity.lastTs = ts;
    return ts;
  }

  private at(ts: number, event: BuiltEvent): WorldEvent {
    return { ...event, timestampMs: ts };
  }

  private register(): WorldEvent {
    const customer = newCustomer(this.rng, this.ids, this.now);
    this.customers.push(customer);
    return this.at(this.stamp(customer), customerRegistered(this.rng, customer));
  }

  private updateCustomer(): WorldEvent {
    const customer = this.rng.pick(this.customers);
    const changed = changeCustomer(this.rng, customer);
    return this.at(this.stamp(customer), customerUpdated(this.rng, customer, changed));
  }

  private createAttraction(): WorldEvent {
    const attraction = newAttraction(this.rng, this.ids, this.now);
    this.attractions.push(attraction);
    return this.at(this.stamp(attraction), attractionCreated(this.rng, attraction));
  }

  private updateAttraction(): WorldEvent {
    const attraction = this.rng.pick(this.attractions);
    return this.at(this.stamp(attraction), attractionUpdated(this.rng, attraction));
  }

  private startCheckout(): WorldEvent {
    const main = this.rng.pick(this.attractions);
    const attractions = [main];
    const sameCurrency = this.attractions.filter((a) => a.currency === main.currency && a !== main);
    if (sameCurrency.length > 0 && this.rng.chance(0.25)) attractions.push(this.rng.pick(sameCurrency));
    const checkout: Checkout = {
      id: this.ids.checkout(),
      customer: this.rng.pick(this.customers),
      channel: this.rng.weighted(CHANNEL_WEIGHTS),
      currency: main.currency,
      processor: this.rng.weighted(PROCESSOR_WEIGHTS),
      attractions,
      plannedTickets: this.rng.weighted(TICKET_COUNT_WEIGHTS),
      tickets: [],
      phase: 'selecting',
      attempts: 0,
      transactionId: null,
      paidTransactionId: null,
      pendingCorrections: [],
      lastTs: this.now - MIN_ENTITY_GAP_MS,
    };
    this.active.push(checkout);
    return this.at(this.stamp(checkout), checkoutStarted(this.rng, checkout));
  }

  private advance(checkout: Checkout): WorldEvent {
    switch (checkout.phase) {
      case 'selecting':
        return this.selectTicket(checkout);
      case 'correcting':
        return this.correctPrice(checkout);
      case 'paying':
        if (this.rng.chance(0.07)) return this.abandon(checkout, ABANDON_STEPS.beforePayment);
        return this.triggerPayment(checkout);
      case 'awaiting_result':
        return this.paymentResult(checkout);
      case 'after_failure':
        if (checkout.attempts < 3 && this.rng.chance(0.7)) return this.triggerPayment(checkout);
        return this.abandon(checkout, ABANDON_STEPS.afterFailedPayment);
      case 'completing':
        return this.complete(checkout);
      case 'done':
        throw new Error(`checkout ${checkout.id} is done but still active`);
    }
  }

  private selectTicket(checkout: Checkout): WorldEvent {
    if (checkout.tickets.length === 0 && this.rng.chance(0.04)) return this.abandon(checkout, ABANDON_STEPS.beforeTickets);
    if (checkout.tickets.length > 0 && this.rng.chance(0.03)) return this.abandon(checkout, ABANDON_STEPS.duringTickets);
    const ts = this.stamp(checkout);
    const ticket = newTicket(this.rng, this.ids, this.rng.pick(checkout.attractions), ts);
    checkout.tickets.push(ticket);
    if (checkout.tickets.length === checkout.plannedTickets) {
      // Now and then a promo code re-prices every ticket: the ticket_sale is sent again (new event, later time).
      const promo = this.rng.chance(0.06);
      checkout.phase = promo ? 'correcting' : 'paying';
      if (promo) checkout.pendingCorrections = [...checkout.tickets];
    }
    return this.at(ts, ticketSale(this.rng, checkout, ticket, ts));
  }

  private correctPrice(checkout: Checkout): WorldEvent {
    const ticket = checkout.pendingCorrections.shift() as Ticket;
    if (checkout.pendingCorrections.length === 0) checkout.phase = 'paying';
    const ts = this.stamp(checkout);
    ticket.cents = Math.round((ticket.cents * 90) / 100);
    ticket.priceValue = moneyValue(this.rng, ticket.cents);
    ticket.lastTs = ts;
    return this.at(ts, ticketSale(this.rng, checkout, ticket, ts));
  }

  private triggerPayment(checkout: Checkout): WorldEvent {
    checkout.attempts++;
    checkout.transactionId = this.ids.transaction(checkout.processor);
    checkout.phase = 'awaiting_result';
    return this.at(this.stamp(checkout), triggerPayment(this.rng, checkout, checkout.transactionId, checkoutTotalCents(checkout)));
  }

  private paymentResult(checkout: Checkout): WorldEvent {
    const transactionId = checkout.transactionId as string;
    const amount = checkoutTotalCents(checkout);
    const ts = this.stamp(checkout);
    if (this.rng.chance(0.82)) {
      checkout.paidTransactionId = transactionId;
      checkout.phase = 'completing';
      return this.at(ts, paymentSucceeded(this.rng, checkout, transactionId, amount));
    }
    checkout.phase = 'after_failure';
    return this.at(ts, paymentFailed(this.rng, checkout, transactionId, amount, this.rng.pick(FAILURE_REASONS)));
  }

  private complete(checkout: Checkout): WorldEvent {
    const ts = this.stamp(checkout);
    this.finish(checkout);
    if (this.rng.chance(0.08)) {
      const count = this.rng.chance(0.5) ? checkout.tickets.length : this.rng.int(1, checkout.tickets.length);
      this.refunds.push({
        checkout,
        tickets: checkout.tickets.slice(0, count),
        dueAfterEvent: this.emitted + this.rng.int(10, 300),
        reason: this.rng.pick(REFUND_REASONS),
      });
    }
    return this.at(ts, checkoutCompleted(this.rng, checkout));
  }

  private abandon(checkout: Checkout, lastStep: string): WorldEvent {
    const ts = this.stamp(checkout);
    this.finish(checkout);
    return this.at(ts, checkoutAbandoned(this.rng, checkout, lastStep));
  }

  private finish(checkout: Checkout): void {
    checkout.phase = 'done';
    this.active.splice(this.active.indexOf(checkout), 1);
  }

  private refund(): WorldEvent {
    const index = this.refunds.findIndex((refund) => refund.dueAfterEvent <= this.emitted);
    const pending = this.refunds[index] as PendingRefund;
    const ticket = pending.tickets.shift() as Ticket;
    if (pending.tickets.length === 0) this.refunds.splice(index, 1);
    const { checkout } = pending;
    // Refunds come minutes to hours after the purchase.
    const ts = this.stamp(checkout, this.rng.int(60_000, 7_200_000));
    return this.at(ts, ticketRefunded(this.rng, ticket, checkout.paidTransactionId as string, checkout.currency, pending.reason));
  }
}
