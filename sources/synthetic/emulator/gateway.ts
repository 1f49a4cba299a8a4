// The 1688 gateway transport: form POST (or GET query) to /openapi/param2/1/{namespace}/{api}/{appKey},
// signed with _aop_signature; errors as HTTP 4xx/5xx {error_code, error_message, request_id}; and the
// token endpoint, /openapi/param2/1/system.oauth2/getToken/{appKey} (OAuth2-style answers).
import { GATEWAY, OAUTH } from '../../api/gateway-codes.js';
import { gatewayPath, operationNamed, TOKEN_API, TOKEN_PATH_NAMESPACE } from '../../../lib/api-operations.js';
import { aopSignature, sameSignature } from '../../api/signing.js';
import type { ApiCredentials, TokenBook } from './auth.js';
import type { ApiRequest, Decoded, Refusal, RefusalKind, Transport } from './operation.js';
import type { SellerInfo } from './store.js';

const PATH = /^\/openapi\/param2\/1\/([^/]+)\/([^/]+)\/([^/]+)$/;

/** The gateway's own parameters, which operations never see. */
const OWN = new Set(['_aop_signature', '_aop_timestamp', 'access_token']);

/** Operations callable without an access token: the gateway clock (as on the real gateway). */
const NO_TOKEN = new Set(['currentTime']);

const CODES: Record<RefusalKind, { code: string; status: number }> = {
  appKeyNotExist: GATEWAY.appKeyNotExist,
  signatureInvalid: GATEWAY.signatureInvalid,
  missingParameter: GATEWAY.missingParameter,
  invalidParameter: GATEWAY.missingParameter,
  nonceUsed: GATEWAY.signatureInvalid,
  accessTokenInvalid: GATEWAY.accessTokenInvalid,
  accessTokenExpired: GATEWAY.accessTokenExpired,
  apiNotExist: GATEWAY.apiNotExist,
  frequencyLimit: GATEWAY.frequencyLimit,
  internal: GATEWAY.internal,
  // The gateway has no code of its own for an overloaded backend: 503 with its internal error code.
  unavailable: { code: GATEWAY.internal.code, status: 503 },
  timeout: GATEWAY.ispTimeout,
};

const refuse = (refused: RefusalKind, message: string): Refusal => ({ refused, message });

/** The token endpoint's path for a request, or null. */
export function isTokenPath(path: string): boolean {
  const m = PATH.exec(path);
  return m !== null && m[1] === TOKEN_PATH_NAMESPACE && m[2] === TOKEN_API;
}

export function gatewayTransport(creds: ApiCredentials, tokens: TokenBook, handled: (op: string) => boolean): Transport {
  return {
    name: 'gateway',
    decode(req: ApiRequest): Decoded | Refusal {
      const m = PATH.exec(req.path);
      if (!m) return refuse('apiNotExist', `no API at ${req.path.slice(0, 200)}; expected /openapi/param2/1/{namespace}/{api}/{appKey}`);
      const [, namespace, api, appKey] = m as unknown as [string, string, string, string];
      if (!sameSignature(appKey, creds.appKey)) return refuse('appKeyNotExist', `app key ${appKey.slice(0, 64)} does not exist`);
      const op = operationNamed(api);
      if (!op || op.namespace !== namespace || !handled(op.name)) return refuse('apiNotExist', `API ${namespace}/${api} does not exist`);
      const p = req.params;
      const signature = p._aop_signature;
      if (signature === undefined || signature === '') return refuse('missingParameter', '_aop_signature is required');
      const { _aop_signature: _drop, ...signed } = p;
      const expected = aopSignature(creds.appSecret, gatewayPath(op, appKey), signed);
      if (!sameSignature(signature.toUpperCase(), expected)) return refuse('signatureInvalid', 'the _aop_signature does not match the request');
      if (p._aop_timestamp === undefined || p._aop_timestamp === '') return refuse('missingParameter', '_aop_timestamp is required');
      if (!NO_TOKEN.has(op.name)) {
        const state = tokens.check(p.access_token);
        if (state === 'missing') return refuse('accessTokenInvalid', 'access_token is required');
        if (state === 'invalid') return refuse('accessTokenInvalid', 'the access_token is not valid');
        if (state === 'expired') return refuse('accessTokenExpired', 'the access_token has expired; refresh it');
      }
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(p)) if (!OWN.has(k)) params[k] = v;
      return { op: op.name, params };
    },
    named(req) {
      return PATH.exec(req.path)?.[2] ?? '(unknown)';
    },
    refusal(r, requestId) {
      const { code, status } = CODES[r.refused];
      return { status, code, body: JSON.stringify({ error_code: code, error_message: r.message, request_id: requestId }) };
    },
    success(body) {
      return body;
    },
  };
}

/**
 * POST /openapi/param2/1/system.oauth2/getToken/{appKey} with grant_type=refresh_token, client_id,
 * client_secret and refresh_token: a new access token (the refresh token stays the same), or an OAuth2
 * error {"error","error_description"} with HTTP 401 (client) or 400 (grant).
 */
export function refreshToken(req: ApiRequest, creds: ApiCredentials, tokens: TokenBook, seller: SellerInfo): { status: number; body: string; code: string } {
  const p = req.params;
  const appKey = PATH.exec(req.path)?.[3] ?? '';
  const fail = (status: number, error: string, description: string) => ({ status, code: error, body: JSON.stringify({ error, error_description: description }) });
  if (!sameSignature(appKey, creds.appKey) || !sameSignature(p.client_id ?? '', creds.appKey)) return fail(401, OAUTH.invalidClient, 'unknown client_id or app key');
  if (!sameSignature(p.client_secret ?? '', creds.appSecret)) return fail(401, OAUTH.invalidClient, 'client_secret does not match');
  if (p.grant_type !== 'refresh_token') return fail(400, OAUTH.invalidGrant, 'grant_type must be refresh_token');
  const issued = tokens.refresh(p.refresh_token ?? '');
  if (!issued) return fail(400, OAUTH.invalidGrant, 'refresh_token is not valid');
  const aliId = /^b2b-(\d+)/.exec(seller.memberId)?.[1] ?? '0';
  return {
    status: 200,
    code: 'ok',
    body: JSON.stringify({
      access_token: issued.accessToken, refresh_token: creds.refreshToken, expires_in: String(issued.expiresInS),
      aliId, resource_owner: seller.loginId, memberId: seller.memberId,
    }),
  };
}
