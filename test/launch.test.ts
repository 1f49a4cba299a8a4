// The heap cap without `env -S`: hub-etl re-runs itself under --max-old-space-size unless a cap is set,
// passes signals on, passes the exit back, and takes its child down when it is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { HEAP_CAP_MB, heapCapSet } from '../cli/launch.js';
import { CLI, ROOT, tempDir } from './helpers.js';

interface Probe { pid: number; ppid: number; heapMb: number }

// Loaded with --import into every hub-etl process: reports its heap limit, and (with PROBE_HOLD) keeps the
// capped process alive until a signal arrives, which it reports before exiting 0.
const PROBE = `
import v8 from 'node:v8';
const capped = process.execArgv.some((a) => a.startsWith('--max-old-space-size'));
// The handlers go in before the report: the test signals as soon as it reads the report.
if (process.env.PROBE_HOLD && capped) {
  setInterval(() => undefined, 1000);
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { process.stderr.write('GOT ' + sig + '\\n'); process.exit(0); });
}
process.stderr.write('PROBE ' + JSON.stringify({ pid: process.pid, ppid: process.ppid, heapMb: Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20) }) + '\\n');
`;

function probeFile(t: ExecutionContext): string {
  const file = path.join(tempDir(t), 'probe.mjs');
  fs.writeFileSync(file, PROBE);
  return pathToFileURL(file).href;
}

interface Started { child: ChildProcess; stderr: () => string; stdout: () => string; done: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function start(cmd: string, args: string[], env: Record<string, string | undefined> = {}): Started {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, HUB_LOG_FORMAT: 'json' };
  delete fullEnv.NODE_OPTIONS;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete fullEnv[k];
    else fullEnv[k] = v;
  }
  const child = spawn(cmd, args, { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, stdout: () => out, done };
}

const probes = (stderr: string): Probe[] =>
  stderr.split('\n').filter((l) => l.startsWith('PROBE ')).map((l) => JSON.parse(l.slice(6)) as Probe);

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

// A process that has ended but whose parent is gone stays a zombie until its new parent reaps it: dead.
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('the shebang is a plain "#!/usr/bin/env node", without env -S', (t) => {
  const first = fs.readFileSync(CLI, 'utf8').split('\n')[0];
  t.is(first, '#!/usr/bin/env node');
  t.truthy(fs.statSync(CLI).mode & 0o100, 'dist/cli/main.js is executable');
});

test('"node dist/cli/main.js" does its work in a child process whose heap is capped', async (t) => {
  const r = start(process.execPath, ['--import', probeFile(t), CLI, '--version']);
  const { code } = await r.done;
  t.is(code, 0);
  t.regex(r.stdout(), /^\d+\.\d+\.\d+/);
  const [launcher, worker] = probes(r.stderr());
  t.truthy(launcher && worker, r.stderr());
  t.is(worker!.ppid, launcher!.pid);
  t.true(launcher!.heapMb > 1000, `the launcher is uncapped (${launcher!.heapMb} MB)`);
  // heap_size_limit is the old generation plus the young one: 304 MB for a 256 MB cap on Node 20.
  t.true(worker!.heapMb >= HEAP_CAP_MB && worker!.heapMb < HEAP_CAP_MB + 100, `capped at ${worker!.heapMb} MB`);
});

test('running the file through its shebang caps the heap the same way', async (t) => {
  const r = start(CLI, ['--version'], { NODE_OPTIONS: `--import=${probeFile(t)}` });
  const { code } = await r.done;
  t.is(code, 0);
  const ps = probes(r.stderr());
  // NODE_OPTIONS without a heap flag: the launcher still runs the child.
  t.is(ps.length, 2, r.stderr());
  t.true(ps[1]!.heapMb < HEAP_CAP_MB + 100);
});

test('a cap in NODE_OPTIONS or on the node command line is kept, and no second process is started', async (t) => {
  const probe = probeFile(t);
  const viaEnv = start(process.execPath, ['--import', probe, CLI, '--version'], { NODE_OPTIONS: '--max-old-space-size=512' });
  t.is((await viaEnv.done).code, 0);
  const e = probes(viaEnv.stderr());
  t.is(e.length, 1);
  t.true(e[0]!.heapMb >= 512 && e[0]!.heapMb < 700, `${e[0]!.heapMb} MB`);
  const viaFlag = start(process.execPath, ['--max-old-space-size=200', '--import', probe, CLI, '--version']);
  t.is((await viaFlag.done).code, 0);
  const f = probes(viaFlag.stderr());
  t.is(f.length, 1);
  t.true(f[0]!.heapMb >= 200 && f[0]!.heapMb < 300, `${f[0]!.heapMb} MB`);
});

test('heapCapSet reads both spellings of the flag in the arguments and in NODE_OPTIONS', (t) => {
  t.true(heapCapSet(['--max-old-space-size=300'], undefined));
  t.true(heapCapSet(['--max_old_space_size', '300'], undefined));
  t.true(heapCapSet([], '--enable-source-maps --max-old-space-size=1024'));
  t.false(heapCapSet(['--max-semi-space-size=64'], '--enable-source-maps'));
  t.false(heapCapSet([], undefined));
});

test('the exit code of the work comes back through the launcher', async (t) => {
  const r = start(process.execPath, [CLI, 'run', '--stream', 'nope']);
  const { code } = await r.done;
  t.is(code, 2);
  t.regex(r.stderr(), /unknown stream nope/);
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`${sig} sent to the command reaches the capped process once, which then exits 0`, async (t) => {
    const r = start(process.execPath, ['--import', probeFile(t), CLI, '--version'], { PROBE_HOLD: '1' });
    t.true(await waitFor(() => probes(r.stderr()).length === 2, 30_000), r.stderr());
    r.child.kill(sig);
    const { code, signal } = await r.done;
    t.is(signal, null);
    t.is(code, 0);
    t.is(r.stderr().split('\n').filter((l) => l === `GOT ${sig}`).length, 1);
  });
}

test('killing the command with SIGKILL takes the capped process down with it', async (t) => {
  const r = start(process.execPath, ['--import', probeFile(t), CLI, '--version'], { PROBE_HOLD: '1' });
  t.true(await waitFor(() => probes(r.stderr()).length === 2, 30_000), r.stderr());
  const worker = probes(r.stderr())[1]!;
  t.teardown(() => {
    if (alive(worker.pid)) process.kill(worker.pid, 'SIGKILL');
  });
  const killedAt = Date.now();
  r.child.kill('SIGKILL');
  t.is((await r.done).signal, 'SIGKILL');
  t.true(await waitFor(() => !alive(worker.pid), 5_000), 'the capped process outlived its launcher');
  t.log(`the capped process ended ${Date.now() - killedAt} ms after its launcher was killed`);
});

test('a capped process that dies of a signal makes the command die of the same signal', async (t) => {
  const r = start(process.execPath, ['--import', probeFile(t), CLI, '--version'], { PROBE_HOLD: '1' });
  t.true(await waitFor(() => probes(r.stderr()).length === 2, 30_000), r.stderr());
  process.kill(probes(r.stderr())[1]!.pid, 'SIGKILL');
  t.is((await r.done).signal, 'SIGKILL');
});
