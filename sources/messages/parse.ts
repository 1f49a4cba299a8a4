// Turns the raw body of a Cloud Hub message (AMQP or HTTP push) into a typed message, or into the
// reason it cannot be one. Pure: no I/O, no clock; the source time zone is passed in. Ids above 2^53
// arrive as bare JSON numbers, so the text is parsed losslessly (never JSON.parse).
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { isObject, parseJsonLossless, type JsonObject, type JsonValue } from '../../transforms/json.js';
import { isTopic, PRODUCT_GONE, REFUND_TAGS, topicOfTag, TOPICS, type Scope, type Topic } from './topics.js';

/** What a transport hands over: the body as received, and the topic and tag when the transport carries them. */
export interface RawMessage {
  /** AMQP: the exchange the message was published to; push: none (the tag names the topic). */
  topic: string | null;
  /** AMQP: the routing key; push: none (the envelope's `type` is the tag). */
  tag: string | null;
  body: string;
}

/** One entity a message asks to refresh. */
export interface Target {
  scope: Scope;
  /** The order id (order, refund and logistics scopes) or the product id, as decimal digits. */
  id: string;
  /** Product messages that say the product went away. */
  gone?: 'deleted' | 'expired';
}

export interface HubMessage {
  topic: Topic;
  /** The tag ('' for the unnamed logistics status change). */
  tag: string;
  /** The envelope's msgId (digits), or null for a bare payload. */
  msgId: string | null;
  /** What makes two deliveries the same message: the msgId, else a hash of topic, tag and body. */
  dedupKey: string;
  /** Whether the body was the open-platform envelope ({msgId, gmtBorn, type, userInfo, data}). */
  wrapped: boolean;
  /** gmtBorn (epoch ms) of the envelope, or null. */
  bornAtMs: number | null;
  /**
   * When the change happened at the source, naive 'yyyy-MM-dd HH:mm:ss' in the source zone:
   * msgSendTime, else the logistics model's changeTime/eventTime; null when the message has none.
   */
  sentAt: string | null;
  targets: Target[];
  /** Order: currentStatus (a refund status under refund tags); product: status. */
  status: string | null;
  /** Refund tags: the refund id as TQ + digits (the API's form). */
  refundId: string | null;
  /** Refund tags: refundAction as sent (an open vocabulary with typos: kept raw) and operator. */
  refundAction: string | null;
  operator: string | null;
  /** Logistics: the logistics order id. */
  logisticsId: string | null;
}

export type ParseResult =
  | { ok: true; message: HubMessage }
  /** `topic`, `tag` and `msgId` as far as they could be read, for the quarantine row. */
  | { ok: false; reason: string; topic: string | null; tag: string | null; msgId: string | null };

const DIGITS = /^\d{1,19}$/;
const NAIVE = 'yyyy-MM-dd HH:mm:ss';
const MAX_TARGETS = 200;

class Reject extends Error {}

const fail = (reason: string): never => {
  throw new Reject(reason);
};

function show(v: JsonValue | undefined): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** An id given as a bare number or a string of digits; anything else (decimals, exponents, signs) is refused. */
function readId(v: JsonValue | undefined, field: string): string {
  const t = typeof v === 'string' ? v.trim() : '';
  if (!DIGITS.test(t)) fail(`${field}: expected an id of 1 to 19 digits, found ${show(v)}`);
  return t.replace(/^0+(?=\d)/, '');
}

function readText(v: JsonValue | undefined): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'boolean') return String(v);
  return null;
}

/** A naive 'yyyy-MM-dd HH:mm:ss' (spaces trimmed) or a 1688 'yyyyMMddHHmmssSSS±hhmm' time, as naive text in the source zone. */
export function readSourceTime(v: JsonValue | undefined, field: string, zone: string, required: boolean): string | null {
  const t = typeof v === 'string' ? v.trim() : '';
  if (t === '') return required ? fail(`${field}: missing; expected a time as yyyy-MM-dd HH:mm:ss`) : null;
  let dt = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(t) ? DateTime.fromFormat(t, NAIVE, { zone }) : null;
  if (dt && dt.isValid && dt.toFormat(NAIVE) !== t) dt = null; // a time the zone skips (a DST gap) is not a time
  if (!dt) {
    const m = /^(\d{17})([+-]\d{4})$/.exec(t);
    if (m) dt = DateTime.fromFormat(`${m[1]}${m[2]}`, 'yyyyMMddHHmmssSSSZZZ', { setZone: true }).setZone(zone);
  }
  if (!dt || !dt.isValid) return fail(`${field}: ${show(v)} is not a time; expected yyyy-MM-dd HH:mm:ss (source time zone) or yyyyMMddHHmmssSSS+hhmm`);
  return dt.toFormat(NAIVE);
}

