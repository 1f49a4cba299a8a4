// What an operation handler receives and returns: the call's parameters and sequence number, the store,
// the drift overlay; it answers with the JSON text of a business answer, or throws a BusinessError.
import type { Drift } from './drift.js';
import type { EmulatorStore } from './store.js';

export interface Call {
  /** Gateway name of the operation, e.g. `alibaba.trade.get.sellerView`. */
  op: string;
  params: Readonly<Record<string, string>>;
  /** Sequence number of the call (from 1): decides the `success` spelling and the faults. */
  seq: number;
  store: EmulatorStore;
  /** The drift overlay, when drift is on. */
  drift: Drift | null;
}

/** Answers a call with the JSON text of its HTTP 200 body. */
export type Handler = (call: Call) => Promise<string>;

/** Why the gateway refuses a call before any operation runs; each transport has its code and status for it. */
export type RefusalKind =
  | 'appKeyNotExist' | 'signatureInvalid' | 'missingParameter' | 'invalidParameter' | 'nonceUsed'
  | 'accessTokenInvalid' | 'accessTokenExpired' | 'apiNotExist' | 'frequencyLimit' | 'internal' | 'unavailable' | 'timeout';

export interface Refusal {
  refused: RefusalKind;
  message: string;
}

/** A request as both transports see it: method, path, and the query and form parameters merged. */
export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, string>;
  /** The Host header (POP's HostId). */
  host: string;
}

/** A call a transport has authenticated: the operation and its own parameters. */
export interface Decoded {
  op: string;
  params: Record<string, string>;
}

/** One way of calling the API: how requests are checked and decoded, and how answers and errors are written. */
export interface Transport {
  name: 'gateway' | 'pop';
  decode(req: ApiRequest): Decoded | Refusal;
  /** The operation a request names, for the stats even when it is refused ('(unknown)' when none). */
  named(req: ApiRequest): string;
  /** The HTTP status and body of a refusal; `code` is what the stats count. */
  refusal(r: Refusal, requestId: string, req: ApiRequest): { status: number; body: string; code: string };
  /** The HTTP 200 body of an operation's answer. */
  success(body: string, requestId: string): string;
}
