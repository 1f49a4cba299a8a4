// TLS to a MySQL-family server, against a private MariaDB started here with a self-signed CA and
// require_secure_transport=ON: each ssl mode does what it promises, and no password ever shows.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { parseDbUrl, type DbTarget } from '../lib/config.js';
import { openDb, rawRows } from '../lib/db.js';
import { runCli, testWith } from './helpers.js';
import { needPrivateMariaDb, privateMariaDbMissing, startPrivateMariaDb, type PrivateMariaDb } from './mariadb-private.js';

type Ctx = { server?: PrivateMariaDb; certs?: string; pem: (name: string) => string };
const test = anyTest as TestFn<Ctx>;

// Reserved URL characters in the password: it must work percent-encoded and never be printed.
const PASSWORD = 'Tls@Pw:/#?%& 9';
const USER = 'hub_tls';

function makeCertificates(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string, cn: string) => ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`);
  const signed = (name: string, cn: string, ext: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  };
  ca('ca', 'hub-etl test CA');
  ca('wrong-ca', 'some other CA');
  // The server's certificate names localhost only: verify-full to 127.0.0.1 must fail.
  signed('server', 'localhost', 'subjectAltName=DNS:localhost');
  signed('client', 'hub-etl client', 'extendedKeyUsage=clientAuth');
}

test.before(async (t) => {
  if (privateMariaDbMissing(['openssl'])) return;
  const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-etl-tls-'));
  t.context.certs = certs;
  t.context.pem = (name) => path.join(certs, `${name}.pem`);
  makeCertificates(certs);
  t.context.server = await startPrivateMariaDb([
    `--ssl-ca=${path.join(certs, 'ca.pem')}`, `--ssl-cert=${path.join(certs, 'server.pem')}`, `--ssl-key=${path.join(certs, 'server.key')}`,
    '--require-secure-transport=ON',
  ]);
  const quoted = PASSWORD.replaceAll("'", "''");
  await t.context.server.admin(`
    create database tls_src;
    create table tls_src.t (id int primary key);
    create user '${USER}'@'%' identified by '${quoted}' require ssl;
    grant select on tls_src.* to '${USER}'@'%';
    grant all on tls_wh.* to '${USER}'@'%';
    create user 'hub_x509'@'%' identified by '${quoted}' require x509;
    grant select on tls_src.* to 'hub_x509'@'%';
  `);
});

test.after.always(async (t) => {
  await t.context.server?.stop();
  if (t.context.certs) fs.rmSync(t.context.certs, { recursive: true, force: true });
});

function url(ctx: { server?: PrivateMariaDb }, query: string, opts: { host?: string; user?: string; db?: string } = {}): string {
  return `mysql://${opts.user ?? USER}:${encodeURIComponent(PASSWORD)}@${opts.host ?? '127.0.0.1'}:${ctx.server!.port}/${opts.db ?? 'tls_src'}${query}`;
}

function target(u: string): DbTarget {
  const p = parseDbUrl(u, 'HUB_SOURCE_URL');
  if (typeof p === 'string') throw new Error(p);
  return p;
}

/** The TLS version of a session opened with this URL, or the error it fails with (checked for the password). */
async function connect(t: { false: (v: boolean, m?: string) => void }, u: string): Promise<{ tls?: string; error?: string }> {
  try {
    const db = await openDb(target(u), { readOnly: true });
    try {
      const [row] = await rawRows<{ Value: string }>(db, 'mysql', "show session status like 'Ssl_version'");
      return { tls: row?.Value ?? '' };
    } finally {
      await db.close();
    }
  } catch (err) {
    const text = `${(err as Error).message}\n${(err as Error).stack ?? ''}`;
    t.false(text.includes(PASSWORD) || text.includes(encodeURIComponent(PASSWORD)), 'the password appears in the error');
    return { error: (err as Error).message };
  }
}

testWith<Ctx>('private-mariadb').serial('without an ssl option the server refuses the connection', async (t) => {
  if (!needPrivateMariaDb(t, ['openssl'])) return;
  const r = await connect(t, url(t.context, ''));
  t.truthy(r.error);
  t.log(r.error);
  t.regex(r.error!, /^cannot connect to mysql:\/\/hub_tls:\*\*\*@127\.0\.0\.1:\d+\/tls_src: /);
  t.regex(r.error!, /if the server or the account requires TLS, add \?ssl=verify-full&ssl-ca=\/path\/ca\.pem to the URL$/);
});

