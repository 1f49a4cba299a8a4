// npm's "prepare" step (npm install / ci / link in a checkout, and npm pack): builds dist/ when the
// TypeScript compiler is installed. A production install of a built checkout (npm ci --omit=dev, as in
// the last stage of a container build) has no compiler: it keeps the dist/ it was given.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const main = path.join(root, 'dist', 'cli', 'main.js');
// Some dev dependencies come with production ones too (TypeScript as a peer of bull-board's valibot,
// @types/node with mysql2): the dev dependencies are installed when every one of them is.
const { devDependencies = {} } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const devInstalled = Object.keys(devDependencies).every((name) => fs.existsSync(path.join(root, 'node_modules', name, 'package.json')));

if (devInstalled) {
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  fs.chmodSync(main, 0o755);
} else if (fs.existsSync(main)) {
  process.stderr.write('hub-etl: the dev dependencies are not installed (a production install): using the dist/ already built\n');
} else {
  process.stderr.write('hub-etl: dist/ is not built and the dev dependencies are not installed: run "npm ci" (with the dev dependencies) and "npm run build" first, or install a packed release (npm pack)\n');
  process.exit(1);
}
