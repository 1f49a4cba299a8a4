// Sends the messages of a generator run (sources/synthetic/messages.ts) the way Cloud Hub would: to an
// AMQP broker (amqp://…: the topic's exchange, the tag as routing key) or as HTTP pushes (http://…: the
// signed form; a push is always the envelope, whose type names the tag). gmtBorn is the sending moment.
import { UsageError } from '../lib/errors.js';
import { messageBody, type EmulatedMessage } from '../sources/synthetic/messages.js';
import { TRANSPORTS, transportOfUrl } from '../sources/messages/transports.js';

export interface PublishResult {
  transport: 'amqp' | 'push';
  target: string;
  published: number;
  duplicates: number;
  byTopic: Record<string, number>;
}

export interface PublishOptions {
  url: string;
  /** Push: the app secret that signs each push. */
  appSecret?: string | null;
  /** Messages per second (default: as fast as the other side takes them). */
  ratePerSecond?: number;
  /** Called after each message is taken, with the time it was sent (epoch ms). */
  onSent?: (m: EmulatedMessage, sentAt: number) => void;
}

export async function publishMessages(messages: EmulatedMessage[], opts: PublishOptions): Promise<PublishResult> {
  const kind = transportOfUrl(opts.url);
  if (!kind) throw new UsageError(`"${opts.url}" is neither an AMQP broker (amqp://, amqps://) nor a push receiver (http://, https://)`);
  if (kind === 'push' && !opts.appSecret) throw new UsageError('--push: pushes are signed with the app secret; set HUB_API_APP_SECRET (or --api-app-secret)');
  const publisher = TRANSPORTS[kind].publisher({ url: opts.url, ...(opts.appSecret ? { appSecret: opts.appSecret } : {}) });
  const result: PublishResult = { transport: kind, target: publisher.label, published: 0, duplicates: 0, byTopic: {} };
  const start = Date.now();
  try {
    for (const m of messages) {
      if (opts.ratePerSecond) {
        const due = start + (result.published * 1000) / opts.ratePerSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      const sentAt = Date.now();
      await publisher.publish({ topic: m.topic, tag: m.tag, body: messageBody(kind === 'push' ? { ...m, wrapped: true } : m, sentAt) });
      opts.onSent?.(m, sentAt);
      result.published++;
      if (m.duplicate) result.duplicates++;
      result.byTopic[m.topic] = (result.byTopic[m.topic] ?? 0) + 1;
    }
  } finally {
    await publisher.close();
  }
  return result;
}
