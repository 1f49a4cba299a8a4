// Reads the V8 CPU profiles (node --cpu-prof) a bench run wrote and says where each process spent its time:
// self time by package (node_modules/<name>, hub-etl's own folders, node's internals, GC, idle) and the
// functions with the most self time.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** Where a function lives: a package, a folder of hub-etl, or node and V8 themselves. */
function placeOf(url: string, name: string): string {
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') return name;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/([^/]+)\//.exec(url);
  if (own) return `hub-etl ${own[1]}/`;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url;
}

/** Self time in ms per node, from the samples and the time between them. */
function selfTimes(p: Profile): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) out.set(p.samples[i]!, (out.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  return out;
}

export function summariseProfile(file: string, top = 12): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const self = selfTimes(p);
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const places = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byNode.get(id)!;
    const f = n.callFrame;
    total += ms;
    const place = placeOf(f.url, f.functionName);
    places.set(place, (places.get(place) ?? 0) + ms);
    if (place === '(idle)') continue;
    const fn = `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}` : ''}`.trim();
    fns.set(fn, (fns.get(fn) ?? 0) + ms);
  }
  const busy = total - (places.get('(idle)') ?? 0);
  const pct = (ms: number) => `${((100 * ms) / Math.max(1, busy)).toFixed(1)}%`.padStart(6);
  const lines = [`${path.basename(file)}: ${(total / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy (percentages of busy time)`];
  lines.push('  by place:');
  for (const [k, ms] of [...places].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`    ${pct(ms)}  ${(ms / 1000).toFixed(1).padStart(6)} s  ${k}`);
  lines.push('  functions with the most self time:');
  for (const [k, ms] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`    ${pct(ms)}  ${k}`);
  return lines.join('\n');
}

export function summariseProfiles(dir: string): string {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => summariseProfile(path.join(dir, f))).join('\n\n');
}
