// generate --advance --publish / --push: the messages Cloud Hub would send for the simulated changes, in
// the real shapes, deterministic for the seed, with repeats and reorderings; listen applies them all.
import test from 'ava';
import { generate as generateJob } from '../jobs/generate.js';
import { publishMessages } from '../jobs/publish-messages.js';
import { parseMessage } from '../sources/messages/parse.js';
import { messageBody } from '../sources/synthetic/messages.js';
import { TOPICS } from '../sources/messages/topics.js';
import { needRedis, runCli, testWith } from './helpers.js';
import { messageContext, needRabbit, refreshesSettled, startRig, tempVhost } from './message-helpers.js';
import { queuePrefix, waitFor } from './queue-helpers.js';
import { contextFor, count, freshUrl, generate, run, writableSource } from './stream-helpers.js';

testWith('redis', 'rabbitmq').serial('an advance publishes its changes as messages, and listen brings every entity they name up to the message', async (t) => {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return;
  const src = (await freshUrl(t, 'SQLite', 'pub-src'))!;
  const wh = (await freshUrl(t, 'SQLite', 'pub-wh'))!;
  await generate(t, src, ['--orders', '400', '--seed', '12', '--days', '20']);
  await run(contextFor(t, src, wh), { safetyLagMs: 0 });
  const vhost = tempVhost(t);
  const prefix = queuePrefix(t);
  const ctx = messageContext(t, { source: src, warehouse: wh, prefix, mq: vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' } });
  const result = await generateJob(contextFor(t, src, wh), { advance: true, hours: 12, collectMessages: true });
  const messages = result.messages!;
  t.true(messages.length > 20, `${messages.length} messages`);
  const tags = new Set(messages.map((m) => `${m.topic}/${m.tag}`));
  for (const want of [`${TOPICS.order}/ORDER_BUYER_MAKE`, `${TOPICS.logistics}/`, `${TOPICS.product}/PRODUCT_PRODUCT_NEW_OR_MODIFY`]) t.true(tags.has(want), want);
  t.true(messages.some((m) => m.duplicate), 'some repeated');
  t.true(messages.some((m) => m.wrapped) && messages.some((m) => !m.wrapped), 'envelopes and bare payloads');
  // Every body parses, with 18-digit ids exact.
  const parsed = messages.map((m) => parseMessage({ topic: m.topic, tag: m.tag, body: messageBody(m, Date.now()) }, 'Asia/Shanghai'));
  t.true(parsed.every((p) => p.ok), JSON.stringify(parsed.find((p) => !p.ok)));

  const sent = await publishMessages(messages, { url: vhost });
  t.is(sent.published, messages.length);
  await waitFor('every message handled', async () => Object.values((await rig.ledger()).counters.received).reduce((a, b) => a + b, 0) === messages.length, 120_000, 300);
  await refreshesSettled(rig, 120_000);
  const l = await rig.ledger();
  const sum = (o: keyof typeof l.counters) => Object.values(l.counters[o]).reduce((a, b) => a + b, 0);
  // A repeat with a msgId is always known again; a bare repeat (no msgId) only until the refresh it asked
  // for has read the source: arriving later it is a new (harmless) refresh, never a dropped change.
  const keyed = messages.filter((m) => m.duplicate && m.wrapped).length;
  t.true(sum('duplicate') >= keyed && sum('duplicate') <= sent.duplicates, `${sum('duplicate')} duplicates counted of ${sent.duplicates} sent, ${keyed} with a msgId`);
  t.is(sum('quarantined') + sum('failed') + sum('stale'), 0);

  // Each entity named is in the warehouse at least at the message's version.
  const w = await writableSource(t, wh);
  for (const p of parsed) {
    if (!p.ok || p.message.sentAt === null) continue;
    for (const target of p.message.targets) {
      const [table, key] = target.scope === 'product' ? ['dim_product', 'product_id'] : target.scope === 'refund' ? ['fct_refund', 'order_id'] : ['fct_order', 'order_id'];
      const n = await count(w, `select count(*) as n from ${table} where ${key} = ? and _source_version >= ?`, [target.id, target.scope === 'refund' ? p.message.sentAt.slice(0, 10) : p.message.sentAt]);
      t.true(n >= 1, `${p.message.tag} ${target.scope} ${target.id} at ${p.message.sentAt}`);
    }
  }
});

test('the messages of an advance are the same for the same seed', async (t) => {
  const make = async (name: string) => {
    const src = (await freshUrl(t, 'SQLite', name))!;
    await generate(t, src, ['--orders', '150', '--seed', '4', '--days', '10']);
    const r = await generateJob(contextFor(t, src, (await freshUrl(t, 'SQLite', `${name}-wh`))!), { advance: true, hours: 24, collectMessages: true });
    return r.messages!;
  };
  const [a, b] = [await make('det-a'), await make('det-b')];
  t.true(a.length > 0);
  t.deepEqual(a, b);
});

test('generate --push needs the app secret and an advance; --publish needs an AMQP or HTTP URL', async (t) => {
  const src = (await freshUrl(t, 'SQLite', 'flags'))!;
  await generate(t, src, ['--orders', '20']);
  const noSecret = await runCli(['generate', '--advance', '--push', 'http://127.0.0.1:9/'], { env: { HUB_SOURCE_URL: src, HUB_API_APP_SECRET: undefined } });
  t.is(noSecret.code, 2);
  t.regex(noSecret.stderr, /--push: pushes are signed with the app secret/);
  const noAdvance = await runCli(['generate', '--orders', '5', '--publish', 'amqp://127.0.0.1'], { env: { HUB_SOURCE_URL: src } });
  t.is(noAdvance.code, 2);
  t.regex(noAdvance.stderr, /--publish: messages are sent for the changes of an --advance/);
});

test('hub-etl listen without a broker or a push port, or with a push port and no app secret, says what to set (exit 2)', async (t) => {
  const env = { HUB_SOURCE_URL: 'sqlite:/nonexistent/src.db', HUB_MQ_URL: undefined, HUB_API_APP_SECRET: undefined };
  const none = await runCli(['listen'], { env });
  t.is(none.code, 2);
  t.regex(none.stderr, /nothing to listen on; set HUB_MQ_URL/);
  const push = await runCli(['listen', '--push-port', '0'], { env });
  t.is(push.code, 2);
  t.regex(push.stderr, /set HUB_API_APP_SECRET/);
  const bad = await runCli(['listen'], { env: { ...env, HUB_MQ_URL: 'http://guest:hunter2@mq:5672' } });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /HUB_MQ_URL: "http:\/\/guest:\*\*\*@mq:5672" must start with amqp:\/\/ or amqps:\/\//);
  t.notRegex(bad.stderr, /hunter2/);
});
