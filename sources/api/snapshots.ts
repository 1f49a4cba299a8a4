// The API-only snapshot streams as a SourceReader: freight templates, ship-from addresses, the store's own
// categories and the attributes of the leaf categories its products use, read whole through the 1688 API
// on every run (the engine's sweep removes what the API no longer lists). Each row carries the exact text
// of its object as the answer held it (never parsed and written again), so ids above 2^53 stay exact.
//
// Units: one per object (a store category and each of its children apart, so that a category that goes
// is removed); for category_attributes one per leaf category in use. Version and cursor: the API's clock
// when the stream was read (`currentTime`, UTC 'yyyy-MM-dd HH:mm:ss.SSS'), because these objects have no
// modify time of their own to guard with; a version that only grows lets an edit always replace the row,
// and the fingerprint still decides whether anything changed.
//
// Leaf categories in use: the categories of the store's products, from alibaba.product.list.get (pages of
// 20; an item's categoryID, I: the list holds AlibabaProductProductInfo) or, for an item without one,
// alibaba.product.get. A product's category is a leaf on 1688. Walking alibaba.category.get instead would
// visit 1688's whole tree, not what the store uses.
import { DataError, SourceError, UsageError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { isObject, type JsonValue } from '../../transforms/json.js';
import type { SourceRow } from '../../transforms/types.js';
import type { CursorKind, LookupBy, ReadOptions, ReadStats, ReadWindow, SourceReader, SourceUnit } from '../source.js';
import type { ApiClient, ApiParams, ApiResponse } from './client.js';
import { ApiError } from './errors.js';
import { rawArrayItems, rawValueAt, rawWithoutMembers, type JsonPath } from './raw-json.js';

/** A store category's nested children: cut out, each child is a unit of its own. */
const CHILDREN: ReadonlySet<string> = new Set(['children']);

/** The streams only the API has, in the order a run loads them. */
export const API_SNAPSHOT_STREAMS: readonly string[] = ['freight_templates', 'ship_from_addresses', 'store_categories', 'category_attributes'];

const ID = /^\d{1,19}$/;
/** Most products one alibaba.product.list.get page holds (source-shapes §6.2 applies to lists too). */
const PAGE_SIZE = 20;
/** A list that has not ended after this many pages is a loop, not a store. */
const MAX_PAGES = 50_000;
/** Nesting of store categories followed (1688 builds two levels). */
const MAX_DEPTH = 4;

type Path = ReadonlyArray<string | number>;

/** The value at a path of a lossless parse, or undefined. */
function valueAt(v: JsonValue | undefined, path: Path): JsonValue | undefined {
  let cur = v;
  for (const step of path) {
    if (typeof step === 'number') cur = Array.isArray(cur) ? cur[step] : undefined;
    else cur = isObject(cur) ? cur[step] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** An id as exact digits (a lossless number is its source text; ids are sometimes quoted), or null. */
function idOf(v: JsonValue | undefined): string | null {
  return typeof v === 'string' && ID.test(v.trim()) ? v.trim() : null;
}

/** A list in an answer: the first of `paths` present; null there (the API's "none") is an empty list. */
function listAt(res: ApiResponse, operation: string, paths: Path[]): { path: Path; items: string[] } {
  for (const path of paths) {
    if (rawValueAt(res.raw, path as JsonPath) === undefined) continue;
    return { path, items: rawArrayItems(res.raw, path as JsonPath) ?? [] };
  }
  // Never read a missing list as an empty store: the snapshot would remove every row.
  const keys = isObject(res.body) ? Object.keys(res.body).slice(0, 10).join(', ') : 'none';
  throw new SourceError(`${operation}: the answer has no list at ${paths.map((p) => p.join('.')).join(' or ')} (keys: ${keys || 'none'}); nothing was loaded or removed`);
}

/** The API's clock text "yyyyMMddHHmmssSSS±hhmm" as a Date, or null. */
export function parseApiClock(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})([+-])(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, sign, oh, om] = m as unknown as string[];
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms)) - offsetMin * 60_000;
  return Number.isNaN(utc) ? null : new Date(utc);
}

/** A UTC instant as the versions of these streams are written: 'yyyy-MM-dd HH:mm:ss.SSS'. */
export function versionText(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 23);
}

export class ApiSnapshotReader implements SourceReader {
  readonly kind = 'api';
  private calls = 0;
  private memberId: string | null = null;
  private warnedClock = false;

  /** `client` is asked for on first use: a run that loads none of these streams never builds it. */
  constructor(private readonly client: () => Promise<ApiClient>, readonly label: string, private readonly logger?: Logger) {}

  has(stream: string): boolean {
    return API_SNAPSHOT_STREAMS.includes(stream);
  }

  cursorKind(stream: string): CursorKind {
    this.check(stream);
    return 'snapshot';
  }

  stats(): ReadStats {
    // Retries and throttling are the client's, shared by every reader of the process.
    return { calls: this.calls, retries: 0, throttled: 0 };
  }

