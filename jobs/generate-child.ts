// The generate job's process plumbing: the generator (sources/synthetic/generator) runs in a child process
// of its own heap settings, and this file is both sides of it, the parent that forks and waits
// (generateInChild) and, at the end, the child, which wires its own context.
//
// V8 heap flags are per process, and the hub-etl command caps its old generation at 256 MB for loads,
// while a store of millions of orders keeps its catalog and order index in memory (about 400 MB at
// 1,000,000 orders). The large young generation matters as much: the generator allocates short-lived
// strings at a high rate, and with V8's default nursery it spends about 40% more CPU time (measured)
// collecting them.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import type { Config } from '../lib/config.js';
import { ConnectError } from '../lib/db.js';
import { ConfigError, describe, HubError, SafetyError, SourceError, UsageError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { generateStore, type GenerateOptions, type GenerateResult } from '../sources/synthetic/generator/generate.js';
import { createContext, type Context } from './context.js';

const CHILD_EXEC_ARGV = ['--max-old-space-size=2048', '--max-semi-space-size=64'];
const CHILD_ENV = 'HUB_ETL_GENERATE_CHILD';

interface ChildStart { config: Config; opts: GenerateOptions; log: { level: string; silent: boolean } }
interface ErrorReply { name: string; message: string; stack?: string; retriable: boolean; problems?: string[] }
type ChildReply = { result: GenerateResult } | { error: ErrorReply };

/** Runs one generate (or --advance) into the source database of the context, in a child process. */
export async function generateInChild(ctx: Context, opts: GenerateOptions): Promise<GenerateResult> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: CHILD_EXEC_ARGV,
    env: { ...process.env, [CHILD_ENV]: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The child must not outlive this process (it also exits when the IPC channel closes).
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  child.send({ config: ctx.config, opts, log: { level: ctx.logger.level, silent: Boolean(ctx.logger.silent) } } satisfies ChildStart);
  try {
    return await new Promise<GenerateResult>((resolve, reject) => {
      let settled = false;
      child.once('message', (m: ChildReply) => {
        settled = true;
        if ('result' in m) resolve(m.result);
        else reject(rebuildError(m.error));
      });
      child.once('error', (err) => {
        settled = true;
        reject(err);
      });
      // 'close', not 'exit': it comes after the IPC channel has delivered every message of the child.
      child.once('close', (code, signal) => {
        if (!settled) reject(new Error(`the generate process stopped (${signal ?? `exit code ${code}`}) before it finished`));
      });
    });
  } finally {
    process.removeListener('exit', stop);
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('close', r));
  }
}

/** The child's error as the class it was (exit codes and messages depend on it). */
function rebuildError(e: ErrorReply): Error {
  const classes: Record<string, new (message: string, options?: { retriable?: boolean }) => HubError> = {
    SafetyError, UsageError, SourceError, ConnectError, HubError,
  };
  const Cls = classes[e.name];
  const err = e.name === 'ConfigError' ? new ConfigError(e.problems ?? [e.message]) : Cls ? new Cls(e.message, { retriable: e.retriable }) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/** An error as the parent can rebuild it. */
function errorReply(err: unknown): ErrorReply {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    name: e instanceof HubError ? e.name : 'Error',
    message: e instanceof HubError ? e.message : describe(e),
    ...(e.stack ? { stack: e.stack } : {}),
    retriable: e instanceof HubError && e.retriable,
    ...(e instanceof ConfigError ? { problems: e.problems } : {}),
  };
}

async function runChild({ config, opts, log }: ChildStart): Promise<void> {
  const ctx = createContext(config, createLogger({ format: config.logFormat, level: log.level, silent: log.silent }));
  const reply = (m: ChildReply) => new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve()));
  try {
    const db = await ctx.source({ writable: true, create: true });
    await reply({ result: await generateStore(db, opts, { sourceTz: ctx.config.sourceTz, logger: ctx.logger }) });
  } catch (err) {
    await reply({ error: errorReply(err) });
  } finally {
    await ctx.close().catch(() => undefined);
    // Done: let go of the parent so that this process ends.
    process.removeAllListeners('disconnect');
    process.disconnect();
  }
}

// The child.
if (isMainThread && process.env[CHILD_ENV] === '1' && process.send) {
  delete process.env[CHILD_ENV];
  // Never outlive the parent: the IPC channel closes when it exits or is killed.
  process.once('disconnect', () => process.exit(1));
  process.once('message', (start: ChildStart) => void runChild(start));
}
