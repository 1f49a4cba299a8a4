// What a doctor check reports, and the facts the checks share: supported versions, what the streams read.
import { describe } from '../../lib/errors.js';
import { compareVersions } from '../../lib/redis.js';
import { REPLICA_STREAMS } from '../../sources/replica-streams.js';

export type Level = 'ok' | 'warn' | 'error';
export type Area = 'node' | 'source' | 'warehouse' | 'redis';

/** One line of the report: what was looked at, how it stands, and what to do about it. */
export interface Check {
  area: Area;
  name: string;
  level: Level;
  message: string;
  fix?: string;
}

export type Report = (check: Omit<Check, 'area'>) => void;

/** Oldest servers hub-etl supports (the reader and the warehouse use no newer SQL); tested on MariaDB 10.11 and PostgreSQL 15. */
export const MIN_MARIADB = '10.3';
export const MIN_MYSQL = '5.7';
/** Identity columns and `add column if not exists` came with PostgreSQL 10. */
export const MIN_POSTGRES = '10';
export const MIN_NODE = '20.19';

/** The servers `select version()` may name, first match wins; with the oldest version each supports. */
const PRODUCTS = [
  { product: 'MariaDB', like: /mariadb/i, min: MIN_MARIADB, supported: `supported: MariaDB ${MIN_MARIADB}+, MySQL and PolarDB for MySQL ${MIN_MYSQL}+; tested on MariaDB 10.11` },
  { product: 'PostgreSQL', like: /^PostgreSQL /, min: MIN_POSTGRES, supported: `supported: PostgreSQL ${MIN_POSTGRES}+ and what speaks its protocol (Hologres, AnalyticDB for PostgreSQL); tested on PostgreSQL 15` },
  { product: 'MySQL', like: /./, min: MIN_MYSQL, supported: `supported: MariaDB ${MIN_MARIADB}+, MySQL and PolarDB for MySQL ${MIN_MYSQL}+; tested on MariaDB 10.11` },
] as const;

type Product = (typeof PRODUCTS)[number];

/**
 * A server's product and version from `select version()`: '10.11.19-MariaDB-0+deb12u1', '8.0.36', '5.7.44-log',
 * 'PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu, …'.
 */
export function serverVersion(text: string): { product: Product['product']; version: string } {
  const { product } = PRODUCTS.find((p) => p.like.test(text))!;
  return { product, version: /\d+\.\d+(\.\d+)?/.exec(text)?.[0] ?? text };
}

/** The version check of a database server, as a report entry. */
export function versionCheck(text: string): Omit<Check, 'area'> {
  const { product, version } = serverVersion(text);
  const { min, supported } = PRODUCTS.find((p) => p.product === product)!;
  if (compareVersions(version, min) < 0) {
    return { name: 'version', level: 'error', message: `${product} ${version} is older than hub-etl supports (${supported})`, fix: `upgrade the server to ${product} ${min} or newer` };
  }
  return { name: 'version', level: 'ok', message: `${product} ${version} (${supported})` };
}

/**
 * The indexes incremental runs need: every datetime or date cursor (each run reads a window of it), and
 * the order column of the tables read by their parent order (order lines, invoices: read by order id);
 * and those targeted refreshes (messages, hub-etl fetch) need: the order column of the tables they look
 * up by order (refunds, shipments, tracking routes), else each message scans a whole table.
 */
export const NEEDED_INDEXES: Array<{ table: string; column: string; why: string; scans?: string }> = [
  ...Object.entries(REPLICA_STREAMS).flatMap(([name, s]) => {
    if (s.cursor.kind === 'datetime' || s.cursor.kind === 'date') return [{ table: s.table, column: s.cursor.column, why: `the ${name} stream reads a window of ${s.cursor.column} on every run` }];
    if (s.cursor.kind === 'parent' && s.parent) return [{ table: s.table, column: s.parent.childColumn, why: `the ${name} stream reads the ${s.table} rows of each changed order` }];
    return [];
  }),
  ...([
    ['ali1688_order', 'order_id', 'an order'],
    ['ali1688_product', 'product_id', 'a product'],
    ['ali1688_order_refund', 'order_ld', 'the refunds of an order'],
    ['ali1688_logistics_order', 'order_id', 'the shipments of an order'],
    ['ali1688_logistics_route', 'order_id', 'the tracking routes of an order'],
  ] as const).map(([table, column, what]) => ({ table, column, why: `message refreshes and hub-etl fetch look ${what} up by ${column}`, scans: 'every refresh' })),
];

/** The index statement a DBA runs for a missing index. */
export function createIndexSql(table: string, column: string): string {
  return `create index idx_${table.replace(/^ali1688_/, '')}_${column.toLowerCase()} on ${table} (${column});`;
}

/** What to do about a connection that failed, by the driver's error code. */
export function connectFix(err: unknown, what: string): string {
  const code = (err as { code?: string } | undefined)?.code ?? (err as { cause?: { code?: string } } | undefined)?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED': return `nothing listens at that host and port: check the address of the ${what}, and that it accepts connections from this machine`;
    case 'ETIMEDOUT': case 'EHOSTUNREACH': return `no answer: a firewall or the ${what}'s IP allow-list (whitelist) drops this machine's address; add it`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'the host name does not resolve: check it, or use the IP address';
    case 'ER_ACCESS_DENIED_ERROR': return 'wrong user or password (percent-encode reserved characters such as @ : / # ? in the URL), or the account may not log in from this host; or the server requires TLS (?ssl=verify-full&ssl-ca=…)';
    case 'ER_DBACCESS_DENIED_ERROR': return `the user has no privileges on that database: see the GRANT statements in the README ("Connecting a real replica")`;
    // PostgreSQL: invalid password, and an account or address pg_hba.conf does not let in.
    case '28P01': return 'wrong user or password (percent-encode reserved characters such as @ : / # ? in the URL)';
    case '28000': return 'the server does not let this account in from this address (pg_hba.conf), or it requires TLS (?ssl=verify-full&ssl-ca=…)';
    case 'HANDSHAKE_SSL_ERROR': case 'HANDSHAKE_NO_SSL_SUPPORT': return 'TLS failed: check ssl-ca (the CA that signed the server\'s certificate) and the ssl mode';
    default: return `check the URL (${describe(err).slice(0, 80)})`;
  }
}

export const count = (n: number | bigint) => Number(n).toLocaleString('en-US');
