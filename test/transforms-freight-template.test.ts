// transformFreightTemplate: one freight template (freightTemplate.getList entry) -> dim_freight_template and its rules.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { API_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformFreightTemplate } from '../transforms/freight-template.js';
import type { SourceRow, TransformContext, TransformOutput, WarehouseRow } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };
const BIG = '9007199254740993';

type Json = Record<string, unknown>;

const rate = (codes: string[], text: string, over: Json = {}): Json => ({
  isSysRate: false,
  toAreaCodeText: text,
  rateDTO: {
    id: n('698727136'), subTemplateId: n('548880900'), firstUnit: n('1000'), firstUnitFee: n('10'), nextUnit: n('1000'), nextUnitFee: n('6'),
    toAreaCodeList: codes, gmtCreate: '20221018134243789+0800', gmtModified: '20240523222303241+0800', ...over,
  },
});

function template(over: Json = {}): Json {
  const t: Json = {
    id: n(BIG),
    name: '全国快递按重量',
    memberId: 'b2b-2208882620805b',
    status: n('1'),
    type: '2',
    fromAreaCode: '330782',
    addressCodeText: '浙江省 金华市 义乌市',
    remark: '张经理的备注 13800001111',
    expressSubTemplate: {
      subTemplateDTO: { id: n('548880900'), templateId: n(BIG), chargeType: n('0'), isSysTemplate: false, serviceChargeType: n('1'), serviceType: n('0'), type: n('0'), gmtModified: '20240523222303241+0800' },
      rateList: [rate(['1'], '全国'), rate(['320000', '330000', '310000'], '江苏省、浙江省、上海', { firstUnitFee: n('0'), nextUnitFee: n('0'), gmtModified: '20240601080000000+0800' })],
    },
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete t[k];
    else t[k] = v;
  }
  return t;
}

const row = (over: Json = {}, cols: Partial<SourceRow> = {}): SourceRow => ({ template_id: BIG, template_data: stringify(template(over))!, ...cols });