testWith<Ctx>('private-mariadb').serial('ssl=required connects encrypted, as a user the server requires SSL of, with a percent-encoded password', async (t) => {
  if (!needPrivateMariaDb(t, ['openssl'])) return;
  const r = await connect(t, url(t.context, '?ssl=required'));
  t.is(r.error, undefined);
  t.regex(r.tls ?? '', /^TLSv1\.[23]$/);
});

testWith<Ctx>('private-mariadb').serial('ssl=verify-ca connects with the CA that signed the server, and fails clearly with another', async (t) => {
  if (!needPrivateMariaDb(t, ['openssl'])) return;
  const good = await connect(t, url(t.context, `?ssl=verify-ca&ssl-ca=${t.context.pem('ca')}`));
  t.is(good.error, undefined);
  t.regex(good.tls ?? '', /^TLSv1/);
  const bad = await connect(t, url(t.context, `?ssl=verify-ca&ssl-ca=${t.context.pem('wrong-ca')}`));
  t.log(bad.error);
  t.regex(bad.error ?? '', /cannot connect to .*: .*(self[- ]signed certificate|unable to (get local issuer|verify the first) certificate)/);
});

testWith<Ctx>('private-mariadb').serial('ssl=verify-full checks the host name: localhost is in the certificate, 127.0.0.1 is not', async (t) => {
  if (!needPrivateMariaDb(t, ['openssl'])) return;
  const byName = await connect(t, url(t.context, `?ssl=verify-full&ssl-ca=${t.context.pem('ca')}`, { host: 'localhost' }));
  t.is(byName.error, undefined);
  t.regex(byName.tls ?? '', /^TLSv1/);
  const byIp = await connect(t, url(t.context, `?ssl=verify-full&ssl-ca=${t.context.pem('ca')}`));
  t.regex(byIp.error ?? '', /ssl=verify-full: the server's certificate does not name 127\.0\.0\.1: .*IP: 127\.0\.0\.1 is not in the cert's list/);
  // verify-ca on the same address accepts it: only verify-full checks the name.
  t.is((await connect(t, url(t.context, `?ssl=verify-ca&ssl-ca=${t.context.pem('ca')}`))).error, undefined);
});

testWith<Ctx>('private-mariadb').serial('a client certificate (ssl-cert, ssl-key) logs in a user that requires X509; without it the login fails', async (t) => {
  if (!needPrivateMariaDb(t, ['openssl'])) return;
  const key = t.context.pem('client').replace(/\.pem$/, '.key');
  const withCert = await connect(t, url(t.context, `?ssl=verify-full&ssl-ca=${t.context.pem('ca')}&ssl-cert=${t.context.pem('client')}&ssl-key=${key}`, { host: 'localhost', user: 'hub_x509' }));
  t.is(withCert.error, undefined);
  const without = await connect(t, url(t.context, `?ssl=verify-full&ssl-ca=${t.context.pem('ca')}`, { host: 'localhost', user: 'hub_x509' }));
  t.regex(without.error ?? '', /Access denied for user 'hub_x509'/);
});

testWith<Ctx>('private-mariadb').serial('through the CLI: migrate over verify-full TLS works, and an unknown option is exit 2 naming it', async (t) => {
  if (!needPrivateMariaDb(t, ['openssl'])) return;
  const wh = url(t.context, `?ssl=verify-full&ssl-ca=${t.context.pem('ca')}`, { host: 'localhost', db: 'tls_wh' });
  const r = await runCli(['migrate', '--verbose'], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /warehouse mysql:\/\/hub_tls:\*\*\*@localhost:\d+\/tls_wh\?ssl=verify-full&ssl-ca=\S+ migrated to version \d+/);
  const typo = await runCli(['status'], { env: { HUB_WAREHOUSE_URL: url(t.context, '?sslmode=x', { db: 'tls_wh' }) } });
  t.is(typo.code, 2);
  t.is(typo.stderr.trim(), 'hub-etl: HUB_WAREHOUSE_URL: unknown URL option "sslmode"; expected ssl, ssl-ca, ssl-cert, ssl-key, bulk-rows');
  const plain = await runCli(['status', '--verbose'], { env: { HUB_WAREHOUSE_URL: url(t.context, '', { db: 'tls_wh' }) } });
  t.is(plain.code, 1);
  for (const out of [r, typo, plain]) {
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD)]) t.false(out.stdout.includes(secret) || out.stderr.includes(secret));
  }
});
