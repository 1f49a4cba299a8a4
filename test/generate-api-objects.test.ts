// What only the 1688 API serves, in a synthetic store: hub_etl_api_object is a pure function of the seed and
// the simulated clock, --advance edits, adds and removes objects, the texts are exact JSON that products
// point at, the transforms load them, and the responses wrap them as each operation does.
import test, { type ExecutionContext } from 'ava';
import { rawRows } from '../lib/db.js';
import { API_DIMENSIONS } from '../sql/warehouse/tables.js';
import { API_KINDS, apiResponse, readApiObjects, type StoredApiObject } from '../sources/synthetic/api-objects.js';
import { outputProblems } from '../transforms/contract.js';
import { transformCategoryAttribute } from '../transforms/category-attribute.js';
import { transformFreightTemplate } from '../transforms/freight-template.js';
import { transformShipFromAddress } from '../transforms/ship-from-address.js';
import { transformStoreCategory } from '../transforms/store-category.js';
import type { TransformContext, TransformOutput } from '../transforms/types.js';
import { gen, Num, num, openStore, parseBlob, readTable, TWO_53, TWO_63, type Json } from './generate-helpers.js';
import { needMysql, tempMysqlDb, tempSqliteUrl, testWith } from './helpers.js';

const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };
const arr = (v: unknown): Json[] => v as Json[];

async function objects(t: ExecutionContext, url: string): Promise<StoredApiObject[]> {
  const db = await openStore(t, url);
  const out: StoredApiObject[] = [];
  for (const kind of API_KINDS) out.push(...(await readApiObjects(db, kind)));
  return out;
}

const byKey = (list: StoredApiObject[]) => new Map(list.map((o) => [`${o.kind}:${o.objectId}`, o]));

test('the API objects depend on the seed and the simulated clock only: one advance or two give the same rows, another seed differs', async (t) => {
  const [a, b, c] = [tempSqliteUrl(t, 'a.db'), tempSqliteUrl(t, 'b.db'), tempSqliteUrl(t, 'c.db')];
  await gen(t, a, { orders: 150, seed: 7 });
  await gen(t, a, { advance: true, days: 2 });
  await gen(t, a, { advance: true, days: 3 });
  await gen(t, b, { orders: 150, seed: 7 });
  await gen(t, b, { advance: true, days: 5 });
  await gen(t, c, { orders: 150, seed: 8 });
  await gen(t, c, { advance: true, days: 5 });
  const [oa, ob, oc] = [await objects(t, a), await objects(t, b), await objects(t, c)];
  t.true(oa.length > 20);
  t.deepEqual(oa, ob);
  t.notDeepEqual(oa.map((o) => o.json), oc.map((o) => o.json));
});

test('advance edits, adds and removes API objects of every kind, and changed objects move their modify time forward', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 300, seed: 31 });
  const before = await objects(t, url);
  const r = await gen(t, url, { advance: true, days: 12 });
  const after = await objects(t, url);
  const old = byKey(before);
  const now = byKey(after);
  for (const kind of API_KINDS) {
    const changed = after.filter((o) => o.kind === kind && old.has(`${kind}:${o.objectId}`) && old.get(`${kind}:${o.objectId}`)!.json !== o.json);
    t.true(changed.length > 0, `${kind}: an object changed`);
    t.is(r.changes[`api.${kind}.changed`], changed.length, `${kind}: changes counted`);
    for (const o of changed) {
      const prev = old.get(`${kind}:${o.objectId}`)!;
      t.true(o.modifiedAt > prev.modifiedAt && o.modifiedAt <= r.to, `${kind} ${o.objectId}: ${prev.modifiedAt} -> ${o.modifiedAt}`);
    }
    for (const o of after.filter((x) => x.kind === kind && old.get(`${kind}:${x.objectId}`)?.json === x.json)) {
      t.is(o.modifiedAt, old.get(`${kind}:${o.objectId}`)!.modifiedAt, `${kind} ${o.objectId}: unchanged, same modify time`);
    }
    // Positions run 0, 1, 2, … in each kind.
    t.deepEqual(after.filter((o) => o.kind === kind).map((o) => o.position), after.filter((o) => o.kind === kind).map((_, i) => i));
  }
  const added = after.filter((o) => !old.has(`${o.kind}:${o.objectId}`));
  const removed = before.filter((o) => !now.has(`${o.kind}:${o.objectId}`));
  t.true(added.length > 0, 'objects added');
  t.true(removed.length > 0, 'objects removed');
  for (const o of added) t.true(o.modifiedAt > r.from, `${o.kind} ${o.objectId} added in the run`);
  t.is(removed.length, Object.entries(r.changes).filter(([k]) => k.endsWith('.removed')).reduce((s, [, v]) => s + v, 0));
  t.is(r.tables.hub_etl_api_object!.inserted, added.length);
});

