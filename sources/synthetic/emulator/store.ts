// The synthetic store behind the emulator, read-only: the generator's marker (seed, zone, simulated
// clock), and the few lookups the API operations need, on SQLite or MariaDB. Ids are compared as exact
// integer literals or as text, never through a double; values come back as exact text.
import { rawRows, type Db } from '../../../lib/db.js';
import { UsageError } from '../../../lib/errors.js';
import { inspectSource, intLiteral, isSynthetic, quoteIdent, sourceNowUtc, SYNTHETIC_MARKER, textOf } from '../../replica.js';
import { readApiObjects, type ApiKind, type StoredApiObject } from '../api-objects.js';
import { seller } from '../parties.js';
import { ZoneClock } from '../clock.js';
import { productRecord, type GeneratorState } from '../store.js';

export interface SellerInfo {
  memberId: string;
  loginId: string;
}

export interface OrderRow {
  orderId: string;
  createTime: string;
  modifyTime: string;
  status: string;
}

export interface ProductRow {
  productId: string;
  subject: string;
  categoryId: string;
  categoryName: string;
  status: string;
  qualityLevel: string | null;
  productCargoNumber: string | null;
  createTime: string;
  lastUpdateTime: string;
  lastRepostTime: string | null;
  approvedTime: string | null;
  expireTime: string | null;
  blob: string | null;
}

export interface CategoryRow {
  categoryId: string;
  name: string;
  level: number;
  isLeaf: boolean;
  path: Array<string | null>;
  attributes: string;
}

type Raw = Record<string, unknown>;
const t = (v: unknown): string => textOf(v) ?? '';
const tn = (v: unknown): string | null => textOf(v);

/** SQL "in" lists are cut into pieces of this many values. */
const IN_CHUNK = 500;

export class EmulatorStore {
  private constructor(
    readonly db: Db,
    readonly clock: ZoneClock,
    readonly seller: SellerInfo,
    private readonly refundOrderCol: string,
    private readonly invoiceOrderCol: string,
  ) {}

  /** Checks that the database is a store written by `hub-etl generate` and reads what stays fixed. */
  static async open(db: Db): Promise<EmulatorStore> {
    if (!(await isSynthetic(db))) {
      throw new UsageError(
        `${db.label} is not a synthetic store: it has no ${SYNTHETIC_MARKER} table (written by "hub-etl generate"); the emulator serves only synthetic stores (run "hub-etl generate --orders N" first, or pass --store)`,
      );
    }
    const [marker] = await rawRows<Raw>(db, db.dialect, `select seed, source_tz, status from ${SYNTHETIC_MARKER} where id = 1`);
    if (!marker) throw new UsageError(`${db.label} has an empty ${SYNTHETIC_MARKER} table; generate the store again`);
    if (t(marker.status) !== 'ready') {
      throw new UsageError(`the synthetic store in ${db.label} is being written by "hub-etl generate" or a generate stopped part-way; wait for it or generate the store again`);
    }
    const schema = await inspectSource(db);
    const s = seller(Number(t(marker.seed)));
    return new EmulatorStore(
      db,
      new ZoneClock(t(marker.source_tz)),
      { memberId: s.memberId, loginId: s.loginId },
      schema.orderColumn.get('ali1688_order_refund') ?? 'order_ld',
      schema.orderColumn.get('ali1688_invoice') ?? 'order_Id',
    );
  }

  private q(name: string): string {
    return quoteIdent(this.db.dialect, name);
  }

  private rows(sql: string, bind: unknown[] = []): Promise<Raw[]> {
    return rawRows<Raw>(this.db, this.db.dialect, sql, bind);
  }

  /** The simulated clock, read afresh (a `generate --advance` may move it while the emulator runs). */
  async now(): Promise<number> {
    return (await sourceNowUtc(this.db, true)).getTime();
  }

  // ------------------------------------------------------------------------------------------
  // Orders

  /** Orders whose naive modify/create columns lie within the bounds (a pre-filter), optionally of one status. */
  async orderCandidates(f: { modify: { from: string | null; to: string | null }; create: { from: string | null; to: string | null }; status: string | null }): Promise<OrderRow[]> {
    const where: string[] = [];
    const bind: unknown[] = [];
    const range = (col: string, b: { from: string | null; to: string | null }) => {
      if (b.from !== null) { where.push(`${this.q(col)} >= ?`); bind.push(b.from); }
      if (b.to !== null) { where.push(`${this.q(col)} <= ?`); bind.push(b.to); }
    };
    range('modify_time', f.modify);
    range('create_time', f.create);
    if (f.status !== null) { where.push(`${this.q('status')} = ?`); bind.push(f.status); }
    const rows = await this.rows(
      `select order_id, create_time, modify_time, status from ali1688_order${where.length ? ` where ${where.join(' and ')}` : ''}`,
      bind,
    );
    return rows.map(orderRow);
  }

