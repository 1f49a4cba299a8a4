// The transports by name: what `hub-etl listen` receives on and what the generator's emulation sends with.
import { createAmqpConsumer, createAmqpPublisher } from './amqp.js';
import { createPushConsumer, createPushPublisher } from './push.js';
import type { Consumer, ConsumerOptions, Publisher, PublisherOptions, TransportKind } from './transport.js';

export interface TransportImpl {
  consumer(opts: ConsumerOptions): Consumer;
  publisher(opts: PublisherOptions): Publisher;
}

export const TRANSPORTS: Readonly<Record<TransportKind, TransportImpl>> = {
  amqp: { consumer: createAmqpConsumer, publisher: createAmqpPublisher },
  push: { consumer: createPushConsumer, publisher: createPushPublisher },
};

/** The transport a publishing URL names: amqp(s):// is a broker, http(s):// a push receiver. */
export function transportOfUrl(url: string): TransportKind | null {
  if (/^amqps?:\/\//i.test(url.trim())) return 'amqp';
  if (/^https?:\/\//i.test(url.trim())) return 'push';
  return null;
}
