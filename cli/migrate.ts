// hub-etl migrate: create or upgrade the warehouse schema.
import type { Command } from 'commander';
import { migrate } from '../jobs/migrate.js';
import { MIGRATIONS } from '../sql/warehouse/migrations.js';
import { action } from './action.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the warehouse tables (repeatable: applies only pending versions)')
    .option('--print-sql', 'print the DDL of every migration for this warehouse instead of applying it')
    .action(action<{ printSql?: boolean }>(async (ctx, opts) => {
      if (ctx.config.warehouse.kind === 'csv') {
        process.stdout.write(`warehouse ${ctx.config.warehouse.url} is a CSV folder: nothing to migrate (hub-etl run creates its state file)\n`);
        return 0;
      }
      if (opts.printSql) {
        const dialect = ctx.config.warehouse.kind;
        for (const m of MIGRATIONS) process.stdout.write(`-- version ${m.version}: ${m.name}\n${m.statements(dialect).map((s) => `${s};`).join('\n\n')}\n`);
        return 0;
      }
      const wh = await ctx.warehouse();
      const r = await migrate(wh, ctx.logger);
      process.stdout.write(r.applied.length ? `warehouse ${wh.label} migrated to version ${r.current}\n` : `warehouse ${wh.label} is up to date (version ${r.current})\n`);
      return 0;
    }));
}
