// Builds the clients once from the validated config; everything below receives this context.
import type { Config } from './config.js';
import { openDb, type Db, type OpenOptions } from './db.js';
import type { Logger } from './logger.js';

export interface Context {
  config: Config;
  logger: Logger;
  /** The replica (read-only unless `writable`, which only the generator asks for). */
  source(opts?: { writable?: boolean; create?: boolean }): Promise<Db>;
  /** The warehouse database. */
  warehouse(opts?: Pick<OpenOptions, 'create'>): Promise<Db>;
  close(): Promise<void>;
}

export function createContext(config: Config, logger: Logger): Context {
  const open = new Map<string, Promise<Db>>();
  const once = (key: string, make: () => Promise<Db>) => {
    let p = open.get(key);
    if (!p) {
      p = make();
      open.set(key, p);
      p.catch(() => open.delete(key));
    }
    return p;
  };
  return {
    config,
    logger,
    source: (opts = {}) =>
      once(opts.writable ? 'source-rw' : 'source-ro', () =>
        openDb(config.source, { readOnly: !opts.writable, create: opts.create ?? false })),
    warehouse: (opts = {}) => once('warehouse', () => openDb(config.warehouse, { create: opts.create ?? true })),
    async close() {
      const dbs = await Promise.allSettled([...open.values()]);
      open.clear();
      await Promise.all(dbs.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    },
  };
}
