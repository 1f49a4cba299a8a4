// An order's whole life as a plan: lines and amounts at creation, then every future event with its
// instant (payment, shipments, carrier scans, refunds, completion). The store at clock C shows each plan
// cut at C, so a later run can move the clock and see exactly which rows change.
import { chinaClock, DAY, HOUR, MINUTE, type ZoneClock } from './clock.js';
import { buyers as makeBuyers, seller as makeSeller, mobile, niceQuantity, personName, SELLABLE, sku, stateAt, subject, unitPrice, type Party, type Product, type Sku } from './catalog.js';
import { allocate, perm9 } from './format.js';
import { hashUnit, Stream, streamRng, type Rng } from './random.js';
import { CARRIER_WEIGHTS, CARRIERS, CITIES, REFUND_REASON_WEIGHTS, REFUND_REASONS, SIGNERS, STREETS, BUYER_MEMOS, type Carrier, type City } from './vocabulary.js';

/** One run's new orders: `orders` orders created in (from, to), with the catalog size at that run. */
export interface Batch {
  from: number;
  to: number;
  firstOrder: number;
  orders: number;
  /** Products that exist (index below this) once the batch's products are added. */
  products: number;
}

/** Everything an order plan depends on besides its own stream. */
export interface World {
  seed: number;
  /** The replica's zone: its naive DATETIME/DATE columns. */
  clock: ZoneClock;
  /** China time: what 1688 writes in its JSON (times with an offset, and the offset-less ones such as acceptTime). */
  china: ZoneClock;
  products: Product[];
  buyers: Party[];
  seller: Party;
  batches: Batch[];
  timeTables: Map<Batch, Float64Array>;
  /** Each buyer's own address as a receiver (most orders ship there). */
  receivers: Receiver[];
}

export function makeWorld(seed: number, clock: ZoneClock, products: Product[], batches: Batch[]): World {
  const buyers = makeBuyers(seed);
  const receivers = buyers.map((b) => ({ name: b.name, mobile: b.mobile, phone: b.phone, city: b.city, district: b.district, address: b.address, shared: true }));
  return { seed, clock, china: chinaClock(clock), products, buyers, seller: makeSeller(seed), batches, timeTables: new Map(), receivers };
}

// Relative order intake per local hour: quiet nights, a morning and an afternoon peak.
const HOUR_WEIGHTS = [0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.5, 1.7, 1.6, 1.1, 1.3, 1.6, 1.7, 1.6, 1.4, 1.0, 0.9, 1.0, 1.1, 0.9, 0.6];

function timeTable(w: World, b: Batch): Float64Array {
  let cum = w.timeTables.get(b);
  if (!cum) {
    const slots = Math.max(1, Math.ceil((b.to - b.from) / HOUR));
    cum = new Float64Array(slots + 1);
    for (let i = 0; i < slots; i++) {
      const t = b.from + i * HOUR;
      const local = t + w.clock.offset(t) * MINUTE;
      const hour = Math.floor(local / HOUR) % 24;
      const weekday = (Math.floor(local / DAY) + 4) % 7; // 1970-01-01 was a Thursday
      const slotMs = Math.min(HOUR, b.to - t);
      cum[i + 1] = cum[i]! + HOUR_WEIGHTS[hour]! * (weekday === 0 || weekday === 6 ? 0.6 : 1) * (slotMs / HOUR);
    }
    w.timeTables.set(b, cum);
  }
  return cum;
}

export function batchOf(w: World, index: number): Batch {
  let lo = 0;
  let hi = w.batches.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (w.batches[mid]!.firstOrder <= index) lo = mid;
    else hi = mid - 1;
  }
  const b = w.batches[lo];
  if (!b || index < b.firstOrder || index >= b.firstOrder + b.orders) throw new Error(`order ${index} belongs to no batch`);
  return b;
}

