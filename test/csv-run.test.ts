// Stream runs into a CSV warehouse (HUB_WAREHOUSE_URL=csv:DIR) from a generated store: the files, applied in
// run order, hold exactly what a SQL warehouse loaded from the same source holds; runs killed with SIGKILL
// leave no partial file under a final name, and the next run completes the files without duplicates.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { openDb, rawRows } from '../lib/db.js';
import { STATE_DIR, STATE_FILE } from '../sinks/csv.js';
import { FACTS_AND_DIMENSIONS, tableNamed, type Table } from '../sql/warehouse/tables.js';
import { cellText, csvObjects, readCsv } from './csv-read.js';
import { CAPPED, CLI, ROOT, target, tempDir, tempSqliteUrl, TEST_PII_KEY } from './helpers.js';
import { contextFor, generate, run } from './stream-helpers.js';

type Cells = Record<string, string | null>;
const FILE = /^(.+)\.run(\d{8})(\.full|\.empty)?\.csv$/;

const keyOf = (t: Table, r: Cells) => t.primaryKey.map((k) => r[k]).join('\u0001');
const dataOf = (t: Table, r: Cells): Cells => Object.fromEntries(t.columns.map((c) => [c.name, r[c.name] ?? null]));

/**
 * What a consumer of the folder ends up with: files applied in run order; a full refresh's file replaces the
 * table, a child table's file replaces the set of each parent it names, other rows replace rows of the same key.
 */
function replay(dir: string): Map<string, Map<string, Cells>> {
  const tables = new Map<string, Map<string, Cells>>();
  const files = fs.readdirSync(dir).filter((f) => FILE.test(f)).sort((a, b) => FILE.exec(a)![2]!.localeCompare(FILE.exec(b)![2]!) || a.localeCompare(b));
  for (const f of files) {
    const [, name, , kind] = FILE.exec(f)!;
    const t = tableNamed(name!);
    const rows = csvObjects(readCsv(path.join(dir, f)));
    let current = tables.get(t.name) ?? new Map<string, Cells>();
    if (kind === '.full') current = new Map();
    if (t.parentKey && kind !== '.full') {
      const parents = new Set(rows.map((r) => r[t.parentKey![0]!]));
      for (const [k, r] of current) if (parents.has(r[t.parentKey[0]!]!)) current.delete(k);
    }
    if (kind !== '.empty') for (const r of rows) current.set(keyOf(t, r), dataOf(t, r));
    tables.set(t.name, current);
  }
  return tables;
}

