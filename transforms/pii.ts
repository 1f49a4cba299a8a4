// Buyer ids as the warehouse keeps them: a keyed hash (HMAC-SHA256 under the installation's PII key), the
// same for the same buyer on every row and run, so that distinct buyers can still be counted; the clear
// memberId only when the installation asked for it (--keep-buyer-ids, for an ERP).
import crypto from 'node:crypto';
import type { PiiSettings, TransformContext } from './types.js';

/** 64 lowercase hex digits: HMAC-SHA256(key, memberId). */
export function buyerKey(memberId: string, key: string): string {
  return crypto.createHmac('sha256', key).update(memberId, 'utf8').digest('hex');
}

/** The context's PII settings; their absence is a programming error (no run may load a clear id by accident). */
export function piiSettings(ctx: TransformContext): PiiSettings {
  if (ctx.pii === undefined) {
    throw new Error('the transform context carries no personal-data settings (TransformContext.pii): hub-etl must pass them with every run (jobs/transform-settings.ts)');
  }
  return ctx.pii;
}

/** buyer_member_id (the hash, or the clear id with keepBuyerIds) and buyer_key (always the hash). */
export function buyerColumns(memberId: string, ctx: TransformContext): { buyer_member_id: string; buyer_key: string } {
  const pii = piiSettings(ctx);
  const hashed = buyerKey(memberId, pii.key);
  return { buyer_member_id: pii.keepBuyerIds ? memberId : hashed, buyer_key: hashed };
}
