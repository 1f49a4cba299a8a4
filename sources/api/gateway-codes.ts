// The error codes of the 1688 gateway and of the POP RPC endpoint that hub-etl tells apart, written once
// for the client (which classifies them) and the emulator (which answers with them). Gateway errors come
// as HTTP 4xx/5xx with {error_code, error_message}; POP errors as 4xx/5xx with {RequestId, HostId, Code, Message}.

/** Gateway `error_code`s (source-shapes §6.3) and the HTTP status the emulator sends them with. */
export const GATEWAY = {
  signatureInvalid: { code: 'gw.SignatureInvalid', status: 400 },
  appKeyNotExist: { code: 'gw.AppKeyNotExist', status: 400 },
  accessTokenExpired: { code: 'gw.AccessTokenExpired', status: 401 },
  accessTokenInvalid: { code: 'gw.AccessTokenInvalid', status: 401 },
  aclDenied: { code: 'gw.APIAccessDenied', status: 403 },
  apiNotExist: { code: 'gw.ApiNotExist', status: 404 },
  frequencyLimit: { code: 'gw.QosAppFrequencyLimit', status: 429 },
  ispTimeout: { code: 'gw.ISPInvokeTimeout', status: 504 },
  internal: { code: 'gw.InternalError', status: 500 },
  missingParameter: { code: 'gw.MissingParameter', status: 400 },
} as const;

/** Token refresh failures on `system.oauth2/getToken` (OAuth2 style `error` field). */
export const OAUTH = { invalidGrant: 'invalid_grant', invalidClient: 'invalid_client' } as const;

/** POP RPC `Code`s and their HTTP status. */
export const POP = {
  signatureDoesNotMatch: { code: 'SignatureDoesNotMatch', status: 400 },
  accessKeyNotFound: { code: 'InvalidAccessKeyId.NotFound', status: 404 },
  forbidden: { code: 'Forbidden.RAM', status: 403 },
  actionNotFound: { code: 'InvalidAction.NotFound', status: 404 },
  missingParameter: { code: 'MissingParameter', status: 400 },
  invalidParameter: { code: 'InvalidParameter', status: 400 },
  /** A SignatureNonce seen before: POP refuses replays. */
  signatureNonceUsed: { code: 'SignatureNonceUsed', status: 400 },
  throttling: { code: 'Throttling.User', status: 429 },
  serviceUnavailable: { code: 'ServiceUnavailable', status: 503 },
  internal: { code: 'InternalError', status: 500 },
} as const;

/** Business error codes on HTTP 200 (`success: false`). */
export const BUSINESS = {
  /** Logistics of an order that has not shipped yet (source-shapes §6.3). */
  notShipped: '500_2',
  orderNotFound: 'ORDER_NOT_FOUND',
  refundNotFound: 'REFUND_NOT_FOUND',
  productNotFound: 'PRODUCT_NOT_FOUND',
  invoiceNotFound: 'INVOICE_NOT_FOUND',
  categoryNotFound: 'CATEGORY_NOT_FOUND',
  invalidParameter: 'PARAM_ERROR',
} as const;

/** Retriable without a change by the user: throttling, timeouts and server faults (any code ending in FrequencyLimit too). */
export function isRetriableCode(code: string): boolean {
  return /FrequencyLimit$/i.test(code) || /^Throttling/.test(code) || /ISPInvokeTimeout$/.test(code) ||
    code === GATEWAY.internal.code || code === POP.serviceUnavailable.code || code === POP.internal.code;
}
