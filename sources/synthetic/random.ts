// Seeded randomness for the synthetic store: one independent stream per entity, so any entity can be
// regenerated alone and the same seed always gives the same store (no Math.random, no clock).

/** Stream tags: each kind of entity draws from its own family of streams. */
export const enum Stream {
  Category = 1,
  Product = 2,
  ProductLife = 3,
  Buyer = 4,
  Order = 5,
  OrderTime = 6,
  Touch = 7,
  Seller = 8,
  /** The seller's API-only objects: freight templates, ship-from addresses, store categories. */
  ApiObject = 9,
  /**
   * Fields and personal-data traps added after the store's shape was fixed (trade types, steps, memos,
   * individual invoice titles, products without SKUs): drawn from their own stream so that every value
   * drawn before keeps its value.
   */
  Extra = 10,
}

// murmur3's 32-bit finaliser: spreads every input bit over the output.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0 || 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Uniform real in [lo, hi). */
  real(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An index drawn with the given relative weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** Log-uniform real in [lo, hi): as many values in 1–10 as in 10–100. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.exp(this.next() * Math.log(hi / lo));
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Index in [0, n) favouring small indexes (Zipf-like, exponent about 1). */
  zipf(n: number): number {
    return Math.min(n - 1, Math.floor(Math.exp(this.next() * Math.log(n + 1)) - 1));
  }

  /** n random decimal digits (leading zeros kept). */
  digits(n: number): string {
    let s = '';
    while (s.length < n) s += String(this.u32() % 1_000_000).padStart(6, '0');
    return s.slice(0, n);
  }

  /** n random lower-case hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

/** The stream for one entity: (seed, stream tag, index) always gives the same sequence. */
export function streamRng(seed: number, stream: Stream, index: number, sub = 0): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const i0 = index >>> 0;
  const i1 = Math.floor(index / 4294967296) >>> 0;
  return new Rng(
    fmix32(lo ^ Math.imul(stream, 0x9e3779b9)),
    fmix32(hi + Math.imul(i0, 0x85ebca77) + sub),
    fmix32(i0 ^ 0x27d4eb2f ^ Math.imul(i1 + 1, 0x165667b1)),
    fmix32(Math.imul(stream + 31, 0xc2b2ae3d) ^ lo ^ Math.imul(sub + 7, 0x9e3779b9)),
  );
}

/** One uniform number in [0, 1) for (seed, stream, index), without building a generator. */
export function hashUnit(seed: number, stream: Stream, index: number): number {
  const h = fmix32(fmix32((seed >>> 0) ^ Math.imul(stream, 0x9e3779b9)) ^ fmix32(index >>> 0) ^ Math.floor(index / 4294967296) ^ Math.floor(seed / 4294967296));
  return h / 4294967296;
}
