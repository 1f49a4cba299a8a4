// Logistics, seller view: an order's logistics orders and their tracking routes, each the store's exact
// blob text. An order that has not shipped answers the business error 500_2, as the real API does.
import { BUSINESS } from '../../../api/gateway-codes.js';
import { answer, BusinessError } from '../envelope.js';
import type { Call } from '../operation.js';
import { checkWebSite, requireId } from '../params.js';
import type { OrderRow } from '../store.js';

async function orderOf(call: Call): Promise<OrderRow> {
  const orderId = requireId(call.params, 'orderId');
  const order = await call.store.order(orderId);
  if (!order) throw new BusinessError(BUSINESS.orderNotFound, `no order ${orderId} in this store`);
  return order;
}

/** alibaba.trade.getLogisticsInfos.sellerView (orderId, fields, webSite): {"result":[logistics order…],"success":…}. */
export async function getLogisticsInfos(call: Call): Promise<string> {
  checkWebSite(call.params);
  const order = await orderOf(call);
  const blobs = await call.store.logisticsOfOrder(order, 'order', null);
  if (blobs.length === 0) throw new BusinessError(BUSINESS.notShipped, `order ${order.orderId} has no logistics order (not shipped yet)`);
  return answer(call.seq, [['result', `[${blobs.join(',')}]`]]);
}

/** alibaba.trade.getLogisticsTraceInfo.sellerView (orderId, optional logisticsId): {"logisticsTrace":[route…],"success":…}. */
export async function getLogisticsTraceInfo(call: Call): Promise<string> {
  checkWebSite(call.params);
  const order = await orderOf(call);
  const logisticsId = call.params.logisticsId === undefined || call.params.logisticsId === '' ? null : call.params.logisticsId;
  const blobs = await call.store.logisticsOfOrder(order, 'route', logisticsId);
  if (blobs.length === 0) {
    throw new BusinessError(BUSINESS.notShipped, `order ${order.orderId} has no tracking${logisticsId === null ? '' : ` for logistics order ${logisticsId}`} (not shipped yet)`);
  }
  return answer(call.seq, [['logisticsTrace', `[${blobs.join(',')}]`]]);
}