/** Creation instant of order `index`: the batch's orders in index order, spread by hour-of-day intake. */
export function createMs(w: World, index: number): number {
  const b = batchOf(w, index);
  const cum = timeTable(w, b);
  const total = cum[cum.length - 1]!;
  const target = ((index - b.firstOrder + hashUnit(w.seed, Stream.OrderTime, index)) / b.orders) * total;
  let lo = 0;
  let hi = cum.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cum[mid]! <= target) lo = mid;
    else hi = mid - 1;
  }
  const width = cum[lo + 1]! - cum[lo]!;
  const frac = width > 0 ? (target - cum[lo]!) / width : 0;
  const t = Math.floor(b.from + (lo + frac) * HOUR);
  return Math.min(b.to - 1, Math.max(b.from + 1, t));
}

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

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function lineCount(rng: Rng): number {
  const r = rng.next();
  if (r < 0.6) return 1;
  if (r < 0.8) return 2;
  if (r < 0.89) return 3;
  if (r < 0.96) return rng.int(4, 6);
  if (r < 0.99) return rng.int(7, 15);
  return rng.int(16, 30);
}

function pickProduct(w: World, rng: Rng, count: number, at: number): Product {
  let r = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    r = rng.zipf(count);
    const p = w.products[r]!;
    if (SELLABLE.has(stateAt(p, at)?.status ?? '')) return p;
  }
  for (let k = 1; k < count; k++) {
    const p = w.products[(r + k) % count]!;
    if (SELLABLE.has(stateAt(p, at)?.status ?? '')) return p;
  }
  return w.products[r]!;
}


/**
 * Parcel statuses the order itself shows: it embeds its parcels (nativeLogistics), its lines show
 * shipped / picked up / signed for (logisticsStatus), so these changes re-save the order.
 */
export const ORDER_VISIBLE = new Set(['WAITACCEPT', 'ACCEPT', 'SIGN', 'CANCEL']);

/** Longest time from an order's creation to its last event; older orders only change by nightly touches. */
export const MAX_LIFE = 120 * DAY;

