// Exact spans of API answers, table-driven over nasty input: escapes, unicode, nesting, white space,
// big numbers, keys that appear inside strings, duplicate keys.
import test from 'ava';
import { parseJsonLossless } from '../transforms/json.js';
import { describePath, rawArrayItems, rawValueAt, rawWithoutMembers, type JsonPath } from '../sources/api/raw-json.js';

const BIG = '240517803316129437';

const VALUES: Array<{ title: string; text: string; path: JsonPath; want: string | undefined }> = [
  { title: 'the whole value, white space trimmed', text: ' \n {"a":1}\t ', path: [], want: '{"a":1}' },
  { title: 'an id above 2^53, digit for digit', text: `{"result":{"id":${BIG},"idOfStr":"${BIG}"}}`, path: ['result', 'id'], want: BIG },
  { title: 'a decimal with its trailing zero', text: '{"totalAmount":12.30}', path: ['totalAmount'], want: '12.30' },
  { title: 'an exponent as written', text: '{"x":-1.5E+3}', path: ['x'], want: '-1.5E+3' },
  { title: 'an object with its inner spacing', text: '{"result" :  { "a" : [ 1 , 2 ] ,"b":null }  }', path: ['result'], want: '{ "a" : [ 1 , 2 ] ,"b":null }' },
  { title: 'an element of an array', text: '{"result":{"productItems":[{"n":1},{"n":2},{"n":3}]}}', path: ['result', 'productItems', 2], want: '{"n":3}' },
  { title: 'nested arrays', text: '[[1,[2,[3,4]]],[5]]', path: [0, 1, 1, 0], want: '3' },
  { title: 'a key that appears inside an earlier string', text: '{"note":"\\"result\\":{\\"fake\\":1}","result":{"real":true}}', path: ['result'], want: '{"real":true}' },
  { title: 'a key that appears as a string value', text: '{"a":"result","result":"yes"}', path: ['result'], want: '"yes"' },
  { title: 'a string with escapes and an escaped backslash before the quote', text: '{"s":"a\\\\","t":"\\"q\\" \\u4e2d\\n"}', path: ['t'], want: '"\\"q\\" \\u4e2d\\n"' },
  { title: 'a string ending in an escaped backslash', text: '{"s":"c:\\\\dir\\\\","n":7}', path: ['s'], want: '"c:\\\\dir\\\\"' },
  { title: 'Chinese text and an emoji byte for byte', text: '{"name":"五金、工具 > 电动扳手 🔧"}', path: ['name'], want: '"五金、工具 > 电动扳手 🔧"' },
  { title: 'a key written with a unicode escape', text: '{"\\u0072esult":{"id":1}}', path: ['result'], want: '{"id":1}' },
  { title: 'a duplicate key: the last one, as JSON.parse', text: '{"result":1,"result":2}', path: ['result'], want: '2' },
  { title: 'true, false and null', text: '{"a":true,"b":false,"c":null}', path: ['c'], want: 'null' },
  { title: 'an empty object and an empty array', text: '{"o":{},"a":[]}', path: ['a'], want: '[]' },
  { title: 'a leading byte order mark', text: '\ufeff{"a":"b"}', path: ['a'], want: '"b"' },
  { title: 'a missing key', text: '{"a":1}', path: ['b'], want: undefined },
  { title: 'an index past the end', text: '{"a":[1,2]}', path: ['a', 2], want: undefined },
  { title: 'a key into an array', text: '{"a":[1,2]}', path: ['a', 'x'], want: undefined },
  { title: 'an index into an object', text: '{"a":{"0":1}}', path: ['a', 0], want: undefined },
  { title: 'a key into a string', text: '{"a":"{\\"b\\":1}"}', path: ['a', 'b'], want: undefined },
  { title: 'a negative index', text: '[1]', path: [-1], want: undefined },
];

for (const c of VALUES) {
  test(`rawValueAt finds ${c.title}`, (t) => {
    t.is(rawValueAt(c.text, c.path), c.want);
  });
}

