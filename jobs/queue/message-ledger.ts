// What hub-etl keeps in Redis about messages, under the queue prefix, so that every listen and worker
// process and the dashboard see the same figures: which messages were seen (processed-once across
// redeliveries), what each entity's waiting refresh must reach (the newest msgSendTime folded into it,
// and when each of its messages was born), counters by topic and outcome, and a freshness histogram.
import type { Redis } from '../../lib/redis.js';
import { TOPIC_NAMES, TOPICS, type Scope, type Topic } from '../../sources/messages/topics.js';

/**
 * received = duplicate + quarantined + refreshed + stale + failed (+ those still waiting); coalesced
 * counts the messages folded into a refresh already waiting, a subset of the refreshed ones.
 */
export const MESSAGE_OUTCOMES = ['received', 'duplicate', 'coalesced', 'refreshed', 'failed', 'stale', 'quarantined'] as const;
export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];

/** Label for messages whose topic could not be read (quarantined ones). */
export const UNKNOWN_TOPIC = 'unknown';

/** Freshness buckets (seconds): publish, or receipt when the message carries no birth time, to the warehouse commit. */
export const FRESHNESS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

export const SCOPE_TOPIC: Readonly<Record<Scope, Topic>> = { order: TOPICS.order, refund: TOPICS.order, logistics: TOPICS.logistics, product: TOPICS.product };

const k = (prefix: string, ...parts: string[]) => `${prefix}:msg:${parts.join(':')}`;

export type Claim = 'new' | 'done' | 'pending';

/**
 * Marks a message as being handled unless it was seen: `new` (go on), `done` (a duplicate: its refresh is
 * already queued), or `pending` (another delivery is being handled now, or its handler died: the mark
 * expires after `pendingMs` and the broker's next delivery goes through).
 */
export async function claimMessage(redis: Redis, prefix: string, dedupKey: string, pendingMs: number): Promise<Claim> {
  const key = k(prefix, 'seen', dedupKey);
  if ((await redis.set(key, 'pending', 'PX', pendingMs, 'NX')) === 'OK') return 'new';
  return (await redis.get(key)) === 'done' ? 'done' : 'pending';
}

/**
 * The message is safe (its job is in Redis, or it is quarantined): later deliveries are duplicates for
 * `doneMs`. A message known by its hash (no msgId) is only settled while its claim still stands: once the
 * refresh it queued has started reading (which drops the claim, see reopenBare), an identical body must go
 * through again.
 */
export async function settleMessage(redis: Redis, prefix: string, dedupKey: string, doneMs: number): Promise<void> {
  if (isBareKey(dedupKey)) await redis.set(k(prefix, 'seen', dedupKey), 'done', 'PX', doneMs, 'XX');
  else await redis.set(k(prefix, 'seen', dedupKey), 'done', 'PX', doneMs);
}

/** Messages without a msgId are known by a hash of topic, tag and body (sources/messages/parse.ts). */
export function isBareKey(dedupKey: string): boolean {
  return dedupKey.startsWith('h:');
}

/**
 * A refresh is about to read the source for these messages (born entries): from now on a message known
 * only by its hash is no duplicate any more. A byte-identical body can announce a new change (a shipment
 * moving again with an empty changeTime), and this refresh may read too early to see it; while the
 * refresh still waited, the identical body was safely folded into it (it reads the newer state anyway).
 */
export async function reopenBare(redis: Redis, prefix: string, entries: Array<{ entry: string }>): Promise<void> {
  const keys = [...new Set(entries.map((e) => e.entry.slice(e.entry.indexOf(' ') + 1)).filter(isBareKey))].map((key) => k(prefix, 'seen', key));
  if (keys.length > 0) await redis.del(...keys);
}

/** Handling failed before the message was safe: the next delivery must go through at once. */
export async function releaseMessage(redis: Redis, prefix: string, dedupKey: string): Promise<void> {
  await redis.del(k(prefix, 'seen', dedupKey));
}

// sent: the newest msgSendTime (naive source time sorts as text); gone: the last deletion/expiry word;
// born: one entry per message, "<epoch ms> <dedup key>", so that each one's freshness is measured.
const NOTE = `
local cur = redis.call('HGET', KEYS[1], 'sent')
if ARGV[1] ~= '' and (not cur or ARGV[1] > cur) then redis.call('HSET', KEYS[1], 'sent', ARGV[1]) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'gone', ARGV[2]) end
redis.call('HSET', KEYS[1], 'at', ARGV[5])
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return redis.call('LLEN', KEYS[2])`;

