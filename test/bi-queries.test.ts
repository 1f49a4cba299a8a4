// The ten questions of docs/bi.md, run as written against one store loaded into SQLite, MariaDB and
// PostgreSQL: every query answers on every warehouse, with rows, and the three answers are identical.
import fs from 'node:fs';
import path from 'node:path';
import { openDb, rawRows } from '../lib/db.js';
import { freshWarehouseUrl, ROOT, runCli, target, tempSqliteUrl, testWith, WAREHOUSES } from './helpers.js';
import { generate } from './stream-helpers.js';

/** The SQL blocks of docs/bi.md's questions, with their headings. */
function questions(): Array<{ title: string; sql: string }> {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/bi.md'), 'utf8');
  const out: Array<{ title: string; sql: string }> = [];
  for (const part of doc.split(/^### /m).slice(1)) {
    const sql = /```sql\n([\s\S]*?)```/.exec(part)?.[1];
    if (sql) out.push({ title: part.split('\n')[0]!, sql });
  }
  return out;
}

/** A cell as text, whatever the driver gave (BigInt, number, exact decimal string). */
const cell = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'number' ? String(v) : String(v));

testWith(...WAREHOUSES)('docs/bi.md: ten questions, each answered with rows, identically on SQLite, MariaDB and PostgreSQL', async (t) => {
  const qs = questions();
  t.is(qs.length, 10);
  const src = tempSqliteUrl(t, 'src.db');
  await generate(t, src, ['--orders', '800', '--seed', '77']);
  const answers = new Map<string, Array<Array<Record<string, string | null>>>>();
  for (const kind of WAREHOUSES) {
    const wh = await freshWarehouseUrl(t, kind, 'bi');
    if (!wh) continue;
    const load = await runCli(['run'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
    t.is(load.code, 0, load.stderr.slice(-2000));
    const db = await openDb(target(wh));
    t.teardown(() => db.close());
    const mine: Array<Array<Record<string, string | null>>> = [];
    for (const q of qs) {
      const rows = await rawRows<Record<string, unknown>>(db, db.dialect, q.sql).catch((err: Error) => {
        throw new Error(`${kind}: question "${q.title}" failed: ${err.message}`);
      });
      t.true(rows.length > 0, `${kind}: "${q.title}" returns rows`);
      mine.push(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)]))));
    }
    answers.set(kind, mine);
  }
  const reference = answers.get('SQLite')!;
  for (const [kind, got] of answers) {
    if (kind === 'SQLite') continue;
    qs.forEach((q, i) => t.deepEqual(got[i], reference[i], `${kind} answers "${q.title}" as SQLite does`));
  }
});
