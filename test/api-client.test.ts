// The API client against a real HTTP server that verifies every signature: both transports, the token
// refresh, retries, fatal errors, business errors, exact ids, the rate limit and the concurrency cap.
import test from 'ava';
import { exitCodeFor } from '../lib/errors.js';
import { createApiClient } from '../sources/api/client.js';
import { ApiError, isBusinessCode } from '../sources/api/errors.js';
import { BUSINESS, GATEWAY, POP } from '../sources/api/gateway-codes.js';
import { rawArrayItems, rawValueAt } from '../sources/api/raw-json.js';
import { ACCESS_TOKEN, APP_KEY, APP_SECRET, REFRESH_TOKEN, apiTarget, captureLogger, FAST_RETRY, fakeApi } from './api-helpers.js';

const ORDER = 'alibaba.trade.get.sellerView';
const BIG_ID = '240517803316129437';
const ORDER_ANSWER = `{"success":true,"result":{"baseInfo":{"id":${BIG_ID},"idOfStr":"${BIG_ID}","totalAmount":12.30},"productItems":[{"subItemID":${BIG_ID}1,"name":"扳手 \\"A\\""},{"subItemID":2}]}}`;
const SECRETS = [APP_SECRET, ACCESS_TOKEN, REFRESH_TOKEN];

function noSecretIn(text: string): boolean {
  return SECRETS.every((s) => !text.includes(s));
}

test('a gateway call is a form POST signed with _aop_signature that the server verifies, and its ids stay exact', async (t) => {
  const api = await fakeApi(t, () => ({ body: ORDER_ANSWER }));
  const client = createApiClient(apiTarget(api.base), captureLogger().logger);
  const before = Date.now();
  const r = await client.call(ORDER, { orderId: BIG_ID, webSite: '1688', includeFields: ['baseInfo', 'productItems'], page: 1, big: 240517803316129437n, skip: undefined }, { requireKey: 'result' });
  const seen = api.seen[0]!;
  t.is(api.seen.length, 1);
  t.true(seen.signatureOk);
  t.is(seen.kind, 'aop');
  t.is(seen.path, `param2/1/com.alibaba.trade/${ORDER}/${APP_KEY}`);
  t.regex(seen.contentType, /^application\/x-www-form-urlencoded/);
  t.like(seen.params, { orderId: BIG_ID, webSite: '1688', includeFields: '["baseInfo","productItems"]', page: '1', big: BIG_ID, access_token: ACCESS_TOKEN });
  t.false('skip' in seen.params);
  t.true(Number(seen.params._aop_timestamp) >= before && Number(seen.params._aop_timestamp) <= Date.now());
  t.regex(seen.params._aop_signature!, /^[0-9A-F]{40}$/);
  t.is(r.raw, ORDER_ANSWER);
  const result = (r.body as { result: { baseInfo: { id: string; totalAmount: string } } }).result;
  t.is(result.baseInfo.id, BIG_ID);
  t.is(result.baseInfo.totalAmount, '12.30');
  t.is(rawValueAt(r.raw, ['result', 'baseInfo', 'id']), BIG_ID);
  t.is(rawValueAt(r.raw, ['result', 'productItems', 0, 'subItemID']), `${BIG_ID}1`);
  t.deepEqual(rawArrayItems(r.raw, ['result', 'productItems']), [`{"subItemID":${BIG_ID}1,"name":"扳手 \\"A\\""}`, '{"subItemID":2}']);
  t.deepEqual(client.stats(), { calls: 1, retries: 0, throttled: 0, failures: 0, refreshes: 0 });
});

