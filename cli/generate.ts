// hub-etl generate: writes a deterministic synthetic 1688 store into the source tables, or moves one forward.
import type { Command } from 'commander';
import type { GenerateOptions, GenerateResult } from '../jobs/generate.js';
import type { PublishResult } from '../jobs/publish-messages.js';
import { UsageError } from '../lib/errors.js';
import { action, isoDate, wholeNumber } from './action.js';

/** The options the command line exposes; chunk size and threading stay internal. */
type GenerateFlags = Omit<GenerateOptions, 'chunkOrders' | 'orderThread' | 'collectMessages'> & { json?: boolean; publish?: string; push?: string };

const HELP = `
The store goes into the source database (--source, HUB_SOURCE_URL; default sqlite:./data/source.db):
categories, products, orders with their lines, refunds, invoices, logistics orders and routes, as
1688 Cloud Hub replicates them (JSON blobs, fen amounts, 18-digit ids). The same seed and arguments
always give byte-identical tables.

The generator keeps its state (seed, simulated clock, next ids) in a hub_etl_generator table and
refuses a database that has ali1688_* tables without it: that may be a real replica. --force adds a
synthetic store next to the rows already there (never dropping or changing them). A second
generate appends orders after the simulated clock; --advance moves the clock (default one day):
payments, shipments, carrier scans, refunds, completions, product edits and expiries, new orders.
A run that stops part-way leaves the store marked unusable: drop it and generate again.

Examples:
  hub-etl generate --orders 10000
  hub-etl generate --source mysql://root@127.0.0.1:3306/hub_src --orders 1000000 --seed 7
  hub-etl generate --advance --days 3
  hub-etl generate --advance --hours 6
  hub-etl generate --advance --hours 1 --publish amqp://guest:guest@127.0.0.1:5672
  HUB_API_APP_SECRET=… hub-etl generate --advance --push http://127.0.0.1:8090/

--publish and --push send, once the run is written, the messages Cloud Hub would send for its changes
(new orders, completions and receipts, refunds, shipments and tracking, waybill changes, product
edits, reposts, expiries and deletions), in the real shapes, with some duplicates and some out of order.
`;

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write a deterministic synthetic 1688 store into the source tables (SQLite or MariaDB), or move it forward')
    .option('--orders <n>', 'new orders (required unless --advance, which defaults to the store\'s daily rate)', wholeNumber(0, 100_000_000))
    .option('--seed <s>', 'random seed of a new store (default 1688)', wholeNumber(0, 2 ** 48))
    .option('--start <date>', 'first day of a new store, YYYY-MM-DD in the source time zone (default 2024-05-01)', isoDate)
    .option('--days <d>', 'simulated days the run covers (default 30, or 1 with --advance)', wholeNumber(1, 3650))
    .option('--hours <h>', 'simulated hours the run covers, instead of --days (e.g. an --advance of a few hours)', wholeNumber(1, 87_600))
    .option('--json', 'print the result (tables, changes by kind, speed) as JSON')
    .option('--advance', 'move an existing store forward in simulated time')
    .option('--force', 'write even into a database whose ali1688_* tables generate did not create')
    .option('--publish <amqp-url>', 'with --advance: publish the messages of the changes to this AMQP broker (amqp://…)')
    .option('--push <url>', 'with --advance: push the messages of the changes to this receiver (http://…), signed with HUB_API_APP_SECRET')
    .option('--order-id-columns', 'name the refund and invoice order-id columns order_id (default: the printed order_ld / order_Id)')
    .addHelpText('after', HELP)
    .action(
      action<GenerateFlags>(async (ctx, flags) => {
        const { generate } = await import('../jobs/generate.js');
        const { json, publish, push, ...opts } = flags;
        const target = publish ?? push;
        if (publish && push) throw new UsageError('--publish and --push: give one of them');
        if (target && !opts.advance) throw new UsageError(`${publish ? '--publish' : '--push'}: messages are sent for the changes of an --advance`);
        if (push && !ctx.config.pushSecret) throw new UsageError('--push: pushes are signed with the app secret; set HUB_API_APP_SECRET (or --api-app-secret)');
        const { messages, ...result } = await generate(ctx, { ...opts, ...(target ? { collectMessages: true } : {}) });
        let sent: PublishResult | undefined;
        if (target && messages) {
          const { publishMessages } = await import('../jobs/publish-messages.js');
          sent = await publishMessages(messages, { url: target, appSecret: ctx.config.pushSecret });
        }
        const out = sent ? { ...result, messages: sent } : result;
        process.stdout.write(json ? `${JSON.stringify(out, null, 2)}\n` : `${summary(result)}${sent ? `sent ${n(sent.published)} messages (${n(sent.duplicates)} repeated) to ${sent.target}\n` : ''}`);
      }),
    );
}

const n = (v: number) => v.toLocaleString('en-US');

/** The short report on stdout: what was written where, rows per table, speed. */
export function summary(r: GenerateResult): string {
  const lines = [
    `${r.created ? 'created a synthetic store' : 'moved the synthetic store forward'} in ${r.target} (seed ${r.seed})`,
    `simulated clock ${r.from} -> ${r.to} (${r.zone}); ${n(r.newOrders)} new orders, ${n(r.totalOrders)} in all`,
    `${'table'.padEnd(26)}${'inserted'.padStart(12)}${'updated'.padStart(12)}`,
    ...Object.entries(r.tables).map(([t, c]) => `${t.padEnd(26)}${n(c.inserted).padStart(12)}${n(c.updated).padStart(12)}`),
  ];
  const changes = Object.entries(r.changes).sort(([a], [b]) => a.localeCompare(b));
  if (!r.created && changes.length > 0) lines.push(`changes: ${changes.map(([k, v]) => `${k} ${n(v)}`).join(', ')}`);
  lines.push(`${r.seconds.toFixed(1)} s, ${n(Math.round(r.ordersPerSecond))} orders/s`);
  return `${lines.join('\n')}\n`;
}
