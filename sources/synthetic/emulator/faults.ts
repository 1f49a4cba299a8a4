// The gateway's bad days, on purpose: a per-app rate limit over any one-second window, and a share of
// calls that fail (HTTP 500 or 503, a timeout held before a 504, or a 200 whose JSON is cut short),
// chosen from the seed and the call's sequence number so that a test sees the same faults every run.
import { Rng } from '../random.js';

export type FaultKind = 'error500' | 'error503' | 'timeout' | 'truncated';
export const FAULT_KINDS: readonly FaultKind[] = ['error500', 'error503', 'timeout', 'truncated'];

/** At most `perSecond` accepted calls in any window of one second (a sliding log of call instants). */
export class RateLimiter {
  private readonly times: number[] = [];

  constructor(private readonly perSecond: number, private readonly now: () => number = () => performance.now()) {}

  /** Records the call and says yes, or says no (a refused call is not counted). */
  allow(): boolean {
    const t = this.now();
    while (this.times.length > 0 && t - this.times[0]! >= 1000) this.times.shift();
    if (this.times.length >= this.perSecond) return false;
    this.times.push(t);
    return true;
  }
}

/** Which calls fail, and how: a pure function of (seed, call sequence number). */
export class FaultPlan {
  constructor(private readonly rate: number, private readonly seed: number) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate ${rate} is not between 0 and 1`);
  }

  pick(seq: number): FaultKind | null {
    if (this.rate === 0) return null;
    const rng = new Rng(this.seed >>> 0, Math.floor(this.seed / 2 ** 32) >>> 0, seq >>> 0, 0x0fa17);
    if (rng.next() >= this.rate) return null;
    return FAULT_KINDS[rng.int(0, FAULT_KINDS.length - 1)]!;
  }
}

/** A body cut to half its bytes: JSON no parser accepts. */
export function truncate(body: Buffer): Buffer {
  return body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
}
