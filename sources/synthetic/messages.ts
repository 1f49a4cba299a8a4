// The messages Cloud Hub would send for a generator run's changes (source-shapes §2): built from the rows
// the run writes and the values they replace, in the real shapes (envelopes or bare payloads, ids as bare
// numbers, refund ids as digits or TQ…), with some duplicates and some deliveries out of order, all
// deterministic for the store's seed. gmtBorn is left to the publisher: it is the moment of sending.
import crypto from 'node:crypto';
import { TOPICS, type Topic } from '../messages/topics.js';
import type { ChangeSet } from './store.js';
import type { Row, TableKey, TableSpec } from './tables.js';

export interface EmulatedMessage {
  topic: Topic;
  tag: string;
  /** Sent inside the open-platform envelope (else the bare payload). */
  wrapped: boolean;
  msgId: string;
  /** The payload as JSON text (ids as bare numbers). */
  data: string;
  /** A repeat of an earlier message (same msgId and payload). */
  duplicate?: boolean;
}

/** The body to send: the envelope with `bornMs` as gmtBorn, or the bare payload. */
export function messageBody(m: EmulatedMessage, bornMs: number): string {
  return m.wrapped ? `{"msgId":${m.msgId},"gmtBorn":${bornMs},"type":"${m.tag}","userInfo":"b2b-2200114455a1b2","data":${m.data}}` : m.data;
}

/** Previous values of rows about to be replaced, by natural key: the columns a message needs. */
export type PreviousValues = (table: TableKey, keys: string[]) => Promise<Map<string, Record<string, string | null>>>;

const REFUND_ACTIONS: Record<string, string> = {
  waitselleragree: 'BUYER_APPLY_REFUND',
  waitbuyermodify: 'SELLER_REFUSE_REFUND_PROCOTOL',
  waitbuyersend: 'SELLER_AGREE_REFUND_PROCOTOL',
  waitsellerreceive: 'BUYER_SEND_GOODS',
  refundsuccess: 'SELLER_AGREE_REFUND',
  refundclose: 'REFUND_CLOSE',
};

const q = (s: string) => JSON.stringify(s);

export class MessageCollector {
  private readonly out: EmulatedMessage[] = [];
  private seq = 0;

  constructor(private readonly seed: number, private readonly runTag: string, private readonly specs: Record<TableKey, TableSpec>, private readonly memberId = 'b2b-2200114455a1b2') {}

  private col(table: TableKey, row: Row, name: string): string | null {
    const i = this.specs[table].columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
    return i < 0 ? null : (row[i] ?? null);
  }

  private unit(salt: string): number {
    const h = crypto.createHash('sha1').update(`${this.seed}/${this.runTag}/${salt}`).digest();
    return h.readUInt32BE(0) / 2 ** 32;
  }

  private push(topic: Topic, tag: string, data: string): void {
    const n = this.seq++;
    const id = crypto.createHash('sha1').update(`${this.seed}/${this.runTag}/msg/${n}`).digest().readUIntBE(0, 6) % 900_000_000_000 + 100_000_000_000;
    this.out.push({ topic, tag, wrapped: this.unit(`wrap/${n}`) < 0.5, msgId: String(id), data });
  }

