// Child-table rows must be unique on their primary key: exact repeats are dropped, two different rows
// with the same key are a DataError (the source contradicts itself; picking one would be a guess).
import { DataError } from '../lib/errors.js';
import type { WarehouseRow } from './types.js';

export function uniqueRows(rows: WarehouseRow[], key: readonly string[], field: string): WarehouseRow[] {
  if (rows.length < 2) return rows;
  const seen = new Map<string, WarehouseRow>();
  const out: WarehouseRow[] = [];
  for (const row of rows) {
    const k = key.map((c) => String(row[c])).join('\u0000');
    const prev = seen.get(k);
    if (prev === undefined) {
      seen.set(k, row);
      out.push(row);
    } else if (!sameRow(prev, row)) {
      const which = key.map((c) => `${c} ${String(row[c])}`).join(', ');
      throw new DataError(field, `expected one entry per ${key.join(' + ')}, found two different entries for ${which}`);
    }
  }
  return out;
}

function sameRow(a: WarehouseRow, b: WarehouseRow): boolean {
  for (const k in a) if (a[k] !== b[k]) return false;
  return true;
}
