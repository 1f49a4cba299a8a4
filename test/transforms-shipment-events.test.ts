// transformShipmentEvents: one ali1688_logistics_route row (+ logistic_route_datas) -> fct_shipment_event, in time order.
import test from 'ava';
import { stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformShipmentEvents } from '../transforms/shipment-events.js';
import type { SourceRow, TransformContext, TransformOutput } from '../transforms/types.js';

const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };

const steps = [
  { acceptTime: '2024-05-19 09:00:00', remark: '【杭州市】快件已签收 ✅' },
  { acceptTime: '2024-05-18 08:30:00', remark: '【深圳市】顺丰速运 已收取快件' },
  { acceptTime: '2024-05-18 20:15:00', remark: '快件到达【杭州转运中心】' },
];

function row(over: Partial<SourceRow> = {}, blob: unknown = { logisticsId: 'BX1234567890', logisticsBillNo: 'SF1234567890123', orderId: 240517803316129440, logisticsSteps: steps }): SourceRow {
  return {
    logistic_id: 'BX1234567890',
    logistics_bill_no: 'SF1234567890123',
    order_id: '240517803316129437',
    gmt_create: '2024-05-18',
    gmt_modified: '2024-05-19',
    logistic_route_datas: stringify(blob)!,
    ...over,
  };
}

function run(r: SourceRow): TransformOutput {
  const out = transformShipmentEvents(r, ctx);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}

const ev = (seq: number, at: string | null, remark: string | null, action: string | null = null, area: string | null = null) => ({
  logistics_id: 'BX1234567890', event_seq: seq, event_at: at, remark, order_id: '240517803316129437', action, area_code: area,
});

test('Out-of-order steps are sorted by time and numbered from 1, times in UTC', (t) => {
  t.deepEqual(run(row()), {
    fct_shipment_event: [
      ev(1, '2024-05-18 00:30:00.000', '【深圳市】顺丰速运 已收取快件'),
      ev(2, '2024-05-18 12:15:00.000', '快件到达【杭州转运中心】'),
      ev(3, '2024-05-19 01:00:00.000', '【杭州市】快件已签收 ✅'),
    ],
  });
});

const cases: Array<{ title: string; row: SourceRow; expected: unknown[] | 'absent' }> = [
  {
    title: 'Exact duplicate steps are removed',
    row: row({}, { logisticsId: 'BX1234567890', logisticsSteps: [steps[1], steps[1], steps[2]] }),
    expected: [ev(1, '2024-05-18 00:30:00.000', '【深圳市】顺丰速运 已收取快件'), ev(2, '2024-05-18 12:15:00.000', '快件到达【杭州转运中心】')],
  },
  {
    title: 'Steps with the same time keep their source order (stable sort)',
    row: row({}, { logisticsSteps: [{ acceptTime: '2024-05-18 08:30:00', remark: 'B' }, { acceptTime: '2024-05-18 08:30:00', remark: 'A' }] }),
    expected: [ev(1, '2024-05-18 00:30:00.000', 'B'), ev(2, '2024-05-18 00:30:00.000', 'A')],
  },
  {
    title: 'Steps without a time go last, in their order',
    row: row({}, { logisticsSteps: [{ remark: 'no time 1' }, { acceptTime: '2024-05-18 08:30:00', remark: 'timed' }, { acceptTime: '', remark: 'no time 2' }] }),
    expected: [ev(1, '2024-05-18 00:30:00.000', 'timed'), ev(2, null, 'no time 1'), ev(3, null, 'no time 2')],
  },
  {
    title: 'traceNodeList gives actions and area codes',
    row: row({}, { logisticsId: 'BX1234567890', traceNodeList: [{ action: 'SIGN', areaCode: '330100', acceptTime: '2024-05-19 09:00:00', remark: '已签收' }, { action: 'GOT', areaCode: '440300', acceptTime: '2024-05-18 08:30:00', remark: '已揽收' }], logisticsSteps: steps }),
    expected: [ev(1, '2024-05-18 00:30:00.000', '已揽收', 'GOT', '440300'), ev(2, '2024-05-19 01:00:00.000', '已签收', 'SIGN', '330100')],
  },
  {
    title: 'A trace wrapped in result.logisticsTrace[] is unwrapped',
    row: row({}, { result: { logisticsTrace: [{ logisticsId: 'BX1234567890', logisticsSteps: [steps[0]] }] } }),
    expected: [ev(1, '2024-05-19 01:00:00.000', '【杭州市】快件已签收 ✅')],
  },
  {
    title: 'A trace list is searched for this logistics order',
    row: row({}, { logisticsTrace: [{ logisticsId: 'BX0', logisticsSteps: steps }, { logisticsId: 'BX1234567890', logisticsSteps: [steps[0]] }] }),
    expected: [ev(1, '2024-05-19 01:00:00.000', '【杭州市】快件已签收 ✅')],
  },
  {
    title: 'Step times with an offset are honoured',
    row: row({}, { logisticsSteps: [{ acceptTime: '20240518083000000-0700', remark: 'x' }] }),
    expected: [ev(1, '2024-05-18 15:30:00.000', 'x')],
  },
  {
    title: 'A trace without steps has no events (the key is present, empty)',
    row: row({}, { logisticsId: 'BX1234567890', logisticsSteps: [] }),
    expected: [],
  },
  {
    title: 'An empty blob gives no table at all, so the engine keeps what it has',
    row: row({ logistic_route_datas: '' }),
    expected: 'absent',
  },
];

for (const c of cases) {
  test(c.title, (t) => {
    const out = run(c.row);
    if (c.expected === 'absent') t.deepEqual(out, {});
    else t.deepEqual(out.fct_shipment_event, c.expected);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'A step time that is no time is a DataError naming the step', row: row({}, { logisticsSteps: [steps[0], { acceptTime: '昨天', remark: 'x' }] }), field: 'logistic_route_datas.logisticsSteps[1].acceptTime' },
  { title: 'A step that is text is a DataError', row: row({}, { logisticsSteps: ['已签收'] }), field: 'logistic_route_datas.logisticsSteps[0]' },
  { title: 'A remark longer than 1024 characters is a DataError', row: row({}, { logisticsSteps: [{ acceptTime: '2024-05-18 08:30:00', remark: '长'.repeat(1025) }] }), field: 'logistic_route_datas.logisticsSteps[0].remark' },
  { title: 'A trace for another logistics order is a DataError', row: row({}, { logisticsId: 'BX999', logisticsSteps: steps }), field: 'logistic_route_datas.logisticsId' },
  { title: 'Malformed route JSON is a DataError', row: row({ logistic_route_datas: '{"logisticsSteps":[}' }), field: 'logistic_route_datas' },
  { title: 'A missing logistic_id is a DataError', row: row({ logistic_id: null }), field: 'logistic_id' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformShipmentEvents(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
