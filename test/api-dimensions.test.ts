// The API dimensions in the warehouse: migration 4 adds them to an existing warehouse, repeatably, and the
// sink loads the transforms' output into them on SQLite and MariaDB, ids and yuan exact, child rows as sets.
import test, { type ExecutionContext } from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { SqlSink } from '../sinks/sql.js';
import { MIGRATIONS } from '../sql/warehouse/migrations.js';
import { API_DIMENSIONS, tableNamed } from '../sql/warehouse/tables.js';
import { transformCategoryAttribute } from '../transforms/category-attribute.js';
import { transformFreightTemplate } from '../transforms/freight-template.js';
import type { TransformOutput } from '../transforms/types.js';
import { startRun, type UnitWrite } from '../sinks/sink.js';
import { needMysql, target, tempMysqlDb, tempSqliteUrl, testWith, type Warehouse } from './helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });
const ctx = { sourceTz: 'Asia/Shanghai' };
const n = (s: string): LosslessNumber => new LosslessNumber(s);
const BIG = '9007199254788369165';

type Open = (t: ExecutionContext) => Promise<Db | null>;
const backends: Array<[Warehouse, Open]> = [
  ['SQLite', async (t) => openDb(target(tempSqliteUrl(t)), { create: true })],
  ['MariaDB', async (t) => ((await needMysql(t)) ? openDb(target(await tempMysqlDb(t)), { create: true }) : null)],
];

const rate = (codes: string[], first: string, next: string) => ({ isSysRate: false, toAreaCodeText: codes.join('、'), rateDTO: { firstUnit: n('1000'), firstUnitFee: n(first), nextUnit: n('1000'), nextUnitFee: n(next), toAreaCodeList: codes } });
const template = (rates: unknown[]) => transformFreightTemplate({
  template_id: BIG,
  template_data: stringify({ id: n(BIG), name: '全国快递按重量', status: n('1'), expressSubTemplate: { subTemplateDTO: { chargeType: n('0'), serviceChargeType: n('1') }, rateList: rates } })!,
}, ctx);
const attributes = (values: string[]) => transformCategoryAttribute({
  category_id: '100101',
  modify_datetime: '2024-05-17 09:30:15',
  attributes: stringify({ attributes: [{ attrID: n('3216'), name: '颜色', isSKUAttribute: true, attrValues: values.map((v, i) => ({ attrValueID: n(String(321601 + i)), name: v })) }] })!,
}, ctx);
const unit = (key: string, version: string, out: TransformOutput): UnitWrite => ({ key, version, tables: new Map(Object.entries(out)) });

for (const [name, open] of backends) {
  const setup = async (t: ExecutionContext) => {
    const db = await open(t);
    if (!db) return null;
    t.teardown(() => db.close());
    await migrate(db, logger);
    return db;
  };

  testWith(name)(`${name}: migration 5 adds the API dimensions to a warehouse at version 4, and runs again without harm`, async (t) => {
    const db = await setup(t);
    if (!db) return;
    // A warehouse migrated before version 5 existed: the tables are not there and the history stops at 4.
    const fromFive = MIGRATIONS.filter((m) => m.version >= 5).map((m) => m.version);
    for (const tbl of API_DIMENSIONS) await rawRows(db, db.dialect, `drop table ${tbl.name}`);
    await rawRows(db, db.dialect, 'delete from etl_schema_migrations where version >= 5');
    const r = await migrate(db, logger);
    t.deepEqual(r.applied.map((m) => m.version), fromFive);
    for (const tbl of API_DIMENSIONS) t.deepEqual(await rawRows(db, db.dialect, `select * from ${tbl.name}`), [], tbl.name);
    // Running version 5 (and those after it) again over tables and indexes that exist changes nothing and fails nothing.
    await rawRows(db, db.dialect, 'delete from etl_schema_migrations where version >= 5');
    t.deepEqual((await migrate(db, logger)).applied.map((m) => m.version), fromFive);
    t.deepEqual((await migrate(db, logger)).applied, []);
  });

  testWith(name)(`${name}: a template's rules and a category's attribute values load as sets, ids and yuan exact`, async (t) => {
    const db = await setup(t);
    if (!db) return;
    const sink = new SqlSink(db);
    const run = await startRun(sink, { stream: 'freight_templates', mode: 'full_refresh', windowStart: null, windowEnd: null });
    const targets = [tableNamed('dim_freight_template'), tableNamed('dim_freight_template_rule')];
    await sink.transaction((tx) => tx.writeUnits('freight_templates', [unit(BIG, 'h1', template([rate(['1'], '12.5', '6'), rate(['650000'], '30', '18.05')]))], targets, run));
    const rules = () => rawRows<Record<string, unknown>>(db, db.dialect, 'select freight_template_id, rule_seq, first_unit_fee, next_unit_fee, first_unit, destination_area_codes from dim_freight_template_rule order by rule_seq');
    const first = await rules();
    t.deepEqual(first.map((r) => [String(r.freight_template_id), String(r.first_unit_fee), String(r.next_unit_fee), String(r.first_unit), r.destination_area_codes]), [
      [BIG, '12.50', '6.00', '1000.0000', '1'],
      [BIG, '30.00', '18.05', '1000.0000', '650000'],
    ]);
    const [head] = await rawRows<Record<string, unknown>>(db, db.dialect, 'select freight_template_id, rule_count, is_seller_paid from dim_freight_template');
    t.is(String(head!.freight_template_id), BIG);
    t.is(Number(head!.rule_count), 2);
    // The seller drops the remote-region rule: the template's set shrinks.
    await sink.transaction((tx) => tx.writeUnits('freight_templates', [unit(BIG, 'h2', template([rate(['1'], '12.5', '6')]))], targets, run));
    t.deepEqual((await rules()).map((r) => Number(r.rule_seq)), [1]);

    const attrTargets = [tableNamed('dim_category_attribute'), tableNamed('dim_category_attribute_value')];
    await sink.transaction((tx) => tx.writeUnits('category_attributes', [unit('100101', '2024-05-17 09:30:15', attributes(['红色', '黑色', '白色']))], attrTargets, run));
    await sink.transaction((tx) => tx.writeUnits('category_attributes', [unit('100101', '2024-05-18 09:30:15', attributes(['红色', '黑色']))], attrTargets, run));
    const values = await rawRows<Record<string, unknown>>(db, db.dialect, 'select attribute_value_id, value_name from dim_category_attribute_value order by sort_order');
    t.deepEqual(values.map((v) => [String(v.attribute_value_id), v.value_name]), [['321601', '红色'], ['321602', '黑色']]);
    const [attr] = await rawRows<Record<string, unknown>>(db, db.dialect, 'select value_count, is_sku_attribute from dim_category_attribute');
    t.is(Number(attr!.value_count), 2);
    t.is(Number(attr!.is_sku_attribute), 1);
  });
}
