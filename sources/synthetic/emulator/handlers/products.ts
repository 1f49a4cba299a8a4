// Products and categories: the product list (windows of last update time), one product (the store's
// exact product_datas, which already is the alibaba.product.get response), the category tree and a
// category's attributes.
import { BUSINESS } from '../../../api/gateway-codes.js';
import { answer, BusinessError, successFlag } from '../envelope.js';
import { appendMember, jsonString, memberString, objectMembers, objectOf } from '../json-text.js';
import type { Call } from '../operation.js';
import { checkWebSite, paging, requireId, timeWindow } from '../params.js';
import type { CategoryRow, ProductRow } from '../store.js';
import { formatApiTime, naiveBounds, naiveInstant, naiveInterval, parseApiTime } from '../times.js';
import { selectWindow, type Candidate } from '../window.js';

/** A product's last update as the API writes it: the blob's lastUpdateTime, else the column in the source zone. */
function lastUpdateText(call: Call, p: ProductRow): string {
  const fromBlob = p.blob === null ? undefined : memberString(p.blob, 'lastUpdateTime');
  return fromBlob ?? formatApiTime(call.store.clock, naiveInstant(call.store.clock, p.lastUpdateTime));
}

/**
 * alibaba.product.list.get (page, pageSize ≤ 20, optional modifyStartTime/modifyEndTime on the last
 * update): {"result":{"pageResult":{"resultList":[{productID,subject,categoryID,status,lastUpdateTime}…],
 * "totalRecord":N}},"success":…}, most recently updated first, then larger id first (I: the items are
 * AlibabaProductProductInfo, which has categoryID; the client lists the leaf categories in use from it).
 */
export async function listProducts(call: Call): Promise<string> {
  const { store } = call;
  const w = timeWindow(call.params, 'modifyStartTime', 'modifyEndTime');
  const { page, pageSize } = paging(call.params);
  const cands: Candidate[] = (await store.productCandidates(naiveBounds(store.clock, w.from, w.to))).map((r) => ({
    id: r.productId,
    times: { update: naiveInterval(store.clock, r.lastUpdateTime) },
    exact: {},
  }));
  const filters = w.from !== null || w.to !== null ? [{ field: 'update', from: w.from, to: w.to }] : [];
  const list = await selectWindow(cands, filters, 'update', async (ids) => {
    const out = new Map<string, Record<string, number>>();
    for (const [id, p] of await store.products(ids)) out.set(id, { update: parseApiTime(lastUpdateText(call, p)) ?? naiveInstant(store.clock, p.lastUpdateTime) });
    return out;
  });
  const slice = list.slice((page - 1) * pageSize, page * pageSize);
  const rows = await store.products(slice.map((c) => c.id));
  const items = slice.map((c) => {
    const p = rows.get(c.id)!;
    return objectOf([
      ['productID', p.productId], ['subject', jsonString(p.subject)], ['categoryID', p.categoryId === '' ? undefined : p.categoryId], ['status', jsonString(p.status)],
      ['lastUpdateTime', jsonString(lastUpdateText(call, p))],
    ]);
  });
  return answer(call.seq, [['result', `{"pageResult":{"resultList":[${items.join(',')}],"totalRecord":${list.length}}}`]]);
}

/**
 * alibaba.product.get (productID, webSite): the store's product_datas byte for byte ({productInfo,
 * createTime, lastUpdateTime, lastRepostTime, approvedTime, expireTime, errMsg}: source-shapes §3.7 has no
 * success flag). A product row without a blob is Cloud Hub's copy lacking it, not 1688 lacking the
 * record: it is answered with the whole record as the generator renders it at the store's clock (SKUs,
 * sale info, attributes and all). Only a row the generator does not know (written by hand) is answered
 * from its typed columns: productInfo with productID, categoryID, categoryName, subject, status,
 * qualityLevel and productCargoNumber (no SKUs, no sale info), the sibling times from the DATETIME columns
 * (milliseconds 000, source zone), errMsg null.
 */
