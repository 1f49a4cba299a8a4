// The emulator's two transports check what the real ones check: signatures, app key, tokens (with expiry
// and refresh), POP's nonces, and answer errors in each transport's own shape and status.
import crypto from 'node:crypto';
import test from 'ava';
import { TOKEN_API, TOKEN_PATH_NAMESPACE } from '../lib/api-operations.js';
import { aopSignature } from '../sources/api/signing.js';
import { emulated, errorCode, gw, pop, send } from './emulator-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a signed gateway call and a signed POP call both get the simulated clock, POP with its RequestId', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  const g = await gw(f.emu, 'currentTime');
  t.is(g.status, 200, g.text);
  t.regex(g.text, /^\{"result":"\d{17}\+0800","success":(true|"true")\}$/);
  const p = await pop(f.emu, 'GetCurrentTime');
  t.is(p.status, 200, p.text);
  const body = JSON.parse(p.text) as { result: string; RequestId: string };
  t.is(body.result, JSON.parse(g.text).result);
  t.regex(body.RequestId, /^[0-9A-F-]{36}$/);
  // The store's clock: the generated month ends at 2024-05-31 00:00 in Asia/Shanghai.
  t.is(body.result, '20240531000000000+0800');
});

test('GET with the parameters in the query is accepted on both transports', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  t.is((await gw(f.emu, 'currentTime', {}, { method: 'GET' })).status, 200);
  const p = await pop(f.emu, 'GetCurrentTime', {}, { method: 'GET' });
  t.is(p.status, 200, p.text);
});

test('a bad gateway signature is refused with gw.SignatureInvalid and HTTP 400', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  const tampered = await gw(f.emu, 'alibaba.trade.get.sellerView', { orderId: '1' }, { tamper: true });
  t.is(tampered.status, 400);
  t.is(errorCode(tampered), 'gw.SignatureInvalid');
  const body = JSON.parse(tampered.text) as Record<string, string>;
  t.deepEqual(Object.keys(body).sort(), ['error_code', 'error_message', 'request_id']);
  const wrongSecret = await gw(f.emu, 'currentTime', {}, { secret: 'not-the-secret' });
  t.is(errorCode(wrongSecret), 'gw.SignatureInvalid');
  t.false(wrongSecret.text.includes(f.emu.credentials.appSecret));
});

test('an unknown app key is refused with gw.AppKeyNotExist, an unknown API with gw.ApiNotExist (404)', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  const r = await gw(f.emu, 'currentTime', {}, { appKey: 'someone-else' });
  t.is(r.status, 400);
  t.is(errorCode(r), 'gw.AppKeyNotExist');
  const p = { _aop_timestamp: '1', access_token: f.emu.credentials.accessToken };
  const path = `param2/1/com.alibaba.trade/alibaba.trade.noSuchApi/${f.emu.credentials.appKey}`;
  const missing = await send(`${f.emu.url}/openapi/${path}`, { ...p, _aop_signature: aopSignature(f.emu.credentials.appSecret, path, p) });
  t.is(missing.status, 404);
  t.is(errorCode(missing), 'gw.ApiNotExist');
  // A known API under the wrong namespace does not exist either.
  const wrongNs = `param2/1/com.alibaba.product/alibaba.trade.get.sellerView/${f.emu.credentials.appKey}`;
  t.is(errorCode(await send(`${f.emu.url}/openapi/${wrongNs}`, { ...p, _aop_signature: aopSignature(f.emu.credentials.appSecret, wrongNs, p) })), 'gw.ApiNotExist');
});

test('a missing or wrong access token is refused with gw.AccessTokenInvalid (401); currentTime needs none', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  for (const token of [null, 'stolen-token']) {
    const r = await gw(f.emu, 'alibaba.category.get', { categoryID: '0' }, { token });
    t.is(r.status, 401, String(token));
    t.is(errorCode(r), 'gw.AccessTokenInvalid');
  }
  t.is((await gw(f.emu, 'currentTime', {}, { token: null })).status, 200);
  t.is(errorCode(await gw(f.emu, 'currentTime', {}, { noTimestamp: true })), 'gw.MissingParameter');
});

