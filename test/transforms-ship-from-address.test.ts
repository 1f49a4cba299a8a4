// transformShipFromAddress: one ship-from address (mySendGoodsAddress.list.get entry) -> dim_ship_from_address, no personal data.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { API_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformShipFromAddress } from '../transforms/ship-from-address.js';
import type { SourceRow, TransformContext, WarehouseRow } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };
const BIG = '9007199254548863495';

type Json = Record<string, unknown>;

function address(over: Json = {}): Json {
  const a: Json = {
    id: n(BIG), userId: n('2249053860'), addressName: '义乌分仓', isDefault: false, country: '中国', provinceName: '浙江省', cityName: '金华市',
    areaName: '义乌市', leastCode: '330782', fullAddress: '浙江省金华市义乌市稠州北路1号物流园3号库', post: '322000', companyName: '义乌恒达五金有限公司',
    sendGoodsContactor: '王建华', mobile: '13912345678', phone: '0579-85551234', wangwangNo: '恒达五金王建华',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete a[k];
    else a[k] = v;
  }
  return a;
}

const row = (over: Json = {}, cols: Partial<SourceRow> = {}): SourceRow => ({ address_id: BIG, address_data: stringify(address(over))!, ...cols });

function one(r: SourceRow): WarehouseRow {
  const out = transformShipFromAddress(r, ctx);
  const problems = outputProblems(API_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  if (Object.keys(out).join() !== 'dim_ship_from_address' || out.dim_ship_from_address!.length !== 1) throw new Error('expected one dim_ship_from_address row');
  return out.dim_ship_from_address![0]!;
}

test('An address becomes one row: the place and the company, the id exact', (t) => {
  t.deepEqual(one(row()), {
    ship_from_address_id: BIG, address_name: '义乌分仓', is_default: 0, country: '中国', province: '浙江省', city: '金华市', district: '义乌市',
    district_code: '330782', full_address: '浙江省金华市义乌市稠州北路1号物流园3号库', post_code: '322000', company_name: '义乌恒达五金有限公司',
  });
});

test('The contact person\'s name, mobile, phone and WangWang account never reach the warehouse', (t) => {
  const text = JSON.stringify(transformShipFromAddress(row(), ctx));
  for (const personal of ['王建华', '13912345678', '0579-85551234', '恒达五金王建华']) t.false(text.includes(personal), personal);
});

const cases: Array<{ title: string; row: SourceRow; expect: WarehouseRow }> = [
  { title: 'The id comes from the JSON when the address_id column is absent', row: row({}, { address_id: null }), expect: { ship_from_address_id: BIG } },
  { title: 'isDefault written as the string "true" is the default', row: row({ isDefault: 'true' }), expect: { is_default: 1 } },
  { title: 'A missing isDefault says nothing', row: row({ isDefault: undefined }), expect: { is_default: null } },
  { title: 'A district code written as a number is kept as its digits', row: row({ leastCode: n('110105') }), expect: { district_code: '110105' } },
  { title: 'Blank fields are empty, not blank text', row: row({ post: '  ', companyName: '' }), expect: { post_code: null, company_name: null } },
  { title: 'An address inside {"result":[…]} is picked by its id', row: row({}, { address_data: stringify({ result: [address({ id: n('1') }), address()] })! }), expect: { ship_from_address_id: BIG, address_name: '义乌分仓' } },
  { title: 'A leading zero in the id column is dropped', row: row({ id: n('323473166') }, { address_id: '0323473166' }), expect: { ship_from_address_id: '323473166' } },
  { title: 'Quotes, backslashes and emoji in the name are kept', row: row({ addressName: '仓"A"\\B 📦' }), expect: { address_name: '仓"A"\\B 📦' } },
];

for (const c of cases) {
  test(c.title, (t) => {
    const got = one(c.row);
    for (const [k, v] of Object.entries(c.expect)) t.is(got[k], v, k);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'An empty address is a DataError', row: { address_id: BIG, address_data: 'null' }, field: 'address_data' },
  { title: 'Malformed address JSON is a DataError', row: { address_id: BIG, address_data: '{"id":' }, field: 'address_data' },
  { title: 'An address_id that disagrees with the JSON is a DataError', row: row({}, { address_id: '42' }), field: 'address_data.id' },
  { title: 'An address without any id is a DataError', row: row({ id: undefined }, { address_id: null }), field: 'address_id' },
  { title: 'An id above 2^63 is a DataError', row: row({ id: n('9223372036854775808') }, { address_id: null }), field: 'address_data.id' },
  { title: 'A district code with letters is a DataError', row: row({ leastCode: '33078X' }), field: 'address_data.leastCode' },
  { title: 'An isDefault of "maybe" is a DataError', row: row({ isDefault: 'maybe' }), field: 'address_data.isDefault' },
  { title: 'A city that is an object is a DataError', row: row({ cityName: { name: '金华市' } }), field: 'address_data.cityName' },
  { title: 'An address that is a JSON string of text is a DataError', row: { address_id: BIG, address_data: '"浙江省义乌市"' }, field: 'address_data' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformShipFromAddress(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