function run(r: SourceRow): TransformOutput {
  const out = transformFreightTemplate(r, ctx);
  const problems = outputProblems(API_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}
const head = (r: SourceRow): WarehouseRow => run(r).dim_freight_template![0]!;
const rules = (r: SourceRow): WarehouseRow[] => run(r).dim_freight_template_rule!;

test('A template becomes one row and one row per fee rule, ids exact, fees in yuan, times in UTC', (t) => {
  const out = run(row());
  t.deepEqual(out.dim_freight_template, [{
    freight_template_id: BIG, template_name: '全国快递按重量', seller_member_id: 'b2b-2208882620805b', status: 1, is_active: 1, template_type: '2', is_official: 0,
    from_area_code: '330782', from_area_name: '浙江省 金华市 义乌市', charge_type: 0, charge_basis: 'weight', has_express: 1, has_freight: 0,
    has_cash_on_delivery: 0, is_seller_paid: 0, rule_count: 2, modified_at: '2024-06-01 00:00:00.000',
  }]);
  t.deepEqual(out.dim_freight_template_rule, [
    {
      freight_template_id: BIG, service_type: 'express', rule_seq: 1, sub_template_id: '548880900', charge_basis: 'weight', is_seller_paid: 0, is_system_rate: 0,
      is_nationwide: 1, destination_area_codes: '1', destination_names: '全国', unit: 'g', first_unit: '1000.0000', first_unit_fee: '10.00', next_unit: '1000.0000',
      next_unit_fee: '6.00', minimum_fee: null, is_free_shipping: 0, modified_at: '2024-05-23 14:23:03.241',
    },
    {
      freight_template_id: BIG, service_type: 'express', rule_seq: 2, sub_template_id: '548880900', charge_basis: 'weight', is_seller_paid: 0, is_system_rate: 0,
      is_nationwide: 0, destination_area_codes: '320000,330000,310000', destination_names: '江苏省、浙江省、上海', unit: 'g', first_unit: '1000.0000', first_unit_fee: '0.00',
      next_unit: '1000.0000', next_unit_fee: '0.00', minimum_fee: null, is_free_shipping: 1, modified_at: '2024-06-01 00:00:00.000',
    },
  ]);
});

test('The remark, free text a person wrote, is not loaded', (t) => {
  const text = JSON.stringify(run(row()));
  t.false(text.includes('张经理'));
  t.false(text.includes('13800001111'));
});

const sysTemplate = {
  subTemplateDTO: { id: n('5001'), chargeType: n('2'), isSysTemplate: true, serviceChargeType: n('1'), serviceType: n('1') },
  rateList: [{ isSysRate: true, toAreaCodeText: '全国', sysRateDTO: { id: n('1'), sysTemplateId: n('5001'), firstUnit: n('1'), firstUnitFee: n('120'), nextUnit: n('1'), nextUnitFee: n('60.5'), leastExpenses: n('30'), toAreaCodeList: ['1'] } }],
};

const cases: Array<{ title: string; row: SourceRow; expect?: WarehouseRow; rules?: WarehouseRow[] }> = [
  { title: 'The id comes from the JSON when the template_id column is absent', row: row({}, { template_id: null }), expect: { freight_template_id: BIG } },
  { title: 'An official template (type "3", a number here) is marked official', row: row({ type: n('3') }), expect: { template_type: '3', is_official: 1 } },
  { title: 'A template without type is the seller\'s own', row: row({ type: undefined }), expect: { template_type: null, is_official: 0 } },
  { title: 'Status -1 is inactive, an unknown status is neither', row: row({ status: '-1' }), expect: { status: -1, is_active: 0 } },
  { title: 'An unknown status keeps its code and says nothing about activity', row: row({ status: n('7') }), expect: { status: 7, is_active: null } },
  { title: 'A seller-paid express sub-template makes every rule free shipping', row: row({ expressSubTemplate: { subTemplateDTO: { chargeType: '1', serviceChargeType: '0' }, rateList: [rate(['1'], '全国')] } }), expect: { is_seller_paid: 1, charge_basis: 'piece' }, rules: [{ is_free_shipping: 1, unit: 'piece', is_seller_paid: 1 }] },
  {
    title: 'A freight-only template by volume reads its system rate, minimum per shipment and decimal fee',
    row: row({ expressSubTemplate: undefined, logisticsSubTemplate: sysTemplate }),
    expect: { has_express: 0, has_freight: 1, charge_type: 2, charge_basis: 'volume', rule_count: 1, modified_at: null },
    rules: [{ service_type: 'freight', is_system_rate: 1, unit: null, first_unit_fee: '120.00', next_unit_fee: '60.50', minimum_fee: '30.00', sub_template_id: '5001', modified_at: null }],
  },
  {
    title: 'Express, freight and cash-on-delivery sub-templates are numbered within each',
    row: row({ logisticsSubTemplate: sysTemplate, codSubTemplate: { subTemplateDTO: { chargeType: n('1') }, rateList: [rate(['1'], '全国')] } }),
    expect: { has_express: 1, has_freight: 1, has_cash_on_delivery: 1, rule_count: 4, charge_basis: 'weight' },
    rules: [{ service_type: 'express', rule_seq: 1 }, { service_type: 'express', rule_seq: 2 }, { service_type: 'freight', rule_seq: 1 }, { service_type: 'cod', rule_seq: 1, charge_basis: 'piece' }],
  },
  { title: 'An unknown charge type keeps its code as other', row: row({ expressSubTemplate: { subTemplateDTO: { chargeType: n('9') }, rateList: [] } }), expect: { charge_type: 9, charge_basis: 'other', rule_count: 0 } },
  { title: 'A template without sub-templates has no rules', row: row({ expressSubTemplate: undefined }), expect: { rule_count: 0, charge_type: null, is_seller_paid: null, has_express: 0 }, rules: [] },
  { title: 'A template inside {"freightTemplates":[…]} is picked by its id', row: row({}, { template_data: stringify({ freightTemplates: [template({ id: n('1') }), template()] })! }), expect: { freight_template_id: BIG } },
  { title: 'A template in a one-element list is unwrapped', row: row({}, { template_data: stringify([template()])! }), expect: { template_name: '全国快递按重量' } },
  { title: 'Boolean and number fields written as strings are read the same', row: row({ expressSubTemplate: { subTemplateDTO: { chargeType: '0', serviceChargeType: '1' }, rateList: [{ isSysRate: 'false', toAreaCodeText: '全国', rateDTO: { firstUnit: '1000', firstUnitFee: '8.50', toAreaCodeList: [n('1')] } }] } }), rules: [{ is_system_rate: 0, first_unit_fee: '8.50', destination_area_codes: '1', is_nationwide: 1 }] },
  { title: 'A rule naming 全国 without codes is the nationwide rule', row: row({ expressSubTemplate: { rateList: [{ toAreaCodeText: '全国', rateDTO: { firstUnitFee: n('5') } }] } }), rules: [{ is_nationwide: 1, destination_area_codes: null, charge_basis: null, unit: null }] },
  { title: 'Chinese names and emoji in the template name are kept', row: row({ name: '🚚 包邮 "特惠"' }), expect: { template_name: '🚚 包邮 "特惠"' } },
];

for (const c of cases) {
  test(c.title, (t) => {
    const out = run(c.row);
    for (const [k, v] of Object.entries(c.expect ?? {})) t.is(out.dim_freight_template![0]![k], v, k);
    if (c.rules) {
      t.is(out.dim_freight_template_rule!.length, c.rules.length);
      c.rules.forEach((want, i) => {
        for (const [k, v] of Object.entries(want)) t.is(out.dim_freight_template_rule![i]![k], v, `rule ${i}: ${k}`);
      });
    }
  });
}

test('The rules are always present, so that a rule removed at 1688 is removed here', (t) => {
  t.deepEqual(rules(row({ expressSubTemplate: undefined })), []);
  t.is(head(row()).rule_count, 2);
});

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'An empty template is a DataError', row: { template_id: BIG, template_data: '' }, field: 'template_data' },
  { title: 'Malformed template JSON is a DataError', row: { template_id: BIG, template_data: '{"id":1,' }, field: 'template_data' },
  { title: 'A template_id that disagrees with the JSON is a DataError', row: row({}, { template_id: '123' }), field: 'template_data.id' },
  { title: 'A template without any id is a DataError', row: row({ id: undefined }, { template_id: null }), field: 'template_id' },
  { title: 'An id with letters is a DataError', row: row({ id: 'T123' }, { template_id: null }), field: 'template_data.id' },
  { title: 'A fee of a tenth of a fen is a DataError', row: row({ expressSubTemplate: { rateList: [rate(['1'], '全国', { firstUnitFee: n('1.005') })] } }), field: 'template_data.expressSubTemplate.rateList[0].rateDTO.firstUnitFee' },
  { title: 'A negative fee is a DataError', row: row({ expressSubTemplate: { rateList: [rate(['1'], '全国', { nextUnitFee: n('-1') })] } }), field: 'template_data.expressSubTemplate.rateList[0].rateDTO.nextUnitFee' },
  { title: 'A fee that is an object is a DataError', row: row({ expressSubTemplate: { rateList: [rate(['1'], '全国', { firstUnitFee: { value: 1 } })] } }), field: 'template_data.expressSubTemplate.rateList[0].rateDTO.firstUnitFee' },
  { title: 'An area code that is not digits is a DataError', row: row({ expressSubTemplate: { rateList: [rate(['上海'], '上海')] } }), field: 'template_data.expressSubTemplate.rateList[0].rateDTO.toAreaCodeList[0]' },
  { title: 'A rule that is not an object is a DataError', row: row({ expressSubTemplate: { rateList: ['全国 10元'] } }), field: 'template_data.expressSubTemplate.rateList[0]' },
  { title: 'A rate list that is an object is a DataError', row: row({ expressSubTemplate: { rateList: { a: 1 } } }), field: 'template_data.expressSubTemplate.rateList' },
  { title: 'An unknown payer code is a DataError', row: row({ expressSubTemplate: { subTemplateDTO: { serviceChargeType: n('2') }, rateList: [] } }), field: 'template_data.expressSubTemplate.subTemplateDTO.serviceChargeType' },
  { title: 'A modify time in an unknown format is a DataError', row: row({ expressSubTemplate: { subTemplateDTO: { gmtModified: 'yesterday' }, rateList: [] } }), field: 'template_data.expressSubTemplate.subTemplateDTO.gmtModified' },
  { title: 'A template name longer than 128 characters is a DataError, never cut', row: row({ name: '长'.repeat(129) }), field: 'template_data.name' },
  { title: 'Two templates in a list without a template_id to pick one is a DataError', row: { template_id: null, template_data: stringify([template(), template({ id: n('2') })])! }, field: 'template_data' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformFreightTemplate(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
