// The warehouse side of messages, on a SQL warehouse: the quarantine of messages that could not be
// parsed (etl_message_reject), and the mark on a product a message says is gone when the source no
// longer has it (a row is only ever marked, never invented).
import type { Db } from '../lib/db.js';
import { sinkError } from '../lib/errors.js';
import { utcNow } from '../lib/clock.js';

export interface QuarantinedMessage {
  transport: string;
  topic: string | null;
  tag: string | null;
  msgId: string | null;
  body: string;
  reason: string;
  /** Epoch ms when it was received. */
  receivedAt: number;
}

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const cut = (v: string | null, n: number) => (v === null ? null : v.slice(0, n));

export async function quarantineMessage(db: Db, m: QuarantinedMessage): Promise<void> {
  try {
    await db.knex('etl_message_reject').insert({
      transport: m.transport.slice(0, 16),
      topic: cut(m.topic, 64),
      tag: cut(m.tag, 64),
      msg_id: cut(m.msgId, 32),
      body: m.body,
      reason: m.reason.slice(0, 1024),
      received_at: utc(m.receivedAt),
    });
  } catch (err) {
    throw sinkError(`recording a rejected message in ${db.label}`, err);
  }
}

/**
 * Marks a product the source no longer has as deleted or expired (status, status group, is_deleted),
 * when the warehouse has it; returns whether a row was marked. The version it was loaded with stays.
 */
export async function markProductGone(db: Db, productId: string, gone: 'deleted' | 'expired'): Promise<boolean> {
  try {
    const n = await db.knex('dim_product').where({ product_id: productId }).update({
      status: gone,
      status_group: gone,
      is_deleted: gone === 'deleted' ? 1 : 0,
      _loaded_at: utcNow(),
    });
    return Number(n) > 0;
  } catch (err) {
    throw sinkError(`marking product ${productId} ${gone} in ${db.label}`, err);
  }
}
