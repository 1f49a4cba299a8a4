// The environment as hub-etl reads it: an optional .env file in the working directory (variables already
// set win), and HUB_<NAME>_FILE variables, which give HUB_<NAME> the content of a file (Docker and
// systemd secrets: the password stays out of the process environment and of `ps e`). Values are never printed.
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { ConfigError } from './errors.js';

const FILE_VARIABLE = /^(HUB_[A-Z0-9_]+)_FILE$/;

/** The variable a HUB_<NAME>_FILE stands for, or null for any other name. */
export function fileTarget(name: string): string | null {
  return FILE_VARIABLE.exec(name)?.[1] ?? null;
}

/**
 * A copy of `env` in which every non-empty HUB_<NAME>_FILE is replaced by HUB_<NAME> holding the file's
 * content (trailing line breaks removed). Problems (both forms set, a file that cannot be read) are
 * pushed to `problems`, each naming the variable and the path.
 */
export function resolveFileVariables(env: NodeJS.ProcessEnv, problems: string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, file] of Object.entries(env)) {
    const target = fileTarget(name);
    if (!target) continue;
    delete out[name];
    if (!file) continue;
    if (env[target]) {
      problems.push(`${target} and ${name} are both set; set one of them`);
      continue;
    }
    try {
      const value = fs.readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
      if (value === '') problems.push(`${name}: the file ${file} is empty`);
      else out[target] = value;
    } catch (err) {
      problems.push(`${name}: cannot read the file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return out;
}

/**
 * The variables of a .env file, or problems naming its lines (never their content). dotenv's own parser
 * skips a line it cannot read without a word; such a line is reported here instead of being dropped.
 */
export function parseDotEnv(text: string, file: string): { values: Record<string, string>; problems: string[] } {
  const src = text.replace(/\r\n?/g, '\n');
  const values = dotenv.parse(src);
  // The line grammar of dotenv's parser: KEY=value, KEY: value, quoted values over several lines, comments.
  const line = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\n]+)?\s*(?:#.*)?(?:$|$)/gm;
  const covered = new Uint8Array(src.length + 1);
  for (let m = line.exec(src); m; m = line.exec(src)) {
    covered.fill(1, m.index, m.index + m[0].length);
    if (m[0].length === 0) line.lastIndex++;
  }
  const problems: string[] = [];
  let at = 0;
  src.split('\n').forEach((text, i) => {
    const content = text.trim();
    if (content !== '' && !content.startsWith('#') && !covered.subarray(at, at + text.length).includes(1)) {
      problems.push(`${file} line ${i + 1}: not a KEY=value line`);
    }
    at += text.length + 1;
  });
  return { values, problems };
}

/**
 * Prepares the process environment once, before the configuration is read: the .env file of `cwd`
 * (when there is one) fills variables not set already — neither as HUB_<NAME> nor as HUB_<NAME>_FILE —
 * and then every HUB_<NAME>_FILE is resolved. Throws one ConfigError listing every problem.
 */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): void {
  const problems: string[] = [];
  const file = path.join(cwd, '.env');
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push(`${file}: cannot be read (${code ?? String(err)})`);
  }
  if (text !== null) {
    const parsed = parseDotEnv(text, file);
    problems.push(...parsed.problems);
    const setHere = (name: string) => name in env;
    for (const [name, value] of Object.entries(parsed.values)) {
      const target = fileTarget(name);
      if (setHere(name) || (target ? setHere(target) : setHere(`${name}_FILE`))) continue;
      env[name] = value;
    }
  }
  const resolved = resolveFileVariables(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  for (const name of Object.keys(env)) if (fileTarget(name)) delete env[name];
  for (const [name, value] of Object.entries(resolved)) if (env[name] !== value) env[name] = value;
}
