// Reads flags and environment once, validates everything, reports every problem at once.
import path from 'node:path';
import { IANAZone } from 'luxon';
import { resolveFileVariables } from './env.js';
import { ConfigError } from './errors.js';
import { describeApiTarget, isApiUrl, loadApiTargets, type ApiFlags, type ApiTarget } from './api-config.js';
import { loadDataSettings, type DataFlags, type DataSettings } from './data-config.js';
import { loadMessageConfig, type MqTarget } from './mq-config.js';
import { parseMysqlOptions, type MysqlTls } from './url-options.js';

export type { ApiTarget } from './api-config.js';
export type { MqTarget } from './mq-config.js';

export type DbTarget =
  | { kind: 'mysql'; host: string; port: number; user: string; password: string; database: string; url: string; tls?: MysqlTls; bulkRows?: number }
  | { kind: 'sqlite'; file: string; url: string }
  | { kind: 'postgres'; host: string; port: number; user: string; password: string; database: string; url: string; tls?: MysqlTls; bulkRows?: number };

/** A folder of CSV files as the warehouse (`csv:./out`): hub-etl run writes one file per table per run. */
export interface CsvTarget { kind: 'csv'; dir: string; url: string }

/** Where the warehouse is: a SQL database, or (for loading only) a folder of CSV files. */
export type WarehouseTarget = DbTarget | CsvTarget;

export interface RedisTarget { url: string; host: string; port: number; db: number; username?: string; password?: string; tls: boolean }

export type LogFormat = 'pretty' | 'json';

export interface Config extends DataSettings {
  /** The replica database, or the 1688 API itself (1688+https://…, pop+https://…). */
  source: DbTarget | ApiTarget;
  /** The 1688 API: HUB_API_URL beside a replica source, or the source itself when the source is the API; null when none. */
  api: ApiTarget | null;
  warehouse: WarehouseTarget;
  redis: RedisTarget;
  /** The AMQP broker Cloud Hub's messages arrive on (HUB_MQ_URL, --mq-url); null when none. */
  mq: MqTarget | null;
  /** The app secret that signs HTTP pushes (HUB_API_APP_SECRET); null when none. */
  pushSecret: string | null;
  /** Namespace of hub-etl's queues in Redis, so that several installations (or tests) share one server. */
  queuePrefix: string;
  /** IANA zone in which the replica's naive DATETIME/DATE columns are written. */
  sourceTz: string;
  logFormat: LogFormat;
  logLevel: string;
  verbose: boolean;
  dataDir: string;
}

/** The global flags every sub-command accepts; each overrides its environment variable. */
export interface GlobalFlags extends ApiFlags, DataFlags {
  source?: string;
  warehouse?: string;
  redis?: string;
  mqUrl?: string;
  queuePrefix?: string;
  sourceTz?: string;
  logFormat?: string;
  logLevel?: string;
  verbose?: boolean;
}

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE_PREFIX = 'hub-etl';
export const DEFAULT_SOURCE_TZ = 'Asia/Shanghai';
const LOG_LEVELS = ['error', 'warn', 'info', 'debug'];

/**
 * Replaces the password of any URL-like text with `***`, and the value of any API secret or token
 * written as a form field or JSON member (`access_token=…`, `"refresh_token":"…"`). Safe to call on any string.
 */
