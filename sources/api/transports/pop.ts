// Alibaba Cloud's RPC (POP) style: a form POST to the endpoint's root with Action, the common parameters
// and an HMAC-SHA1 Signature over all of them; errors come as {RequestId, HostId, Code, Message}.
import crypto from 'node:crypto';
import { classify, type CallInfo } from '../errors.js';
import { statusOf } from '../http.js';
import { popSignature } from '../signing.js';
import type { Attempt, SendOptions, Transport, TransportDeps } from '../transport.js';
import type { ApiOperation } from '../../../lib/api-operations.js';

/** The API version Cloud Hub's RPC endpoint is called with. */
export const POP_VERSION = '2020-07-01';

export function createPopTransport(deps: TransportDeps): Transport {
  const { target, http } = deps;
  return {
    async send(op: ApiOperation, form: Readonly<Record<string, string>>, opts: SendOptions): Promise<Attempt> {
      const action = target.popActions[op.name] ?? op.popAction;
      const sent = await http.postForm(`${target.baseUrl}/`, () => {
        const params: Record<string, string> = {
          ...form,
          Action: action,
          Format: 'JSON',
          Version: POP_VERSION,
          AccessKeyId: target.appKey,
          SignatureMethod: 'HMAC-SHA1',
          SignatureVersion: '1.0',
          SignatureNonce: crypto.randomUUID(),
          Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        };
        params.Signature = popSignature(target.appSecret, 'POST', params);
        return params;
      }, 'call', opts.signal);
      const info: CallInfo = {
        operation: op.name, appKey: target.appKey, transport: 'pop', baseUrl: target.baseUrl, timeoutMs: target.timeoutMs,
        secrets: [target.appSecret], ...(opts.requireKey !== undefined ? { requireKey: opts.requireKey } : {}),
      };
      return { outcome: classify(sent.exchange, info), status: statusOf(sent.exchange), ms: sent.ms };
    },
  };
}
