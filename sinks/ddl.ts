// Renders the warehouse tables (sql/warehouse/tables.ts) as DDL for MySQL/MariaDB or SQLite.
import type { Dialect } from '../lib/db.js';
import { physicalColumns, type Column, type ColumnType, type Table } from '../sql/warehouse/tables.js';

function mysqlType(t: ColumnType): string {
  switch (t.kind) {
    case 'id': return 'bigint';
    case 'int': return 'bigint';
    case 'bool': return 'tinyint(1)';
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    case 'text': return `varchar(${t.length})`;
    case 'longtext': return 'mediumtext';
    case 'timestamp': return 'datetime(3)';
    case 'date': return 'date';
  }
}

// SQLite has no exact decimal type: NUMERIC affinity would turn '12.30' into a float. Money and
// quantities are TEXT holding the exact fixed-scale decimal; a CHECK keeps anything else out.
function sqliteType(c: Column): string {
  const t = c.type;
  switch (t.kind) {
    case 'id':
    case 'int':
    case 'bool':
      return 'integer';
    case 'decimal':
      return `text check (${c.name} is null or (${c.name} glob '*[0-9].${'[0-9]'.repeat(t.scale)}' and ${c.name} not glob '*[^-0-9.]*'))`;
    case 'text':
    case 'longtext':
    case 'timestamp':
    case 'date':
      return 'text';
  }
}

const q = (d: Dialect, name: string) => (d === 'mysql' ? `\`${name}\`` : `"${name}"`);
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `create table` for one table, with its grain as the table comment (MySQL) or a leading comment (SQLite). */
export function createTableSql(d: Dialect, table: Table): string[] {
  const columns = physicalColumns(table);
  const autoId = table.name === 'etl_run' || table.autoId === true;
  const lines = columns.map((c) => {
    if (autoId && c.name === table.primaryKey[0]) {
      return d === 'mysql' ? `  ${q(d, c.name)} bigint not null auto_increment comment ${sqlString(c.description)}` : `  ${q(d, c.name)} integer primary key autoincrement`;
    }
    const type = d === 'mysql' ? mysqlType(c.type) : sqliteType(c);
    const nul = c.nullable ? 'null' : 'not null';
    return d === 'mysql' ? `  ${q(d, c.name)} ${type} ${nul} comment ${sqlString(c.description)}` : `  ${q(d, c.name)} ${type} ${nul}`;
  });
  if (!(autoId && d === 'sqlite')) lines.push(`  primary key (${table.primaryKey.map((k) => q(d, k)).join(', ')})`);
  const head = d === 'sqlite' ? `-- ${table.name}: ${table.grain}\n` : '';
  const tail = d === 'mysql' ? ` engine = InnoDB default charset = utf8mb4 collate = utf8mb4_unicode_ci comment = ${sqlString(`${table.grain}. ${table.description}`.slice(0, 2048))}` : '';
  const stmts = [`${head}create table if not exists ${q(d, table.name)} (\n${lines.join(',\n')}\n)${tail}`];
  for (const cols of table.indexes ?? []) stmts.push(createIndexSql(d, table.name, cols));
  return stmts;
}

export function indexName(table: string, cols: string[]): string {
  return `ix_${table}_${cols.join('_')}`.slice(0, 64);
}

export function createIndexSql(d: Dialect, table: string, cols: string[]): string {
  const name = indexName(table, cols);
  return d === 'mysql'
    ? `create index ${q(d, name)} on ${q(d, table)} (${cols.map((c) => q(d, c)).join(', ')})`
    : `create index if not exists ${q(d, name)} on ${q(d, table)} (${cols.map((c) => q(d, c)).join(', ')})`;
}

/** `alter table … add column` for a column added in a later migration. */
export function addColumnSql(d: Dialect, table: string, c: Column): string {
  const type = d === 'mysql' ? mysqlType(c.type) : sqliteType(c);
  // A NOT NULL column added to existing rows needs a default on both databases; added columns are nullable.
  return d === 'mysql'
    ? `alter table ${q(d, table)} add column ${q(d, c.name)} ${type} null comment ${sqlString(c.description)}`
    : `alter table ${q(d, table)} add column ${q(d, c.name)} ${type}`;
}
