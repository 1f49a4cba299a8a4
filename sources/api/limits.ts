// How hard the API client presses: a rate gate (a token bucket holding one token, so calls leave evenly
// spaced and never in a burst the gateway would throttle), a cap on calls in flight, and an abortable sleep.

/** Spaces every request of one client at least 1/rate seconds apart, in the order they asked. */
export class RateGate {
  private readonly intervalMs: number;
  /** The next free slot: each request reserves one, so waiters leave in order. */
  private next = 0;
  /** When the last request actually left. */
  private last = -Infinity;
  constructor(perSecond: number) {
    if (!(perSecond > 0)) throw new RangeError(`rate must be above 0 calls per second, got ${perSecond}`);
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves when this request may leave; a slot given up by an abort stays used (the gate errs on the safe side). */
  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const at = Math.max(performance.now(), this.next);
    this.next = at + this.intervalMs;
    // The spacing holds on actual departures too: a timer that fired late must not leave the next one
    // too close behind it. Waits are rounded up since timers may fire up to a millisecond early.
    for (;;) {
      const now = performance.now();
      const wait = Math.max(at - now, this.last + this.intervalMs - now);
      if (wait <= 0) break;
      await sleep(Math.ceil(wait), signal);
    }
    this.last = performance.now();
  }
}

/** At most `size` holders at once; waiters are served in order and leave the queue when their signal aborts. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`concurrency must be a whole number of at least 1, got ${size}`);
  }

  get inFlight(): number {
    return this.active;
  }

  /** Resolves with the release function once a place is free. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.size) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      this.waiting.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // The place passes straight to the next waiter, so `active` stays counted.
      if (next) next();
      else this.active--;
    };
  }
}

/** Waits `ms`; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter: a random wait between 0 and min(cap, base × 2^(attempt−1)). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1)));
}
