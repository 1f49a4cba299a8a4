// AMQP 0-9-1 (RabbitMQ locally, ApsaraMQ for RabbitMQ in Alibaba Cloud): a topic is a durable exchange
// of type `topic` named after it, the tag is the routing key, and each consumer group has one durable
// queue bound to the three exchanges. A delivery is acknowledged only once the handler says it is safe,
// so a crash in between hands it back to the broker; the consumer reconnects after a broker restart.
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { maskSecrets } from '../../lib/config.js';
import { describe, SourceError } from '../../lib/errors.js';
import { TOPIC_NAMES } from './topics.js';
import { MessageBusy, type Consumer, type ConsumerOptions, type DeliveryHandler, type OutgoingMessage, type Publisher, type PublisherOptions } from './transport.js';

/** Heartbeats let both sides notice a dead peer within about twice this many seconds. */
const HEARTBEAT_S = 10;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/** How long start() keeps trying before it says the broker cannot be reached. */
const FIRST_CONNECT_MS = 15_000;

function withHeartbeat(url: string): string {
  return /[?&]heartbeat=/.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}heartbeat=${HEARTBEAT_S}`;
}

/** Declares the three topic exchanges (durable); idempotent, as every consumer and publisher does it. */
async function declareTopics(ch: Channel): Promise<void> {
  for (const topic of TOPIC_NAMES) await ch.assertExchange(topic, 'topic', { durable: true });
}

export function createAmqpConsumer(opts: ConsumerOptions): Consumer {
  const url = opts.url ?? '';
  const queueName = opts.queueName ?? 'hub-etl';
  const prefetch = opts.prefetch ?? 32;
  const retryDelayMs = opts.retryDelayMs ?? 1_000;
  const label = `${maskSecrets(url)} queue ${queueName}`;
  let model: ChannelModel | null = null;
  let channel: Channel | null = null;
  let closing = false;
  let handler: DeliveryHandler | null = null;
  let timer: NodeJS.Timeout | null = null;
  const inFlight = new Set<Promise<void>>();

  const onMessage = (ch: Channel, msg: ConsumeMessage | null) => {
    // null: the broker cancelled the consumer (queue deleted); the connection's close event reconnects.
    if (!msg || !handler) return;
    const delivery = {
      transport: 'amqp' as const,
      topic: msg.fields.exchange || null,
      tag: msg.fields.routingKey,
      body: msg.content.toString('utf8'),
      receivedAt: Date.now(),
      redelivered: msg.fields.redelivered,
    };
    const p = handler(delivery).then(
      () => {
        try {
          ch.ack(msg);
        } catch {
          // The channel closed meanwhile: the broker delivers it again, and the dedupe key answers then.
        }
      },
      (err: unknown) => {
        opts.log(err instanceof MessageBusy ? 'debug' : 'warn', 'message not taken; handing it back to the broker', { error: describe(err), exchange: delivery.topic, tag: delivery.tag });
        // Wait a little before handing it back, so that an outage (Redis down) does not spin.
        return new Promise<void>((resolve) => setTimeout(() => {
          try {
            ch.nack(msg, false, true);
          } catch {
            // Channel gone: the message is redelivered anyway.
          }
          resolve();
        }, retryDelayMs));
      },
    ).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const connect = async (): Promise<void> => {
    const m = await amqp.connect(withHeartbeat(url), { clientProperties: { connection_name: `hub-etl listen (${queueName})` } });
    try {
      const ch = await m.createChannel();
      await ch.prefetch(prefetch);
      await declareTopics(ch);
      await ch.assertQueue(queueName, { durable: true });
      // '#' matches every routing key, the empty one (the unnamed logistics tag) included.
      for (const topic of TOPIC_NAMES) await ch.bindQueue(queueName, topic, '#');
      ch.on('error', (err: Error) => opts.log('warn', 'amqp channel error', { error: describe(err) }));
      await ch.consume(queueName, (msg) => onMessage(ch, msg), { noAck: false });
      model = m;
      channel = ch;
    } catch (err) {
      await m.close().catch(() => undefined);
      throw err;
    }
    m.on('error', (err: Error) => opts.log('warn', 'amqp connection error', { error: describe(err), broker: label }));
    m.on('close', () => {
      model = null;
      channel = null;
      if (!closing) {
        opts.log('warn', 'amqp connection lost; reconnecting', { broker: label });
        schedule(RECONNECT_MIN_MS);
      }
    });
  };

  const schedule = (delay: number) => {
    if (closing) return;
    timer = setTimeout(() => {
      timer = null;
      connect().then(
        () => opts.log('info', 'amqp connection back; consuming again', { broker: label }),
        (err: unknown) => {
          opts.log('warn', 'amqp reconnect failed; trying again', { broker: label, error: describe(err), in_ms: Math.min(delay * 2, RECONNECT_MAX_MS) });
          schedule(Math.min(delay * 2, RECONNECT_MAX_MS));
        },
      );
    }, delay);
  };

  return {
    kind: 'amqp',
    label,
    async start(h) {
      handler = h;
      const until = Date.now() + FIRST_CONNECT_MS;
      let delay = RECONNECT_MIN_MS;
      for (;;) {
        try {
          await connect();
          return;
        } catch (err) {
          if (closing) return;
          if (Date.now() + delay > until) throw new SourceError(`cannot consume from ${label}: ${describe(err)}`, { cause: err, retriable: true });
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        }
      }
    },
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      const ch = channel;
      // Stop new deliveries, answer those in hand, then close; unanswered ones go back to the queue.
      if (ch) await ch.close().catch(() => undefined).then(() => undefined);
      await Promise.allSettled([...inFlight]);
      await model?.close().catch(() => undefined);
      model = null;
      channel = null;
    },
  };
}

export function createAmqpPublisher(opts: PublisherOptions): Publisher {
  const label = maskSecrets(opts.url);
  let ready: Promise<{ model: ChannelModel; channel: ConfirmChannel }> | null = null;
  const open = () => {
    ready ??= (async () => {
      const model = await amqp.connect(withHeartbeat(opts.url), { clientProperties: { connection_name: 'hub-etl publisher' } });
      model.on('error', () => undefined);
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      await declareTopics(channel);
      return { model, channel };
    })();
    ready.catch(() => (ready = null));
    return ready;
  };
  return {
    label,
    async publish(m: OutgoingMessage) {
      const { channel } = await open();
      await new Promise<void>((resolve, reject) => {
        channel.publish(m.topic, m.tag, Buffer.from(m.body, 'utf8'), { persistent: true, contentType: 'application/json' }, (err: unknown) => {
          if (err) reject(new SourceError(`the broker ${label} refused a message: ${describe(err)}`, { cause: err, retriable: true }));
          else resolve();
        });
      });
    },
    async close() {
      const r = ready;
      ready = null;
      if (!r) return;
      const { model, channel } = await r.catch(() => ({ model: null, channel: null }));
      await channel?.close().catch(() => undefined);
      await model?.close().catch(() => undefined);
    },
  };
}
