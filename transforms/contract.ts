// Checks warehouse rows against the contract (sql/warehouse/tables.ts): exactly the table's own
// columns, each in its canonical form. The transforms' tests run every output through it; the engine
// may too, in a strict mode, before it loads a batch.
import type { Column, Table, TransformOutput, WarehouseRow } from './types.js';

const ID = /^(0|[1-9]\d{0,18})$/;
const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Problems with one row ([] when it conforms): missing or extra columns, nulls in NOT NULL columns, bad forms. */
export function rowProblems(table: Table, row: WarehouseRow): string[] {
  const problems: string[] = [];
  const names = new Set(table.columns.map((c) => c.name));
  for (const key of Object.keys(row)) if (!names.has(key)) problems.push(`${table.name}.${key}: not a column of the table`);
  for (const col of table.columns) {
    if (!(col.name in row)) {
      problems.push(`${table.name}.${col.name}: missing`);
      continue;
    }
    const problem = valueProblem(col, row[col.name]);
    if (problem) problems.push(`${table.name}.${col.name}: ${problem}`);
  }
  return problems;
}

/**
 * Problems with a whole transform output: tables unknown to `tables`, rows that do not conform, and
 * primary keys repeated within a table.
 */
export function outputProblems(tables: readonly Table[], out: TransformOutput): string[] {
  const problems: string[] = [];
  for (const [name, rows] of Object.entries(out)) {
    const table = tables.find((t) => t.name === name);
    if (!table) {
      problems.push(`${name}: not a warehouse table`);
      continue;
    }
    const keys = new Set<string>();
    for (const row of rows) {
      problems.push(...rowProblems(table, row));
      const key = table.primaryKey.map((c) => String(row[c])).join('\u0000');
      if (keys.has(key)) problems.push(`${name}: primary key repeated: ${table.primaryKey.map((c) => String(row[c])).join(', ')}`);
      keys.add(key);
    }
  }
  return problems;
}

const decimalPatterns = new Map<number, RegExp>();
function decimalPattern(scale: number): RegExp {
  let re = decimalPatterns.get(scale);
  if (!re) {
    re = new RegExp(scale === 0 ? '^-?\\d+$' : `^-?\\d+\\.\\d{${scale}}$`);
    decimalPatterns.set(scale, re);
  }
  return re;
}

function valueProblem(col: Column, v: string | number | null | undefined): string | null {
  if (v === null || v === undefined) return col.nullable ? null : 'null in a NOT NULL column';
  const t = col.type;
  switch (t.kind) {
    case 'id':
      return typeof v === 'string' && ID.test(v) && (v.length < 19 || v <= '9223372036854775807') ? null : `not an id: ${String(v)}`;
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) ? null : `not an int: ${String(v)}`;
    case 'bool':
      return v === 0 || v === 1 ? null : `not 0/1: ${String(v)}`;
    case 'decimal': {
      const re = decimalPattern(t.scale);
      if (typeof v !== 'string' || !re.test(v)) return `not a decimal with ${t.scale} decimals: ${String(v)}`;
      const digits = v.replace(/[-.]/g, '').replace(/^0+(?=\d)/, '');
      return digits.length <= t.precision ? null : `more than ${t.precision} digits: ${v}`;
    }
    case 'text': {
      if (typeof v !== 'string') return `not text: ${String(v)}`;
      if (v !== v.trim() || v === '') return `not trimmed or empty: ${JSON.stringify(v)}`;
      return [...v].length <= t.length ? null : `longer than ${t.length} characters`;
    }
    case 'longtext':
      return typeof v === 'string' ? null : `not text: ${String(v)}`;
    case 'timestamp':
      return typeof v === 'string' && TS.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T') + 'Z')) ? null : `not a UTC timestamp: ${String(v)}`;
    case 'date':
      return typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(v)) ? null : `not a date: ${String(v)}`;
  }
}
