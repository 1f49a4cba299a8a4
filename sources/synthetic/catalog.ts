// The store's static world: category tree, products with their life (audit, edits, reposts, expiry),
// buyers and the seller. Every entity is a pure function of (seed, index) and its creation window.
import { freightTemplateId, productTemplateIndex, SELLER_PAYS_TEMPLATE, storeCategoryId } from './api-ids.js';
import { chinaClock, DAY, HOUR, MINUTE, type ZoneClock } from './clock.js';
import { javaDouble, obj, perm6, perm8, str, yuan4 } from './format.js';
import { hashUnit, Rng, Stream, streamRng } from './random.js';
import type { Row } from './tables.js';
import {
  BANKS, BRANDS, BUILDINGS, CATEGORY_TREE, CITIES, COMPANY_FORMS, COMPANY_NAMES, COMPANY_REGIONS, COMPANY_TRADES, GIVEN,
  ORIGINS, STREETS, SURNAMES, TITLE_PREFIXES, TITLE_SUFFIXES, TITLES, type CategoryDef, type City, type LeafSpec,
} from './vocabulary.js';

export interface CategoryNode {
  def: CategoryDef;
  level: 1 | 2 | 3;
  path: CategoryDef[];
}

export interface LeafNode extends CategoryNode {
  leaf: LeafSpec;
}

/** The tree flattened depth-first (the order of ali1688_category rows). */
export function categoryNodes(): CategoryNode[] {
  const out: CategoryNode[] = [];
  const walk = (defs: readonly CategoryDef[], path: CategoryDef[]) => {
    for (const def of defs) {
      const p = [...path, def];
      out.push({ def, level: p.length as 1 | 2 | 3, path: p });
      if (def.children) walk(def.children, p);
    }
  };
  walk(CATEGORY_TREE, []);
  return out;
}

export function leafNodes(nodes: CategoryNode[]): LeafNode[] {
  return nodes.filter((n): n is LeafNode => n.def.leaf !== undefined).map((n) => ({ ...n, leaf: n.def.leaf! }));
}

const ATTR_BRAND = 2176;
const ATTR_MATERIAL = 287;
const ATTR_MODEL = 1398;
const ATTR_ORIGIN = 1957;
/** 货源类别 and, when it is 现货, 是否库存: the cascade of the alibaba.category.attribute.get page's example. */
const ATTR_SOURCE = 100000691;
const VALUE_SPOT = 46874;
const ATTR_IN_STOCK = 7108;

/**
 * The leaf attribute blob: alibaba.category.attribute.get's result (§3.8 and the open.1688.com page):
 * {attributes[], attributeLevelMapStr, errorMsg}; an attribute has attrID, name, required, isSKUAttribute,
 * units, inputType and aspect (digit strings), fieldType, parentAttrID / parentAttrValueID (strings, "0"
 * at the top level) and attrValues [{attrValueID, name, isSKU, childAttrs}]. One aspect is written "0;",
 * as on the page's sample. attributeLevelMapStr maps "attrID:attrValueID" to the child attribute ids.
 */
