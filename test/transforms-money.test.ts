// Exact decimals: scaled integers from text, fen to yuan, the one explicit rounding, and refusals.
import test from 'ava';
import { DataError } from '../lib/errors.js';
import { PRICE, QTY, YUAN, YUAN3, fenToYuan, formatScaled, readDecimal, readScaled, roundHalfUp } from '../transforms/money.js';

const decimals: Array<{ title: string; raw: string | null | undefined; scale: number; expected: string | null }> = [
  { title: 'A yuan amount gets exactly two decimals', raw: '12.3', scale: YUAN, expected: '12.30' },
  { title: 'A whole number gets its decimals written out', raw: '7', scale: YUAN, expected: '7.00' },
  { title: 'A sub-fen unit price keeps four decimals', raw: '0.035', scale: PRICE, expected: '0.0350' },
  { title: 'Trailing zeros beyond the scale are not rounding and are accepted', raw: '12.300000', scale: YUAN, expected: '12.30' },
  { title: 'A three-decimal refund keeps its three decimals', raw: '1.005', scale: YUAN3, expected: '1.005' },
  { title: 'An exponent moves the point exactly', raw: '1.5E2', scale: YUAN, expected: '150.00' },
  { title: 'A negative exponent within the scale is exact', raw: '25e-4', scale: PRICE, expected: '0.0025' },
  { title: 'A zero with a huge negative exponent is zero', raw: '0e-30', scale: QTY, expected: '0.0000' },
  { title: 'A negative amount keeps its sign, below one yuan too', raw: '-0.05', scale: YUAN, expected: '-0.05' },
  { title: 'Minus zero is zero', raw: '-0', scale: YUAN, expected: '0.00' },
  { title: 'A fractional quantity keeps its decimals', raw: '2.5', scale: QTY, expected: '2.5000' },
  { title: 'The largest DECIMAL(18,2) value fits', raw: '9999999999999999.99', scale: YUAN, expected: '9999999999999999.99' },
  { title: 'An amount written by a double printer with 17 digits fits when its decimals do', raw: '12345678901234.5', scale: YUAN, expected: '12345678901234.50' },
  { title: 'Blanks around column text are ignored', raw: ' 12.5 ', scale: YUAN, expected: '12.50' },
  { title: 'Empty text is absent', raw: '', scale: YUAN, expected: null },
  { title: 'NULL is absent', raw: null, scale: YUAN, expected: null },
  { title: 'A missing key is absent', raw: undefined, scale: YUAN, expected: null },
];
for (const c of decimals) {
  test(c.title, (t) => {
    t.is(readDecimal(c.raw, 'f', c.scale), c.expected);
  });
}

const refused: Array<{ title: string; raw: unknown; scale: number; says: RegExp }> = [
  { title: 'A third decimal in a yuan amount is a DataError, never rounded', raw: '12.305', scale: YUAN, says: /with at most 2 decimals, found "12.305"/ },
  { title: 'A double artefact such as 0.30000000000000004 is a DataError', raw: '0.30000000000000004', scale: PRICE, says: /at most 4 decimals/ },
  { title: 'A tiny exponent beyond the scale is a DataError', raw: '1e-7', scale: PRICE, says: /at most 4 decimals/ },
  { title: 'Text that is not a number is a DataError', raw: 'abc', scale: YUAN, says: /found "abc"/ },
  { title: 'A thousands separator is a DataError', raw: '1,234.00', scale: YUAN, says: /found "1,234.00"/ },
  { title: 'A value over 18 digits is a DataError', raw: '12345678901234567', scale: YUAN, says: /at most 18 digits/ },
  { title: 'A huge exponent is a DataError', raw: '1e400', scale: YUAN, says: /at most 18 digits/ },
  { title: 'A boolean where an amount belongs is a DataError', raw: true, scale: YUAN, says: /found true/ },
  { title: 'An object where an amount belongs is a DataError', raw: { v: '1' }, scale: YUAN, says: /found an object/ },
];
for (const c of refused) {
  test(c.title, (t) => {
    const err = t.throws(() => readScaled(c.raw as never, 'order_datas.baseInfo.totalAmount', c.scale), { instanceOf: DataError });
    t.is(err.field, 'order_datas.baseInfo.totalAmount');
    t.true(err.message.startsWith('order_datas.baseInfo.totalAmount: expected '));
    t.regex(err.reason, c.says);
  });
}

const fen: Array<[string, string]> = [
  ['1', '0.01'],
  ['10', '0.10'],
  ['615', '6.15'],
  ['100', '1.00'],
  ['0', '0.00'],
  ['-1', '-0.01'],
  ['-615', '-6.15'],
  ['123456789012', '1234567890.12'],
  ['615.0', '6.15'],
];
for (const [raw, expected] of fen) {
  test(`${raw} fen is exactly ${expected} yuan`, (t) => {
    t.is(fenToYuan(raw, 'f'), expected);
  });
}

test('Half a fen is a DataError: fen are whole', (t) => {
  const err = t.throws(() => fenToYuan('615.5', 'order_refund_data.refundPayment'), { instanceOf: DataError });
  t.is(err.field, 'order_refund_data.refundPayment');
  t.regex(err.reason, /whole number of fen/);
});

const rounding: Array<[string, bigint, number, number, bigint]> = [
  ['12.345 rounds up to 12.35', 12345n, 3, 2, 1235n],
  ['12.344 rounds down to 12.34', 12344n, 3, 2, 1234n],
  ['-12.345 rounds away from zero to -12.35', -12345n, 3, 2, -1235n],
  ['0.005 rounds up to 0.01', 5n, 3, 2, 1n],
  ['0.00499999 rounds down to 0.00', 499999n, 8, 2, 0n],
  ['A value already at the scale is unchanged', 1230n, 2, 2, 1230n],
];
for (const [title, v, from, to, expected] of rounding) {
  test(`Half-up rounding: ${title}`, (t) => {
    t.is(roundHalfUp(v, from, to), expected);
  });
}

test('Scaled integers format with exactly the scale, small and negative values padded', (t) => {
  t.is(formatScaled(5n, 4), '0.0005');
  t.is(formatScaled(-5n, 2), '-0.05');
  t.is(formatScaled(123n, 0), '123');
  t.is(formatScaled(0n, 3), '0.000');
});

test('Adding 0.1 and 0.2 as scaled integers gives exactly 0.30', (t) => {
  t.is(formatScaled(readScaled('0.1', 'a', YUAN)! + readScaled('0.2', 'b', YUAN)!, YUAN), '0.30');
});
