// The business answers of the gateway (HTTP 200): results with their `success` flag, and business errors
// with errorCode and an errorMessage that is itself stringified JSON, as the real API sends them.
import { BUSINESS } from '../../api/gateway-codes.js';
import { jsonString } from './json-text.js';

/** A failed call that the API answers with HTTP 200 and success false (unknown ids, bad parameters). */
export class BusinessError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'BusinessError';
  }
}

/** PARAM_ERROR naming the parameter. */
export const paramError = (param: string, why: string): BusinessError => new BusinessError(BUSINESS.invalidParameter, `${param}: ${why}`);

/**
 * The `success` value of an answer: the boolean on odd calls, the string on even ones (the real API
 * sends both; source-shapes §4.4), so every client meets both within two calls.
 */
export function successFlag(seq: number, ok: boolean): string {
  return seq % 2 === 0 ? `"${ok}"` : String(ok);
}

/** `{members…,"success":…}` from raw member texts (left out when undefined). */
export function answer(seq: number, members: ReadonlyArray<readonly [string, string | undefined]>, successKey = 'success'): string {
  const parts: string[] = [];
  for (const [k, v] of members) if (v !== undefined) parts.push(`${jsonString(k)}:${v}`);
  parts.push(`${jsonString(successKey)}:${successFlag(seq, true)}`);
  return `{${parts.join(',')}}`;
}

/** A business error: `{"success":false,"errorCode":…,"errorMessage":"{\"code\":…,\"message\":…}"}`. */
export function businessErrorBody(seq: number, err: BusinessError): string {
  const inner = JSON.stringify({ code: err.code, message: err.message });
  return `{"success":${successFlag(seq, false)},"errorCode":${jsonString(err.code)},"errorMessage":${jsonString(inner)}}`;
}
