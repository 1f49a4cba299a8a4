// The 1688 gateway: a form POST to openapi/param2/1/{namespace}/{api}/{appKey} carrying access_token,
// _aop_timestamp and _aop_signature. An expired access token is refreshed once (every call that saw it
// expire waits for the same refresh) and the call resent with the new token.
import { ApiError, classify, CLIENT_CODES, type CallInfo, type Outcome } from '../errors.js';
import { GATEWAY } from '../gateway-codes.js';
import { statusOf } from '../http.js';
import { gatewayPath, TOKEN_API, TOKEN_PATH_NAMESPACE, type ApiOperation } from '../../../lib/api-operations.js';
import { aopSignature } from '../signing.js';
import type { Attempt, SendOptions, Transport, TransportDeps } from '../transport.js';

/** The operation name under which token refreshes are reported. */
export const TOKEN_OPERATION = `${TOKEN_PATH_NAMESPACE}.${TOKEN_API}`;

export function createAopTransport(deps: TransportDeps): Transport {
  return new AopTransport(deps);
}

class AopTransport implements Transport {
  private accessToken: string | null;
  private refreshToken: string | null;
  /** The refresh under way, shared by every call that saw the same token expire. */
  private refreshing: Promise<Attempt | undefined> | undefined;
  /** Every token this process has held: none may be quoted in an error. */
  private readonly secrets: string[];

  constructor(private readonly deps: TransportDeps) {
    const t = deps.target;
    this.accessToken = t.accessToken;
    this.refreshToken = t.refreshToken;
    this.secrets = [t.appSecret, ...[t.accessToken, t.refreshToken].filter((s): s is string => s !== null)];
  }

  async send(op: ApiOperation, form: Readonly<Record<string, string>>, opts: SendOptions): Promise<Attempt> {
    // No access token but a refresh token: get one before the first call.
    if (this.accessToken === null && this.refreshToken !== null) {
      const failed = await this.refreshOnce(null);
      if (failed) return failed;
    }
    const first = await this.once(op, form, opts);
    if (!expired(first)) return first;
    if (this.refreshToken === null) {
      return this.fail(first, CLIENT_CODES.noRefreshToken, true,
        `${op.name}: the access token of app key ${this.deps.target.appKey} has expired and no refresh token is configured: set HUB_API_REFRESH_TOKEN (or a new HUB_API_ACCESS_TOKEN)`);
    }
    const failed = await this.refreshOnce(first.token);
    if (failed) return failed;
    const second = await this.once(op, form, opts);
    if (!expired(second)) return second;
    return this.fail(second, GATEWAY.accessTokenExpired.code, false,
      `${op.name}: the 1688 gateway still reports the access token of app key ${this.deps.target.appKey} expired right after refreshing it; check this machine's clock`);
  }

  private async once(op: ApiOperation, form: Readonly<Record<string, string>>, opts: SendOptions): Promise<Attempt & { token: string | null }> {
    const { target, http } = this.deps;
    const path = gatewayPath(op, target.appKey);
    let token: string | null = null;
    const sent = await http.postForm(`${target.baseUrl}/openapi/${path}`, () => {
      // Read at the moment the request leaves the rate gate, so a refresh finished meanwhile is used.
      token = this.accessToken;
      const params: Record<string, string> = { ...form, ...(token !== null ? { access_token: token } : {}), _aop_timestamp: String(Date.now()) };
      params._aop_signature = aopSignature(target.appSecret, path, params);
      return params;
    }, 'call', opts.signal);
    return { outcome: classify(sent.exchange, this.info(op.name, opts.requireKey)), status: statusOf(sent.exchange), ms: sent.ms, token };
  }

  /** Refreshes unless another call already replaced the token `used`; resolves with the failed attempt, or undefined. */
  private refreshOnce(used: string | null): Promise<Attempt | undefined> {
    if (this.accessToken !== used) return Promise.resolve(undefined);
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<Attempt | undefined> {
    const { target, http, logger, closing } = this.deps;
    const url = `${target.baseUrl}/openapi/param2/1/${TOKEN_PATH_NAMESPACE}/${TOKEN_API}/${target.appKey}`;
    const sent = await http.postForm(url, () => ({
      grant_type: 'refresh_token',
      client_id: target.appKey,
      client_secret: target.appSecret,
      refresh_token: this.refreshToken!,
    }), 'refresh', closing);
    const status = statusOf(sent.exchange);
    const outcome = classify(sent.exchange, { ...this.info(TOKEN_OPERATION, 'access_token'), tokenEndpoint: true });
    if (!outcome.ok) {
      const e = outcome.error;
      logger.warn('api token refresh failed', { appKey: target.appKey, status, code: e.code, retriable: e.retriable });
      if (e.kind === 'oauth' || e.retriable) return { outcome, status, ms: sent.ms };
      return this.fail({ outcome, status, ms: sent.ms }, e.code, e.configFault,
        `refreshing the access token of app key ${target.appKey} failed: ${e.message}`);
    }
    const body = outcome.body as Record<string, unknown>;
    const access = typeof body.access_token === 'string' ? body.access_token.trim() : '';
    if (access === '') {
      return this.fail({ outcome, status, ms: sent.ms }, CLIENT_CODES.badResponse, false,
        `refreshing the access token of app key ${target.appKey}: the answer's access_token is empty or not text`);
    }
    this.accessToken = access;
    this.secrets.push(access);
    const rotated = typeof body.refresh_token === 'string' && body.refresh_token.trim() !== '' && body.refresh_token.trim() !== this.refreshToken;
    if (rotated) {
      this.refreshToken = (body.refresh_token as string).trim();
      this.secrets.push(this.refreshToken);
      logger.warn('the 1688 gateway issued a new refresh token; this process uses it, later runs need it in HUB_API_REFRESH_TOKEN (get it by re-authorising the app)', { appKey: target.appKey });
    }
    logger.info('api access token refreshed', { appKey: target.appKey, expiresInSeconds: typeof body.expires_in === 'string' ? Number(body.expires_in) : undefined, ms: Math.round(sent.ms) });
    return undefined;
  }

  private fail(a: Attempt, code: string, configFault: boolean, message: string): Attempt {
    const prior = a.outcome.ok ? undefined : a.outcome.error;
    const error = new ApiError({
      kind: prior?.kind ?? 'response',
      code,
      message,
      httpStatus: a.status,
      operation: prior?.operation ?? TOKEN_OPERATION,
      retriable: false,
      configFault,
      ...(prior ? { cause: prior, detail: prior.detail } : {}),
    });
    return { outcome: { ok: false, error } satisfies Outcome, status: a.status, ms: a.ms };
  }

  private info(operation: string, requireKey?: string): CallInfo {
    const t = this.deps.target;
    return {
      operation, appKey: t.appKey, transport: 'aop', baseUrl: t.baseUrl, timeoutMs: t.timeoutMs, secrets: this.secrets,
      ...(requireKey !== undefined ? { requireKey } : {}),
    };
  }
}

function expired(a: Attempt): boolean {
  return !a.outcome.ok && a.outcome.error.code === GATEWAY.accessTokenExpired.code;
}