// Removes the first n born entries (the ones a refresh served) and, when none is left, what they wanted.
const SERVED = `
redis.call('LTRIM', KEYS[2], tonumber(ARGV[1]), -1)
if redis.call('LLEN', KEYS[2]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1`;

/** How long an entity's wants are kept without a message (a refresh serves them long before). */
const WANT_TTL_MS = 7 * 86_400_000;

export interface Wanted {
  /** The newest msgSendTime among the entity's messages not yet served (naive source time), or null. */
  sent: string | null;
  gone: 'deleted' | 'expired' | null;
  /** Birth (or receipt) time of each message not yet served, in arrival order. */
  born: Array<{ ms: number; entry: string }>;
}

/** Records a message for its entity before its refresh is queued. Returns the entry to withdraw if queueing fails. */
export async function noteWanted(redis: Redis, prefix: string, entity: string, m: { sentAt: string | null; gone?: string | null; bornMs: number; dedupKey: string }): Promise<string> {
  const entry = `${m.bornMs} ${m.dedupKey}`;
  await redis.eval(NOTE, 2, k(prefix, 'want', entity), k(prefix, 'born', entity), m.sentAt ?? '', m.gone ?? '', entry, String(WANT_TTL_MS), String(Date.now()));
  return entry;
}

export async function withdrawWanted(redis: Redis, prefix: string, entity: string, entry: string): Promise<void> {
  await redis.lrem(k(prefix, 'born', entity), 1, entry);
}

export async function readWanted(redis: Redis, prefix: string, entity: string): Promise<Wanted> {
  const [h, list] = await Promise.all([redis.hgetall(k(prefix, 'want', entity)), redis.lrange(k(prefix, 'born', entity), 0, -1)]);
  const gone = h.gone === 'deleted' || h.gone === 'expired' ? h.gone : null;
  return { sent: h.sent ?? null, gone, born: list.map((entry) => ({ ms: Number(entry.split(' ')[0]), entry })) };
}

/** The first `n` messages of the entity are served (refreshed, stale or failed for good). */
export async function servedWanted(redis: Redis, prefix: string, entity: string, n: number): Promise<void> {
  await redis.eval(SERVED, 2, k(prefix, 'want', entity), k(prefix, 'born', entity), String(n));
}

export async function countMessages(redis: Redis, prefix: string, outcome: MessageOutcome, topic: string, n = 1): Promise<void> {
  if (n > 0) await redis.hincrby(k(prefix, 'counters'), `${outcome}|${topic}`, n);
}

/** One observation per message, in seconds. */
export async function observeFreshness(redis: Redis, prefix: string, seconds: number[]): Promise<void> {
  if (seconds.length === 0) return;
  const key = k(prefix, 'freshness');
  const m = redis.multi();
  for (const s of seconds) {
    const v = Math.max(0, s);
    const le = FRESHNESS_BUCKETS.find((b) => v <= b);
    m.hincrby(key, le === undefined ? '+Inf' : String(le), 1);
    m.hincrbyfloat(key, 'sum', v);
    m.hincrby(key, 'count', 1);
  }
  await m.exec();
}

export interface MessageLedger {
  /** counters[outcome][topic]; every outcome and known topic present (zero when never counted). */
  counters: Record<MessageOutcome, Record<string, number>>;
  freshness: { buckets: Array<{ le: number; count: number }>; sum: number; count: number };
}

/** The counters and the histogram (buckets cumulative, as Prometheus wants them). */
export async function readLedger(redis: Redis, prefix: string): Promise<MessageLedger> {
  const [c, f] = await Promise.all([redis.hgetall(k(prefix, 'counters')), redis.hgetall(k(prefix, 'freshness'))]);
  const counters = Object.fromEntries(MESSAGE_OUTCOMES.map((o) => [o, Object.fromEntries(TOPIC_NAMES.map((t) => [t, 0]))])) as MessageLedger['counters'];
  for (const [field, value] of Object.entries(c)) {
    const [outcome, topic] = field.split('|') as [MessageOutcome, string];
    if (counters[outcome] && topic) counters[outcome][topic] = Number(value);
  }
  let running = 0;
  const buckets = FRESHNESS_BUCKETS.map((le) => {
    running += Number(f[String(le)] ?? 0);
    return { le, count: running };
  });
  return { counters, freshness: { buckets, sum: Number(f.sum ?? 0), count: Number(f.count ?? 0) } };
}

/** Approximate quantile (0..1) of the freshness histogram: the upper bound of the bucket it falls in; null when empty. */
export function freshnessQuantile(f: MessageLedger['freshness'], q: number): number | null {
  if (f.count === 0) return null;
  const want = q * f.count;
  for (const b of f.buckets) if (b.count >= want) return b.le;
  return Infinity;
}
