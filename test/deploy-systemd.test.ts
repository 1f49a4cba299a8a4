// The systemd units in deploy/systemd pass `systemd-analyze verify` (no warning either) and carry the
// restart policy, the stop behaviour and the hardening the README promises.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ROOT, tempDir, testWith } from './helpers.js';
import { needTool, tool } from './ops-helpers.js';

const DIR = path.join(ROOT, 'deploy/systemd');
const UNITS = ['hub-etl-worker@.service', 'hub-etl-scheduler.service', 'hub-etl-dashboard.service', 'hub-etl-listen.service'];
const INSTALLED = '/usr/local/bin/hub-etl';

/** key=value settings of a unit, every value of a repeated key. */
function settings(unit: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(DIR, unit), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

testWith('tool:systemd-analyze')('the units pass systemd-analyze verify without a warning', (t) => {
  if (!needTool(t, 'systemd-analyze', 'systemd')) return;
  // verify needs the ExecStart program to exist: the units point at the documented install path, the test at a stand-in.
  const dir = tempDir(t);
  const bin = path.join(dir, 'hub-etl');
  fs.writeFileSync(bin, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  for (const unit of UNITS) {
    const text = fs.readFileSync(path.join(DIR, unit), 'utf8');
    t.true(text.includes(`ExecStart=${INSTALLED} `), unit);
    fs.writeFileSync(path.join(dir, unit), text.replaceAll(INSTALLED, bin));
  }
  const all = tool('systemd-analyze', ['verify', ...UNITS], undefined, dir);
  t.is(all.code, 0, all.stderr);
  t.is(all.stderr.trim(), '', 'no warning');
  // An instance of the template, as `systemctl start hub-etl-worker@2` makes it.
  const instance = tool('systemd-analyze', ['verify', 'hub-etl-worker@2.service'], undefined, dir);
  t.is(instance.code, 0, instance.stderr);
  t.is(instance.stderr.trim(), '');
  // And the check does catch a mistake.
  fs.writeFileSync(path.join(dir, 'broken.service'), fs.readFileSync(path.join(dir, UNITS[1]!), 'utf8').replace('Restart=on-failure', 'Restart=on-failur'));
  t.not(tool('systemd-analyze', ['verify', 'broken.service'], undefined, dir).stderr.trim(), '');
});

test('every unit restarts on failure (not on a usage error), stops with SIGTERM and runs hardened as its own user', (t) => {
  for (const unit of UNITS) {
    const s = settings(unit);
    const one = (k: string) => s.get(k)?.[0];
    t.is(one('Restart'), 'on-failure', unit);
    t.is(one('RestartPreventExitStatus'), '2', unit);
    t.is(one('KillSignal'), 'SIGTERM', unit);
    t.is(one('User'), 'hub-etl', unit);
    t.is(one('NoNewPrivileges'), 'yes', unit);
    t.is(one('ProtectSystem'), 'strict', unit);
    t.is(one('PrivateTmp'), 'yes', unit);
    t.is(one('ReadWritePaths'), '/var/lib/hub-etl', unit);
    t.deepEqual(s.get('EnvironmentFile')?.[0], '/etc/hub-etl/hub-etl.env', unit);
  }
  // A worker finishing a backfill chunk needs minutes, not systemd's default 90 s.
  t.is(settings(UNITS[0]!).get('TimeoutStopSec')?.[0], '15min');
  t.regex(settings(UNITS[0]!).get('ExecStart')![0]!, / worker \$HUB_WORKER_ARGS$/);
  t.is(settings(UNITS[1]!).get('ExecReload')?.[0], '/bin/kill -HUP $MAINPID');
  t.regex(settings(UNITS[3]!).get('ExecStart')![0]!, / listen \$HUB_LISTEN_ARGS$/);
  t.is(settings(UNITS[3]!).get('TimeoutStopSec')?.[0], '30s');
});

test('the example environment file names every setting the units use', (t) => {
  const env = fs.readFileSync(path.join(DIR, 'hub-etl.env.example'), 'utf8');
  const vars = new Set([...env.matchAll(/^#?([A-Z_]+)=/gm)].map((m) => m[1]));
  for (const unit of UNITS) {
    for (const m of fs.readFileSync(path.join(DIR, unit), 'utf8').matchAll(/\$(HUB_[A-Z_]+)/g)) t.true(vars.has(m[1]), `${unit} uses ${m[1]}`);
  }
  for (const v of ['HUB_SOURCE_URL', 'HUB_WAREHOUSE_URL', 'HUB_REDIS_URL', 'HUB_QUEUE_PREFIX', 'HUB_LOG_FORMAT', 'HUB_MQ_URL', 'HUB_API_APP_SECRET']) t.true(vars.has(v), v);
});
