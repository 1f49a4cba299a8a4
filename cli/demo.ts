// hub-etl demo: generate (or advance), migrate, run, status and verify in one command.
import type { Command } from 'commander';
import type { WarehouseTarget } from '../lib/config.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { action, wholeNumber } from './action.js';
import { formatSummaries } from './run.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('show hub-etl end to end on the configured source and warehouse (default: SQLite files under ./data): a synthetic store, a load, status and verify; run it again for an incremental day')
    .option('--orders <n>', 'orders in a new synthetic store', wholeNumber(1, 10_000_000), 5000)
    .option('--live', 'then show changes arriving live: listen (AMQP, HUB_MQ_URL or the local RabbitMQ) and a worker (Redis) refresh what an hour of the store\'s changes announce; skipped with one line when RabbitMQ or Redis does not answer')
    .action(action<{ orders: number; live?: boolean }>(async (ctx, opts) => {
      const [{ demo, demoHeadline }, { formatStatus }, { formatVerify }] = await Promise.all([import('../jobs/demo.js'), import('../jobs/status.js'), import('../jobs/verify.js')]);
      const r = await demo(ctx, opts);
      const out = [
        'hub-etl demo',
        '',
        ...demoHeadline(ctx, r),
        '',
        formatSummaries(r.runs),
        '',
        '4. status',
        formatStatus(r.status),
        '',
        '5. verify (source against warehouse)',
        formatVerify(r.verify),
        '',
        'Next: hub-etl status · hub-etl verify · npm run demo again (the store moves a simulated day forward and the run is incremental)',
        '      npm run demo -- --live: changes arriving through Cloud Hub\'s messages (needs RabbitMQ and Redis: bash scripts/services.sh)',
        `      query the warehouse, e.g. ${queryHint(ctx.config.warehouse)}`,
      ];
      process.stdout.write(`${out.join('\n')}\n`);
      if (opts.live) {
        const { demoLive, formatLive } = await import('../jobs/demo-live.js');
        process.stdout.write(`\n${formatLive(await demoLive(ctx)).join('\n')}\n`);
      }
      return r.verify.ok ? 0 : 1;
    }));
}

/** Orders and sales by day, in the warehouse's own client. */
function queryHint(wh: WarehouseTarget): string {
  if (wh.kind === 'csv') return `the CSV files in ${wh.dir}`;
  const sql = DIALECTS[wh.kind];
  return sql.clientCommand(wh, `select order_date, count(*), sum(${sql.smallestUnits('total_amount', 2)}) / 100.0 from fct_order group by 1 order by 1 desc limit 7`);
}
