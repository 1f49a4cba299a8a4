// hub-etl generate as a job: checks the options that clash, then runs the synthetic-store generator
// (sources/synthetic/generator) in a process of its own.
import type { Context } from './context.js';
import { UsageError } from '../lib/errors.js';
import type { GenerateOptions, GenerateResult } from '../sources/synthetic/generator/generate.js';
import { generateInChild } from './generate-child.js';

export type { GenerateOptions, GenerateResult, TableCounts } from '../sources/synthetic/generator/generate.js';

/** Runs one generate (or --advance) into the source database of the context. */
export async function generate(ctx: Context, opts: GenerateOptions): Promise<GenerateResult> {
  // Option clashes fail before anything is written.
  if (opts.days !== undefined && opts.hours !== undefined) throw new UsageError('--days and --hours both set the span of the run; give one of them');
  return generateInChild(ctx, opts);
}
