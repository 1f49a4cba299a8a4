// A tiny real 1688 API for the client's tests: a node:http server on a free port that checks every
// request's signature with the shared signing functions and answers what the test scripts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { ExecutionContext } from 'ava';
import winston from 'winston';
import type { ApiTarget } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import { aopSignature, popSignature, sameSignature } from '../sources/api/signing.js';

export const APP_KEY = '7654321';
export const APP_SECRET = 'Top-Secret-App-Value-9';
export const ACCESS_TOKEN = 'access-token-Old-11111111';
export const REFRESH_TOKEN = 'refresh-token-Zzz-22222222';

export interface SeenRequest {
  kind: 'aop' | 'pop' | 'token';
  /** URL path without the leading /openapi/ (aop, token) or '/' (pop). */
  path: string;
  params: Record<string, string>;
  signatureOk: boolean;
  /** Arrival time in ms (performance.now of the test process). */
  at: number;
  contentType: string;
}

export interface Reply {
  status?: number;
  body?: string | object;
  /** Waits before answering. */
  delayMs?: number;
  /** Destroys the connection instead of answering. */
  hangUp?: boolean;
}

export interface FakeApi {
  base: string;
  seen: SeenRequest[];
  /** Most requests in progress at once. */
  maxInFlight(): number;
}

/** Starts the server; `reply` gets each verified request and its index (0-based) among requests of its kind. */
export async function fakeApi(t: ExecutionContext, reply: (req: SeenRequest, n: number) => Reply | Promise<Reply>, secret = APP_SECRET): Promise<FakeApi> {
  const seen: SeenRequest[] = [];
  const counts = { aop: 0, pop: 0, token: 0 };
  let inFlight = 0;
  let max = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    max = Math.max(max, inFlight);
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const url = new URL(req.url ?? '/', 'http://x');
        let kind: SeenRequest['kind'];
        let path: string;
        let signatureOk: boolean;
        if (url.pathname.startsWith('/openapi/param2/1/system.oauth2/getToken/')) {
          kind = 'token';
          path = url.pathname.slice('/openapi/'.length);
          signatureOk = params.client_secret === secret;
        } else if (url.pathname.startsWith('/openapi/')) {
          kind = 'aop';
          path = url.pathname.slice('/openapi/'.length);
          signatureOk = sameSignature(params._aop_signature ?? '', aopSignature(secret, path, params));
        } else {
          kind = 'pop';
          path = url.pathname;
          signatureOk = sameSignature(params.Signature ?? '', popSignature(secret, 'POST', params));
        }
        const r: SeenRequest = { kind, path, params, signatureOk, at, contentType: String(req.headers['content-type'] ?? '') };
        seen.push(r);
        const answer: Reply = signatureOk
          ? await reply(r, counts[kind]++)
          : { status: 400, body: kind === 'pop' ? { RequestId: 'R-SIG', HostId: 'test', Code: 'SignatureDoesNotMatch', Message: 'test server: bad signature' } : { error_code: 'gw.SignatureInvalid', error_message: 'test server: bad signature' } };
        if (answer.delayMs) await new Promise((ok) => setTimeout(ok, answer.delayMs));
        inFlight--;
        if (answer.hangUp) {
          req.socket.destroy();
          return;
        }
        const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json;charset=UTF-8' });
        res.end(body);
      })();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.teardown(() => new Promise<void>((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  }));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen, maxInFlight: () => max };
}

/** An API target for the fake API: fast limits unless the test says otherwise. */
export function apiTarget(base: string, over: Partial<ApiTarget> = {}): ApiTarget {
  const transport = over.transport ?? 'aop';
  return {
    kind: 'api',
    transport,
    baseUrl: base,
    url: `${transport === 'pop' ? 'pop' : '1688'}+${base}`,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    accessToken: ACCESS_TOKEN,
    refreshToken: REFRESH_TOKEN,
    ratePerSecond: 1000,
    concurrency: 4,
    timeoutMs: 5_000,
    maxAttempts: 6,
    popActions: {},
    ...over,
  };
}

/** A logger whose lines (JSON, debug and up) are kept for the test to read. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  return { logger, lines };
}

/** Client options for tests: retries after a millisecond or two, not seconds. */
export const FAST_RETRY = { backoffBaseMs: 2, backoffCapMs: 10 };
