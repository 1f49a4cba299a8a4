// The catalogue through the API: products (alibaba.product.list.get windows on the last update, drift-proof
// as orders are, then alibaba.product.get each) and categories (the whole tree walked down from the root
// with alibaba.category.get, a leaf's attributes from alibaba.category.attribute.get, read whole every run).
import { SourceError, UsageError } from '../../lib/errors.js';
import { isObject, type JsonValue } from '../../transforms/json.js';
import type { LookupBy, ReadOptions, ReadWindow, SourceUnit } from '../source.js';
import { isBusinessCode } from './errors.js';
import { BUSINESS } from './gateway-codes.js';
import { listWindow, type Listed, type PageReader } from './lister.js';
import { rawArrayItems, rawWithoutMembers } from './raw-json.js';
import { categoryRow, objectAt, productRow, textOf, type CategoryNode } from './rows.js';
import { Batcher, boundsOf, cursorIn, encodePosition, mapLimit, type ApiSession, type ApiStream } from './stream-kit.js';
import { formatApiTime, instantOfBlobTime } from './times.js';

/** Members of an answer that belong to its envelope, not to what Cloud Hub stores: POP's request id, the success flag. */
const ENVELOPE = new Set(['RequestId', 'success', 'succes']);

function productPages(s: ApiSession, signal?: AbortSignal): PageReader {
  return async (fromMs, toMs, page) => {
    const r = await s.client.call('alibaba.product.list.get', {
      modifyStartTime: formatApiTime(fromMs, s.zone), modifyEndTime: formatApiTime(toMs, s.zone), page, pageSize: s.lister.pageSize,
    }, signal ? { signal } : {});
    const pr = isObject(r.body) ? objectAt(objectAt(r.body, 'result'), 'pageResult') : undefined;
    const list = pr && Array.isArray(pr.resultList) ? pr.resultList : [];
    const spans = list.length > 0 ? (rawArrayItems(r.raw, ['result', 'pageResult', 'resultList']) ?? []) : [];
    const items = list.map((it, i): Listed => {
      const body = isObject(it) ? it : {};
      const id = textOf(body.productID);
      const at = instantOfBlobTime(body.lastUpdateTime, s.zone);
      if (id === null || !/^\d{1,19}$/.test(id) || at === null) throw new SourceError(`alibaba.product.list.get: an item without a productID and a lastUpdateTime: ${(spans[i] ?? '').slice(0, 120)}`);
      return { id, atMs: at, raw: spans[i] ?? '', body };
    });
    return { total: Number(textOf(pr?.totalRecord) ?? items.length), items };
  };
}

/** One product's row from alibaba.product.get; undefined when the API does not know it. */
async function product(s: ApiSession, productId: string): Promise<Omit<SourceUnit, 'cursor' | 'position'> | undefined> {
  let r;
  try {
    r = await s.client.call('alibaba.product.get', { productID: productId, webSite: '1688' }, { requireKey: 'productInfo' });
  } catch (err) {
    if (isBusinessCode(err, BUSINESS.productNotFound)) return undefined;
    throw err;
  }
  const row = productRow(productId, rawWithoutMembers(r.raw, ENVELOPE), isObject(r.body) ? r.body : {}, s.zone);
  return { key: row.product_id ?? productId, version: row.last_update_time ?? '', rows: [row] };
}

const PIECE = 20;

const products: ApiStream = {
  cursorKind: 'datetime',
  async *units(s: ApiSession, w: ReadWindow, ro: ReadOptions): AsyncGenerator<SourceUnit[]> {
    const b = await boundsOf(s, w);
    const batcher = new Batcher(ro.batchSize, ro.after);
    const lister = { ...s.lister, ...(ro.signal ? { signal: ro.signal } : {}) };
    for await (const chunk of listWindow(productPages(s, ro.signal), b.fromMs, b.toMs, lister, s.listing, s.logger)) {
      for (let i = 0; i < chunk.length; i += PIECE) {
        if (ro.signal?.aborted) return;
        const piece = chunk.slice(i, i + PIECE);
        const found = await mapLimit(piece, s.parallel, (l) => product(s, l.id), ro.signal);
        const units = found.flatMap((u, k): SourceUnit[] => {
          const l = piece[k]!;
          if (!u) {
            s.logger.warn('a product listed by the API is gone from alibaba.product.get; it is read again when it is listed again', { product: l.id });
            return [];
          }
          return [{ ...u, cursor: cursorIn(b, l.atMs, s.zone), position: encodePosition([l.atMs, l.id, 0]) }];
        });
        for (const batch of batcher.add(units)) yield batch;
      }
    }
    for (const batch of batcher.rest()) yield batch;
  },
  async lookup(s: ApiSession, by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
    if (by !== 'key') throw new UsageError('products have no order id to look them up by');
    const wanted = [...new Set(ids)].filter((id) => /^\d{1,19}$/.test(id));
    const found = await mapLimit(wanted, s.parallel, (id) => product(s, id));
    return found.flatMap((u, j) => (u ? [{ ...u, cursor: u.version, position: encodePosition([0, u.key, j]) }] : []));
  },
};

