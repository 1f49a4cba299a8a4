// hub-etl export keeps restricted and secret tables out: fct_invoice_registration only with
// --include-restricted, etl_setting (the key of the buyer hashes) never; no view reads a restricted table.
import fs from 'node:fs';
import test from 'ava';
import { exportTable, relations } from '../jobs/export.js';
import { UsageError } from '../lib/errors.js';
import { ALL_TABLES } from '../sql/warehouse/tables.js';
import { VIEWS } from '../sql/warehouse/views.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { readCsv } from './csv-read.js';
import { loadStore } from './fields-helpers.js';
import { runCli, tempDir, TEST_PII_KEY } from './helpers.js';

test('No view reads a restricted or secret table', (t) => {
  const hidden = ALL_TABLES.filter((x) => x.access !== undefined).map((x) => x.name);
  t.deepEqual(hidden.sort(), ['etl_setting', 'fct_invoice_registration']);
  for (const v of VIEWS) for (const d of Object.values(DIALECTS)) for (const name of hidden) t.false(v.sql(d).includes(name), `${v.name} reads ${name}`);
  t.deepEqual(relations().filter((r) => r.access).map((r) => [r.name, r.access]).sort(), [['etl_setting', 'secret'], ['fct_invoice_registration', 'restricted']]);
});

test('The registration is exported only with --include-restricted, the key never', async (t) => {
  const l = await loadStore(t, { source: 'replica', backend: 'SQLite', orders: 400, seed: 41, name: 'xr', flags: { invoiceRegistration: true, piiKey: TEST_PII_KEY } });
  if (!l) return;
  const dir = tempDir(t);
  await t.throwsAsync(exportTable(l.wh, { table: 'fct_invoice_registration', outDir: dir, headerLang: 'en', bom: false }), { instanceOf: UsageError, message: /restricted .*--include-restricted/ });
  t.deepEqual(fs.readdirSync(dir), [], 'nothing written');
  const r = await exportTable(l.wh, { table: 'fct_invoice_registration', outDir: dir, headerLang: 'en', bom: false, includeRestricted: true });
  t.true(r.rows > 0);
  t.deepEqual(readCsv(r.files[0]!.path).header.slice(0, 4), ['order_id', 'local_invoice_id', 'company_title', 'taxpayer_id']);
  await t.throwsAsync(exportTable(l.wh, { table: 'etl_setting', outDir: dir, headerLang: 'en', bom: false, includeRestricted: true }), { instanceOf: UsageError, message: /never exported/ });

  const cli = await runCli(['export', '--table', 'fct_invoice_registration', '--out', tempDir(t)], { env: { HUB_WAREHOUSE_URL: l.warehouseUrl } });
  t.is(cli.code, 2);
  t.regex(cli.stderr, /fct_invoice_registration is restricted/);
  const ok = await runCli(['export', '--table', 'fct_invoice_registration', '--include-restricted', '--out', tempDir(t)], { env: { HUB_WAREHOUSE_URL: l.warehouseUrl } });
  t.is(ok.code, 0, ok.stderr);
  const help = await runCli(['export', '--help']);
  t.regex(help.stdout, /fct_invoice_registration .*\[restricted: needs --include-restricted\]/);
  t.notRegex(help.stdout, /etl_setting/);
});
