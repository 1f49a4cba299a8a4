import path from 'node:path';
import test from 'ava';
import { loadConfig } from '../lib/config.js';
import { createContext } from '../jobs/context.js';
import { ConfigError, UsageError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';

test('csv:./out is accepted as the warehouse and resolves to an absolute folder', (t) => {
  const c = loadConfig({}, { HUB_WAREHOUSE_URL: 'csv:./out' });
  t.deepEqual(c.warehouse, { kind: 'csv', dir: path.resolve('out'), url: 'csv:./out' });
  const flag = loadConfig({ warehouse: 'csv:/tmp/erp-drop' }, {});
  t.like(flag.warehouse, { kind: 'csv', dir: '/tmp/erp-drop' });
});

test('csv: is refused for the source, and reported together with every other problem', (t) => {
  const err = t.throws(() => loadConfig({}, { HUB_SOURCE_URL: 'csv:./in', HUB_WAREHOUSE_URL: 'csv:', HUB_SOURCE_TZ: 'Mars/Olympus' }), { instanceOf: ConfigError });
  const problems = (err as ConfigError).problems;
  t.is(problems.length, 3);
  t.true(problems.some((p) => p.startsWith('HUB_SOURCE_URL:') && p.includes('warehouse only')));
  t.true(problems.some((p) => p.startsWith('HUB_WAREHOUSE_URL:') && p.includes('names no folder')));
});

test('an unsupported warehouse URL names csv: among the accepted forms', (t) => {
  const err = t.throws(() => loadConfig({}, { HUB_WAREHOUSE_URL: 'postgres://h/db' }), { instanceOf: ConfigError });
  t.regex((err as Error).message, /csv:\.\/folder/);
});

test('commands that need a SQL warehouse refuse a CSV folder with a usage error', async (t) => {
  const ctx = createContext(loadConfig({ warehouse: 'csv:./out' }, {}), createLogger({ format: 'json', level: 'error', silent: true }));
  const err = await t.throwsAsync(ctx.warehouse(), { instanceOf: UsageError });
  t.regex(err!.message, /folder of CSV files/);
  await ctx.close();
});
