// The seller's objects that only the 1688 API serves, over simulated time: freight templates, ship-from
// addresses and the store's own category tree. Each object is a pure function of (seed, index, version);
// a timeline of events drawn per kind from the seed (edits, additions, removals every few simulated days
// from the store's first day on) decides which objects exist at an instant and in which version, so the
// objects at any instant are the same however the store got there. The JSON of each kind and the
// responses that carry them are documented in api-objects.ts.
import { addressId, BASE_TEMPLATES, BIG_TEMPLATE, freightTemplateId, rateId, sellerUserId, storeCategoryId, subTemplateId } from './api-ids.js';
import { mobile, personName, seller } from './parties.js';
import { DAY, HOUR, type ZoneClock } from './clock.js';
import { obj, str } from './format.js';
import { Stream, streamRng, type Rng } from './random.js';
import { CATEGORY_TREE, CITIES, SELLER_CITY, STREETS, type City } from './vocabulary.js';

export type ApiKind = 'freight_template' | 'ship_from_address' | 'store_category';
export const API_KINDS: readonly ApiKind[] = ['freight_template', 'ship_from_address', 'store_category'];

/** One object as the store holds it: its exact JSON text as the API returns it, and where it goes. */
export interface ApiObject {
  kind: ApiKind;
  id: string;
  /** The parent store category of a level-2 category; null otherwise. */
  parentId: string | null;
  /** Position in the operation's response (0 first). */
  position: number;
  json: string;
  /** Last change (epoch ms). */
  modified: number;
}

/** One object's life: created, then edited (version + 1) until removed. */
interface Life {
  index: number;
  version: number;
  created: number;
  modified: number;
}

interface Event {
  t: number;
  roll: number;
  pick: number;
}

/** Events of one kind from the store's first instant up to `until`, every `gap` days (uniform range). */
function* events(seed: number, tag: number, origin: number, until: number, gap: readonly [number, number]): Generator<Event> {
  let t = origin;
  for (let k = 0; ; k++) {
    const rng = streamRng(seed, Stream.ApiObject, tag * 1_000_000 + k);
    t += Math.round(rng.real(gap[0], gap[1]) * DAY);
    if (t > until) return;
    yield { t, roll: rng.next(), pick: rng.next() };
  }
}

/** Base objects exist from well before the store's first day. */
function baseLife(seed: number, tag: number, index: number, origin: number): Life {
  const rng = streamRng(seed, Stream.ApiObject, tag * 1_000_000 + 900_000 + index);
  const created = origin - rng.int(60, 700) * DAY - rng.int(0, DAY - 1);
  return { index, version: 0, created, modified: Math.min(origin - HOUR, created + rng.int(0, 50) * DAY) };
}

const pickOf = <T>(items: readonly T[], u: number): T => items[Math.min(items.length - 1, Math.floor(u * items.length))]!;

/** Replays one kind's events up to `t` over its base objects; `step` applies one event to the roster. */
function replay(seed: number, tag: number, origin: number, t: number, base: number, gap: readonly [number, number], step: (roster: Map<number, Life>, e: Event, next: () => number) => void): Life[] {
  const roster = new Map<number, Life>();
  for (let i = 0; i < base; i++) roster.set(i, baseLife(seed, tag, i, origin));
  let next = base;
  for (const e of events(seed, tag, origin, t, gap)) step(roster, e, () => next++);
  return [...roster.values()].sort((a, b) => a.index - b.index);
}

const edit = (l: Life, t: number): void => {
  l.version++;
  l.modified = t;
};

/** Every API-only object of the store at instant `t` (the store's first instant is `origin`). */
export function apiObjectsAt(seed: number, clock: ZoneClock, origin: number, t: number): ApiObject[] {
  return [...shipFromAddresses(seed, origin, t), ...freightTemplates(seed, clock, origin, t), ...storeCategories(seed, clock, origin, t)];
}

// ---------------------------------------------------------------------------------------------
// Ship-from addresses (alibaba.logistics.mySendGoodsAddress.list.get)

const ADDRESS_TAG = 1;
const BASE_ADDRESSES = 3;

function shipFromAddresses(seed: number, origin: number, t: number): ApiObject[] {
  const lives = replay(seed, ADDRESS_TAG, origin, t, BASE_ADDRESSES, [2, 5], (roster, e, next) => {
    const active = [...roster.values()];
    // Between two and five addresses: add below three, remove above four, otherwise either or an edit.
    const action = active.length <= 2 ? 'add' : active.length >= 5 ? 'remove' : e.roll < 0.4 ? 'add' : e.roll < 0.75 ? 'remove' : 'edit';
    if (action === 'add') {
      const index = next();
      roster.set(index, { index, version: 0, created: e.t, modified: e.t });
    } else if (action === 'remove') {
      // The default address (index 0) stays.
      roster.delete(pickOf(active.filter((l) => l.index !== 0), e.pick).index);
    } else {
      edit(pickOf(active, e.pick), e.t);
    }
  });
  // The default address comes first, then the others in the order they were added.
  return lives.map((l, position) => ({ kind: 'ship_from_address', id: addressId(seed, l.index), parentId: null, position, json: addressJson(seed, l), modified: l.modified }));
}

