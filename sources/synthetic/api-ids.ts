// Ids of the seller's API-only objects, pure functions of the seed: products refer to store categories
// (productInfo.groupID) and freight templates (shippingInfo.freightTemplateID) by them, and the API
// objects (api-store.ts) carry them. One id of each kind is above 2^53, as 1688's Longs may be (I).
import { perm6, perm8, perm9 } from './format.js';
import { hashUnit, Stream } from './random.js';

/** Freight templates every store has from the start (never removed, so products may point at them). */
export const BASE_TEMPLATES = 5;
/** The base template whose id is above 2^53 (the 1688 official template). */
export const BIG_TEMPLATE = 4;
/** The ship-from address whose id is above 2^53: the default one, which is never removed. */
export const BIG_ADDRESS = 0;
/** The category tree node whose store category has an id above 2^53 (电动工具, a level-2 node). */
export const BIG_STORE_CATEGORY = 1001;
/** 1688's special freight template id meaning "the seller pays the freight" (卖家承担运费). */
export const SELLER_PAYS_TEMPLATE = '1';

/** A per-store offset, so that two seeds give different ids while ids stay unique within a store. */
const offset = (seed: number, salt: number): number => Math.floor(hashUnit(seed, Stream.ApiObject, salt) * 1e6);

/** 19 digits starting 9007199254: above 2^53, below 2^63. */
const big = (seed: number, salt: number): string => `9007199254${perm9(offset(seed, salt))}`;

/** Freight template `index`: 8 digits like 1688's (11864709). */
export function freightTemplateId(seed: number, index: number): string {
  if (index === BIG_TEMPLATE) return big(seed, 11);
  return `1${Math.floor(hashUnit(seed, Stream.ApiObject, 12) * 10)}${perm6((index + offset(seed, 13)) % 1e6)}`;
}

/** Sub-template `s` (0 express, 1 freight, 2 cash on delivery) of template `index`. */
export function subTemplateId(seed: number, index: number, s: number): string {
  return `5${perm8((index * 4 + s + offset(seed, 14)) % 1e8)}`;
}

/** Fee rule `r` of sub-template `s` of template `index`. */
export function rateId(seed: number, index: number, s: number, r: number): string {
  return `6${perm8((index * 64 + s * 16 + r + offset(seed, 15)) % 1e8)}`;
}

/** Ship-from address `index`. */
export function addressId(seed: number, index: number): string {
  if (index === BIG_ADDRESS) return big(seed, 21);
  return `3${perm8((index + offset(seed, 22)) % 1e8)}`;
}

/** Store category for category tree node `node` (base categories) or 900000 + k (the k-th promotion category). */
export function storeCategoryId(seed: number, node: number): string {
  if (node === BIG_STORE_CATEGORY) return big(seed, 31);
  return `2${perm8((node + offset(seed, 32)) % 1e8)}`;
}

/** The seller's numeric user id (userId of its addresses). */
export function sellerUserId(seed: number): string {
  return `22${perm8(offset(seed, 41))}`;
}

/** The base template product `productIndex` ships with, or null for 1688's "the seller pays" template (1). */
export function productTemplateIndex(productIndex: number): number | null {
  const k = productIndex % 13;
  return k === 12 ? null : k % BASE_TEMPLATES;
}
