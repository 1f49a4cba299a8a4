// transformRefund: one ali1688_order_refund row (+ order_refund_data) -> fct_refund and fct_refund_line.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformRefund } from '../transforms/refund.js';
import type { SourceRow, TransformContext, TransformOutput } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
/** Clear buyer ids here, as with --keep-buyer-ids; the hashing is tested with the new fields. */
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai', pii: { key: 'test-key-of-the-buyer-hashes-0123456789', keepBuyerIds: true, invoiceRegistration: false } };
type Blob = Record<string, unknown>;

function model(over: Blob = {}): Blob {
  const base: Blob = {
    id: n('20240517001'),
    refundId: 'TQ20240517001',
    orderId: n('240517803316129440'), // rounded Long, no twin: the column is used
    orderEntryIdList: [n('240517803316129438'), n('240517803316129439')],
    orderEntryCountMap: { '240517803316129438': n('2'), '240517803316129439': '0.5' },
    status: 'waitselleragree',
    applyPayment: n('615'),
    refundPayment: n('600'),
    applyCarriage: n('10'),
    refundCarriage: n('1'),
    frozenFund: n('-1'),
    gmtApply: '20240518101500000+0800',
    gmtCreate: '20240518101500000+0800',
    gmtModified: '20240518120000000-0700',
    gmtCompleted: '',
    goodsStatus: n('2'),
    disputeType: n('1'),
    goodsReceived: true,
    onlyRefund: 'true',
    applyReason: '商品破损 📦',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

function row(over: Partial<SourceRow> = {}, blob: unknown = model()): SourceRow {
  return {
    refund_id: 'TQ20240517001',
    status: 'waitselleragree',
    gmt_create: '2024-05-18 10:15:00',
    gmt_modified: '2024-05-19 03:00:00',
    gmt_apply: '2024-05-18 10:15:00',
    gmt_completed: null,
    order_id: '240517803316129437',
    buyer_member_id: 'b2b-2200114455a1b2',
    refund_payment: '600',
    order_refund_data: blob === null ? null : stringify(blob)!,
    ...over,
  };
}

function run(r: SourceRow): TransformOutput {
  const out = transformRefund(r, ctx);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}

test('An in-sale refund gives the refund in yuan and the lines it covers with their quantities', (t) => {
  t.deepEqual(run(row()), {
    fct_refund: [
      {
        refund_id: 'TQ20240517001',
        order_id: '240517803316129437',
        status: 'waitselleragree',
        is_after_sales: 0,
        apply_amount: '6.15',
        refund_amount: '6.00',
        apply_carriage: '0.10',
        refund_carriage: '0.01',
        reason: '商品破损 📦',
        goods_status: 2,
        buyer_member_id: 'b2b-2200114455a1b2',
        applied_at: '2024-05-18 02:15:00.000',
        completed_at: null,
        modified_at: '2024-05-18 19:00:00.000',
        created_at: '2024-05-18 02:15:00.000',
        is_only_refund: 1,
        buyer_key: 'dd5933220ad2e965c8a2ecc166d021aa1c988902c112429624cdeab2060b3909',
        dispute_type: 1,
        apply_reason_id: null,
        reject_reason: null,
        reject_reason_id: null,
        reject_count: null,
        timeout_at: null,
        is_seven_day_return: null,
        return_bill_no: null,
        return_carrier_name: null,
      },
    ],
    fct_refund_line: [
      { refund_id: 'TQ20240517001', order_id: '240517803316129437', sub_item_id: '240517803316129438', quantity: '2.0000' },
      { refund_id: 'TQ20240517001', order_id: '240517803316129437', sub_item_id: '240517803316129439', quantity: '0.5000' },
    ],
    fct_refund_event: [],
  });
});

const cases: Array<{ title: string; row: SourceRow; refund?: Record<string, string | number | null>; lines?: Array<[string, string | null]> | 'absent' }> = [
  {
    title: 'disputeType 2 is an after-sales refund',
    row: row({}, model({ disputeType: '2' })),
    refund: { is_after_sales: 1 },
  },
  {
    title: 'The batch API spelling isOnlyRefund is read',
    row: row({}, model({ onlyRefund: undefined, isOnlyRefund: false })),
    refund: { is_only_refund: 0 },
  },
  {
    title: 'A NULL blob gives the refund from its columns, amount from fen, and leaves its lines alone',
    row: row({ refund_payment: '123456789012' }, null),
    refund: { refund_amount: '1234567890.12', apply_amount: null, is_after_sales: 0, is_only_refund: null, modified_at: '2024-05-18 19:00:00.000', created_at: '2024-05-18 02:15:00.000' },
    lines: 'absent',
  },
  {
    title: 'Without orderEntryCountMap the id list gives the lines, quantities unknown, ids above 2^53 exact',
    row: row({}, model({ orderEntryCountMap: undefined })),
    lines: [['240517803316129438', null], ['240517803316129439', null]],
  },
  {
    title: 'Ids in the list but not in the map are added without quantity; a repeated id once',
    row: row({}, model({ orderEntryCountMap: { '240517803316129438': 1 }, orderEntryIdList: [n('240517803316129438'), n('240517803316129441'), n('240517803316129441')] })),
    lines: [['240517803316129438', '1.0000'], ['240517803316129441', null]],
  },
  {
    title: 'A refund naming no lines has an empty line set',
    row: row({}, model({ orderEntryCountMap: undefined, orderEntryIdList: undefined })),
    lines: [],
  },
  {
    title: 'A model detail given as an array (go1688) is unwrapped',
    row: row({}, { result: { opOrderRefundModelDetail: [model()] } }),
    refund: { apply_amount: '6.15' },
  },
  {
    title: 'A model detail given as an object (official sample) is unwrapped',
    row: row({}, { opOrderRefundModelDetail: model() }),
    refund: { apply_amount: '6.15' },
  },
  {
    title: 'A list of refunds is searched for this refund id',
    row: row({}, { opOrderRefundModelDetail: [model({ refundId: 'TQ1', id: '1', applyPayment: '1' }), model()] }),
    refund: { apply_amount: '6.15' },
  },
  {
    title: 'Refund ids match on their digits: bare digits in the column, TQ in the blob',
    row: row({ refund_id: '20240517001' }),
    refund: { refund_id: '20240517001' },
  },
  {
    title: 'The blob status wins, in either spelling',
    row: row({ status: 'waitselleragree' }, model({ status: 'REFUND_CLOSED' })),
    refund: { status: 'refundclose' },
  },
  {
    title: 'The refund_payment column stands in for a missing refundPayment',
    row: row({ refund_payment: '1' }, model({ refundPayment: undefined })),
    refund: { refund_amount: '0.01' },
  },
];

for (const c of cases) {
  test(c.title, (t) => {
    const out = run(c.row);
    const refund = out.fct_refund![0]!;
    for (const [k, v] of Object.entries(c.refund ?? {})) t.is(refund[k], v, k);
    if (c.lines === 'absent') t.false('fct_refund_line' in out);
    else if (c.lines) t.deepEqual(out.fct_refund_line!.map((l) => [l.sub_item_id, l.quantity]), c.lines);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string; says?: RegExp }> = [
  { title: 'An unknown refund status is a DataError', row: row({}, model({ status: 'refunding' })), field: 'order_refund_data.status' },
  { title: 'An unknown status column with no blob is a DataError', row: row({ status: 'done' }, null), field: 'status' },
  { title: 'A goodsStatus of 4 is a DataError', row: row({}, model({ goodsStatus: '4' })), field: 'order_refund_data.goodsStatus' },
  { title: 'A fractional applyPayment in fen is a DataError', row: row({}, model({ applyPayment: n('61.5') })), field: 'order_refund_data.applyPayment', says: /whole number of fen/ },
  { title: 'An applyPayment of "abc" is a DataError', row: row({}, model({ applyPayment: 'abc' })), field: 'order_refund_data.applyPayment', says: /found "abc"/ },
  { title: 'A blob for another refund is a DataError', row: row({}, model({ refundId: 'TQ999' })), field: 'order_refund_data.refundId' },
  { title: 'Two refunds none of which is this one are a DataError', row: row({}, [model({ refundId: 'TQ1', id: '1' }), model({ refundId: 'TQ2', id: '2' })]), field: 'order_refund_data' },
  { title: 'An orderEntryCountMap key that is no id is a DataError', row: row({}, model({ orderEntryCountMap: { abc: 1 } })), field: 'order_refund_data.orderEntryCountMap.abc' },
  { title: 'An orderEntryCountMap that is a list is a DataError', row: row({}, model({ orderEntryCountMap: [1, 2] })), field: 'order_refund_data.orderEntryCountMap' },
  { title: 'An orderEntryIdList holding an object is a DataError', row: row({}, model({ orderEntryCountMap: undefined, orderEntryIdList: [{ id: 1 }] })), field: 'order_refund_data.orderEntryIdList[0]' },
  { title: 'Two keys naming one line with different quantities are a DataError', row: row({}, model({ orderEntryCountMap: { '12': 1, '012': 2 } })), field: 'order_refund_data.orderEntryCountMap', says: /sub_item_id 12/ },
  { title: 'An onlyRefund that is not a boolean is a DataError', row: row({}, model({ onlyRefund: 'sometimes' })), field: 'order_refund_data.onlyRefund' },
  { title: 'A missing order id column is a DataError', row: row({ order_id: null }), field: 'order_id' },
  { title: 'Malformed refund JSON is a DataError', row: row({ order_refund_data: '{"status":"x"' }), field: 'order_refund_data' },
  { title: 'A refund without any modify time is a DataError', row: row({ gmt_modified: null }, model({ gmtModified: undefined })), field: 'gmt_modified' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformRefund(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
    if (c.says) t.regex(err.reason, c.says);
  });
}
