// Readers for single values, shared by all transforms: ids, text, integers and booleans in their
// canonical warehouse form, with a DataError naming the field when a value is unusable.
import { DataError } from '../lib/errors.js';
import type { JsonObject, JsonValue } from './json.js';

/** A value as it reaches a reader: a blob value (numbers as text), a column value (text or null), or absent. */
export type Raw = JsonValue | undefined;

const MAX_ID = '9223372036854775807';

/** How a bad value is quoted in a reason: strings in quotes, cut to 60 characters; shapes named. */
export function found(v: Raw): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return 'an object';
}

/** True when the value says nothing: absent, null, or blank text. */
export function isAbsent(v: Raw): v is undefined | null | '' {
  return v === undefined || v === null || (typeof v === 'string' && (v === '' || v.trim() === ''));
}

/** The first of the given keys the object holds a value for (name pairs such as skuID / skuId). */
export function firstKey(o: JsonObject, ...keys: string[]): string {
  for (const k of keys) if (!isAbsent(o[k])) return k;
  return keys[0]!;
}

/** Text of a scalar (string, or number as its text); null when absent; objects and arrays are refused. */
function scalarText(v: Raw, field: string, expected: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const s = v.trim();
    return s === '' ? null : s;
  }
  throw new DataError(field, `expected ${expected}, found ${found(v)}`);
}

/** An id as canonical decimal digits (leading zeros dropped), 0 to 2^63-1; null when absent. */
export function readId(v: Raw, field: string): string | null {
  const s = scalarText(v, field, 'an id (decimal digits)');
  if (s === null) return null;
  return canonicalId(s, field, v);
}

export function requireId(v: Raw, field: string): string {
  const id = readId(v, field);
  if (id === null) throw new DataError(field, `expected an id (decimal digits), found ${found(v)} (required)`);
  return id;
}

function canonicalId(s: string, field: string, v: Raw): string {
  if (!/^\d{1,19}$/.test(s)) throw new DataError(field, `expected an id (1 to 19 decimal digits), found ${found(v)}`);
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  const id = i === 0 ? s : s.slice(i);
  if (id.length === 19 && id > MAX_ID) throw new DataError(field, `expected an id of at most ${MAX_ID}, found ${found(v)}`);
  return id;
}

/** Number of characters (code points) as MySQL counts them in a varchar; emoji count once. */
function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Trimmed text of at most `max` characters; null when absent or blank. Longer text is a DataError, never cut. */
export function readText(v: Raw, field: string, max: number): string | null {
  let s: string | null;
  if (typeof v === 'boolean') s = String(v);
  else s = scalarText(v, field, 'text');
  if (s === null) return null;
  if (s.length > max && charLength(s) > max) {
    throw new DataError(field, `expected text of at most ${max} characters, found ${charLength(s)} characters: ${found(s)}`);
  }
  return s;
}

export function requireText(v: Raw, field: string, max: number): string {
  const s = readText(v, field, max);
  if (s === null) throw new DataError(field, `expected text, found ${found(v)} (required)`);
  return s;
}

/** A safe integer; "12" and "12.0" are accepted, "12.5" is not. Null when absent. */
export function readInt(v: Raw, field: string): number | null {
  const s = scalarText(v, field, 'an integer');
  if (s === null) return null;
  const m = /^([+-]?\d+)(?:\.0*)?$/.exec(s);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n)) throw new DataError(field, `expected an integer, found ${found(v)}`);
  return n === 0 ? 0 : n; // no -0
}

/** A boolean as 0/1: true/false (JSON or text, any case), 1/0, Y/N. Null when absent. */
export function readBool(v: Raw, field: string): 0 | 1 | null {
  if (v === true) return 1;
  if (v === false) return 0;
  const s = scalarText(v, field, 'a boolean');
  if (s === null) return null;
  switch (s.toLowerCase()) {
    case 'true':
    case '1':
    case 'y':
      return 1;
    case 'false':
    case '0':
    case 'n':
      return 0;
    default:
      throw new DataError(field, `expected a boolean (true/false), found ${found(v)}`);
  }
}

/** An array value; [] when absent; anything else is a DataError. */
export function readArray(v: Raw, field: string): JsonValue[] {
  if (isAbsent(v)) return [];
  if (Array.isArray(v)) return v;
  throw new DataError(field, `expected an array, found ${found(v)}`);
}

/** An object value; undefined when absent; anything else is a DataError. */
export function readObject(v: Raw, field: string): JsonObject | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v;
  throw new DataError(field, `expected an object, found ${found(v)}`);
}

/** The elements of a comma-separated id list ("1,2, 3"); empty elements skipped. */
export function readIdList(v: Raw, field: string): string[] {
  if (Array.isArray(v)) return v.map((x, i) => requireId(x, `${field}[${i}]`));
  const s = scalarText(v, field, 'a comma-separated list of ids');
  if (s === null) return [];
  const ids: string[] = [];
  for (const part of s.split(',')) {
    const t = part.trim();
    if (t !== '') ids.push(canonicalId(t, field, s));
  }
  return ids;
}
