// transformStoreCategory: one store category (getSelfCatlist sellerCats entry) -> dim_store_category, nested children included.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { API_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformStoreCategory } from '../transforms/store-category.js';
import type { SourceRow, TransformContext, WarehouseRow } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };
const BIG = '9007199254499724636';

type Json = Record<string, unknown>;

function category(over: Json = {}): Json {
  const c: Json = {
    id: n('274375258'), name: '五金工具', ordering: n('1'), iconUrl: 'https://cbu01.alicdn.com/img/ibank/O1CN0174375258.jpg', memberId: 'b2b-2208882620805b',
    gmtCreate: '20230820231714000+0800', gmtModified: '20240517131039123+0800',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete c[k];
    else c[k] = v;
  }
  return c;
}

const row = (over: Json = {}, cols: Partial<SourceRow> = {}): SourceRow => ({
  store_category_id: '274375258', parent_store_category_id: null, store_category_data: stringify(category(over))!, ...cols,
});

function rows(r: SourceRow): WarehouseRow[] {
  const out = transformStoreCategory(r, ctx);
  const problems = outputProblems(API_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out.dim_store_category!;
}

test('A level-1 category becomes one row with UTC times', (t) => {
  t.deepEqual(rows(row()), [{
    store_category_id: '274375258', category_name: '五金工具', parent_store_category_id: null, level: 1, sort_order: 1,
    icon_url: 'https://cbu01.alicdn.com/img/ibank/O1CN0174375258.jpg', seller_member_id: 'b2b-2208882620805b',
    created_at: '2023-08-20 15:17:14.000', modified_at: '2024-05-17 05:10:39.123',
  }]);
});

test('A level-2 category given on its own row takes its parent from the row', (t) => {
  const got = rows(row({ id: n(BIG), name: '电动工具', iconUrl: undefined }, { store_category_id: BIG, parent_store_category_id: '274375258' }));
  t.is(got.length, 1);
  t.like(got[0]!, { store_category_id: BIG, parent_store_category_id: '274375258', level: 2, icon_url: null });
});

test('Children nested as the API nests them are loaded with their parent, ids exact', (t) => {
  const got = rows(row({ children: [category({ id: n(BIG), name: '电动工具', ordering: n('2') }), category({ id: n('211876259'), name: '手动工具', children: [] })] }));
  t.deepEqual(got.map((r) => [r.store_category_id, r.parent_store_category_id, r.level, r.category_name]), [
    ['274375258', null, 1, '五金工具'],
    [BIG, '274375258', 2, '电动工具'],
    ['211876259', '274375258', 2, '手动工具'],
  ]);
});

const cases: Array<{ title: string; row: SourceRow; expect: WarehouseRow }> = [
  { title: 'The id comes from the JSON when the column is absent', row: row({}, { store_category_id: null }), expect: { store_category_id: '274375258' } },
  { title: 'A parentId of 0 in the JSON means level 1', row: row({ parentId: n('0') }), expect: { parent_store_category_id: null, level: 1 } },
  { title: 'A parentID in the JSON makes a level-2 category', row: row({ parentID: '211875259' }), expect: { parent_store_category_id: '211875259', level: 2 } },
  { title: 'An ordering written as a string is read', row: row({ ordering: '7' }), expect: { sort_order: 7 } },
  { title: 'Missing times and icon are empty', row: row({ gmtCreate: '', gmtModified: undefined, iconUrl: null }), expect: { created_at: null, modified_at: null, icon_url: null } },
  { title: 'A category inside the whole getSelfCatlist response is picked by its id', row: row({}, { store_category_data: stringify({ result: { success: true, total: n('1'), toReturn: [{ sellerCats: [category({ id: n('1') }), category()] }] } })! }), expect: { category_name: '五金工具' } },
  { title: 'A renamed category with full-width brackets keeps its name', row: row({ name: '五金工具（热卖）' }), expect: { category_name: '五金工具（热卖）' } },
  { title: 'A time in another zone is converted to UTC', row: row({ gmtModified: '20240517093015000-0700' }), expect: { modified_at: '2024-05-17 16:30:15.000' } },
];

for (const c of cases) {
  test(c.title, (t) => {
    const got = rows(c.row)[0]!;
    for (const [k, v] of Object.entries(c.expect)) t.is(got[k], v, k);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'An empty category is a DataError', row: { store_category_id: '1', store_category_data: '{}' }, field: 'store_category_data' },
  { title: 'Malformed category JSON is a DataError', row: { store_category_id: '1', store_category_data: '[{"id":1}' }, field: 'store_category_data' },
  { title: 'A store_category_id that disagrees with the JSON is a DataError', row: row({}, { store_category_id: '9' }), field: 'store_category_data.id' },
  { title: 'A parent column that disagrees with the JSON is a DataError', row: row({ parentId: n('5') }, { parent_store_category_id: '6' }), field: 'store_category_data.parentId' },
  { title: 'A category without any id is a DataError', row: row({ id: undefined }, { store_category_id: null }), field: 'store_category_id' },
  { title: 'A child without an id is a DataError', row: row({ children: [category({ id: undefined })] }), field: 'store_category_data.children[0].id' },
  { title: 'A child that is text is a DataError', row: row({ children: ['电动工具'] }), field: 'store_category_data.children[0]' },
  { title: 'Children that are an object is a DataError', row: row({ children: { id: 1 } }), field: 'store_category_data.children' },
  { title: 'A fractional ordering is a DataError', row: row({ ordering: n('1.5') }), field: 'store_category_data.ordering' },
  { title: 'Two different children with one id is a DataError', row: row({ children: [category({ id: n('8'), name: 'a' }), category({ id: n('8'), name: 'b' })] }), field: 'store_category_data.children' },
  { title: 'Nesting four levels deep is a DataError', row: row({ children: [category({ id: n('2'), children: [category({ id: n('3'), children: [category({ id: n('4') })] })] })] }), field: 'store_category_data.children[0].children[0].children[0].children' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformStoreCategory(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