test('every object is exact JSON with its id as a bare number, one id per kind above 2^53, and products point at the store\'s objects', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 400, seed: 22 });
  const all = await objects(t, url);
  for (const kind of API_KINDS) {
    const own = all.filter((o) => o.kind === kind);
    for (const o of own) {
      const j = parseBlob(o.json) as Json;
      t.true(j.id instanceof Num, `${kind} ${o.objectId}: the id is a JSON number`);
      t.is(num(j.id, 'id'), o.objectId);
      t.regex(o.objectId, /^[1-9]\d{7,18}$/);
      t.true(BigInt(o.objectId) < TWO_63);
      t.false('children' in j, 'children are nested by the response, not stored');
    }
    t.true(own.some((o) => BigInt(o.objectId) > TWO_53), `${kind}: an id above 2^53`);
  }
  const templates = new Set(all.filter((o) => o.kind === 'freight_template').map((o) => o.objectId));
  const categories = new Map(all.filter((o) => o.kind === 'store_category').map((o) => [o.objectId, o]));
  const areaCodes = new Set(all.filter((o) => o.kind === 'ship_from_address').map((o) => (parseBlob(o.json) as Json).leastCode));
  for (const o of all.filter((x) => x.kind === 'freight_template')) {
    const j = parseBlob(o.json) as Json;
    if (num(j.id, 'id') === [...templates][0]) t.true(areaCodes.has(j.fromAreaCode), 'the main template ships from the default address');
  }
  for (const c of categories.values()) if (c.parentId !== null) t.is(categories.get(c.parentId)?.parentId, null, 'a level-2 category hangs under a level-1 one');
  const products = (await readTable(await openStore(t, url), 'ali1688_product')).filter((p) => p.product_datas !== null);
  t.true(products.length > 10);
  let sellerPays = 0;
  for (const p of products) {
    const info = (parseBlob(p.product_datas!) as Json).productInfo as Json;
    const groups = (info.groupID as Num[]).map((g) => num(g, 'groupID'));
    t.is(groups.length, 1);
    t.true(categories.has(groups[0]!), `product ${p.product_id}: groupID ${groups[0]} is a store category`);
    const template = num((info.shippingInfo as Json).freightTemplateID, 'freightTemplateID');
    if (template === '1') sellerPays++;
    else t.true(templates.has(template), `product ${p.product_id}: freightTemplateID ${template} is a template of the store`);
  }
  t.true(sellerPays > 0, 'some products use the seller-pays template 1');
});

function load(o: StoredApiObject): TransformOutput {
  switch (o.kind) {
    case 'freight_template': return transformFreightTemplate({ template_id: o.objectId, template_data: o.json }, ctx);
    case 'ship_from_address': return transformShipFromAddress({ address_id: o.objectId, address_data: o.json }, ctx);
    case 'store_category': return transformStoreCategory({ store_category_id: o.objectId, parent_store_category_id: o.parentId, store_category_data: o.json }, ctx);
  }
}

