// The store's category tree as ali1688_category rows, with the attribute blob of each leaf category (the
// attributes its products and SKUs are described by).
import { DAY, HOUR, type ZoneClock } from './clock.js';
import { obj, str } from './format.js';
import { Stream, streamRng } from './random.js';
import type { Row } from './tables.js';
import { BRANDS, CATEGORY_TREE, ORIGINS, type CategoryDef, type LeafSpec } from './vocabulary.js';

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

// Attribute ids the product blobs (product-row.ts) name too.
export const ATTR_BRAND = 2176;
export const ATTR_MATERIAL = 287;
export const ATTR_MODEL = 1398;
export const ATTR_ORIGIN = 1957;
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
