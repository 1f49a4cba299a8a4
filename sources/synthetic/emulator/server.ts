// The emulator's HTTP server: routes `/` to POP and `/openapi/…` to the 1688 gateway, then for every
// call the same steps: authenticate (transport), rate limit, faults, the operation's handler, the
// transport's envelope. Counts calls by operation and outcome, and logs one debug line per call.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../lib/logger.js';
import { describe } from '../../../lib/errors.js';
import { NonceBook, TokenBook, type ApiCredentials } from './auth.js';
import { Drift } from './drift.js';
import { BusinessError, businessErrorBody } from './envelope.js';
import { FaultPlan, RateLimiter, truncate } from './faults.js';
import { gatewayTransport, isTokenPath, refreshToken } from './gateway.js';
import { HANDLERS } from './handlers/index.js';
import type { ApiRequest, Refusal, Transport } from './operation.js';
import { popActions, popTransport } from './pop.js';
import type { EmulatorStore } from './store.js';

export interface EmulatorConfig {
  credentials: ApiCredentials;
  /** An access token expires this long after it was issued (null: never). */
  expireTokensAfterMs: number | null;
  /** Calls allowed in any one-second window (null: no limit). */
  rateLimit: number | null;
  /** Share of calls that fail, 0 to 1. */
  faultRate: number;
  /** How long a timeout fault holds the response before its 504. */
  faultDelayMs: number;
  seed: number;
  /** Orders moved per paged window (0: no drift). */
  driftOrders: number;
  /** POP action names per operation, replacing the defaults of lib/api-operations.ts. */
  popActions: Readonly<Record<string, string>>;
  logger: Logger | null;
}

export interface EmulatorStats {
  total: number;
  /** Calls by operation (`system.oauth2.getToken` for refreshes, `(unknown)` when none was named) and outcome: `ok`, `business-error`, or the error code answered (faults: `fault:500`, `fault:503`, `fault:timeout`, `fault:truncated`). */
  byOperation: Record<string, Record<string, number>>;
}

export interface RunningEmulator {
  port: number;
  /** http://host:port */
  url: string;
  /** The same base for each transport: 1688+http://host:port and pop+http://host:port. */
  gatewayUrl: string;
  popUrl: string;
  stats: EmulatorStats;
  drift: Drift | null;
  close(): Promise<void>;
}

/** Largest request body read (a form of parameters is far smaller). */
const MAX_BODY = 1024 * 1024;

class TooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so that the refusal still reaches the client.
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY) parts.push(b);
    });
    req.on('end', () => (size > MAX_BODY ? reject(new TooLarge()) : resolve(Buffer.concat(parts).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Query and form parameters together; the first value of a repeated name counts. */
function paramsOf(url: URL, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in out)) out[k] = v;
  for (const [k, v] of new URLSearchParams(body)) if (!(k in out)) out[k] = v;
  return out;
}

export async function serveEmulator(store: EmulatorStore, cfg: EmulatorConfig, listen: { host: string; port: number }): Promise<RunningEmulator> {
  const handled = (op: string) => HANDLERS.has(op);
  const tokens = new TokenBook(cfg.credentials, cfg.expireTokensAfterMs);
  const gateway = gatewayTransport(cfg.credentials, tokens, handled);
  const pop = popTransport(cfg.credentials, new NonceBook(), popActions(cfg.popActions), handled);
  const limiter = cfg.rateLimit === null ? null : new RateLimiter(cfg.rateLimit);
  const faults = new FaultPlan(cfg.faultRate, cfg.seed);
  const drift = cfg.driftOrders > 0 ? new Drift(cfg.driftOrders) : null;
  const stats: EmulatorStats = { total: 0, byOperation: {} };
  const held = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  let seq = 0;

  const count = (op: string, outcome: string) => {
    stats.total++;
    const m = (stats.byOperation[op] ??= {});
    m[outcome] = (m[outcome] ?? 0) + 1;
  };
  const hold = (ms: number) => new Promise<void>((resolve) => {
    const h = { timer: setTimeout(() => { held.delete(h); resolve(); }, ms), done: resolve };
    held.add(h);
  });

  /** Works out one call's answer: status, body and outcome. */
  async function answer(transport: Transport, req: ApiRequest, n: number, requestId: string): Promise<{ op: string; status: number; body: Buffer; outcome: string }> {
    const refusal = (op: string, r: Refusal, outcome?: string) => {
      const e = transport.refusal(r, requestId, req);
      return { op, status: e.status, body: Buffer.from(e.body), outcome: outcome ?? e.code };
    };
    if (transport.name === 'gateway' && isTokenPath(req.path)) {
      const r = refreshToken(req, cfg.credentials, tokens, store.seller);
      return { op: 'system.oauth2.getToken', status: r.status, body: Buffer.from(r.body), outcome: r.code };
    }
    const decoded = transport.decode(req);
    if ('refused' in decoded) return refusal(transport.named(req), decoded);
    const { op } = decoded;
    if (limiter && !limiter.allow()) return refusal(op, { refused: 'frequencyLimit', message: `more than ${cfg.rateLimit} calls in one second` });
    const fault = faults.pick(n);
    if (fault === 'error500') return refusal(op, { refused: 'internal', message: 'internal error (injected fault)' }, 'fault:500');
    if (fault === 'error503') return refusal(op, { refused: 'unavailable', message: 'service unavailable (injected fault)' }, 'fault:503');
    if (fault === 'timeout') {
      await hold(cfg.faultDelayMs);
      return refusal(op, { refused: 'timeout', message: `the service did not answer within ${cfg.faultDelayMs} ms (injected fault)` }, 'fault:timeout');
    }
    let body: string;
    let outcome = 'ok';
    try {
      body = await HANDLERS.get(op)!({ op, params: decoded.params, seq: n, store, drift });
    } catch (err) {
      if (!(err instanceof BusinessError)) {
        cfg.logger?.error('emulator operation failed', { op, error: describe(err) });
        return refusal(op, { refused: 'internal', message: `internal error: ${describe(err)}` }, 'error');
      }
      body = businessErrorBody(n, err);
      outcome = 'business-error';
    }
    const bytes = Buffer.from(transport.success(body, requestId));
    if (fault === 'truncated') return { op, status: 200, body: truncate(bytes), outcome: 'fault:truncated' };
    return { op, status: 200, body: bytes, outcome };
  }

  const server = http.createServer((req, res) => {
    const t0 = performance.now();
    const n = ++seq;
    const requestId = crypto.randomUUID().toUpperCase();
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const transport = url.pathname === '/' ? pop : gateway;
      const method = req.method === 'POST' ? 'POST' : 'GET';
      const host = req.headers.host ?? 'emulator';
      let result: { op: string; status: number; body: Buffer; outcome: string };
      try {
        if (req.method !== 'GET' && req.method !== 'POST') {
          const e = transport.refusal({ refused: 'apiNotExist', message: `method ${req.method} is not served; use GET or POST` }, requestId, { method, path: url.pathname, params: {}, host });
          result = { op: '(unknown)', status: 405, body: Buffer.from(e.body), outcome: 'method-not-allowed' };
        } else {
          const body = method === 'POST' ? await readBody(req) : '';
          result = await answer(transport, { method, path: url.pathname, params: paramsOf(url, body), host }, n, requestId);
        }
      } catch (err) {
        const tooLarge = err instanceof TooLarge;
        const e = transport.refusal({ refused: tooLarge ? 'invalidParameter' : 'internal', message: tooLarge ? `request body over ${MAX_BODY} bytes` : describe(err) }, requestId, { method, path: url.pathname, params: {}, host });
        result = { op: '(unknown)', status: tooLarge ? 413 : 500, body: Buffer.from(e.body), outcome: tooLarge ? 'too-large' : 'error' };
      }
      count(result.op, result.outcome);
      cfg.logger?.debug('api call', { transport: transport.name, op: result.op, outcome: result.outcome, status: result.status, ms: Math.round(performance.now() - t0), seq: n });
      if (res.destroyed) return;
      res.writeHead(result.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': result.body.length });
      res.end(result.body);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    port: addr.port,
    url: `http://${host}:${addr.port}`,
    gatewayUrl: `1688+http://${host}:${addr.port}`,
    popUrl: `pop+http://${host}:${addr.port}`,
    stats,
    drift,
    async close() {
      for (const h of held) {
        clearTimeout(h.timer);
        h.done();
      }
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
