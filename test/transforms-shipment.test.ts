// transformShipment: one ali1688_logistics_order row (+ logistic_order_datas) -> fct_shipment and fct_shipment_line.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformShipment } from '../transforms/shipment.js';
import type { SourceRow, TransformContext, TransformOutput } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };
type Blob = Record<string, unknown>;

function logisticsOrder(over: Blob = {}): Blob {
  const base: Blob = {
    logisticsId: 'BX1234567890',
    logisticsBillNo: 'SF1234567890123',
    orderEntryIds: '240517803316129438,240517803316129439',
    status: 'TRANSPORT',
    logisticsCompanyId: '7',
    logisticsCompanyName: '顺丰速运',
    gmtSystemSend: '20240518083000000+0800',
    sendGoods: [{ goodName: '不锈钢保温杯', quantity: '2', unit: '个' }],
    receiver: { receiverName: '张三' },
    logisticsOrderGoods: [
      { tradeOrderId: n('240517803316129440'), tradeOrderItemId: n('240517803316129438'), quantity: n('2') },
      { tradeOrderId: n('240517803316129440'), tradeOrderItemId: n('240517803316129439'), quantity: '1.5' },
    ],
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

/** The other accepted shape: a TradeInfo nativeLogistics.logisticsItems[] entry. */
const logisticsItem: Blob = {
  id: n('240517803316129999'),
  logisticsCode: 'BX1234567890',
  logisticsBillNo: 'YT9876543210',
  type: '1',
  status: 'alreadysend',
  deliveredTime: '20240518083000000-0700',
  carriage: n('8'),
  logisticsCompanyId: n('100'),
  logisticsCompanyName: '圆通速递',
  subItemIds: '240517803316129438, 240517803316129441',
};

function row(over: Partial<SourceRow> = {}, blob: unknown = logisticsOrder()): SourceRow {
  return {
    logistic_id: 'BX1234567890',
    logistics_bill_no: 'SF1234567890123',
    order_id: '240517803316129437',
    gmt_create: '2024-05-18',
    gmt_modified: '2024-05-19',
    logistic_order_datas: stringify(blob)!,
    ...over,
  };
}

function run(r: SourceRow): TransformOutput {
  const out = transformShipment(r, ctx);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}

test('A logistics order gives the shipment and the lines it carries with their quantities', (t) => {
  t.deepEqual(run(row()), {
    fct_shipment: [
      {
        logistics_id: 'BX1234567890',
        order_id: '240517803316129437',
        bill_no: 'SF1234567890123',
        carrier_name: '顺丰速运',
        carrier_code: '7',
        status: 'TRANSPORT',
        shipped_at: '2024-05-18 00:30:00.000',
        modified_date: '2024-05-19',
        created_date: '2024-05-18',
        carrier_id: '7',
        carrier_no: null,
        carriage: null,
        send_type: null,
      },
    ],
    fct_shipment_line: [
      { logistics_id: 'BX1234567890', order_id: '240517803316129437', sub_item_id: '240517803316129438', quantity: '2.0000' },
      { logistics_id: 'BX1234567890', order_id: '240517803316129437', sub_item_id: '240517803316129439', quantity: '1.5000' },
    ],
  });
});

test('A logisticsItems entry is accepted: Long carrier id as text, subItemIds, deliveredTime, its own status left out', (t) => {
  const out = run(row({}, logisticsItem));
  t.like(out.fct_shipment![0]!, { bill_no: 'YT9876543210', carrier_code: '100', carrier_name: '圆通速递', status: null, shipped_at: '2024-05-18 15:30:00.000' });
  t.deepEqual(out.fct_shipment_line!.map((l) => [l.sub_item_id, l.quantity]), [['240517803316129438', null], ['240517803316129441', null]]);
});

const cases: Array<{ title: string; row: SourceRow; shipment?: Record<string, string | number | null>; lines?: Array<[string, string | null]> | 'absent' }> = [
  {
    title: 'Without goods the orderEntryIds list gives the lines, quantities unknown',
    row: row({}, logisticsOrder({ logisticsOrderGoods: undefined })),
    lines: [['240517803316129438', null], ['240517803316129439', null]],
  },
  {
    title: 'Lines in orderEntryIds missing from the goods are added without quantity',
    row: row({}, logisticsOrder({ orderEntryIds: '240517803316129438,240517803316129442', logisticsOrderGoods: [{ tradeOrderItemId: n('240517803316129438'), quantity: n('2') }] })),
    lines: [['240517803316129438', '2.0000'], ['240517803316129442', null]],
  },
  {
    title: "An empty blob ('') gives the shipment from its columns and leaves its lines alone",
    row: row({ logistic_order_datas: '' }),
    shipment: { bill_no: 'SF1234567890123', carrier_name: null, status: null, shipped_at: null, modified_date: '2024-05-19' },
    lines: 'absent',
  },
  {
    title: 'A logistics order naming no lines has an empty line set',
    row: row({}, logisticsOrder({ orderEntryIds: '', logisticsOrderGoods: [] })),
    lines: [],
  },
  {
    title: 'A status in lower case is read',
    row: row({}, logisticsOrder({ status: 'sign' })),
    shipment: { status: 'SIGN' },
  },
  {
    title: 'A result holding several logistics orders is searched for this one',
    row: row({}, { result: [logisticsOrder({ logisticsId: 'BX0', logisticsBillNo: 'other' }), logisticsOrder()] }),
    shipment: { bill_no: 'SF1234567890123' },
  },
  {
    title: 'The DATE columns may arrive with a midnight time part',
    row: row({ gmt_modified: '2024-05-19 00:00:00', gmt_create: null }),
    shipment: { modified_date: '2024-05-19', created_date: null },
  },
];

for (const c of cases) {
  test(c.title, (t) => {
    const out = run(c.row);
    for (const [k, v] of Object.entries(c.shipment ?? {})) t.is(out.fct_shipment![0]![k], v, k);
    if (c.lines === 'absent') t.false('fct_shipment_line' in out);
    else if (c.lines) t.deepEqual(out.fct_shipment_line!.map((l) => [l.sub_item_id, l.quantity]), c.lines);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'An unknown logistics status is a DataError', row: row({}, logisticsOrder({ status: 'LOST' })), field: 'logistic_order_datas.status' },
  { title: 'A blob for another logistics order is a DataError', row: row({}, logisticsOrder({ logisticsId: 'BX999' })), field: 'logistic_order_datas.logisticsId' },
  { title: 'A bad id in orderEntryIds is a DataError', row: row({}, logisticsOrder({ logisticsOrderGoods: undefined, orderEntryIds: '240517803316129438;240517803316129439' })), field: 'logistic_order_datas.orderEntryIds' },
  { title: 'A goods entry without its line id is a DataError', row: row({}, logisticsOrder({ logisticsOrderGoods: [{ quantity: '1' }] })), field: 'logistic_order_datas.logisticsOrderGoods[0].tradeOrderItemId' },
  { title: 'Two goods entries for one line with different quantities are a DataError', row: row({}, logisticsOrder({ logisticsOrderGoods: [{ tradeOrderItemId: '1', quantity: '1' }, { tradeOrderItemId: '1', quantity: '2' }] })), field: 'logistic_order_datas.logisticsOrderGoods' },
  { title: 'A missing modify date is a DataError', row: row({ gmt_modified: null }), field: 'gmt_modified' },
  { title: 'An order_id column that is not an id is a DataError', row: row({ order_id: 'ORD-1' }), field: 'order_id' },
  { title: 'A shipping time that is no time is a DataError', row: row({}, logisticsOrder({ gmtSystemSend: 'tomorrow' })), field: 'logistic_order_datas.gmtSystemSend' },
  { title: 'Malformed logistics JSON is a DataError', row: row({ logistic_order_datas: '[{"logisticsId":"BX1"' }), field: 'logistic_order_datas' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformShipment(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