export interface AddressPlace {
  city: City;
  district: readonly [string, string];
  street: string;
}

/** Where address `index` is: the seller's own premises for the default, warehouses elsewhere for the others. */
export function addressPlace(seed: number, index: number): AddressPlace {
  const s = seller(seed);
  if (index === 0) return { city: s.city, district: s.district, street: s.address };
  const rng = streamRng(seed, Stream.ApiObject, 10_000_000 + index);
  const city = index === 1 ? CITIES[SELLER_CITY]! : rng.pick(CITIES);
  return { city, district: rng.pick(city.districts), street: `${rng.pick(STREETS)}${rng.int(1, 999)}号${rng.pick(['物流园', '仓储中心', '工业区', ''])}${rng.int(1, 12)}号库` };
}

const WAREHOUSE_NAMES = ['分仓', '发货仓', '二号仓', '电商仓', '备货仓'];

function addressJson(seed: number, l: Life): string {
  const s = seller(seed);
  const place = addressPlace(seed, l.index);
  // The contact person changes with each edit (staff come and go); the name shows the address as a spare on odd versions.
  const rng: Rng = streamRng(seed, Stream.ApiObject, 20_000_000 + l.index * 1000 + l.version);
  const base = l.index === 0 ? '总仓' : `${place.city.city.replace(/市$/, '')}${WAREHOUSE_NAMES[l.index % WAREHOUSE_NAMES.length]}`;
  const full = `${place.city.province}${place.city.city}${place.district[0]}${place.street}`;
  return obj([
    ['id', addressId(seed, l.index)],
    ['userId', sellerUserId(seed)],
    ['addressName', str(l.version % 2 === 1 ? `${base}（备用）` : base)],
    ['isDefault', l.index === 0 ? 'true' : 'false'],
    ['country', str('中国')],
    ['provinceName', str(place.city.province)],
    ['cityName', str(place.city.city)],
    ['areaName', str(place.district[0])],
    ['leastCode', str(place.district[1])],
    ['fullAddress', str(full)],
    ['post', str(place.city.zip)],
    ['companyName', str(s.company)],
    ['sendGoodsContactor', str(personName(rng))],
    ['mobile', str(mobile(rng))],
    ['phone', str(`0${rng.int(10, 999)}-${rng.digits(8)}`)],
    ['wangwangNo', str(s.loginId)],
  ]);
}

// ---------------------------------------------------------------------------------------------
// Freight templates (alibaba.logistics.freightTemplate.getList)

const TEMPLATE_TAG = 2;

interface Region {
  text: string;
  codes: readonly string[];
}
const NATIONWIDE: Region = { text: '全国', codes: ['1'] };
const JZH: Region = { text: '江苏省、浙江省、上海', codes: ['320000', '330000', '310000'] };
const SOUTH: Region = { text: '广东省、福建省', codes: ['440000', '350000'] };
const NORTH: Region = { text: '北京、天津、河北省', codes: ['110000', '120000', '130000'] };
const REMOTE: Region = { text: '新疆维吾尔自治区、西藏自治区、青海省', codes: ['650000', '540000', '630000'] };

/** Sub-template keys and their serviceType: 0 express, 1 freight (货运), 2 cash on delivery. */
const SUBS = [['expressSubTemplate', 0], ['logisticsSubTemplate', 1], ['codSubTemplate', 2]] as const;

interface SubPlan {
  /** Index into SUBS. */
  s: 0 | 1 | 2;
  /** chargeType: 0 weight, 1 piece, 2 volume. */
  charge: 0 | 1 | 2;
  sellerPays: boolean;
  regions: readonly Region[];
  /** Regions that ship free (both fees 0). */
  free?: readonly Region[];
}

interface TemplatePlan {
  name: string;
  official: boolean;
  /** Whether the template writes its type ("2"); 1688 leaves it out for some user templates. */
  writesType: boolean;
  from: number;
  subs: SubPlan[];
  remark: string;
}

