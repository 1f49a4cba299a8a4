// The contract between a synthetic store and whoever serves it over the 1688 API (the emulator): which
// objects the store holds outside the ali1688_* tables, how to read them, and the exact response of each
// operation that returns them. Marks as in source-shapes.md: C confirmed by a public source, I inferred,
// ? undocumented.
//
// Table hub_etl_api_object (created by generate next to the ali1688_* tables; sql/source/*.sql):
//   kind         'freight_template' | 'ship_from_address' | 'store_category'
//   object_id    the object's id, decimal digits (Longs, one per kind above 2^53)
//   parent_id    a level-2 store category's parent category id; NULL otherwise
//   position     order in the operation's response, from 0
//   json         the object's exact JSON text as the API returns it (ids as bare JSON numbers)
//   modified_at  last change, 'YYYY-MM-DD HH:MM:SS' in the store's zone (what generate --advance moved)
// Primary key (kind, object_id). The rows are a pure function of the seed and the simulated clock.
//
// alibaba.logistics.freightTemplate.getList (namespace com.alibaba.product; params: webSite=1688)
//   {"freightTemplates":[<FreightTemplate>,...]}
//   C: makcent/1688sdk AlibabaLogisticsFreightTemplateGetListResult {freightTemplates, errorCode, errorMsg}
//   (the SDK and most public callers file the operation under com.alibaba.product, one under com.alibaba.logistics).
//   FreightTemplate (C: AlibabaLogisticsFreightTemplate, open.1688.com doc of myFreightTemplate.list.get):
//     id Long, name, memberId, status Int (1 valid, -1 invalid), type Str ("3" 1688 official, "2" or
//     absent the seller's own), fromAreaCode Str (6-digit district code of the ship-from place),
//     addressCodeText Str ("浙江省 金华市 义乌市", space-separated), remark,
//     expressSubTemplate / logisticsSubTemplate / codSubTemplate (each optional):
//       {subTemplateDTO: {id, templateId, chargeType Int (0 weight, 1 piece, 2 volume), isSysTemplate Bool,
//         serviceChargeType Int (0 seller pays: free shipping, 1 buyer pays), serviceType Int (0 express,
//         1 freight, 2 cash on delivery), type Int (0 base, 1 value-added), gmtCreate, gmtModified},
//        rateList: [{isSysRate Bool, toAreaCodeText ("江苏省、浙江省、上海"; "全国" for the whole country),
//          rateDTO (sysRateDTO when isSysRate): {id, subTemplateId (sysTemplateId), firstUnit Long (grams
//          for weight, pieces for piece; volume unit ?), firstUnitFee Long, nextUnit Long, nextUnitFee Long,
//          leastExpenses Long (minimum per shipment, freight only), toAreaCodeList Str[] ("1" the whole
//          country, else 6-digit province codes), gmtCreate, gmtModified}}]}
//   I: fees are yuan (the SDK types them Long and states no unit; its create sample has firstUnitFee 20),
//   so the store writes whole yuan. ?: whether getList fills the sub-templates (the class has them;
//   myFreightTemplate.list.get fills them with querySubTemplate/queryRate and answers {"result":[...]}).
//   I: times yyyyMMddHHmmssSSSZ as in the trade API. 1688 has no ship-from address id in a template: the
//   place is fromAreaCode, which equals the leastCode of an address below. Free shipping is expressed as
//   a seller-paid sub-template or as rules with both fees 0 (江浙沪包邮); conditional free shipping (满额
//   包邮) is in no documented model and is not generated.
//
// alibaba.logistics.mySendGoodsAddress.list.get (no params)
//   {"result":[<SendGoodsAddress>,...]}
//   C: makcent/1688sdk AlibabaLogisticsMySendGoodsAddressListGetResult {result, errorCode, errorMsg} and
//   AlibabaLgisticsMySendGoodsAddress (sic): id Long, userId Long, addressName, isDefault Bool, country,
//   provinceName, cityName, areaName (district), leastCode (I: 6-digit district code), fullAddress,
//   post (zip), companyName, sendGoodsContactor, mobile, phone, wangwangNo. The last four are a person
//   (staff personal data, China PIPL): hub-etl never loads them. addressType (vocabulary ?) is not generated.
//
// category.getSelfCatlist (namespace cn.alibaba.open; params: memberId)
//   {"result":{"success":true,"total":1,"toReturn":[{"sellerCats":[<SellerCat>,...]}]}}
//   C: the v1 envelope result.toReturn[0].sellerCats (AliSdk SelfCatGetParser, ZyLob CustomClassifyApi);
//   SellerCat: id Long, name, ordering Int, iconUrl, memberId, gmtCreate, gmtModified, children SellerCat[]
//   (ZyLob AliCustomClassify; the makcent SDK's SellerCatInfo has id, name, ordering, iconUrl). I: times
//   yyyyMMddHHmmssSSSZ; the `success` key. Stored flat: a level-1 category's text has no children; the
//   response nests the texts of its level-2 rows as "children":[...] at its end ([] when it has none).
//   Products name their store categories in productInfo.groupID (Long[]), their template in
//   shippingInfo.freightTemplateID (1 = the seller pays, 1688's special template).
//
// alibaba.category.attribute.get is not in this table: a leaf's ali1688_category.attributes already is
// its result (§3.8: {attributes[], attributeLevelMapStr, errorMsg}); serve that text.
import { rawRows, type Db } from '../../lib/db.js';
import { API_KINDS, type ApiKind } from './api-store.js';
import { API_OBJECT_TABLE } from './tables.js';