export function maskSecrets(text: string): string {
  // Up to the last @ before a space or a quote: a password written with a raw @ is masked whole.
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^\s"'<>]*)@/gi, '$1***@')
    .replace(/\b(access_token|refresh_token|client_secret|app_?secret|_aop_signature|Signature|pii_?key)(=|"\s*:\s*")([^&"\s]+)/gi, '$1$2***');
}

/** How a target is shown in logs and messages: its URL with the password masked; for the API, its base URL and app key. */
export function describeTarget(target: WarehouseTarget | RedisTarget | ApiTarget): string {
  return 'kind' in target && target.kind === 'api' ? describeApiTarget(target) : maskSecrets(target.url);
}

/** The URL schemes of database servers: the kind of target each gives, its default port and user. */
const SERVERS: Record<string, { kind: 'mysql' | 'postgres'; port: number; user: string }> = {
  mysql: { kind: 'mysql', port: 3306, user: 'root' },
  mariadb: { kind: 'mysql', port: 3306, user: 'root' },
  postgres: { kind: 'postgres', port: 5432, user: 'postgres' },
  postgresql: { kind: 'postgres', port: 5432, user: 'postgres' },
};

/** Parses a database URL (`mysql://user:pass@host:port/db`, `sqlite:./file.db`); returns a problem text on error. */
export function parseDbUrl(raw: string, label: string): DbTarget | string {
  const value = raw.trim();
  const shown = maskSecrets(value);
  if (value.startsWith('csv:')) return `${label}: "${shown}" is a CSV folder; csv: is accepted for the warehouse only (HUB_WAREHOUSE_URL=csv:./out)`;
  if (value.startsWith('sqlite:')) {
    let file = value.slice('sqlite:'.length);
    if (file.startsWith('//')) file = file.slice(2);
    if (file === '') return `${label}: "${shown}" names no file; expected sqlite:./data/warehouse.db or sqlite:/abs/path.db`;
    return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file), url: value };
  }
  const server = /^(mysql|mariadb|postgres|postgresql):\/\//i.exec(value);
  if (server) {
    const kind = SERVERS[server[1]!.toLowerCase()]!;
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      return `${label}: "${shown}" is not a valid URL; expected ${kind.kind}://user:password@host:${kind.port}/database`;
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    const port = u.port === '' ? kind.port : Number(u.port);
    const problems: string[] = [];
    if (!u.hostname) problems.push('a host');
    if (!database) problems.push(`a database name after the host (…:${kind.port}/hub_wh)`);
    else if (!/^[A-Za-z0-9_$]{1,63}$/.test(database)) problems.push(`a database name of letters, digits, _ or $ (got "${database}")`);
    if (problems.length > 0) return `${label}: "${shown}" needs ${problems.join(' and ')}`;
    if (u.hash) return `${label}: "${maskSecrets(value.split('#')[0]!)}…" has a "#" the URL cannot hold; percent-encode it (%23) in a password`;
    const options = parseMysqlOptions(u.searchParams, label);
    if (options.problems.length > 0) return options.problems.join('; ');
    return {
      kind: kind.kind,
      host: u.hostname,
      port,
      user: decodeURIComponent(u.username || kind.user),
      password: decodeURIComponent(u.password),
      database,
      url: value,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.bulkRows !== undefined ? { bulkRows: options.bulkRows } : {}),
    };
  }
  return `${label}: "${shown}" is not a supported URL; expected mysql://user:password@host:3306/database, postgres://user:password@host:5432/database or sqlite:./path.db`;
}

/** The replica is MySQL-compatible (PolarDB) or the embedded SQLite store: PostgreSQL holds warehouses only. */
const REPLICA_KINDS: Record<DbTarget['kind'], boolean> = { mysql: true, sqlite: true, postgres: false };

function replicaTarget(t: DbTarget | string, label: string): DbTarget | string {
  if (typeof t === 'string' || REPLICA_KINDS[t.kind]) return t;
  return `${label}: "${maskSecrets(t.url)}" is PostgreSQL; the source is the Cloud Hub replica (mysql://…), the embedded store (sqlite:…) or the API (1688+https://…); postgres:// is for the warehouse (HUB_WAREHOUSE_URL)`;
}

/** Parses a warehouse URL: a database URL as parseDbUrl, or `csv:./folder`; returns a problem text on error. */
export function parseWarehouseUrl(raw: string, label: string): WarehouseTarget | string {
  const value = raw.trim();
  if (!value.startsWith('csv:')) {
    if (/^(sqlite:|mysql:\/\/|mariadb:\/\/|postgres:\/\/|postgresql:\/\/)/i.test(value)) return parseDbUrl(value, label);
    return `${label}: "${maskSecrets(value)}" is not a supported URL; expected mysql://user:password@host:3306/database, postgres://user:password@host:5432/database, sqlite:./path.db or csv:./folder`;
  }
  let dir = value.slice('csv:'.length);
  if (dir.startsWith('//')) dir = dir.slice(2);
  if (dir === '') return `${label}: "${value}" names no folder; expected csv:./out or csv:/abs/folder`;
  return { kind: 'csv', dir: path.resolve(dir), url: value };
}

/** A service's URL of one of `schemes`, trimmed and masked for messages; or the problem, with the form `expected`. */
export function parseServiceUrl(raw: string, label: string, schemes: readonly string[], expected: string): { u: URL; value: string; shown: string } | string {
  const value = raw.trim();
  const shown = maskSecrets(value);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `${label}: "${shown}" is not a valid URL; expected ${expected}`;
  }
  if (!schemes.includes(u.protocol.slice(0, -1))) return `${label}: "${shown}" must start with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  return { u, value, shown };
}

export function parseRedisUrl(raw: string, label: string): RedisTarget | string {
  const parsed = parseServiceUrl(raw, label, ['redis', 'rediss'], 'redis://host:6379 or redis://:password@host:6379/0');
  if (typeof parsed === 'string') return parsed;
  const { u, value, shown } = parsed;
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  const option = [...u.searchParams.keys()][0];
  if (option !== undefined) return `${label}: unknown URL option "${option}"; a Redis URL takes none (rediss:// for TLS, /N for the database)`;
  if (!Number.isInteger(db) || db < 0) return `${label}: "${shown}" has database "${u.pathname.slice(1)}"; expected a number such as /0`;
  return {
    url: value,
    host: u.hostname || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    tls: u.protocol === 'rediss:',
  };
}

