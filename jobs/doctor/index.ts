// hub-etl doctor: inspects Node, the source, the warehouse and Redis, and says what will go wrong before
// it does. Each area is checked on its own, so one that fails does not hide the others.
import v8 from 'node:v8';
import type { Context } from '../context.js';
import { describe } from '../../lib/errors.js';
import { compareVersions } from '../../lib/redis.js';
import { MIN_NODE, type Area, type Check, type Report } from './checks.js';
import { checkRedis } from './redis.js';
import { checkSource } from './source.js';
import { checkWarehouse } from './warehouse.js';

export type { Check } from './checks.js';

export interface DoctorReport { ok: boolean; errors: number; warnings: number; checks: Check[] }

export interface DoctorOptions {
  /** Redis was set by --redis or HUB_REDIS_URL: unreachable is then an error, not a note. */
  redisExplicit: boolean;
}

export async function doctor(ctx: Context, opts: DoctorOptions): Promise<DoctorReport> {
  const checks: Check[] = [];
  const area = (name: Area): Report => (c) => checks.push({ area: name, ...c });
  const guarded = async (name: Area, fn: (report: Report) => Promise<void>) => {
    try {
      await fn(area(name));
    } catch (err) {
      area(name)({ name: 'inspect', level: 'error', message: `the checks stopped: ${describe(err)}` });
    }
  };
  checkNode(area('node'));
  await guarded('source', (r) => checkSource(ctx, r));
  await guarded('warehouse', (r) => checkWarehouse(ctx, r));
  await guarded('redis', (r) => checkRedis(ctx.config.redis, opts.redisExplicit, r));
  const errors = checks.filter((c) => c.level === 'error').length;
  const warnings = checks.filter((c) => c.level === 'warn').length;
  return { ok: errors === 0, errors, warnings, checks };
}

function checkNode(report: Report): void {
  const version = process.versions.node;
  const heapMb = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
  if (compareVersions(version, MIN_NODE) < 0) {
    report({ name: 'version', level: 'error', message: `Node ${version} is older than hub-etl needs (${MIN_NODE}+)`, fix: `install Node ${MIN_NODE} or newer` });
  } else {
    report({ name: 'version', level: 'ok', message: `Node ${version} (needs ${MIN_NODE}+); heap limit ${heapMb} MB` });
  }
}

const MARK: Record<Check['level'], string> = { ok: 'ok   ', warn: 'WARN ', error: 'ERROR' };

/** One line per check (level, area, what), the fix indented below it, and a count at the end. */
export function formatDoctor(r: DoctorReport): string {
  const lines = r.checks.flatMap((c) => [
    `${MARK[c.level]}  ${c.area.padEnd(9)} ${c.name.padEnd(11)} ${c.message}`,
    ...(c.fix && c.level !== 'ok' ? [`${' '.repeat(29)}-> ${c.fix}`] : []),
  ]);
  lines.push('', `${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}${r.errors > 0 ? ': fix the errors before loading' : ''}`);
  return lines.join('\n');
}
