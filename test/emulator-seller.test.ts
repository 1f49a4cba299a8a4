// The seller's own objects through the emulator: freight templates, ship-from addresses and the store's
// category tree served from hub_etl_api_object exactly as api-objects.ts writes each response, under the
// namespaces public callers use, on SQLite and MariaDB stores and over both transports.
import test from 'ava';
import { testWith } from './helpers.js';
import { apiResponse, readApiObjects } from '../sources/synthetic/api-objects.js';
import { aopSignature } from '../sources/api/signing.js';
import { businessError, emulated, errorCode, gw, json, pop, send, type Backend } from './emulator-helpers.js';
import type { Json } from './generate-helpers.js';

const BACKENDS: Backend[] = ['SQLite', 'MariaDB'];

for (const backend of BACKENDS) {
  testWith(backend)(`${backend}: the three list operations answer the store's objects byte for byte`, async (t) => {
    const f = await emulated(t, { backend, orders: 60, storeSeed: 31 });
    if (!f) return;
    const templates = await readApiObjects(f.db, 'freight_template');
    const addresses = await readApiObjects(f.db, 'ship_from_address');
    const categories = await readApiObjects(f.db, 'store_category');
    t.true(templates.length > 0 && addresses.length > 0 && categories.length > 0);
    const ft = await gw(f.emu, 'alibaba.logistics.freightTemplate.getList', { webSite: '1688' });
    t.is(ft.status, 200);
    t.is(ft.text, apiResponse('alibaba.logistics.freightTemplate.getList', templates));
    const sa = await gw(f.emu, 'alibaba.logistics.mySendGoodsAddress.list.get');
    t.is(sa.text, apiResponse('alibaba.logistics.mySendGoodsAddress.list.get', addresses));
    const member = /"memberId":"([^"]+)"/.exec(templates[0]!.json)![1]!;
    const sc = await gw(f.emu, 'category.getSelfCatlist', { memberId: member });
    t.is(sc.text, apiResponse('category.getSelfCatlist', categories));
    // The level-2 categories are nested in their parents, every text as the store holds it.
    for (const c of categories) t.true(sc.text.includes(c.parentId === null ? c.json.slice(0, -1) : c.json), c.objectId);
  });
}

test('category.getSelfCatlist needs a memberId and knows only this store\'s seller', async (t) => {
  const f = await emulated(t, { orders: 40, storeSeed: 31 });
  if (!f) return;
  t.is(businessError(await gw(f.emu, 'category.getSelfCatlist')).message, 'memberId: required');
  const other = json(await gw(f.emu, 'category.getSelfCatlist', { memberId: 'b2b-1234567890' }));
  t.deepEqual(JSON.parse(JSON.stringify(other)), { result: { success: true, total: { text: '0' }, toReturn: [] } });
  t.is(businessError(await gw(f.emu, 'alibaba.logistics.freightTemplate.getList', { webSite: 'taobao' })).message.split(':')[0], 'webSite');
});

test('the operations live under the namespaces public callers use: freightTemplate.getList in com.alibaba.product, getSelfCatlist in cn.alibaba.open', async (t) => {
  const f = await emulated(t, { orders: 40, storeSeed: 31 });
  if (!f) return;
  const call = (namespace: string, api: string, params: Record<string, string>) => {
    const path = `param2/1/${namespace}/${api}/${f.emu.credentials.appKey}`;
    const p = { ...params, access_token: f.emu.credentials.accessToken, _aop_timestamp: String(Date.now()) };
    return send(`${f.emu.url}/openapi/${path}`, { ...p, _aop_signature: aopSignature(f.emu.credentials.appSecret, path, p) });
  };
  t.is((await call('com.alibaba.product', 'alibaba.logistics.freightTemplate.getList', { webSite: '1688' })).status, 200);
  t.is(errorCode(await call('com.alibaba.logistics', 'alibaba.logistics.freightTemplate.getList', { webSite: '1688' })), 'gw.ApiNotExist');
  t.is(errorCode(await call('com.alibaba.product', 'category.getSelfCatlist', { memberId: 'x' })), 'gw.ApiNotExist');
  t.is((await call('com.alibaba.logistics', 'alibaba.logistics.mySendGoodsAddress.list.get', {})).status, 200);
});

test('over POP the same objects come with a RequestId', async (t) => {
  const f = await emulated(t, { orders: 40, storeSeed: 31 });
  if (!f) return;
  const templates = await readApiObjects(f.db, 'freight_template');
  const r = await pop(f.emu, 'ListFreightTemplates', { webSite: '1688' });
  t.is(r.status, 200);
  const body = json(r) as Json;
  t.is((body.freightTemplates as unknown[]).length, templates.length);
  t.true(typeof body.RequestId === 'string');
  for (const o of templates) t.true(r.text.includes(o.json), o.objectId);
  const addresses = await readApiObjects(f.db, 'ship_from_address');
  t.is(((json(await pop(f.emu, 'ListSendGoodsAddresses')) as Json).result as unknown[]).length, addresses.length);
});
