// Exact text for money and ids: amounts are integers (fen, or 1e-4 yuan for unit prices) until they are
// written; ids are decimal strings and go into JSON as bare digits, never through a double.

/** Yuan text from fen, shortest form, as a JSON number would print it: 1230 -> "12.3", 1200 -> "12". */
export function yuan(fen: number): string {
  if (fen < 0) return `-${yuan(-fen)}`;
  const f = fen % 100;
  const i = (fen - f) / 100;
  return f === 0 ? String(i) : f % 10 === 0 ? `${i}.${f / 10}` : `${i}.${f < 10 ? '0' : ''}${f}`;
}

/** Yuan text from 1e-4 yuan (unit prices may have 3-4 decimals): 350 -> "0.035". */
export function yuan4(units: number): string {
  if (units < 0) return `-${yuan4(-units)}`;
  const f = units % 10_000;
  const i = (units - f) / 10_000;
  if (f === 0) return String(i);
  return `${i}.${String(f).padStart(4, '0').replace(/0+$/, '')}`;
}

/** decimal(10,3) column text from fen: 1230 -> "12.300". */
export function dec3(fen: number): string {
  const neg = fen < 0;
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}0`;
}

/** A double written the way Java prints one: 1234 -> "1234.0". */
export function javaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/**
 * The Long twin of an id above 2^53, as a JavaScript (or Java double) serialiser prints it after
 * rounding: "240517803316129437" -> "240517803316129440". The string twin keeps the exact digits.
 */
export function lossyLong(digits: string): string {
  return String(Number(digits));
}

/** Splits an integer total over weights; the parts are integers summing exactly to the total. */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (weights.length <= 1) return weights.length === 0 ? [] : [total];
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) {
    const out = weights.map(() => 0);
    out[0] = total;
    return out;
  }
  const raw = weights.map((w) => total * (w / sum));
  const out = raw.map((r) => Math.floor(r));
  let rest = total - out.reduce((a, b) => a + b, 0);
  // Remainder units go to the largest fractional parts; weight-0 entries never get one.
  const order = raw
    .map((r, i) => [r - Math.floor(r), i] as const)
    .filter(([, i]) => weights[i] !== 0)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) out[order[k]![1]]! += 1;
  return out;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** A JSON string literal (JSON.stringify only for the rare strings that need escapes). */
export const str = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/** `"key":value` pairs joined into an object, skipping pairs whose value is undefined. */
export function obj(pairs: ReadonlyArray<readonly [string, string | undefined]>): string {
  const parts: string[] = [];
  for (const [k, v] of pairs) if (v !== undefined) parts.push(`"${k}":${v}`);
  return `{${parts.join(',')}}`;
}

/** Bijection of [0, 10^9): spreads consecutive keys so ids look random yet never collide. */
export function perm9(x: number): string {
  return String((((x % 1e9) * 7654321 + 583920417) % 1e9)).padStart(9, '0');
}

/** Bijection of [0, 10^6). */
export function perm6(x: number): string {
  return String((((x % 1e6) * 738119 + 318023) % 1e6)).padStart(6, '0');
}

/** Bijection of [0, 10^8). */
export function perm8(x: number): string {
  return String((((x % 1e8) * 37500001 + 60913527) % 1e8)).padStart(8, '0');
}
