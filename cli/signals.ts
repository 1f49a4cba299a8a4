// Clean stops of the inline commands (run, export, verify): the first SIGINT/SIGTERM asks the work to
// stop at its next clean point through an AbortSignal, a second one exits at once. The exit code is
// the shell's for a signal: 130 for SIGINT, 143 for SIGTERM.
import { InterruptedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs `work` with an AbortSignal that the first SIGINT or SIGTERM aborts (with an InterruptedError as
 * its reason). Returns `work`'s exit code, or 130/143 when a signal stopped it; an interruption the
 * work throws is that exit code too, any other error goes up as usual.
 */
export async function interruptible(logger: Logger, stopping: string, work: (signal: AbortSignal) => Promise<number | void>): Promise<number> {
  const controller = new AbortController();
  const got: { signal: 'SIGINT' | 'SIGTERM' | null } = { signal: null };
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
    if (got.signal) {
      // The second signal: the person (or systemd) does not want to wait for the clean stop.
      process.stderr.write(`hub-etl: ${sig} again: exiting at once\n`);
      process.exit(SIGNAL_EXIT[sig]);
    }
    got.signal = sig;
    logger.warn(`${sig}: ${stopping}; send it again to exit at once`);
    controller.abort(new InterruptedError(`interrupted by ${sig}`));
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const code = await work(controller.signal);
    return got.signal ? SIGNAL_EXIT[got.signal] : (code ?? 0);
  } catch (err) {
    if (got.signal && err instanceof InterruptedError) return SIGNAL_EXIT[got.signal];
    throw err;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
