// Who may call the emulator: exactly one app (key and secret), its access tokens (the configured one,
// issued at start, and those a refresh issues, each expiring a set time after issue) and its refresh
// token; and POP's replay guard, the nonces already used. Secrets are compared, never logged.
import crypto from 'node:crypto';
import { sameSignature } from '../../api/signing.js';

export interface ApiCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  refreshToken: string;
}

/** What the emulator accepts when no credentials are configured (printed at start, documented in the README). */
export const DEMO_CREDENTIALS: Readonly<ApiCredentials> = {
  appKey: 'demo-app',
  appSecret: 'demo-secret',
  accessToken: 'demo-access-token',
  refreshToken: 'demo-refresh-token',
};

/** Lifetime the token endpoint announces when tokens never expire here (the platform's usual 10 hours). */
const DEFAULT_EXPIRES_IN_S = 36_000;

export type TokenState = 'ok' | 'missing' | 'invalid' | 'expired';

export class TokenBook {
  /** Access token → instant it expires (Infinity: never). */
  private readonly tokens = new Map<string, number>();
  issued = 0;

  constructor(
    private readonly creds: ApiCredentials,
    private readonly expireAfterMs: number | null,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens.set(creds.accessToken, this.expiry());
  }

  private expiry(): number {
    return this.expireAfterMs === null ? Infinity : this.now() + this.expireAfterMs;
  }

  check(token: string | undefined): TokenState {
    if (token === undefined || token === '') return 'missing';
    const until = this.tokens.get(token);
    if (until === undefined) return 'invalid';
    return this.now() >= until ? 'expired' : 'ok';
  }

  /** A new access token for the refresh token, or null when it is not the app's. Earlier tokens live on until they expire. */
  refresh(refreshToken: string): { accessToken: string; expiresInS: number } | null {
    if (!sameSignature(refreshToken, this.creds.refreshToken)) return null;
    const accessToken = `emu-${crypto.randomBytes(16).toString('hex')}`;
    this.tokens.set(accessToken, this.expiry());
    this.issued++;
    return { accessToken, expiresInS: this.expireAfterMs === null ? DEFAULT_EXPIRES_IN_S : Math.max(1, Math.round(this.expireAfterMs / 1000)) };
  }
}

/** How long POP remembers a SignatureNonce (requests are only valid for about that long). */
const NONCE_TTL_MS = 15 * 60_000;

export class NonceBook {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True the first time a nonce is used (within the TTL), false for a replay. */
  use(nonce: string): boolean {
    const t = this.now();
    if (this.seen.size > 10_000) for (const [n, at] of this.seen) if (t - at > NONCE_TTL_MS) this.seen.delete(n);
    const at = this.seen.get(nonce);
    if (at !== undefined && t - at <= NONCE_TTL_MS) return false;
    this.seen.set(nonce, t);
    return true;
  }
}
