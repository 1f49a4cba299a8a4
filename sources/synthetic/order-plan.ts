// An order's plan: its lines and amounts at creation and every later event with its instant (payment,
// parcels and their carrier scans, refunds, invoice, completion). orders.ts draws the plans; order-rows.ts
// shows one cut at an instant.
import type { Product, Sku } from './catalog.js';
import { DAY } from './clock.js';
import type { Party } from './parties.js';
import type { Carrier, City } from './vocabulary.js';

export interface LinePlan {
  k: number;
  subId: string;
  product: Product;
  sku: Sku;
  title: string;
  /** Quantity in tenths (25 = 2.5) and its quantityFactor (1, or 10 for fractional quantities). */
  q10: number;
  factor: 1 | 10;
  /** Unit price in 1e-4 yuan. */
  price: number;
  itemFen: number;
  entryFen: number;
}

export type StepKind = 'got' | 'depart' | 'hubIn' | 'hubOut' | 'arrive' | 'delivering' | 'failed' | 'signed';

export interface ParcelPlan {
  p: number;
  lines: number[];
  carrier: Carrier;
  online: boolean;
  logisticsId: string;
  billNo: string;
  itemsId: string;
  createMs: number;
  pickupMs: number;
  signMs: number;
  /** Logistics order statuses (WAITACCEPT, NOGET, ACCEPT, TRANSPORT, UNSIGN, SIGN, CANCEL) with their instants. */
  statuses: Array<[number, string]>;
  steps: Array<{ t: number; kind: StepKind }>;
  hub: City;
  carriageFen: number;
  /** Blob variants: the logisticsItems key set, route step quirks, quantity typed as a number. */
  itemsShape: boolean;
  route: 'plain' | 'swap' | 'dup' | 'trace';
  qtyAsNumber: boolean;
  courier: string;
  courierPhone: string;
  signer: string;
}

export interface RefundStep {
  t: number;
  status: string;
  role: 1 | 2 | 3;
}

export interface RefundPlan {
  id: string;
  disputeType: 1 | 2;
  lines: number[];
  applyFen: number;
  applyCarriageFen: number;
  /** Amounts refunded if it succeeds (refundPayment may be negotiated below applyPayment). */
  finalFen: number;
  finalCarriageFen: number;
  steps: RefundStep[];
  reason: string;
  goodsStatus: 1 | 2 | 3;
  onlyRefund: boolean;
  /** Boolean keys spelled isOnlyRefund/isGoodsReceived (batch API) instead of onlyRefund/goodsReceived. */
  isKeys: boolean;
  /** 0 bare, 1 {"result":…}, 2 {"opOrderRefundModelDetail":{…}}, 3 {"opOrderRefundModelDetail":[…]}. */
  wrapper: 0 | 1 | 2 | 3;
  opSeed: string;
}

export interface InvoicePlan {
  localId: string;
  type: 0 | 1;
  blobType: 0 | 1 | 9;
  statuses: Array<[number, string]>;
  email: string;
}

export interface Receiver {
  /** A buyer's own address, shared by all their orders (the others belong to one order). */
  shared?: boolean;
  name: string;
  mobile: string;
  phone: string;
  city: City;
  district: readonly [string, string];
  address: string;
}

export type PayWay = 'alipay' | 'period' | 'steps';

export interface PhasePlan {
  fen: number;
  paidMs: number | null;
  id: string;
}

export interface OrderPlan {
  index: number;
  id: string;
  createMs: number;
  /** Fixed UTC offset (minutes) this order's blobs use instead of the source zone, or null. */
  altOffset: number | null;
  buyer: Party;
  receiver: Receiver;
  lines: LinePlan[];
  sppFen: number;
  discountFen: number;
  couponFen: number;
  shippingFen: number;
  totalFen: number;
  /** sum_product_payment column: the amount, or '' / NULL on a few rows. */
  sppColumn: 'amount' | 'empty' | 'null';
  payWay: PayWay;
  payMs: number | null;
  settleMs: number | null;
  periodDeadline: number | null;
  phases: PhasePlan[];
  /** Alipay trade number after the payment date (yyyyMMdd + this). */
  alipaySuffix: string;
  status: Array<[number, string]>;
  finalMs: number | null;
  closeReason: string | null;
  confirmMs: number | null;
  successMs: number | null;
  /** When the buyer had received everything (the last parcel signed), or null when it never happens. */
  receivedMs: number | null;
  parcels: ParcelPlan[];
  refunds: RefundPlan[];
  invoice: InvoicePlan | null;
  outterId: string | null;
  memo: string | null;
  /** Instants at which the order row (or a line or the invoice, which it embeds) changes, ascending. */
  times: number[];
  /** The last event of any row of this order (carrier scans and refunds included). */
  lastEventMs: number;
}
/**
 * Parcel statuses the order itself shows: it embeds its parcels (nativeLogistics), its lines show
 * shipped / picked up / signed for (logisticsStatus), so these changes re-save the order.
 */
export const ORDER_VISIBLE = new Set(['WAITACCEPT', 'ACCEPT', 'SIGN', 'CANCEL']);

/** Longest time from an order's creation to its last event; older orders only change by nightly touches. */
export const MAX_LIFE = 120 * DAY;
