// The signatures of the 1688 open platform and of Alibaba Cloud's RPC (POP) API, written once and
// shared by the client (signing requests), the emulator (checking them) and the push receiver.
import crypto from 'node:crypto';

/**
 * `_aop_signature` of the 1688 gateway (open.1688.com sysSignature): UPPER(HEX(HMAC-SHA1(secret,
 * urlPath + concat))), where urlPath is `param2/1/{namespace}/{api}/{appKey}` without a leading slash
 * and concat is every other parameter written as key+value (unencoded), those strings sorted, then joined.
 * `_aop_signature` itself is never part of what is signed.
 */
export function aopSignature(appSecret: string, urlPath: string, params: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(params)
    .filter((k) => k !== '_aop_signature')
    .map((k) => `${k}${params[k]}`)
    .sort(byCodeUnit);
  return hmacSha1(appSecret, urlPath + pairs.join('')).toString('hex').toUpperCase();
}

/**
 * The signature of an open-platform push (an HTTP form POST of `message`): UPPER(HEX(HMAC-SHA1(secret,
 * "message" + the message text as received))).
 */
export function pushSignature(appSecret: string, message: string): string {
  return hmacSha1(appSecret, `message${message}`).toString('hex').toUpperCase();
}

/** RFC 3986 percent-encoding as POP signing wants it: unreserved characters kept, space as %20, `*` as %2A, `~` kept. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonicalised query string of a POP request: parameters sorted by name, each name and value percent-encoded. */
export function popCanonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort(byCodeUnit)
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&');
}

/**
 * The POP RPC signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0): base64(HMAC-SHA1(secret + "&",
 * METHOD + "&" + enc("/") + "&" + enc(canonical query))).
 */
export function popSignature(accessKeySecret: string, method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string {
  const toSign = `${method}&${percentEncode('/')}&${percentEncode(popCanonicalQuery(params))}`;
  return hmacSha1(`${accessKeySecret}&`, toSign).toString('base64');
}

/** Compares two signatures without leaking, through timing, how much of a forged one was right. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function hmacSha1(key: string, text: string): Buffer {
  return crypto.createHmac('sha1', Buffer.from(key, 'utf8')).update(text, 'utf8').digest();
}

// Sorting by UTF-16 code unit is what Java's String.compareTo (the reference SDKs) does; localeCompare is not.
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
