// Writes the warehouse's documentation files from its definitions: the data dictionary (docs/warehouse.md)
// and, when asked, dbt's sources (models/sources.yml). Each file appears whole or not at all.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { dataDictionary } from '../sql/warehouse/dictionary.js';
import { dbtSources, type DbtOptions } from '../sql/warehouse/dbt-sources.js';

async function writeWhole(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    await fsp.writeFile(tmp, text);
    await fsp.rename(tmp, file);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** Writes <out>/docs/warehouse.md and, with dbt options, <out>/models/sources.yml; returns the files written. */
export async function writeDocs(outDir: string, dbt?: DbtOptions): Promise<string[]> {
  const files: Array<[string, string]> = [[path.join(outDir, 'docs', 'warehouse.md'), dataDictionary()]];
  if (dbt) files.push([path.join(outDir, 'models', 'sources.yml'), dbtSources(dbt)]);
  for (const [file, text] of files) await writeWhole(file, text);
  return files.map(([file]) => file);
}