test('the transforms load every generated object and leaf category into rows that fit the warehouse, without personal data', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 200, seed: 23 });
  await gen(t, url, { advance: true, days: 9 });
  const all = await objects(t, url);
  const rows: Record<string, number> = {};
  for (const o of all) {
    const out = load(o);
    t.deepEqual(outputProblems(API_DIMENSIONS, out), [], `${o.kind} ${o.objectId}`);
    for (const [table, list] of Object.entries(out)) rows[table] = (rows[table] ?? 0) + list.length;
    if (o.kind === 'ship_from_address') {
      const j = parseBlob(o.json) as Json;
      const text = JSON.stringify(out);
      for (const k of ['sendGoodsContactor', 'mobile', 'phone', 'wangwangNo']) t.false(text.includes(j[k] as string), `${k} is not loaded`);
    }
  }
  t.true(rows.dim_freight_template_rule! > rows.dim_freight_template!);
  t.true(rows.dim_store_category! > 20);
  const templates = all.filter((o) => o.kind === 'freight_template').map((o) => load(o));
  const flat = templates.flatMap((o) => o.dim_freight_template_rule!);
  t.true(flat.some((r) => r.is_free_shipping === 1) && flat.some((r) => r.is_free_shipping === 0), 'free and charged rules');
  t.deepEqual([...new Set(flat.map((r) => r.charge_basis))].sort(), ['piece', 'volume', 'weight']);
  t.true(templates.some((o) => o.dim_freight_template![0]!.is_official === 1));
  t.true(flat.some((r) => r.minimum_fee !== null), 'a freight rule with a minimum per shipment');

  const categories = (await readTable(await openStore(t, url), 'ali1688_category'));
  let attributes = 0;
  for (const c of categories) {
    const out = transformCategoryAttribute(c, ctx);
    t.deepEqual(outputProblems(API_DIMENSIONS, out), [], `category ${c.category_id}`);
    if (c.is_leaf === 'N') {
      t.is(out.dim_category_attribute!.length, 0);
      continue;
    }
    attributes += out.dim_category_attribute!.length;
    // §3.8 in full: every attribute a value asks for is an attribute of the category whose parent is that value.
    const own = new Map(out.dim_category_attribute!.map((a) => [a.attribute_id, a]));
    for (const v of out.dim_category_attribute_value!) {
      for (const child of String(v.child_attribute_ids ?? '').split(',').filter((x) => x !== '')) {
        t.like(own.get(child)!, { parent_attribute_id: v.attribute_id, parent_attribute_value_id: v.attribute_value_id });
      }
    }
    t.true(out.dim_category_attribute!.some((a) => a.is_sku_attribute === 1) && out.dim_category_attribute!.some((a) => a.is_required === 1));
    t.true(out.dim_category_attribute!.some((a) => a.units !== null && a.aspect_label === 'trade'));
  }
  t.true(attributes > 0);
});

test('each operation\'s response wraps the objects as 1688 does, store categories nested under their parents', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 100, seed: 24 });
  const db = await openStore(t, url);
  const templates = await readApiObjects(db, 'freight_template');
  const addresses = await readApiObjects(db, 'ship_from_address');
  const cats = await readApiObjects(db, 'store_category');
  const ft = parseBlob(apiResponse('alibaba.logistics.freightTemplate.getList', templates)) as Json;
  t.deepEqual(Object.keys(ft), ['freightTemplates']);
  t.is(arr(ft.freightTemplates).length, templates.length);
  t.true(apiResponse('alibaba.logistics.freightTemplate.getList', templates).includes(templates[0]!.json), 'the exact text is served');
  const ad = parseBlob(apiResponse('alibaba.logistics.mySendGoodsAddress.list.get', addresses)) as Json;
  t.deepEqual(Object.keys(ad), ['result']);
  t.is(arr(ad.result)[0]!.isDefault, true, 'the default address comes first');
  const sc = parseBlob(apiResponse('category.getSelfCatlist', cats)) as Json;
  const result = sc.result as Json;
  t.is(result.success, true);
  const top = arr(arr(result.toReturn)[0]!.sellerCats);
  t.is(top.length, cats.filter((c) => c.parentId === null).length);
  t.is(top.reduce((s, c) => s + arr(c.children).length, 0), cats.filter((c) => c.parentId !== null).length);
  const text = apiResponse('category.getSelfCatlist', cats);
  for (const c of cats.filter((x) => x.parentId !== null)) t.true(text.includes(c.json), `child ${c.objectId} served as stored`);
  t.throws(() => apiResponse('alibaba.trade.get.sellerView', templates), { message: /not served from hub_etl_api_object/ });
});

test('a store generated before hub_etl_api_object existed gets it, complete, on its next run', async (t) => {
  const [old, fresh] = [tempSqliteUrl(t, 'old.db'), tempSqliteUrl(t, 'fresh.db')];
  for (const url of [old, fresh]) await gen(t, url, { orders: 120, seed: 9 });
  const db = await openStore(t, old);
  await rawRows(db, db.dialect, 'drop table hub_etl_api_object');
  for (const url of [old, fresh]) await gen(t, url, { advance: true, days: 1 });
  t.deepEqual(await objects(t, old), await objects(t, fresh));
});

testWith('mysql')('the same store on MariaDB holds the same API objects as on SQLite', async (t) => {
  if (!(await needMysql(t))) return;
  const my = await tempMysqlDb(t, 'hubgen');
  const lite = tempSqliteUrl(t);
  for (const url of [my, lite]) {
    await gen(t, url, { orders: 150, seed: 12 });
    await gen(t, url, { advance: true, days: 6 });
  }
  const a = await objects(t, my);
  t.true(a.some((o) => BigInt(o.objectId) > TWO_53));
  t.deepEqual(a, await objects(t, lite));
});
