// The bulk write path of MySQL/MariaDB: a large batch is streamed with LOAD DATA LOCAL INFILE into a
// temporary staging table on the transaction's own connection, then merged into its table in one
// INSERT … SELECT … ON DUPLICATE KEY UPDATE carrying the same version guard as the multi-row upsert, so
// the rows commit with the rest of the transaction (fingerprints, rejects, watermark). The server parses
// one short statement and a tab-separated stream instead of a megabyte of SQL literals.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { SinkError } from '../errors.js';
import { errorCode } from './dialect.js';

/**
 * Rows from which a write takes the bulk path (the `bulk-rows` URL option overrides it; 0 turns it off).
 * Measured with bench/mysql-write.ts: the staging table's own statements (create, load, merge) cost about
 * as much as the VALUES list they replace at ~600 order lines per write, and win from there (1.45× less
 * statement time at 2,300 lines per write); a narrow table (etl_row_state) gains less per row.
 */
export const DEFAULT_BULK_ROWS = 1000;

/** What the bulk path knows of one knex handle: its threshold, and whether the server lets it stream files. */
export interface BulkState {
  minRows: number;
  /** null until the first bulk write asks the server. */
  infile: boolean | null;
  /** false once the staging table could not be created (no CREATE TEMPORARY TABLES privilege): statements only. */
  staging: boolean;
  warn: (message: string) => void;
}

/** One bulk merge: the target, its columns with their SQL types, and the ON DUPLICATE KEY UPDATE tail. */
export interface BulkSpec {
  table: string;
  primaryKey: string[];
  columns: Array<{ name: string; type: string }>;
  /** `on duplicate key update …` with `values(col)` as the incoming value, as the multi-row upsert has it. */
  onDuplicate: string;
  /** SQL literals of a row, `(…), (…)`: the fallback's VALUES list when the server refuses LOAD DATA LOCAL. */
  literals: (rows: ReadonlyArray<Record<string, unknown>>) => string;
}

const q = (n: string) => `\`${n}\``;
/** Rows per INSERT into the staging table when LOAD DATA LOCAL is off. */
const FALLBACK_ROWS = 1_000;
/** Rows the staging table numbers before it is dropped and created afresh. */
const STAGE_ROWS = 100_000;
/** Bytes per packet of the file stream (the protocol's limit is 16 MB; small packets keep memory flat). */
const CHUNK_BYTES = 256 * 1024;
// MariaDB's ER_NOT_ALLOWED_COMMAND ("The used command is not allowed…"), MySQL 8's local_infile refusals.
const INFILE_REFUSED = new Set(['ER_NOT_ALLOWED_COMMAND', 'ER_LOAD_INFILE_CAPABILITY_DISABLED', 'ER_CLIENT_LOCAL_FILES_DISABLED']);
const NO_TEMPORARY = new Set(['ER_DBACCESS_DENIED_ERROR', 'ER_TABLEACCESS_DENIED_ERROR', 'ER_SPECIFIC_ACCESS_DENIED_ERROR', 'ER_CANT_CREATE_TABLE']);

/**
 * A value as one field of LOAD DATA's default format (fields end at a tab, lines at a newline, backslash
 * escapes): NULL is \N, and a backslash, tab, newline, carriage return or NUL in text is escaped, so any
 * text arrives byte for byte. Numbers, decimals and 64-bit ids travel as their exact text.
 */
export function infileField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write the number ${v} to MySQL`);
    return String(v);
  }
  const s = typeof v === 'string' ? v : String(v);
  return /[\\\t\n\r\0]/.test(s) ? s.replace(/[\\\t\n\r\0]/g, escapeChar) : s;
}

function escapeChar(c: string): string {
  switch (c) {
    case '\\': return '\\\\';
    case '\t': return '\\t';
    case '\n': return '\\n';
    case '\r': return '\\r';
    default: return '\\0';
  }
}

/** The rows as LOAD DATA lines, in chunks of about CHUNK_BYTES. */
function* infileChunks(rows: ReadonlyArray<Record<string, unknown>>, columns: string[]): Generator<Buffer> {
  let text = '';
  for (const r of rows) {
    for (let j = 0; j < columns.length; j++) text += (j === 0 ? '' : '\t') + infileField(r[columns[j]!]);
    text += '\n';
    if (text.length >= CHUNK_BYTES / 4) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text !== '') yield Buffer.from(text, 'utf8');
}

/**
 * The staging table of a target: named for the target and its columns, so that a connection still holding
 * the staging table of an older column list (a migration ran meanwhile) never loads into it.
 */
const stagingName = (spec: BulkSpec) =>
  `_hub_stage_${spec.table.slice(0, 40)}_${crypto.createHash('md5').update(spec.columns.map((c) => `${c.name} ${c.type}`).join(',')).digest('hex').slice(0, 8)}`;

/** The staging table: the target's columns (all nullable; the merge applies NOT NULL), numbered in arrival order. */
function createStaging(spec: BulkSpec): string {
  const cols = spec.columns.map((c) => `${q(c.name)} ${c.type} null`).join(', ');
  return `create temporary table if not exists ${q(stagingName(spec))} (\`_hub_seq\` bigint not null auto_increment primary key, ${cols}) engine = InnoDB default charset = utf8mb4 collate = utf8mb4_unicode_ci`;
}

