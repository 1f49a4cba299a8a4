// The personal-data masks of transforms/mask.ts and the buyer keys of transforms/pii.ts: table tests with
// the shapes carriers, buyers and 1688 write, and the numbers that must be left alone.
import crypto from 'node:crypto';
import test from 'ava';
import { isPersonalTitle, maskPeople, maskPhones, maskRemark, maskSample } from '../transforms/mask.js';
import { buyerColumns, buyerKey } from '../transforms/pii.js';

const phones: Array<[string, string]> = [
  ['【杭州市】王师傅（13912345678）派件中', '【杭州市】王师傅（***）派件中'],
  ['联系电话 139 1234 5678，谢谢', '联系电话 ***，谢谢'],
  ['call +86 139-1234-5678 now', 'call *** now'],
  ['手机+8613912345678', '手机***'],
  ['派件员 139****1234 派件中', '派件员 *** 派件中'],
  ['网点电话：0579-85551234', '网点电话：***'],
  ['网点电话：(0571)88886666转', '网点电话：***转'],
  ['总机 021 12345678-8001 转分机', '总机 *** 转分机'],
  ['座机0571-****6666', '座机***'],
  ['两个号码13912345678/15087654321', '两个号码***/***'],
];

const untouched: string[] = [
  '运单号 SF1391234567812 已揽收',
  '订单 240517803316129437 已发货',
  '2024-05-17 09:30:15 快件已到达',
  '运单 43139123456 已派送',
  '金额 139.12 元，重量 13.912345678 千克',
  '客服热线 95338',
  '',
];

for (const [input, want] of phones) {
  test(`maskPhones: ${input}`, (t) => t.is(maskPhones(input), want));
}

for (const input of untouched) {
  test(`maskPhones leaves numbers that are no phones alone: ${input || '(empty)'}`, (t) => t.is(maskPhones(input), input));
}

const people: Array<[string, string]> = [
  ['【杭州市】已签收，签收人：王伟，感谢使用中通快递', '【杭州市】已签收，签收人：*，感谢使用中通快递'],
  ['已签收,签收人: 李静 。', '已签收,签收人: * 。'],
  ['签收人是张建华', '签收人是*'],
  ['【义乌市】中通快递已揽收，揽收员：陈师傅', '【义乌市】中通快递已揽收，揽收员：*'],
  ['【杭州市】王师傅（***）派件中', '【杭州市】*师傅（***）派件中'],
  ['快递师傅正在派件', '快递师傅正在派件'],
  ['请联系（刘先生）或 何女士', '请联系（*先生）或 *女士'],
  // A surname inside a run of Chinese text is not told apart from a word: such prose is why memos are never loaded.
  ['请联系刘先生', '请联系刘先生'],
  ['已签收，签收人凭取件码签收', '已签收，签收人凭取件码签收'],
];

for (const [input, want] of people) {
  test(`maskPeople: ${input}`, (t) => t.is(maskPeople(input), want));
}

test('maskRemark masks phones and names in one pass, and is idempotent', (t) => {
  const once = maskRemark('【杭州市】王师傅（13912345678）派件中，签收人：王伟');
  t.is(once, '【杭州市】*师傅（***）派件中，签收人：*');
  t.is(maskRemark(once), once);
});

const titles: Array<[string, string | null, boolean]> = [
  ['王伟', null, true],
  ['欧阳建华', null, true],
  ['John Smith', null, true],
  ['杭州恒达五金有限公司', null, false],
  ['义乌市恒达商行', null, false],
  ['恒达五金店', null, false],
  ['王伟', '91330100MA2XXXXX0X', false],
  ['个人', null, false],
  ['Acme Trading Co. Ltd', null, false],
];

for (const [title, taxpayer, personal] of titles) {
  test(`isPersonalTitle: ${title} with${taxpayer ? '' : 'out'} a taxpayer id is ${personal ? '' : 'not '}a person's name`, (t) => t.is(isPersonalTitle(title, taxpayer), personal));
}

test('maskSample hides personal members, memberIds and phones in a blob sample, and keeps the rest', (t) => {
  const sample = '{"baseInfo":{"idOfStr":"240517803316129437","buyerID":"b2b-2200114455a1b2","totalAmount":56.1,"receiverInfo":{"toFullName":"王伟","toMobile":"13912345678","toArea":"浙江省 杭州市 文三路100号","toPost":310000},"buyerMemo":"电话0571-88886666"';
  const masked = maskSample(sample);
  for (const personal of ['b2b-2200114455a1b2', '王伟', '13912345678', '文三路', '310000', '0571-88886666']) t.false(masked.includes(personal), personal);
  t.true(masked.includes('"idOfStr":"240517803316129437"'));
  t.true(masked.includes('"totalAmount":56.1'));
  t.true(masked.includes('"toFullName":"***"'));
  t.is(maskSample('b2b-2200114455a1b2'), 'b2b-***');
});

test('buyerKey is HMAC-SHA256 of the memberId under the key, as 64 hex digits', (t) => {
  const key = 'k'.repeat(32);
  t.is(buyerKey('b2b-22001', key), crypto.createHmac('sha256', key).update('b2b-22001').digest('hex'));
  t.not(buyerKey('b2b-22001', key), buyerKey('b2b-22002', key));
  t.not(buyerKey('b2b-22001', key), buyerKey('b2b-22001', `${key}x`));
});

test('buyerColumns puts the hash in both columns unless clear ids are kept', (t) => {
  const pii = { key: 'k'.repeat(32), keepBuyerIds: false, invoiceRegistration: false };
  const hashed = buyerColumns('b2b-22001', { sourceTz: 'UTC', pii });
  t.deepEqual(hashed, { buyer_member_id: buyerKey('b2b-22001', pii.key), buyer_key: buyerKey('b2b-22001', pii.key) });
  t.deepEqual(buyerColumns('b2b-22001', { sourceTz: 'UTC', pii: { ...pii, keepBuyerIds: true } }), { buyer_member_id: 'b2b-22001', buyer_key: hashed.buyer_key });
  t.throws(() => buyerColumns('b2b-22001', { sourceTz: 'UTC' }), { message: /personal-data settings/ });
});
