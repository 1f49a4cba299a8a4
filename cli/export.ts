// hub-etl export: stream a warehouse table or view to CSV or xlsx files, with a progress bar on a terminal.
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { dateColumnsHelp, exportTable, type ExportFormat, type ExportResult } from '../jobs/export.js';
import { UsageError } from '../lib/errors.js';
import type { HeaderLang } from '../lib/csv.js';
import { action, isoDate } from './action.js';
import { interruptible } from './signals.js';

interface ExportFlags {
  table: string; from?: string; to?: string; out: string; format: ExportFormat; bom?: boolean; headerLang: HeaderLang; splitBy?: 'day';
  splitInto?: 'sheets' | 'files'; excelSafe?: boolean; includeRestricted?: boolean; progress?: boolean; json?: boolean;
}

export function formatExport(r: ExportResult): string {
  const lines = r.files.map((f) => `wrote ${f.rows} rows to ${f.path}${f.sheets && f.sheets.length > 1 ? ` (${f.sheets.length} sheets: ${f.sheets.map((s) => `${s.name} ${s.rows}`).join(', ')})` : ''}`);
  const seconds = r.ms / 1000;
  lines.push(`exported ${r.rows} rows of ${r.table} into ${r.files.length} file${r.files.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s (${Math.round(r.rows / Math.max(seconds, 0.001))} rows/s)`);
  return lines.join('\n');
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('stream a warehouse table or view to CSV (UTF-8, RFC 4180) or xlsx; files appear complete under their final names or not at all')
    .requiredOption('-t, --table <name>', 'table or view to export (fct_order_line, v_sales_daily, …)')
    .option('--from <date>', 'first day to export, YYYY-MM-DD, inclusive, on the date column listed below', isoDate)
    .option('--to <date>', 'last day to export, YYYY-MM-DD, inclusive', isoDate)
    .option('-o, --out <dir>', 'folder for the files, created when missing; files of the same name are replaced', '.')
    .addOption(new Option('--format <format>', 'csv, or xlsx: a workbook with typed cells (ids as text, money and quantities as numbers, dates as dates)').choices(['csv', 'xlsx']).default('csv'))
    .addOption(new Option('--header-lang <lang>', 'header row: column names (en) or Chinese labels (zh)').choices(['en', 'zh']).default('en'))
    .option('--bom', 'CSV: start each file with a UTF-8 byte order mark, for Excel (default: on with --header-lang zh)')
    .option('--no-bom', 'no byte order mark, even with --header-lang zh')
    .addOption(new Option('--split-by <unit>', 'one part per day of the date column: a file <table>.<YYYY-MM-DD>.csv, or with xlsx a sheet per day').choices(['day']))
    .addOption(new Option('--split-into <where>', 'xlsx with --split-by day: days as sheets of one workbook (default) or as files <table>.<YYYY-MM-DD>.xlsx').choices(['sheets', 'files']))
    .option('--excel-safe', 'CSV: ids and number-like codes as ="…" formulas, so that a spreadsheet opened with a double-click keeps them exact (programs importing the CSV see the formulas)')
    .option('--include-restricted', 'allow a restricted table (fct_invoice_registration: VAT registration data for the ERP, never for BI)')
    .option('--progress', 'show the progress bar even when stderr is not a terminal')
    .option('--json', 'print the files written as JSON')
    .addHelpText('after', `${dateColumnsHelp()}\n\nCSV: ids, decimals and timestamps are written exactly as the warehouse stores them, quoted like text; integers\nare not quoted; NULL is an empty field. For a spreadsheet, use --format xlsx (or --excel-safe for CSV): a\ndouble-clicked CSV turns 18-digit ids into floats and loses their last digits.`)
    .action(action<ExportFlags>(async (ctx, opts) => {
      if (opts.format === 'xlsx' && opts.bom !== undefined) throw new UsageError('--bom/--no-bom: an xlsx file has no byte order mark; they are for CSV');
      const db = await ctx.warehouse({ create: false });
      const showBar = opts.progress === true || process.stderr.isTTY === true;
      let bar: cliProgress.SingleBar | undefined;
      // SIGINT/SIGTERM: the file being written is removed (complete ones stay), exit 130/143.
      return interruptible(ctx.logger, 'stopping the export and removing the file being written', async (signal) => {
        try {
          const result = await exportTable(db, {
            signal,
            table: opts.table,
            ...(opts.from ? { from: opts.from } : {}),
            ...(opts.to ? { to: opts.to } : {}),
            outDir: opts.out,
            headerLang: opts.headerLang,
            bom: opts.format === 'csv' && (opts.bom ?? opts.headerLang === 'zh'),
            format: opts.format,
            ...(opts.splitBy ? { splitBy: opts.splitBy } : {}),
            ...(opts.includeRestricted ? { includeRestricted: true } : {}),
            ...(opts.splitInto ? { splitInto: opts.splitInto } : {}),
            ...(opts.excelSafe ? { excelSafe: true } : {}),
            ...(showBar
              ? {
                  onStart: (total: number) => {
                    bar = new cliProgress.SingleBar({
                      stream: process.stderr,
                      format: `${opts.table} [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted} | eta {eta_formatted}`,
                      hideCursor: true,
                      noTTYOutput: !process.stderr.isTTY,
                      notTTYSchedule: 2000,
                    }, cliProgress.Presets.shades_classic);
                    bar.start(total, 0);
                  },
                  onRows: (n: number) => bar?.update(n),
                }
              : {}),
          });
          bar?.stop();
          bar = undefined;
          process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatExport(result)}\n`);
          return 0;
        } finally {
          bar?.stop();
        }
      });
    }));
}
