// What every bench shares: the hub-etl CLI run as a child process of its own, timed, with its peak
// resident memory and CPU time sampled from /proc; a two-column table; the figures written as JSON.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEAP_CAP_MB } from '../cli/launch.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');

export interface Child { code: number | null; stdout: string; stderr: string; ms: number; peakRssMb: number; cpuSeconds: number }

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, all threads) a process has used so far, from /proc; null when it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Runs the hub-etl CLI, timing it and sampling its peak resident memory (VmHWM) and CPU time from /proc. */
export function hubEtl(args: string[], env: Record<string, string>): Promise<Child> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // The command's own heap cap, given on the command line: the command then runs in this very process
    // (no launcher in between), whose memory and CPU time /proc reports.
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, CLI, ...args], { env: { ...process.env, HUB_LOG_FORMAT: 'json', HUB_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let cpu = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // the process is gone
      }
      cpu = cpuSecondsOf(child.pid!) ?? cpu;
    };
    const timer = setInterval(sample, 50);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, peakRssMb: Math.round(peak), cpuSeconds: cpu });
    });
  });
}

export function must(r: Child, what: string): Child {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}${r.stdout.slice(-2000)}`);
  return r;
}

export interface StreamFigure { stream: string; rows: number; seconds: number; rowsPerSec: number }

/** Rows and rows/s per stream from the output of `hub-etl run --json`. */
export function streamFigures(stdout: string): StreamFigure[] {
  const runs = JSON.parse(stdout) as Array<{ stream: string; rowsRead: number; ms: number }>;
  return runs.map((r) => ({ stream: r.stream, rows: r.rowsRead, seconds: r.ms / 1000, rowsPerSec: Math.round(r.rowsRead / Math.max(r.ms / 1000, 1e-3)) }));
}

export function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join('\n');
}

/** Writes the figures to bench/results/<prefix><time>.json and returns that path, relative to the repository. */
export function writeFigures(prefix: string, figures: object): string {
  const file = path.join(ROOT, 'bench/results', `${prefix}${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return path.relative(ROOT, file);
}

/** The local MariaDB server's process (to read its CPU time), or null when it runs elsewhere. */
export function serverPid(mysqlUrl: string): number | null {
  if (!['127.0.0.1', 'localhost', '::1'].includes(new URL(mysqlUrl).hostname)) return null;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (/^(mariadbd|mysqld)$/.test(fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim())) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}