/** Builds the full plan of order `index`. Pure: the same world and index always give the same plan. */
export function planOrder(w: World, index: number): OrderPlan {
  const { seed, clock } = w;
  const rng = streamRng(seed, Stream.Order, index);
  const batch = batchOf(w, index);
  const T0 = createMs(w, index);
  const stamp = clock.localStamp(T0);
  const head = `${stamp.yy}${stamp.mm}${stamp.dd}${pad(stamp.secondOfDay, 5)}`;
  // 18 digits: local date and second of creation, 3 free digits, then 4 digits unique among orders
  // created in the same second (a permutation of index mod 9000) whose last digit is never 0: a double
  // prints an 18-digit number with 17 significant digits, so the Long twin always differs from the string.
  const v = ((index % 9000) * 7919 + 1234) % 9000;
  const tail = `${pad(Math.floor(v / 9), 3)}${1 + (v % 9)}`;
  const u = rng.int(0, 499);
  const id = `${head}${pad(u, 3)}${tail}`;
  // Line ids share the order's head and tail; their middle digits (500-999) never meet an order's (000-499).
  const subId = (k: number): string => `${head}${pad(500 + ((u + 7 * k) % 500), 3)}${tail}`;
  const altOffset = rng.chance(0.05) ? rng.pick([-420, 0, 540, -300]) : null;
  const buyerIndex = rng.zipf(w.buyers.length);
  const buyer = w.buyers[buyerIndex]!;
  const receiver: Receiver = rng.chance(0.85)
    ? w.receivers[buyerIndex]!
    : (() => {
      const city = rng.pick(CITIES);
      return { name: personName(rng), mobile: mobile(rng), phone: '', city, district: rng.pick(city.districts), address: `${rng.pick(STREETS)}${rng.int(1, 999)}号` };
    })();

  // Lines: real products and SKUs on sale at creation, at the prices of that moment.
  const n = lineCount(rng);
  const grossRaw: number[] = [];
  const lines: LinePlan[] = [];
  for (let k = 0; k < n; k++) {
    const product = pickProduct(w, rng, batch.products, T0);
    const state = stateAt(product, T0);
    const s = sku(seed, product, rng.zipf(product.skuCount));
    const l = product.leaf.leaf;
    const q = Math.max(product.minOrder, niceQuantity(rng.logUniform(Math.max(1, l.qty[0]), Math.max(2, l.qty[1])), 10));
    const fractional = rng.chance(0.005);
    const q10 = q * 10 + (fractional ? rng.int(1, 9) : 0);
    const price = unitPrice(product, s, q, state?.priceBp ?? 10_000);
    grossRaw.push(price * q10);
    lines.push({
      k,
      subId: subId(k),
      product,
      sku: s,
      title: subject(product, state?.titleVariant ?? 0),
      q10,
      factor: fractional ? 10 : 1,
      price,
      itemFen: 0,
      entryFen: 0,
    });
  }
  // Exact money: gross in 1e-5 yuan, sumProductPayment rounded half-up to fen, discounts allocated in fen.
  const sppFen = Math.floor((grossRaw.reduce((a, b) => a + b, 0) + 500) / 1000);
  const baseFen = allocate(sppFen, grossRaw);
  let discountFen = 0;
  let couponFen = 0;
  const dr = rng.next();
  if (dr < 0.06 && sppFen >= 3000) {
    couponFen = [300, 500, 1000, 2000, 5000].filter((c) => c * 10 <= sppFen).pop() ?? 300;
    discountFen = couponFen;
  } else if (dr < 0.12) {
    discountFen = sppFen % 100 || Math.round(sppFen * rng.real(0.01, 0.08));
  } else if (dr < 0.18) {
    discountFen = Math.round(sppFen * rng.real(0.01, 0.08));
  } else if (dr < 0.185) {
    discountFen = -Math.round(sppFen * rng.real(0.01, 0.05));
  }
  const entry = allocate(discountFen, baseFen);
  lines.forEach((l, i) => {
    l.entryFen = entry[i]!;
    l.itemFen = baseFen[i]! - entry[i]!;
  });
  const shippingFen = rng.chance(0.4) ? 0 : rng.pick([500, 600, 680, 800, 1000, 1200, 1250, 1500, 2000, 2500, 3000, 4500]);
  const totalFen = lines.reduce((a, l) => a + l.itemFen, 0) + shippingFen;
  const sppRoll = rng.next();

  // Payment mode and fate.
  const payRoll = rng.next();
  const payWay: PayWay = payRoll < 0.08 ? 'period' : payRoll < 0.12 && totalFen >= 50_000 ? 'steps' : 'alipay';
  const phaseCount = payWay === 'steps' ? (rng.chance(0.7) ? 2 : 3) : 1;
  const phaseFen = phaseCount === 1 ? [totalFen] : allocate(totalFen, phaseCount === 2 ? [3, 7] : [3, 4, 3]);
  const phases: PhasePlan[] = phaseFen.map((fen, i) => ({ fen, paidMs: null, id: `8${rng.digits(8)}${perm9(index * 4 + i)}` }));
  const status: Array<[number, string]> = [[T0, 'waitbuyerpay']];
  let finalMs: number | null = null;
  let closeReason: string | null = null;
  let payMs: number | null = null;
  let settleMs: number | null = null;
  let periodDeadline: number | null = null;
  let confirmMs: number | null = null;
  let successMs: number | null = null;
  let receivedMs: number | null = null;
  let parcels: ParcelPlan[] = [];
  const refunds: RefundPlan[] = [];
  const alipayDigits = rng.digits(15);

  const fate = rng.next();
  if (fate < 0.03) {
    finalMs = T0 + Math.round(rng.real(10 * MINUTE, 8 * HOUR));
    closeReason = '买家取消订单';
    status.push([finalMs, 'cancel']);
  } else if (fate < 0.09) {
    finalMs = clock.nextBatch(T0 + 72 * HOUR);
    closeReason = '超时未付款，交易自动关闭';
    status.push([finalMs, 'cancel']);
  } else {
    const pr = rng.next();
    payMs = T0 + Math.round(payWay === 'period' ? rng.real(1, 30) * MINUTE : pr < 0.7 ? rng.real(1, 30) * MINUTE : pr < 0.95 ? rng.real(0.5, 12) * HOUR : rng.real(12, 48) * HOUR);
    phases[0]!.paidMs = payMs;
    status.push([payMs, 'waitsellersend']);
    if (payWay === 'period') {
      periodDeadline = clock.batchAfterDays(T0, 30);
      settleMs = Math.max(payMs + DAY, periodDeadline - Math.round(rng.real(0, 10) * DAY));
    }
    if (rng.chance(0.006)) {
      finalMs = payMs + Math.round(rng.real(1 * HOUR, 5 * DAY));
      closeReason = '交易终止';
      status.push([finalMs, 'terminated']);
      settleMs = null;
    } else {
      let ready = payMs;
      if (phaseCount > 1) {
        ready = payMs + Math.round(rng.real(2 * HOUR, 3 * DAY));
        phases[1]!.paidMs = ready;
      }
      const sr = rng.next();
      const ship1 = ready + Math.round(sr < 0.5 ? rng.real(2, 24) * HOUR : sr < 0.9 ? rng.real(24, 48) * HOUR : rng.real(48, 96) * HOUR);
      const split = n >= 2 && rng.chance(0.08);
      const m = split ? rng.int(1, n - 1) : n;
      const groups = split ? [[...Array(m).keys()], [...Array(n - m).keys()].map((i) => i + m)] : [[...Array(n).keys()]];
      let at = ship1;
      parcels = groups.map((g, p) => {
        const parcel = planParcel(rng, index, p, g, at, p === 0 ? shippingFen : 0);
        at += Math.round(rng.real(12, 72) * HOUR);
        return parcel;
      });
      // Order status follows the parcels: all created? all picked up?
      const marks = [...new Set(parcels.flatMap((x) => [x.createMs, x.pickupMs]))].sort((a, b) => a - b);
      for (const t of marks) {
        const created = parcels.filter((x) => x.createMs <= t);
        const s = created.length < parcels.length ? 'waitsellersend' : created.some((x) => x.pickupMs > t) ? 'waitlogisticstakein' : 'waitbuyerreceive';
        if (s !== status[status.length - 1]![1]) status.push([t, s]);
      }
      const allShipped = Math.max(...parcels.map((x) => x.createMs));
      const lastSigned = parcels.reduce((a, b) => (b.signMs > a.signMs ? b : a));
      const D = lastSigned.signMs;
      receivedMs = D;
      const signRoll = rng.next();
      if (signRoll < 0.25) {
        const out = lastSigned.steps.find((s) => s.kind === 'delivering')?.t ?? D - HOUR;
        if (out > status[status.length - 1]![0]) status.push([out, 'waitbuyersign']);
        status.push([D, 'signinsuccess']);
      } else if (signRoll < 0.6) {
        status.push([D, 'signinsuccess']);
      }
      if (rng.chance(0.55)) {
        confirmMs = D + Math.round(rng.real(2 * HOUR, 5 * DAY));
        successMs = clock.nextBatch(confirmMs);
      } else {
        successMs = Math.max(clock.batchAfterDays(allShipped, 10), clock.nextBatch(D));
      }

      // In-sale refund: applied between payment and completion.
      if (rng.chance(0.06) && successMs - 2 * HOUR > payMs + 10 * MINUTE) {
        const apply = Math.round(rng.real(payMs + 10 * MINUTE, successMs - 2 * HOUR));
        const firstPickup = Math.min(...parcels.map((x) => x.pickupMs));
        const goodsStatus: 1 | 2 = apply < D ? 1 : 2;
        const onlyRefund = apply < firstPickup ? true : apply < D ? rng.chance(0.7) : rng.chance(0.4);
        const r = planRefund(rng, index, 1, lines, null, apply, goodsStatus, onlyRefund, apply < firstPickup ? shippingFen : 0);
        refunds.push(r);
        const end = r.steps[r.steps.length - 1]!;
        const full = r.lines.length === n && r.applyFen === lines.reduce((a, l) => a + l.itemFen, 0);
        if (full && end.status === 'refundsuccess') {
          // A full refund closes the order; nothing after it happens, a parcel not yet picked up is cancelled.
          const cut = end.t;
          while (status.length > 1 && status[status.length - 1]![0] >= cut) status.pop();
          status.push([cut, 'cancel']);
          finalMs = cut;
          closeReason = '退款成功，交易关闭';
          confirmMs = null;
          successMs = null;
          if (receivedMs >= cut) receivedMs = null;
          parcels = parcels.filter((x) => x.createMs < cut);
          for (const x of parcels) {
            if (x.pickupMs >= cut) {
              x.statuses = [...x.statuses.filter(([t]) => t < cut), [cut, 'CANCEL']];
              x.steps = [];
              x.pickupMs = Infinity;
              x.signMs = Infinity;
            }
          }
          for (const ph of phases) if (ph.paidMs !== null && ph.paidMs >= cut) ph.paidMs = null;
          if (settleMs !== null && settleMs >= cut) settleMs = null;
        } else if (confirmMs !== null && confirmMs <= end.t) {
          confirmMs = end.t + Math.round(rng.real(1 * HOUR, 1 * DAY));
          successMs = clock.nextBatch(confirmMs);
        } else if (successMs <= end.t) {
          successMs = clock.nextBatch(end.t);
        }
      }
      if (successMs !== null) {
        if (confirmMs !== null) status.push([confirmMs, 'confirm_goods']);
        status.push([successMs, 'success']);
        finalMs = successMs;
        if (phaseCount === 3) phases[2]!.paidMs = confirmMs ?? successMs - MINUTE;
        // After-sales refund: applied days after completion.
        if (rng.chance(0.045)) {
          const apply = successMs + Math.round(rng.real(1 * DAY, 20 * DAY));
          const refunded = refundedSoFar(refunds, lines);
          const r = planRefund(rng, index, 2, lines, refunded, apply, rng.chance(0.7) ? 2 : 3, rng.chance(0.4), 0);
          if (r.applyFen > 0) refunds.push(r);
        }
      }
    }
  }
  status.sort((a, b) => a[0] - b[0]);

  const invoice: InvoicePlan | null = rng.chance(0.2)
    ? (() => {
      const type: 0 | 1 = rng.chance(0.6) ? 0 : 1;
      const statuses: Array<[number, string]> = [[T0, 'INIT']];
      const last = status[status.length - 1]!;
      if (last[1] === 'success') statuses.push([last[0], 'ISSUED']);
      else if (last[1] === 'cancel' || last[1] === 'terminated') statuses.push([last[0], 'CLOSED']);
      return { localId: `2${rng.digits(3)}${perm9(index)}`, type, blobType: rng.chance(0.01) ? 9 : type, statuses, email: buyer.email };
    })()
    : null;
  const outterId = rng.chance(0.04) ? `ERP${stamp.yy}${stamp.mm}${stamp.dd}${rng.digits(6)}` : null;
  const memo = rng.chance(0.1) ? rng.pick(BUYER_MEMOS) : null;

  const times = new Set<number>(status.map(([t]) => t));
  for (const ph of phases) if (ph.paidMs !== null) times.add(ph.paidMs);
  if (settleMs !== null) times.add(settleMs);
  let lastEventMs = T0;
  for (const x of parcels) {
    for (const [t, s] of x.statuses) {
      if (ORDER_VISIBLE.has(s)) times.add(t);
      lastEventMs = Math.max(lastEventMs, t);
    }
    for (const st of x.steps) lastEventMs = Math.max(lastEventMs, st.t);
  }
  for (const r of refunds) for (const s of r.steps) times.add(s.t);
  const sorted = [...times].sort((a, b) => a - b);
  lastEventMs = Math.max(lastEventMs, sorted[sorted.length - 1]!);
  if (lastEventMs - T0 > MAX_LIFE) throw new Error(`order ${index} plans events ${Math.round((lastEventMs - T0) / DAY)} days after creation, beyond MAX_LIFE`);

  return {
    index, id, createMs: T0, altOffset, buyer, receiver, lines, sppFen, discountFen, couponFen, shippingFen, totalFen,
    sppColumn: sppRoll < 0.01 ? 'empty' : sppRoll < 0.02 ? 'null' : 'amount',
    payWay, payMs, settleMs, periodDeadline, phases,
    alipaySuffix: `22001${alipayDigits}`,
    status, finalMs, closeReason, confirmMs, successMs, receivedMs, parcels, refunds, invoice, outterId, memo,
    times: sorted, lastEventMs,
  };
}