/**
 * Builds the configuration from flags, then environment variables, then the embedded default.
 * Throws one ConfigError listing every problem.
 */
export function loadConfig(flags: GlobalFlags = {}, rawEnv: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  // HUB_<NAME>_FILE: the value of HUB_<NAME> is in a file (lib/env.ts).
  const env = resolveFileVariables(rawEnv, problems);
  const dataDir = path.resolve(env.HUB_DATA_DIR || DEFAULT_DATA_DIR);
  const pick = (flag: string | undefined, flagName: string, envName: string, fallback: string) =>
    flag !== undefined ? { value: flag, label: `--${flagName}` } : env[envName] ? { value: env[envName]!, label: envName } : { value: fallback, label: `default ${flagName}` };

  const src = pick(flags.source, 'source', 'HUB_SOURCE_URL', `sqlite:${path.join(dataDir, 'source.db')}`);
  const wh = pick(flags.warehouse, 'warehouse', 'HUB_WAREHOUSE_URL', `sqlite:${path.join(dataDir, 'warehouse.db')}`);
  const rd = pick(flags.redis, 'redis', 'HUB_REDIS_URL', DEFAULT_REDIS_URL);
  const tz = pick(flags.sourceTz, 'source-tz', 'HUB_SOURCE_TZ', DEFAULT_SOURCE_TZ);
  const qp = pick(flags.queuePrefix, 'queue-prefix', 'HUB_QUEUE_PREFIX', DEFAULT_QUEUE_PREFIX);

  const apis = loadApiTargets(src, flags, env, problems);
  const messages = loadMessageConfig(flags, env, problems);
  const data = loadDataSettings(flags, env, problems);
  // An API source's problems are already among `problems` (it is then null).
  const source = isApiUrl(src.value) ? apis.source : replicaTarget(parseDbUrl(src.value, src.label), src.label);
  if (typeof source === 'string') problems.push(/^https?:\/\//i.test(src.value.trim()) ? `${source}, or 1688+${src.value.trim()} for the 1688 API` : source);
  const warehouse = parseWarehouseUrl(wh.value, wh.label);
  if (typeof warehouse === 'string') problems.push(warehouse);
  const redis = parseRedisUrl(rd.value, rd.label);
  if (typeof redis === 'string') problems.push(redis);
  if (!IANAZone.isValidZone(tz.value.trim())) {
    problems.push(`${tz.label}: "${tz.value}" is not a known IANA time zone; expected a name such as Asia/Shanghai or UTC`);
  }
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(qp.value)) problems.push(`${qp.label}: "${qp.value}" is not a queue prefix; expected 1 to 64 letters, digits, '.', '_' or '-'`);
  const logFormat = flags.logFormat ?? env.HUB_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (logFormat !== 'pretty' && logFormat !== 'json') problems.push(`--log-format: "${logFormat}" is not one of pretty, json`);
  const logLevel = flags.logLevel ?? env.HUB_LOG_LEVEL ?? (flags.verbose ? 'debug' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);

  if (source && typeof source !== 'string' && typeof warehouse !== 'string' && sameDatabase(source, warehouse)) {
    problems.push(`${wh.label}: the warehouse must not be the source database (${describeTarget(source)}); hub-etl never writes to a source`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    source: source as DbTarget | ApiTarget,
    api: apis.api,
    warehouse: warehouse as WarehouseTarget,
    redis: redis as RedisTarget,
    mq: messages.mq,
    pushSecret: messages.pushSecret,
    queuePrefix: qp.value,
    sourceTz: tz.value.trim(),
    logFormat: logFormat as LogFormat,
    logLevel,
    verbose: flags.verbose ?? false,
    dataDir,
    ...data,
  };
}

type AnyTarget = DbTarget | ApiTarget | CsvTarget;

/** Where each kind of target keeps its data; null where it is never the same as another target's. */
const WHERE: { [K in AnyTarget['kind']]: (t: Extract<AnyTarget, { kind: K }>) => string | null } = {
  sqlite: (t) => (t.file === ':memory:' ? null : `sqlite:${t.file}`),
  mysql: (t) => `mysql://${t.host}:${t.port}/${t.database}`,
  postgres: (t) => `postgres://${t.host}:${t.port}/${t.database}`,
  csv: () => null,
  api: () => null,
};

function sameDatabase(a: DbTarget | ApiTarget, b: WarehouseTarget): boolean {
  const where = (t: AnyTarget) => (WHERE[t.kind] as (t: AnyTarget) => string | null)(t);
  const here = where(a);
  return here !== null && here === where(b);
}
