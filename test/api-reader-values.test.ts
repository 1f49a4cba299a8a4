// Table tests of the API reader's small pieces: API times to the replica's naive columns, envelope
// members dropped from an answer with every other byte kept, and the derived logistics row dates.
import test from 'ava';
import { rawWithoutMembers } from '../sources/api/raw-json.js';
import { shipmentRow } from '../sources/api/rows.js';
import { formatApiTime, instantOfBlobTime, naiveOfBlobTime, parseApiTime } from '../sources/api/times.js';
import { parseJsonLossless, type JsonObject } from '../transforms/json.js';

const ZONE = 'Asia/Shanghai';

const TIMES: Array<[string, string | null]> = [
  ['20240517093015123+0800', '2024-05-17 09:30:15'],
  ['20240517093015999-0700', '2024-05-18 00:30:15'],
  ['20240517000000000+0000', '2024-05-17 08:00:00'],
  ['2024-05-17 09:30:15', '2024-05-17 09:30:15'],
  ['', null],
  ['20240231093015123+0800', null],
  ['not a time', null],
];

for (const [text, naive] of TIMES) {
  test(`the API time ${JSON.stringify(text)} is ${naive ?? 'no time'} in the source zone`, (t) => {
    t.is(naiveOfBlobTime(text, ZONE), naive);
  });
}

test('window bounds are written at the source zone\'s offset and read back to the millisecond', (t) => {
  const ms = Date.parse('2024-05-17T01:30:15.123Z');
  t.is(formatApiTime(ms, ZONE), '20240517093015123+0800');
  t.is(parseApiTime(formatApiTime(ms, ZONE)), ms);
  t.is(instantOfBlobTime('1715909415123', ZONE), ms);
});

const ENVELOPE = new Set(['RequestId', 'success']);
const BODIES: Array<[string, string]> = [
  ['{"productInfo":{"productID":1},"errMsg":null,"RequestId":"AB-1"}', '{"productInfo":{"productID":1},"errMsg":null}'],
  ['{"success":"true","attributes":[1, 2],"x":240517803316129437}', '{"attributes":[1, 2],"x":240517803316129437}'],
  ['{ "a" : 1 ,\n "b":[ {"RequestId":1} ] }', '{ "a" : 1 ,\n "b":[ {"RequestId":1} ] }'],
  ['{}', '{}'],
];

for (const [input, output] of BODIES) {
  test(`envelope members are dropped from ${JSON.stringify(input.slice(0, 40))}, every other byte kept`, (t) => {
    t.is(rawWithoutMembers(input, ENVELOPE), output);
  });
}

test('an answer that is no object has no envelope to drop: a TypeError', (t) => {
  t.throws(() => rawWithoutMembers('[1,2]', ENVELOPE), { instanceOf: TypeError });
});

const steps = ['2024-05-02 10:00:00', '2024-05-03 10:00:00', '2024-05-04 10:00:00'].map((s) => instantOfBlobTime(s, ZONE)!);
const DATES: Array<[string, number[], string]> = [
  ['WAITACCEPT', steps, '2024-05-01'],
  ['ACCEPT', steps.slice(0, 1), '2024-05-02'],
  ['ACCEPT', [], '2024-05-01'],
  ['TRANSPORT', steps, '2024-05-03'],
  ['SIGN', steps, '2024-05-04'],
  ['UNSIGN', steps.slice(0, 2), '2024-05-03'],
  ['alreadysend', steps, '2024-05-04'],
  ['NOGET', [], '2024-05-01'],
];

for (const [status, s, modified] of DATES) {
  test(`a logistics order ${status} after ${s.length} tracking steps was last modified on ${modified}, and created on the day it was sent`, (t) => {
    const blob = `{"logisticsId":"BX1","logisticsBillNo":"7","status":"${status}","gmtSystemSend":"20240501235959000+0800"}`;
    const row = shipmentRow('240501000000000001', blob, parseJsonLossless(blob) as JsonObject, s, ZONE);
    t.is(row.gmt_create, '2024-05-01');
    t.is(row.gmt_modified, modified);
    t.is(row.logistic_order_datas, blob);
  });
}
