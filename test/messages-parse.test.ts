// The message parser, table-driven: envelopes and bare payloads, ids above 2^53, naive msgSendTime in
// the source zone, comma lists, orderLogsItems as object or array, and every way a message is refused.
import test from 'ava';
import { entityKey, parseMessage, type HubMessage } from '../sources/messages/parse.js';
import { TAGS, TOPICS } from '../sources/messages/topics.js';

const ZONE = 'Asia/Shanghai';
const ok = (topic: string | null, tag: string | null, body: string): HubMessage => {
  const r = parseMessage({ topic, tag, body }, ZONE);
  if (!r.ok) throw new Error(`expected a message, got: ${r.reason}`);
  return r.message;
};
const reason = (topic: string | null, tag: string | null, body: string): string => {
  const r = parseMessage({ topic, tag, body }, ZONE);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.message)}`);
  return r.reason;
};

test('the documented envelope keeps its 18-digit order id exact and names the order scope', (t) => {
  const m = ok(null, null, '{"msgId":90311245,"gmtBorn":1715938215123,"type":"ORDER_ORDER_SUCCESS","userInfo":"b2b-2200114455a1b2","data":{"orderId":240517803316129437,"currentStatus":"success","msgSendTime":"2024-05-17 17:30:15"}}');
  t.is(m.topic, TOPICS.order);
  t.is(m.tag, 'ORDER_ORDER_SUCCESS');
  t.is(m.msgId, '90311245');
  t.is(m.dedupKey, 'id:90311245');
  t.is(m.bornAtMs, 1715938215123);
  t.true(m.wrapped);
  t.is(m.sentAt, '2024-05-17 17:30:15');
  t.is(m.status, 'success');
  t.deepEqual(m.targets, [{ scope: 'order', id: '240517803316129437' }]);
  t.is(entityKey(m.targets[0]!), 'order:240517803316129437');
});

test('a bare payload takes its topic and tag from the AMQP exchange and routing key, and its key from a hash', (t) => {
  const body = '{"orderId":240517803316129437,"currentStatus":"waitbuyerpay","msgSendTime":" 2024-05-17 09:00:01 ","buyerMemberId":"b2b-1"}';
  const m = ok(TOPICS.order, 'ORDER_BUYER_MAKE', body);
  t.false(m.wrapped);
  t.is(m.msgId, null);
  t.regex(m.dedupKey, /^h:[0-9a-f]{40}$/);
  t.is(m.sentAt, '2024-05-17 09:00:01', 'spaces trimmed');
  t.is(ok(TOPICS.order, 'ORDER_BUYER_MAKE', body).dedupKey, m.dedupKey, 'the same delivery twice has the same key');
  t.not(ok(TOPICS.order, 'ORDER_ORDER_SUCCESS', body).dedupKey, m.dedupKey, 'another tag is another message');
});

test('refund tags name the refund scope; the refund id is TQ plus digits whichever way it came', (t) => {
  for (const [raw, tag] of [['"TQ1234567890123"', 'ORDER_ORDER_BUYER_REFUND_IN_SALES'], ['1234567890123', 'ORDER_ORDER_REFUND_AFTER_SALES'], ['"1234567890123"', 'ORDER_ORDER_REFUND_AFTER_SALES']] as const) {
    const m = ok(TOPICS.order, tag, `{"orderId":240517803316129437,"currentStatus":"refundsuccess","msgSendTime":"2024-05-17 10:00:00","refundAction":"SELLER_AGREE_REFUND_PROCOTOL","operator":"seller","refundId":${raw}}`);
    t.deepEqual(m.targets, [{ scope: 'refund', id: '240517803316129437' }]);
    t.is(m.refundId, 'TQ1234567890123');
    t.is(m.refundAction, 'SELLER_AGREE_REFUND_PROCOTOL', 'kept raw, typo and all');
    t.is(m.operator, 'seller');
    t.is(m.status, 'refundsuccess');
  }
});

test('a logistics status change has no tag: its model names the topic; orderLogsItems may be an object or an array', (t) => {
  const one = ok(null, null, '{"msgId":5,"gmtBorn":1715938215123,"type":"","data":{"OrderLogisticsTracingModel":{"logisticsId":"LP001","cpCode":"YTO","mailNo":"YT123","statusChanged":"SIGN","changeTime":"","orderLogsItems":{"orderId":240517803316129437,"orderEntryId":240517803316129438}}}}');
  t.is(one.topic, TOPICS.logistics);
  t.is(one.tag, '');
  t.is(one.sentAt, null, 'changeTime "" is absent');
  t.is(one.status, 'SIGN');
  t.is(one.logisticsId, 'LP001');
  t.deepEqual(one.targets, [{ scope: 'logistics', id: '240517803316129437' }]);
  const many = ok(TOPICS.logistics, 'LOGISTICS_MAIL_NO_CHANGE', '{"MailNoChangeModel":{"logisticsId":"LP002","oldCpCode":"YTO","newCpCode":"ZTO","oldMailNo":"1","newMailNo":"2","eventTime":"2024-05-18 08:00:00","orderLogsItems":[{"orderId":240517803316129437},{"orderId":"240517803316129439"},{"orderId":240517803316129437}]}}');
  t.deepEqual(many.targets.map((x) => x.id), ['240517803316129437', '240517803316129439']);
  t.is(many.sentAt, '2024-05-18 08:00:00');
});

test('productIds may be a comma list; delete and expire say the product is gone', (t) => {
  const m = ok(TOPICS.product, 'PRODUCT_PRODUCT_NEW_OR_MODIFY', '{"productIds":"601234567890,601234567891,","memberId":"b2b-1","status":"RELATION_VIEW_PRODUCT_NEW_OR_MODIFY","msgSendTime":"2024-05-17 10:00:00"}');
  t.deepEqual(m.targets, [{ scope: 'product', id: '601234567890' }, { scope: 'product', id: '601234567891' }]);
  const del = ok(TOPICS.product, 'PRODUCT_PRODUCT_DELETE', '{"productIds":"601234567890","status":"PRODUCT_DELETE","msgSendTime":"2024-05-17 10:00:00"}');
  t.deepEqual(del.targets, [{ scope: 'product', id: '601234567890', gone: 'deleted' }]);
  const exp = ok(null, null, envelopeOf('PRODUCT_PRODUCT_EXPIRE', '{"productIds":601234567890,"status":"PRODUCT_EXPIRE","msgSendTime":"2024-05-17 10:00:00"}'));
  t.deepEqual(exp.targets, [{ scope: 'product', id: '601234567890', gone: 'expired' }]);
});

test('every tag of the Guide parses, with the scope its topic gives', (t) => {
  const scopes = new Set<string>();
  for (const [topic, tags] of Object.entries(TAGS)) {
    for (const tag of tags) {
      const body = topic === TOPICS.order
        ? '{"orderId":240517803316129437,"currentStatus":"success","msgSendTime":"2024-05-17 10:00:00","refundId":"TQ1"}'
        : topic === TOPICS.product
          ? '{"productIds":"601234567890","msgSendTime":"2024-05-17 10:00:00"}'
          : '{"OrderLogisticsTracingModel":{"logisticsId":"L1","orderLogsItems":[{"orderId":240517803316129437}]}}';
      const m = ok(topic, tag, body);
      t.is(m.topic as string, topic);
      scopes.add(m.targets[0]!.scope);
    }
  }
  t.deepEqual([...scopes].sort(), ['logistics', 'order', 'product', 'refund']);
});

test('msgSendTime is a naive time in the source zone; a 1688 time with an offset is moved into it', (t) => {
  const at = (v: string) => ok(TOPICS.order, 'ORDER_ORDER_SUCCESS', `{"orderId":1,"msgSendTime":"${v}"}`).sentAt;
  t.is(at('2024-05-17 17:30:15'), '2024-05-17 17:30:15');
  t.is(at('20240517093015123-0700'), '2024-05-18 00:30:15', '16:30:15Z is 00:30:15 in Shanghai');
  const ny = parseMessage({ topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: '{"orderId":1,"msgSendTime":"2024-03-10 02:30:00"}' }, 'America/New_York');
  t.false(ny.ok, 'a wall time the zone skips is refused');
});

test('messages that cannot be refreshed are refused with the field named', (t) => {
  const cases: Array<[string | null, string | null, string, RegExp]> = [
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '', /body is empty/],
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '{"orderId":240517803316129437,', /not JSON/],
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '[1,2]', /expected a JSON object/],
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '{"currentStatus":"success","msgSendTime":"2024-05-17 10:00:00"}', /orderId: expected an id/],
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '{"orderId":2.4051780331612944e17,"msgSendTime":"2024-05-17 10:00:00"}', /orderId: expected an id of 1 to 19 digits, found "2.4051780331612944e17"/],
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '{"orderId":-5,"msgSendTime":"2024-05-17 10:00:00"}', /orderId/],
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '{"orderId":1}', /msgSendTime: missing/],
    [TOPICS.order, 'ORDER_ORDER_SUCCESS', '{"orderId":1,"msgSendTime":"17/05/2024"}', /msgSendTime: "17\/05\/2024" is not a time/],
    ['some_other_topic', 'ORDER_ORDER_SUCCESS', '{"orderId":1,"msgSendTime":"2024-05-17 10:00:00"}', /topic: "some_other_topic" is not a Cloud Hub topic/],
    [TOPICS.product, 'ORDER_ORDER_SUCCESS', '{"orderId":1,"msgSendTime":"2024-05-17 10:00:00"}', /not a tag of ali1688_product_topic/],
    [null, 'HELLO', '{"orderId":1}', /tag: "HELLO" belongs to no Cloud Hub topic/],
    [null, null, '{"orderId":1}', /tag: missing/],
    [TOPICS.product, 'PRODUCT_PRODUCT_NEW_OR_MODIFY', '{"productIds":"12,x","msgSendTime":"2024-05-17 10:00:00"}', /productIds\[1\]/],
    [TOPICS.logistics, '', '{"OrderLogisticsTracingModel":{"logisticsId":"L1","orderLogsItems":[]}}', /names no order/],
    [TOPICS.logistics, '', '{"SomethingElse":{}}', /OrderLogisticsTracingModel or a MailNoChangeModel/],
    [null, null, '{"msgId":"x1","type":"ORDER_ORDER_SUCCESS","data":{}}', /msgId: expected an id/],
    [null, null, '{"msgId":1,"gmtBorn":"yesterday","type":"ORDER_ORDER_SUCCESS","data":{}}', /gmtBorn/],
    [null, null, '{"msgId":1,"type":"ORDER_ORDER_SUCCESS","data":"{broken"}', /data/],
  ];
  for (const [topic, tag, body, re] of cases) t.regex(reason(topic, tag, body), re, body);
});

test('a refusal still reports the topic, tag and msgId it could read, for the quarantine row', (t) => {
  const r = parseMessage({ topic: null, tag: null, body: '{"msgId":777,"gmtBorn":"soon","type":"ORDER_ORDER_SUCCESS","data":{"orderId":"abc"}}' }, ZONE);
  t.false(r.ok);
  if (r.ok) return;
  t.is(r.msgId, '777');
  t.is(r.tag, 'ORDER_ORDER_SUCCESS');
  t.is(r.topic, TOPICS.order);
});

test('data sent as JSON text inside the envelope is read like an object', (t) => {
  const m = ok(null, null, '{"msgId":1,"gmtBorn":1715938215123,"type":"ORDER_ORDER_SUCCESS","data":"{\\"orderId\\":240517803316129437,\\"msgSendTime\\":\\"2024-05-17 10:00:00\\"}"}');
  t.is(m.targets[0]!.id, '240517803316129437');
});

function envelopeOf(tag: string, data: string): string {
  return `{"msgId":42,"gmtBorn":1715938215123,"type":"${tag}","userInfo":"b2b-1","data":${data}}`;
}
