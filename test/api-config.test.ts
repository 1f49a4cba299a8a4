// The 1688 API in the configuration: source and HUB_API_URL schemes, credentials, tuning, and the context.
import test from 'ava';
import { describeTarget, loadConfig, maskSecrets } from '../lib/config.js';
import { createContext } from '../jobs/context.js';
import { ConfigError, UsageError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { runCli } from './helpers.js';

const CREDS = { HUB_API_APP_KEY: '1001', HUB_API_APP_SECRET: 'Zz-App-Secret-1', HUB_API_ACCESS_TOKEN: 'Zz-Access-1', HUB_API_REFRESH_TOKEN: 'Zz-Refresh-1' };
const SECRETS = [CREDS.HUB_API_APP_SECRET, CREDS.HUB_API_ACCESS_TOKEN, CREDS.HUB_API_REFRESH_TOKEN];

test('1688+https as the source makes the API the source and the API, with the gateway transport and the defaults', (t) => {
  const c = loadConfig({}, { ...CREDS, HUB_SOURCE_URL: '1688+https://gw.open.1688.com/' });
  t.like(c.source, {
    kind: 'api', transport: 'aop', baseUrl: 'https://gw.open.1688.com', url: '1688+https://gw.open.1688.com/', appKey: '1001', appSecret: 'Zz-App-Secret-1',
    accessToken: 'Zz-Access-1', refreshToken: 'Zz-Refresh-1', ratePerSecond: 10, concurrency: 4, timeoutMs: 30_000, maxAttempts: 6,
  });
  t.is(c.api as unknown, c.source);
});

test('1688+http names the local emulator and pop+https the POP transport', (t) => {
  const emu = loadConfig({ source: '1688+http://127.0.0.1:8930' }, CREDS);
  t.like(emu.source, { kind: 'api', transport: 'aop', baseUrl: 'http://127.0.0.1:8930' });
  const pop = loadConfig({}, { ...CREDS, HUB_SOURCE_URL: 'POP+https://hub.ap-southeast-1.aliyuncs.com' });
  t.like(pop.source, { kind: 'api', transport: 'pop', baseUrl: 'https://hub.ap-southeast-1.aliyuncs.com' });
  const popEmu = loadConfig({ source: 'pop+http://127.0.0.1:8931/pop' }, CREDS);
  t.like(popEmu.api, { transport: 'pop', baseUrl: 'http://127.0.0.1:8931/pop' });
});

test('a replica source with HUB_API_URL keeps the database as the source and adds the API', (t) => {
  const c = loadConfig({}, { ...CREDS, HUB_SOURCE_URL: 'mysql://root@127.0.0.1:3306/hub_src', HUB_API_URL: 'pop+https://hub.example.com' });
  t.is(c.source.kind, 'mysql');
  t.like(c.api, { kind: 'api', transport: 'pop', baseUrl: 'https://hub.example.com' });
  t.is(loadConfig({}, CREDS).api, null);
});

test('flags win over the API environment variables and POP actions merge, flags last', (t) => {
  const c = loadConfig(
    { apiUrl: '1688+http://127.0.0.1:9000', apiAppKey: '2002', apiAppSecret: 'flag-secret', apiRate: '2.5', apiConcurrency: '8', apiTimeout: '1500ms', popAction: ['alibaba.product.get=FetchProduct'] },
    { ...CREDS, HUB_API_URL: '1688+http://127.0.0.1:1', HUB_API_RATE: '99', HUB_API_POP_ACTIONS: 'alibaba.product.get=GetIt, alibaba.trade.get.sellerView=GetOrder' },
  );
  t.like(c.api, { baseUrl: 'http://127.0.0.1:9000', appKey: '2002', appSecret: 'flag-secret', ratePerSecond: 2.5, concurrency: 8, timeoutMs: 1500 });
  t.deepEqual(c.api!.popActions, { 'alibaba.product.get': 'FetchProduct', 'alibaba.trade.get.sellerView': 'GetOrder' });
});

test('an API URL without app key and secret is one problem naming both, and tokens are optional', (t) => {
  const err = t.throws(() => loadConfig({}, { HUB_SOURCE_URL: '1688+https://gw.open.1688.com' }), { instanceOf: ConfigError }) as ConfigError;
  t.deepEqual(err.problems, ['HUB_SOURCE_URL: the 1688 API at https://gw.open.1688.com needs an app key (HUB_API_APP_KEY or --api-app-key) and an app secret (HUB_API_APP_SECRET or --api-app-secret)']);
  const onlySecret = t.throws(() => loadConfig({ apiUrl: 'pop+https://h.example' }, { HUB_API_APP_SECRET: 'x-secret' }), { instanceOf: ConfigError }) as ConfigError;
  t.regex(onlySecret.message, /^--api-url: .*needs an app key \(HUB_API_APP_KEY or --api-app-key\)$/);
  t.like(loadConfig({}, { HUB_SOURCE_URL: '1688+https://gw.open.1688.com', HUB_API_APP_KEY: '1', HUB_API_APP_SECRET: 's' }).api, { accessToken: null, refreshToken: null });
});

test('bad API settings are all reported at once, each naming its variable or flag, and no secret appears', (t) => {
  const err = t.throws(() => loadConfig(
    { apiConcurrency: '0', apiTimeout: 'soon', popAction: ['no-equals', 'alibaba.nothing=X'] },
    { ...CREDS, HUB_API_APP_SECRET: 'Zz App Secret 1', HUB_API_APP_KEY: '10/01', HUB_API_RATE: 'fast', HUB_API_URL: '1688+ftp://x', HUB_SOURCE_URL: 'sqlite:./x.db' },
  ), { instanceOf: ConfigError }) as ConfigError;
  const labels = err.problems.map((p) => p.slice(0, p.indexOf(':')));
  t.deepEqual(labels.sort(), ['--api-concurrency', '--api-timeout', '--pop-action', '--pop-action', 'HUB_API_APP_KEY', 'HUB_API_APP_SECRET', 'HUB_API_RATE', 'HUB_API_URL'].sort());
  t.false(err.message.includes('Zz App Secret 1'));
  t.true(SECRETS.every((s) => !err.message.includes(s)));
});

test('an API URL carrying credentials is refused with them masked; a source and another API URL conflict', (t) => {
  const err = t.throws(() => loadConfig({}, { ...CREDS, HUB_SOURCE_URL: '1688+https://key:Url-Secret-9@gw.open.1688.com' }), { instanceOf: ConfigError });
  t.regex(err!.message, /carries credentials; put them in HUB_API_APP_KEY and HUB_API_APP_SECRET/);
  t.false(err!.message.includes('Url-Secret-9'));
  const both = t.throws(() => loadConfig({}, { ...CREDS, HUB_SOURCE_URL: '1688+https://gw.open.1688.com', HUB_API_URL: 'pop+https://other.example' }), { instanceOf: ConfigError });
  t.regex(both!.message, /^HUB_API_URL: the source is already the 1688 API at 1688\+https:\/\/gw\.open\.1688\.com/);
  t.is(loadConfig({}, { ...CREDS, HUB_SOURCE_URL: '1688+https://gw.open.1688.com', HUB_API_URL: '1688+https://gw.open.1688.com/' }).api?.transport, 'aop');
});

test('a target is described by its base URL and app key; masking hides tokens written as fields', (t) => {
  const c = loadConfig({}, { ...CREDS, HUB_SOURCE_URL: '1688+https://gw.open.1688.com' });
  t.is(describeTarget(c.api!), 'https://gw.open.1688.com (app key 1001)');
  t.is(maskSecrets('access_token=abc&x=1 {"refresh_token":"def","client_secret" : "ghi"}'), 'access_token=***&x=1 {"refresh_token":"***","client_secret" : "***"}');
});

test('the context refuses a replica read when the source is the API, and has no API client when none is configured', async (t) => {
  const logger = createLogger({ format: 'json', level: 'error', silent: true });
  const apiCtx = createContext(loadConfig({ warehouse: 'sqlite::memory:' }, { ...CREDS, HUB_SOURCE_URL: '1688+http://127.0.0.1:9' }), logger);
  const e1 = await t.throwsAsync(apiCtx.source(), { instanceOf: UsageError });
  t.is(e1!.message, 'this command reads a replica database; the source is the 1688 API at http://127.0.0.1:9 (app key 1001), set --source to a mysql:// or sqlite: URL');
  const client = await apiCtx.api();
  t.is(await apiCtx.api(), client);
  t.is(client.target.appKey, '1001');
  await apiCtx.close();
  t.is((await t.throwsAsync(client.call('alibaba.product.get', {})))!.message, 'alibaba.product.get: the API client is closed');
  const dbCtx = createContext(loadConfig({}, {}), logger);
  await t.throwsAsync(dbCtx.api(), { instanceOf: UsageError, message: /no 1688 API is configured: set HUB_API_URL/ });
  await dbCtx.close();
});

test('a replica command with the API as source exits 2 with one line and no secret', async (t) => {
  const r = await runCli(['verify'], { env: { ...CREDS, HUB_SOURCE_URL: '1688+http://127.0.0.1:9', HUB_WAREHOUSE_URL: 'sqlite::memory:' } });
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1);
  t.regex(r.stderr, /this command reads a replica database; the source is the 1688 API/);
  t.true(SECRETS.every((s) => !r.stderr.includes(s) && !r.stdout.includes(s)));
});
