// hub-etl status: per stream watermark, lag, last run and open rejects.
import type { Command } from 'commander';
import { formatStatus, warehouseStatus } from '../jobs/status.js';
import { action } from './action.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show each stream\'s watermark, lag, last run with its counts, and open rejects')
    .option('--json', 'print as JSON (the same data as the dashboard\'s /api/status)')
    .action(action<{ json?: boolean }>(async (ctx, opts) => {
      const s = await warehouseStatus(await ctx.warehouse());
      process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
      return 0;
    }));
}
