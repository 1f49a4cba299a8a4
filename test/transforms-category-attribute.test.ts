// transformCategoryAttribute: one ali1688_category row (attributes, §3.8) -> its attributes and their allowed values.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { API_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformCategoryAttribute } from '../transforms/category-attribute.js';
import type { SourceRow, TransformContext, TransformOutput, WarehouseRow } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };

type Json = Record<string, unknown>;

const colour = (over: Json = {}): Json => ({
  attrID: n('3216'), name: '颜色', required: true, isSKUAttribute: true, inputType: '3', aspect: '0', fieldType: 'enum', units: [], parentAttrID: '0', parentAttrValueID: '0',
  attrValues: [{ attrValueID: n('321601'), name: '红色', isSKU: true, childAttrs: [] }, { attrValueID: n('321602'), name: '黑色', isSKU: true, childAttrs: [] }],
  ...over,
});
const source = (over: Json = {}): Json => ({
  attrID: n('100000691'), name: '货源类别', required: true, isSKUAttribute: false, inputType: '3', aspect: '0;', fieldType: 'enum', units: [],
  attrValues: [{ attrValueID: n('46874'), name: '现货', isSKU: false, childAttrs: [n('7108')] }, { attrValueID: n('46875'), name: '订货', isSKU: false, childAttrs: [] }],
  ...over,
});
const stock = (over: Json = {}): Json => ({
  attrID: n('7108'), name: '是否库存', required: false, isSKUAttribute: false, inputType: '3', aspect: '0', parentAttrID: '100000691', parentAttrValueID: '46874',
  attrValues: [{ attrValueID: n('21958'), name: '是' }], ...over,
});
const weight = (over: Json = {}): Json => ({ attrID: n('9001'), name: '单位重量', required: false, isSKUAttribute: false, inputType: '-1', aspect: '3', fieldType: 'int', units: ['千克', '克'], attrValues: [], ...over });

const blob = (attrs: Json[]): string => stringify({ attributes: attrs, attributeLevelMapStr: '{"100000691:46874":"7108"}', errorMsg: null })!;
const row = (attributes: string | null = blob([colour(), source(), stock(), weight()]), over: Partial<SourceRow> = {}): SourceRow => ({
  category_id: '100101', is_leaf: 'Y', attributes, modify_datetime: '2024-05-17 09:30:15', category_name: '电动扳手', ...over,
});