export async function getProduct(call: Call): Promise<string> {
  const id = requireId(call.params, 'productID');
  checkWebSite(call.params);
  const p = (await call.store.products([id])).get(id);
  if (!p) throw new BusinessError(BUSINESS.productNotFound, `no product ${id} in this store`);
  if (p.blob !== null) return p.blob;
  const record = await call.store.productRecord(id);
  if (record !== undefined) return record;
  const clock = call.store.clock;
  const time = (v: string | null) => (v === null ? 'null' : jsonString(formatApiTime(clock, naiveInstant(clock, v))));
  const info = objectOf([
    ['productID', p.productId],
    ['categoryID', p.categoryId],
    ['categoryName', jsonString(p.categoryName)],
    ['subject', jsonString(p.subject)],
    ['status', jsonString(p.status)],
    ['qualityLevel', p.qualityLevel ?? undefined],
    ['productCargoNumber', p.productCargoNumber === null ? undefined : jsonString(p.productCargoNumber)],
  ]);
  return objectOf([
    ['productInfo', info], ['createTime', time(p.createTime)], ['lastUpdateTime', time(p.lastUpdateTime)], ['lastRepostTime', time(p.lastRepostTime)],
    ['approvedTime', time(p.approvedTime)], ['expireTime', time(p.expireTime)], ['errMsg', 'null'],
  ]);
}

function categoryInfo(c: CategoryRow, all: CategoryRow[]): string {
  const parent = c.level <= 1 ? '0' : c.path[c.level - 2];
  const children = all.filter((x) => x.level === c.level + 1 && x.path[c.level - 1] === c.categoryId).map((x) => x.categoryId);
  return objectOf([
    ['categoryID', c.categoryId], ['name', jsonString(c.name)], ['level', String(c.level)], ['isLeaf', String(c.isLeaf)],
    ['parentIDs', `[${parent ?? ''}]`], ['childIDs', `[${children.join(',')}]`],
  ]);
}

/**
 * alibaba.category.get (categoryID; 0 = the root, whose childIDs are the level-1 categories):
 * {"categoryInfo":[{categoryID,name,level,isLeaf,parentIDs,childIDs}],"succes":…} — the real API
 * misspells `succes`, and so does this.
 */
export async function getCategory(call: Call): Promise<string> {
  const id = requireId(call.params, 'categoryID');
  const all = await call.store.categories();
  let info: string;
  if (/^0+$/.test(id)) {
    const roots = all.filter((c) => c.level === 1).map((c) => c.categoryId);
    info = `{"categoryID":0,"name":"","level":0,"isLeaf":false,"parentIDs":[],"childIDs":[${roots.join(',')}]}`;
  } else {
    const c = all.find((x) => x.categoryId === id);
    if (!c) throw new BusinessError(BUSINESS.categoryNotFound, `no category ${id} in this store`);
    info = categoryInfo(c, all);
  }
  return answer(call.seq, [['categoryInfo', `[${info}]`]], 'succes');
}

/**
 * alibaba.category.attribute.get (categoryID, webSite): {"attributes":[…],"attributeLevelMapStr":…,
 * "errorMsg":null,"success":…}: a leaf's attributes column (which holds that result) with the success
 * flag added, its text otherwise untouched; a category without attributes ('', '[]', '{}', 'null')
 * answers an empty list.
 */
export async function getCategoryAttributes(call: Call): Promise<string> {
  const id = requireId(call.params, 'categoryID');
  checkWebSite(call.params);
  const c = (await call.store.categories()).find((x) => x.categoryId === id);
  if (!c) throw new BusinessError(BUSINESS.categoryNotFound, `no category ${id} in this store`);
  const text = c.attributes.trim();
  if (text.startsWith('{') && objectMembers(text).some((m) => m.key === 'attributes')) return appendMember(text, 'success', successFlag(call.seq, true));
  const list = text.startsWith('[') && text !== '[]' ? text : '[]';
  return answer(call.seq, [['attributes', list], ['attributeLevelMapStr', '"{}"'], ['errorMsg', 'null']]);
}
