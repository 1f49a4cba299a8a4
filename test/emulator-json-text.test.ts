// The emulator's text-level JSON and time helpers on nasty inputs: escaped quotes and backslashes, nested
// values, whitespace, exact numbers, the refund wrappers, API times at any offset, and DST folds.
import test from 'ava';
import { ZoneClock } from '../sources/synthetic/clock.js';
import { refundModel } from '../sources/synthetic/emulator/handlers/refunds.js';
import { listItem } from '../sources/synthetic/emulator/handlers/trade.js';
import { appendMember, arrayElements, memberString, memberText, objectMembers, rebuildObject } from '../sources/synthetic/emulator/json-text.js';
import { naiveInstant, naiveInterval, parseApiTime } from '../sources/synthetic/emulator/times.js';

const NASTY = '{ "a\\"b" : "x\\\\", "n":240517803316129437 ,"d":1.50,"s":"q\\"}{][","o":{"k":[1,{"z":"]"}]},"e":[] , "t":true,"u":null }';

test('members are found with their exact value texts, escaped quotes and brackets inside strings included', (t) => {
  const ms = objectMembers(NASTY);
  t.deepEqual(ms.map((m) => m.key), ['a"b', 'n', 'd', 's', 'o', 'e', 't', 'u']);
  const raw = Object.fromEntries(ms.map((m) => [m.key, NASTY.slice(m.valueStart, m.valueEnd)]));
  t.deepEqual(raw, { 'a"b': '"x\\\\"', n: '240517803316129437', d: '1.50', s: '"q\\"}{]["', o: '{"k":[1,{"z":"]"}]}', e: '[]', t: 'true', u: 'null' });
  t.is(memberString(NASTY, 's'), 'q"}{][');
  t.is(memberText(NASTY, 'missing'), undefined);
  t.deepEqual(arrayElements(' [ 1 , "a,]" ,[2,3],{} ] ').length, 4);
});

test('a rebuilt object keeps every kept value byte for byte', (t) => {
  // A kept member keeps its own text, key to value; the whitespace between members goes.
  t.is(rebuildObject(NASTY, { omit: new Set(['s', 'o']) }), '{"a\\"b" : "x\\\\","n":240517803316129437,"d":1.50,"e":[],"t":true,"u":null}');
  t.is(rebuildObject('{"x":{"y":1,"z":2}}', { replace: new Map([['x', (r: string) => rebuildObject(r, { omit: new Set(['y']) })]]) }), '{"x":{"z":2}}');
  t.is(appendMember('{"a":1}', 'b', '"2"'), '{"a":1,"b":"2"}');
  t.is(appendMember('{}', 'b', 'true'), '{"b":true}');
});

test('malformed JSON is refused, not guessed', (t) => {
  for (const bad of ['{"a":1', '{"a" 1}', '{"a":"x}', '{a:1}', '[1,2', '{"a":1,}']) t.throws(() => objectMembers(bad.startsWith('[') ? `{"x":${bad}}` : bad), undefined, bad);
});

test('refund models come out of every replica wrapper with their exact text', (t) => {
  const model = '{"id":1000123456789012,"refundId":"TQ1000123456789012","refundPayment":1230,"orderEntryIdList":[240517803316129437]}';
  for (const blob of [model, `{"result":${model}}`, `{"opOrderRefundModelDetail":${model}}`, `{"opOrderRefundModelDetail":[${model}]}`, ` {"result": {"opOrderRefundModelDetail": [${model}]}} `]) {
    t.is(refundModel(blob), model, blob);
  }
});

test('a list item drops logisticsItems and orderInvoiceInfo only', (t) => {
  const blob = '{"baseInfo":{"id":240517803316129440,"idOfStr":"240517803316129437"},"nativeLogistics":{"zip":"310000","logisticsItems":[{"id":1}]},"tradeTerms":[{"phase":892970967186389557}],"orderInvoiceInfo":{"orderId":240517803316129437}}';
  t.is(listItem(blob), '{"baseInfo":{"id":240517803316129440,"idOfStr":"240517803316129437"},"nativeLogistics":{"zip":"310000"},"tradeTerms":[{"phase":892970967186389557}]}');
});

test('API times are read at any offset and anything else is refused', (t) => {
  t.is(parseApiTime('20240517093015123-0700'), Date.parse('2024-05-17T16:30:15.123Z'));
  t.is(parseApiTime('20240517093015123+0800'), Date.parse('2024-05-17T01:30:15.123Z'));
  t.is(parseApiTime('20240229000000000+0000'), Date.parse('2024-02-29T00:00:00.000Z'));
  for (const bad of ['20230229000000000+0000', '20240431000000000+0800', '20240517243015123+0800', '20240517093015123+08', '2024-05-17 09:30:15', '20240517093015+0800', '20240517093015123+1500', '']) {
    t.is(parseApiTime(bad), null, bad);
  }
});

test('a naive time repeated by a DST fall-back stands for both instants', (t) => {
  const ny = new ZoneClock('America/New_York');
  // 2024-11-03 01:30 happened twice in New York: at 05:30Z (EDT) and 06:30Z (EST).
  const iv = naiveInterval(ny, '2024-11-03 01:30:00');
  t.is(iv.lo, Date.parse('2024-11-03T05:30:00Z'));
  t.is(iv.hi, Date.parse('2024-11-03T06:30:00.999Z'));
  t.is(naiveInstant(ny, '2024-11-03 01:30:00'), Date.parse('2024-11-03T05:30:00Z'));
  const sh = new ZoneClock('Asia/Shanghai');
  t.deepEqual(naiveInterval(sh, '2024-05-17 09:30:15'), { lo: Date.parse('2024-05-17T01:30:15Z'), hi: Date.parse('2024-05-17T01:30:15.999Z') });
});
