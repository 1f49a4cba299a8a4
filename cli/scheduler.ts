// hub-etl scheduler: make the live job schedulers equal to the schedules file, then stay up
// (re-syncing on SIGHUP and every few minutes) or, with --once, exit.
import type { Command } from 'commander';
import type { SyncResult } from '../jobs/queue/scheduler.js';
import { DEFAULT_SCHEDULES_FILE, loadSchedules } from '../jobs/queue/schedules.js';
import { describe } from '../lib/errors.js';
import { action } from './action.js';

interface SchedulerFlags { schedules?: string; once?: boolean; json?: boolean }

const RESYNC_MS = 5 * 60_000;

function formatSync(r: SyncResult): string {
  const part = (label: string, ids: string[]) => `${label} ${ids.length}${ids.length ? ` (${ids.join(', ')})` : ''}`;
  return `schedulers: ${part('added', r.added)}, ${part('updated', r.updated)}, ${part('removed', r.removed)}, unchanged ${r.unchanged.length}`;
}

export function registerScheduler(program: Command): void {
  program
    .command('scheduler')
    .description('keep the queue\'s job schedulers equal to the schedules file (adds, updates, removes); stays up unless --once')
    .option('--schedules <file>', 'schedules file (JSON; default: schedules/default.json of this hub-etl)')
    .option('--once', 'sync once and exit (deploys, tests)')
    .option('--json', 'print what changed as JSON')
    .action(action<SchedulerFlags>(async (ctx, opts) => {
      // The file is checked before Redis is touched: a bad file changes nothing.
      const file = opts.schedules ?? DEFAULT_SCHEDULES_FILE;
      const first = loadSchedules(file);
      const [{ openQueues }, { syncSchedulers }] = await Promise.all([import('../jobs/queue/queues.js'), import('../jobs/queue/scheduler.js')]);
      const queues = await openQueues(ctx);
      try {
        const r = await syncSchedulers(queues, first, ctx.logger);
        process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `${formatSync(r)}\n`);
        if (opts.once) return 0;
        // Staying up heals schedulers lost with Redis data, and SIGHUP applies an edited file without a restart.
        const resync = async (why: string) => {
          try {
            const again = await syncSchedulers(queues, loadSchedules(file), ctx.logger);
            if (again.added.length + again.updated.length + again.removed.length > 0) process.stdout.write(`${formatSync(again)} (${why})\n`);
          } catch (err) {
            ctx.logger.error('re-sync failed; the live schedulers are unchanged', { why, error: describe(err) });
          }
        };
        const timer = setInterval(() => void resync('periodic'), RESYNC_MS);
        const onHup = () => void resync('SIGHUP');
        process.on('SIGHUP', onHup);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', () => resolve());
          process.once('SIGINT', () => resolve());
        });
        clearInterval(timer);
        process.off('SIGHUP', onHup);
        return 0;
      } finally {
        await queues.close();
      }
    }));
}
