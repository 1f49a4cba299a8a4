// LOAD DATA input for MariaDB/MySQL, built from generated rows: the MySQL writer uses it, and so does the
// order thread, which hands the finished buffers over without a copy.
import type { Row } from '../../tables.js';

const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };

/**
 * Turns a table's rows (ids filled in) into LOAD DATA input: tab-separated UTF-8 of about `maxBytes`
 * per buffer, written straight from the strings (no SQL text, no second encoding pass). \N is NULL;
 * \, tab and newline are backslash-escaped (generated text has no tabs or newlines, JSON escapes them).
 * Rows go into a scratch buffer sized for the worst case (3 bytes per UTF-16 unit) and leave in
 * buffers of their exact size: V8 collects garbage by the amount of memory outside its heap too.
 */
export class TsvWriter {
  private scratch: Buffer;

  constructor(private readonly maxBytes: number) {
    this.scratch = Buffer.allocUnsafeSlow(2 * maxBytes);
  }

  buffers(rows: Row[]): Buffer[] {
    const out: Buffer[] = [];
    let scratch = this.scratch;
    let off = 0;
    const cut = () => {
      // Never from Node's shared pool: the order thread hands these buffers over by transfer.
      const b = Buffer.allocUnsafeSlow(off);
      scratch.copy(b, 0, 0, off);
      out.push(b);
      off = 0;
    };
    for (const row of rows) {
      let need = 1;
      for (const v of row) need += v === null ? 3 : v.length * 3 + 1;
      if (off + need > scratch.length) {
        if (off > 0) cut();
        if (need > scratch.length) this.scratch = scratch = Buffer.allocUnsafeSlow(Math.max(need, 2 * scratch.length));
      }
      for (let i = 0; i < row.length; i++) {
        if (i > 0) scratch[off++] = 9;
        const v = row[i]!;
        if (v === null) {
          scratch[off++] = 92;
          scratch[off++] = 78;
        } else {
          off += scratch.write(v.indexOf('\\') < 0 && v.indexOf('\t') < 0 && v.indexOf('\n') < 0 ? v : v.replace(/[\\\t\n]/g, (m) => TSV_ESCAPES[m]!), off, 'utf8');
        }
      }
      scratch[off++] = 10;
      if (off >= this.maxBytes) cut();
    }
    if (off > 0) cut();
    return out;
  }
}
