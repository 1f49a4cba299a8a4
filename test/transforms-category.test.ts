// transformCategory: one ali1688_category row -> one dim_category row with its ancestors flattened.
import test from 'ava';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformCategory } from '../transforms/category.js';
import type { SourceRow, TransformContext, WarehouseRow } from '../transforms/types.js';

const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };

function row(over: Partial<SourceRow> = {}): SourceRow {
  return {
    create_datetime: '2020-03-01 08:00:00',
    modify_datetime: '20240517093015000-0700',
    category_id: '1031910',
    category_name: '保温杯',
    is_leaf: 'Y',
    attributes: '{"attributes":[{"attrID":1398,"name":"材质","required":true,"inputType":"1","attrValues":[{"attrValueID":1,"name":"不锈钢"}]},{"attrID":100,"name":"容量","units":["ml"]}],"attributeLevelMapStr":"","errorMsg":null}',
    category_level: '3',
    category1_id: '10',
    category2_id: '1031',
    category3_id: '1031910',
    category1_name: '家居百货',
    category2_name: '水具酒具',
    category3_name: '保温杯',
    user_category_id: null,
    user_category_name: null,
    ...over,
  };
}

function category(r: SourceRow): WarehouseRow {
  const out = transformCategory(r, ctx);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out.dim_category![0]!;
}

test('A level-3 leaf category carries its parent and both ancestors', (t) => {
  t.deepEqual(category(row()), {
    category_id: '1031910',
    category_name: '保温杯',
    level: 3,
    is_leaf: 1,
    parent_id: '1031',
    level1_id: '10',
    level1_name: '家居百货',
    level2_id: '1031',
    level2_name: '水具酒具',
    level3_id: '1031910',
    level3_name: '保温杯',
    attribute_count: 2,
    created_at: '2020-03-01 00:00:00.000',
    modified_at: '2024-05-17 16:30:15.000',
    user_category_id: null,
    user_category_name: null,
  });
});

const cases: Array<{ title: string; row: SourceRow; expect: WarehouseRow }> = [
  {
    title: 'A level-1 category has no parent',
    row: row({ category_id: '10', category_name: '家居百货', is_leaf: 'N', category_level: '1', category2_id: null, category3_id: null, category2_name: null, category3_name: null, attributes: '' }),
    expect: { parent_id: null, level: 1, is_leaf: 0, level1_id: '10', level2_id: null, level3_id: null, attribute_count: 0 },
  },
  {
    title: 'A two-level leaf has no level 3 and its parent is level 1',
    row: row({ category_id: '1031', category_name: '水具酒具', category_level: '2', category3_id: null, category3_name: null }),
    expect: { parent_id: '10', level2_id: '1031', level3_id: null, level3_name: null },
  },
  {
    title: "The category's own level is filled in when the replica left it empty",
    row: row({ category3_id: null, category3_name: null }),
    expect: { level3_id: '1031910', level3_name: '保温杯' },
  },
  { title: "Attributes '[]' count zero", row: row({ attributes: '[]' }), expect: { attribute_count: 0 } },
  { title: "Attributes '{}' count zero", row: row({ attributes: '{}' }), expect: { attribute_count: 0 } },
  { title: "Attributes 'null' count zero", row: row({ attributes: 'null' }), expect: { attribute_count: 0 } },
  { title: 'A bare array of attributes is counted', row: row({ attributes: '[{"attrID":1},{"attrID":2},{"attrID":3}]' }), expect: { attribute_count: 3 } },
  { title: 'A bare array of one attribute counts one', row: row({ attributes: '[{"attrID":1,"name":"材质"}]' }), expect: { attribute_count: 1 } },
  { title: 'Attributes under result are counted', row: row({ attributes: '{"result":{"attributes":[{"attrID":1}]}}' }), expect: { attribute_count: 1 } },
  { title: 'A result without attributes counts zero', row: row({ attributes: '{"errorMsg":"no attributes","attributes":null}' }), expect: { attribute_count: 0 } },
  { title: 'ISO-8601 times are accepted', row: row({ create_datetime: '2020-03-01T08:00:00+08:00', modify_datetime: '2024-05-17T09:30:15.250Z' }), expect: { created_at: '2020-03-01 00:00:00.000', modified_at: '2024-05-17 09:30:15.250' } },
  { title: 'Empty times are absent', row: row({ create_datetime: '', modify_datetime: ' ' }), expect: { created_at: null, modified_at: null } },
  { title: 'is_leaf in lower case is read', row: row({ is_leaf: 'n' }), expect: { is_leaf: 0 } },
];

for (const c of cases) {
  test(c.title, (t) => {
    const got = category(c.row);
    for (const [k, v] of Object.entries(c.expect)) t.is(got[k], v, k);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'A category level of 4 is a DataError', row: row({ category_level: '4' }), field: 'category_level' },
  { title: 'An is_leaf of X is a DataError', row: row({ is_leaf: 'X' }), field: 'is_leaf' },
  { title: 'A missing category name is a DataError', row: row({ category_name: '' }), field: 'category_name' },
  { title: 'A category_id with letters is a DataError', row: row({ category_id: 'c1031910' }), field: 'category_id' },
  { title: 'Malformed attributes JSON is a DataError', row: row({ attributes: '{"attributes":[' }), field: 'attributes' },
  { title: 'Attributes that are an object of the wrong kind is a DataError', row: row({ attributes: '{"attributes":"材质"}' }), field: 'attributes.attributes' },
  { title: 'A modify time in an unknown format is a DataError', row: row({ modify_datetime: 'May 17, 2024' }), field: 'modify_datetime' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformCategory(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
