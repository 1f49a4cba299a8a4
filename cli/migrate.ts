// hub-etl migrate: create or upgrade the warehouse schema.
import type { Command } from 'commander';
import { migrate } from '../sql/warehouse/migrate.js';
import { MIGRATIONS } from '../sql/warehouse/migrations.js';
import { action } from './action.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the warehouse tables (repeatable: applies only pending versions)')
    .option('--print-sql', 'print the DDL of every migration for this warehouse instead of applying it')
    .option('--json', 'print the versions applied and the current one as JSON (with --print-sql: the statements of each version)')
    .action(action<{ printSql?: boolean; json?: boolean }>(async (ctx, opts) => {
      const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      if (ctx.config.warehouse.kind === 'csv') {
        const note = 'a CSV folder: nothing to migrate (hub-etl run creates its state file)';
        if (opts.json) out({ warehouse: ctx.config.warehouse.url, applied: [], current: null, note });
        else process.stdout.write(`warehouse ${ctx.config.warehouse.url} is ${note}\n`);
        return 0;
      }
      if (opts.printSql) {
        const dialect = ctx.config.warehouse.kind;
        if (opts.json) out(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, statements: m.statements(dialect) })));
        else for (const m of MIGRATIONS) process.stdout.write(`-- version ${m.version}: ${m.name}\n${m.statements(dialect).map((s) => `${s};`).join('\n\n')}\n`);
        return 0;
      }
      const wh = await ctx.warehouse();
      const r = await migrate(wh, ctx.logger);
      if (opts.json) out({ warehouse: wh.label, applied: r.applied.map((m) => ({ version: m.version, name: m.name })), current: r.current });
      else process.stdout.write(r.applied.length ? `warehouse ${wh.label} migrated to version ${r.current}\n` : `warehouse ${wh.label} is up to date (version ${r.current})\n`);
      return 0;
    }));
}
