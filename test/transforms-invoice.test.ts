// transformInvoice: one ali1688_invoice row (+ invoice_data) -> one fct_invoice row.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformInvoice } from '../transforms/invoice.js';
import type { SourceRow, TransformContext, WarehouseRow } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };

const invoiceData = {
  orderId: n('240517803316129440'), // a Long without string twin: the column is used
  localInvoiceId: n('88001'),
  invoiceType: n('1'),
  invoiceCompanyName: '杭州某某贸易有限公司',
  taxpayerIdentify: '91330100MA2XXXXX0X',
  registerAddress: '杭州市',
  receiveName: '张三',
  amount: n('615'),
  status: 'issued',
};

function row(over: Partial<SourceRow> = {}, blob: unknown = invoiceData): SourceRow {
  return {
    order_id: '240517803316129437',
    invoice_type: '1',
    local_invoice_id: '88001',
    invoice_data: stringify(blob)!,
    parent_create_time: '2024-05-17 09:30:15',
    parent_modify_time: '2024-05-17 10:00:00',
    ...over,
  };
}

function invoice(r: SourceRow): WarehouseRow {
  const out = transformInvoice(r, ctx);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out.fct_invoice![0]!;
}

test('A VAT invoice gets its title, taxpayer id, amount in yuan and status', (t) => {
  t.deepEqual(invoice(row()), {
    order_id: '240517803316129437',
    local_invoice_id: '88001',
    invoice_type: 'vat',
    invoice_title: '杭州某某贸易有限公司',
    taxpayer_id: '91330100MA2XXXXX0X',
    amount: '6.15',
    invoice_status: 'ISSUED',
    is_personal_title: 0,
  });
});

const cases: Array<{ title: string; row: SourceRow; expect: WarehouseRow }> = [
  { title: 'The order id comes from the column, never from the rounded Long in the blob', row: row(), expect: { order_id: '240517803316129437' } },
  { title: 'An empty blob still gives the invoice from its columns', row: row({ invoice_type: '0', invoice_data: '' }), expect: { invoice_type: 'plain', invoice_title: null, amount: null, invoice_status: null } },
  { title: "A '{}' blob gives the invoice from its columns", row: row({ invoice_data: '{}' }), expect: { invoice_type: 'vat', taxpayer_id: null } },
  { title: 'Invoice type 9 is unknown', row: row({}, { ...invoiceData, invoiceType: '9' }), expect: { invoice_type: 'unknown' } },
  { title: 'The type column stands in when the blob has none', row: row({ invoice_type: '0' }, { ...invoiceData, invoiceType: undefined }), expect: { invoice_type: 'plain' } },
  { title: 'An amount of 123456789012 fen is exactly 1234567890.12 yuan', row: row({}, { ...invoiceData, amount: n('123456789012') }), expect: { amount: '1234567890.12' } },
  { title: 'An amount of 1 fen is 0.01 yuan', row: row({}, { ...invoiceData, amount: '1' }), expect: { amount: '0.01' } },
  { title: 'An invoice wrapped in result is unwrapped', row: row({}, { result: invoiceData }), expect: { invoice_title: '杭州某某贸易有限公司' } },
  { title: 'A list of invoices is searched for this invoice number', row: row({}, [{ ...invoiceData, localInvoiceId: '1', amount: '1' }, invoiceData]), expect: { amount: '6.15' } },
];

for (const c of cases) {
  test(c.title, (t) => {
    const got = invoice(c.row);
    for (const [k, v] of Object.entries(c.expect)) t.is(got[k], v, k);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'Invoice type 2 is a DataError', row: row({}, { ...invoiceData, invoiceType: n('2') }), field: 'invoice_data.invoiceType' },
  { title: 'An invoice type column of 5 with an empty blob is a DataError', row: row({ invoice_type: '5', invoice_data: '' }), field: 'invoice_type' },
  { title: 'A fractional amount in fen is a DataError', row: row({}, { ...invoiceData, amount: n('61.5') }), field: 'invoice_data.amount' },
  { title: 'Malformed invoice JSON is a DataError', row: row({ invoice_data: '{"amount":}' }), field: 'invoice_data' },
  { title: 'A missing order id is a DataError', row: row({ order_id: null }), field: 'order_id' },
  { title: 'A missing invoice number is a DataError', row: row({ local_invoice_id: null, invoice_data: '' }), field: 'local_invoice_id' },
  { title: 'A taxpayer id longer than 64 characters is a DataError', row: row({}, { ...invoiceData, taxpayerIdentify: '9'.repeat(65) }), field: 'invoice_data.taxpayerIdentify' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformInvoice(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
  });
}
