import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { dataDictionary } from '../sql/warehouse/dictionary.js';
import { ALL_TABLES } from '../sql/warehouse/tables.js';
import { ROOT } from './helpers.js';

test('docs/warehouse.md is generated from the current table definitions (run npm run docs)', (t) => {
  t.is(fs.readFileSync(path.join(ROOT, 'docs/warehouse.md'), 'utf8'), dataDictionary());
});

test('every table and column has a grain, a description and a Chinese label', (t) => {
  for (const table of ALL_TABLES) {
    t.true(table.grain.startsWith('one row per'), table.name);
    for (const c of table.columns) {
      t.true(c.description.length > 3, `${table.name}.${c.name}`);
      t.true(c.labelZh.length > 0, `${table.name}.${c.name}`);
    }
  }
});
