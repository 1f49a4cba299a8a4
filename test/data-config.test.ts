// The data settings: 1688's zone, the store's calendar and the personal-data settings, from flags, then
// environment, then defaults; every problem reported at once, the key never quoted.
import test from 'ava';
import { loadConfig } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import { CsvSink } from '../sinks/csv.js';
import { tempDir } from './helpers.js';

test('by default 1688 and the store are China time, buyers are hashed under the warehouse\'s own key, no registration is loaded', (t) => {
  const c = loadConfig({}, {});
  t.like(c, { sourceTz: 'Asia/Shanghai', apiTz: 'Asia/Shanghai', storeTz: 'Asia/Shanghai', piiKey: null, keepBuyerIds: false, invoiceRegistration: false });
});

test('a replica kept in UTC leaves 1688\'s zone and the store\'s calendar in China time', (t) => {
  t.like(loadConfig({}, { HUB_SOURCE_TZ: 'UTC' }), { sourceTz: 'UTC', apiTz: 'Asia/Shanghai', storeTz: 'Asia/Shanghai' });
});

test('flags win over the environment for every data setting', (t) => {
  const env = { HUB_API_TZ: 'UTC', HUB_STORE_TZ: 'Europe/Berlin', HUB_PII_KEY: 'e'.repeat(32), HUB_KEEP_BUYER_IDS: '1', HUB_INVOICE_REGISTRATION: 'true' };
  t.like(loadConfig({}, env), { apiTz: 'UTC', storeTz: 'Europe/Berlin', piiKey: 'e'.repeat(32), keepBuyerIds: true, invoiceRegistration: true });
  const flags = { apiTz: 'Asia/Hong_Kong', storeTz: 'Asia/Tokyo', piiKey: 'f'.repeat(40), keepBuyerIds: false, invoiceRegistration: false };
  t.like(loadConfig(flags, env), flags);
  t.like(loadConfig({}, { HUB_KEEP_BUYER_IDS: 'no', HUB_INVOICE_REGISTRATION: '0' }), { keepBuyerIds: false, invoiceRegistration: false });
});

test('bad zones, a short key and a yes/no that is neither are all reported at once; the key is never quoted', (t) => {
  const err = t.throws(() => loadConfig({}, { HUB_API_TZ: 'Moon/Base', HUB_STORE_TZ: 'Mars/Olympus', HUB_PII_KEY: 'short-secret-17', HUB_KEEP_BUYER_IDS: 'maybe' }), { instanceOf: ConfigError });
  const problems = (err as ConfigError).problems;
  t.is(problems.length, 4);
  t.true(problems.some((p) => p.startsWith('HUB_API_TZ:') && p.includes('Moon/Base')));
  t.true(problems.some((p) => p.startsWith('HUB_STORE_TZ:') && p.includes('Mars/Olympus')));
  t.true(problems.some((p) => p.startsWith('HUB_PII_KEY:') && p.includes('15 characters') && p.includes('at least 32')));
  t.true(problems.some((p) => p.startsWith('HUB_KEEP_BUYER_IDS:') && p.includes('"maybe"')));
  t.false((err as Error).message.includes('short-secret-17'));
  const flag = t.throws(() => loadConfig({ piiKey: ' x'.repeat(20) }, {}), { instanceOf: ConfigError });
  t.regex(flag.message, /^--pii-key: the key starts or ends with blanks/);
});

test('a CSV warehouse keeps its generated key in its state file, the same on every opening', async (t) => {
  const dir = tempDir(t);
  const first = await CsvSink.open(dir);
  const key = await first.state.installationSecret('pii_key');
  t.regex(key, /^[0-9a-f]{64}$/);
  t.is(await first.state.installationSecret('pii_key'), key);
  await first.close();
  const again = await CsvSink.open(dir);
  t.teardown(() => again.close());
  t.is(await again.state.installationSecret('pii_key'), key);
  t.not(await again.state.installationSecret('other'), key);
});
