// hub-etl verify: reconcile source and warehouse; exit 1 on any mismatch.
import type { Command } from 'commander';
import { formatVerify, verify } from '../jobs/verify.js';
import { action } from './action.js';
import { interruptible } from './signals.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('reconcile source and warehouse per stream (counts, per-day orders and amounts, refund money, ids); exit 1 on a mismatch')
    .option('--json', 'print the checks as JSON')
    .action(action<{ json?: boolean }>(async (ctx, opts) => {
      const src = await ctx.source();
      const wh = await ctx.warehouse({ create: false });
      // SIGINT/SIGTERM: stops between checks and exits 130/143 without a report (verify writes nothing).
      return interruptible(ctx.logger, 'stopping verify', async (signal) => {
        const r = await verify(src, wh, { signal, logger: ctx.logger, zones: ctx.config });
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatVerify(r)}\n`);
        return r.ok ? 0 : 1;
      });
    }));
}
