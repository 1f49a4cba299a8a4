// Exact decimals for amounts, prices and quantities: scaled BigInt integers from decimal text, never
// floats. A value with more decimals than its column holds is a DataError; nothing is rounded silently
// (the one rounding, gross amount to the fen, is explicit: roundHalfUp).
import { DataError } from '../lib/errors.js';
import { found, type Raw } from './values.js';

/** Scales of the warehouse's decimal columns. */
export const YUAN = 2;
export const YUAN3 = 3;
export const PRICE = 4;
export const QTY = 4;

/** Every warehouse decimal is DECIMAL(18, s): at most 18 digits in all. */
const LIMIT = 10n ** 18n;
const POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/**
 * Decimal text ("12.3", "-1", "1.5E2", "0.30000") as an integer scaled by 10^scale (12.3 at scale 2 is
 * 1230n). More significant decimals than `scale` is a DataError; so is a value of more than 18 digits.
 */
export function toScaled(text: string, scale: number, field: string, what: string, raw: Raw = text): bigint {
  const m = DECIMAL.exec(text);
  const intPart = m?.[2] ?? '';
  const fracPart = m?.[3] ?? '';
  if (!m || (intPart === '' && fracPart === '')) {
    throw new DataError(field, `expected ${what}, found ${found(raw)}`);
  }
  let digits = intPart + fracPart;
  // Decimals in the text, after the exponent moved the point.
  const decimals = fracPart.length - (m[4] ? Number(m[4]) : 0);
  let shift = scale - decimals;
  if (shift < 0) {
    // Only zeros may be dropped: "12.300" fits scale 2, "12.305" does not.
    const cut = digits.length + shift;
    const dropped = cut > 0 ? digits.slice(cut) : digits;
    if (!/^0*$/.test(dropped)) {
      throw new DataError(field, `expected ${what} with at most ${scale} decimals, found ${found(raw)}`);
    }
    digits = cut > 0 ? digits.slice(0, cut) : '0';
    shift = 0;
  }
  if (shift > 40) {
    // A huge exponent on a non-zero value overflows anyway; a zero is a zero.
    if (/^0*$/.test(digits)) return 0n;
    throw new DataError(field, `expected ${what} of at most 18 digits, found ${found(raw)}`);
  }
  let v = BigInt(digits) * pow10(shift);
  if (v >= LIMIT) throw new DataError(field, `expected ${what} of at most 18 digits, found ${found(raw)}`);
  if (m[1] === '-') v = -v;
  return v;
}

/** Canonical text of a scaled integer with exactly `scale` decimals: 1230n at 2 is "12.30", -5n at 2 is "-0.05". */
export function formatScaled(v: bigint, scale: number): string {
  const neg = v < 0n;
  let s = (neg ? -v : v).toString();
  if (scale === 0) return neg ? '-' + s : s;
  if (s.length <= scale) s = '0'.repeat(scale - s.length + 1) + s;
  const out = s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
  return neg ? '-' + out : out;
}

/** Scaled value of a decimal field (JSON number, JSON string or column text); null when absent. */
export function readScaled(v: Raw, field: string, scale: number, what = 'a decimal number'): bigint | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new DataError(field, `expected ${what}, found ${found(v)}`);
  const s = v.trim();
  if (s === '') return null;
  return toScaled(s, scale, field, what, v);
}

export function readDecimal(v: Raw, field: string, scale: number, what?: string): string | null {
  const x = readScaled(v, field, scale, what);
  return x === null ? null : formatScaled(x, scale);
}

/** Yuan at 2 decimals from an integer number of fen: "615" is 615n (6.15 yuan); negatives allowed (-1). */
export function readFen(v: Raw, field: string): bigint | null {
  return readScaled(v, field, 0, 'a whole number of fen');
}

export function fenToYuan(v: Raw, field: string): string | null {
  const fen = readFen(v, field);
  return fen === null ? null : formatScaled(fen, YUAN);
}

/** Rounds a scaled value to fewer decimals, halves away from zero (BigDecimal ROUND_HALF_UP). */
export function roundHalfUp(v: bigint, fromScale: number, toScale: number): bigint {
  if (fromScale <= toScale) return v * pow10(toScale - fromScale);
  const d = pow10(fromScale - toScale);
  const neg = v < 0n;
  const a = neg ? -v : v;
  let q = a / d;
  if ((a % d) * 2n >= d) q += 1n;
  return neg ? -q : q;
}

/**
 * A line's goods value before discounts: unit price (4 decimals) × quantity (4 decimals), 8 decimals,
 * rounded half-up to the fen. The order and its lines compute their discounts with this one rule.
 */
export function grossAmount(price: bigint, quantity: bigint, field: string): bigint {
  return checkFits(roundHalfUp(price * quantity, PRICE + QTY, YUAN), field, 'a gross amount');
}

/** Refuses a computed value (a sum, a product) that no longer fits DECIMAL(18, s). */
export function checkFits(v: bigint, field: string, what: string): bigint {
  if (v >= LIMIT || v <= -LIMIT) throw new DataError(field, `expected ${what} of at most 18 digits, found ${v.toString()} (scaled)`);
  return v;
}
