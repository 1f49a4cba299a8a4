// Doctor's families by dialect name: the one place doctor tells database families apart.
import type { DialectName } from '../../../lib/dialects/index.js';
import type { DoctorFamily } from './family.js';
import { mysqlFamily } from './mysql.js';
import { postgresFamily } from './postgres.js';
import { sqliteFamily } from './sqlite.js';

export type { DoctorFamily } from './family.js';

export const FAMILIES: Record<DialectName, DoctorFamily> = { mysql: mysqlFamily, sqlite: sqliteFamily, postgres: postgresFamily };
