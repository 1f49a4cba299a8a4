// Renders docs/warehouse.md, the data dictionary BI users read, from the table and view definitions.
import { API_DIMENSIONS, FACTS_AND_DIMENSIONS, LINEAGE, OPERATIONS, type Column, type Table } from './tables.js';
import { VIEWS, type View, type ViewColumn, type ViewColumnType } from './views.js';
import { DIALECTS } from '../../lib/dialects/index.js';
import type { ColumnType } from '../../lib/dialects/dialect.js';

function typeText(t: ViewColumnType): string {
  switch (t.kind) {
    case 'ratio': return 'DOUBLE (REAL on SQLite, double precision on PostgreSQL)';
    case 'id': return 'BIGINT (exact 64-bit id)';
    case 'int': return 'integer';
    case 'bool': return '0/1';
    case 'decimal': return `DECIMAL(${t.precision},${t.scale})`;
    case 'text': return `text (≤ ${t.length})`;
    case 'longtext': return 'long text';
    case 'timestamp': return 'DATETIME(3), UTC';
    case 'date': return 'DATE';
  }
}

/** How each dialect stores each logical type: rendered by the dialect files themselves (lib/dialects). */
function dialectTypes(): string[] {
  const samples: Array<[string, ColumnType]> = [
    ['BIGINT (exact 64-bit id)', { kind: 'id' }], ['integer', { kind: 'int' }], ['0/1', { kind: 'bool' }], ['DECIMAL(18,2)', { kind: 'decimal', precision: 18, scale: 2 }],
    ['text (≤ 64)', { kind: 'text', length: 64 }], ['long text', { kind: 'longtext' }], ['DATETIME(3), UTC', { kind: 'timestamp' }], ['DATE', { kind: 'date' }],
  ];
  const names = Object.values(DIALECTS);
  return [
    `| type above | ${names.map((d) => d.title).join(' | ')} |`,
    `|---|${names.map(() => '---|').join('')}`,
    ...samples.map(([label, type]) => `| ${label} | ${names.map((d) => `\`${d.columnType({ name: 'amount', type, nullable: true, description: '' }).replace(/\|/g, '\\|')}\``).join(' | ')} |`),
  ];
}

function columnRows(cols: Array<Column | ViewColumn>, keys: string[]): string[] {
  return cols.map((c) => `| \`${c.name}\`${keys.includes(c.name) ? ' 🔑' : ''} | ${typeText(c.type)} | ${c.nullable ? 'yes' : 'no'} | ${c.labelZh} | ${c.description.replace(/\|/g, '\\|')} |`);
}

