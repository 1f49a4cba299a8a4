// The emulate-api job: serves a synthetic store (written by `hub-etl generate`) as the 1688 open
// platform would, over the 1688 gateway and POP transports, with the platform's traps and optional
// faults. `startEmulator` is what tests, the demo and the bench call; the CLI adds flags and signals.
import type { DbTarget } from '../lib/config.js';
import { parseDbUrl } from '../lib/config.js';
import { openDb } from '../lib/db.js';
import { UsageError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { DEMO_CREDENTIALS, type ApiCredentials } from '../sources/synthetic/emulator/auth.js';
import { serveEmulator, type EmulatorStats, type RunningEmulator } from '../sources/synthetic/emulator/server.js';
import { EmulatorStore } from '../sources/synthetic/emulator/store.js';

export { DEMO_CREDENTIALS, type ApiCredentials, type EmulatorStats };

export interface EmulatorOptions {
  /** The synthetic store: a database URL (sqlite:…, mysql://…) or a parsed target. */
  store: string | DbTarget;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Any credential not given takes its demo value (DEMO_CREDENTIALS). */
  credentials?: Partial<ApiCredentials>;
  /** An access token expires this long after it was issued (the configured one counts from start); default never. */
  expireTokensAfterMs?: number;
  /** More than this many calls in any one-second window are refused with HTTP 429. */
  rateLimit?: number;
  /** Share of calls (0 to 1) that fail: HTTP 500, 503, a held timeout then 504, or truncated JSON. */
  faultRate?: number;
  /** How long a timeout fault holds the response (default 2000 ms). */
  faultDelayMs?: number;
  /** Seed of the fault choice (default 1688): the same seed and call order give the same faults. */
  seed?: number;
  /** Move orders of a getSellerOrderList window while it is paged (see drift.ts). */
  drift?: boolean;
  /** Orders moved per window with drift (default 3). */
  driftOrders?: number;
  /** POP action names by operation name, replacing the defaults of lib/api-operations.ts. */
  popActions?: Record<string, string>;
  /** Debug line per call, errors; never a secret. */
  logger?: Logger;
}

export interface Emulator extends RunningEmulator {
  /** The credentials it accepts (demo values where none were given). */
  credentials: ApiCredentials;
  /** Which credentials are the demo values. */
  demo: Array<keyof ApiCredentials>;
}

/** The credentials to accept: the given ones, the demo value for each one missing. */
export function resolveCredentials(given: Partial<ApiCredentials> = {}): { credentials: ApiCredentials; demo: Array<keyof ApiCredentials> } {
  const credentials = { ...DEMO_CREDENTIALS };
  const demo: Array<keyof ApiCredentials> = [];
  for (const k of Object.keys(DEMO_CREDENTIALS) as Array<keyof ApiCredentials>) {
    const v = given[k];
    if (v === undefined || v === '') demo.push(k);
    else credentials[k] = v;
  }
  return { credentials, demo };
}

/** Opens the store read-only, refuses a database `hub-etl generate` did not write, and starts serving. */
export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  let target: DbTarget;
  if (typeof opts.store === 'string') {
    const parsed = parseDbUrl(opts.store, '--store');
    if (typeof parsed === 'string') throw new UsageError(parsed);
    target = parsed;
  } else {
    target = opts.store;
  }
  const faultRate = opts.faultRate ?? 0;
  if (!(faultRate >= 0 && faultRate <= 1)) throw new UsageError(`--fault-rate: ${faultRate} is not a share between 0 and 1`);
  if (opts.rateLimit !== undefined && !(Number.isInteger(opts.rateLimit) && opts.rateLimit >= 1)) throw new UsageError(`--rate-limit: ${opts.rateLimit} is not a whole number of calls from 1`);
  const { credentials, demo } = resolveCredentials(opts.credentials);
  const db = await openDb(target, { readOnly: true });
  let store: EmulatorStore;
  try {
    store = await EmulatorStore.open(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  let running: RunningEmulator;
  try {
    running = await serveEmulator(
      store,
      {
        credentials,
        expireTokensAfterMs: opts.expireTokensAfterMs ?? null,
        rateLimit: opts.rateLimit ?? null,
        faultRate,
        faultDelayMs: opts.faultDelayMs ?? 2000,
        seed: opts.seed ?? 1688,
        driftOrders: opts.drift ? (opts.driftOrders ?? 3) : 0,
        popActions: opts.popActions ?? {},
        logger: opts.logger ?? null,
      },
      { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 },
    );
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    ...running,
    credentials,
    demo,
    async close() {
      await running.close();
      await store.close();
    },
  };
}
