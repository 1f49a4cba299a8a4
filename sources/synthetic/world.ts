// The world order plans are drawn in: the seed, the zones, the catalog and the parties, and the batches
// of new orders each run added, with the instant each order was created (spread over the hours of the day
// as 1688 stores receive them) and the nightly touches that re-save old orders.
import { chinaClock, DAY, HOUR, MINUTE, type ZoneClock } from './clock.js';
import type { Product } from './catalog.js';
import type { Receiver } from './order-plan.js';
import { buyers as makeBuyers, seller as makeSeller, type Party } from './parties.js';
import { hashUnit, Stream, streamRng } from './random.js';


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