async function sqlTables(url: string): Promise<Map<string, Map<string, Cells>>> {
  const db = await openDb(target(url));
  try {
    const out = new Map<string, Map<string, Cells>>();
    for (const t of FACTS_AND_DIMENSIONS) {
      const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${t.columns.map((c) => c.name).join(', ')} from ${t.name}`);
      out.set(t.name, new Map(rows.map((r) => {
        const cells = Object.fromEntries(t.columns.map((c) => [c.name, cellText(r[c.name])]));
        return [keyOf(t, cells), cells];
      })));
    }
    return out;
  } finally {
    await db.close();
  }
}

function assertSame(t: ExecutionContext, csv: Map<string, Map<string, Cells>>, sql: Map<string, Map<string, Cells>>, label = ''): void {
  for (const table of FACTS_AND_DIMENSIONS) {
    const a = csv.get(table.name) ?? new Map();
    const b = sql.get(table.name)!;
    t.is(a.size, b.size, `${label}${table.name}: row count`);
    let diff = 0;
    for (const [k, row] of b) if (JSON.stringify(a.get(k)) !== JSON.stringify(row)) diff++;
    t.is(diff, 0, `${label}${table.name}: rows that differ`);
  }
}

/** Every file under a final name parses completely and holds the rows its run recorded. */
function assertComplete(t: ExecutionContext, dir: string, label: string): number {
  const db = new Database(path.join(dir, STATE_DIR, STATE_FILE), { readonly: true });
  try {
    const recorded = new Map((db.prepare('select file_name, rows from csv_file').all() as Array<{ file_name: string; rows: number }>).map((r) => [r.file_name, r.rows]));
    const finals = fs.readdirSync(dir).filter((f) => f.endsWith('.csv'));
    for (const f of finals) {
      t.true(recorded.has(f), `${label}: ${f} belongs to a committed run`);
      const parsed = readCsv(path.join(dir, f));
      t.true(parsed.endsWithNewline, `${label}: ${f} ends with its line break`);
      t.is(parsed.rows.length, recorded.get(f) ?? -1, `${label}: ${f} holds every row of its run`);
    }
    return finals.length;
  } finally {
    db.close();
  }
}

test('a run into csv:DIR writes files that, applied in run order, equal a SQL warehouse loaded from the same store', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const ref = tempSqliteUrl(t, 'ref.db');
  const dir = tempDir(t);
  await generate(t, src, ['--orders', '300', '--seed', '17']);
  await run(contextFor(t, src, ref));
  const results = await run(contextFor(t, src, `csv:${dir}`));
  t.is(results.length, 8);
  for (const r of results) {
    t.is(r.status, 'succeeded');
    t.is(r.rowsRead, r.rowsUpserted + r.rowsUnchanged + r.rowsRejected, r.stream);
  }
  assertComplete(t, dir, 'first run');
  t.true(fs.readdirSync(dir).some((f) => /^fct_order_line\.run\d{8}\.csv$/.test(f)));
  t.deepEqual(fs.readdirSync(path.join(dir, STATE_DIR, 'tmp')), []);
  assertSame(t, replay(dir), await sqlTables(ref));

  // Nothing changed: the next run writes no file.
  const before = fs.readdirSync(dir).sort();
  const again = await run(contextFor(t, src, `csv:${dir}`));
  t.true(again.every((r) => r.rowsUpserted === 0));
  t.deepEqual(fs.readdirSync(dir).sort(), before);
});

test('after --advance the next run\'s files carry the changes; a full refresh writes .full snapshots', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const ref = tempSqliteUrl(t, 'ref.db');
  const dir = tempDir(t);
  await generate(t, src, ['--orders', '200', '--seed', '18']);
  await run(contextFor(t, src, ref));
  await run(contextFor(t, src, `csv:${dir}`));
  await generate(t, src, ['--advance', '--days', '2']);
  const lookbackMs = 3650 * 86_400_000;
  await run(contextFor(t, src, ref), { lookbackMs });
  const inc = await run(contextFor(t, src, `csv:${dir}`), { lookbackMs });
  t.true(inc.some((r) => r.rowsUpserted > 0));
  assertSame(t, replay(dir), await sqlTables(ref), 'incremental: ');
  await run(contextFor(t, src, `csv:${dir}`), { mode: 'full_refresh' });
  const full = fs.readdirSync(dir).filter((f) => f.endsWith('.full.csv'));
  t.false(full.some((f) => f.includes('.empty')));
  t.is(full.length, FACTS_AND_DIMENSIONS.length);
  assertSame(t, replay(dir), await sqlTables(ref), 'full refresh: ');
});

/**
 * Runs `hub-etl run` into the folder and SIGKILLs it after delayMs, or (midFile) once a temporary file of
 * the run has been seen growing `midFile` times: killed in the middle of writing a file.
 */
function runAndKill(src: string, dir: string, how: { delayMs?: number; midFile?: number }): Promise<{ killed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env = { ...process.env, HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: `csv:${dir}`, HUB_LOG_FORMAT: 'json', HUB_LOG_LEVEL: 'error', HUB_PII_KEY: TEST_PII_KEY };
    const child = spawn(process.execPath, [...CAPPED, CLI, 'run', '--batch-size', '25'], { cwd: ROOT, env, stdio: 'ignore' });
    const timer = how.delayMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), how.delayMs);
    const tmp = path.join(dir, STATE_DIR, 'tmp');
    let seen = 0;
    let last = -1;
    const poll = how.midFile === undefined ? undefined : setInterval(() => {
      try {
        const size = fs.readdirSync(tmp).reduce((a, f) => a + fs.statSync(path.join(tmp, f)).size, 0);
        if (size > 0 && size !== last && ++seen > how.midFile!) child.kill('SIGKILL');
        last = size;
      } catch {
        // not there yet, or a file renamed under our feet
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ killed: signal === 'SIGKILL', ms: Date.now() - started });
    });
  });
}

test('runs killed with SIGKILL leave no partial file under a final name; the next run completes the files, without duplicates', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const ref = tempSqliteUrl(t, 'ref.db');
  await generate(t, src, ['--orders', '2000', '--seed', '19']);
  await run(contextFor(t, src, ref));
  const expected = await sqlTables(ref);
  // How long a whole run takes as a child process: the timed kills land anywhere in it.
  const whole = await runAndKill(src, tempDir(t), {});
  t.false(whole.killed);
  let seed = 20261128;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const kills = { timed: 0, midFile: 0 };
  const TRIALS = 4;
  for (let i = 0; i < TRIALS; i++) {
    const dir = tempDir(t);
    // A kill in the middle of writing a file, one at a random time on top of what it left, then a run to the end.
    const growths = Math.floor(random() * 8);
    if ((await runAndKill(src, dir, { midFile: growths })).killed) kills.midFile++;
    assertComplete(t, dir, `trial ${i} after a kill in the middle of a file (after ${growths} growths)`);
    const delay = Math.round(150 + random() * whole.ms);
    if ((await runAndKill(src, dir, { delayMs: delay })).killed) kills.timed++;
    assertComplete(t, dir, `trial ${i} after a kill at ${delay} ms`);
    await run(contextFor(t, src, `csv:${dir}`));
    assertComplete(t, dir, `trial ${i} after the last run`);
    t.deepEqual(fs.readdirSync(path.join(dir, STATE_DIR, 'tmp')), [], `trial ${i}: temporary files left`);
    assertSame(t, replay(dir), expected, `trial ${i}: `);
    // The source did not change: every row is in exactly one file.
    for (const table of FACTS_AND_DIMENSIONS) {
      const total = fs.readdirSync(dir).filter((f) => f.startsWith(`${table.name}.run`) && !f.endsWith('.empty.csv')).reduce((a, f) => a + readCsv(path.join(dir, f)).rows.length, 0);
      t.is(total, expected.get(table.name)!.size, `trial ${i}: ${table.name} rows across files`);
    }
  }
  t.log(`a whole run takes ${whole.ms} ms; killed before the end: ${kills.timed} of ${TRIALS} at a random time, ${kills.midFile} of ${TRIALS} in the middle of a file`);
  t.true(kills.midFile >= TRIALS / 2);
});
