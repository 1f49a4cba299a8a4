// Which warehouse row shows the change a message announces, and when it got there: the live demo and the
// message bench watch the warehouse with it, from a message's publication to the commit of the row with
// the new version (its _loaded_at).
import type { Db } from '../lib/db.js';
import { rawRows } from '../lib/db.js';
import { parseMessage } from '../sources/messages/parse.js';
import { messageBody, type EmulatedMessage } from '../sources/synthetic/messages.js';

export interface Watched {
  tag: string;
  table: 'fct_order' | 'fct_refund' | 'fct_shipment' | 'dim_product';
  key: 'order_id' | 'product_id';
  /** The order or product id, as digits. */
  id: string;
  /** The version the row must reach (msgSendTime); null for logistics messages, which carry no time: the row rewritten after publication. */
  version: string | null;
  /** Epoch ms the message was published. */
  publishedAt: number;
  /** Epoch ms the row that shows the change was written; unset until seen. */
  seenAt?: number;
}

/** What a sent message must show in the warehouse (none for a repeat of an earlier message). */
export function watchesFor(m: EmulatedMessage, publishedAt: number, zone: string): Watched[] {
  if (m.duplicate) return [];
  const p = parseMessage({ topic: m.topic, tag: m.tag, body: messageBody(m, publishedAt) }, zone);
  if (!p.ok) return [];
  return p.message.targets.map((t) => {
    const [table, key] = t.scope === 'product' ? ['dim_product', 'product_id'] as const
      : t.scope === 'refund' ? ['fct_refund', 'order_id'] as const
        : t.scope === 'logistics' ? ['fct_shipment', 'order_id'] as const
          : ['fct_order', 'order_id'] as const;
    return { tag: m.tag, table, key, id: t.id, version: t.scope === 'logistics' ? null : p.message.sentAt, publishedAt };
  });
}

const utcText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Marks the watched changes the warehouse shows now, with the time their row was written. */
export async function pollWatched(db: Db, watched: Watched[]): Promise<void> {
  const byTable = new Map<string, Watched[]>();
  for (const w of watched) if (w.seenAt === undefined) byTable.set(w.table, [...(byTable.get(w.table) ?? []), w]);
  for (const [table, list] of byTable) {
    const key = list[0]!.key;
    const ids = [...new Set(list.map((w) => w.id))].filter((id) => /^\d{1,19}$/.test(id));
    for (let i = 0; i < ids.length; i += 500) {
      // Ids are digits (checked above), inlined so that MariaDB compares its BIGINT with integers and uses the key.
      const part = ids.slice(i, i + 500);
      const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${key} as k, max(_source_version) as v, max(_loaded_at) as at from ${table} where ${key} in (${part.join(',')}) group by ${key}`);
      const got = new Map(rows.map((r) => [String(r.k), { v: String(r.v), at: String(r.at) }]));
      for (const w of list) {
        const g = got.get(w.id);
        if (!g || g.at < utcText(w.publishedAt)) continue;
        // An order's refunds are compared by day only: the newest of them stands for the order's.
        if (w.version !== null && g.v < (w.table === 'fct_refund' ? w.version.slice(0, 10) : w.version)) continue;
        w.seenAt = Date.parse(`${g.at.replace(' ', 'T')}Z`);
      }
    }
  }
}

/** The q-quantile (0..1) of sorted numbers. */
export function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;
}
