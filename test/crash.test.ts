// A run killed with SIGKILL at random points, then a normal run: the warehouse ends identical to an
// uninterrupted run, and after every kill the watermark is never ahead of the committed data.
import { spawn } from 'node:child_process';
import test from 'ava';
import { listTables, rawRows, openDb } from '../lib/db.js';
import { CAPPED, CLI, ROOT, target, TEST_PII_KEY, testWith, type Warehouse } from './helpers.js';
import { checksums, contextFor, freshUrl, generate, PAIRS, run } from './stream-helpers.js';

/**
 * Trials and store size per warehouse: PostgreSQL (the pair whose source is SQLite) runs fewer and
 * smaller trials, so that the third warehouse adds about a minute to the suite, not five.
 */
const SIZE: Record<Warehouse, { trials: number; orders: number; bulk?: string }> = {
  SQLite: { trials: 20, orders: 1200 },
  // Every other trial writes through the bulk path (staging table, LOAD DATA / COPY, one merge) from one row.
  MariaDB: { trials: 20, orders: 1200, bulk: '?bulk-rows=1' },
  PostgreSQL: { trials: 6, orders: 600, bulk: '?bulk-rows=1' },
};

/** Small deterministic PRNG, so that a failing trial can be replayed from its printed delay. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function runAndKill(src: string, wh: string, delayMs: number): Promise<{ killed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env = { ...process.env, HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_LOG_FORMAT: 'json', HUB_LOG_LEVEL: 'error', HUB_PII_KEY: TEST_PII_KEY };
    // Capped already, so no launcher stands in between: the kill hits the process doing the work (the
    // launcher's own SIGKILL handling is launch.test.ts's), and nothing outlives the exit seen here.
    const child = spawn(process.execPath, [...CAPPED, CLI, 'run', '--batch-size', '40'], { cwd: ROOT, env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', ms: Date.now() - started });
    });
  });
}

for (const { source, warehouse, name } of PAIRS) {
  const { trials: TRIALS, orders, bulk } = SIZE[warehouse];
  testWith(source, warehouse)(`${name}: ${TRIALS} runs killed with SIGKILL at random points each end identical to an uninterrupted run`, async (t) => {
    const src = await freshUrl(t, source, 'src');
    const ref = await freshUrl(t, warehouse, 'ref');
    if (!src || !ref) return;
    await generate(t, src, ['--orders', String(orders), '--seed', '21']);
    const t0 = Date.now();
    const full = await runAndKill(src, ref, 600_000);
    t.false(full.killed);
    const reference = await checksums(ref);
    // Kills land uniformly within the span of a run: the reference run's, or a faster trial's (a loaded
    // machine can slow the reference run down).
    let span = Date.now() - t0;
    const random = prng(20261128);
    let killedMidRun = 0;
    for (let i = 0; i < TRIALS; i++) {
      const fresh = await freshUrl(t, warehouse, `crash${i}`);
      if (!fresh) return;
      const wh = bulk && i % 2 === 1 ? `${fresh}${bulk}` : fresh;
      const delay = Math.round(150 + random() * span);
      const { killed, ms } = await runAndKill(src, wh, delay);
      if (!killed) span = Math.min(span, ms);
      if (killed) {
        killedMidRun++;
        // Every source order strictly below the committed watermark is in the warehouse.
        const db = await openDb(target(wh), { create: true });
        try {
          if ((await listTables(db, 'etl_watermark')).includes('etl_watermark')) {
            const wm = (await rawRows<{ v: unknown }>(db, db.dialect, "select cursor_value as v from etl_watermark where stream = 'orders'"))[0];
            if (wm) {
              const srcDb = await openDb(target(src), { readOnly: true });
              try {
                const below = (await rawRows<{ k: unknown }>(srcDb, srcDb.dialect, 'select order_id as k from ali1688_order where modify_time < ?', [String(wm.v)])).map((r) => String(r.k));
                const loaded = new Set((await rawRows<{ k: unknown }>(db, db.dialect, 'select order_id as k from fct_order')).map((r) => String(r.k)));
                t.true(below.every((k) => loaded.has(k)), `trial ${i} (kill after ${delay} ms): watermark ${String(wm.v)} ahead of committed orders`);
              } finally {
                await srcDb.close();
              }
            }
          }
        } finally {
          await db.close();
        }
      }
      await run(contextFor(t, src, wh));
      t.deepEqual(await checksums(wh), reference, `trial ${i}: killed after ${delay} ms`);
    }
    t.log(`${killedMidRun} of ${TRIALS} runs were killed before they finished (reference run ${span} ms)`);
    t.true(killedMidRun >= TRIALS / 2, 'most kills should land inside the run');
  });
}