  async close(): Promise<void> {
    // The client belongs to the context that made it.
  }

  /** The API gateway's clock (currentTime); this host's clock when the API has none to give, said once. */
  async now(signal?: AbortSignal): Promise<Date> {
    try {
      const res = await this.call('currentTime', {}, signal);
      const text = valueAt(res.body, ['result']);
      const at = typeof text === 'string' ? parseApiClock(text) : null;
      if (at) return at;
      throw new SourceError(`currentTime: expected the time as yyyyMMddHHmmssSSS±hhmm in "result", found ${JSON.stringify(res.raw.slice(0, 80))}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.kind === 'aborted' || err.configFault) throw err;
      if (!this.warnedClock) this.logger?.warn('the API did not give its clock (currentTime); the snapshot streams are versioned by this host\'s clock', { code: err.code });
      this.warnedClock = true;
      return new Date();
    }
  }

  async *units(stream: string, _window: ReadWindow, opts: ReadOptions): AsyncGenerator<SourceUnit[]> {
    // A snapshot is read whole, whatever the window (backfills load it as it is now).
    const all = await this.read(stream, opts.signal);
    for (let i = 0; i < all.length; i += opts.batchSize) {
      if (opts.signal?.aborted) return;
      yield all.slice(i, i + opts.batchSize);
    }
  }

  async lookup(stream: string, by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
    if (by === 'order') throw new UsageError(`stream ${stream} has no order id to look its objects up by`);
    const wanted = new Set(ids);
    return (await this.read(stream)).filter((u) => wanted.has(u.key));
  }

  private check(stream: string): void {
    if (!this.has(stream)) throw new UsageError(`the 1688 API snapshot reader has no stream "${stream}"; it reads ${API_SNAPSHOT_STREAMS.join(', ')}`);
  }

  private async call(operation: string, params: ApiParams, signal?: AbortSignal): Promise<ApiResponse> {
    const client = await this.client();
    this.calls++;
    return client.call(operation, params, signal ? { signal } : {});
  }

  /** Every unit of the stream as the API has it now. */
  private async read(stream: string, signal?: AbortSignal): Promise<SourceUnit[]> {
    this.check(stream);
    const version = versionText(await this.now(signal));
    const unit = (key: string, rows: SourceRow[], i: number, invalid?: DataError): SourceUnit =>
      ({ key, version, rows, cursor: version, position: String(i), ...(invalid ? { invalid } : {}) });
    switch (stream) {
      case 'freight_templates':
        return (await this.freightTemplates(signal)).map((t, i) => unit(t.id ?? `item ${i + 1}`, [{ template_id: t.id, template_data: t.text }], i));
      case 'ship_from_addresses':
        return (await this.addresses(signal)).map((a, i) => unit(a.id ?? `item ${i + 1}`, [{ address_id: a.id, address_data: a.text }], i));
      case 'store_categories':
        return (await this.storeCategories(signal)).map((c, i) =>
          unit(c.id ?? `item ${i + 1}`, [{ store_category_id: c.id, parent_store_category_id: c.parent, store_category_data: c.text }], i));
      default:
        return (await this.categoryAttributes(signal)).map((c, i) =>
          unit(c.categoryId, [{ category_id: c.categoryId, attributes: c.text, modify_datetime: null }], i, c.invalid));
    }
  }

  /** alibaba.logistics.freightTemplate.getList: {"freightTemplates":[…]} (myFreightTemplate.list.get's {"result":[…]} is read too). */
  private async freightTemplates(signal?: AbortSignal): Promise<Array<{ id: string | null; text: string; memberId: string | null }>> {
    const op = 'alibaba.logistics.freightTemplate.getList';
    const res = await this.call(op, { webSite: '1688' }, signal);
    const { path, items } = listAt(res, op, [['freightTemplates'], ['result', 'freightTemplates'], ['result']]);
    return items.map((text, i) => {
      const o = valueAt(res.body, [...path, i]);
      const member = valueAt(o, ['memberId']);
      return { id: idOf(valueAt(o, ['id'])), text, memberId: typeof member === 'string' && member !== '' ? member : null };
    });
  }

  /** alibaba.logistics.mySendGoodsAddress.list.get: {"result":[…]}. */
  private async addresses(signal?: AbortSignal): Promise<Array<{ id: string | null; text: string }>> {
    const op = 'alibaba.logistics.mySendGoodsAddress.list.get';
    const res = await this.call(op, {}, signal);
    const { path, items } = listAt(res, op, [['result'], ['result', 'result']]);
    return items.map((text, i) => ({ id: idOf(valueAt(res.body, [...path, i, 'id'])), text }));
  }

  /**
   * category.getSelfCatlist (memberId): {"result":{"toReturn":[{"sellerCats":[…]}]}}, children nested in
   * their parent. Each category becomes a row of its own: its text without `children`, its parent's id.
   */
  private async storeCategories(signal?: AbortSignal): Promise<Array<{ id: string | null; parent: string | null; text: string }>> {
    const op = 'category.getSelfCatlist';
    const res = await this.call(op, { memberId: await this.sellerMemberId(signal) }, signal);
    const out: Array<{ id: string | null; parent: string | null; text: string }> = [];
    const walk = (texts: string[], bodies: JsonValue | undefined, parent: string | null, depth: number) => {
      if (depth > MAX_DEPTH) throw new SourceError(`${op}: store categories nested deeper than ${MAX_DEPTH} levels`);
      texts.forEach((text, i) => {
        const body = valueAt(bodies, [i]);
        const id = idOf(valueAt(body, ['id']));
        out.push({ id, parent, text: rawWithoutMembers(text, CHILDREN) });
        walk(rawArrayItems(text, ['children']) ?? [], valueAt(body, ['children']), id, depth + 1);
      });
    };
    const toReturn = valueAt(res.body, ['result', 'toReturn']);
    if (Array.isArray(toReturn)) {
      // The v1 envelope: toReturn[k].sellerCats (one element in practice); an empty toReturn is a store without categories.
      toReturn.forEach((_, k) => {
        const path = ['result', 'toReturn', k, 'sellerCats'];
        walk(rawArrayItems(res.raw, path) ?? [], valueAt(res.body, path), null, 1);
      });
    } else {
      const { path, items } = listAt(res, op, [['result', 'sellerCats'], ['sellerCats']]);
      walk(items, valueAt(res.body, path), null, 1);
    }
    return out;
  }

  /**
   * The seller's memberId, which category.getSelfCatlist asks for: the one the freight templates carry,
   * else the seller of the newest order. Read once per reader.
   */
  private async sellerMemberId(signal?: AbortSignal): Promise<string> {
    if (this.memberId) return this.memberId;
    const fromTemplate = (await this.freightTemplates(signal)).find((t) => t.memberId !== null)?.memberId ?? null;
    let member = fromTemplate;
    if (member === null) {
      const res = await this.call('alibaba.trade.getSellerOrderList', { page: 1, pageSize: 1 }, signal);
      const seller = valueAt(res.body, ['result', 0, 'baseInfo', 'sellerID']);
      member = typeof seller === 'string' && seller !== '' ? seller : null;
    }
    if (member === null) {
      throw new SourceError('category.getSelfCatlist needs the seller\'s memberId, and neither a freight template nor an order of the store names it; the store categories cannot be read yet');
    }
    this.memberId = member;
    return member;
  }

  /** The leaf categories the store's products use, each with alibaba.category.attribute.get's attributes. */
  private async categoryAttributes(signal?: AbortSignal): Promise<Array<{ categoryId: string; text: string | null; invalid?: DataError }>> {
    const categories = await this.categoriesInUse(signal);
    const op = 'alibaba.category.attribute.get';
    return Promise.all(categories.map(async (categoryId) => {
      try {
        const res = await this.call(op, { categoryID: categoryId, webSite: '1688' }, signal);
        // The attribute list's own text: the envelope around it (its success flag) is no part of the category.
        const text = rawValueAt(res.raw, ['attributes']) ?? rawValueAt(res.raw, ['result', 'attributes']) ?? rawValueAt(res.raw, ['result']) ?? null;
        return { categoryId, text };
      } catch (err) {
        if (!(err instanceof ApiError) || err.kind !== 'business') throw err;
        // The API refuses this one category: a reject, and its attributes loaded before stay.
        return { categoryId, text: null, invalid: new DataError('category_id', `${op} refused category ${categoryId}: ${err.code}${err.detail ? ` ${err.detail}` : ''}`) };
      }
    }));
  }

  /** Distinct category ids of every product the store lists, in numeric order. */
  private async categoriesInUse(signal?: AbortSignal): Promise<string[]> {
    const op = 'alibaba.product.list.get';
    const categories = new Set<string>();
    const without: string[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await this.call(op, { page, pageSize: PAGE_SIZE }, signal);
      const path = ['result', 'pageResult', 'resultList'];
      const list = valueAt(res.body, path);
      const items = Array.isArray(list) ? list : [];
      for (const item of items) {
        const category = idOf(valueAt(item, ['categoryID']));
        const product = idOf(valueAt(item, ['productID']));
        if (category !== null) categories.add(category);
        else if (product !== null) without.push(product);
      }
      const total = Number(valueAt(res.body, ['result', 'pageResult', 'totalRecord']) ?? NaN);
      if (items.length < PAGE_SIZE || (Number.isFinite(total) && page * PAGE_SIZE >= total)) break;
      if (page === MAX_PAGES) throw new SourceError(`${op}: still listing products after ${MAX_PAGES} pages`);
    }
    const found = await Promise.all(without.map(async (productID) => {
      const res = await this.call('alibaba.product.get', { productID, webSite: '1688' }, signal);
      return idOf(valueAt(res.body, ['productInfo', 'categoryID']) ?? valueAt(res.body, ['result', 'productInfo', 'categoryID']));
    }));
    for (const c of found) if (c !== null) categories.add(c);
    return [...categories].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  }
}
