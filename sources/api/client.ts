// The 1688 API client: one per process, shared by every reader. It signs through the configured
// transport, keeps to a rate (every request, retries and token refreshes included) and a cap on calls
// in flight, times each call out, retries what may heal with exponential backoff and full jitter, and
// hands back the answer's exact text beside its lossless parse.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import type { ApiTarget } from '../../lib/config.js';
import { SourceError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { JsonValue } from '../../transforms/json.js';
import { ApiError, CLIENT_CODES, gaveUp, isThrottling } from './errors.js';
import { Http } from './http.js';
import { backoffMs, RateGate, Semaphore, sleep } from './limits.js';
import { operationNamed, OPERATIONS } from '../../lib/api-operations.js';
import { formParams, type ApiParams } from './params.js';
import { createTransport, type Transport } from './transport.js';

export type { ApiParams, ApiParamValue } from './params.js';

/** A successful answer. */
export interface ApiResponse {
  /** The answer exactly as received: read spans of it with rawValueAt / rawArrayItems to store blobs byte for byte. */
  raw: string;
  /** The answer parsed losslessly: every number is its exact source text. */
  body: JsonValue;
  /** The POP `RequestId` (or the gateway's request id) when the answer carries one. */
  requestId?: string;
}

export interface CallOptions {
  /** A key the success body must carry (e.g. `result`); its absence is an ApiError (code client.MissingResult). */
  requireKey?: string;
  /** Cancels the call, its waits and its retries; the call then rejects with an ApiError of kind `aborted`. */
  signal?: AbortSignal;
}

/** What a client has done since it was created, for etl_run. */
export interface ApiStats {
  /** Requests sent for operations: every attempt, and the resend after a token refresh. */
  calls: number;
  /** Attempts after a retriable failure (each also counted in calls). */
  retries: number;
  /** Answers that were throttling: *FrequencyLimit, Throttling*, HTTP 429. */
  throttled: number;
  /** Calls that finally failed (rejected), retriable or not. */
  failures: number;
  /** Token refresh requests sent. */
  refreshes: number;
}

export interface ApiClient {
  readonly target: ApiTarget;
  /** Calls `operation` (a name of OPERATIONS, e.g. `alibaba.trade.get.sellerView`) with business parameters. */
  call(operation: string, params?: ApiParams, opts?: CallOptions): Promise<ApiResponse>;
  stats(): ApiStats;
  /**
   * A view of this client (the same rate, slots and token) whose stats() count only the calls made
   * through it: what one reader asked while others share the client. Closing a view leaves the client open.
   */
  scoped(): ApiClient;
  /**
   * Runs `fn` and counts the requests sent on its behalf (its async context, through this client or any
   * view of it), whatever else calls the client meanwhile: the calls of one refresh among concurrent ones.
   */
  counting<T>(fn: () => Promise<T>): Promise<{ value: T; stats: ApiStats }>;
  /** Cancels waiting and running calls and refuses new ones. */
  close(): Promise<void>;
}

export interface ClientOptions {
  /** Backoff before the second attempt (the wait is random up to base × 2^(attempt−2), capped). Default 250 ms. */
  backoffBaseMs?: number;
  /** Longest backoff. Default 8 s. */
  backoffCapMs?: number;
  /** Random source for the jitter (0 ≤ x < 1). */
  random?: () => number;
  /** A fetch other than Node's global one. */
  fetch?: typeof fetch;
}

export function createApiClient(target: ApiTarget, logger: Logger, opts: ClientOptions = {}): ApiClient {
  const zero = (): ApiStats => ({ calls: 0, retries: 0, throttled: 0, failures: 0, refreshes: 0 });
  const counters = zero();
  // The counters a call counts in besides the client's: the scoped view it was made through and every
  // counting() it runs within (an async context's chain, outermost first).
  const scope = new AsyncLocalStorage<readonly ApiStats[]>();
  const count = (k: keyof ApiStats) => {
    counters[k]++;
    for (const own of scope.getStore() ?? []) own[k]++;
  };
  const within = <T>(own: ApiStats, fn: () => Promise<T>): Promise<T> => {
    const chain = scope.getStore() ?? [];
    return scope.run(chain.includes(own) ? chain : [...chain, own], fn);
  };
  const counting = async <T>(fn: () => Promise<T>): Promise<{ value: T; stats: ApiStats }> => {
    const own = zero();
    const value = await within(own, fn);
    return { value, stats: { ...own } };
  };
  const closing = new AbortController();
  // Every waiting call listens on it: far more than the default ten listeners is normal here.
  setMaxListeners(Infinity, closing.signal);
  const http = new Http({
    gate: new RateGate(target.ratePerSecond),
    timeoutMs: target.timeoutMs,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    onSend: (purpose) => count(purpose === 'call' ? 'calls' : 'refreshes'),
  });
  const transport: Transport = createTransport({ target, http, logger, closing: closing.signal });
  const slots = new Semaphore(target.concurrency);
  const baseMs = opts.backoffBaseMs ?? 250;
  const capMs = opts.backoffCapMs ?? 8_000;
  const maxAttempts = Math.max(1, target.maxAttempts);

  const aborted = (operation: string, why: string, cause?: unknown) =>
    new ApiError({ kind: 'aborted', code: CLIENT_CODES.aborted, operation, httpStatus: 0, retriable: false, message: `${operation}: ${why}`, cause });

  async function call(operation: string, params: ApiParams = {}, callOpts: CallOptions = {}): Promise<ApiResponse> {
    if (closing.signal.aborted) throw aborted(operation, 'the API client is closed');
    const op = operationNamed(operation);
    if (!op) throw new SourceError(`unknown API operation "${operation}"; hub-etl calls ${[...OPERATIONS.keys()].join(', ')}`);
    const form = formParams(params, operation);
    const signal = callOpts.signal ? AbortSignal.any([closing.signal, callOpts.signal]) : closing.signal;
    const sendOpts = { signal, ...(callOpts.requireKey !== undefined ? { requireKey: callOpts.requireKey } : {}) };

    for (let attempt = 1; ; attempt++) {
      let release: () => void;
      try {
        release = await slots.acquire(signal);
      } catch (cause) {
        count('failures');
        throw aborted(operation, 'the call was cancelled', cause);
      }
      let a;
      try {
        a = await transport.send(op, form, sendOpts);
      } finally {
        release();
      }
      const { outcome, status } = a;
      const ms = Math.round(a.ms);
      if (outcome.ok) {
        logger.debug('api call', { operation, attempt, status, ms });
        return { raw: outcome.raw, body: outcome.body, ...(outcome.requestId !== undefined ? { requestId: outcome.requestId } : {}) };
      }
      const err = outcome.error;
      if (isThrottling(err)) count('throttled');
      const fields = {
        operation, attempt, status, ms, code: err.code,
        ...(err.requestId !== undefined ? { requestId: err.requestId } : {}),
        ...(err.hostId !== undefined ? { hostId: err.hostId } : {}),
        ...(err.detail ? { detail: err.detail } : {}),
      };
      if (!err.retriable || attempt >= maxAttempts || signal.aborted) {
        count('failures');
        // A business answer such as "not shipped yet" is data for the reader, not trouble: no warning.
        logger.log(err.kind === 'business' || err.kind === 'aborted' ? 'debug' : 'warn', 'api call failed', fields);
        throw err.retriable && attempt > 1 ? gaveUp(err, attempt) : err;
      }
      const delayMs = backoffMs(attempt, baseMs, capMs, opts.random);
      logger.warn('api call failed, retrying', { ...fields, delayMs });
      try {
        await sleep(delayMs, signal);
      } catch (cause) {
        count('failures');
        throw aborted(operation, 'the call was cancelled while waiting to retry', cause);
      }
      count('retries');
    }
  }

  const close = async () => {
    closing.abort(new Error('the API client was closed'));
  };
  const scoped = (): ApiClient => {
    const own = zero();
    return {
      target,
      call: (operation, params, callOpts) => within(own, () => call(operation, params, callOpts)),
      stats: () => ({ ...own }),
      scoped,
      counting,
      close: async () => undefined,
    };
  };
  return { target, call, stats: () => ({ ...counters }), scoped, counting, close };
}
