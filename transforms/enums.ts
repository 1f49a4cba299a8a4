// The 1688 status vocabularies of orders, refunds and logistics. Closed ones refuse unknown values with a DataError so
// that a new value shows up as a reject instead of flowing into BI unmapped; open ones are kept raw.
import { DataError } from '../lib/errors.js';
import { found, type Raw } from './values.js';

function text(v: Raw, field: string, expected: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new DataError(field, `expected ${expected}, found ${found(v)}`);
  const s = v.trim();
  return s === '' ? null : s;
}

/** §5.1: order and order-line statuses (Guide and API, Guide-only, API-only and step-order values). */
export const ORDER_STATUSES: ReadonlySet<string> = new Set([
  'waitbuyerpay', 'waitsellersend', 'waitlogisticstakein', 'waitbuyerreceive', 'waitbuyersign', 'signinsuccess',
  'confirm_goods', 'success', 'cancel',
  'signinfailed', 'paid_but_not_fund', 'confirm_goods_but_not_fund', 'send_goods_but_not_fund',
  'confirm_goods_and_has_subsidy', 'waitsellerconfirm', 'waitbuyerconfirm', 'waitselleract', 'waitbuyerconfirmaction',
  'waitsellerpush',
  'terminated',
  'waitactivate', 'settlebill', 'inactiveandcancel',
]);

/** An order or line status, lowercase; unknown values are a DataError. */
export function readOrderStatus(v: Raw, field: string): string | null {
  const s = text(v, field, 'an order status');
  if (s === null) return null;
  const status = s.toLowerCase();
  if (!ORDER_STATUSES.has(status)) {
    throw new DataError(field, `expected an order status (waitbuyerpay, waitsellersend, …, success, cancel), found ${found(v)}`);
  }
  return status;
}

// §5.3: refund statuses. Orders and refunds write them lowercase, order lines UPPERCASE with
// underscores (and REFUND_CLOSED for refundclose); both map to the lowercase vocabulary.
const REFUND_STATUSES: ReadonlyMap<string, string> = new Map([
  ['waitselleragree', 'waitselleragree'],
  ['waitbuyermodify', 'waitbuyermodify'],
  ['waitbuyersend', 'waitbuyersend'],
  ['waitsellerreceive', 'waitsellerreceive'],
  ['refundsuccess', 'refundsuccess'],
  ['refundclose', 'refundclose'],
  ['refundclosed', 'refundclose'],
]);

/** A refund status in the lowercase vocabulary, from either spelling; unknown values are a DataError. */
export function readRefundStatus(v: Raw, field: string): string | null {
  const s = text(v, field, 'a refund status');
  if (s === null) return null;
  const status = REFUND_STATUSES.get(s.replace(/_/g, '').toLowerCase());
  if (status === undefined) {
    throw new DataError(field, `expected a refund status (waitselleragree, waitbuyermodify, waitbuyersend, waitsellerreceive, refundsuccess, refundclose or their UPPER_CASE forms), found ${found(v)}`);
  }
  return status;
}

/** §5.6: invoice type 0 plain, 1 VAT, 9 unknown. */
export function readInvoiceType(v: Raw, field: string): 'plain' | 'vat' | 'unknown' | null {
  const s = text(v, field, 'an invoice type');
  if (s === null) return null;
  switch (s) {
    case '0':
      return 'plain';
    case '1':
      return 'vat';
    case '9':
      return 'unknown';
    default:
      throw new DataError(field, `expected an invoice type (0 plain, 1 VAT, 9 unknown), found ${found(v)}`);
  }
}

/** §5.4: logistics order statuses. */
export const LOGISTICS_STATUSES: ReadonlySet<string> = new Set(['WAITACCEPT', 'CANCEL', 'ACCEPT', 'TRANSPORT', 'NOGET', 'SIGN', 'UNSIGN']);

/** A logistics order status, uppercase; unknown values are a DataError. */
export function readLogisticsStatus(v: Raw, field: string): string | null {
  const s = text(v, field, 'a logistics status');
  if (s === null) return null;
  const status = s.toUpperCase();
  if (!LOGISTICS_STATUSES.has(status)) {
    throw new DataError(field, `expected a logistics status (WAITACCEPT, CANCEL, ACCEPT, TRANSPORT, NOGET, SIGN, UNSIGN), found ${found(v)}`);
  }
  return status;
}

/** Refund goodsStatus: 1 not received, 2 received, 3 returned. */
export function readGoodsStatus(v: Raw, field: string): number | null {
  const s = text(v, field, 'a goods status');
  if (s === null) return null;
  if (s === '1' || s === '2' || s === '3') return +s;
  throw new DataError(field, `expected a goods status (1 not received, 2 received, 3 returned), found ${found(v)}`);
}

export type StatusGroup = 'active' | 'pending' | 'rejected' | 'expired' | 'deleted' | 'other';

/**
 * §5.6 product status normalised; an open vocabulary, so unknown values are 'other'. Spaces, underscores,
 * hyphens and case are ignored, so "member expired", "member_expired" and "MemberExpired" are one value.
 */
export function productStatusGroup(status: string): StatusGroup {
  const s = status.toLowerCase().replace(/[\s_-]+/g, '');
  switch (s) {
    case 'published':
    case 'online':
    case 'new':
    case 'modified':
    case 'approved':
      return 'active';
    case 'auditing':
      return 'pending';
    case 'untread':
    case 'failaudited':
      return 'rejected';
    case 'outdated':
      return 'expired';
    case 'tbd':
    case 'delete':
      return 'deleted';
  }
  if (s.endsWith('expired')) return 'expired';
  if (s.endsWith('deleted') || s.endsWith('delete')) return 'deleted';
  return 'other';
}

/** ISO currency code: 1688's RMB is CNY; absent means CNY (1688 trades in yuan only). */
export function readCurrency(v: Raw, field: string): string {
  const s = text(v, field, 'a currency code');
  if (s === null) return 'CNY';
  const code = s.toUpperCase();
  if (code === 'RMB') return 'CNY';
  if (!/^[A-Z]{3}$/.test(code)) throw new DataError(field, `expected a currency code such as RMB or CNY, found ${found(v)}`);
  return code;
}