function run(r: SourceRow): TransformOutput {
  const out = transformCategoryAttribute(r, ctx);
  const problems = outputProblems(API_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}
const attrs = (r: SourceRow): WarehouseRow[] => run(r).dim_category_attribute!;
const values = (r: SourceRow): WarehouseRow[] => run(r).dim_category_attribute_value!;

test('A leaf\'s attributes become one row each, with labels, the cascade and UTC time', (t) => {
  const got = attrs(row());
  t.deepEqual(got[0], {
    category_id: '100101', attribute_id: '3216', attribute_name: '颜色', is_required: 1, is_sku_attribute: 1, input_type: '3', input_type_label: 'radio',
    aspect: '0', aspect_label: 'product', field_type: 'enum', units: null, parent_attribute_id: null, parent_attribute_value_id: null, sort_order: 1,
    value_count: 2, modified_at: '2024-05-17 01:30:15.000',
  });
  t.like(got[1]!, { attribute_id: '100000691', aspect: '0;', aspect_label: 'product', parent_attribute_id: null });
  t.like(got[2]!, { attribute_id: '7108', parent_attribute_id: '100000691', parent_attribute_value_id: '46874', field_type: null, units: null });
  t.like(got[3]!, { attribute_id: '9001', input_type: '-1', input_type_label: 'number', aspect_label: 'trade', units: '千克;克', value_count: 0 });
});

test('Allowed values become one row each, in list order, with the attributes they ask for', (t) => {
  t.deepEqual(values(row()).map((v) => [v.attribute_id, v.attribute_value_id, v.value_name, v.is_sku_value, v.child_attribute_ids, v.sort_order]), [
    ['3216', '321601', '红色', 1, null, 1],
    ['3216', '321602', '黑色', 1, null, 2],
    ['100000691', '46874', '现货', 0, '7108', 1],
    ['100000691', '46875', '订货', 0, null, 2],
    ['7108', '21958', '是', null, null, 1],
  ]);
});

test('Both tables are always present, so that attributes removed at 1688 are removed here', (t) => {
  for (const empty of ['', '[]', '{}', 'null', null, '{"attributes":[],"errorMsg":null}', '{"errorMsg":"no attributes","attributes":null}']) {
    const out = run(row(empty, { is_leaf: 'N' }));
    t.deepEqual(out, { dim_category_attribute: [], dim_category_attribute_value: [] }, String(empty));
  }
});

const cases: Array<{ title: string; row: SourceRow; attr?: WarehouseRow; count?: number }> = [
  { title: 'Attributes under result are read', row: row(stringify({ result: { attributes: [colour()] } })!), attr: { attribute_id: '3216' }, count: 1 },
  { title: 'A bare array of attributes is read', row: row(stringify([colour(), weight()])!), count: 2 },
  { title: 'A one-element array around the result is unwrapped', row: row(stringify([{ attributes: [colour()] }])!), count: 1 },
  { title: 'The attributeID spelling is read when attrID is absent', row: row(blob([colour({ attrID: undefined, attributeID: n('3216') })])), attr: { attribute_id: '3216' } },
  { title: 'Booleans written as strings are read', row: row(blob([colour({ required: 'false', isSKUAttribute: 'true' })])), attr: { is_required: 0, is_sku_attribute: 1 } },
  { title: 'A missing required flag says nothing', row: row(blob([colour({ required: undefined })])), attr: { is_required: null } },
  { title: 'An inputType written as a number is read as its code', row: row(blob([colour({ inputType: n('1') })])), attr: { input_type: '1', input_type_label: 'dropdown' } },
  { title: 'An unknown inputType keeps its code as other', row: row(blob([colour({ inputType: '9' })])), attr: { input_type: '9', input_type_label: 'other' } },
  { title: 'Several aspects are labelled in order, unknown ones as other', row: row(blob([colour({ aspect: '0;3;7' })])), attr: { aspect: '0;3;7', aspect_label: 'product,trade,other' } },
  { title: 'Units given as one string are kept', row: row(blob([colour({ units: 'mm' })])), attr: { units: 'mm' } },
  { title: 'A parent attribute id of 0 written as a number is the top level', row: row(blob([colour({ parentAttrID: n('0'), parentAttrValueID: '' })])), attr: { parent_attribute_id: null, parent_attribute_value_id: null } },
  { title: 'A category time in the trade API format is converted to UTC', row: row(undefined, { modify_datetime: '20240517093015000-0700' }), attr: { modified_at: '2024-05-17 16:30:15.000' } },
  { title: 'An attribute repeated exactly is loaded once', row: row(blob([colour(), colour()])), count: 1 },
  { title: 'An attribute name with emoji and quotes is kept', row: row(blob([colour({ name: '颜色 "主色" 🎨' })])), attr: { attribute_name: '颜色 "主色" 🎨' } },
];

for (const c of cases) {
  test(c.title, (t) => {
    const got = attrs(c.row);
    if (c.count !== undefined) t.is(got.length, c.count);
    for (const [k, v] of Object.entries(c.attr ?? {})) t.is(got[0]![k], v, k);
  });
}

test('Child attribute ids given as a comma-separated string are read', (t) => {
  const v = values(row(blob([source({ attrValues: [{ attrValueID: n('46874'), name: '现货', childAttrs: '7108, 7109' }] })])));
  t.is(v[0]!.child_attribute_ids, '7108,7109');
});

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'A category_id with letters is a DataError', row: row(undefined, { category_id: 'c100101' }), field: 'category_id' },
  { title: 'Malformed attributes JSON is a DataError', row: row('{"attributes":[{"attrID":1}'), field: 'attributes' },
  { title: 'Attributes that are text is a DataError', row: row('{"attributes":"颜色"}'), field: 'attributes.attributes' },
  { title: 'An attribute that is a number is a DataError', row: row('{"attributes":[3216]}'), field: 'attributes.attributes[0]' },
  { title: 'An attribute without an id is a DataError', row: row(blob([colour({ attrID: undefined })])), field: 'attributes.attributes[0].attrID' },
  { title: 'A value without an id is a DataError', row: row(blob([colour({ attrValues: [{ name: '红色' }] })])), field: 'attributes.attributes[0].attrValues[0].attrValueID' },
  { title: 'A value that is text is a DataError', row: row(blob([colour({ attrValues: ['红色'] })])), field: 'attributes.attributes[0].attrValues[0]' },
  { title: 'Values that are an object is a DataError', row: row(blob([colour({ attrValues: { red: 1 } })])), field: 'attributes.attributes[0].attrValues' },
  { title: 'A required flag of "yes please" is a DataError', row: row(blob([colour({ required: 'yes please' })])), field: 'attributes.attributes[0].required' },
  { title: 'A child attribute id with letters is a DataError', row: row(blob([source({ attrValues: [{ attrValueID: n('1'), childAttrs: ['x7108'] }] })])), field: 'attributes.attributes[0].attrValues[0].childAttrs[0]' },
  { title: 'Two different attributes with one id is a DataError', row: row(blob([colour(), colour({ name: '顏色' })])), field: 'attributes.attributes.attrID' },
  { title: 'Two different values with one id is a DataError', row: row(blob([colour({ attrValues: [{ attrValueID: n('1'), name: '红' }, { attrValueID: n('1'), name: '黑' }] })])), field: 'attributes.attributes.attrValues.attrValueID' },
  { title: 'A modify time in an unknown format is a DataError', row: row(undefined, { modify_datetime: 'May 17, 2024' }), field: 'modify_datetime' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformCategoryAttribute(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