export { API_KINDS, type ApiKind };

/** One row of hub_etl_api_object. */
export interface StoredApiObject {
  kind: ApiKind;
  objectId: string;
  parentId: string | null;
  position: number;
  json: string;
  modifiedAt: string;
}

/** The operations served from the table, and the kind each returns. */
export const API_OBJECT_OPERATIONS: Readonly<Record<string, ApiKind>> = {
  'alibaba.logistics.freightTemplate.getList': 'freight_template',
  'alibaba.logistics.mySendGoodsAddress.list.get': 'ship_from_address',
  'category.getSelfCatlist': 'store_category',
};

/** The objects of one kind, exact texts, in response order. */
export async function readApiObjects(db: Db, kind: ApiKind): Promise<StoredApiObject[]> {
  const rows = await rawRows<Record<string, unknown>>(
    db,
    db.dialect,
    `select kind, object_id, parent_id, position, json, modified_at from ${API_OBJECT_TABLE} where kind = ? order by position, object_id`,
    [kind],
  );
  return rows.map((r) => ({
    kind: String(r.kind) as ApiKind,
    objectId: String(r.object_id),
    parentId: r.parent_id === null || r.parent_id === undefined ? null : String(r.parent_id),
    position: Number(r.position),
    json: String(r.json),
    modifiedAt: String(r.modified_at),
  }));
}

/** The exact response text of an operation, from its kind's objects in response order. */
export function apiResponse(operation: string, objects: ReadonlyArray<Pick<StoredApiObject, 'kind' | 'objectId' | 'parentId' | 'json'>>): string {
  const kind = API_OBJECT_OPERATIONS[operation];
  if (kind === undefined) throw new Error(`${operation} is not served from ${API_OBJECT_TABLE}; expected one of ${Object.keys(API_OBJECT_OPERATIONS).join(', ')}`);
  const own = objects.filter((o) => o.kind === kind);
  switch (kind) {
    case 'freight_template':
      return `{"freightTemplates":[${own.map((o) => o.json).join(',')}]}`;
    case 'ship_from_address':
      return `{"result":[${own.map((o) => o.json).join(',')}]}`;
    case 'store_category':
      return `{"result":{"success":true,"total":1,"toReturn":[{"sellerCats":[${storeCategoryTree(own).join(',')}]}]}}`;
  }
}

/** Level-1 category texts with their children nested (at the end of each object), in the given order. */
function storeCategoryTree(objects: ReadonlyArray<Pick<StoredApiObject, 'objectId' | 'parentId' | 'json'>>): string[] {
  const children = new Map<string, string[]>();
  for (const o of objects) {
    if (o.parentId === null) continue;
    const list = children.get(o.parentId);
    if (list) list.push(o.json);
    else children.set(o.parentId, [o.json]);
  }
  return objects
    .filter((o) => o.parentId === null)
    .map((o) => {
      const head = o.json.slice(0, o.json.lastIndexOf('}')).trimEnd();
      return `${head}${head.endsWith('{') ? '' : ','}"children":[${(children.get(o.objectId) ?? []).join(',')}]}`;
    });
}
