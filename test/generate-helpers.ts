// Helpers for the generator tests: run generate in-process, read whole tables as exact text, parse
// blobs without losing digits, and turn the replica's time formats into instants.
import crypto from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { parse } from 'lossless-json';
import { DateTime } from 'luxon';
import { loadConfig } from '../lib/config.js';
import { createContext, type Context } from '../jobs/context.js';
import { listColumns, openDb, rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { generate, type GenerateOptions, type GenerateResult } from '../jobs/generate.js';
import { target } from './helpers.js';

export const TABLES = [
  'ali1688_category', 'ali1688_product', 'ali1688_order', 'ali1688_order_line', 'ali1688_order_refund', 'ali1688_invoice',
  'ali1688_logistics_order', 'ali1688_logistics_route',
] as const;

export type Table = (typeof TABLES)[number];

/** A JSON number as its exact text (lossless-json hands every number over as digits). */
export class Num {
  constructor(readonly text: string) {}
}

/** Parses a blob keeping every number as its digits. */
export function parseBlob(text: string): unknown {
  return parse(text, undefined, (digits: string) => new Num(digits));
}

export type Json = Record<string, unknown>;

export function contextFor(t: ExecutionContext, sourceUrl: string, sourceTz?: string): Context {
  const config = loadConfig({ source: sourceUrl, ...(sourceTz ? { sourceTz } : {}) }, {});
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error', silent: true }));
  t.teardown(() => ctx.close());
  return ctx;
}

/** Runs generate in-process on its own context. */
export async function gen(t: ExecutionContext, sourceUrl: string, opts: GenerateOptions, sourceTz?: string): Promise<GenerateResult> {
  const ctx = contextFor(t, sourceUrl, sourceTz);
  try {
    return await generate(ctx, opts);
  } finally {
    await ctx.close();
  }
}

export async function openStore(t: ExecutionContext, url: string): Promise<Db> {
  const db = await openDb(target(url));
  t.teardown(() => db.close());
  return db;
}

/** Every value as exact text: BigInt and DECIMAL digits, SQLite REALs as JavaScript prints them. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  return String(v);
}

export type TextRow = Record<string, string | null>;

/** A whole table, ordered by id, every value as text. */
export async function readTable(db: Db, table: string): Promise<TextRow[]> {
  const list = await listColumns(db, table);
  const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${list.map((c) => db.sql.id(c)).join(', ')} from ${table} order by id`);
  return rows.map((r) => Object.fromEntries(list.map((c) => [c.toLowerCase(), text(r[c])])));
}

/** sha256 of every table's rows, in id order. */
export async function tableHashes(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const h = crypto.createHash('sha256');
    for (const row of await readTable(db, table)) h.update(JSON.stringify(row)).update('\n');
    out[table] = h.digest('hex');
  }
  return out;
}

export type Store = Record<Table, TextRow[]>;

export async function readStore(db: Db): Promise<Store> {
  const out = {} as Store;
  for (const table of TABLES) out[table] = await readTable(db, table);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formats

export const BLOB_TIME = /^\d{17}[+-]\d{4}$/;
export const NAIVE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch ms of a yyyyMMddHHmmssSSSZ blob time (its own offset). */
export function blobInstant(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new Error(`not a yyyyMMddHHmmssSSSZ time: ${s}`);
  const [, y, mo, d, h, mi, se, ms, sign, oh, om] = m;
  const local = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +se!, +ms!);
  const off = (+oh! * 60 + +om!) * (sign === '-' ? -1 : 1);
  return local - off * 60_000;
}

export const offsetOf = (s: string): string => s.slice(-5);

/** A naive 'yyyy-MM-dd HH:mm:ss' (or date) in a zone, of an instant (milliseconds dropped). */
export function naiveIn(ms: number, zone: string, format = 'yyyy-MM-dd HH:mm:ss'): string {
  return DateTime.fromMillis(ms, { zone }).toFormat(format);
}

/** Fen from a decimal text ("12.3" -> 1230); throws on more than `scale` decimals. */
export function fen(v: string, scale = 2): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) throw new Error(`not a decimal: ${v}`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw new Error(`${v} has more than ${scale} decimals`);
  const n = BigInt(m[2]! + frac.padEnd(scale, '0'));
  return m[1] ? -n : n;
}

/** The text of a JSON number (Num), or throws naming the path. */
export function num(v: unknown, path: string): string {
  if (!(v instanceof Num)) throw new Error(`${path}: expected a number, found ${JSON.stringify(v)}`);
  return v.text;
}

export const TWO_63 = 2n ** 63n;
export const TWO_53 = 2n ** 53n;

/** The refund model inside a refund blob, whatever its wrapper. */
export function unwrapRefund(blob: unknown): Json {
  let b = blob as Json;
  if ('result' in b) b = b.result as Json;
  if ('opOrderRefundModelDetail' in b) {
    const d = b.opOrderRefundModelDetail;
    b = (Array.isArray(d) ? d[0] : d) as Json;
  }
  return b;
}
