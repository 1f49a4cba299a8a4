// Single-value readers and the status vocabularies: ids, text, integers, booleans, enums, the contract check.
import test from 'ava';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { rowProblems } from '../transforms/contract.js';
import {
  ORDER_STATUSES, productStatusGroup, type StatusGroup, readCurrency, readGoodsStatus, readInvoiceType, readLogisticsStatus, readOrderStatus, readRefundStatus,
} from '../transforms/enums.js';
import { readBool, readId, readIdList, readInt, readText } from '../transforms/values.js';

const ids: Array<[string, unknown, string | null]> = [
  ['An id above 2^53 keeps every digit', '240517803316129437', '240517803316129437'],
  ['The largest signed 64-bit id is accepted', '9223372036854775807', '9223372036854775807'],
  ['Leading zeros are dropped to the canonical form', '000123', '123'],
  ['Zero is an id', '0', '0'],
  ['Blanks around an id are ignored', ' 42 ', '42'],
  ['An empty id is absent', '', null],
  ['A null id is absent', null, null],
];
for (const [title, raw, expected] of ids) {
  test(title, (t) => {
    t.is(readId(raw as never, 'f'), expected);
  });
}

const badIds: Array<[string, unknown]> = [
  ['An id of 2^63 is a DataError', '9223372036854775808'],
  ['An id of 20 digits is a DataError', '12345678901234567890'],
  ['A negative id is a DataError', '-1'],
  ['A decimal id is a DataError', '1.0'],
  ['An id in exponent form (a double printer) is a DataError', '2.4051780331612944E17'],
  ['Letters in an id are a DataError', 'TQ123'],
  ['An object where an id belongs is a DataError', { id: '1' }],
  ['An array where an id belongs is a DataError', ['1']],
  ['A boolean where an id belongs is a DataError', true],
];
for (const [title, raw] of badIds) {
  test(title, (t) => {
    const err = t.throws(() => readId(raw as never, 'order_line_data.subItemIDString'), { instanceOf: DataError });
    t.is(err.field, 'order_line_data.subItemIDString');
    t.true(err.message.startsWith('order_line_data.subItemIDString: expected an id'));
  });
}

test('Comma-separated id lists are split, trimmed and canonical, empties skipped', (t) => {
  t.deepEqual(readIdList('240517803316129437, 2,,003 ', 'f'), ['240517803316129437', '2', '3']);
  t.deepEqual(readIdList(['240517803316129437', '7'], 'f'), ['240517803316129437', '7']);
  t.deepEqual(readIdList('', 'f'), []);
});

test('A bad element in a comma-separated id list is a DataError', (t) => {
  const err = t.throws(() => readIdList('1,x2', 'logistic_order_datas.orderEntryIds'), { instanceOf: DataError });
  t.is(err.field, 'logistic_order_datas.orderEntryIds');
});

const texts: Array<[string, unknown, number, string | null]> = [
  ['Text is trimmed', '  不锈钢保温杯  ', 10, '不锈钢保温杯'],
  ['Blank text is absent', '   ', 10, null],
  ['Emoji count as one character each, as MySQL counts them', '杯😀😀', 3, '杯😀😀'],
  ['A number where text belongs is its exact text', '240517803316129437', 64, '240517803316129437'],
];
for (const [title, raw, max, expected] of texts) {
  test(title, (t) => {
    t.is(readText(raw as never, 'f', max), expected);
  });
}

test('Text longer than its column is a DataError, never cut', (t) => {
  const err = t.throws(() => readText('杯😀😀😀', 'order_line_data.name', 3), { instanceOf: DataError });
  t.is(err.field, 'order_line_data.name');
  t.regex(err.reason, /at most 3 characters, found 4 characters/);
});

test('An object where text belongs is a DataError', (t) => {
  const err = t.throws(() => readText({ a: '1' }, 'invoice_data.invoiceCompanyName', 10), { instanceOf: DataError });
  t.is(err.field, 'invoice_data.invoiceCompanyName');
});

const ints: Array<[string, unknown, number | null]> = [
  ['An integer is read', '12', 12],
  ['A double printed with .0 is an integer', '100.0', 100],
  ['A negative integer is read', '-3', -3],
  ['An empty integer is absent', '', null],
];
for (const [title, raw, expected] of ints) {
  test(title, (t) => {
    t.is(readInt(raw as never, 'f'), expected);
  });
}

test('A fractional number where an integer belongs is a DataError', (t) => {
  const err = t.throws(() => readInt('12.5', 'product_datas.productInfo.saleInfo.minOrderQuantity'), { instanceOf: DataError });
  t.is(err.field, 'product_datas.productInfo.saleInfo.minOrderQuantity');
});

test('An integer beyond 2^53 is a DataError (it is not an id column)', (t) => {
  t.throws(() => readInt('9007199254740993', 'f'), { instanceOf: DataError });
});

const bools: Array<[string, unknown, 0 | 1 | null]> = [
  ['JSON true is 1', true, 1],
  ['JSON false is 0', false, 0],
  ['The text "true" is 1', 'true', 1],
  ['The text "FALSE" is 0', 'FALSE', 0],
  ['Y is 1', 'Y', 1],
  ['N is 0', 'N', 0],
  ['A missing boolean is absent', undefined, null],
];
for (const [title, raw, expected] of bools) {
  test(title, (t) => {
    t.is(readBool(raw as never, 'f'), expected);
  });
}

