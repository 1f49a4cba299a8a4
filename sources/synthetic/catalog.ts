// The store's products and their life (audit, edits, reposts, expiry), their SKUs and prices. Every
// product is a pure function of (seed, index) and its creation window.
import { freightTemplateId, productTemplateIndex, SELLER_PAYS_TEMPLATE, storeCategoryId } from './api-ids.js';
import type { LeafNode } from './categories.js';
import { DAY, HOUR, MINUTE } from './clock.js';
import { perm6, perm8, str } from './format.js';
import { hashUnit, Rng, Stream, streamRng } from './random.js';
import { BRANDS, ORIGINS, TITLE_PREFIXES, TITLE_SUFFIXES } from './vocabulary.js';

/** One state of a product's life; a product's life is the list of its states in time order. */
export interface ProductState {
  t: number;
  kind: ProductEvent;
  status: string;
  lastUpdate: number;
  lastRepost: number | null;
  approved: number | null;
  expire: number | null;
  /** Price level in basis points of the listed base prices. */
  priceBp: number;
  stockSeed: number;
  titleVariant: number;
}

export type ProductEvent =
  | 'create' | 'audit' | 'approve' | 'reject' | 'publish' | 'price' | 'stock' | 'title' | 'repost' | 'expire' | 'offline' | 'tbd' | 'delete';

export interface Product {
  index: number;
  id: string;
  leaf: LeafNode;
  /** Stable products are the store's staples: always reposted, never taken down. */
  stable: boolean;
  createMs: number;
  skuCount: number;
  cols: number;
  colourStart: number;
  specStart: number;
  quoteType: 0 | 1;
  /** Listed base unit price in 1e-4 yuan, and the rounding step of prices (100 = fen, 10 or 1 for small parts). */
  basePrice: number;
  priceStep: number;
  tiers: Array<{ start: number; bp: number }>;
  minOrder: number;
  unit: string;
  weightG: number;
  qualityLevel: number | null;
  cargo: string | null;
  brand: string;
  material: string;
  origin: string;
  title: { prefix: string; feature: string; noun: string; suffix: string; nasty: string };
  nullBlob: boolean;
  /**
   * A product sold without SKUs (one variant, no skuInfos): its stock is saleInfo.amountOnSale alone, and
   * its order lines carry no skuID. Its single Sku still prices it.
   */
  noSku: boolean;
  /** Its store category (productInfo.groupID): the one for its level-2 category tree node. */
  groupId: string;
  /** Its freight template (shippingInfo.freightTemplateID): a base template of the store, or 1 (the seller pays). */
  freightTemplateId: string;
  /** Life states from creation up to the horizon it was built for (older states pruned, the last kept). */
  life: ProductState[];
  /** SKUs built so far (they are pure functions of the product and their index). */
  skus: Array<Sku | undefined>;
}

/** Days an offer stays on sale before it must be reposted. */
const VALIDITY = 90 * DAY;
const EDIT_MEAN = 15 * DAY;
const OFFLINE_MEAN = 400 * DAY;

export const SELLABLE = new Set(['published', 'modified']);

function skuCountOf(rng: Rng): number {
  const r = rng.next();
  if (r < 0.35) return 1;
  if (r < 0.7) return rng.int(2, 5);
  if (r < 0.9) return rng.int(6, 10);
  if (r < 0.97) return rng.int(11, 49);
  return rng.int(50, 100);
}

/** A quantity as a seller would write it: whole below 20, else rounded to 1/`parts` of its power of ten. */
export const niceQuantity = (q: number, parts: number): number => {
  if (q < 20) return Math.max(1, Math.round(q));
  const step = 10 ** Math.floor(Math.log10(q)) / parts;
  return Math.round(q / step) * step;
};

export interface ProductWindow {
  /** Creation instants are drawn in [from, to). */
  from: number;
  to: number;
}