/** Fen already refunded (or being refunded) per line by earlier refunds. */
function refundedSoFar(refunds: RefundPlan[], lines: LinePlan[]): number[] {
  const out = lines.map(() => 0);
  for (const r of refunds) {
    if (r.steps[r.steps.length - 1]!.status !== 'refundsuccess') continue;
    const parts = allocate(r.finalFen, r.lines.map((i) => lines[i]!.itemFen));
    r.lines.forEach((i, k) => (out[i]! += parts[k]!));
  }
  return out;
}

function planRefund(rng: Rng, index: number, disputeType: 1 | 2, lines: LinePlan[], refunded: number[] | null, apply: number, goodsStatus: 1 | 2 | 3, onlyRefund: boolean, carriageFen: number): RefundPlan {
  const all = rng.chance(0.3) || lines.length === 1;
  const chosen = all ? lines.map((l) => l.k) : [rng.int(0, lines.length - 1)];
  const room = chosen.reduce((a, i) => a + lines[i]!.itemFen - (refunded?.[i] ?? 0), 0);
  const partial = rng.chance(0.25);
  const applyFen = Math.max(0, partial ? Math.round(room * rng.real(0.3, 0.8)) : room);
  const full = all && !partial && refunded === null;
  const applyCarriageFen = full ? carriageFen : 0;
  const steps: RefundStep[] = [{ t: apply, status: 'waitselleragree', role: 1 }];
  let t = apply;
  const go = (dt: number, status: string, role: 1 | 2 | 3) => {
    t += Math.max(1000, Math.round(dt));
    steps.push({ t, status, role });
  };
  const outcome = rng.next();
  if (outcome < 0.1) {
    go(rng.real(2 * HOUR, 1 * DAY), 'waitbuyermodify', 2);
    go(rng.real(1 * HOUR, 2 * DAY), 'waitselleragree', 1);
  }
  let success = true;
  if (outcome >= 0.1 && outcome < 0.3) {
    go(rng.real(1 * DAY, 5 * DAY), 'refundclose', rng.chance(0.5) ? 1 : 2);
    success = false;
  } else if (onlyRefund) {
    go(rng.real(10 * MINUTE, 2 * DAY), 'refundsuccess', rng.chance(0.85) ? 2 : 3);
  } else {
    go(rng.real(1 * HOUR, 1 * DAY), 'waitbuyersend', 2);
    go(rng.real(1 * DAY, 3 * DAY), 'waitsellerreceive', 1);
    go(rng.real(1 * DAY, 3 * DAY), 'refundsuccess', 2);
  }
  const negotiated = success && rng.chance(0.1) ? Math.round(applyFen * rng.real(0.7, 0.95)) : applyFen;
  const w = rng.next();
  return {
    id: `1${rng.digits(7)}${perm9(index * 2 + disputeType - 1)}`,
    disputeType,
    lines: chosen,
    applyFen,
    applyCarriageFen,
    finalFen: negotiated,
    finalCarriageFen: applyCarriageFen,
    steps,
    reason: REFUND_REASONS[rng.weighted(REFUND_REASON_WEIGHTS)]!,
    goodsStatus,
    onlyRefund,
    isKeys: rng.chance(0.5),
    wrapper: w < 0.8 ? 0 : w < 0.88 ? 1 : w < 0.95 ? 2 : 3,
    opSeed: rng.digits(6),
  };
}

