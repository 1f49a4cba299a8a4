// Processes a verify job: reconciles source and warehouse (jobs/verify.ts). A mismatch fails the job
// for good, with every failed check named: it is a finding for a person, not a hiccup to retry.
import { UnrecoverableError, type Job } from 'bullmq';
import { verify } from '../verify.js';
import { assertVerifyPayload } from './payloads.js';
import type { JobHelpers } from './processor.js';

export async function processVerify(job: Job, h: JobHelpers): Promise<{ ok: true; checks: number }> {
  const data: unknown = job.data;
  assertVerifyPayload(data);
  const r = await verify(await h.ctx.source(), await h.ctx.warehouse({ create: false }), { zones: h.ctx.config });
  if (!r.ok) {
    const bad = r.checks.filter((c) => !c.ok);
    throw new UnrecoverableError(`verify found ${bad.length} mismatch${bad.length === 1 ? '' : 'es'}: ${bad.map((c) => `${c.stream} ${c.name}: ${c.detail}`).join('; ').slice(0, 4_000)}`);
  }
  return { ok: true, checks: r.checks.length };
}
