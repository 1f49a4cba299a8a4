// An order's whole life as a plan (order-plan.ts): lines and amounts at creation, then every future event
// with its instant (payment, shipments, carrier scans, refunds, completion). The store at clock C shows each
// plan cut at C, so a later run can move the clock and see exactly which rows change.
import { HOUR, MINUTE, DAY } from './clock.js';
import { niceQuantity, SELLABLE, sku, stateAt, subject, unitPrice, type Product } from './catalog.js';
import { allocate, perm9 } from './format.js';
import { planParcel, planRefund, refundedSoFar } from './order-events.js';
import { MAX_LIFE, ORDER_VISIBLE, type InvoicePlan, type LinePlan, type OrderPlan, type ParcelPlan, type PayWay, type PhasePlan, type Receiver, type RefundPlan } from './order-plan.js';
import { mobile, personName } from './parties.js';
import { Stream, streamRng, type Rng } from './random.js';
import { BUYER_MEMOS, CITIES, STREETS } from './vocabulary.js';
import { batchOf, createMs, type World } from './world.js';

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
