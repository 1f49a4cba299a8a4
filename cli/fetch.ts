// hub-etl fetch: load specific orders, refunds or products now (through the API when configured, else the replica).
import type { Command } from 'commander';
import { fetchEntities } from '../jobs/fetch.js';
import { action } from './action.js';
import { formatSummaries } from './run.js';

interface FetchFlags { order?: string[]; refund?: string[]; product?: string[]; json?: boolean }

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerFetch(program: Command): void {
  program
    .command('fetch')
    .description('load specific entities now, with the newer-version guard; watermarks stay where they are')
    .option('--order <id>', 'an order id: the order, its lines, invoice, refunds and shipments (repeat or comma-separate)', collect)
    .option('--refund <id>', 'a refund id (TQ… or its digits) (repeat or comma-separate)', collect)
    .option('--product <id>', 'a product id: the product, its SKUs and price tiers (repeat or comma-separate)', collect)
    .option('--json', 'print the result as JSON')
    .action(action<FetchFlags>(async (ctx, opts) => {
      const result = await fetchEntities(ctx, { orders: opts.order ?? [], refunds: opts.refund ?? [], products: opts.product ?? [] });
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        process.stdout.write(`fetched from ${result.source}\n${result.runs.length ? formatSummaries(result.runs) : 'nothing to load'}\n`);
        if (result.missing.length) process.stdout.write(`not found in the source: ${result.missing.join(', ')}\n`);
      }
      return result.missing.length ? 1 : 0;
    }));
}
