// Writes docs/warehouse.md from the table definitions (npm run docs).
import fs from 'node:fs';
import { dataDictionary } from '../sql/warehouse/dictionary.js';

fs.writeFileSync(new URL('../../docs/warehouse.md', import.meta.url), dataDictionary());
process.stdout.write('docs/warehouse.md written\n');
