// Helpers for the operations tests: external tools (promtool, systemd-analyze) and metric names in PromQL.
import { spawnSync } from 'node:child_process';
import type { ExecutionContext } from 'ava';
import { missing } from './helpers.js';

/** Call at the top of a test needing a command (registered with testWith('tool:NAME')): false, and the test failed, without it. */
export function needTool(t: ExecutionContext, command: string, pkg: string): boolean {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status === 0) return true;
  return missing(t, `tool:${command}`, `${command} is not installed (scripts/services.sh installs Debian's ${pkg})`);
}

/** Runs a command with `input` on stdin. */
export function tool(command: string, args: string[], input?: string, cwd?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { input, cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, keywords, label
 * matchers, grouping labels, ranges or Grafana variables.
 */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(m[0].toLowerCase())) continue;
    // The exponent of a number such as 1e3.
    if (m.index! > 0 && /[0-9.]/.test(bare[m.index! - 1]!)) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** The metric families of an exposition text (from its # TYPE lines), with their types. */
export function exportedFamilies(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** Whether a series name belongs to an exported family (a histogram's _bucket, _sum and _count included). */
export function isExported(families: Map<string, string>, name: string): boolean {
  if (families.has(name)) return true;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return !!m && ['histogram', 'summary'].includes(families.get(m[1]!) ?? '');
}