/** A category as alibaba.category.get answers it. */
interface CategoryInfo { id: string; name: string; level: number; isLeaf: boolean; parentIds: string[]; childIds: string[] }

async function categoryInfo(s: ApiSession, id: string): Promise<CategoryInfo | undefined> {
  let r;
  try {
    r = await s.client.call('alibaba.category.get', { categoryID: id }, { requireKey: 'categoryInfo' });
  } catch (err) {
    if (isBusinessCode(err, BUSINESS.categoryNotFound)) return undefined;
    throw err;
  }
  const c = isObject(r.body) ? objectAt(r.body, 'categoryInfo') : undefined;
  if (!c) throw new SourceError(`alibaba.category.get: category ${id} came back without categoryInfo`);
  const ids = (v: unknown) => (Array.isArray(v) ? v.map((x) => textOf(x as JsonValue)).filter((x): x is string => x !== null && /^\d+$/.test(x) && !/^0+$/.test(x)) : []);
  return {
    id: textOf(c.categoryID) ?? id,
    name: textOf(c.name) ?? '',
    level: Number(textOf(c.level) ?? 0),
    isLeaf: c.isLeaf === true || c.isLeaf === 'true',
    parentIds: ids(c.parentIDs),
    childIds: ids(c.childIDs),
  };
}

/** A leaf's attributes as Cloud Hub stores them: attribute.get's answer without its envelope. */
async function attributesOf(s: ApiSession, c: CategoryInfo): Promise<string> {
  if (!c.isLeaf) return '';
  const r = await s.client.call('alibaba.category.attribute.get', { categoryID: c.id, webSite: '1688' });
  return rawWithoutMembers(r.raw, ENVELOPE);
}

function categoryUnit(node: CategoryNode, attributes: string, version: string, j: number): SourceUnit {
  return { key: node.id, version, rows: [categoryRow(node, attributes)], cursor: version, position: encodePosition([0, node.id, j]) };
}

/** When a category was read: its version (the API has no time of its own for a category). */
async function readAt(s: ApiSession): Promise<string> {
  return new Date(await s.nowMs()).toISOString().replace('T', ' ').replace('Z', '');
}

const categories: ApiStream = {
  cursorKind: 'text',
  async *units(s: ApiSession, _w: ReadWindow, ro: ReadOptions): AsyncGenerator<SourceUnit[]> {
    const version = await readAt(s);
    const batcher = new Batcher(ro.batchSize, ro.after);
    const root = await categoryInfo(s, '0');
    let level: Array<{ id: string; path: CategoryNode['path'] }> = (root?.childIds ?? []).map((id) => ({ id, path: [] }));
    const seen = new Set<string>();
    let j = 0;
    // Level by level down the tree: a category's names on the way down are its ancestors'.
    while (level.length > 0) {
      if (ro.signal?.aborted) return;
      const infos = await mapLimit(level, s.parallel, async (x) => {
        const c = await categoryInfo(s, x.id);
        return c && { c, path: [...x.path, { id: c.id, name: c.name }], attributes: c ? await attributesOf(s, c) : '' };
      }, ro.signal);
      const next: typeof level = [];
      const units: SourceUnit[] = [];
      for (const x of infos) {
        if (!x || seen.has(x.c.id)) continue;
        seen.add(x.c.id);
        units.push(categoryUnit({ id: x.c.id, name: x.c.name, level: x.c.level || x.path.length, isLeaf: x.c.isLeaf, path: x.path }, x.attributes, version, j++));
        for (const id of x.c.childIds) next.push({ id, path: x.path });
      }
      for (const batch of batcher.add(units)) yield batch;
      level = next;
    }
    for (const batch of batcher.rest()) yield batch;
  },
  async lookup(s: ApiSession, by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
    if (by !== 'key') throw new UsageError('categories have no order id to look them up by');
    const version = await readAt(s);
    const out: SourceUnit[] = [];
    for (const id of [...new Set(ids)].filter((x) => /^\d{1,19}$/.test(x))) {
      const c = await categoryInfo(s, id);
      if (!c) continue;
      // The ancestors, up to level 1, for the names of the levels above.
      const path: CategoryNode['path'] = [{ id: c.id, name: c.name }];
      for (let p = c.parentIds[0]; p !== undefined && path.length < 3; ) {
        const up = await categoryInfo(s, p);
        if (!up) break;
        path.unshift({ id: up.id, name: up.name });
        p = up.parentIds[0];
      }
      out.push(categoryUnit({ id: c.id, name: c.name, level: c.level || path.length, isLeaf: c.isLeaf, path }, await attributesOf(s, c), version, out.length));
    }
    return out;
  },
};

export const CATALOG_STREAMS: Readonly<Record<string, ApiStream>> = { products, categories };
