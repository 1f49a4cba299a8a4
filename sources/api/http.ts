// One HTTP exchange with the API: waits for the rate gate, builds the form at the moment it leaves (so
// timestamps, nonces and the current token are fresh), POSTs it with a per-call timeout, reads the text.
// Never throws: a failure is an Exchange too, for classify() to judge.
import type { Exchange } from './errors.js';
import type { RateGate } from './limits.js';

export interface Sent {
  exchange: Exchange;
  /** Time from leaving the gate to the end of the answer. */
  ms: number;
}

export interface HttpOptions {
  gate: RateGate;
  timeoutMs: number;
  /** The fetch to use: Node's global (undici) unless a test passes another real one. */
  fetch?: typeof fetch;
  /** Counts each request that leaves, by purpose. */
  onSend?: (purpose: 'call' | 'refresh') => void;
}

export class Http {
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly opts: HttpOptions) {
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  /** POSTs `build()` as application/x-www-form-urlencoded to `url`. */
  async postForm(url: string, build: () => Record<string, string>, purpose: 'call' | 'refresh', signal: AbortSignal): Promise<Sent> {
    try {
      await this.opts.gate.take(signal);
    } catch (error) {
      return { exchange: { kind: 'failure', error, timedOut: false, aborted: true }, ms: 0 };
    }
    const started = performance.now();
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new Error(`no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    try {
      const body = new URLSearchParams(build());
      this.opts.onSend?.(purpose);
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
        body,
        signal: AbortSignal.any([signal, timer.signal]),
      });
      const raw = await res.text();
      return { exchange: { kind: 'response', status: res.status, raw }, ms: performance.now() - started };
    } catch (error) {
      return { exchange: { kind: 'failure', error, timedOut: timer.signal.aborted && !signal.aborted, aborted: signal.aborted }, ms: performance.now() - started };
    } finally {
      clearTimeout(timeout);
    }
  }
}

/** The HTTP status of an exchange; 0 when no answer arrived. */
export function statusOf(ex: Exchange): number {
  return ex.kind === 'response' ? ex.status : 0;
}
