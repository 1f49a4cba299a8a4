// The three zones a transform works with: the replica's columns (sourceTz), 1688's offset-less strings
// (apiTz: China time, wherever the replica keeps its columns) and the store's calendar (storeTz).
import type { TransformContext } from './types.js';

/** 1688 is China time; also the store's calendar unless configured otherwise (HUB_API_TZ, HUB_STORE_TZ). */
export const CHINA_TZ = 'Asia/Shanghai';

/** Zone of offset-less time strings inside 1688's JSON. */
export function apiZone(ctx: TransformContext): string {
  return ctx.apiTz ?? CHINA_TZ;
}

/** Zone of the store's calendar, for every `*_date` derived from an instant. */
export function storeZone(ctx: TransformContext): string {
  return ctx.storeTz ?? CHINA_TZ;
}
