// The windowed lister on its own, over a list kept in memory whose rows can move while it is paged:
// windows split before paging, a window that changes while paged read again in halves, a window at the
// floor read again until it holds still, nothing lost, every row once in (time, id) order.
import test from 'ava';
import { createLogger } from '../lib/logger.js';
import { SourceError } from '../lib/errors.js';
import { compareIds, DEFAULT_LISTER, emptyListingStats, listWindow, type Listed, type ListPage, type PageReader } from '../sources/api/lister.js';

const log = createLogger({ format: 'json', level: 'error', silent: true });

interface Row { id: string; atMs: number; createdMs: number }

/** A list sorted newest created first (as getSellerOrderList is); `onPage` may move rows before a page is served. */
function list(rows: Row[], onPage?: (from: number, to: number, page: number) => void): PageReader & { calls: number } {
  const reader = async (from: number, to: number, page: number): Promise<ListPage> => {
    reader.calls++;
    onPage?.(from, to, page);
    const inside = rows.filter((r) => r.atMs >= from && r.atMs <= to).sort((a, b) => b.createdMs - a.createdMs || compareIds(b.id, a.id));
    const items = inside.slice((page - 1) * 20, page * 20).map((r): Listed => ({ id: r.id, atMs: r.atMs, raw: `{"id":"${r.id}"}`, body: {} }));
    return { total: inside.length, items };
  };
  reader.calls = 0;
  return reader;
}

function rows(n: number, span: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({ id: String(1000 + i), atMs: 1_000_000 + Math.floor((i * span) / n), createdMs: (i * 7919) % n }));
}

async function all(read: PageReader, from: number, to: number, opts = {}) {
  const stats = emptyListingStats();
  const chunks: Listed[][] = [];
  for await (const c of listWindow(read, from, to, { ...DEFAULT_LISTER, ...opts }, stats, log)) chunks.push(c);
  return { chunks, flat: chunks.flat(), stats };
}

test('a window listing more than the limit is split before it is paged, and every row comes once in (time, id) order', async (t) => {
  const data = rows(1000, 3_600_000);
  const { flat, chunks, stats } = await all(list(data), 1_000_000, 1_000_000 + 3_600_000);
  t.deepEqual(flat.map((r) => r.id), [...data].sort((a, b) => a.atMs - b.atMs || compareIds(a.id, b.id)).map((r) => r.id));
  t.true(stats.splits > 0);
  t.true(chunks.every((c) => c.length <= DEFAULT_LISTER.maxPerWindow));
  t.is(stats.drifted, 0);
});

test('rows modified while a window is paged leave it; the window is read again in halves and no row that stayed is lost', async (t) => {
  const data = rows(150, 60_000);
  const moved = new Set<string>();
  const read = list(data, (from, to, page) => {
    // The first time page 2 of a window is read, the first three rows of its page 1 move past every window.
    if (page !== 2 || moved.size > 0) return;
    const inside = data.filter((r) => r.atMs >= from && r.atMs <= to).sort((a, b) => b.createdMs - a.createdMs || compareIds(b.id, a.id));
    for (const r of inside.slice(0, 3)) {
      r.atMs = 9_000_000;
      moved.add(r.id);
    }
  });
  const { flat, stats } = await all(read, 1_000_000, 1_060_000);
  t.is(moved.size, 3);
  t.is(stats.drifted, 1);
  const stayed = data.filter((r) => !moved.has(r.id)).map((r) => r.id).sort();
  t.deepEqual(flat.map((r) => r.id).sort(), stayed);
  t.is(new Set(flat.map((r) => r.id)).size, flat.length);
});

test('a one-second window that keeps changing is read again, then given up with a retriable error', async (t) => {
  const data = rows(60, 900);
  let n = 0;
  // Every read of page 2 finds one row fewer: the window never holds still.
  const read = list(data, (_from, _to, page) => {
    if (page === 2) data.pop();
    n++;
  });
  const err = await t.throwsAsync(all(read, 1_000_000, 1_001_000), { instanceOf: SourceError });
  t.true(err!.retriable);
  t.regex(err!.message, /kept changing while it was paged/);
  t.true(n > DEFAULT_LISTER.maxRereads);
});

test('an empty window costs one call and yields nothing', async (t) => {
  const read = list([]);
  const { chunks } = await all(read, 0, 10_000_000);
  t.deepEqual(chunks, []);
  t.is(read.calls, 1);
});
