// The 1688 open-platform operations hub-etl calls, as data: the gateway namespace of each, and the
// default action name under Alibaba Cloud's RPC (POP) transport, where no public page lists them
// (override per operation with --pop-action / HUB_API_POP_ACTIONS). Shared by the config (which checks
// --pop-action names), the client and the emulator; plain data, so it lives at the bottom layer.

export interface ApiOperation {
  /** The operation's name on the 1688 gateway, e.g. `alibaba.trade.get.sellerView`. */
  name: string;
  /** Gateway namespace: the `{namespace}` of `param2/1/{namespace}/{api}/{appKey}`. */
  namespace: string;
  /** Default POP RPC action name (PascalCase of the operation). */
  popAction: string;
  /** Calls that change nothing on the platform; every operation hub-etl makes is one. */
  readOnly: true;
}

const OPERATIONS_LIST: ReadonlyArray<Omit<ApiOperation, 'readOnly'>> = [
  // The gateway's own clock (param2/1/system/currentTime/{appKey}): the API source's "now".
  { name: 'currentTime', namespace: 'system', popAction: 'GetCurrentTime' },
  { name: 'alibaba.trade.getSellerOrderList', namespace: 'com.alibaba.trade', popAction: 'GetSellerOrderList' },
  { name: 'alibaba.trade.get.sellerView', namespace: 'com.alibaba.trade', popAction: 'GetSellerOrder' },
  { name: 'alibaba.invoice.get', namespace: 'com.alibaba.trade', popAction: 'GetOrderInvoice' },
  { name: 'alibaba.trade.refund.OpQueryBatchRefundByOrderIdAndStatus.sellerView', namespace: 'com.alibaba.trade', popAction: 'ListOrderRefunds' },
  { name: 'alibaba.trade.refund.OpQueryOrderRefund.sellerView', namespace: 'com.alibaba.trade', popAction: 'GetOrderRefund' },
  { name: 'alibaba.trade.getLogisticsInfos.sellerView', namespace: 'com.alibaba.logistics', popAction: 'GetLogisticsInfos' },
  { name: 'alibaba.trade.getLogisticsTraceInfo.sellerView', namespace: 'com.alibaba.logistics', popAction: 'GetLogisticsTraceInfo' },
  { name: 'alibaba.product.list.get', namespace: 'com.alibaba.product', popAction: 'ListProducts' },
  { name: 'alibaba.product.get', namespace: 'com.alibaba.product', popAction: 'GetProduct' },
  { name: 'alibaba.category.get', namespace: 'com.alibaba.product', popAction: 'GetCategory' },
  { name: 'alibaba.category.attribute.get', namespace: 'com.alibaba.product', popAction: 'GetCategoryAttributes' },
  // The store's own categories are a v1 API of the open namespace (open.1688.com api.htm?ns=cn.alibaba.open&n=category.getSelfCatlist).
  { name: 'category.getSelfCatlist', namespace: 'cn.alibaba.open', popAction: 'ListStoreCategories' },
  // Filed under the product namespace by the official SDK (APIId com.alibaba.product) and called there by
  // public callers, though its name says logistics (one caller uses com.alibaba.logistics).
  { name: 'alibaba.logistics.freightTemplate.getList', namespace: 'com.alibaba.product', popAction: 'ListFreightTemplates' },
  { name: 'alibaba.logistics.mySendGoodsAddress.list.get', namespace: 'com.alibaba.logistics', popAction: 'ListSendGoodsAddresses' },
];

/** Every operation by its gateway name. */
export const OPERATIONS: ReadonlyMap<string, ApiOperation> = new Map(OPERATIONS_LIST.map((o) => [o.name, { ...o, readOnly: true }]));

/** Token refresh on the gateway: `param2/1/system.oauth2/getToken/{appKey}` with grant_type=refresh_token. */
export const TOKEN_PATH_NAMESPACE = 'system.oauth2';
export const TOKEN_API = 'getToken';

/** The gateway path of an operation, as signed: `param2/1/{namespace}/{api}/{appKey}` (no leading slash). */
export function gatewayPath(op: Pick<ApiOperation, 'namespace' | 'name'>, appKey: string): string {
  return `param2/1/${op.namespace}/${op.name}/${appKey}`;
}

/** The operation named, or undefined. */
export function operationNamed(name: string): ApiOperation | undefined {
  return OPERATIONS.get(name);
}