/** `data` of an envelope: an object, or (as some pushes send it) JSON text holding one. */
function payloadOf(v: JsonValue | undefined): JsonObject {
  if (isObject(v)) return v;
  if (typeof v === 'string' && v.trim().startsWith('{')) {
    let inner: JsonValue;
    try {
      inner = parseJsonLossless(v);
    } catch (err) {
      return fail(`data: the JSON text inside is malformed (${(err as Error).message})`);
    }
    if (isObject(inner)) return inner;
  }
  return fail(`data: expected an object, found ${show(v)}`);
}

/** Open-platform envelopes carry `data` with `type`, `msgId` or `gmtBorn` beside it. */
function isEnvelope(o: JsonObject): boolean {
  return 'data' in o && ('type' in o || 'msgId' in o || 'gmtBorn' in o);
}

function hashKey(topic: string, tag: string, body: string): string {
  return `h:${crypto.createHash('sha1').update(`${topic}\u0000${tag}\u0000${body}`).digest('hex')}`;
}

/** `orderLogsItems`: an object in the Guide, an array in go1688; each names an order. */
function logisticsOrders(v: JsonValue | undefined, field: string): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const ids = new Set<string>();
  items.forEach((it, i) => {
    if (!isObject(it)) fail(`${field}[${i}]: expected an object with orderId, found ${show(it)}`);
    ids.add(readId((it as JsonObject).orderId, `${field}[${i}].orderId`));
  });
  if (ids.size === 0) fail(`${field}: names no order (expected orderLogsItems with an orderId)`);
  return [...ids];
}

/** `productIds`: one id, a comma list, or an array. */
function productIds(p: JsonObject): string[] {
  const raw = p.productIds ?? p.productId ?? p.productID;
  const parts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
  const ids = new Set<string>();
  parts.forEach((x, i) => {
    if (typeof x === 'string' && x.trim() === '' && parts.length > 1) return; // "1,2," — a trailing comma
    ids.add(readId(x, parts.length > 1 ? `productIds[${i}]` : 'productIds'));
  });
  if (ids.size === 0) fail('productIds: names no product');
  return [...ids];
}

interface Head { topic: Topic; tag: string; payload: JsonObject; msgId: string | null; bornAtMs: number | null; wrapped: boolean }

function readHead(raw: RawMessage, v: JsonValue, seen: { topic: string | null; tag: string | null; msgId: string | null }): Head {
  if (!isObject(v)) return fail(`expected a JSON object, found ${show(v)}`);
  let payload = v;
  let tag = raw.tag?.trim() ?? null;
  let msgId: string | null = null;
  let bornAtMs: number | null = null;
  const wrapped = isEnvelope(v);
  if (wrapped) {
    // The envelope's own word for the tag wins over the routing key the broker delivered it with.
    if (typeof v.type === 'string') tag = seen.tag = v.type.trim();
    if (tag && !seen.topic) seen.topic = topicOfTag(tag);
    if (v.msgId !== undefined && v.msgId !== null) msgId = seen.msgId = readId(v.msgId, 'msgId');
    if (v.type !== undefined && v.type !== null && typeof v.type !== 'string') fail(`type: expected the tag as text, found ${show(v.type)}`);
    if (v.gmtBorn !== undefined && v.gmtBorn !== null && v.gmtBorn !== '') {
      const b = typeof v.gmtBorn === 'string' ? v.gmtBorn.trim() : '';
      if (!/^\d{10,16}$/.test(b)) fail(`gmtBorn: expected epoch milliseconds, found ${show(v.gmtBorn)}`);
      bornAtMs = Number(b);
    }
    payload = payloadOf(v.data);
  }
  seen.tag = tag;
  let topic: Topic | null = null;
  const given = raw.topic?.trim() || null;
  if (given !== null) {
    if (!isTopic(given)) fail(`topic: "${given}" is not a Cloud Hub topic (ali1688_product_topic, ali1688_order_topic, ali1688_logistic_topic)`);
    topic = given as Topic;
  }
  const byTag = tag ? topicOfTag(tag) : null;
  if (tag && !byTag) fail(`tag: "${tag}" belongs to no Cloud Hub topic (expected ORDER_…, PRODUCT_… or LOGISTICS_…)`);
  if (topic && byTag && topic !== byTag) fail(`tag: "${tag}" is not a tag of ${topic}`);
  // The logistics status change has no tag: its model names the topic.
  if (!topic && !byTag && ('OrderLogisticsTracingModel' in payload || 'MailNoChangeModel' in payload)) topic = TOPICS.logistics;
  topic ??= byTag;
  seen.topic = topic;
  if (!topic) return fail('tag: missing, and nothing else names the topic (expected the envelope\'s type or the AMQP routing key)');
  return { topic, tag: tag ?? '', payload, msgId, bornAtMs, wrapped };
}