test('every span rawValueAt returns parses to the same value as the path in the lossless parse', (t) => {
  const text = `{"success":true,"result":[{"baseInfo":{"id":${BIG},"buyerMemo":"说\\"明\\"\\\\","sum":0.10},"productItems":[{"skuInfos":[{"name":"颜色","value":"红"}],"quantity":1.5}]}],"totalRecord":1}`;
  const whole = parseJsonLossless(text);
  const paths: JsonPath[] = [['result'], ['result', 0, 'baseInfo'], ['result', 0, 'baseInfo', 'buyerMemo'], ['result', 0, 'productItems', 0, 'skuInfos', 0], ['totalRecord']];
  for (const p of paths) {
    let want: unknown = whole;
    for (const step of p) want = (want as Record<string | number, unknown>)[step];
    t.deepEqual(parseJsonLossless(rawValueAt(text, p)!), want, describePath(p));
  }
});

const ITEMS: Array<{ title: string; text: string; path: JsonPath; want: string[] | undefined }> = [
  { title: 'objects with inner white space', text: '{"r":[ {"a": 1} ,\n {"b":[2, 3]} ]}', path: ['r'], want: ['{"a": 1}', '{"b":[2, 3]}'] },
  { title: 'big ids', text: `[${BIG},${BIG}9]`, path: [], want: [BIG, `${BIG}9`] },
  { title: 'strings containing brackets and commas', text: '["a,]b","[c]\\"",""]', path: [], want: ['"a,]b"', '"[c]\\""', '""'] },
  { title: 'an empty array', text: '{"r":[ ]}', path: ['r'], want: [] },
  { title: 'null (no items)', text: '{"r":null}', path: ['r'], want: undefined },
  { title: 'a missing key', text: '{"x":[]}', path: ['r'], want: undefined },
];

for (const c of ITEMS) {
  test(`rawArrayItems splits ${c.title}`, (t) => {
    t.deepEqual(rawArrayItems(c.text, c.path), c.want);
  });
}

test('rawArrayItems on an object says what it found at which path', (t) => {
  t.throws(() => rawArrayItems('{"result":{"a":1}}', ['result']), { instanceOf: TypeError, message: 'expected an array at $.result, found an object' });
});

const MALFORMED = ['{"a":1', '{"a":"x}', '{"a":1,}', '{"a" 1}', '[1 2]', '{"a":1} x', '{"a":tru}', '{"a":01}', ''];

for (const text of MALFORMED) {
  test(`malformed text ${JSON.stringify(text)} is a SyntaxError, never a span`, (t) => {
    t.throws(() => rawValueAt(text, ['a']), { instanceOf: SyntaxError });
  });
}

const WITHOUT: Array<{ title: string; text: string; want: string }> = [
  { title: 'a last member, with the comma before it', text: `{"id":${BIG},"name":"五金","children":[{"id":2,"children":[]}]}`, want: `{"id":${BIG},"name":"五金"}` },
  { title: 'a first member, with the comma after it', text: '{ "children" : [] , "id":1 }', want: '{ "id":1 }' },
  { title: 'a middle member, spacing elsewhere kept', text: '{"a":1,\n  "children":[{"x":"}"}],\n  "b":2}', want: '{"a":1,\n  "b":2}' },
  { title: 'the only member', text: '{"children":[1]}', want: '{}' },
  { title: 'no such member: the text unchanged', text: '{"a":"children"}', want: '{"a":"children"}' },
  { title: 'repeated members, first and later', text: '{"children":1,"children":2,"a":3,"children":4}', want: '{"a":3}' },
  { title: 'a key written with a unicode escape', text: '{"a":1,"\\u0063hildren":[]}', want: '{"a":1}' },
  { title: 'a nested member of the same name stays', text: '{"a":{"children":[]},"children":[]}', want: '{"a":{"children":[]}}' },
];

for (const c of WITHOUT) {
  test(`rawWithoutMembers cuts ${c.title}`, (t) => {
    t.is(rawWithoutMembers(c.text, new Set(['children'])), c.want);
    // What is left is the same object less the member, as a parse sees it.
    const rest = parseJsonLossless(c.text) as Record<string, unknown>;
    delete rest.children;
    t.deepEqual(parseJsonLossless(rawWithoutMembers(c.text, new Set(['children']))), rest);
  });
}

test('rawWithoutMembers refuses an array and malformed text', (t) => {
  t.throws(() => rawWithoutMembers('[1]', new Set(['children'])), { instanceOf: TypeError, message: 'expected an object, found an array' });
  t.throws(() => rawWithoutMembers('{"children":[}', new Set(['children'])), { instanceOf: SyntaxError });
});

test('a path is described for messages in JSONPath style', (t) => {
  t.is(describePath(['result', 'productItems', 2, 'a-b']), '$.result.productItems[2]["a-b"]');
});