/** Builds product `index`: its listing and its life until `horizon`, keeping states from `keepFrom` on. */
export function buildProduct(seed: number, index: number, leaves: LeafNode[], window: ProductWindow, horizon: number, keepFrom: number): Product {
  const rng = streamRng(seed, Stream.Product, index);
  const leaf = leaves[Math.floor(hashUnit(seed, Stream.Product, index) * leaves.length)]!;
  const l = leaf.leaf;
  const createMs = Math.floor(window.from + rng.next() * (window.to - window.from));
  const skuCount = skuCountOf(rng);
  const cols = Math.min(10, Math.ceil(Math.sqrt(skuCount)));
  const specs = Math.ceil(skuCount / cols);
  const yuanPrice = rng.logUniform(l.price[0], l.price[1]);
  const priceStep = yuanPrice >= 1 ? 100 : rng.pick([10, 1, 100]);
  const basePrice = Math.max(priceStep, Math.round((yuanPrice * 10_000) / priceStep) * priceStep);
  const quoteType: 0 | 1 = rng.chance(0.55) ? 1 : 0;
  const minOrder = niceQuantity(Math.max(1, l.qty[0] * rng.real(0.3, 1)), 2);
  const tierCount = rng.int(2, 4);
  const tiers = [{ start: minOrder, bp: 10_000 }];
  for (let k = 1; k < tierCount; k++) tiers.push({ start: niceQuantity(minOrder * 10 ** k * rng.real(1, 3), 2), bp: 10_000 - k * rng.int(300, 600) });
  const cargo = rng.chance(0.8) ? `${rng.pick(['HD', 'JY', 'A', 'YW', 'K', 'X'])}${rng.int(100, 99999)}` : null;
  const titleRoll = rng.next();
  const product: Product = {
    index,
    id: `6${rng.digits(5)}${perm6(index)}`,
    leaf,
    stable: rng.chance(0.55),
    createMs,
    skuCount,
    cols,
    colourStart: rng.int(0, 9),
    specStart: rng.int(0, 10 - specs),
    quoteType,
    basePrice,
    priceStep,
    tiers,
    minOrder,
    unit: rng.pick(l.units),
    weightG: Math.round(rng.real(l.weight[0], l.weight[1]) * 1000) || 1,
    qualityLevel: rng.chance(0.1) ? null : rng.int(0, 5),
    cargo,
    brand: rng.pick(BRANDS),
    material: rng.pick(l.materials),
    origin: rng.pick(ORIGINS),
    title: {
      prefix: rng.pick(TITLE_PREFIXES),
      feature: rng.pick(l.features),
      noun: rng.pick(l.nouns),
      suffix: rng.pick(TITLE_SUFFIXES),
      // A few titles carry characters that need escaping in JSON and SQL, or need 4-byte UTF-8.
      nasty: titleRoll < 0.03 ? '"爆款"' : titleRoll < 0.05 ? "工厂's 直供" : titleRoll < 0.06 ? '🔥' : titleRoll < 0.065 ? '\\加厚\\' : '',
    },
    nullBlob: rng.chance(0.01),
    noSku: skuCount === 1 && quoteType === 0 && hashUnit(seed, Stream.Extra, index) < 0.6,
    groupId: storeCategoryId(seed, leaf.path[1]!.id),
    freightTemplateId: templateOf(seed, index),
    life: [],
    skus: [],
  };
  product.life = productLife(streamRng(seed, Stream.ProductLife, index), product.stable, createMs, horizon, keepFrom);
  return product;
}

function templateOf(seed: number, index: number): string {
  const k = productTemplateIndex(index);
  return k === null ? SELLER_PAYS_TEMPLATE : freightTemplateId(seed, k);
}

/** The product's states from creation until the first event after `horizon` (not included). */
function productLife(rng: Rng, stable: boolean, createMs: number, horizon: number, keepFrom: number): ProductState[] {
  const states: ProductState[] = [];
  let s: ProductState = {
    t: createMs, kind: 'create', status: 'new', lastUpdate: createMs, lastRepost: null, approved: null, expire: null,
    priceBp: 10_000, stockSeed: 0, titleVariant: 0,
  };
  const keep = (next: ProductState) => {
    // Prune history before keepFrom but keep the last state before it (the state at keepFrom).
    if (states.length > 0 && states[states.length - 1]!.t < keepFrom && next.t <= keepFrom) states.pop();
    states.push(next);
  };
  keep(s);
  /** Moves to the next state `dt` later; false once past the horizon (the life is then complete enough). */
  const step = (dt: number, kind: ProductEvent, patch: Partial<ProductState>): boolean => {
    const t = s.t + Math.max(1000, Math.round(dt));
    if (t > horizon) return false;
    s = { ...s, ...patch, kind, t, lastUpdate: t };
    keep(s);
    return true;
  };
  const publish = (dt: number, kind: ProductEvent) => step(dt, kind, { status: 'published', lastRepost: kind === 'repost' ? s.t + Math.max(1000, Math.round(dt)) : s.lastRepost, expire: s.t + Math.max(1000, Math.round(dt)) + VALIDITY });

  // A new listing waits for submission, then 1688's audit (hours to days), then goes on sale.
  if (!step(rng.real(0.2, 24) * HOUR, 'audit', { status: 'auditing' })) return states;
  if (rng.chance(0.07)) {
    if (!step(rng.real(1, 48) * HOUR, 'reject', { status: 'untread' })) return states;
    if (!rng.chance(0.6)) return states;
    if (!step(rng.real(1, 5) * DAY, 'title', { status: 'auditing', titleVariant: s.titleVariant + 1 })) return states;
  }
  const approveDt = rng.real(1, 72) * HOUR;
  if (!step(approveDt, 'approve', { status: 'approved', approved: s.t + Math.max(1000, Math.round(approveDt)) })) return states;
  if (!publish(rng.real(5 * MINUTE, 48 * HOUR), 'publish')) return states;

  for (;;) {
    const tEdit = s.t + rng.exp(EDIT_MEAN);
    const tOff = stable ? Infinity : s.t + rng.exp(OFFLINE_MEAN);
    const willRepost = stable || rng.chance(0.6);
    const lead = rng.real(1, 10) * DAY;
    const tExp = Math.max(s.t + HOUR, willRepost ? s.expire! - lead : s.expire!);
    const next = Math.min(tEdit, tOff, tExp);
    if (next === tEdit) {
      const kind = rng.weighted([35, 45, 20]);
      if (kind === 0) {
        // An edited offer shows 'modified' until 1688 re-approves it (hours to a few days).
        if (!step(next - s.t, 'price', { status: 'modified', priceBp: Math.max(5000, Math.round(s.priceBp * rng.real(0.92, 1.08))) })) return states;
        if (!step(rng.real(2, 72) * HOUR, 'publish', { status: 'published' })) return states;
      } else if (kind === 1) {
        if (!step(next - s.t, 'stock', { stockSeed: s.stockSeed + 1 })) return states;
      } else {
        if (!step(next - s.t, 'title', { status: 'modified', titleVariant: s.titleVariant + 1 })) return states;
        if (rng.chance(0.3) && !step(rng.real(0.5, 3) * HOUR, 'audit', { status: 'auditing' })) return states;
        if (!step(rng.real(2, 72) * HOUR, 'publish', { status: 'published' })) return states;
      }
    } else if (next === tExp) {
      if (willRepost) {
        if (!publish(next - s.t, 'repost')) return states;
      } else {
        if (!step(next - s.t, 'expire', { status: rng.chance(0.7) ? 'auto expired' : 'expired' })) return states;
        const r = rng.next();
        if (r < 0.5) {
          if (!publish(rng.real(1, 60) * DAY, 'repost')) return states;
        } else if (r < 0.75) {
          step(rng.real(5, 60) * DAY, 'delete', { status: 'member deleted' });
          return states;
        } else if (r < 0.9) {
          if (!step(rng.real(5, 60) * DAY, 'tbd', { status: 'TBD' })) return states;
          step(rng.real(3, 15) * DAY, 'delete', { status: 'deleted' });
          return states;
        } else {
          return states;
        }
      }
    } else {
      if (!step(next - s.t, 'offline', { status: 'member expired' })) return states;
      if (rng.chance(0.6)) {
        if (!publish(rng.real(3, 60) * DAY, 'repost')) return states;
      } else {
        step(rng.real(10, 90) * DAY, 'delete', { status: 'member deleted' });
        return states;
      }
    }
  }
}

