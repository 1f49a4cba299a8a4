// Turns a sub-command body into a process outcome: config once, context once, one clear line on error.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, maskSecrets, type Config, type GlobalFlags } from '../lib/config.js';
import { createContext, type Context } from '../jobs/context.js';
import { loadEnvironment } from '../lib/env.js';
import { ConfigError, describe, exitCodeFor, HubError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';

export type Body<O> = (ctx: Context, opts: O, cmd: Command) => Promise<number | void>;

/** Wraps a command body: validates config, builds the context, closes it, sets the exit code. */
export function action<O>(body: Body<O>) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.opts() as O;
    const globals = cmd.optsWithGlobals() as GlobalFlags;
    let ctx: Context | undefined;
    let config: Config | undefined;
    try {
      // .env of the working directory and HUB_*_FILE variables, into process.env for every reader.
      loadEnvironment();
      config = loadConfig(globals);
      const logger = createLogger({ format: config.logFormat, level: config.logLevel });
      ctx = createContext(config, logger);
      const code = await body(ctx, opts, cmd);
      process.exitCode = code ?? 0;
    } catch (err) {
      reportError(err, globals.verbose ?? false);
      process.exitCode = exitCodeFor(err);
    } finally {
      await ctx?.close().catch(() => undefined);
    }
  };
}

/** One line on stderr (plus the stack with --verbose); passwords masked. */
export function reportError(err: unknown, verbose: boolean): void {
  const prefix = 'hub-etl: ';
  if (err instanceof ConfigError && err.problems.length > 1) {
    process.stderr.write(maskSecrets(`${prefix}${err.message}`) + '\n');
  } else {
    process.stderr.write(maskSecrets(`${prefix}${err instanceof HubError ? err.message : describe(err)}`) + '\n');
  }
  if (verbose && err instanceof Error && err.stack) process.stderr.write(maskSecrets(err.stack) + '\n');
}

/** Option parser: a whole number within bounds, named in the error. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.replace(/_/g, ''))) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    const n = Number(value.replace(/_/g, ''));
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** Option parser: a calendar date YYYY-MM-DD. */
export function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError('expected a date as YYYY-MM-DD.');
  }
  return value;
}
