// Reading operation parameters the way the gateway checks them: a bad or missing value is a business
// error (HTTP 200, PARAM_ERROR) naming the parameter.
import { paramError } from './envelope.js';
import { parseApiTime } from './times.js';

type Params = Readonly<Record<string, string>>;

/** A required id of decimal digits (up to 19). */
export function requireId(p: Params, name: string): string {
  const v = p[name];
  if (v === undefined || v === '') throw paramError(name, 'required');
  if (!/^\d{1,19}$/.test(v)) throw paramError(name, `expected an id of decimal digits, got ${JSON.stringify(v.slice(0, 40))}`);
  return v;
}

/** An optional time in yyyyMMddHHmmssSSS±hhmm (any offset), as epoch ms. */
export function optionalTime(p: Params, name: string): number | null {
  const v = p[name];
  if (v === undefined || v === '') return null;
  const ms = parseApiTime(v);
  if (ms === null) throw paramError(name, `expected a time as yyyyMMddHHmmssSSS±hhmm (e.g. 20240517093015000+0800), got ${JSON.stringify(v.slice(0, 40))}`);
  return ms;
}

/** A [start, end] pair of optional times; start after end is refused. */
export function timeWindow(p: Params, start: string, end: string): { from: number | null; to: number | null } {
  const from = optionalTime(p, start);
  const to = optionalTime(p, end);
  if (from !== null && to !== null && from > to) throw paramError(start, `${start} is after ${end}`);
  return { from, to };
}

/** Most rows one page may hold (source-shapes §6.2). */
export const MAX_PAGE_SIZE = 20;

/** `page` from 1 (default 1) and `pageSize` from 1 to 20 (default 20). */
export function paging(p: Params): { page: number; pageSize: number } {
  const whole = (name: string, dflt: number): number => {
    const v = p[name];
    if (v === undefined || v === '') return dflt;
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw paramError(name, `expected a whole number from 1, got ${JSON.stringify(v.slice(0, 40))}`);
    return Number(v);
  };
  const page = whole('page', 1);
  const pageSize = whole('pageSize', MAX_PAGE_SIZE);
  if (pageSize > MAX_PAGE_SIZE) throw paramError('pageSize', `at most ${MAX_PAGE_SIZE}, got ${pageSize}`);
  return { page, pageSize };
}

/** `webSite`, when given, must be 1688 (or alibaba, the international site's name the API also takes). */
export function checkWebSite(p: Params): void {
  const v = p.webSite;
  if (v !== undefined && v !== '' && v !== '1688' && v !== 'alibaba') throw paramError('webSite', `expected 1688 or alibaba, got ${JSON.stringify(v.slice(0, 40))}`);
}

/** An optional true/false flag. */
export function flag(p: Params, name: string): boolean {
  const v = p[name];
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw paramError(name, `expected true or false, got ${JSON.stringify(v.slice(0, 40))}`);
}

/** Larger-first comparison of decimal id strings (no leading zeros), exact at any length. */
export function compareIdsDesc(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? 1 : a > b ? -1 : 0;
}
