// The dialects by name: the one place a database family is chosen.
import type { DialectName, SqlDialect } from './dialect.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { sqlite } from './sqlite.js';

export type { DialectName, SqlDialect } from './dialect.js';

export const DIALECTS: Record<DialectName, SqlDialect> = { mysql, sqlite, postgres };

export function dialectOf(name: DialectName): SqlDialect {
  return DIALECTS[name];
}
