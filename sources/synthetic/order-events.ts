// The events after payment that an order plan draws from the order's stream: the journey of each parcel
// (pick-up, carrier scans, signing) and the refunds (their steps, amounts and outcome).
import { DAY, HOUR, MINUTE } from './clock.js';
import { allocate, perm9 } from './format.js';
import type { LinePlan, ParcelPlan, RefundPlan, RefundStep, StepKind } from './order-plan.js';
import { mobile, personName } from './parties.js';
import type { Rng } from './random.js';
import { CARRIER_WEIGHTS, CARRIERS, CITIES, REFUND_REASON_WEIGHTS, REFUND_REASONS, SIGNERS } from './vocabulary.js';

/** Fen already refunded (or being refunded) per line by earlier refunds. */
export function refundedSoFar(refunds: RefundPlan[], lines: LinePlan[]): number[] {
  const out = lines.map(() => 0);
  for (const r of refunds) {
    if (r.steps[r.steps.length - 1]!.status !== 'refundsuccess') continue;
    const parts = allocate(r.finalFen, r.lines.map((i) => lines[i]!.itemFen));
    r.lines.forEach((i, k) => (out[i]! += parts[k]!));
  }
  return out;
}

/** A refund of some of the lines applied at `apply`, and how it ends. */
export function planRefund(rng: Rng, index: number, disputeType: 1 | 2, lines: LinePlan[], refunded: number[] | null, apply: number, goodsStatus: 1 | 2 | 3, onlyRefund: boolean, carriageFen: number): RefundPlan {
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

/** Parcel `p` of order `index` carrying `lines`, created at `createMs`: its carrier, statuses and route. */
export function planParcel(rng: Rng, index: number, p: number, lines: number[], createMs: number, carriageFen: number): ParcelPlan {
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
