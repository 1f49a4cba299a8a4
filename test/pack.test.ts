// hub-etl installed as users install it: the packed tarball into an empty folder without dev dependencies
// (then --help, generate, migrate, run, doctor and the dashboard from there), globally under a prefix with
// --allow-scripts, and a built checkout with `npm ci --omit=dev`. Slow (real npm installs): one file.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { redisUp, REDIS_URL, ROOT, tempDir } from './helpers.js';

const SLOW = 10 * 60_000;

/** The environment of an npm or hub-etl child: this node first on the PATH, none of the npm variables of `npm test`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_') && !k.startsWith('HUB_')) env[k] = v;
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
  return { ...env, ...extra };
}

interface Out { code: number | null; stdout: string; stderr: string; ms: number }

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Out> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? SLOW);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * better-sqlite3 installs a prebuilt binary it downloads, and compiles SQLite (minutes) when it cannot. This
 * machine reaches no download host, so the binary the project's own install built stands in for the
 * download, in the folder prebuild-install looks into first (npm_config_better_sqlite3_local_prebuilds).
 * Without it the install still works, by compiling.
 */
function localPrebuilds(t: ExecutionContext): Record<string, string> {
  const pkgDir = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const binary = path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(binary)) return {};
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const dir = tempDir(t, 'hub-etl-prebuilds-');
  const stage = path.join(dir, 'stage');
  fs.mkdirSync(path.join(stage, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(binary, path.join(stage, 'build', 'Release', 'better_sqlite3.node'));
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['czf', path.join(dir, name), '-C', stage, 'build']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

let tarball: Promise<{ file: string; files: string[] }> | undefined;

/** `npm pack` of the built project, once for the file. */
function pack(t: ExecutionContext): Promise<{ file: string; files: string[] }> {
  tarball ??= (async () => {
    const dir = fs.mkdtempSync(path.join(path.dirname(tempDir(t)), 'hub-etl-pack-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    // dist/ is built already (npm test builds it first): no prepare step.
    const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    if (r.code !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
    const [info] = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    return { file: path.join(dir, info!.filename), files: info!.files.map((f) => f.path) };
  })();
  return tarball;
}

test.serial('the tarball carries the code, the SQL, the schedules, the license and everything the README links to, and no tests', async (t) => {
  const { files } = await pack(t);
  for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/cli/main.js', 'dist/cli/program.js', 'sql/source/mysql.sql', 'sql/source/sqlite.sql', 'schedules/default.json']) {
    t.true(files.includes(f), f);
  }
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(((?!https?:|#)[^)\s]+)\)/g)].map((m) => m[1]!.split('#')[0]!);
  t.true(links.some((l) => l.startsWith('docs/')));
  for (const l of new Set(links)) t.true(files.includes(l), `README links to ${l}, which the tarball lacks`);
  t.false(files.some((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/')));
  const license = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { license: string }).license;
  t.regex(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), new RegExp(`^${license} License\\n\\nCopyright \\(c\\) 2026 hub-etl contributors`));
});

test.serial('installed from the tarball without dev dependencies, hub-etl runs help, generate, migrate, run, doctor and the dashboard', async (t) => {
  t.timeout(SLOW);
  const { file } = await pack(t);
  const app = tempDir(t, 'hub-etl-app-');
  fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "hub-etl-install-test", "private": true }\n');
  const install = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', file], { cwd: app, env: cleanEnv(localPrebuilds(t)) });
  t.is(install.code, 0, install.stderr);
  t.log(`npm install --omit=dev of the tarball: ${(install.ms / 1000).toFixed(1)} s`);
  const modules = path.join(app, 'node_modules');
  for (const dep of ['express', '@bull-board/express', '@bull-board/api', 'dotenv', 'better-sqlite3']) t.true(fs.existsSync(path.join(modules, dep, 'package.json')), `${dep} installed`);
  for (const dev of ['typescript', 'ava', 'playwright-core']) t.false(fs.existsSync(path.join(modules, dev)), `${dev} (a dev dependency) not installed`);

  const bin = path.join(modules, '.bin', 'hub-etl');
  const data = path.join(app, 'data');
  const env = cleanEnv({ HUB_DATA_DIR: data, HUB_LOG_FORMAT: 'json', HUB_LOG_LEVEL: 'warn', HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: `hub-etl-pack-${process.pid}` });
  const cli = (args: string[]) => run(bin, args, { cwd: app, env, timeoutMs: 120_000 });
  const help = await cli(['--help']);
  t.is(help.code, 0, help.stderr);
  for (const cmd of ['dashboard', 'doctor', 'migrate', 'run']) t.regex(help.stdout, new RegExp(`\\n  ${cmd} `));
  for (const args of [['generate', '--orders', '30'], ['migrate'], ['run']]) {
    const r = await cli(args);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const doctor = await cli(['doctor', '--json']);
  t.is(doctor.code, 0, doctor.stdout + doctor.stderr);
  t.true((JSON.parse(doctor.stdout) as { ok: boolean }).ok);

  if (!(await redisUp())) {
    if (process.env.CI === 'true') t.fail(`Redis is not answering at ${REDIS_URL}; CI requires it for the dashboard`);
    else t.log('Redis is not answering: the dashboard part is skipped outside CI');
    return;
  }
  const dash = spawn(bin, ['dashboard', '--port', '0'], { cwd: app, env: { ...env, HUB_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => dash.kill('SIGKILL'));
  const exited = new Promise<number | null>((r) => dash.on('close', r));
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dashboard did not start: ${log}`)), 60_000);
    dash.stderr!.on('data', (d) => {
      log += d;
      const m = /"url":"(http:\/\/[^"]+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const page = await fetch(`${url}/`);
  t.is(page.status, 200);
  t.regex(await page.text(), /<html/i);
  const metrics = await fetch(`${url}/metrics`);
  t.is(metrics.status, 200);
  t.regex(await metrics.text(), /^hub_etl_stream_lag_seconds\{stream="orders"\} \d+$/m);
  dash.kill('SIGTERM');
  t.is(await exited, 0);
});

test.serial('a global install under a prefix with --allow-scripts puts hub-etl on that PATH', async (t) => {
  t.timeout(SLOW);
  const { file } = await pack(t);
  const prefix = tempDir(t, 'hub-etl-global-');
  const install = await run('npm', ['install', '--global', '--prefix', prefix, '--allow-scripts=better-sqlite3', '--no-audit', '--no-fund', '--prefer-offline', file], { cwd: prefix, env: cleanEnv(localPrebuilds(t)) });
  t.is(install.code, 0, install.stderr);
  t.log(`npm install --global of the tarball: ${(install.ms / 1000).toFixed(1)} s`);
  const r = await run('hub-etl', ['migrate'], { cwd: prefix, env: cleanEnv({ PATH: `${path.join(prefix, 'bin')}${path.delimiter}${cleanEnv().PATH}`, HUB_DATA_DIR: path.join(prefix, 'data') }) });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /migrated to version \d+/);
});

test.serial('a built checkout installs for production with npm ci --omit=dev, keeping its dist/', async (t) => {
  t.timeout(SLOW);
  const checkout = tempDir(t, 'hub-etl-checkout-');
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of tracked) {
    if (!fs.existsSync(path.join(ROOT, f))) continue;
    fs.mkdirSync(path.dirname(path.join(checkout, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(checkout, f));
  }
  fs.cpSync(path.join(ROOT, 'dist'), path.join(checkout, 'dist'), { recursive: true });
  const install = await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: checkout, env: cleanEnv(localPrebuilds(t)) });
  t.is(install.code, 0, install.stderr);
  t.regex(install.stderr, /the dev dependencies are not installed \(a production install\): using the dist\/ already built/);
  t.log(`npm ci --omit=dev of a checkout: ${(install.ms / 1000).toFixed(1)} s`);
  const r = await run(process.execPath, ['dist/cli/main.js', 'dashboard', '--help'], { cwd: checkout });
  t.is(r.code, 0, r.stderr);
  const express = await run(process.execPath, ['--input-type=module', '-e', "await import('express'); await import('@bull-board/express'); console.log('ok')"], { cwd: checkout });
  t.is(express.stdout.trim(), 'ok', express.stderr);
});
