// Who may see the dashboard and who may change queues: credentials from the environment, checked per request.
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { UsageError } from '../../lib/errors.js';

export type Credentials =
  | { kind: 'token'; token: string }
  | { kind: 'basic'; user: string; password: string };

/** HUB_DASHBOARD_TOKEN (bearer) wins over HUB_DASHBOARD_USER/HUB_DASHBOARD_PASSWORD (basic); null when neither is set. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | null {
  const token = env.HUB_DASHBOARD_TOKEN?.trim();
  if (token) return { kind: 'token', token };
  const user = env.HUB_DASHBOARD_USER?.trim();
  const password = env.HUB_DASHBOARD_PASSWORD;
  if (user && password) return { kind: 'basic', user, password };
  if (user || password) throw new UsageError('dashboard: set both HUB_DASHBOARD_USER and HUB_DASHBOARD_PASSWORD (or HUB_DASHBOARD_TOKEN)');
  return null;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Refuses a host reachable from other machines unless credentials are configured. */
export function checkExposure(host: string, creds: Credentials | null): void {
  if (!isLoopback(host) && !creds) {
    throw new UsageError(`dashboard: refusing to listen on ${host} without credentials; set HUB_DASHBOARD_TOKEN (or HUB_DASHBOARD_USER and HUB_DASHBOARD_PASSWORD), or keep the default --host 127.0.0.1`);
  }
}

// Equal-length digests, so that the comparison takes the same time whatever the guess.
const same = (a: string, b: string) =>
  crypto.timingSafeEqual(crypto.createHash('sha256').update(a).digest(), crypto.createHash('sha256').update(b).digest());

export function authorized(req: Request, creds: Credentials): boolean {
  const header = req.headers.authorization ?? '';
  if (creds.kind === 'token') {
    const m = /^Bearer\s+(.+)$/i.exec(header);
    return !!m && same(m[1]!.trim(), creds.token);
  }
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return false;
  const text = Buffer.from(m[1]!.trim(), 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return false;
  // Both compared, always, so that a right user name is not told apart by timing.
  const okUser = same(text.slice(0, i), creds.user);
  const okPassword = same(text.slice(i + 1), creds.password);
  return okUser && okPassword;
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * With credentials: every request must carry them (the pages show business data too).
 * Without credentials (loopback only): reading is open, and every request that would change a queue
 * is refused with 401, so an unauthenticated dashboard can never retry, clean or remove jobs.
 */
export function guard(creds: Credentials | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (creds) {
      if (authorized(req, creds)) return next();
      if (creds.kind === 'basic') res.setHeader('WWW-Authenticate', 'Basic realm="hub-etl dashboard", charset="UTF-8"');
      else res.setHeader('WWW-Authenticate', 'Bearer realm="hub-etl dashboard"');
      res.status(401).type('text/plain').send('hub-etl dashboard: credentials required\n');
      return;
    }
    if (CHANGES.has(req.method)) {
      res.status(401).type('text/plain').send('hub-etl dashboard: actions need credentials; set HUB_DASHBOARD_TOKEN (or HUB_DASHBOARD_USER and HUB_DASHBOARD_PASSWORD)\n');
      return;
    }
    next();
  };
}
