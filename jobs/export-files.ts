// The files an export writes, one implementation per format chosen from a map: CSV (one part per file) and
// xlsx (a sheet per part). Each is written under a hidden temporary name in its final folder and renamed
// only once complete, so that a file under its final name is always whole.
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CSV_EOL, csvTransform, type CsvOptions } from '../lib/csv.js';
import type { SheetInfo, XlsxColumn, XlsxWriter } from '../sinks/xlsx.js';

export type ExportFormat = 'csv' | 'xlsx';

type Cells = unknown[];

/** One file of an export being written. */
export interface ExportFile {
  readonly final: string;
  readonly rows: number;
  /** The sheets of an xlsx file with their rows; none for CSV. */
  readonly sheets?: SheetInfo[];
  /** A new part of the export starts: a sheet of its own in xlsx, nothing in CSV (a part is a file). */
  startPart(name: string): void;
  write(row: Cells): Promise<void>;
  /** Completes the file, makes it durable and gives it its final name. */
  finish(): Promise<void>;
  /** Stops writing and removes the temporary file. */
  discard(): Promise<void>;
}

export interface FileOptions { columns: XlsxColumn[]; csv: CsvOptions; table: string; key: string[] }

/** The temporary file behind an export file: its name, its stream, and the rename at the end. */
class TempFile {
  readonly tmp: string;
  readonly ws: fs.WriteStream;
  // A forced exit (a second SIGINT/SIGTERM) skips discard(): the temporary file goes on the way out.
  private readonly onExit = () => fs.rmSync(this.tmp, { force: true });

  constructor(readonly final: string) {
    this.tmp = path.join(path.dirname(final), `.${path.basename(final)}.tmp-${process.pid}`);
    process.once('exit', this.onExit);
    this.ws = fs.createWriteStream(this.tmp);
  }

  /** After the stream was ended: waits for it to close, fsyncs and renames. */
  async publish(closed: Promise<unknown>): Promise<void> {
    await closed;
    const fh = await fsp.open(this.tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(this.tmp, this.final);
    process.off('exit', this.onExit);
  }

  async discard(): Promise<void> {
    this.ws.destroy();
    await fsp.rm(this.tmp, { force: true });
    process.off('exit', this.onExit);
  }
}

/** A CSV file: rows through the json2csv transform into the temporary file. */
class CsvFile implements ExportFile {
  rows = 0;
  private readonly file: TempFile;
  private readonly t: ReturnType<typeof csvTransform>;
  private failed: Error | null = null;

  constructor(readonly final: string, opts: FileOptions) {
    this.file = new TempFile(final);
    this.t = csvTransform(opts.columns, opts.csv);
    this.t.on('error', (e: Error) => (this.failed ??= e));
    // A write error stops the transform too, so that a writer waiting for 'drain' sees it.
    this.file.ws.on('error', (e: Error) => {
      this.failed ??= e;
      this.t.destroy(e);
    });
    this.t.pipe(this.file.ws, { end: false });
  }

  startPart(): void {}

  async write(row: Cells): Promise<void> {
    if (this.failed) throw this.failed;
    this.rows++;
    if (!this.t.write(row as unknown as Record<string, unknown>)) await once(this.t, 'drain');
  }

  /** Ends the file with a line break. */
  async finish(): Promise<void> {
    const ended = once(this.t, 'end');
    this.t.end();
    await ended;
    if (this.failed) throw this.failed;
    const closed = once(this.file.ws, 'close');
    this.file.ws.end(CSV_EOL);
    await this.file.publish(closed);
    if (this.failed) throw this.failed;
  }

  async discard(): Promise<void> {
    this.t.destroy();
    await this.file.discard();
  }
}

/** An xlsx workbook: a sheet per part, typed cells (sinks/xlsx.ts). */
class XlsxFile implements ExportFile {
  private readonly file: TempFile;
  private readonly book: XlsxWriter;

  private constructor(readonly final: string, writer: typeof XlsxWriter, opts: FileOptions) {
    this.file = new TempFile(final);
    this.book = new writer(this.file.ws, opts.columns, { headerLang: opts.csv.headerLang ?? 'en', table: opts.table, key: opts.key });
  }

  static async open(final: string, opts: FileOptions): Promise<XlsxFile> {
    // exceljs takes a good part of a second to load: only an xlsx export pays for it, not every command.
    const { XlsxWriter: writer } = await import('../sinks/xlsx.js');
    return new XlsxFile(final, writer, opts);
  }

  get rows(): number {
    return this.book.sheets.reduce((n, s) => n + s.rows, 0);
  }

  get sheets(): SheetInfo[] {
    return this.book.sheets;
  }

  startPart(name: string): void {
    this.book.startSheet(name);
  }

  write(row: Cells): Promise<void> {
    return this.book.write(row);
  }

  async finish(): Promise<void> {
    const closed = once(this.file.ws, 'close');
    await this.book.finish();
    await this.file.publish(closed);
  }

  async discard(): Promise<void> {
    this.book.abort();
    await this.file.discard();
  }
}

export const FILE_FORMATS: Record<ExportFormat, (final: string, opts: FileOptions) => Promise<ExportFile>> = {
  csv: async (final, opts) => new CsvFile(final, opts),
  xlsx: (final, opts) => XlsxFile.open(final, opts),
};
