// The seam between the API client and the wire: one interface, one file per transport (the 1688 gateway
// with `_aop_signature` and access tokens, Alibaba Cloud's RPC style with `Signature`), chosen from a map.
import type { ApiTarget } from '../../lib/config.js';
import type { Logger } from '../../lib/logger.js';
import type { Outcome } from './errors.js';
import type { Http } from './http.js';
import type { ApiOperation } from '../../lib/api-operations.js';
import { createAopTransport } from './transports/aop.js';
import { createPopTransport } from './transports/pop.js';

export interface TransportDeps {
  target: ApiTarget;
  http: Http;
  logger: Logger;
  /** Aborts when the client closes; work shared by several calls (a token refresh) follows it, not one caller's signal. */
  closing: AbortSignal;
}

export interface SendOptions {
  /** A key the success body must carry. */
  requireKey?: string;
  signal: AbortSignal;
}

/** One attempt of a call, classified; status 0 when no answer arrived. */
export interface Attempt {
  outcome: Outcome;
  status: number;
  ms: number;
}

export interface Transport {
  /**
   * Sends one call once and classifies the answer. Never retries a failure (the client does), except
   * that the gateway transport refreshes an expired access token and resends once, transparently.
   */
  send(op: ApiOperation, form: Readonly<Record<string, string>>, opts: SendOptions): Promise<Attempt>;
}

const TRANSPORTS: Record<ApiTarget['transport'], (deps: TransportDeps) => Transport> = {
  aop: createAopTransport,
  pop: createPopTransport,
};

export function createTransport(deps: TransportDeps): Transport {
  return TRANSPORTS[deps.target.transport](deps);
}
