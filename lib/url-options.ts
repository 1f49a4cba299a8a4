// Options in the query of a database URL: TLS to MySQL, MariaDB and PolarDB
// (mysql://user:pw@host:3306/db?ssl=verify-full&ssl-ca=/etc/hub-etl/ca.pem). Every option is checked:
// an unknown one is an error naming it, never ignored (a misspelt ssl option would silently mean no TLS).
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';

/**
 * - required: encrypted, the server's certificate is not checked (protects against listening, not against
 *   a server impersonated on the path)
 * - verify-ca: encrypted, and the certificate must be signed by the CA (ssl-ca, else the CAs Node trusts)
 * - verify-full: as verify-ca, and the certificate must name the host of the URL
 */
export const SSL_MODES = ['required', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** TLS settings of a MySQL-family URL; files are absolute paths, read when connecting. */
export interface MysqlTls {
  mode: SslMode;
  /** PEM file of the CA that signed the server's certificate. */
  ca?: string;
  /** PEM files of a client certificate and its key, for servers that require one (REQUIRE X509). */
  cert?: string;
  key?: string;
}

export const MYSQL_URL_OPTIONS = ['ssl', 'ssl-ca', 'ssl-cert', 'ssl-key', 'bulk-rows'] as const;

/**
 * Reads the query of a mysql:// URL. Returns the TLS settings (none when no ssl option), the `bulk-rows`
 * threshold of a warehouse (rows from which one write takes the dialect's bulk path; 0 never) and every
 * problem, each naming the option.
 */
export function parseMysqlOptions(params: URLSearchParams, label: string): { tls?: MysqlTls; bulkRows?: number; problems: string[] } {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const [key, value] of params) {
    if (!(MYSQL_URL_OPTIONS as readonly string[]).includes(key)) {
      problems.push(`${label}: unknown URL option "${key}"; expected ${MYSQL_URL_OPTIONS.join(', ')}`);
    } else if (seen.has(key)) {
      problems.push(`${label}: URL option "${key}" is given twice`);
    } else {
      seen.set(key, value);
    }
  }
  const mode = seen.get('ssl');
  if (mode !== undefined && !(SSL_MODES as readonly string[]).includes(mode)) {
    problems.push(`${label}: ssl=${mode} is not one of ${SSL_MODES.join(', ')}`);
  }
  const files: Partial<Record<'ca' | 'cert' | 'key', string>> = {};
  for (const name of ['ca', 'cert', 'key'] as const) {
    const value = seen.get(`ssl-${name}`);
    if (value === undefined) continue;
    if (mode === undefined) {
      problems.push(`${label}: ssl-${name} needs an ssl option (ssl=verify-full, verify-ca or required)`);
      continue;
    }
    const problem = unreadable(value);
    if (problem) problems.push(`${label}: ssl-${name} file ${value} ${problem}`);
    else files[name] = path.resolve(value);
  }
  if (seen.has('ssl-ca') && mode === 'required') {
    problems.push(`${label}: ssl=required does not check the server's certificate, so ssl-ca would go unused; use ssl=verify-ca or ssl=verify-full`);
  }
  if (seen.has('ssl-cert') !== seen.has('ssl-key')) {
    problems.push(`${label}: ssl-cert and ssl-key go together (a client certificate and its key)`);
  }
  const bulk = seen.get('bulk-rows');
  const bulkRows = bulk === undefined ? undefined : Number(bulk);
  if (bulkRows !== undefined && !(/^\d+$/.test(bulk!) && Number.isSafeInteger(bulkRows))) {
    problems.push(`${label}: bulk-rows=${bulk} is not a whole number of rows (0 turns the bulk path off)`);
  }
  const bulkPart = bulkRows !== undefined && problems.length === 0 ? { bulkRows } : {};
  if (problems.length > 0 || mode === undefined) return { ...bulkPart, problems };
  return { tls: { mode: mode as SslMode, ...files }, ...bulkPart, problems };
}

function unreadable(file: string): string | null {
  if (file === '') return 'is empty: expected the path of a PEM file';
  try {
    if (!fs.statSync(file).isFile()) return 'is not a file';
    fs.accessSync(file, fs.constants.R_OK);
    return null;
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
}

/** The mysql2 `ssl` option for these settings, reading the PEM files now. */
export function mysqlSslOptions(tls: MysqlTls): { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean; verifyIdentity: boolean } {
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  return {
    ...(tls.ca ? { ca: read(tls.ca) } : {}),
    ...(tls.cert ? { cert: read(tls.cert) } : {}),
    ...(tls.key ? { key: read(tls.key) } : {}),
    rejectUnauthorized: tls.mode !== 'required',
    verifyIdentity: tls.mode === 'verify-full',
  };
}

/**
 * verify-full: the server's certificate must name the host of the URL. mysql2 checks a host name, but
 * for an IP address it leaves the check to Node, which then compares the certificate with "localhost";
 * this check, run on every new connection, holds for both.
 */
export function peerIdentityError(settings: MysqlTls | undefined, host: string, stream: unknown): Error | undefined {
  if (settings?.mode !== 'verify-full') return undefined;
  const peer = (stream as { getPeerCertificate?: () => tls.PeerCertificate }).getPeerCertificate?.();
  if (!peer || Object.keys(peer).length === 0) return new Error(`ssl=verify-full: the connection to ${host} is not encrypted`);
  const err = tls.checkServerIdentity(host, peer);
  return err ? new Error(`ssl=verify-full: the server's certificate does not name ${host}: ${err.message.trim()}`) : undefined;
}