function leafAttributes(l: LeafSpec): string {
  type Value = readonly [id: number, name: string, children?: readonly number[]];
  const listed = (attrId: number, names: readonly string[]): Value[] => names.map((n, i) => [attrId * 100 + i + 1, n]);
  const values = (list: readonly Value[], isSku: boolean) =>
    `[${list.map(([id, name, children]) => obj([['attrValueID', String(id)], ['name', str(name)], ['isSKU', String(isSku)], ['childAttrs', `[${(children ?? []).join(',')}]`]])).join(',')}]`;
  const FIELD: Record<string, string> = { '0': 'string', '-1': 'int' };
  const attr = (id: number, name: string, required: boolean, sku: boolean, inputType: string, aspect: string, units: string[], list: readonly Value[], parent?: readonly [number, number]) =>
    obj([
      ['attrID', String(id)], ['name', str(name)], ['required', String(required)], ['isSKUAttribute', String(sku)],
      ['inputType', str(inputType)], ['aspect', str(aspect)], ['fieldType', str(FIELD[inputType] ?? 'enum')], ['units', JSON.stringify(units)],
      ['parentAttrID', str(parent ? String(parent[0]) : '0')], ['parentAttrValueID', str(parent ? String(parent[1]) : '0')],
      ['attrValues', values(list, sku)],
    ]);
  const attrs = [
    attr(ATTR_BRAND, '品牌', true, false, '1', '0', [], listed(ATTR_BRAND, BRANDS)),
    attr(ATTR_MATERIAL, '材质', false, false, '1', '0', [], listed(ATTR_MATERIAL, l.materials)),
    attr(ATTR_MODEL, '型号', false, false, '0', '0', [], []),
    attr(ATTR_ORIGIN, '产地', false, false, '1', '0', [], listed(ATTR_ORIGIN, ORIGINS)),
    attr(ATTR_SOURCE, '货源类别', true, false, '3', '0;', [], [[VALUE_SPOT, '现货', [ATTR_IN_STOCK]], [VALUE_SPOT + 1, '订货']]),
    attr(ATTR_IN_STOCK, '是否库存', false, false, '3', '0', [], [[21958, '是'], [21959, '否']], [ATTR_SOURCE, VALUE_SPOT]),
    attr(l.colour.attrId, l.colour.name, true, true, '3', '0', [], listed(l.colour.attrId, l.colour.values)),
    attr(l.spec.attrId, l.spec.name, true, true, '3', '0', [], listed(l.spec.attrId, l.spec.values)),
    attr(9001, '单位重量', false, false, '-1', '3', ['千克', '克'], []),
  ];
  const levelMap = `{"${ATTR_SOURCE}:${VALUE_SPOT}":"${ATTR_IN_STOCK}"}`;
  return obj([['attributes', `[${attrs.join(',')}]`], ['attributeLevelMapStr', str(levelMap)], ['errorMsg', 'null']]);
}

const NON_LEAF_ATTRIBUTES = ['', '[]', '{}', 'null'];