  /** Reads what the change set replaces, then records the messages its rows make. */
  async add(c: ChangeSet, previous: PreviousValues): Promise<void> {
    const key = (t: TableKey, r: Row) => r[this.specs[t].naturalKey]!;
    const prevOrders = await previous('order', c.updates.order.map((u) => key('order', u.row)));
    const prevProducts = await previous('product', c.updates.product.map((u) => key('product', u.row)));
    const prevLogistics = await previous('logistics_order', c.updates.logistics_order.map((u) => key('logistics_order', u.row)));

    for (const row of c.inserts.order) {
      this.push(TOPICS.order, 'ORDER_BUYER_MAKE', this.orderData(row, 'waitbuyerpay', this.col('order', row, 'create_time')!));
    }
    for (const { row } of c.updates.order) {
      const status = this.col('order', row, 'status');
      const before = prevOrders.get(key('order', row))?.status ?? null;
      if (status === before) continue;
      // The Guide names no tag for payment, shipment or cancellation: those changes wait for the scheduled runs.
      const tag = status === 'success' ? 'ORDER_ORDER_SUCCESS' : status === 'confirm_goods' || status === 'signinsuccess' ? 'ORDER_ORDER_COMFIRM_RECEIVEGOODS' : null;
      if (tag) this.push(TOPICS.order, tag, this.orderData(row, status!, this.col('order', row, 'modify_time')!));
    }
    for (const row of [...c.inserts.order_refund, ...c.updates.order_refund.map((u) => u.row)]) this.refund(row);
    const logistics = new Map<string, { row: Row; kind: 'new' | 'changed' | 'route' }>();
    for (const row of c.inserts.logistics_order) logistics.set(key('logistics_order', row), { row, kind: 'new' });
    for (const { row } of c.updates.logistics_order) {
      const id = key('logistics_order', row);
      const oldBill = prevLogistics.get(id)?.logistics_bill_no ?? null;
      if (oldBill !== null && oldBill !== this.col('logistics_order', row, 'logistics_bill_no')) this.mailNoChange(row, oldBill);
      else logistics.set(id, { row, kind: 'changed' });
    }
    for (const row of [...c.inserts.logistics_route, ...c.updates.logistics_route.map((u) => u.row)]) {
      const id = key('logistics_route', row);
      if (!logistics.has(id)) logistics.set(id, { row, kind: 'route' });
    }
    for (const [, l] of logistics) this.tracing(l.row, l.kind);
    for (const row of c.inserts.product) this.product(row, 'PRODUCT_PRODUCT_NEW_OR_MODIFY');
    for (const { row } of c.updates.product) {
      const before = prevProducts.get(key('product', row));
      const status = (this.col('product', row, 'status') ?? '').toLowerCase();
      const tag = /deleted?$|^tbd$/.test(status) ? 'PRODUCT_PRODUCT_DELETE'
        : /expired$|outdated/.test(status) ? 'PRODUCT_PRODUCT_EXPIRE'
          : before && (before.last_repost_time ?? null) !== this.col('product', row, 'last_repost_time') ? 'PRODUCT_PRODUCT_REPOST'
            : 'PRODUCT_PRODUCT_NEW_OR_MODIFY';
      this.product(row, tag);
    }
  }

  private orderData(row: Row, status: string, at: string): string {
    return `{"orderId":${this.col('order', row, 'order_id')},"currentStatus":${q(status)},"msgSendTime":${q(at)},"buyerMemberId":${q(this.col('order', row, 'buyer_member_id') ?? '')}}`;
  }

  private refund(row: Row): void {
    const blob = this.col('order_refund', row, 'order_refund_data') ?? '';
    const inSale = /"disputeType":1\b/.test(blob);
    const roles = [...blob.matchAll(/"operatorRoleId":(\d+)/g)].map((m) => m[1]);
    const role = roles[roles.length - 1];
    const status = this.col('order_refund', row, 'status') ?? '';
    const tq = this.col('order_refund', row, 'refund_id') ?? '';
    // The Guide prints bare digits, the API TQ + digits: both are sent.
    const refundId = this.unit(`refund/${tq}/${status}`) < 0.5 ? tq.replace(/^TQ/, '') : tq;
    const order = this.specs.order_refund.columns.find((c) => /^order_(id|ld)$/i.test(c))!;
    const data = `{"orderId":${this.col('order_refund', row, order)},"currentStatus":${q(status)},"msgSendTime":${q(this.col('order_refund', row, 'gmt_modified') ?? '')},` +
      `"buyerMemberId":${q(this.col('order_refund', row, 'buyer_member_id') ?? '')},"refundAction":${q(REFUND_ACTIONS[status] ?? status.toUpperCase())},` +
      `"operator":${q(role === '1' ? 'buyer' : role === '2' ? 'seller' : 'system')},"refundId":${q(refundId)}}`;
    this.push(TOPICS.order, inSale ? 'ORDER_ORDER_BUYER_REFUND_IN_SALES' : 'ORDER_ORDER_REFUND_AFTER_SALES', data);
  }

