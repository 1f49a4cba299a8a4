// The lossless JSON parser and the blob helpers: exact numbers, nasty strings, and no invalid text accepted.
import test from 'ava';
import { parse as losslessParse } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { parseBlob, parseJsonLossless, selectRecord, unwrap, type JsonValue } from '../transforms/json.js';

const reference = (text: string): unknown => losslessParse(text, undefined, (s: string) => s);

const valid: Array<{ title: string; text: string }> = [
  { title: 'An id above 2^53 keeps every digit', text: '{"id":240517803316129440,"idOfStr":"240517803316129437","big":9223372036854775807}' },
  { title: 'Decimals keep their written form, trailing zeros included', text: '{"a":12.30,"b":0.1,"c":-0.0350,"d":0,"e":-0}' },
  { title: 'Exponents are kept as written', text: '[1e5,-1.5E-3,2E+10,0.5e0]' },
  { title: 'Digits inside strings are left alone', text: '{"s":"order 240517803316129437, 12.5 yuan","t":"-1","u":"1e5"}' },
  { title: 'Escaped quotes and backslashes end strings where JSON says', text: '{"a":"say \\"12\\"","b":"C:\\\\","c":3,"d":"\\\\\\"4\\"","e":5}' },
  { title: 'Unicode escapes, surrogate pairs, Chinese and emoji text parse as JSON.parse does', text: '{"zh":"不锈钢保温杯 500ml","esc":"\\u4e2d\\u6587","emoji":"😀","pair":"\\ud83d\\ude00","n":7}' },
  { title: 'Whitespace and newlines around numbers are fine', text: '{\n\t"a" : 1 ,\r\n "b":[ 2 , 3 ]\n}' },
  { title: 'Keys made of digits stay keys', text: '{"240517803316129437":2,"12":"x"}' },
  { title: 'A top-level number comes back as its text', text: '240517803316129437' },
  { title: 'true, false and null stay what they are', text: '{"a":true,"b":false,"c":null,"d":[true,null,1]}' },
  { title: 'Deeply nested arrays and objects', text: '[[[[{"a":[[1.25]]}]]]]' },
];

for (const c of valid) {
  test(c.title, (t) => {
    t.deepEqual(parseJsonLossless(c.text), reference(c.text));
  });
}

test('A __proto__ key becomes an own property, as with JSON.parse', (t) => {
  const v = parseJsonLossless('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>;
  t.deepEqual(Object.keys(v), ['__proto__', 'y']);
  t.is(Object.getPrototypeOf(v), Object.prototype);
});

test('A leading byte-order mark is ignored', (t) => {
  t.deepEqual(parseJsonLossless('\ufeff{"a":1}'), { a: '1' });
});

const invalid: Array<{ title: string; text: string }> = [
  { title: 'A number used as an object key is refused', text: '{1:2}' },
  { title: 'A number used as a later object key is refused', text: '{"a":1, 2 : 3}' },
  { title: 'Two values without a comma are refused', text: '[1 2]' },
  { title: 'Object members without a comma are refused', text: '{"a":1 "b":2}' },
  { title: 'A leading zero is refused', text: '[01]' },
  { title: 'A trailing decimal point is refused', text: '[1.]' },
  { title: 'A leading decimal point is refused', text: '[.5]' },
  { title: 'A lone minus is refused', text: '[-]' },
  { title: 'An exponent without digits is refused', text: '[1e]' },
  { title: 'A plus sign is refused', text: '[+1]' },
  { title: 'Two decimal points are refused', text: '{"a":1.2.3}' },
  { title: 'NaN is refused', text: '{"a":NaN}' },
  { title: 'A trailing comma is refused', text: '[1,]' },
  { title: 'An unterminated string with digits after it is refused', text: '{"a":"x 1}' },
  { title: 'An unterminated string at the end is refused', text: '"abc' },
  { title: 'A misspelt literal is refused', text: '{"a":tru}' },
  { title: 'A bad unicode escape is refused', text: '{"a":"\\u00"}' },
  { title: 'A raw control character inside a string is refused', text: '{"a":"x\u0001y"}' },
  { title: 'Trailing text after the value is refused', text: '{"a":1} x' },
  { title: 'Single quotes are refused', text: "{'a':1}" },
  { title: 'Empty text is refused', text: '' },
];

for (const c of invalid) {
  test(c.title, (t) => {
    t.throws(() => reference(c.text)); // the reference agrees that the text is not JSON
    t.throws(() => parseJsonLossless(c.text), { instanceOf: SyntaxError });
  });
}

const empty: Array<[string, string | null]> = [['NULL', null], ['empty text', ''], ['blanks', '  '], ['the word null', 'null'], ['an empty object', '{}'], ['an empty object with blanks', ' { } '], ['an empty array', '[]']];
for (const [name, text] of empty) {
  test(`A blob that is ${name} carries no data`, (t) => {
    t.is(parseBlob(text, 'order_datas'), undefined);
  });
}

test('A malformed blob is a DataError naming the column and quoting the text', (t) => {
  const err = t.throws(() => parseBlob('{"baseInfo":{"id":12', 'order_datas'), { instanceOf: DataError });
  t.is(err.field, 'order_datas');
  t.true(err.message.startsWith('order_datas: expected valid JSON, found malformed text "{\\"baseInfo\\"'));
});

test('A double-encoded blob (a JSON string holding the object) is decoded once more', (t) => {
  t.deepEqual(parseBlob('"{\\"a\\":240517803316129437}"', 'x'), { a: '240517803316129437' });
});

const wrapped: Array<{ title: string; value: JsonValue; expected: JsonValue }> = [
  { title: 'A result wrapper is removed', value: { result: { a: '1' } }, expected: { a: '1' } },
  { title: 'A one-element array is removed', value: [{ a: '1' }], expected: { a: '1' } },
  { title: 'A result holding a one-element array is removed', value: { result: [{ a: '1' }], success: true }, expected: { a: '1' } },
  { title: 'A result holding a scalar is not a wrapper', value: { result: 'true', a: '1' }, expected: { result: 'true', a: '1' } },
  { title: 'A longer array is kept', value: [{ a: '1' }, { a: '2' }], expected: [{ a: '1' }, { a: '2' }] },
];
for (const c of wrapped) {
  test(c.title, (t) => {
    t.deepEqual(unwrap(c.value, ['result']), c.expected);
  });
}

test('selectRecord picks the one matching record of an array', (t) => {
  const v: JsonValue = [{ id: '1' }, { id: '2' }];
  t.deepEqual(selectRecord(v, 'f', 'record 2', (o) => o.id === '2'), { id: '2' });
});

test('selectRecord refuses an array where no record matches', (t) => {
  const err = t.throws(() => selectRecord([{ id: '1' }, { id: '2' }], 'order_refund_data', 'refund TQ3', (o) => o.id === '3'), { instanceOf: DataError });
  t.is(err.field, 'order_refund_data');
  t.regex(err.message, /^order_refund_data: expected exactly one refund TQ3 among the 2 records, found 0/);
});

test('selectRecord refuses a scalar where a record belongs', (t) => {
  const err = t.throws(() => selectRecord('abc', 'invoice_data', 'invoice', () => true), { instanceOf: DataError });
  t.is(err.field, 'invoice_data');
});
