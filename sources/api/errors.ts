// Every way a 1688 API call can fail, decided in one place: classify() turns one HTTP exchange (or its
// failure) into a parsed body or an ApiError that says whether to retry and, when the fix is the
// user's, what to fix. Server texts quoted in messages are scrubbed of the app secret and tokens.
import { SourceError } from '../../lib/errors.js';
import { isObject, parseJsonLossless, type JsonObject, type JsonValue } from '../../transforms/json.js';
import { GATEWAY, isRetriableCode, POP } from './gateway-codes.js';

/** Where a failure came from. */
export type ApiErrorKind =
  | 'gateway' // HTTP 4xx/5xx (or 200) with {error_code, error_message}
  | 'business' // HTTP 200 with success false or an errorCode
  | 'pop' // Alibaba Cloud RPC: {RequestId, HostId, Code, Message}
  | 'oauth' // the token endpoint: {error, error_description}
  | 'http' // a status without a recognisable error body
  | 'network' // no answer: refused, reset, DNS
  | 'timeout' // no complete answer within the per-call timeout
  | 'response' // an answer that is not what a success must be (not JSON, truncated, result missing)
  | 'aborted'; // the caller's signal, or the client closed

/** Codes hub-etl gives to failures the platform does not name. */
export const CLIENT_CODES = {
  timeout: 'client.Timeout',
  network: 'client.NetworkError',
  badResponse: 'client.BadResponse',
  missingResult: 'client.MissingResult',
  aborted: 'client.Aborted',
  noRefreshToken: 'client.NoRefreshToken',
  businessError: 'client.BusinessError',
} as const;

export interface ApiErrorInit {
  kind: ApiErrorKind;
  code: string;
  message: string;
  /** The HTTP status; 0 when no answer arrived. */
  httpStatus: number;
  operation: string;
  retriable: boolean;
  /** The fix is the user's: credentials, permissions, POP action names (the CLI exits 2). */
  configFault?: boolean;
  /** The platform's own message, unwrapped and scrubbed ('' when none). */
  detail?: string;
  requestId?: string;
  hostId?: string;
  cause?: unknown;
}

