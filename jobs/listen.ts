// hub-etl listen: Cloud Hub messages in, refresh jobs out. Per delivery: parse (or quarantine), drop a
// message already handled, note what the entity's refresh must reach, queue the refresh (a burst for one
// entity folds into one job), and only then let the transport acknowledge. A crash anywhere before that
// hands the message back to the broker; one after it finds the message marked done on redelivery.
import crypto from 'node:crypto';
import type { Context } from './context.js';
import { describe, UsageError } from '../lib/errors.js';
import { entityKey, parseMessage, type HubMessage } from '../sources/messages/parse.js';
import { isTopic } from '../sources/messages/topics.js';
import { MessageBusy, type Consumer, type Delivery, type TransportKind } from '../sources/messages/transport.js';
import { TRANSPORTS } from '../sources/messages/transports.js';
import { quarantineMessage } from '../sinks/message-tables.js';
import { migrate, requireMigrated } from '../sql/warehouse/migrate.js';
import { claimMessage, countMessages, isBareKey, noteWanted, releaseMessage, settleMessage, UNKNOWN_TOPIC, withdrawWanted } from './queue/message-ledger.js';
import { JOB, refreshDedupId } from './queue/names.js';
import type { RefreshPayload } from './queue/payloads.js';
import { openQueues, REFRESH_JOB, type Queues } from './queue/queues.js';

export interface ListenOptions {
  /** AMQP: consume the broker's queue of this consumer group (config.mq must be set). */
  amqp?: { queueName: string; prefetch?: number };
  /** HTTP push: serve the receiver on this address (config.pushSecret must be set). */
  push?: { host: string; port: number };
  /** Migrate the warehouse at start; without it a warehouse older than this hub-etl is refused, as workers do. */
  migrate?: boolean;
  /** A refresh waits this long before it runs, so that a burst for one entity becomes one refresh. */
  coalesceMs?: number;
  /** How long a message being handled stays claimed if its handler dies (then a redelivery goes through). */
  pendingMs?: number;
  /** How long a handled message with a msgId is remembered as a duplicate. */
  dedupeMs?: number;
  /**
   * How long, at most, a message without a msgId (known by a hash of topic, tag and body) is taken as a
   * duplicate: only until the refresh it queued starts reading the source, and never longer than this.
   */
  bareDedupeMs?: number;
  /** Replica path: waits for the replica to reach a message's time, the first of `staleBaseMs`, doubling. */
  staleRetries?: number;
  staleBaseMs?: number;
  /**
   * Test seams at the two points where a crash must lose nothing: after the message is claimed (nothing
   * queued yet), and after its refresh is queued and the message marked done (not yet acknowledged).
   */
  hooks?: { afterClaim?: (d: Delivery) => Promise<void>; beforeAck?: (d: Delivery) => Promise<void> };
}

export const LISTEN_DEFAULTS = { coalesceMs: 250, pendingMs: 15_000, dedupeMs: 86_400_000, bareDedupeMs: 30_000, staleRetries: 4, staleBaseMs: 1_000 };

export interface Listener {
  consumers: Consumer[];
  /** The push receiver's URL when serving pushes. */
  pushUrl: string | null;
  queues: Queues;
  /** Stops receiving; deliveries in hand are answered (acknowledged or handed back) first. */
  close(): Promise<void>;
}

/** The dedupe key of a message that could not be parsed: its msgId when it was readable, else a hash of what arrived. */
function rejectKey(d: Delivery, msgId: string | null): string {
  return msgId !== null ? `id:${msgId}` : `h:${crypto.createHash('sha1').update(`${d.topic ?? ''}\u0000${d.tag ?? ''}\u0000${d.body.trim()}`).digest('hex')}`;
}