test('a POP call carries Action, the common parameters and a Signature that the server verifies', async (t) => {
  const api = await fakeApi(t, (req) => ({ body: `{"RequestId":"REQ-${req.params.Action}","success":"true","result":{"id":${BIG_ID}}}` }));
  const target = apiTarget(api.base, { transport: 'pop', popActions: { 'alibaba.product.get': 'DescribeProduct' } });
  const client = createApiClient(target, captureLogger().logger);
  const r1 = await client.call(ORDER, { orderId: BIG_ID, note: 'a b*c~中文' });
  const r2 = await client.call('alibaba.product.get', { productID: '1' }, { requireKey: 'result' });
  t.true(api.seen.every((s) => s.signatureOk && s.kind === 'pop' && s.path === '/'));
  const [p1, p2] = api.seen.map((s) => s.params);
  t.like(p1, { Action: 'GetSellerOrder', Format: 'JSON', Version: '2020-07-01', AccessKeyId: APP_KEY, SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', orderId: BIG_ID, note: 'a b*c~中文' });
  t.is(p2!.Action, 'DescribeProduct');
  t.regex(p1!.SignatureNonce!, /^[0-9a-f-]{36}$/);
  t.not(p1!.SignatureNonce, p2!.SignatureNonce);
  t.regex(p1!.Timestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  t.false('access_token' in p1!);
  t.is(r1.requestId, 'REQ-GetSellerOrder');
  t.is(rawValueAt(r2.raw, ['result', 'id']), BIG_ID);
  t.is((r2.body as { result: { id: string } }).result.id, BIG_ID);
});

test('an expired access token is refreshed once for all concurrent calls, which then succeed with the new token', async (t) => {
  const api = await fakeApi(t, (req) => {
    if (req.kind === 'token') return { delayMs: 50, body: { access_token: 'access-token-New-33333333', expires_in: 36000, aliId: '1', resource_owner: 'x' } };
    if (req.params.access_token === ACCESS_TOKEN) return { status: GATEWAY.accessTokenExpired.status, body: { error_code: GATEWAY.accessTokenExpired.code, error_message: 'access token expired' } };
    return { body: `{"success":true,"result":{"orderId":"${req.params.orderId}"}}` };
  });
  const { logger, lines } = captureLogger();
  const client = createApiClient(apiTarget(api.base, { concurrency: 5 }), logger);
  const results = await Promise.all([1, 2, 3, 4, 5].map((n) => client.call(ORDER, { orderId: String(n) }, { requireKey: 'result' })));
  t.deepEqual(results.map((r) => rawValueAt(r.raw, ['result', 'orderId'])), ['"1"', '"2"', '"3"', '"4"', '"5"']);
  const tokenCalls = api.seen.filter((s) => s.kind === 'token');
  t.is(tokenCalls.length, 1);
  t.like(tokenCalls[0]!.params, { grant_type: 'refresh_token', client_id: APP_KEY, refresh_token: REFRESH_TOKEN });
  t.is(tokenCalls[0]!.path, `param2/1/system.oauth2/getToken/${APP_KEY}`);
  t.is(api.seen.filter((s) => s.kind === 'aop' && s.params.access_token === 'access-token-New-33333333').length, 5);
  t.like(client.stats(), { refreshes: 1, calls: 10, failures: 0, retries: 0 });
  t.true(lines.every((l) => noSecretIn(l) && !l.includes('access-token-New')));
  // Later calls keep the new token: no second refresh.
  await client.call(ORDER, { orderId: '6' });
  t.is(api.seen.filter((s) => s.kind === 'token').length, 1);
});

test('with a refresh token but no access token, the client gets an access token before the first call', async (t) => {
  const api = await fakeApi(t, (req) => (req.kind === 'token' ? { body: { access_token: 'fresh-token-44444444', expires_in: '36000' } } : { body: { success: true, result: [] } }));
  const client = createApiClient(apiTarget(api.base, { accessToken: null }), captureLogger().logger);
  await client.call(ORDER, { orderId: '1' });
  t.deepEqual(api.seen.map((s) => s.kind), ['token', 'aop']);
  t.is(api.seen[1]!.params.access_token, 'fresh-token-44444444');
});

test('a refused refresh token is a fatal error naming the app key and what to do, with no secret or token in it', async (t) => {
  const api = await fakeApi(t, (req) => req.kind === 'token'
    ? { status: 401, body: { error: 'invalid_grant', error_description: `refresh token ${REFRESH_TOKEN} is expired` } }
    : { status: 401, body: { error_code: GATEWAY.accessTokenExpired.code, error_message: 'expired' } });
  const { logger, lines } = captureLogger();
  const client = createApiClient(apiTarget(api.base), logger, FAST_RETRY);
  const err = await t.throwsAsync(client.call(ORDER, { orderId: '1' }), { instanceOf: ApiError });
  t.regex(err!.message, new RegExp(`refused the refresh token of app key ${APP_KEY}`));
  t.regex(err!.message, /re-authorise the app.*HUB_API_REFRESH_TOKEN/);
  t.true(noSecretIn(err!.message), err!.message);
  t.false(err!.retriable);
  t.is(exitCodeFor(err), 2);
  t.deepEqual(api.seen.map((s) => s.kind), ['aop', 'token']);
  t.like(client.stats(), { calls: 1, refreshes: 1, failures: 1 });
  t.true(lines.every(noSecretIn));
});

test('an expired token without a refresh token says to set HUB_API_REFRESH_TOKEN', async (t) => {
  const api = await fakeApi(t, () => ({ status: 401, body: { error_code: GATEWAY.accessTokenExpired.code, error_message: 'expired' } }));
  const client = createApiClient(apiTarget(api.base, { refreshToken: null }), captureLogger().logger);
  const err = await t.throwsAsync(client.call(ORDER, { orderId: '1' }), { instanceOf: ApiError });
  t.regex(err!.message, /no refresh token is configured: set HUB_API_REFRESH_TOKEN/);
  t.is(api.seen.length, 1);
  t.is(exitCodeFor(err), 2);
});

test('server errors, throttling, a reset, a truncated answer and a timeout are retried, counted, and then the call succeeds', async (t) => {
  const script = [
    { status: 500, body: { error_code: GATEWAY.internal.code, error_message: 'boom' } },
    { status: 429, body: { error_code: GATEWAY.frequencyLimit.code, error_message: 'slow down' } },
    { status: 200, body: '{"success":true,"result":{"id":2405178' },
    { status: 200, body: '<html>gateway busy</html>' },
    { hangUp: true },
    { delayMs: 1500, body: { success: true, result: { late: true } } },
    { status: 504, body: { error_code: GATEWAY.ispTimeout.code, error_message: 'isp timeout' } },
    { status: 503, body: 'Service Unavailable' },
    { body: { success: true, result: { ok: true } } },
  ];
  const api = await fakeApi(t, (_req, n) => script[n]!);
  const { logger, lines } = captureLogger();
  const client = createApiClient(apiTarget(api.base, { timeoutMs: 1000, maxAttempts: 9 }), logger, FAST_RETRY);
  const r = await client.call(ORDER, { orderId: '1' }, { requireKey: 'result' });
  t.is(r.raw, '{"success":true,"result":{"ok":true}}');
  t.deepEqual(client.stats(), { calls: 9, retries: 8, throttled: 1, failures: 0, refreshes: 0 });
  const retried = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === 'api call failed, retrying');
  t.deepEqual(retried.map((l) => l.code), ['gw.InternalError', 'gw.QosAppFrequencyLimit', 'client.BadResponse', 'client.BadResponse', 'client.NetworkError', 'client.Timeout', 'gw.ISPInvokeTimeout', 'http.503']);
});

test('POP throttling and unavailability are retried, and each failure is logged with RequestId, HostId, Code and Message', async (t) => {
  const script = [
    { status: 429, body: { RequestId: 'R-1', HostId: 'hub.aliyuncs.com', Code: POP.throttling.code, Message: 'Request was denied due to user flow control.' } },
    { status: 503, body: { RequestId: 'R-2', HostId: 'hub.aliyuncs.com', Code: POP.serviceUnavailable.code, Message: 'try later' } },
    { body: { RequestId: 'R-3', success: true, result: {} } },
  ];
  const api = await fakeApi(t, (_req, n) => script[n]!);
  const { logger, lines } = captureLogger();
  const client = createApiClient(apiTarget(api.base, { transport: 'pop' }), logger, FAST_RETRY);
  const r = await client.call(ORDER, { orderId: '1' });
  t.is(r.requestId, 'R-3');
  t.like(client.stats(), { calls: 3, retries: 2, throttled: 1 });
  const first = JSON.parse(lines.find((l) => l.includes('R-1'))!) as Record<string, unknown>;
  t.like(first, { requestId: 'R-1', hostId: 'hub.aliyuncs.com', code: 'Throttling.User', detail: 'Request was denied due to user flow control.' });
});

test('a retriable failure that persists is given up after maxAttempts and stays retriable for a later run', async (t) => {
  const api = await fakeApi(t, () => ({ status: 502, body: 'bad gateway' }));
  const client = createApiClient(apiTarget(api.base, { maxAttempts: 3 }), captureLogger().logger, FAST_RETRY);
  const err = await t.throwsAsync(client.call(ORDER, {}), { instanceOf: ApiError });
  t.regex(err!.message, /HTTP 502.*gave up after 3 attempts/);
  t.true(err!.retriable);
  t.is(api.seen.length, 3);
  t.like(client.stats(), { calls: 3, retries: 2, failures: 1 });
});

const FATAL: Array<{ transport: 'aop' | 'pop'; code: string; status: number; body: object; fix: RegExp; exit: number }> = [
  { transport: 'aop', ...GATEWAY.signatureInvalid, body: { error_code: GATEWAY.signatureInvalid.code, error_message: `sign of ${APP_SECRET} mismatch` }, fix: new RegExp(`check HUB_API_APP_SECRET .*for app key ${APP_KEY}`), exit: 2 },
  { transport: 'aop', ...GATEWAY.appKeyNotExist, body: { error_code: GATEWAY.appKeyNotExist.code, error_message: 'no app' }, fix: new RegExp(`does not know app key ${APP_KEY}: check HUB_API_APP_KEY`), exit: 2 },
  { transport: 'aop', ...GATEWAY.aclDenied, body: { error_code: GATEWAY.aclDenied.code, error_message: 'acl' }, fix: new RegExp(`app key ${APP_KEY} lacks permission for operation ${ORDER.replace(/\./g, '\\.')}: apply for it on open\\.1688\\.com`), exit: 2 },
  { transport: 'aop', ...GATEWAY.accessTokenInvalid, body: { error_code: GATEWAY.accessTokenInvalid.code, error_message: `token ${ACCESS_TOKEN} invalid` }, fix: new RegExp(`the seller has not authorised app ${APP_KEY} or revoked its token`), exit: 2 },
  { transport: 'aop', ...GATEWAY.apiNotExist, body: { error_code: GATEWAY.apiNotExist.code, error_message: 'no api' }, fix: /no such operation/, exit: 1 },
  { transport: 'pop', ...POP.signatureDoesNotMatch, body: { RequestId: 'R', HostId: 'h', Code: POP.signatureDoesNotMatch.code, Message: 'x' }, fix: new RegExp(`check HUB_API_APP_SECRET .*for app key ${APP_KEY}`), exit: 2 },
  { transport: 'pop', ...POP.accessKeyNotFound, body: { RequestId: 'R', HostId: 'h', Code: POP.accessKeyNotFound.code, Message: 'x' }, fix: /check HUB_API_APP_KEY/, exit: 2 },
  { transport: 'pop', ...POP.forbidden, body: { RequestId: 'R', HostId: 'h', Code: POP.forbidden.code, Message: 'x' }, fix: /lacks permission for operation/, exit: 2 },
  { transport: 'pop', ...POP.actionNotFound, body: { RequestId: 'R', HostId: 'h', Code: POP.actionNotFound.code, Message: 'x' }, fix: /--pop-action alibaba\.trade\.get\.sellerView=ActionName/, exit: 2 },
];

for (const c of FATAL) {
  test(`${c.transport} ${c.code} fails at once with a message saying what to fix and no secret in it`, async (t) => {
    const api = await fakeApi(t, () => ({ status: c.status, body: c.body }));
    const { logger, lines } = captureLogger();
    const client = createApiClient(apiTarget(api.base, { transport: c.transport }), logger, FAST_RETRY);
    const err = await t.throwsAsync(client.call(ORDER, { orderId: '1' }), { instanceOf: ApiError });
    t.is(api.seen.length, 1);
    t.is(err!.code, c.code);
    t.is(err!.httpStatus, c.status);
    t.false(err!.retriable);
    t.regex(err!.message, c.fix);
    t.true(noSecretIn(err!.message), err!.message);
    t.true(lines.every(noSecretIn));
    t.is(exitCodeFor(err), c.exit);
    t.like(client.stats(), { calls: 1, retries: 0, failures: 1 });
  });
}

const BUSINESS_CASES: Array<{ title: string; body: string; code: string; detail: string }> = [
  { title: 'success false with errorCode and errorMessage', body: `{"success":false,"errorCode":"${BUSINESS.notShipped}","errorMessage":"该订单未发货"}`, code: '500_2', detail: '该订单未发货' },
  { title: 'success "false" with a stringified JSON errorMessage', body: JSON.stringify({ success: 'false', errorMessage: JSON.stringify({ code: 'ORDER_NOT_FOUND', message: '订单不存在' }) }), code: 'ORDER_NOT_FOUND', detail: '订单不存在' },
  { title: 'the errorMsg variant', body: '{"success":false,"errorCode":"PARAM_ERROR","errorMsg":"bad orderId"}', code: 'PARAM_ERROR', detail: 'bad orderId' },
  { title: 'the errMsg variant', body: '{"success":"false","errorCode":"REFUND_NOT_FOUND","errMsg":"no refund"}', code: 'REFUND_NOT_FOUND', detail: 'no refund' },
  { title: 'an errorCode without success', body: '{"errorCode":"PRODUCT_NOT_FOUND","errorMessage":"gone"}', code: 'PRODUCT_NOT_FOUND', detail: 'gone' },
  { title: 'a failure inside result', body: '{"result":{"success":false,"code":"CATEGORY_NOT_FOUND","message":"no such category"}}', code: 'CATEGORY_NOT_FOUND', detail: 'no such category' },
];

for (const c of BUSINESS_CASES) {
  test(`a business error on HTTP 200 is parsed: ${c.title}`, async (t) => {
    const api = await fakeApi(t, () => ({ body: c.body }));
    const client = createApiClient(apiTarget(api.base), captureLogger().logger, FAST_RETRY);
    const err = await t.throwsAsync(client.call(ORDER, { orderId: '1' }), { instanceOf: ApiError });
    t.is(err!.kind, 'business');
    t.is(err!.code, c.code);
    t.is(err!.detail, c.detail);
    t.is(err!.httpStatus, 200);
    t.false(err!.retriable);
    t.true(isBusinessCode(err, c.code));
    t.is(api.seen.length, 1);
  });
}

test('success "true", a blank errorCode and a null errorMessage count as success', async (t) => {
  const api = await fakeApi(t, (_r, n) => ({ body: n === 0 ? '{"success":"true","result":{"a":1}}' : '{"success":true,"errorCode":"","errorMessage":null,"result":[]}' }));
  const client = createApiClient(apiTarget(api.base), captureLogger().logger);
  t.is(rawValueAt((await client.call(ORDER, {}, { requireKey: 'result' })).raw, ['result']), '{"a":1}');
  t.deepEqual((await client.call(ORDER, {}, { requireKey: 'result' })).body, { success: true, errorCode: '', errorMessage: null, result: [] });
});

test('a success without the required result key is an error, not retried', async (t) => {
  const api = await fakeApi(t, () => ({ body: '{"success":true,"totalRecord":0}' }));
  const client = createApiClient(apiTarget(api.base), captureLogger().logger, FAST_RETRY);
  const err = await t.throwsAsync(client.call(ORDER, {}, { requireKey: 'result' }), { instanceOf: ApiError });
  t.is(err!.code, 'client.MissingResult');
  t.regex(err!.message, /no "result" \(keys: success, totalRecord\)/);
  t.is(api.seen.length, 1);
});

test('the rate limit spaces every call of the client: 20 calls at 10 per second take at least 1.8 s', async (t) => {
  const api = await fakeApi(t, () => ({ body: '{"success":true,"result":{}}' }));
  // Departures are recorded by a wrapper around the real fetch; arrivals by the server.
  const departures: number[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    departures.push(performance.now());
    return fetch(input, init);
  };
  const client = createApiClient(apiTarget(api.base, { ratePerSecond: 10, concurrency: 20 }), captureLogger().logger, { fetch: recordingFetch });
  await client.call(ORDER, { orderId: 'warm-up' }); // the first request pays for connecting and compiling
  await new Promise((ok) => setTimeout(ok, 150));
  departures.length = 0;
  const firstArrival = api.seen.length;
  const started = performance.now();
  await Promise.all(Array.from({ length: 20 }, (_, i) => client.call(ORDER, { orderId: String(i) })));
  const elapsed = performance.now() - started;
  t.true(elapsed >= 1800, `took ${Math.round(elapsed)} ms`);
  t.true(elapsed < 4000, `took ${Math.round(elapsed)} ms`);
  // The gate spaces departures 100 ms apart; between the gate and fetch a busy event loop (a loaded CI
  // machine) may delay one call, bunching it with the next: within any second at most 10 calls left, or
  // 11 when one was held up. Without the gate all 20 would leave at once.
  const busiest = (times: number[], ms: number) => Math.max(...times.map((a0) => times.filter((x) => x >= a0 && x < a0 + ms).length));
  const gaps = departures.slice(1).map((x, i) => x - departures[i]!);
  t.is(departures.length, 20);
  t.true(busiest(departures, 1000) <= 11, `departures ${departures.map((x) => (x - departures[0]!).toFixed(1)).join(' ')}`);
  // At the server, network jitter may move one call across a second's edge.
  const arrivals = api.seen.slice(firstArrival).map((s) => s.at).sort((a, b) => a - b);
  t.true(busiest(arrivals, 1000) <= 11, `arrivals ${arrivals.map((x) => Math.round(x - arrivals[0]!)).join(' ')}`);
  t.log(`20 calls in ${Math.round(elapsed)} ms; smallest gap between departures ${Math.min(...gaps).toFixed(1)} ms; at most ${busiest(arrivals, 1000)} arrived within one second`);
});

test('the concurrency cap holds: never more calls in flight at the server than configured', async (t) => {
  const api = await fakeApi(t, () => ({ delayMs: 60, body: '{"success":true,"result":{}}' }));
  const client = createApiClient(apiTarget(api.base, { concurrency: 3 }), captureLogger().logger);
  await Promise.all(Array.from({ length: 12 }, (_, i) => client.call(ORDER, { orderId: String(i) })));
  t.is(api.maxInFlight(), 3);
  t.is(api.seen.length, 12);
});

test('close cancels waiting calls and refuses new ones; an aborted signal cancels a call', async (t) => {
  const api = await fakeApi(t, () => ({ delayMs: 300, body: '{"success":true}' }));
  const client = createApiClient(apiTarget(api.base, { concurrency: 1 }), captureLogger().logger);
  const controller = new AbortController();
  const mine = client.call(ORDER, { orderId: 'a' }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const e1 = await t.throwsAsync(mine, { instanceOf: ApiError });
  t.is(e1!.kind, 'aborted');
  const pending = [client.call(ORDER, { orderId: 'b' }), client.call(ORDER, { orderId: 'c' })];
  await new Promise((ok) => setTimeout(ok, 50));
  await client.close();
  for (const p of pending) t.is((await t.throwsAsync(p, { instanceOf: ApiError }))!.code, 'client.Aborted');
  t.is((await t.throwsAsync(client.call(ORDER, {}), { instanceOf: ApiError }))!.code, 'client.Aborted');
});

test('a call logs operation, attempt, status and time at debug level, and never a parameter or secret', async (t) => {
  const api = await fakeApi(t, () => ({ body: '{"success":true}' }));
  const { logger, lines } = captureLogger();
  const client = createApiClient(apiTarget(api.base), logger);
  await client.call(ORDER, { orderId: 'order-777' });
  const line = JSON.parse(lines.find((l) => l.includes('"api call"'))!) as Record<string, unknown>;
  t.like(line, { level: 'debug', operation: ORDER, attempt: 1, status: 200 });
  t.is(typeof line.ms, 'number');
  t.true(lines.every((l) => noSecretIn(l) && !l.includes('order-777')));
});

test('reserved names, unknown operations and inexact numbers are refused before any request', async (t) => {
  const api = await fakeApi(t, () => ({ body: '{"success":true}' }));
  const client = createApiClient(apiTarget(api.base), captureLogger().logger);
  await t.throwsAsync(client.call(ORDER, { access_token: 'x' }), { message: /parameter "access_token" is set by the API client itself/ });
  await t.throwsAsync(client.call('alibaba.no.such', {}), { message: /unknown API operation "alibaba.no.such"/ });
  await t.throwsAsync(client.call(ORDER, { orderId: 240517803316129437 }), { message: /beyond 2\^53/ });
  t.is(api.seen.length, 0);
});

test('counting() counts the calls made within it alone, retries included, while other calls share the client and its views', async (t) => {
  // Order 13 fails once with a 500; every other call succeeds after a short wait, so that the calls overlap.
  let failed = false;
  const api = await fakeApi(t, (req) => {
    if (req.params.orderId === '13' && !failed) {
      failed = true;
      return { status: 500, body: { error_code: GATEWAY.internal.code, error_message: 'boom' } };
    }
    return { delayMs: 20, body: { success: true, result: { id: req.params.orderId } } };
  });
  const client = createApiClient(apiTarget(api.base, { concurrency: 4 }), captureLogger().logger, FAST_RETRY);
  const view = client.scoped();
  const calls = (ids: number[]) => Promise.all(ids.map((id) => view.call(ORDER, { orderId: String(id) }, { requireKey: 'result' })));
  const [a, b, other] = await Promise.all([client.counting(() => calls([11, 12, 13])), view.counting(() => calls([21, 22])), calls([31, 32, 33, 34])]);
  t.like(a.stats, { calls: 4, retries: 1, failures: 0 });
  t.is(a.value.length, 3);
  t.like(b.stats, { calls: 2, retries: 0 });
  t.is(other.length, 4);
  t.like(view.stats(), { calls: 10, retries: 1 });
  t.like(client.stats(), { calls: 10, retries: 1 });
});
