// hub-etl docs: the data dictionary (docs/warehouse.md) and, with --dbt, dbt's models/sources.yml, written
// from the warehouse definitions.
import type { Command } from 'commander';
import { writeDocs } from '../jobs/docs.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { UsageError } from '../lib/errors.js';
import { action } from './action.js';

interface DocsFlags { out: string; dbt?: boolean; dbtSchema?: string; dbtDatabase?: string }

export function registerDocs(program: Command): void {
  program
    .command('docs')
    .description('write the data dictionary (docs/warehouse.md) and, with --dbt, dbt sources (models/sources.yml) from the warehouse definitions')
    .option('-o, --out <dir>', 'folder to write docs/warehouse.md (and models/sources.yml) into, created when missing', '.')
    .option('--dbt', 'also write models/sources.yml for a dbt project: every table and view, columns with English and Chinese descriptions, unique/not_null tests on keys')
    .option('--dbt-schema <name>', 'schema of the hub_etl source (default: the database name of a MariaDB warehouse, public for PostgreSQL, main for SQLite)')
    .option('--dbt-database <name>', 'database of the source, for dbt adapters with one above the schema (default: none)')
    .action(action<DocsFlags>(async (ctx, opts) => {
      if (!opts.dbt && (opts.dbtSchema !== undefined || opts.dbtDatabase !== undefined)) throw new UsageError('--dbt-schema/--dbt-database: give --dbt too');
      const wh = ctx.config.warehouse;
      const schema = opts.dbtSchema ?? (wh.kind === 'csv' ? 'main' : DIALECTS[wh.kind].defaultSchema(wh));
      const files = await writeDocs(opts.out, opts.dbt ? { schema, ...(opts.dbtDatabase ? { database: opts.dbtDatabase } : {}) } : undefined);
      for (const f of files) process.stdout.write(`wrote ${f}\n`);
    }));
}