function planParcel(rng: Rng, index: number, p: number, lines: number[], createMs: number, carriageFen: number): ParcelPlan {
  const carrier = CARRIERS[rng.weighted(CARRIER_WEIGHTS)]!;
  const online = rng.chance(0.85);
  const noget = online && rng.chance(0.01);
  const key = index * 4 + p;
  const statuses: Array<[number, string]> = [[createMs, online ? 'WAITACCEPT' : 'ACCEPT']];
  let pickupMs = createMs;
  if (online) {
    if (noget) {
      const failed = createMs + Math.round(rng.real(4, 12) * HOUR);
      statuses.push([failed, 'NOGET']);
      pickupMs = failed + Math.round(rng.real(12, 30) * HOUR);
    } else {
      pickupMs = createMs + Math.round(rng.real(1, 10) * HOUR);
    }
    statuses.push([pickupMs, 'ACCEPT']);
  }
  const sameCity = rng.chance(0.04);
  const unsign = rng.chance(0.01);
  const middle = sameCity ? 0 : unsign ? 0 : rng.int(0, 1);
  const deliverMs = pickupMs + Math.round(sameCity ? rng.real(4, 20) * HOUR : rng.real(1, 4) * DAY);
  const steps: Array<{ t: number; kind: StepKind }> = [{ t: pickupMs, kind: 'got' }];
  const outFor = deliverMs - Math.round(rng.real(1, 5) * HOUR);
  if (!sameCity) {
    const depart = pickupMs + Math.round(rng.real(1, 4) * HOUR);
    const arrive = deliverMs - Math.round(rng.real(6, 12) * HOUR);
    steps.push({ t: depart, kind: 'depart' });
    if (middle === 1) {
      const span = arrive - depart;
      steps.push({ t: depart + Math.round(span * rng.real(0.2, 0.45)), kind: 'hubIn' });
      steps.push({ t: depart + Math.round(span * rng.real(0.5, 0.8)), kind: 'hubOut' });
    }
    steps.push({ t: arrive, kind: 'arrive' });
  }
  const short = sameCity && rng.chance(0.5);
  if (!short) steps.push({ t: outFor, kind: 'delivering' });
  let signMs = deliverMs;
  if (unsign) {
    steps.push({ t: deliverMs, kind: 'failed' });
    signMs = deliverMs + Math.round(rng.real(20, 30) * HOUR);
  }
  steps.push({ t: signMs, kind: 'signed' });
  for (let i = 1; i < steps.length; i++) if (steps[i]!.t <= steps[i - 1]!.t) steps[i]!.t = steps[i - 1]!.t + Math.round(rng.real(10, 50) * MINUTE);
  signMs = steps[steps.length - 1]!.t;
  if (steps.length > 2) statuses.push([steps[1]!.t, 'TRANSPORT']);
  if (unsign) statuses.push([steps.find((s) => s.kind === 'failed')!.t, 'UNSIGN']);
  statuses.push([signMs, 'SIGN']);
  const lp = rng.chance(0.1);
  const vr = rng.next();
  return {
    p,
    lines,
    carrier,
    online,
    logisticsId: lp ? `LP00${rng.digits(6)}${perm9(key)}` : `BX1100${rng.digits(2)}${perm9(key)}`,
    billNo: `${carrier.billPrefix}${rng.digits(carrier.billDigits - 9)}${perm9(key)}`,
    itemsId: `1${rng.digits(5)}${perm9(key)}`,
    createMs,
    pickupMs,
    signMs,
    statuses,
    steps,
    hub: rng.pick(CITIES),
    carriageFen,
    itemsShape: rng.chance(0.1),
    route: steps.length >= 3 && vr < 0.06 ? 'swap' : vr < 0.11 ? 'dup' : vr < 0.16 ? 'trace' : 'plain',
    qtyAsNumber: rng.chance(0.2),
    courier: personName(rng).slice(0, 1) + '师傅',
    courierPhone: mobile(rng),
    signer: rng.pick(SIGNERS),
  };
}

/** The last nightly-batch touch of an order at or before `until` (1688 re-saves about 1% of orders each night). */
export function lastTouch(w: World, index: number, created: number, until: number): number | null {
  const rng = streamRng(w.seed, Stream.Touch, index);
  let night = 0;
  let last: number | null = null;
  for (;;) {
    night += 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(0.99));
    const t = w.clock.batchAfterDays(created, night);
    if (t > until) return last;
    last = t;
  }
}