test('an access token expires, a refresh issues a new one that works, and the old one stays refused', async (t) => {
  const f = await emulated(t, { expireTokensAfterMs: 400 });
  if (!f) return;
  const creds = f.emu.credentials;
  t.is((await gw(f.emu, 'alibaba.category.get', { categoryID: '0' })).status, 200);
  await sleep(500);
  const expired = await gw(f.emu, 'alibaba.category.get', { categoryID: '0' });
  t.is(expired.status, 401);
  t.is(errorCode(expired), 'gw.AccessTokenExpired');

  const tokenUrl = `${f.emu.url}/openapi/param2/1/${TOKEN_PATH_NAMESPACE}/${TOKEN_API}/${creds.appKey}`;
  const refreshed = await send(tokenUrl, { grant_type: 'refresh_token', client_id: creds.appKey, client_secret: creds.appSecret, refresh_token: creds.refreshToken });
  t.is(refreshed.status, 200, refreshed.text);
  const tok = JSON.parse(refreshed.text) as Record<string, string>;
  t.deepEqual(Object.keys(tok).sort(), ['access_token', 'aliId', 'expires_in', 'memberId', 'refresh_token', 'resource_owner']);
  t.not(tok.access_token, creds.accessToken);
  t.is(tok.refresh_token, creds.refreshToken);
  t.is(tok.expires_in, '1');
  t.regex(tok.memberId!, /^b2b-/);

  t.is((await gw(f.emu, 'alibaba.category.get', { categoryID: '0' }, { token: tok.access_token! })).status, 200);
  t.is(errorCode(await gw(f.emu, 'alibaba.category.get', { categoryID: '0' })), 'gw.AccessTokenExpired');
  // And the new one expires in its turn.
  await sleep(500);
  t.is(errorCode(await gw(f.emu, 'alibaba.category.get', { categoryID: '0' }, { token: tok.access_token! })), 'gw.AccessTokenExpired');
  t.is(f.emu.stats.byOperation['system.oauth2.getToken']?.ok, 1);
});

test('a refresh with a wrong refresh token or client secret gets an OAuth2 error', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  const creds = f.emu.credentials;
  const tokenUrl = `${f.emu.url}/openapi/param2/1/${TOKEN_PATH_NAMESPACE}/${TOKEN_API}/${creds.appKey}`;
  const badGrant = await send(tokenUrl, { grant_type: 'refresh_token', client_id: creds.appKey, client_secret: creds.appSecret, refresh_token: 'nope' });
  t.is(badGrant.status, 400);
  t.is(JSON.parse(badGrant.text).error, 'invalid_grant');
  t.truthy(JSON.parse(badGrant.text).error_description);
  const badClient = await send(tokenUrl, { grant_type: 'refresh_token', client_id: creds.appKey, client_secret: 'nope', refresh_token: creds.refreshToken });
  t.is(badClient.status, 401);
  t.is(JSON.parse(badClient.text).error, 'invalid_client');
  t.false(badClient.text.includes(creds.appSecret));
});

test('POP errors carry RequestId, HostId, Code and Message with their HTTP status', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  const cases: Array<[Promise<{ status: number; text: string }>, number, string]> = [
    [pop(f.emu, 'GetCurrentTime', {}, { tamper: true }), 400, 'SignatureDoesNotMatch'],
    [pop(f.emu, 'GetCurrentTime', {}, { secret: 'wrong' }), 400, 'SignatureDoesNotMatch'],
    [pop(f.emu, 'GetCurrentTime', {}, { key: 'other-app' }), 404, 'InvalidAccessKeyId.NotFound'],
    [pop(f.emu, 'NoSuchAction'), 404, 'InvalidAction.NotFound'],
    [pop(f.emu, 'GetCurrentTime', {}, { format: 'XML' }), 400, 'InvalidParameter'],
    [send(`${f.emu.url}/`, { Action: 'GetCurrentTime' }), 400, 'MissingParameter'],
  ];
  for (const [reply, status, code] of cases) {
    const r = await reply;
    t.is(r.status, status, r.text);
    const body = JSON.parse(r.text) as Record<string, string>;
    t.deepEqual(Object.keys(body).sort(), ['Code', 'HostId', 'Message', 'RequestId']);
    t.is(body.Code, code);
    t.regex(body.RequestId!, /^[0-9A-F-]{36}$/);
    t.true(body.Message!.length > 0);
  }
});

test('POP refuses a SignatureNonce used before', async (t) => {
  const f = await emulated(t);
  if (!f) return;
  const nonce = crypto.randomUUID();
  t.is((await pop(f.emu, 'GetCurrentTime', {}, { nonce })).status, 200);
  const again = await pop(f.emu, 'GetCurrentTime', {}, { nonce });
  t.is(again.status, 400);
  t.is(JSON.parse(again.text).Code, 'SignatureNonceUsed');
});

test('POP actions follow api-operations.ts, and an override map renames one', async (t) => {
  const f = await emulated(t, { popActions: { 'alibaba.category.get': 'DescribeCategory' } });
  if (!f) return;
  const renamed = await pop(f.emu, 'DescribeCategory', { categoryID: '0' });
  t.is(renamed.status, 200, renamed.text);
  t.regex(renamed.text, /"categoryInfo":\[\{"categoryID":0,/);
  t.is(JSON.parse((await pop(f.emu, 'GetCategory', { categoryID: '0' })).text).Code, 'InvalidAction.NotFound');
  // A business error over POP is the gateway's HTTP 200 body plus RequestId.
  const missing = await pop(f.emu, 'GetSellerOrder', { orderId: '1' });
  t.is(missing.status, 200);
  const body = JSON.parse(missing.text) as Record<string, unknown>;
  t.is(body.errorCode, 'ORDER_NOT_FOUND');
  t.truthy(body.RequestId);
});