function tableSection(t: Table): string {
  const head = [
    `### \`${t.name}\``,
    '',
    `**Grain:** ${t.grain}. ${t.description}`,
    '',
    `**Key:** ${t.primaryKey.map((k) => `\`${k}\``).join(' + ')}${t.parentKey ? `. Loaded as a set per \`${t.parentKey.join(', ')}\`: rows that disappear from the source disappear here.` : ''}`,
    '',
    '| column | type | null | 中文 | meaning |',
    '|---|---|---|---|---|',
  ];
  return [...head, ...columnRows(t.columns, t.primaryKey)].join('\n');
}

function viewSection(v: View): string {
  return [
    `### \`${v.name}\``,
    '',
    `**Grain:** ${v.grain}. ${v.description}`,
    '',
    `**Key:** ${v.key.map((k) => `\`${k}\``).join(' + ')}`,
    '',
    '| column | type | null | 中文 | meaning |',
    '|---|---|---|---|---|',
    ...columnRows(v.columns, v.key),
  ].join('\n');
}

export function dataDictionary(): string {
  return [
    '# hub-etl warehouse: data dictionary',
    '',
    '<!-- Generated from sql/warehouse/tables.ts by `npm run docs`; edit the definitions, not this file. -->',
    '',
    'These tables are a contract for BI users: columns are added over time, never renamed or dropped.',
    '',
    '## Conventions',
    '',
    '- **Ids** are exact 64-bit integers (BIGINT). 1688 order and line ids exceed 2^53: read them as text or BIGINT, never as a float.',
    '- **Money** is in yuan, exact decimals (DECIMAL on MariaDB/MySQL, NUMERIC on PostgreSQL). Amounts 1688 sends in fen (refunds, invoices, discounts) are converted by integer arithmetic. On SQLite, which has no exact decimal type, money and quantity columns are TEXT holding the exact decimal with a fixed number of places (`12.30`); sum them exactly with `sum(cast(replace(line_amount, \'.\', \'\') as integer)) / 100.0` or use the views.',
    '- **Types per warehouse**: the types below are the MariaDB names; each warehouse stores them so (PostgreSQL text compares byte by byte, as SQLite\'s does):',
    '',
    ...dialectTypes(),
    '',
    '- **`*_at`** columns are UTC. The replica\'s naive columns are read in `HUB_SOURCE_TZ` (default Asia/Shanghai); 1688\'s own times carry their offset, or, when they have none (`acceptTime`, `accountPeriodTime`, …), are China time (`HUB_API_TZ`, default Asia/Shanghai). **`*_date`** columns are calendar dates in the store\'s time zone (`HUB_STORE_TZ`, default Asia/Shanghai), derived from the instant; the shipments\' `created_date` and `modified_date` are the replica\'s own days (it keeps no time).',
    '- **Personal data** (China\'s PIPL) stays out: buyers\' names, phones, streets, zip codes, memos and invoice recipients are never loaded; buyer memberIds are a keyed hash (`buyer_key`; `buyer_member_id` holds the same hash unless hub-etl runs with `--keep-buyer-ids`); phone numbers and people\'s names in free text are masked (`***`). The VAT registration of invoices to companies is in the **restricted** `fct_invoice_registration`, loaded only on request, in no view and exported only with `--include-restricted`.',
    '- **Deprecated** columns keep loading with the meaning they had; their description says which column to use instead.',
    '- **Statuses** keep 1688\'s own vocabulary (lowercase for orders and refunds); line refund statuses, which 1688 writes in UPPERCASE, are mapped to the same lowercase words.',
    '- **Lineage**: every fact and dimension table also has these columns:',
    '',
    '| column | type | null | 中文 | meaning |',
    '|---|---|---|---|---|',
    ...columnRows(LINEAGE, []),
    '',
    '## Facts and dimensions',
    '',
    FACTS_AND_DIMENSIONS.map(tableSection).join('\n\n'),
    '',
    '## Dimensions from the 1688 API',
    '',
    'Created by warehouse migration version 5. Freight templates, ship-from addresses and the store\'s own categories exist only in the 1688 open-platform API, not in the Cloud Hub replica. They are loaded by the snapshot streams `freight_templates`, `ship_from_addresses`, `store_categories` and `category_attributes`, always through the API (`HUB_API_URL` beside a replica source; skipped when no API is configured): each run reads the whole list, fingerprints decide what changed, and rows whose object the API no longer lists are removed with their child rows. The attributes are those of every leaf category the store\'s products use (`alibaba.category.attribute.get`, the same JSON as the replica\'s `ali1688_category.attributes`). `_source_version` is the API\'s clock when the run read the object (UTC), as these objects have no modify time of their own. Personal data stays out: the contact person of a ship-from address (name, mobile, phone, WangWang account) is not loaded.',
    '',
    API_DIMENSIONS.map(tableSection).join('\n\n'),
    '',
    '## BI views',
    '',
    'Created by warehouse migration version 3 (`hub-etl migrate`) with the same meaning on MariaDB, PostgreSQL and SQLite. A **sale** is an order that was paid (`paid_at` set): unpaid orders and orders cancelled before payment are left out, a paid order refunded later stays in and its refund counts as a refund. Money is summed exactly: DECIMAL on MariaDB, NUMERIC on PostgreSQL; on SQLite, as in the tables, exact decimal TEXT with a fixed number of places (`1234.50`), summed through integer fen, so a view shows the same text on every database. `hub-etl export --table <view>` writes a view to CSV with the Chinese labels below.',
    '',
    VIEWS.map(viewSection).join('\n\n'),
    '',
    '## Operations',
    '',
    'The tables hub-etl keeps about its own work. `etl_setting` is **secret**: it holds the key of the buyer hashes when `HUB_PII_KEY` is not set; never exported, readable by the hub-etl account alone.',
    '',
    OPERATIONS.map(tableSection).join('\n\n'),
    '',
  ].join('\n');
}
