// The hub-etl command: global options, one sub-command per file, exit codes 0 ok, 1 failure, 2 usage.
// Started by cli/main.ts once the heap is capped.
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { reportError } from './action.js';
import { registerBackfill } from './backfill.js';
import { registerDashboard } from './dashboard.js';
import { registerDemo } from './demo.js';
import { registerDocs } from './docs.js';
import { registerDoctor } from './doctor.js';
import { registerEmulateApi } from './emulate-api.js';
import { registerExport } from './export.js';
import { registerFetch } from './fetch.js';
import { registerGenerate } from './generate.js';
import { registerListen } from './listen.js';
import { registerMigrate } from './migrate.js';
import { registerRun } from './run.js';
import { registerScheduler } from './scheduler.js';
import { registerStatus } from './status.js';
import { registerVerify } from './verify.js';
import { registerWorker } from './worker.js';

const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

// Usage errors are one line: what is wrong and where to look.
const outputError = (str: string, write: (s: string) => void) => write(`${str.replace(/^error: /, 'hub-etl: ').trimEnd()} (see --help)\n`);

export function buildProgram(): Command {
  const program = new Command('hub-etl')
    .description('Extract 1688 Cloud Hub replica tables into a clean, typed warehouse (MySQL family, PostgreSQL, SQLite, CSV).')
    .version(pkg.version, '-V, --version', 'print the hub-etl version')
    .option('--source <url>', 'replica database URL, or the 1688 API as 1688+https://gw.open.1688.com (env HUB_SOURCE_URL; default sqlite:./data/source.db)')
    .option('--warehouse <url>', 'warehouse database URL (env HUB_WAREHOUSE_URL; default sqlite:./data/warehouse.db)')
    .option('--redis <url>', 'Redis URL for queues (env HUB_REDIS_URL; default redis://127.0.0.1:6379)')
    .option('--mq-url <url>', 'AMQP broker Cloud Hub\'s messages arrive on: amqp://user:password@host:5672/vhost (env HUB_MQ_URL)')
    .option('--queue-prefix <prefix>', 'namespace of the queues in Redis (env HUB_QUEUE_PREFIX; default hub-etl)')
    .option('--source-tz <zone>', 'IANA time zone of the replica\'s DATETIME columns (env HUB_SOURCE_TZ; default Asia/Shanghai)')
    .option('--api-tz <zone>', 'IANA time zone of 1688\'s offset-less times such as acceptTime (env HUB_API_TZ; default Asia/Shanghai)')
    .option('--store-tz <zone>', 'IANA time zone of the store\'s calendar, for every *_date (env HUB_STORE_TZ; default Asia/Shanghai)')
    .option('--pii-key <key>', 'key of the buyer hashes, at least 32 characters (env HUB_PII_KEY, preferred; default: a key generated once and kept in the warehouse)')
    .option('--keep-buyer-ids', 'load buyers\' clear memberIds into buyer_member_id, for ERP use (env HUB_KEEP_BUYER_IDS=1; default: their keyed hash)')
    .option('--invoice-registration', 'load invoices\' VAT registration (company bank, address, phone) into the restricted fct_invoice_registration (env HUB_INVOICE_REGISTRATION=1)')
    .option('--api-url <url>', '1688 API beside a replica source: 1688+https://gw.open.1688.com or pop+https://HOST (env HUB_API_URL)')
    .option('--api-app-key <key>', 'app key of the 1688 open-platform app (env HUB_API_APP_KEY)')
    .option('--api-app-secret <secret>', 'app secret (env HUB_API_APP_SECRET, preferred: flags show in the process list)')
    .option('--api-access-token <token>', 'the seller\'s access token for the app (env HUB_API_ACCESS_TOKEN)')
    .option('--api-refresh-token <token>', 'renews an expired access token (env HUB_API_REFRESH_TOKEN)')
    .option('--api-rate <calls>', 'API calls per second, retries and token refreshes included (env HUB_API_RATE; default 10)')
    .option('--api-concurrency <n>', 'API calls in flight at once (env HUB_API_CONCURRENCY; default 4)')
    .option('--api-timeout <duration>', 'timeout of one API call (env HUB_API_TIMEOUT; default 30s)')
    .option('--pop-action <op=Action>', 'POP action name of an operation, repeatable (env HUB_API_POP_ACTIONS)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--log-format <format>', 'log lines as readable text or JSON (default: pretty on a terminal, json otherwise)').choices(['pretty', 'json']))
    .addOption(new Option('--log-level <level>', 'least important log level shown').choices(['error', 'warn', 'info', 'debug']))
    .option('-v, --verbose', 'debug logs and stack traces on errors')
    .configureOutput({ outputError })
    .exitOverride();
  program.configureHelp({ sortSubcommands: true });
  // sub-commands: one file each
  registerBackfill(program);
  registerDashboard(program);
  registerDemo(program);
  registerDocs(program);
  registerDoctor(program);
  registerEmulateApi(program);
  registerExport(program);
  registerFetch(program);
  registerGenerate(program);
  registerListen(program);
  registerMigrate(program);
  registerRun(program);
  registerScheduler(program);
  registerStatus(program);
  registerVerify(program);
  registerWorker(program);
  // Sub-commands inherit the parent's error handling and output settings.
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ outputError });
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // `hub-etl` with no command prints the help to stderr (commander's exit code 1): a usage error, 2.
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code) && err.exitCode === 0;
      process.exitCode = ok ? 0 : 2;
      return;
    }
    reportError(err, argv.includes('--verbose') || argv.includes('-v'));
    process.exitCode = 1;
  }
}

await main(process.argv);
