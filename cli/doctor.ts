// hub-etl doctor: what will go wrong with the configured source, warehouse and Redis, before it does.
import type { Command } from 'commander';
import { action } from './action.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('inspect the source, warehouse and Redis: reachability, TLS, versions, privileges, indexes on the cursor columns, time zone, rows per table; exit 1 on an error, 0 with warnings only')
    .option('--json', 'print the checks as JSON')
    .action(action<{ json?: boolean }>(async (ctx, opts, cmd) => {
      const { doctor, formatDoctor } = await import('../jobs/doctor/index.js');
      const redisExplicit = (cmd.optsWithGlobals() as { redis?: string }).redis !== undefined || Boolean(process.env.HUB_REDIS_URL);
      const r = await doctor(ctx, { redisExplicit });
      process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatDoctor(r)}\n`);
      return r.ok ? 0 : 1;
    }));
}
