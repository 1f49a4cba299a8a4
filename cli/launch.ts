// Caps the V8 heap of the hub-etl command without `env -S` in the shebang (BusyBox and older coreutils
// lack it): when no cap is set, the command runs itself again as a child with --max-old-space-size and
// stands in for it (stdio shared, signals passed on, the child's exit code or signal passed back).
//
// The cap keeps memory flat: a load works in bounded batches and never needs more, while an uncapped V8
// grows its heap lazily under a high allocation rate (RSS then says little about need). Setting the flag
// at run time (v8.setFlagsFromString) does not resize a heap that already exists, hence the child.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

/** The old-generation cap of hub-etl's processes, in MB. */
export const HEAP_CAP_MB = 256;

/** Set in the child's environment so that it knows who started it (and removed from it at once). */
const LAUNCHED_ENV = 'HUB_ETL_LAUNCHED';

// Signals a user or a supervisor sends to the command, passed on to the child. The child runs in its own
// process group, so a Ctrl-C at a terminal reaches it once (through here), never twice.
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGWINCH'];

const HEAP_FLAG = /^--max[-_]old[-_]space[-_]size(=|$)/;

/** Whether the node command line or NODE_OPTIONS already sets the old-generation size. */
export function heapCapSet(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((a) => HEAP_FLAG.test(a)) || (nodeOptions ?? '').split(/\s+/).some((a) => HEAP_FLAG.test(a));
}

/**
 * Runs the command again under the heap cap unless one is set (or a debugger is attached, which wants
 * this very process). Returns true when the child now does the work: the caller must do nothing more.
 */
export function relaunchWithHeapCap(): boolean {
  if (process.env[LAUNCHED_ENV] === '1') {
    // Started by a launcher that is already gone (killed before this line ran): end as it did.
    if (!process.channel) process.kill(process.pid, 'SIGKILL');
    followLauncher();
    return false;
  }
  delete process.env[LAUNCHED_ENV];
  if (heapCapSet(process.execArgv, process.env.NODE_OPTIONS)) return false;
  if (process.execArgv.some((a) => a.startsWith('--inspect'))) return false;
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${HEAP_CAP_MB}`, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [LAUNCHED_ENV]: '1' },
    // A process group of its own (not on Windows, where it would open a console window).
    detached: process.platform !== 'win32',
  });
  standIn(child);
  return true;
}

function standIn(child: ChildProcess): void {
  const forward = (sig: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  const handlers = new Map(FORWARDED.map((sig) => [sig, forward(sig)] as const));
  for (const [sig, h] of handlers) process.on(sig, h);
  if (process.platform !== 'win32') {
    // Ctrl-Z stops both processes, `fg` resumes both.
    process.on('SIGTSTP', () => {
      child.kill('SIGSTOP');
      process.kill(process.pid, 'SIGSTOP');
    });
    process.on('SIGCONT', () => child.kill('SIGCONT'));
  }
  child.on('error', (err) => {
    process.stderr.write(`hub-etl: cannot start ${process.execPath}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so that a shell or supervisor sees what happened to the real process.
      const own = handlers.get(signal);
      if (own) process.removeListener(signal, own);
      process.kill(process.pid, signal);
      process.exitCode = 128 + (os.constants.signals[signal] ?? 0);
      return;
    }
    process.exitCode = code ?? 1;
  });
}

/**
 * In the child: the launcher holds an IPC channel to it. When the launcher dies without passing a signal
 * on (SIGKILL, a lost terminal), the channel closes and the child ends as abruptly, so that killing the
 * command kills the work too.
 */
function followLauncher(): void {
  delete process.env[LAUNCHED_ENV];
  process.channel!.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  // The launcher may have died before this listener was there (the event is not repeated).
  if (!process.connected) process.kill(process.pid, 'SIGKILL');
}
