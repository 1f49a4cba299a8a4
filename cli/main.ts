#!/usr/bin/env node
// The hub-etl command's entry point: caps the heap (cli/launch.ts), then runs the program (cli/program.ts).
// Nothing else is imported here, so that a launcher that only stands in for its child stays small.
import { relaunchWithHeapCap } from './launch.js';

if (!relaunchWithHeapCap()) await import('./program.js');
