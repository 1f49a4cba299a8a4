// Alibaba Cloud's RPC (POP) transport: GET query or form POST to `/` with Action, Format=JSON, Version,
// AccessKeyId, SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, SignatureNonce, Timestamp and Signature
// (checked over every other parameter with the method as received; a nonce works once). Answers are the
// gateway's JSON plus "RequestId"; errors are HTTP 4xx/5xx {RequestId, HostId, Code, Message}. POP signs
// with the app key and secret alone: no access token.
import { POP } from '../../api/gateway-codes.js';
import { OPERATIONS } from '../../../lib/api-operations.js';
import { popSignature, sameSignature } from '../../api/signing.js';
import type { ApiCredentials, NonceBook } from './auth.js';
import { appendMember, jsonString } from './json-text.js';
import type { ApiRequest, Decoded, Refusal, RefusalKind, Transport } from './operation.js';

/** POP's own parameters, in the order their absence is reported. */
const REQUIRED = ['Action', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature'] as const;
const OWN = new Set<string>([...REQUIRED, 'Format', 'RegionId']);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

const CODES: Record<RefusalKind, { code: string; status: number }> = {
  appKeyNotExist: POP.accessKeyNotFound,
  signatureInvalid: POP.signatureDoesNotMatch,
  missingParameter: POP.missingParameter,
  invalidParameter: POP.invalidParameter,
  nonceUsed: POP.signatureNonceUsed,
  accessTokenInvalid: POP.forbidden,
  accessTokenExpired: POP.forbidden,
  apiNotExist: POP.actionNotFound,
  frequencyLimit: POP.throttling,
  internal: POP.internal,
  unavailable: POP.serviceUnavailable,
  // POP has no timeout code of its own: a gateway timeout (504) says ServiceUnavailable.
  timeout: { code: POP.serviceUnavailable.code, status: 504 },
};

const refuse = (refused: RefusalKind, message: string): Refusal => ({ refused, message });

/**
 * Action name → operation: each operation's default POP action (lib/api-operations.ts), replaced by
 * `overrides` (operation name → action name) where given.
 */
export function popActions(overrides: Readonly<Record<string, string>> = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const op of OPERATIONS.values()) out.set(overrides[op.name] ?? op.popAction, op.name);
  return out;
}

export function popTransport(creds: ApiCredentials, nonces: NonceBook, actions: ReadonlyMap<string, string>, handled: (op: string) => boolean): Transport {
  return {
    name: 'pop',
    decode(req: ApiRequest): Decoded | Refusal {
      const p = req.params;
      for (const name of REQUIRED) if (p[name] === undefined || p[name] === '') return refuse('missingParameter', `${name} is required`);
      if (!sameSignature(p.AccessKeyId!, creds.appKey)) return refuse('appKeyNotExist', `AccessKeyId ${p.AccessKeyId!.slice(0, 64)} does not exist`);
      if (p.SignatureMethod !== 'HMAC-SHA1') return refuse('invalidParameter', `SignatureMethod ${p.SignatureMethod!.slice(0, 40)} is not supported; use HMAC-SHA1`);
      if (p.SignatureVersion !== '1.0') return refuse('invalidParameter', `SignatureVersion ${p.SignatureVersion!.slice(0, 40)} is not supported; use 1.0`);
      const { Signature: signature, ...signed } = p;
      if (!sameSignature(signature!, popSignature(creds.appSecret, req.method, signed))) {
        return refuse('signatureInvalid', 'the Signature does not match the request (signed string: METHOD&%2F&canonical query)');
      }
      if (!TIMESTAMP.test(p.Timestamp!)) return refuse('invalidParameter', `Timestamp ${p.Timestamp!.slice(0, 40)} is not yyyy-MM-ddTHH:mm:ssZ (UTC)`);
      if ((p.Format ?? 'XML').toUpperCase() !== 'JSON') return refuse('invalidParameter', 'Format: this endpoint answers JSON only; send Format=JSON');
      if (!nonces.use(p.SignatureNonce!)) return refuse('nonceUsed', `SignatureNonce ${p.SignatureNonce!.slice(0, 64)} has been used before`);
      const op = actions.get(p.Action!);
      if (op === undefined || !handled(op)) return refuse('apiNotExist', `Action ${p.Action!.slice(0, 64)} does not exist`);
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(p)) if (!OWN.has(k)) params[k] = v;
      return { op, params };
    },
    named(req) {
      const action = req.params.Action;
      return action === undefined ? '(unknown)' : (actions.get(action) ?? action);
    },
    refusal(r, requestId, req) {
      const { code, status } = CODES[r.refused];
      return { status, code, body: JSON.stringify({ RequestId: requestId, HostId: req.host, Code: code, Message: r.message }) };
    },
    success(body, requestId) {
      return appendMember(body, 'RequestId', jsonString(requestId));
    },
  };
}
