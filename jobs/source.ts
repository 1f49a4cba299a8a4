// Picks the source reader from the configuration: the replica tables (SQL) or, later, the 1688 API.
import type { Context } from '../lib/context.js';
import { ReplicaReader } from '../sources/replica-reader.js';
import type { SourceReader } from '../sources/source.js';

export async function openReader(ctx: Context): Promise<SourceReader> {
  const reader = await ReplicaReader.open(await ctx.source(), ctx.config.sourceTz);
  if (reader.synthetic) ctx.logger.info('the source is a synthetic store: its simulated clock is "now"');
  return reader;
}

/** The reader for targeted refreshes: the API when one is configured (it holds the entity's current state), else the source. */
export async function openFetchReader(ctx: Context): Promise<SourceReader> {
  return openReader(ctx);
}