/** The product's state at an instant, or undefined before it was created. */
export function stateAt(p: Product, ms: number): ProductState | undefined {
  const life = p.life;
  if (life.length === 0 || life[0]!.t > ms) return undefined;
  let lo = 0;
  let hi = life.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (life[mid]!.t <= ms) lo = mid;
    else hi = mid - 1;
  }
  return life[lo];
}

export function subject(p: Product, variant: number): string {
  const t = p.title;
  const prefix = variant === 0 ? t.prefix : TITLE_PREFIXES[(TITLE_PREFIXES.indexOf(t.prefix) + variant) % TITLE_PREFIXES.length]!;
  const extra = variant === 0 ? '' : variant % 2 === 1 ? '新款' : '升级版';
  return `${prefix}${t.nasty}${p.brand}${extra}${t.feature}${t.noun}${t.suffix}`.slice(0, 120);
}

export interface Sku {
  k: number;
  id: string;
  specId: string;
  cargo: string | null;
  colour: string;
  spec: string;
  /** Per-SKU price in 1e-4 yuan at price level 10000 bp. */
  basePrice: number;
  /** The skuInfos array order lines carry: [{"name":"颜色","value":"红色"},…]. */
  infos: string;
}

export function sku(seed: number, p: Product, k: number): Sku {
  return (p.skus[k] ??= makeSku(seed, p, k));
}

function makeSku(seed: number, p: Product, k: number): Sku {
  const l = p.leaf.leaf;
  const c = k % p.cols;
  const s = Math.floor(k / p.cols);
  const rng = streamRng(seed, Stream.Product, p.index, 1 + k);
  return {
    k,
    id: `4${rng.digits(4)}${perm8(p.index * 128 + k)}`,
    specId: rng.hex(32),
    cargo: p.cargo === null ? null : `${p.cargo}-${String(k + 1).padStart(2, '0')}`,
    colour: l.colour.values[(p.colourStart + c) % 10]!,
    spec: l.spec.values[p.specStart + s]!,
    basePrice: p.basePrice + Math.round((p.basePrice * 6 * s) / 100),
    infos: `[{"name":${str(l.colour.name)},"value":${str(l.colour.values[(p.colourStart + c) % 10]!)}},{"name":${str(l.spec.name)},"value":${str(l.spec.values[p.specStart + s]!)}}]`,
  };
}

/** A price in 1e-4 yuan scaled by a price level and rounded to the product's step. */
export function priced(p: Product, base: number, bp: number): number {
  return Math.max(p.priceStep, Math.round((base * bp) / 10_000 / p.priceStep) * p.priceStep);
}

/** The unit price an order line pays for a SKU and quantity at a price level (tier price for volume pricing). */
export function unitPrice(p: Product, s: Sku, quantity: number, bp: number): number {
  if (p.quoteType === 1) return priced(p, s.basePrice, bp);
  let tierBp = 10_000;
  for (const t of p.tiers) if (quantity >= t.start) tierBp = t.bp;
  return priced(p, p.basePrice, Math.round((bp * tierBp) / 10_000));
}
