// The operations the emulator answers, by gateway name: adding an operation is one entry here (and its
// name in lib/api-operations.ts). currentTime, the gateway's own clock, is the store's simulated one.
import { answer } from '../envelope.js';
import { jsonString } from '../json-text.js';
import type { Call, Handler } from '../operation.js';
import { formatApiTime } from '../times.js';
import { getInvoice, getOrderRefund, listOrderRefunds } from './refunds.js';
import { getLogisticsInfos, getLogisticsTraceInfo } from './logistics.js';
import { getCategory, getCategoryAttributes, getProduct, listProducts } from './products.js';
import { listFreightTemplates, listSendGoodsAddresses, listStoreCategories } from './seller.js';
import { getSellerOrderList, getSellerView } from './trade.js';

/** currentTime (namespace system): {"result":"yyyyMMddHHmmssSSS±hhmm" (the simulated clock, source zone),"success":…}. */
async function currentTime(call: Call): Promise<string> {
  return answer(call.seq, [['result', jsonString(formatApiTime(call.store.clock, await call.store.now()))]]);
}

export const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['currentTime', currentTime],
  ['alibaba.trade.getSellerOrderList', getSellerOrderList],
  ['alibaba.trade.get.sellerView', getSellerView],
  ['alibaba.invoice.get', getInvoice],
  ['alibaba.trade.refund.OpQueryBatchRefundByOrderIdAndStatus.sellerView', listOrderRefunds],
  ['alibaba.trade.refund.OpQueryOrderRefund.sellerView', getOrderRefund],
  ['alibaba.trade.getLogisticsInfos.sellerView', getLogisticsInfos],
  ['alibaba.trade.getLogisticsTraceInfo.sellerView', getLogisticsTraceInfo],
  ['alibaba.product.list.get', listProducts],
  ['alibaba.product.get', getProduct],
  ['alibaba.category.get', getCategory],
  ['alibaba.category.attribute.get', getCategoryAttributes],
  ['alibaba.logistics.freightTemplate.getList', listFreightTemplates],
  ['alibaba.logistics.mySendGoodsAddress.list.get', listSendGoodsAddresses],
  ['category.getSelfCatlist', listStoreCategories],
]);