function templatePlan(index: number): TemplatePlan {
  switch (index) {
    case 0: return { name: '全国快递按重量', official: false, writesType: true, from: 0, remark: '默认模板', subs: [{ s: 0, charge: 0, sellerPays: false, regions: [NATIONWIDE, JZH, SOUTH, REMOTE] }] };
    case 1: return { name: '小件按件计费', official: false, writesType: false, from: 0, remark: '', subs: [{ s: 0, charge: 1, sellerPays: false, regions: [NATIONWIDE, NORTH, REMOTE] }] };
    case 2: return { name: '大件物流按体积', official: false, writesType: true, from: 1, remark: '整箱走物流', subs: [{ s: 1, charge: 2, sellerPays: false, regions: [NATIONWIDE, REMOTE] }] };
    case 3: return {
      name: '江浙沪包邮', official: false, writesType: true, from: 0, remark: '',
      subs: [{ s: 0, charge: 0, sellerPays: false, regions: [NATIONWIDE, JZH, REMOTE], free: [JZH] }, { s: 2, charge: 1, sellerPays: false, regions: [NATIONWIDE] }],
    };
    case BIG_TEMPLATE: return { name: '1688官方物流', official: true, writesType: true, from: 0, remark: '', subs: [{ s: 0, charge: 0, sellerPays: false, regions: [NATIONWIDE, REMOTE] }] };
    default: return { name: `活动包邮模板${index - BASE_TEMPLATES + 1}`, official: false, writesType: true, from: 0, remark: '限时活动', subs: [{ s: 0, charge: 1, sellerPays: true, regions: [NATIONWIDE] }] };
  }
}

function freightTemplates(seed: number, clock: ZoneClock, origin: number, t: number): ApiObject[] {
  const lives = replay(seed, TEMPLATE_TAG, origin, t, BASE_TEMPLATES, [1.5, 3.5], (roster, e, next) => {
    const active = [...roster.values()];
    const added = active.filter((l) => l.index >= BASE_TEMPLATES);
    if (e.roll < 0.7 || (e.roll >= 0.85 && added.length === 0)) edit(pickOf(active, e.pick), e.t);
    else if (e.roll < 0.85) {
      const index = next();
      roster.set(index, { index, version: 0, created: e.t, modified: e.t });
    } else roster.delete(pickOf(added, e.pick).index);
  });
  return lives.map((l, position) => ({ kind: 'freight_template', id: freightTemplateId(seed, l.index), parentId: null, position, json: templateJson(seed, clock, l), modified: l.modified }));
}

/** [first unit, its fee, next unit, its fee, minimum per shipment] of one rule; fees in whole yuan. */
function fees(rng: Rng, charge: 0 | 1 | 2, region: Region, free: boolean): [number, number, number, number, number] {
  if (free) return charge === 0 ? [1000, 0, 1000, 0, 0] : [1, 0, 1, 0, 0];
  const far = region === REMOTE ? 2.5 : region === JZH ? 0.6 : 1;
  const r = (lo: number, hi: number) => Math.max(1, Math.round(rng.int(lo, hi) * far));
  // Weight in grams (1 kg first, 1 kg more), pieces one by one, volume in the unit 1688 does not document.
  if (charge === 0) return [1000, r(6, 12), 1000, r(2, 6), 0];
  if (charge === 1) return [1, r(5, 10), 1, r(1, 4), 0];
  return [1, r(80, 160), 1, r(50, 100), r(30, 60)];
}

function templateJson(seed: number, clock: ZoneClock, l: Life): string {
  const plan = templatePlan(l.index);
  const s = seller(seed);
  const id = freightTemplateId(seed, l.index);
  const from = addressPlace(seed, plan.from);
  const time = (ms: number) => str(clock.blob(ms));
  // An edit re-prices every rule; fees come from the template's version.
  const rng = streamRng(seed, Stream.ApiObject, 30_000_000 + l.index * 1000 + l.version);
  const subs: Array<readonly [string, string]> = [];
  for (const sub of plan.subs) {
    const [key, serviceType] = SUBS[sub.s];
    const subId = subTemplateId(seed, l.index, sub.s);
    const rates = sub.regions.map((region, r) => {
      const [first, firstFee, nextUnit, nextFee, least] = fees(rng, sub.charge, region, sub.sellerPays || (sub.free ?? []).includes(region));
      const dto = obj([
        ['id', rateId(seed, l.index, sub.s, r)],
        [plan.official ? 'sysTemplateId' : 'subTemplateId', subId],
        ['firstUnit', String(first)],
        ['firstUnitFee', String(firstFee)],
        ['nextUnit', String(nextUnit)],
        ['nextUnitFee', String(nextFee)],
        ['leastExpenses', sub.s === 1 ? String(least) : undefined],
        ['toAreaCodeList', `[${region.codes.map(str).join(',')}]`],
        ['gmtCreate', time(l.created)],
        ['gmtModified', time(l.modified)],
      ]);
      return obj([['isSysRate', String(plan.official)], ['toAreaCodeText', str(region.text)], [plan.official ? 'sysRateDTO' : 'rateDTO', dto]]);
    });
    const dto = obj([
      ['id', subId],
      ['templateId', id],
      ['chargeType', String(sub.charge)],
      ['isSysTemplate', String(plan.official)],
      ['serviceChargeType', sub.sellerPays ? '0' : '1'],
      ['serviceType', String(serviceType)],
      ['type', '0'],
      ['gmtCreate', time(l.created)],
      ['gmtModified', time(l.modified)],
    ]);
    subs.push([key, obj([['subTemplateDTO', dto], ['rateList', `[${rates.join(',')}]`]])]);
  }
  // Templates added later are switched off (status -1) on odd versions, before they go.
  const status = l.index >= BASE_TEMPLATES && l.version % 2 === 1 ? '-1' : '1';
  const renamed = l.index < BASE_TEMPLATES && l.version % 3 === 2 ? `${plan.name}（新）` : plan.name;
  return obj([
    ['id', id],
    ['name', str(renamed)],
    ['memberId', str(s.memberId)],
    ['status', status],
    ['type', plan.official ? str('3') : plan.writesType ? str('2') : undefined],
    ['fromAreaCode', str(from.district[1])],
    ['addressCodeText', str(`${from.city.province} ${from.city.city} ${from.district[0]}`)],
    ['remark', str(plan.remark)],
    ...subs,
  ]);
}

