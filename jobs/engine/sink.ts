// Picks the warehouse sink from the configured URL: a SQL database (schema migrated first) or a csv: folder.
import { describeTarget } from '../../lib/config.js';
import type { Context } from '../context.js';
import { CsvSink } from '../../sinks/csv.js';
import type { Sink } from '../../sinks/sink.js';
import { SqlSink } from '../../sinks/sql.js';
import { migrate } from '../../sql/warehouse/migrate.js';

export interface OpenedSink {
  sink: Sink;
  /** Releases what opening the sink took: the CSV state file; a SQL database belongs to the context. */
  release(): Promise<void>;
}

export async function openSink(ctx: Context): Promise<OpenedSink> {
  const target = ctx.config.warehouse;
  if (target.kind === 'csv') {
    const sink = await CsvSink.open(target.dir, { label: describeTarget(target) });
    return { sink, release: () => sink.close() };
  }
  const wh = await ctx.warehouse();
  await migrate(wh, ctx.logger);
  return { sink: new SqlSink(wh), release: async () => undefined };
}
