// hub-etl emulate-api: serves a synthetic store as the 1688 open platform (gateway and POP transports) until stopped.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../jobs/engine/engine.js';
import { describeTarget, parseDbUrl } from '../lib/config.js';
import { UsageError } from '../lib/errors.js';
import { action, wholeNumber } from './action.js';

interface EmulateFlags {
  host: string;
  port: number;
  store?: string;
  appKey?: string;
  appSecret?: string;
  accessToken?: string;
  refreshToken?: string;
  expireTokensAfter?: string;
  rateLimit?: number;
  faultRate?: number;
  faultDelay: string;
  seed: number;
  drift?: boolean;
  driftOrders: number;
}

/** The credential variables, read here (flags win) and passed down as plain options. */
const CREDENTIAL_ENV = { appKey: 'HUB_API_APP_KEY', appSecret: 'HUB_API_APP_SECRET', accessToken: 'HUB_API_ACCESS_TOKEN', refreshToken: 'HUB_API_REFRESH_TOKEN' } as const;

function share(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a share from 0 to 1, e.g. 0.05.');
  return n;
}

const HELP = `
Serves the synthetic store (--store, else the configured source; it must have been written by
"hub-etl generate") as the 1688 open platform would, read-only, until Ctrl-C or SIGTERM:
  1688 gateway  POST /openapi/param2/1/{namespace}/{api}/{appKey}  (_aop_signature, access_token)
  POP RPC       POST /  (Action, AccessKeyId, Signature, SignatureNonce, …)
It accepts exactly the credentials of HUB_API_APP_KEY, HUB_API_APP_SECRET, HUB_API_ACCESS_TOKEN and
HUB_API_REFRESH_TOKEN (or the flags); each one unset takes its demo value (demo-app, demo-secret,
demo-access-token, demo-refresh-token), printed at start.

Examples:
  hub-etl emulate-api --port 8688
  hub-etl emulate-api --port 8688 --expire-tokens-after 60s --rate-limit 10 --fault-rate 0.05 --drift
`;

export function registerEmulateApi(program: Command): void {
  program
    .command('emulate-api')
    .description('serve a synthetic store as the 1688 open platform API (gateway and POP transports), for tests, demos and trials')
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').argParser(wholeNumber(0, 65_535)).default(8688))
    .option('--store <url>', 'the synthetic store to serve (default: the configured source)')
    .option('--app-key <key>', `app key to accept (env ${CREDENTIAL_ENV.appKey}; default demo-app)`)
    .option('--app-secret <secret>', `app secret (env ${CREDENTIAL_ENV.appSecret}; default demo-secret)`)
    .option('--access-token <token>', `access token valid at start (env ${CREDENTIAL_ENV.accessToken}; default demo-access-token)`)
    .option('--refresh-token <token>', `refresh token (env ${CREDENTIAL_ENV.refreshToken}; default demo-refresh-token)`)
    .option('--expire-tokens-after <duration>', 'access tokens expire this long after they are issued, e.g. 60s (default: never)')
    .option('--rate-limit <n>', 'refuse calls beyond N in any one second (HTTP 429)', wholeNumber(1, 1_000_000))
    .option('--fault-rate <share>', 'share of calls that fail: 500, 503, a timeout (504) or truncated JSON', share)
    .option('--fault-delay <duration>', 'how long a timeout fault holds the response', '2000')
    .option('--seed <n>', 'seed of the fault choice (same seed, same faults)', wholeNumber(0, 2 ** 48), 1688)
    .option('--drift', 'move a few orders of a getSellerOrderList window out of it while it is paged')
    .option('--drift-orders <n>', 'orders moved per window with --drift', wholeNumber(1, 1000), 3)
    .addHelpText('after', HELP)
    .action(action<EmulateFlags>(async (ctx, opts, cmd) => {
      const { startEmulator } = await import('../jobs/emulate-api.js');
      const source = ctx.config.source;
      let store = source.kind === 'api' ? null : source;
      if (opts.store !== undefined) {
        const parsed = parseDbUrl(opts.store, '--store');
        if (typeof parsed === 'string') throw new UsageError(parsed);
        store = parsed;
      }
      if (store === null) throw new UsageError(`emulate-api serves a synthetic store database, and the source is the 1688 API (${describeTarget(source)}): give --store sqlite:… or mysql://…`);
      const popActions: Record<string, string> = {};
      // --pop-action is a global option: the same map configures the client and the emulator.
      for (const pair of (cmd.optsWithGlobals() as { popAction?: string[] }).popAction ?? []) {
        const m = /^([^=\s]+)=([A-Za-z][A-Za-z0-9]*)$/.exec(pair);
        if (!m) throw new UsageError(`--pop-action: "${pair}" is not operation=Action (e.g. alibaba.trade.get.sellerView=GetSellerOrder)`);
        popActions[m[1]!] = m[2]!;
      }
      const credentials = Object.fromEntries(
        (Object.keys(CREDENTIAL_ENV) as Array<keyof typeof CREDENTIAL_ENV>).map((k) => [k, opts[k] ?? process.env[CREDENTIAL_ENV[k]]]),
      );
      const emu = await startEmulator({
        store,
        host: opts.host,
        port: opts.port,
        credentials,
        ...(opts.expireTokensAfter !== undefined ? { expireTokensAfterMs: parseDuration(opts.expireTokensAfter, '--expire-tokens-after') } : {}),
        ...(opts.rateLimit !== undefined ? { rateLimit: opts.rateLimit } : {}),
        ...(opts.faultRate !== undefined ? { faultRate: opts.faultRate } : {}),
        faultDelayMs: parseDuration(opts.faultDelay, '--fault-delay'),
        seed: opts.seed,
        drift: opts.drift ?? false,
        driftOrders: opts.driftOrders,
        popActions,
        logger: ctx.logger,
      });
      process.stdout.write(`hub-etl emulate-api: serving ${describeTarget(store)} at ${emu.gatewayUrl} and ${emu.popUrl}\n`);
      if (emu.demo.length > 0) {
        // Demo values only: configured credentials are never printed.
        process.stdout.write(`demo credentials: ${emu.demo.map((k) => `${CREDENTIAL_ENV[k]}=${emu.credentials[k]}`).join(' ')}\n`);
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emu.close();
      ctx.logger.info('emulator stopped', { calls: emu.stats.total });
      return 0;
    }));
}
