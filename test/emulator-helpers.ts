// Helpers for the emulator tests: a generated store of the test's own with an emulator in front of it,
// and signed calls over both transports built with the shared signing functions and fetch.
import crypto from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { startEmulator, type Emulator, type EmulatorOptions } from '../jobs/emulate-api.js';
import { gatewayPath, operationNamed } from '../lib/api-operations.js';
import { aopSignature, popSignature } from '../sources/api/signing.js';
import { gen, openStore, parseBlob, type Json } from './generate-helpers.js';
import { needMysql, tempMysqlDb, tempSqliteUrl } from './helpers.js';
import type { Db } from '../lib/db.js';

export type Backend = 'SQLite' | 'MariaDB';

// At most a few stores are generated at once in one test process: each generate is a child process
// (and adds an exit listener), and the machine has two cores.
let generating = 0;
const waiting: Array<() => void> = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  while (generating >= 4) await new Promise<void>((r) => waiting.push(r));
  generating++;
  try {
    return await fn();
  } finally {
    generating--;
    waiting.shift()?.();
  }
}

export interface Fixture {
  emu: Emulator;
  url: string;
  db: Db;
}

/** A store of `orders` orders generated for this test, with an emulator serving it; undefined (the test failed) when MariaDB is not answering: register the test with testWith(backend). */
export async function emulated(
  t: ExecutionContext,
  opts: { backend?: Backend; orders?: number; storeSeed?: number; orderIdColumns?: boolean } & Omit<EmulatorOptions, 'store'> = {},
): Promise<Fixture | undefined> {
  const { backend = 'SQLite', orders = 80, storeSeed = 7, orderIdColumns, ...emuOpts } = opts;
  let url: string;
  if (backend === 'MariaDB') {
    if (!(await needMysql(t))) return undefined;
    url = await tempMysqlDb(t, 'hubemu');
  } else {
    url = tempSqliteUrl(t);
  }
  await limited(() => gen(t, url, { orders, seed: storeSeed, ...(orderIdColumns ? { orderIdColumns } : {}) }));
  const emu = await startEmulator({ store: url, ...emuOpts });
  t.teardown(() => emu.close());
  return { emu, url, db: await openStore(t, url) };
}

export interface Reply {
  status: number;
  text: string;
}

/** The reply parsed without losing digits (numbers become Num). */
export const json = (r: Reply): Json => parseBlob(r.text) as Json;

export interface GatewayOpts {
  appKey?: string;
  secret?: string;
  /** null: no access_token parameter. */
  token?: string | null;
  method?: 'GET' | 'POST';
  /** Changes a parameter after signing. */
  tamper?: boolean;
  /** Leaves out _aop_timestamp. */
  noTimestamp?: boolean;
}

/** A signed call to the 1688 gateway transport. */
export async function gw(emu: Emulator, op: string, params: Record<string, string> = {}, o: GatewayOpts = {}): Promise<Reply> {
  const operation = operationNamed(op);
  if (!operation) throw new Error(`unknown operation ${op}`);
  const appKey = o.appKey ?? emu.credentials.appKey;
  const p: Record<string, string> = { ...params };
  if (o.token !== null) p.access_token = o.token ?? emu.credentials.accessToken;
  if (!o.noTimestamp) p._aop_timestamp = String(Date.now());
  const path = gatewayPath(operation, appKey);
  p._aop_signature = aopSignature(o.secret ?? emu.credentials.appSecret, path, p);
  if (o.tamper) p[Object.keys(params)[0] ?? '_aop_timestamp'] += '1';
  return send(`${emu.url}/openapi/${path}`, p, o.method ?? 'POST');
}

/** A raw form POST (or GET) to a path of the emulator. */
export async function send(url: string, params: Record<string, string>, method: 'GET' | 'POST' = 'POST'): Promise<Reply> {
  const body = new URLSearchParams(params);
  const r = method === 'POST' ? await fetch(url, { method, body }) : await fetch(`${url}?${body}`);
  return { status: r.status, text: await r.text() };
}

export interface PopOpts {
  key?: string;
  secret?: string;
  nonce?: string;
  method?: 'GET' | 'POST';
  format?: string;
  tamper?: boolean;
}

/** A signed POP RPC call. */
export async function pop(emu: Emulator, action: string, params: Record<string, string> = {}, o: PopOpts = {}): Promise<Reply> {
  const method = o.method ?? 'POST';
  const p: Record<string, string> = {
    ...params,
    Action: action,
    Format: o.format ?? 'JSON',
    Version: '2024-05-01',
    AccessKeyId: o.key ?? emu.credentials.appKey,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: o.nonce ?? crypto.randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  p.Signature = popSignature(o.secret ?? emu.credentials.appSecret, method, p);
  if (o.tamper) p.Version = '2024-05-02';
  return send(`${emu.url}/`, p, method);
}

/** The error code of a gateway error body. */
export const errorCode = (r: Reply): string => (JSON.parse(r.text) as { error_code: string }).error_code;

/** The inner {code, message} of a business error (errorMessage is stringified JSON). */
export function businessError(r: Reply): { code: string; message: string } {
  const body = JSON.parse(r.text) as { success: unknown; errorCode: string; errorMessage: string };
  if (body.success !== false && body.success !== 'false') throw new Error(`not a business error: ${r.text.slice(0, 200)}`);
  const inner = JSON.parse(body.errorMessage) as { code: string; message: string };
  if (inner.code !== body.errorCode) throw new Error(`errorCode ${body.errorCode} and errorMessage's code ${inner.code} differ`);
  return inner;
}

/** The text of a member of a JSON object text, by scanning (test-side, independent of the emulator's scanner). */
export function between(text: string, prefix: string, suffix: string): string {
  const i = text.indexOf(prefix);
  if (i < 0) throw new Error(`${prefix} not in ${text.slice(0, 200)}`);
  const j = text.lastIndexOf(suffix);
  if (j < i + prefix.length) throw new Error(`${suffix} not after ${prefix}`);
  return text.slice(i + prefix.length, j);
}

/** yyyyMMddHHmmssSSS±hhmm of an instant at an offset in minutes. */
export function apiTime(ms: number, offsetMin = 480): string {
  const d = new Date(ms + offsetMin * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(d.getUTCMilliseconds(), 3)}${sign}${p(Math.floor(a / 60))}${p(a % 60)}`;
}