function parseOrder(h: Head, zone: string): Omit<HubMessage, 'topic' | 'tag' | 'msgId' | 'dedupKey' | 'wrapped' | 'bornAtMs'> {
  const p = h.payload;
  const orderId = readId(p.orderId, 'orderId');
  const sentAt = readSourceTime(p.msgSendTime, 'msgSendTime', zone, true);
  const refund = REFUND_TAGS.has(h.tag);
  let refundId: string | null = null;
  if (p.refundId !== undefined && p.refundId !== null && p.refundId !== '') {
    // Bare digits in the Guide, TQ + digits in the API: both name the same refund.
    const t = typeof p.refundId === 'string' ? p.refundId.trim().replace(/^TQ/i, '') : '';
    refundId = `TQ${readId(t === '' ? p.refundId : t, 'refundId')}`;
  }
  return {
    sentAt,
    targets: [{ scope: refund ? 'refund' : 'order', id: orderId }],
    status: readText(p.currentStatus),
    refundId,
    refundAction: refund ? readText(p.refundAction) : null,
    operator: refund ? readText(p.operator) : null,
    logisticsId: null,
  };
}

function parseLogistics(h: Head, zone: string): Omit<HubMessage, 'topic' | 'tag' | 'msgId' | 'dedupKey' | 'wrapped' | 'bornAtMs'> {
  const p = h.payload;
  const key = 'OrderLogisticsTracingModel' in p ? 'OrderLogisticsTracingModel' : 'MailNoChangeModel' in p ? 'MailNoChangeModel' : null;
  if (!key) return fail('expected an OrderLogisticsTracingModel or a MailNoChangeModel');
  const model = p[key];
  if (!isObject(model)) return fail(`${key}: expected an object, found ${show(model)}`);
  const orders = logisticsOrders(model.orderLogsItems, `${key}.orderLogsItems`);
  if (orders.length > MAX_TARGETS) fail(`${key}.orderLogsItems: ${orders.length} orders, more than ${MAX_TARGETS}`);
  const timeField = key === 'MailNoChangeModel' ? 'eventTime' : 'changeTime';
  // changeTime/eventTime are "" in the Guide; a msgSendTime beside the model serves when present.
  const sentAt = readSourceTime(model[timeField], `${key}.${timeField}`, zone, false) ?? readSourceTime(p.msgSendTime, 'msgSendTime', zone, false);
  const logisticsId = readText(model.logisticsId);
  return {
    sentAt,
    targets: orders.map((id) => ({ scope: 'logistics' as const, id })),
    status: readText(model.statusChanged),
    refundId: null,
    refundAction: null,
    operator: null,
    logisticsId,
  };
}

function parseProduct(h: Head, zone: string): Omit<HubMessage, 'topic' | 'tag' | 'msgId' | 'dedupKey' | 'wrapped' | 'bornAtMs'> {
  const p = h.payload;
  const ids = productIds(p);
  if (ids.length > MAX_TARGETS) fail(`productIds: ${ids.length} products, more than ${MAX_TARGETS}`);
  const status = readText(p.status);
  const gone = goneBy(h.tag) ?? (status ? goneBy(status) : undefined);
  return {
    sentAt: readSourceTime(p.msgSendTime, 'msgSendTime', zone, true),
    targets: ids.map((id) => ({ scope: 'product' as const, id, ...(gone ? { gone } : {}) })),
    status,
    refundId: null,
    refundAction: null,
    operator: null,
    logisticsId: null,
  };
}

const goneBy = (word: string) => (Object.hasOwn(PRODUCT_GONE, word) ? PRODUCT_GONE[word] : undefined);

const BY_TOPIC: Record<Topic, typeof parseOrder> = {
  [TOPICS.order]: parseOrder,
  [TOPICS.logistics]: parseLogistics,
  [TOPICS.product]: parseProduct,
};

/** Parses one message; `zone` is the IANA zone of msgSendTime (the source's). Never throws. */
export function parseMessage(raw: RawMessage, zone: string): ParseResult {
  const seen: { topic: string | null; tag: string | null; msgId: string | null } = { topic: raw.topic?.trim() || null, tag: raw.tag?.trim() || null, msgId: null };
  try {
    const text = raw.body.trim();
    if (text === '') fail('the body is empty');
    let v: JsonValue;
    try {
      v = parseJsonLossless(text);
    } catch (err) {
      return fail(`the body is not JSON (${(err as Error).message})`);
    }
    const head = readHead(raw, v, seen);
    const rest = BY_TOPIC[head.topic](head, zone);
    return {
      ok: true,
      message: {
        topic: head.topic,
        tag: head.tag,
        msgId: head.msgId,
        dedupKey: head.msgId !== null ? `id:${head.msgId}` : hashKey(head.topic, head.tag, text),
        wrapped: head.wrapped,
        bornAtMs: head.bornAtMs,
        ...rest,
      },
    };
  } catch (err) {
    if (!(err instanceof Reject)) throw err;
    return { ok: false, reason: err.message, topic: seen.topic, tag: seen.tag, msgId: seen.msgId };
  }
}

/** The entity a target names, as one key: coalescing folds messages with the same key into one refresh. */
export function entityKey(t: Target): string {
  return `${t.scope}:${t.id}`;
}
