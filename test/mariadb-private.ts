// A private MariaDB server for one test file: a fresh datadir in a temporary folder, a free port, the
// options the test asks for (TLS, a time zone); stopped and removed when the tests end, failed or not.
// The shared server on 3306 is never reconfigured.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import mysql from 'mysql2/promise';
import { missing, serviceThere } from './helpers.js';

export interface PrivateMariaDb {
  port: number;
  dir: string;
  /** Runs statements as root over the server's socket (which require_secure_transport leaves open). */
  admin(sql: string): Promise<unknown>;
  stop(): Promise<void>;
}

function findBinary(name: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const file = path.join(dir, name);
    if (dir && fs.existsSync(file)) return file;
  }
  return null;
}

/** The programs a private server needs, or the name of the first one missing. */
export function privateMariaDbMissing(extra: string[] = []): string | null {
  for (const name of ['mariadbd', 'mariadb-install-db', ...extra]) if (!findBinary(name)) return name;
  return null;
}

// The private servers of the tests are made with TLS certificates: openssl is part of what they need.
serviceThere('private-mariadb', privateMariaDbMissing(['openssl']) === null);

/** Call at the top of a test (registered with testWith('private-mariadb')): false, and the test failed, when a program is missing. */
export function needPrivateMariaDb(t: ExecutionContext, extra: string[] = []): boolean {
  const absent = privateMariaDbMissing(extra);
  return !absent || missing(t, 'private-mariadb', `${absent} is not installed (run scripts/services.sh)`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Initialises a datadir and starts mariadbd on it with `args`; resolves once root can log in over the socket. */
export async function startPrivateMariaDb(args: string[]): Promise<PrivateMariaDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-etl-mariadb-'));
  const datadir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const user = os.userInfo().username;
  let server: ChildProcess | undefined;
  const stopNow = () => server?.kill('SIGKILL');
  process.once('exit', stopNow);
  const stop = async () => {
    process.removeListener('exit', stopNow);
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const init = spawnSync(findBinary('mariadb-install-db')!, ['--no-defaults', '--auth-root-authentication-method=normal', `--datadir=${datadir}`, `--user=${user}`, '--skip-test-db'], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr || init.stdout}`);
    const port = await freePort();
    const log = path.join(dir, 'error.log');
    server = spawn(findBinary('mariadbd')!, [
      '--no-defaults', `--datadir=${datadir}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--user=${user}`, `--pid-file=${path.join(dir, 'mysqld.pid')}`, `--log-error=${log}`, '--skip-log-bin',
      '--innodb-buffer-pool-size=32M', ...args,
    ], { stdio: 'ignore' });
    const admin = async (sql: string) => {
      const c = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
      try {
        return (await c.query(sql))[0];
      } finally {
        await c.end();
      }
    };
    const until = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`mariadbd exited with ${server.exitCode}: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : ''}`);
      try {
        await admin('select 1');
        break;
      } catch (err) {
        if (Date.now() > until) throw new Error(`mariadbd did not answer within 60 s: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { port, dir, admin, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
