// Picks the source reader from the configuration: the replica tables (SQL) or the 1688 API, one file per
// implementation under sources/, chosen from a map by the kind of source.
import type { Context } from '../context.js';
import { ApiReader } from '../../sources/api/reader.js';
import { ReplicaReader } from '../../sources/replica-reader.js';
import type { SourceReader } from '../../sources/source.js';

type SourceKind = SourceReader['kind'];

const READERS: Record<SourceKind, (ctx: Context) => Promise<SourceReader>> = {
  replica: async (ctx) => {
    const reader = await ReplicaReader.open(await ctx.source(), ctx.config.sourceTz);
    if (reader.synthetic) ctx.logger.info('the source is a synthetic store: its simulated clock is "now"');
    return reader;
  },
  api: async (ctx) => new ApiReader(await ctx.api(), ctx.config.sourceTz, ctx.logger),
};

/** Which kind of source the configuration names. */
export function sourceKind(ctx: Context): SourceKind {
  return ctx.config.source.kind === 'api' ? 'api' : 'replica';
}

export async function openReader(ctx: Context): Promise<SourceReader> {
  return READERS[sourceKind(ctx)](ctx);
}

/** The reader for targeted refreshes: the API when one is configured (it holds the entity's current state), else the source. */
export async function openFetchReader(ctx: Context): Promise<SourceReader> {
  return READERS[ctx.config.api ? 'api' : sourceKind(ctx)](ctx);
}