  /** Order rows (columns and blob) by order id. */
  async orders(ids: readonly string[]): Promise<Map<string, OrderRow & { blob: string }>> {
    const out = new Map<string, OrderRow & { blob: string }>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      const rows = await this.rows(`select order_id, create_time, modify_time, status, order_datas from ali1688_order where order_id in (${part.map(() => '?').join(',')})`, part);
      for (const r of rows) out.set(t(r.order_id), { ...orderRow(r), blob: t(r.order_datas) });
    }
    return out;
  }

  async order(id: string): Promise<(OrderRow & { blob: string }) | undefined> {
    return (await this.orders([id])).get(id);
  }

  /** Refund blobs of an order (its rows are modified on or after the order's creation day: a bound on the indexed column). */
  async refundsOfOrder(order: OrderRow): Promise<Array<{ refundId: string; blob: string }>> {
    const rows = await this.rows(
      `select refund_id, order_refund_data from ali1688_order_refund where gmt_modified >= ? and ${this.q(this.refundOrderCol)} = ${intLiteral(order.orderId)} order by id`,
      [order.createTime.slice(0, 10)],
    );
    return rows.map((r) => ({ refundId: t(r.refund_id), blob: t(r.order_refund_data) }));
  }

  async refund(refundId: string): Promise<string | undefined> {
    const [r] = await this.rows('select order_refund_data from ali1688_order_refund where refund_id = ? order by id limit 1', [refundId]);
    return r ? t(r.order_refund_data) : undefined;
  }

  /** The invoice blobs of an order (the generator writes at most one). */
  async invoicesOfOrder(orderId: string): Promise<string[]> {
    const rows = await this.rows(`select invoice_data from ali1688_invoice where ${this.q(this.invoiceOrderCol)} = ${intLiteral(orderId)} order by id`);
    return rows.map((r) => t(r.invoice_data));
  }

  /** Logistics order (or route) blobs of an order, optionally of one logistics id. */
  async logisticsOfOrder(order: OrderRow, table: 'order' | 'route', logisticsId: string | null): Promise<string[]> {
    const [name, col] = table === 'order' ? ['ali1688_logistics_order', 'logistic_order_datas'] : ['ali1688_logistics_route', 'logistic_route_datas'];
    const bind: unknown[] = [order.createTime.slice(0, 10), order.orderId];
    if (logisticsId !== null) bind.push(logisticsId);
    const rows = await this.rows(
      `select ${col} as datas from ${name} where gmt_modified >= ? and order_id = ?${logisticsId !== null ? ' and logistic_id = ?' : ''} order by id`,
      bind,
    );
    return rows.map((r) => t(r.datas));
  }

  // ------------------------------------------------------------------------------------------
  // Products and categories

  /** Products whose naive last update lies within the bounds (a pre-filter): id, column time and whether a blob exists. */
  async productCandidates(b: { from: string | null; to: string | null }): Promise<Array<{ productId: string; lastUpdateTime: string }>> {
    const where: string[] = [];
    const bind: unknown[] = [];
    if (b.from !== null) { where.push('last_update_time >= ?'); bind.push(b.from); }
    if (b.to !== null) { where.push('last_update_time <= ?'); bind.push(b.to); }
    const rows = await this.rows(`select product_id, last_update_time from ali1688_product${where.length ? ` where ${where.join(' and ')}` : ''}`, bind);
    return rows.map((r) => ({ productId: t(r.product_id), lastUpdateTime: t(r.last_update_time) }));
  }

  async products(ids: readonly string[]): Promise<Map<string, ProductRow>> {
    const out = new Map<string, ProductRow>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      const rows = await this.rows(
        `select product_id, subject, category_id, category_name, status, quality_level, product_cargo_number, create_time, last_update_time, ` +
          `last_repost_time, approved_time, expire_time, product_datas from ali1688_product where product_id in (${part.map(intLiteral).join(',')}) order by id`,
      );
      for (const r of rows) {
        out.set(t(r.product_id), {
          productId: t(r.product_id),
          subject: t(r.subject),
          categoryId: t(r.category_id),
          categoryName: t(r.category_name),
          status: t(r.status),
          qualityLevel: tn(r.quality_level),
          productCargoNumber: tn(r.product_cargo_number),
          createTime: t(r.create_time),
          lastUpdateTime: t(r.last_update_time),
          lastRepostTime: tn(r.last_repost_time),
          approvedTime: tn(r.approved_time),
          expireTime: tn(r.expire_time),
          blob: tn(r.product_datas),
        });
      }
    }
    return out;
  }

  /**
   * The product as 1688 holds it when the store's row has no product_datas (Cloud Hub's copy may lack
   * it; the API always has the record): the generator's rendering at the store's clock, read afresh (a
   * `generate --advance` may move it). Undefined when the generator does not know the product.
   */
  async productRecord(productId: string): Promise<string | undefined> {
    const [marker] = await this.rows(`select state from ${SYNTHETIC_MARKER} where id = 1`);
    if (!marker) return undefined;
    return productRecord(JSON.parse(t(marker.state)) as GeneratorState, productId);
  }

  /** Every category (a store has a few dozen). */
  async categories(): Promise<CategoryRow[]> {
    const rows = await this.rows(
      'select category_id, category_name, category_level, is_leaf, category1_id, category2_id, category3_id, attributes from ali1688_category order by id',
    );
    return rows.map((r) => ({
      categoryId: t(r.category_id),
      name: t(r.category_name),
      level: Number(t(r.category_level)),
      isLeaf: t(r.is_leaf).toUpperCase() === 'Y',
      path: [tn(r.category1_id), tn(r.category2_id), tn(r.category3_id)],
      attributes: t(r.attributes),
    }));
  }

  // ------------------------------------------------------------------------------------------
  // What only the API serves

  /** The store's objects of one kind (hub_etl_api_object), exact texts in response order. */
  apiObjects(kind: ApiKind): Promise<StoredApiObject[]> {
    return readApiObjects(this.db, kind);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function orderRow(r: Raw): OrderRow {
  return { orderId: t(r.order_id), createTime: t(r.create_time), modifyTime: t(r.modify_time), status: t(r.status) };
}