/** A failed API call. `code` is the platform's (`gw.SignatureInvalid`, `500_2`, `Throttling.User`) or one of CLIENT_CODES. */
export class ApiError extends SourceError {
  readonly kind: ApiErrorKind;
  readonly code: string;
  readonly httpStatus: number;
  readonly operation: string;
  readonly configFault: boolean;
  readonly detail: string;
  readonly requestId?: string;
  readonly hostId?: string;
  constructor(init: ApiErrorInit) {
    super(init.message, { retriable: init.retriable, cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.operation = init.operation;
    this.configFault = init.configFault ?? false;
    this.detail = init.detail ?? '';
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.hostId !== undefined) this.hostId = init.hostId;
  }
}

/** What classify needs to know about the call. */
export interface CallInfo {
  operation: string;
  appKey: string;
  transport: 'aop' | 'pop';
  baseUrl: string;
  timeoutMs: number;
  /** A key the success body must carry (e.g. `result`). */
  requireKey?: string;
  /** The token endpoint: its errors are OAuth's `{error, error_description}`. */
  tokenEndpoint?: boolean;
  /** Values never to be quoted (app secret, tokens): replaced by *** in any server text. */
  secrets: readonly string[];
}

/** One HTTP exchange: an answer (any status), or no answer. */
export type Exchange =
  | { kind: 'response'; status: number; raw: string }
  | { kind: 'failure'; error: unknown; timedOut: boolean; aborted: boolean };

/** A call's verdict: the answer's exact text and lossless parse, or the error. */
export type Outcome = { ok: true; raw: string; body: JsonValue; requestId?: string } | { ok: false; error: ApiError };

/** The one decision: a success body, or an ApiError saying whether to retry and what to fix. */
export function classify(ex: Exchange, info: CallInfo): Outcome {
  if (ex.kind === 'failure') return { ok: false, error: failureError(ex, info) };
  const { status, raw } = ex;
  let body: JsonValue;
  try {
    body = parseJsonLossless(raw);
  } catch (err) {
    return { ok: false, error: unparsable(status, raw, err, info) };
  }
  const o = isObject(body) ? body : undefined;
  const fail = (e: Omit<ApiErrorInit, 'operation' | 'httpStatus'>): Outcome => ({ ok: false, error: new ApiError({ ...e, operation: info.operation, httpStatus: status }) });

  if (o && nonEmpty(o.error_code)) return fail(platformError('gateway', text(o.error_code), scrub(text(o.error_message), info), status, info, {}));
  if (o && status >= 400 && nonEmpty(o.Code)) {
    const ids = { ...(nonEmpty(o.RequestId) ? { requestId: text(o.RequestId) } : {}), ...(nonEmpty(o.HostId) ? { hostId: text(o.HostId) } : {}) };
    return fail(platformError('pop', text(o.Code), scrub(text(o.Message), info), status, info, ids));
  }
  if (o && info.tokenEndpoint && nonEmpty(o.error)) return fail(oauthError(text(o.error), scrub(text(o.error_description), info), status, info));
  if (status < 200 || status >= 300) return fail(httpError(status, raw, info));

  const business = o ? businessFailure(o) : undefined;
  if (business) {
    const detail = scrub(business.message, info);
    const code = business.code ?? CLIENT_CODES.businessError;
    return fail({
      kind: 'business',
      code,
      detail,
      retriable: isRetriableCode(code),
      message: `${info.operation}: the 1688 API answered ${business.code ?? 'an error without a code'}${detail ? `: ${detail}` : ''}`,
      ...requestIdOf(o),
    });
  }
  if (info.requireKey !== undefined && (!o || o[info.requireKey] === undefined || o[info.requireKey] === null)) {
    return fail({
      kind: 'response',
      code: CLIENT_CODES.missingResult,
      retriable: false,
      message: `${info.operation}: the answer has no "${info.requireKey}" (${o ? `keys: ${Object.keys(o).slice(0, 10).join(', ') || 'none'}` : `a JSON ${Array.isArray(body) ? 'array' : 'scalar'}`})`,
      ...requestIdOf(o),
    });
  }
  return { ok: true, raw, body, ...requestIdOf(o) };
}

/** True for a throttling answer: a *FrequencyLimit or Throttling* code, or HTTP 429. */
export function isThrottling(err: unknown): boolean {
  return err instanceof ApiError && (err.httpStatus === 429 || /FrequencyLimit$/i.test(err.code) || /^Throttling/.test(err.code));
}

/** True for a business answer (HTTP 200, success false) with one of `codes`, e.g. `isBusinessCode(err, BUSINESS.notShipped)`. */
export function isBusinessCode(err: unknown, ...codes: string[]): err is ApiError {
  return err instanceof ApiError && err.kind === 'business' && codes.includes(err.code);
}

/** The same error, saying that retrying stopped after `attempts` (still retriable: a later run may succeed). */
export function gaveUp(err: ApiError, attempts: number): ApiError {
  return new ApiError({ ...initOf(err), message: `${err.message} (gave up after ${attempts} attempts)`, cause: err });
}

/** Removes every secret value from a text quoted from the server. */
export function scrub(value: string, info: Pick<CallInfo, 'secrets'>): string {
  let out = value;
  for (const s of info.secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

function initOf(e: ApiError): ApiErrorInit {
  return {
    kind: e.kind, code: e.code, message: e.message, httpStatus: e.httpStatus, operation: e.operation, retriable: e.retriable,
    configFault: e.configFault, detail: e.detail,
    ...(e.requestId !== undefined ? { requestId: e.requestId } : {}), ...(e.hostId !== undefined ? { hostId: e.hostId } : {}),
  };
}

// Codes whose fix is the user's, with the message that says what to fix.
function fixFor(code: string, info: CallInfo): string | undefined {
  const k = info.appKey;
  const env = 'HUB_API_APP_SECRET (or --api-app-secret)';
  switch (code) {
    case GATEWAY.signatureInvalid.code:
      return `the 1688 gateway refused the signature of app key ${k}: check ${env} for app key ${k}`;
    case POP.signatureDoesNotMatch.code:
      return `the API refused the signature of access key ${k}: check ${env} for app key ${k}`;
    case GATEWAY.appKeyNotExist.code:
    case POP.accessKeyNotFound.code:
      return `the API does not know app key ${k}: check HUB_API_APP_KEY (or --api-app-key)`;
    case GATEWAY.aclDenied.code:
      return `app key ${k} lacks permission for operation ${info.operation}: apply for it on open.1688.com (the app's API permissions), then run again`;
    case POP.forbidden.code:
      return `access key ${k} lacks permission for operation ${info.operation}: grant it to the key's RAM user in the Alibaba Cloud console`;
    case GATEWAY.accessTokenInvalid.code:
      return `the 1688 gateway refused the access token of app key ${k}: the seller has not authorised app ${k} or revoked its token; re-authorise the app and set HUB_API_ACCESS_TOKEN and HUB_API_REFRESH_TOKEN`;
    case POP.actionNotFound.code:
      return `the API has no action for operation ${info.operation}: set its name with --pop-action ${info.operation}=ActionName (or HUB_API_POP_ACTIONS)`;
    default:
      return undefined;
  }
}

function platformError(kind: 'gateway' | 'pop', code: string, detail: string, status: number, info: CallInfo, ids: { requestId?: string; hostId?: string }): Omit<ApiErrorInit, 'operation' | 'httpStatus'> {
  const fix = fixFor(code, info);
  const tail = [detail, ids.requestId ? `RequestId ${ids.requestId}` : '', ids.hostId ? `HostId ${ids.hostId}` : ''].filter(Boolean).join('; ');
  const quoted = `${code}${tail ? ` (${tail})` : ''}`;
  let message: string;
  if (fix) message = `${info.operation}: ${fix} [${quoted}]`;
  else if (code === GATEWAY.apiNotExist.code) message = `${info.operation}: the 1688 gateway has no such operation; hub-etl's operation list may be out of date [${quoted}]`;
  else if (code === GATEWAY.accessTokenExpired.code) message = `${info.operation}: the access token of app key ${info.appKey} has expired [${quoted}]`;
  else message = `${info.operation}: the API answered HTTP ${status} ${quoted}`;
  const retriable = !fix && (isRetriableCode(code) || status === 429 || status === 408 || status >= 500);
  return { kind, code, detail, retriable, configFault: fix !== undefined, message, ...ids };
}

function oauthError(code: string, detail: string, status: number, info: CallInfo): Omit<ApiErrorInit, 'operation' | 'httpStatus'> {
  const why = `${code}${detail ? `: ${detail}` : ''}`;
  if (status === 429 || status >= 500) {
    return { kind: 'oauth', code, detail, retriable: true, message: `refreshing the access token of app key ${info.appKey} failed with HTTP ${status} (${why})` };
  }
  const message = code === 'invalid_client'
    ? `the 1688 gateway refused app key ${info.appKey} and its secret when refreshing the access token (${why}): check HUB_API_APP_KEY and HUB_API_APP_SECRET`
    : `the 1688 gateway refused the refresh token of app key ${info.appKey} (${why}): re-authorise the app for the seller on open.1688.com, then set HUB_API_REFRESH_TOKEN and HUB_API_ACCESS_TOKEN to the new tokens`;
  return { kind: 'oauth', code, detail, retriable: false, configFault: true, message };
}

function httpError(status: number, raw: string, info: CallInfo): Omit<ApiErrorInit, 'operation' | 'httpStatus'> {
  const retriable = status === 429 || status === 408 || status >= 500;
  const snippet = scrub(raw.replace(/\s+/g, ' ').trim().slice(0, 200), info);
  return {
    kind: 'http',
    code: `http.${status}`,
    detail: snippet,
    retriable,
    message: `${info.operation}: ${info.baseUrl} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
  };
}

function unparsable(status: number, raw: string, err: unknown, info: CallInfo): ApiError {
  if (status < 200 || status >= 300) return new ApiError({ ...httpError(status, raw, info), operation: info.operation, httpStatus: status, cause: err });
  // A 200 whose body is cut off or not JSON is a transport accident (a proxy, a reset mid-body): try again.
  const why = err instanceof Error ? err.message : String(err);
  return new ApiError({
    kind: 'response',
    code: CLIENT_CODES.badResponse,
    operation: info.operation,
    httpStatus: status,
    retriable: true,
    cause: err,
    message: `${info.operation}: the answer (HTTP ${status}, ${raw.length} characters) is not complete JSON: ${why}`,
  });
}

// TLS and certificate problems do not heal by retrying; refused, reset and DNS hiccups may.
const FATAL_NETWORK = /^(ERR_TLS_|CERT_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_INVALID_URL)/;

function failureError(ex: Extract<Exchange, { kind: 'failure' }>, info: CallInfo): ApiError {
  const base = { operation: info.operation, httpStatus: 0, cause: ex.error };
  if (ex.aborted) return new ApiError({ ...base, kind: 'aborted', code: CLIENT_CODES.aborted, retriable: false, message: `${info.operation}: the call was cancelled` });
  if (ex.timedOut) {
    return new ApiError({ ...base, kind: 'timeout', code: CLIENT_CODES.timeout, retriable: true, message: `${info.operation}: no complete answer from ${info.baseUrl} within ${info.timeoutMs / 1000} s (--api-timeout)` });
  }
  const code = networkCode(ex.error);
  const why = code ?? (ex.error instanceof Error ? ex.error.message : String(ex.error));
  return new ApiError({
    ...base,
    kind: 'network',
    code: CLIENT_CODES.network,
    retriable: !(code && FATAL_NETWORK.test(code)),
    detail: why,
    message: `${info.operation}: could not reach ${info.baseUrl} (${why})`,
  });
}

/** The errno-like code in a fetch failure's cause chain (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, …). */
function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (e instanceof AggregateError && e.errors.length > 0) return networkCode(e.errors[0]);
  }
  return undefined;
}

/**
 * A business failure on HTTP 200: `success` false (or "false"), or an `errorCode`; else the same inside
 * a `result` object when the top level says nothing of success. The message may be stringified JSON,
 * itself carrying the code and the message: unwrapped.
 */
function businessFailure(o: JsonObject): { code?: string; message: string } | undefined {
  const own = failureOf(o);
  if (own) return own;
  const r = o.result;
  if (o.success === undefined && isObject(r) && (r.success === false || r.success === 'false')) return failureOf(r);
  return undefined;
}

function failureOf(o: JsonObject): { code?: string; message: string } | undefined {
  const failed = o.success === false || o.success === 'false';
  const codeValue = [o.errorCode, o.error_code, failed ? o.code : undefined].find(nonEmpty);
  if (!failed && codeValue === undefined) return undefined;
  let message = text([o.errorMessage, o.errorMsg, o.errMsg, o.error_message, o.message, o.msg].find(nonEmpty));
  let code = codeValue === undefined ? undefined : text(codeValue);
  // Stringified JSON in the message: take the inner message (and the inner code when the outer has none).
  for (let depth = 0; depth < 3 && /^\s*\{/.test(message); depth++) {
    let inner: JsonValue;
    try {
      inner = parseJsonLossless(message);
    } catch {
      break;
    }
    if (!isObject(inner)) break;
    code ??= [inner.errorCode, inner.error_code, inner.code].filter(nonEmpty).map(text)[0];
    const next = [inner.errorMessage, inner.errorMsg, inner.errMsg, inner.error_message, inner.message, inner.msg].find(nonEmpty);
    if (next === undefined) break;
    message = text(next);
  }
  return { ...(code !== undefined ? { code } : {}), message };
}

function requestIdOf(o: JsonObject | undefined): { requestId?: string } {
  const id = o ? [o.RequestId, o.request_id, o.requestId].find(nonEmpty) : undefined;
  return id === undefined ? {} : { requestId: text(id) };
}

function nonEmpty(v: JsonValue | undefined): v is string | boolean {
  return v !== undefined && v !== null && v !== '' && typeof v !== 'object';
}

function text(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