/** ali1688_category rows (ids from `firstId`), created and last modified before `beforeMs`. */
export function categoryRows(seed: number, clock: ZoneClock, beforeMs: number): Row[] {
  return categoryNodes().map((n, i) => {
    const rng = streamRng(seed, Stream.Category, i);
    const created = beforeMs - rng.int(700, 1800) * DAY - rng.int(0, DAY - 1);
    const modified = created + rng.int(1, 600) * DAY + rng.int(0, DAY - 1);
    // Category times are varchar(64) of unknown format: mostly naive text, some in the trade API's format.
    const fmt = (ms: number) => (rng.chance(0.15) ? clock.blob(ms) : clock.naive(ms));
    const p = n.path;
    const isLeaf = n.def.leaf !== undefined;
    const userCat = isLeaf && rng.chance(0.3);
    return [
      null,
      fmt(created),
      fmt(Math.min(modified, beforeMs - HOUR)),
      String(n.def.id),
      n.def.name,
      isLeaf ? 'Y' : 'N',
      isLeaf ? leafAttributes(n.def.leaf!) : rng.pick(NON_LEAF_ATTRIBUTES),
      String(n.level),
      p[0] ? String(p[0].id) : null,
      p[1] ? String(p[1].id) : null,
      p[2] ? String(p[2].id) : null,
      p[0]?.name ?? null,
      p[1]?.name ?? null,
      p[2]?.name ?? null,
      userCat ? String(10_000_000 + rng.int(0, 89_999_999)) : null,
      userCat ? rng.pick(['热销推荐', '新品上架', '清仓特价', `店铺分类-${n.def.name}`]) : null,
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Parties

export interface Party {
  memberId: string;
  loginId: string;
  name: string;
  mobile: string;
  phone: string;
  company: string;
  taxId: string;
  city: City;
  district: readonly [string, string];
  address: string;
  email: string;
  bank: string;
  bankAccount: string;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A unified social credit code (统一社会信用代码, taxpayer id): 91 + area code + org code + GB 32100 check char. */
export function taxpayerId(rng: Rng, areaCode: string): string {
  let body = `91${areaCode}`;
  for (let i = 0; i < 9; i++) body += USCC_CHARS[rng.int(0, i < 2 ? 9 : 30)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  return body + USCC_CHARS[(31 - (sum % 31)) % 31];
}

export const personName = (rng: Rng): string => rng.pick(SURNAMES) + (rng.chance(0.5) ? rng.pick(TITLES) : rng.pick(GIVEN));
export const mobile = (rng: Rng): string => `1${rng.pick(['3', '5', '8', '7', '9'])}${rng.digits(9)}`;

function party(rng: Rng, memberId: string, city: City): Party {
  const district = rng.pick(city.districts);
  const company = `${rng.pick(COMPANY_REGIONS)}${rng.pick(COMPANY_NAMES)}${rng.pick(COMPANY_TRADES)}${rng.pick(COMPANY_FORMS)}`;
  const building = rng.pick(BUILDINGS);
  return {
    memberId,
    loginId: `${company.slice(0, 4)}${rng.pick(['商行', '贸易', '工厂', '旗舰店', ''])}${rng.int(1, 99)}`,
    name: personName(rng),
    mobile: mobile(rng),
    phone: `0${rng.int(10, 999)}-${rng.digits(8)}`,
    company,
    taxId: taxpayerId(rng, district[1]),
    city,
    district,
    address: `${rng.pick(STREETS)}${rng.int(1, 999)}号${building ? `${building}${rng.int(1, 30)}楼` : ''}`,
    email: `${rng.hex(6)}@${rng.pick(['163.com', 'qq.com', '126.com', 'aliyun.com'])}`,
    bank: `${rng.pick(BANKS)}${district[0].replace(/[区市镇]$/, '')}支行`,
    bankAccount: rng.digits(19),
  };
}

export function seller(seed: number): Party {
  const rng = streamRng(seed, Stream.Seller, 0);
  return party(rng, `b2b-2208${rng.digits(6)}${rng.hex(4)}`, CITIES[3]!);
}

/** A few hundred buyers; a few big ones order most (picked Zipf-like by index). */
export const BUYER_COUNT = 300;

export function buyers(seed: number): Party[] {
  return Array.from({ length: BUYER_COUNT }, (_, i) => {
    const rng = streamRng(seed, Stream.Buyer, i);
    return party(rng, `b2b-22${rng.digits(10)}${rng.hex(4)}`, rng.pick(CITIES));
  });
}

// ---------------------------------------------------------------------------------------------
// Products

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

const stock = (seed: number, p: Product, k: number, stockSeed: number): number =>
  Math.floor(hashUnit(seed, Stream.ProductLife, p.index * 977 + k * 31 + stockSeed * 7919) * 5000);

/** The product as ali1688_product shows it at `ms` (undefined before its creation); blob times in China time. */
export function productRow(seed: number, clock: ZoneClock, p: Product, ms: number, china: ZoneClock = chinaClock(clock)): Row | undefined {
  const s = stateAt(p, ms);
  if (!s) return undefined;
  const skus = Array.from({ length: p.skuCount }, (_, k) => sku(seed, p, k));
  const l = p.leaf.leaf;
  const cargos = p.noSku ? [] : skus.map((x) => x.cargo).filter((x): x is string => x !== null);
  const title = subject(p, s.titleVariant);
  const stocks = skus.map((x) => stock(seed, p, x.k, s.stockSeed));
  const total = stocks.reduce((a, b) => a + b, 0);
  const skuPrices = skus.map((x) => priced(p, x.basePrice, s.priceBp));
  const retail = (price: number) => (p.priceStep === 100 ? Math.max(10_000, Math.round((price * 1.45) / 10_000) * 10_000) : priced(p, price * 1.6, 10_000));
  let blob: string | null = null;
  if (!p.nullBlob) {
    const skuInfos = skus.map((x, i) =>
      obj([
        ['skuId', x.id],
        ['specId', str(x.specId)],
        ['cargoNumber', x.cargo === null ? undefined : str(x.cargo)],
        ['amountOnSale', String(stocks[i])],
        ['price', p.quoteType === 1 ? yuan4(skuPrices[i]!) : undefined],
        ['retailPrice', yuan4(retail(skuPrices[i]!))],
        ['attributes', `[${obj([['attributeID', String(l.colour.attrId)], ['attributeValue', str(x.colour)], ['attributeName', str(l.colour.name)]])},${obj([['attributeID', String(l.spec.attrId)], ['attributeValue', str(x.spec)], ['attributeName', str(l.spec.name)]])}]`],
      ]),
    );
    const ranges = p.quoteType === 0
      ? `[${p.tiers.map((t) => obj([['startQuantity', String(t.start)], ['price', yuan4(priced(p, p.basePrice, Math.round((s.priceBp * t.bp) / 10_000)))]])).join(',')}]`
      : '[]';
    const attributes = [
      [ATTR_BRAND, '品牌', p.brand],
      [ATTR_MATERIAL, '材质', p.material],
      [ATTR_ORIGIN, '产地', p.origin],
      [ATTR_MODEL, '型号', p.cargo ?? `${p.brand}-${p.index}`],
    ] as const;
    const info = obj([
      ['productID', p.id],
      ['productType', str('wholesale')],
      ['categoryID', String(p.leaf.def.id)],
      ['categoryName', str(p.leaf.def.name)],
      ['groupID', `[${p.groupId}]`],
      ['subject', str(title)],
      ['language', str('CHINESE')],
      ['status', str(s.status)],
      ['qualityLevel', p.qualityLevel === null ? undefined : String(p.qualityLevel)],
      // The product's item number (货号): Cloud Hub's product_cargo_number column holds the same value.
      ['productCargoNumber', p.cargo === null ? undefined : str(p.cargo)],
      ['attributes', `[${attributes.map(([id, name, value]) => obj([['attributeID', String(id)], ['attributeName', str(name)], ['value', str(value)]])).join(',')}]`],
      ['skuInfos', p.noSku ? undefined : `[${skuInfos.join(',')}]`],
      ['saleInfo', obj([
        ['supportOnlineTrade', 'true'],
        ['mixWholeSale', String(p.minOrder > 1)],
        ['priceRanges', ranges],
        ['quoteType', String(p.quoteType)],
        ['amountOnSale', javaDouble(total)],
        ['minOrderQuantity', String(p.minOrder)],
        ['unit', str(p.unit)],
        ['retailprice', yuan4(retail(skuPrices[0]!))],
      ])],
      ['shippingInfo', obj([['unitWeight', String(p.weightG / 1000)], ['freightTemplateID', p.freightTemplateId]])],
    ]);
    const t = (v: number | null) => (v === null ? 'null' : str(china.blob(v)));
    blob = obj([
      ['productInfo', info],
      ['createTime', t(p.createMs)],
      ['lastUpdateTime', t(s.lastUpdate)],
      ['lastRepostTime', t(s.lastRepost)],
      ['approvedTime', t(s.approved)],
      ['expireTime', t(s.expire)],
      ['errMsg', 'null'],
    ]);
  }
  const n = (v: number | null) => (v === null ? null : clock.naive(v));
  return [
    null,
    p.id,
    p.qualityLevel === null ? null : String(p.qualityLevel),
    title,
    String(p.leaf.def.id),
    p.leaf.def.name,
    p.cargo,
    cargos.length > 0 ? cargos.join(',') : null,
    s.status,
    clock.naive(p.createMs),
    clock.naive(s.lastUpdate),
    n(s.lastRepost),
    n(s.approved),
    n(s.expire),
    blob,
  ];
}