export async function startListener(ctx: Context, opts: ListenOptions): Promise<Listener> {
  const o = { ...LISTEN_DEFAULTS, ...opts };
  if (!opts.amqp && !opts.push) throw new UsageError('listen: nothing to listen on; set HUB_MQ_URL (or --mq-url) for AMQP, or --push-port for HTTP pushes');
  if (opts.amqp && !ctx.config.mq) throw new UsageError('listen: no AMQP broker is configured; set HUB_MQ_URL (or --mq-url) to amqp://user:password@host:5672/vhost');
  if (opts.push && !ctx.config.pushSecret) throw new UsageError('listen --push-port: pushes are signed with the app secret; set HUB_API_APP_SECRET (or --api-app-secret)');
  if (ctx.config.warehouse.kind === 'csv') throw new UsageError('listen: messages that cannot be parsed are kept in the warehouse table etl_message_reject; set HUB_WAREHOUSE_URL to a mysql:// or sqlite: warehouse');
  const db = await ctx.warehouse();
  if (opts.migrate) await migrate(db, ctx.logger);
  else await requireMigrated(db, 'Run "hub-etl migrate" once (or start listen with --migrate)');
  const queues = await openQueues(ctx);
  const { redis, prefix } = queues;
  const log = ctx.logger;

  const enqueue = async (m: HubMessage, bornMs: number): Promise<boolean> => {
    let coalesced = false;
    for (const target of m.targets) {
      const entity = entityKey(target);
      const entry = await noteWanted(redis, prefix, entity, { sentAt: m.sentAt, gone: target.gone ?? null, bornMs, dedupKey: m.dedupKey });
      const payload: RefreshPayload = { scope: target.scope, id: target.id, requestedBy: 'listen', staleRetries: o.staleRetries, staleBaseMs: o.staleBaseMs };
      const jobId = `refresh-${target.scope}-${target.id}-${crypto.randomUUID()}`;
      try {
        const job = await queues.refreshes.add(JOB.refresh, payload, {
          ...REFRESH_JOB,
          jobId,
          delay: o.coalesceMs,
          deduplication: { id: refreshDedupId(entity), keepLastIfActive: true },
        });
        if (job.id !== jobId) coalesced = true;
      } catch (err) {
        await withdrawWanted(redis, prefix, entity, entry).catch(() => undefined);
        throw err;
      }
    }
    return coalesced;
  };

  const handle = async (d: Delivery): Promise<void> => {
    const parsed = parseMessage({ topic: d.topic, tag: d.tag, body: d.body }, ctx.config.sourceTz);
    const topic = parsed.ok ? parsed.message.topic : parsed.topic && isTopic(parsed.topic) ? parsed.topic : UNKNOWN_TOPIC;
    const key = parsed.ok ? parsed.message.dedupKey : rejectKey(d, parsed.msgId);
    const claim = await claimMessage(redis, prefix, key, o.pendingMs);
    if (claim === 'pending') throw new MessageBusy(`message ${key} is being handled by another delivery (or its handler died); offered again later`);
    if (claim === 'done') {
      await countMessages(redis, prefix, 'received', topic);
      await countMessages(redis, prefix, 'duplicate', topic);
      log.debug('duplicate message', { transport: d.transport, topic, key });
      return;
    }
    try {
      await opts.hooks?.afterClaim?.(d);
      let coalesced = false;
      if (!parsed.ok) {
        await quarantineMessage(db, { transport: d.transport, topic: parsed.topic, tag: parsed.tag, msgId: parsed.msgId, body: d.body, reason: parsed.reason, receivedAt: d.receivedAt });
        log.warn('message quarantined in etl_message_reject', { transport: d.transport, topic, tag: parsed.tag, reason: parsed.reason });
      } else {
        coalesced = await enqueue(parsed.message, parsed.message.bornAtMs ?? d.receivedAt);
        log.debug('refresh queued', { transport: d.transport, topic, tag: parsed.message.tag, entities: parsed.message.targets.map(entityKey).join(','), coalesced });
      }
      await settleMessage(redis, prefix, key, isBareKey(key) ? o.bareDedupeMs : o.dedupeMs);
      await countMessages(redis, prefix, 'received', topic);
      if (!parsed.ok) await countMessages(redis, prefix, 'quarantined', topic);
      if (coalesced) await countMessages(redis, prefix, 'coalesced', topic);
      await opts.hooks?.beforeAck?.(d);
    } catch (err) {
      // Not safe yet: the next delivery must go through at once.
      await releaseMessage(redis, prefix, key).catch(() => undefined);
      throw err;
    }
  };

  const consumers: Consumer[] = [];
  const logFn = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (level !== 'debug' || log.isLevelEnabled('debug')) log[level](message, fields ?? {});
  };
  try {
    const make = (kind: TransportKind, extra: Parameters<(typeof TRANSPORTS)['amqp']['consumer']>[0]) => TRANSPORTS[kind].consumer(extra);
    if (opts.amqp) consumers.push(make('amqp', { url: ctx.config.mq!.url, queueName: opts.amqp.queueName, prefetch: opts.amqp.prefetch ?? 32, log: logFn }));
    if (opts.push) consumers.push(make('push', { host: opts.push.host, port: opts.push.port, appSecret: ctx.config.pushSecret!, log: logFn }));
    for (const c of consumers) {
      await c.start((d) => handle(d).catch((err: unknown) => {
        if (!(err instanceof MessageBusy)) log.warn('message not handled; it will be delivered again', { transport: d.transport, error: describe(err) });
        throw err;
      }));
      log.info('listening', { transport: c.kind, on: c.label });
    }
  } catch (err) {
    await Promise.allSettled(consumers.map((c) => c.close()));
    await queues.close();
    throw err;
  }
  const push = consumers.find((c) => c.kind === 'push') as (Consumer & { url(): string }) | undefined;
  let closing: Promise<void> | undefined;
  return {
    consumers,
    pushUrl: push ? push.url() : null,
    queues,
    close() {
      closing ??= (async () => {
        await Promise.allSettled(consumers.map((c) => c.close()));
        await queues.close();
      })();
      return closing;
    },
  };
}
