// Drift: orders changing while a client pages through a getSellerOrderList window, as on a live store.
// The first time a window is read at page 2 or later, a few orders of that window (the first ones of its
// first page) get a new baseInfo.modifyTime just before the store's simulated clock, in memory only:
// they leave any window that ends before that instant, every later page shifts forward by as many rows,
// and totalRecord shrinks. The overlay holds the order's blob with only the time text replaced; it
// lasts as long as the emulator, and is dropped for an order whose row the generator has since changed.
import type { ZoneClock } from '../clock.js';
import { objectMembers } from './json-text.js';
import { formatApiTime, offsetOfApiTime } from './times.js';

export interface DriftEntry {
  orderId: string;
  /** The new modify instant. */
  modifyMs: number;
  /** The blob with baseInfo.modifyTime replaced. */
  text: string;
  /** The order row's modify_time column when the overlay was made (a different value means the store moved on). */
  baseModifyColumn: string;
}

/** Where baseInfo.modifyTime's value lies in an order blob. */
export function modifyTimeRange(blob: string): { start: number; end: number } {
  const base = objectMembers(blob).find((m) => m.key === 'baseInfo');
  if (!base) throw new Error('order blob without baseInfo');
  const mt = objectMembers(blob, base.valueStart).find((m) => m.key === 'modifyTime');
  if (!mt) throw new Error('order blob without baseInfo.modifyTime');
  return { start: mt.valueStart, end: mt.valueEnd };
}

export class Drift {
  private readonly overlay = new Map<string, DriftEntry>();
  private readonly windows = new Set<string>();
  moved = 0;

  /** `perWindow`: orders moved per window (default 3); `lagMs`: how far before the clock they land. */
  constructor(readonly perWindow = 3, private readonly lagMs = 1000) {}

  /** True the first time a window (by its key) is asked about; the caller then moves orders. */
  firstTime(windowKey: string): boolean {
    if (this.windows.has(windowKey)) return false;
    this.windows.add(windowKey);
    return true;
  }

  /** Moves an order's modifyTime to just before the clock (written with the offset the blob used). */
  move(clock: ZoneClock, nowMs: number, order: { orderId: string; modifyTime: string; blob: string }): DriftEntry {
    const { start, end } = modifyTimeRange(order.blob);
    const old = JSON.parse(order.blob.slice(start, end)) as string;
    const modifyMs = nowMs - this.lagMs;
    const text = `${order.blob.slice(0, start)}"${formatApiTime(clock, modifyMs, offsetOfApiTime(old))}"${order.blob.slice(end)}`;
    const entry = { orderId: order.orderId, modifyMs, text, baseModifyColumn: order.modifyTime };
    this.overlay.set(order.orderId, entry);
    this.moved++;
    return entry;
  }

  /** The overlay of an order whose row still has the modify_time it had when moved; a stale one is dropped. */
  current(orderId: string, modifyColumn: string): DriftEntry | undefined {
    const e = this.overlay.get(orderId);
    if (e && e.baseModifyColumn !== modifyColumn) {
      this.overlay.delete(orderId);
      return undefined;
    }
    return e;
  }

  ids(): string[] {
    return [...this.overlay.keys()];
  }
}