  /** orderLogsItems: an object (the Guide) or an array (go1688), chosen per message. */
  private items(orderId: string, id: string): string {
    const item = `{"orderId":${orderId},"orderEntryId":${orderId}}`;
    return this.unit(`items/${id}`) < 0.5 ? item : `[${item}]`;
  }

  private tracing(row: Row, kind: 'new' | 'changed' | 'route'): void {
    const table: TableKey = kind === 'route' ? 'logistics_route' : 'logistics_order';
    const id = this.col(table, row, 'logistic_id') ?? '';
    const blob = this.col(table, row, kind === 'route' ? 'logistic_route_datas' : 'logistic_order_datas') ?? '';
    const status = kind === 'new' ? 'CONSIGN' : kind === 'route' ? (blob.includes('签收') ? 'SIGN' : 'TRANSPORT') : (/"status":"(ACCEPT|TRANSPORT|SIGN)"/.exec(blob)?.[1] ?? 'TRANSPORT');
    const cp = /"logisticsCompanyId":"?(\w+)/.exec(blob)?.[1] ?? '';
    const data = `{"OrderLogisticsTracingModel":{"logisticsId":${q(id)},"cpCode":${q(cp)},"mailNo":${q(this.col(table, row, 'logistics_bill_no') ?? '')},` +
      `"statusChanged":${q(status)},"changeTime":"","orderLogsItems":${this.items(this.col(table, row, 'order_id') ?? '0', `${id}/${kind}`)}}}`;
    this.push(TOPICS.logistics, '', data);
  }

  private mailNoChange(row: Row, oldBill: string): void {
    const id = this.col('logistics_order', row, 'logistic_id') ?? '';
    const data = `{"MailNoChangeModel":{"logisticsId":${q(id)},"oldCpCode":"","newCpCode":"","oldMailNo":${q(oldBill)},"newMailNo":${q(this.col('logistics_order', row, 'logistics_bill_no') ?? '')},` +
      `"eventTime":"","orderLogsItems":${this.items(this.col('logistics_order', row, 'order_id') ?? '0', `${id}/mail`)}}}`;
    this.push(TOPICS.logistics, 'LOGISTICS_MAIL_NO_CHANGE', data);
  }

  private product(row: Row, tag: string): void {
    const status = tag === 'PRODUCT_PRODUCT_NEW_OR_MODIFY' ? 'RELATION_VIEW_PRODUCT_NEW_OR_MODIFY' : tag.replace('PRODUCT_PRODUCT_', 'PRODUCT_');
    this.push(TOPICS.product, tag, `{"productIds":${q(this.col('product', row, 'product_id') ?? '')},"memberId":${q(this.memberId)},"status":${q(status)},"msgSendTime":${q(this.col('product', row, 'last_update_time') ?? '')}}`);
  }

  /**
   * The messages in sending order: about one in twenty sent twice (the repeat a few places later) and
   * about one in ten swapped with its successor, the way a broker redelivers and reorders.
   */
  messages(): EmulatedMessage[] {
    const list: EmulatedMessage[] = [];
    const repeats: Array<{ at: number; m: EmulatedMessage }> = [];
    this.out.forEach((m, i) => {
      list.push(m);
      if (this.unit(`dup/${i}`) < 0.05) repeats.push({ at: list.length + 1 + Math.floor(this.unit(`dupat/${i}`) * 5), m: { ...m, duplicate: true } });
      while (repeats.length && repeats[0]!.at <= list.length) list.push(repeats.shift()!.m);
    });
    for (const r of repeats) list.push(r.m);
    for (let i = 0; i + 1 < list.length; i++) {
      if (this.unit(`swap/${i}`) < 0.1) {
        [list[i], list[i + 1]] = [list[i + 1]!, list[i]!];
        i++;
      }
    }
    return list;
  }
}
