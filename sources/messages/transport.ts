// The seam between hub-etl and the wire messages arrive on: one interface, one file per transport (AMQP
// 0-9-1 for RabbitMQ and ApsaraMQ, the open platform's HTTP push), chosen from a map in transports.ts.
// Each transport both receives (hub-etl listen) and sends (the generator's emulation, tests, the bench).
import type { Topic } from './topics.js';

export type TransportKind = 'amqp' | 'push';

/** One message as a transport delivered it. */
export interface Delivery {
  transport: TransportKind;
  /** AMQP: the exchange (the topic); push: null (the envelope's type names it). */
  topic: string | null;
  /** AMQP: the routing key (the tag); push: null. */
  tag: string | null;
  /** The body as received: the AMQP message content, or the push's `message` field. */
  body: string;
  /** Epoch ms when this process received it. */
  receivedAt: number;
  /** The broker says it delivered this message before (and it was not acknowledged). */
  redelivered: boolean;
}

/**
 * What a handler rejects with when another delivery of the same message is in hand (a duplicate sent
 * close behind the first): handed back like any other, but duplicates are normal, so without alarm.
 */
export class MessageBusy extends Error {
  override readonly name = 'MessageBusy';
}

/**
 * Called once per delivery. Resolving means the message is safe (its refresh job is in Redis, it was a
 * duplicate, or it is quarantined): the transport then acknowledges it (AMQP ack, HTTP 2xx). Rejecting
 * means it is not: AMQP puts it back on the queue, push answers 503 so that the platform sends it again.
 */
export type DeliveryHandler = (d: Delivery) => Promise<void>;

export interface Consumer {
  readonly kind: TransportKind;
  /** Where it listens, safe to print (no password). */
  readonly label: string;
  /** Starts receiving; resolves once it is ready (connected and bound, or listening). */
  start(handler: DeliveryHandler): Promise<void>;
  /** Stops receiving and waits for the deliveries in hand to be answered. */
  close(): Promise<void>;
}

/** A message to send as Cloud Hub would: the topic, the tag and the body text. */
export interface OutgoingMessage {
  topic: Topic;
  tag: string;
  body: string;
}

export interface Publisher {
  readonly label: string;
  /** Resolves once the other side has taken the message (AMQP publisher confirm, HTTP 2xx). */
  publish(m: OutgoingMessage): Promise<void>;
  close(): Promise<void>;
}

/** Receiving side options: AMQP needs the broker and queue; push needs the address and the app secret. */
export interface ConsumerOptions {
  /** AMQP: amqp:// or amqps:// URL. Push: ignored. */
  url?: string;
  /** AMQP: the durable queue of this consumer group. */
  queueName?: string;
  /** AMQP: deliveries in hand at once. */
  prefetch?: number;
  /** Push: address and port (0 picks a free one). */
  host?: string;
  port?: number;
  /** Push: the app secret that signs every push. */
  appSecret?: string;
  /** How long a delivery the handler could not take waits before it is offered again (AMQP), in ms. */
  retryDelayMs?: number;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface PublisherOptions {
  /** AMQP: the broker URL; push: the receiver's URL (http://host:port/). */
  url: string;
  /** Push: the app secret to sign with. */
  appSecret?: string;
}
