// classify(): the one decision on an API exchange, table-driven; and how the rest of hub-etl reads an ApiError.
import test from 'ava';
import { exitCodeFor, isRetriable, sourceError } from '../lib/errors.js';
import { ApiError, classify, type CallInfo, type Exchange } from '../sources/api/errors.js';

const INFO: CallInfo = { operation: 'alibaba.product.get', appKey: '1001', transport: 'aop', baseUrl: 'https://gw.example', timeoutMs: 30_000, secrets: ['S3cret-Value', 'Tok-Value-1'] };
const answer = (status: number, raw: string | object): Exchange => ({ kind: 'response', status, raw: typeof raw === 'string' ? raw : JSON.stringify(raw) });
const failure = (error: unknown, timedOut = false, aborted = false): Exchange => ({ kind: 'failure', error, timedOut, aborted });
const netError = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

const CASES: Array<{ title: string; ex: Exchange; info?: Partial<CallInfo>; kind: string; code: string; retriable: boolean; configFault?: boolean }> = [
  { title: 'a gateway error_code on HTTP 200', ex: answer(200, { error_code: 'gw.QosAppFrequencyLimit', error_message: 'x' }), kind: 'gateway', code: 'gw.QosAppFrequencyLimit', retriable: true },
  { title: 'an unknown gateway code on HTTP 400', ex: answer(400, { error_code: 'gw.Whatever', error_message: 'x' }), kind: 'gateway', code: 'gw.Whatever', retriable: false },
  { title: 'an unknown gateway code on HTTP 502', ex: answer(502, { error_code: 'gw.Whatever', error_message: 'x' }), kind: 'gateway', code: 'gw.Whatever', retriable: true },
  { title: 'a known fatal code even on HTTP 500', ex: answer(500, { error_code: 'gw.SignatureInvalid', error_message: 'x' }), kind: 'gateway', code: 'gw.SignatureInvalid', retriable: false, configFault: true },
  { title: 'a POP error', ex: answer(400, { RequestId: 'R', HostId: 'H', Code: 'InvalidParameter', Message: 'bad' }), info: { transport: 'pop' }, kind: 'pop', code: 'InvalidParameter', retriable: false },
  { title: 'POP throttling', ex: answer(400, { RequestId: 'R', HostId: 'H', Code: 'Throttling.Api', Message: 'slow' }), info: { transport: 'pop' }, kind: 'pop', code: 'Throttling.Api', retriable: true },
  { title: 'an HTML 502', ex: answer(502, '<html>bad gateway</html>'), kind: 'http', code: 'http.502', retriable: true },
  { title: 'a JSON 404 without an error shape', ex: answer(404, { nothing: 'here' }), kind: 'http', code: 'http.404', retriable: false },
  { title: 'a 408', ex: answer(408, ''), kind: 'http', code: 'http.408', retriable: true },
  { title: 'an empty 200', ex: answer(200, ''), kind: 'response', code: 'client.BadResponse', retriable: true },
  { title: 'a truncated 200', ex: answer(200, '{"result":[{"id":1},'), kind: 'response', code: 'client.BadResponse', retriable: true },
  { title: 'a retriable business code', ex: answer(200, { success: false, errorCode: 'isv.FrequencyLimit', errorMessage: 'x' }), kind: 'business', code: 'isv.FrequencyLimit', retriable: true },
  { title: 'a business failure without a code', ex: answer(200, { success: false, errorMessage: 'no idea' }), kind: 'business', code: 'client.BusinessError', retriable: false },
  { title: 'an OAuth refusal', ex: answer(400, { error: 'invalid_grant', error_description: 'x' }), info: { tokenEndpoint: true }, kind: 'oauth', code: 'invalid_grant', retriable: false, configFault: true },
  { title: 'an OAuth refusal on HTTP 200', ex: answer(200, { error: 'invalid_grant' }), info: { tokenEndpoint: true }, kind: 'oauth', code: 'invalid_grant', retriable: false, configFault: true },
  { title: 'an OAuth server fault', ex: answer(503, { error: 'server_error' }), info: { tokenEndpoint: true }, kind: 'oauth', code: 'server_error', retriable: true },
  { title: 'an error field outside the token endpoint', ex: answer(401, { error: 'invalid_token' }), kind: 'http', code: 'http.401', retriable: false },
  { title: 'a refused connection', ex: failure(netError('ECONNREFUSED')), kind: 'network', code: 'client.NetworkError', retriable: true },
  { title: 'a reset connection', ex: failure(netError('UND_ERR_SOCKET')), kind: 'network', code: 'client.NetworkError', retriable: true },
  { title: 'a certificate problem', ex: failure(netError('CERT_HAS_EXPIRED')), kind: 'network', code: 'client.NetworkError', retriable: false },
  { title: 'a timeout', ex: failure(new Error('aborted'), true), kind: 'timeout', code: 'client.Timeout', retriable: true },
  { title: 'a cancelled call', ex: failure(new Error('aborted'), false, true), kind: 'aborted', code: 'client.Aborted', retriable: false },
];

for (const c of CASES) {
  test(`classify: ${c.title}`, (t) => {
    const out = classify(c.ex, { ...INFO, ...c.info });
    if (out.ok) return t.fail('expected an error');
    t.like(out.error, { kind: c.kind, code: c.code, retriable: c.retriable, configFault: c.configFault ?? false, operation: INFO.operation });
    t.is(isRetriable(out.error), c.retriable);
  });
}

test('classify keeps the raw text and the lossless body of a success, and its RequestId', (t) => {
  const raw = '{"RequestId":"Q-1","result":{"id":240517803316129437}}';
  const out = classify(answer(200, raw), { ...INFO, requireKey: 'result' });
  t.true(out.ok);
  if (out.ok) t.deepEqual(out, { ok: true, raw, body: { RequestId: 'Q-1', result: { id: '240517803316129437' } }, requestId: 'Q-1' });
});

test('secret values the server echoes are scrubbed from the message and the detail', (t) => {
  const out = classify(answer(400, { error_code: 'gw.Other', error_message: 'token Tok-Value-1 with secret S3cret-Value' }), INFO);
  if (out.ok) return t.fail();
  t.is(out.error.detail, 'token *** with secret ***');
  t.false(out.error.message.includes('Tok-Value-1') || out.error.message.includes('S3cret-Value'));
});

test('the exit code is 2 for a configuration fault, also when wrapped, and 1 for other API errors', (t) => {
  const fault = new ApiError({ kind: 'gateway', code: 'gw.AppKeyNotExist', message: 'x', httpStatus: 400, operation: 'op', retriable: false, configFault: true });
  const other = new ApiError({ kind: 'http', code: 'http.404', message: 'x', httpStatus: 404, operation: 'op', retriable: false });
  t.is(exitCodeFor(fault), 2);
  t.is(exitCodeFor(sourceError('reading orders', fault)), 2);
  t.is(exitCodeFor(other), 1);
});