test('A boolean that is neither true nor false is a DataError', (t) => {
  const err = t.throws(() => readBool('maybe', 'order_refund_data.onlyRefund'), { instanceOf: DataError });
  t.is(err.field, 'order_refund_data.onlyRefund');
});

test('Every order status of the Guide, the API and step orders is accepted', (t) => {
  for (const s of ORDER_STATUSES) t.is(readOrderStatus(s, 'f'), s);
  t.is(ORDER_STATUSES.size, 23);
  t.is(readOrderStatus('WaitSellerSend', 'f'), 'waitsellersend');
});

test('An unknown order status is a DataError', (t) => {
  const err = t.throws(() => readOrderStatus('shipped', 'order_datas.baseInfo.status'), { instanceOf: DataError });
  t.is(err.field, 'order_datas.baseInfo.status');
  t.regex(err.message, /^order_datas\.baseInfo\.status: expected an order status .* found "shipped"$/);
});

const refundStatuses: Array<[string, string]> = [
  ['WAIT_SELLER_AGREE', 'waitselleragree'],
  ['WAIT_BUYER_MODIFY', 'waitbuyermodify'],
  ['WAIT_BUYER_SEND', 'waitbuyersend'],
  ['WAIT_SELLER_RECEIVE', 'waitsellerreceive'],
  ['REFUND_SUCCESS', 'refundsuccess'],
  ['REFUND_CLOSED', 'refundclose'],
  ['refundclose', 'refundclose'],
  ['waitselleragree', 'waitselleragree'],
];
for (const [raw, expected] of refundStatuses) {
  test(`Refund status ${raw} maps to ${expected}`, (t) => {
    t.is(readRefundStatus(raw, 'f'), expected);
  });
}

test('An unknown refund status is a DataError', (t) => {
  const err = t.throws(() => readRefundStatus('REFUND_PENDING', 'order_line_data.refundStatus'), { instanceOf: DataError });
  t.is(err.field, 'order_line_data.refundStatus');
});

test('Invoice types 0, 1 and 9 are plain, vat and unknown; 2 is a DataError', (t) => {
  t.is(readInvoiceType('0', 'f'), 'plain');
  t.is(readInvoiceType('1', 'f'), 'vat');
  t.is(readInvoiceType('9', 'f'), 'unknown');
  t.is(t.throws(() => readInvoiceType('2', 'invoice_type'), { instanceOf: DataError }).field, 'invoice_type');
});

test('Logistics statuses of §5.4 are accepted in any case; others are a DataError', (t) => {
  t.is(readLogisticsStatus('sign', 'f'), 'SIGN');
  for (const s of ['WAITACCEPT', 'CANCEL', 'ACCEPT', 'TRANSPORT', 'NOGET', 'SIGN', 'UNSIGN']) t.is(readLogisticsStatus(s, 'f'), s);
  t.is(t.throws(() => readLogisticsStatus('LOST', 'logistic_order_datas.status'), { instanceOf: DataError }).field, 'logistic_order_datas.status');
});

test('Goods statuses 1, 2, 3 are accepted; 4 is a DataError', (t) => {
  t.is(readGoodsStatus('2', 'f'), 2);
  t.is(t.throws(() => readGoodsStatus('4', 'order_refund_data.goodsStatus'), { instanceOf: DataError }).field, 'order_refund_data.goodsStatus');
});

const groups: Array<[string, StatusGroup]> = [
  ['published', 'active'], ['online', 'active'], ['new', 'active'], ['modified', 'active'], ['approved', 'active'],
  ['auditing', 'pending'], ['untread', 'rejected'], ['FailAudited', 'rejected'],
  ['member expired', 'expired'], ['auto expired', 'expired'], ['expired', 'expired'], ['outdated', 'expired'], ['member_expired', 'expired'],
  ['member deleted', 'deleted'], ['member delete', 'deleted'], ['deleted', 'deleted'], ['delete', 'deleted'], ['TBD', 'deleted'],
  ['something new', 'other'],
];
for (const [status, group] of groups) {
  test(`Product status "${status}" is in the ${group} group`, (t) => {
    t.is(productStatusGroup(status), group);
  });
}

test('RMB is CNY, a missing currency is CNY, and nonsense is a DataError', (t) => {
  t.is(readCurrency('RMB', 'f'), 'CNY');
  t.is(readCurrency(undefined, 'f'), 'CNY');
  t.is(readCurrency('usd', 'f'), 'USD');
  t.is(t.throws(() => readCurrency('yuan', 'order_datas.baseInfo.currency'), { instanceOf: DataError }).field, 'order_datas.baseInfo.currency');
});

test('The contract check finds missing, extra and malformed columns', (t) => {
  const table = FACTS_AND_DIMENSIONS.find((x) => x.name === 'fct_refund_line')!;
  t.deepEqual(rowProblems(table, { refund_id: 'TQ1', order_id: '1', sub_item_id: '2', quantity: '1.0000' }), []);
  t.deepEqual(rowProblems(table, { refund_id: 'TQ1', order_id: 1, sub_item_id: '2', quantity: '1.5', extra: null }), [
    'fct_refund_line.extra: not a column of the table',
    'fct_refund_line.order_id: not an id: 1',
    'fct_refund_line.quantity: not a decimal with 4 decimals: 1.5',
  ]);
});
