// Business parameters as the gateway and POP want them in a form: text as is, numbers and booleans as
// written, bigints as digits, objects and arrays as JSON text (bigints inside as bare digits, never a float).
import { SourceError } from '../../lib/errors.js';

/** A business parameter; null and undefined are left out. */
export type ApiParamValue = string | number | bigint | boolean | null | undefined | readonly unknown[] | { readonly [key: string]: unknown };
export type ApiParams = Readonly<Record<string, ApiParamValue>>;

/** Names the transports set themselves: a business parameter may not take them. */
const RESERVED = new Set([
  'access_token', '_aop_timestamp', '_aop_signature', 'client_id', 'client_secret', 'refresh_token', 'grant_type',
  'Action', 'Format', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature',
]);

/** The form fields of a call's business parameters; a reserved name or an unencodable value is a SourceError naming it. */
export function formParams(params: ApiParams, operation: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (RESERVED.has(key)) throw new SourceError(`${operation}: parameter "${key}" is set by the API client itself; pass only business parameters`);
    if (value === null || value === undefined) continue;
    out[key] = fieldText(value, `${operation}: parameter "${key}"`);
  }
  return out;
}

function fieldText(value: ApiParamValue, label: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SourceError(`${label} is ${value}; expected a finite number`);
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new SourceError(`${label} is ${value}, beyond 2^53 where a number is no longer exact; pass the id as a string or a bigint`);
    return String(value);
  }
  if (value instanceof Date) throw new SourceError(`${label} is a Date; format it as the operation expects (e.g. 20240517093015000+0800)`);
  return jsonText(value, label);
}

function jsonText(value: unknown, label: string): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) throw new SourceError(`${label} holds ${value}, which JSON cannot carry exactly; pass it as a string or a bigint`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : jsonText(v, label))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) parts.push(`${JSON.stringify(k)}:${jsonText(v, label)}`);
    return `{${parts.join(',')}}`;
  }
  throw new SourceError(`${label} holds a ${typeof value}, which is no JSON value`);
}