// ---------------------------------------------------------------------------------------------
// The store's own category tree (category.getSelfCatlist)

const CATEGORY_TAG = 3;
const PROMOTIONS = ['清仓特价', '新品上架', '节日促销', '爆款推荐', '工厂直供', '季末清仓'];
const RENAMES = ['系列', '（热卖）', '专区', '（厂家直销）'];
/** Store category keys: category tree node ids for the base categories, PROMOTION_KEY + k for promotions. */
const PROMOTION_KEY = 900_000;

interface StoreNode {
  key: number;
  name: string;
  parentKey: number | null;
  ordering: number;
}

/** The base store categories: one per level-1 node of the category tree, with one child per level-2 node. */
function baseStoreNodes(): StoreNode[] {
  const out: StoreNode[] = [];
  CATEGORY_TREE.forEach((l1, i) => {
    out.push({ key: l1.id, name: l1.name.replace(/、/g, ''), parentKey: null, ordering: i + 1 });
    (l1.children ?? []).forEach((l2, j) => out.push({ key: l2.id, name: l2.name, parentKey: l1.id, ordering: j + 1 }));
  });
  return out;
}

function storeCategories(seed: number, clock: ZoneClock, origin: number, t: number): ApiObject[] {
  const nodes = baseStoreNodes();
  const lives = replay(seed, CATEGORY_TAG, origin, t, nodes.length, [1.5, 4], (roster, e, next) => {
    const active = [...roster.values()];
    const promos = active.filter((l) => l.index >= nodes.length);
    if (e.roll < 0.6 || (e.roll >= 0.8 && promos.length === 0)) edit(pickOf(active, e.pick), e.t);
    else if (e.roll < 0.8) {
      const index = next();
      roster.set(index, { index, version: 0, created: e.t, modified: e.t });
    } else roster.delete(pickOf(promos, e.pick).index);
  });
  const node = (l: Life): StoreNode => {
    if (l.index < nodes.length) return nodes[l.index]!;
    const k = l.index - nodes.length;
    return { key: PROMOTION_KEY + k, name: `${PROMOTIONS[k % PROMOTIONS.length]}${k >= PROMOTIONS.length ? Math.floor(k / PROMOTIONS.length) + 1 : ''}`, parentKey: null, ordering: 0 };
  };
  // The response order: promotions first (ordering 0), then the tree, each level-1 category followed by its children.
  const promos = lives.filter((l) => l.index >= nodes.length);
  const tree = lives.filter((l) => l.index < nodes.length);
  const ordered = [...promos, ...tree];
  const s = seller(seed);
  return ordered.map((l, position) => {
    const n = node(l);
    const name = l.version === 0 ? n.name : `${n.name}${RENAMES[(l.version - 1) % RENAMES.length]}`;
    const id = storeCategoryId(seed, n.key);
    const json = obj([
      ['id', id],
      ['name', str(name)],
      ['ordering', String(n.ordering)],
      ['iconUrl', n.parentKey === null && n.key < PROMOTION_KEY ? str(`https://cbu01.alicdn.com/img/ibank/O1CN01${id.slice(-8)}.jpg`) : undefined],
      ['memberId', str(s.memberId)],
      ['gmtCreate', str(clock.blob(l.created))],
      ['gmtModified', str(clock.blob(l.modified))],
    ]);
    return { kind: 'store_category', id, parentId: n.parentKey === null ? null : storeCategoryId(seed, n.parentKey), position, json, modified: l.modified };
  });
}
