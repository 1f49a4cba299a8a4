// The seller's own objects that only the API serves: freight templates, ship-from addresses and the store's
// category tree, answered from the store's hub_etl_api_object rows exactly as api-objects.ts writes each
// operation's response (the SDK's result types carry no success flag; the v1 envelope has its own).
import { apiResponse } from '../../api-objects.js';
import { paramError } from '../envelope.js';
import type { Call } from '../operation.js';
import { checkWebSite } from '../params.js';

/** alibaba.logistics.freightTemplate.getList (webSite): {"freightTemplates":[…]}. */
export async function listFreightTemplates(call: Call): Promise<string> {
  checkWebSite(call.params);
  return apiResponse(call.op, await call.store.apiObjects('freight_template'));
}

/** alibaba.logistics.mySendGoodsAddress.list.get (no parameters): {"result":[…]}, the default address first. */
export async function listSendGoodsAddresses(call: Call): Promise<string> {
  return apiResponse(call.op, await call.store.apiObjects('ship_from_address'));
}

/**
 * category.getSelfCatlist (memberId, required): {"result":{"success":true,"total":1,"toReturn":[{"sellerCats":
 * […]}]}}, level-2 categories nested under their parent. Another member's id answers no categories
 * (`total` 0): this store knows only its own seller.
 */
export async function listStoreCategories(call: Call): Promise<string> {
  const member = call.params.memberId;
  if (member === undefined || member === '') throw paramError('memberId', 'required');
  if (member !== call.store.seller.memberId) return '{"result":{"success":true,"total":0,"toReturn":[]}}';
  return apiResponse(call.op, await call.store.apiObjects('store_category'));
}