/** Whether the server accepts LOAD DATA LOCAL, asked once per handle; a refusal is said once, with its remedy. */
async function infileAllowed(k: Knex.Transaction, state: BulkState): Promise<boolean> {
  if (state.infile === null) {
    const [[row]] = (await k.raw('select @@global.local_infile as on_') as unknown) as [[{ on_: unknown }]];
    state.infile = Number(row?.on_) === 1;
    if (!state.infile) refuseInfile(state, 'the server has local_infile off');
  }
  return state.infile;
}

function refuseInfile(state: BulkState, why: string): void {
  state.infile = false;
  state.warn(`bulk writes: ${why}, so large batches go into the staging table as multi-row INSERTs instead of LOAD DATA LOCAL INFILE (slower); SET GLOBAL local_infile = 1 on the warehouse server to stream them`);
}

/** Loads the rows into the staging table with LOAD DATA LOCAL; false when the server refuses it. */
async function loadInfile(k: Knex.Transaction, spec: BulkSpec, rows: ReadonlyArray<Record<string, unknown>>, state: BulkState): Promise<boolean> {
  const names = spec.columns.map((c) => c.name);
  // Separators in hex: they read the same under any sql_mode (NO_BACKSLASH_ESCAPES included).
  const sql = `load data local infile 'hub-etl-rows' into table ${q(stagingName(spec))} character set utf8mb4 fields terminated by X'09' escaped by X'5C' lines terminated by X'0A' (${names.map(q).join(', ')})`;
  let result: unknown;
  try {
    result = await k.raw(sql).options({ infileStreamFactory: () => Readable.from(infileChunks(rows, names)) });
  } catch (err) {
    if (!INFILE_REFUSED.has(errorCode(err) ?? '')) throw err;
    refuseInfile(state, `the server refused LOAD DATA LOCAL INFILE (${errorCode(err)})`);
    return false;
  }
  // LOAD DATA LOCAL cannot stop the client's stream midway, so the server turns what strict mode would
  // refuse (a value that does not fit its column) into warnings and stores a clipped value: any warning
  // fails the write, naming the row, as the refused INSERT would have. Notes (decimal rounding) do not.
  const [header] = result as [{ warningStatus?: number }];
  if ((header.warningStatus ?? 0) > 0) await failOnWarnings(k, spec, rows);
  return true;
}

async function failOnWarnings(k: Knex.Transaction, spec: BulkSpec, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const [warnings] = (await k.raw('show warnings limit 10')) as unknown as [Array<{ Level: string; Message: string }>];
  const bad = warnings.find((w) => w.Level !== 'Note');
  if (!bad) return;
  const at = /at row (\d+)/.exec(bad.Message);
  const row = at ? rows[Number(at[1]) - 1] : undefined;
  const key = row ? ` (${spec.primaryKey.map((c) => `${c}=${String(row[c])}`).join(', ')})` : '';
  throw new SinkError(`${spec.table}${key}: ${bad.Message.replace(/ at row \d+$/, '')}`);
}

/** The fallback: the rows into the staging table as multi-row INSERTs of SQL literals. */
async function insertStaging(k: Knex.Transaction, spec: BulkSpec, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const head = `insert into ${q(stagingName(spec))} (${spec.columns.map((c) => q(c.name)).join(', ')}) values `;
  for (let i = 0; i < rows.length; i += FALLBACK_ROWS) await k.raw(head + spec.literals(rows.slice(i, i + FALLBACK_ROWS)));
}

/**
 * Writes the rows through the staging table. Returns false, having written nothing, when the account
 * may not create temporary tables: the caller then writes them in statements.
 */
export async function bulkWrite(k: Knex.Transaction, spec: BulkSpec, rows: ReadonlyArray<Record<string, unknown>>, state: BulkState): Promise<boolean> {
  const stage = q(stagingName(spec));
  // The staging table lives as long as the connection (a temporary table is created and dropped without
  // ending the transaction). Rows are never deleted from it, which costs more per row than loading them
  // (bench/mysql-write.ts): each write merges only the rows numbered after the highest one before it,
  // and the table starts afresh once it has numbered STAGE_ROWS rows.
  try {
    await k.raw(createStaging(spec));
  } catch (err) {
    if (!NO_TEMPORARY.has(errorCode(err) ?? '')) throw err;
    state.staging = false;
    state.warn(`bulk writes: cannot create a temporary staging table (${errorCode(err)}), so large batches are written as multi-row upserts; GRANT CREATE TEMPORARY TABLES on the warehouse database to the account to load them in bulk`);
    return false;
  }
  const [[{ last: highest }]] = (await k.raw(`select coalesce(max(\`_hub_seq\`), 0) as last from ${stage}`)) as unknown as [[{ last: unknown }]];
  let last = String(highest);
  if (Number(last) >= STAGE_ROWS) {
    await k.raw(`drop temporary table ${stage}`);
    await k.raw(createStaging(spec));
    last = '0';
  }
  if (!(await infileAllowed(k, state)) || !(await loadInfile(k, spec, rows, state))) await insertStaging(k, spec, rows);
  const names = spec.columns.map((c) => q(c.name)).join(', ');
  // In arrival order: a key twice in one batch ends as the multi-row upsert leaves it (the later row, guard permitting).
  await k.raw(`insert into ${q(spec.table)} (${names}) select ${names} from ${stage} where \`_hub_seq\` > ${last} order by \`_hub_seq\` ${spec.onDuplicate}`);
  return true;
}
