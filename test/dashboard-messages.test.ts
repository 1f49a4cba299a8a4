// The message figures on the dashboard: /metrics exports the counters by topic and outcome and the
// freshness histogram kept in Redis (and promtool accepts the scrape); the status page shows them.
import { spawnSync } from 'node:child_process';
import test from 'ava';
import { countMessages, observeFreshness } from '../jobs/queue/message-ledger.js';
import { TOPICS } from '../sources/messages/topics.js';
import { liveDashboard } from './dashboard-helpers.js';
import { needRedis, testWith } from './helpers.js';

testWith('redis')('metrics and the status page show message counters by topic and the freshness histogram', async (t) => {
  if (!(await needRedis(t))) return;
  const live = await liveDashboard(t, {}, 40);
  const redis = await live.ctx.redis();
  await countMessages(redis, live.prefix, 'received', TOPICS.order, 5);
  await countMessages(redis, live.prefix, 'duplicate', TOPICS.order, 1);
  await countMessages(redis, live.prefix, 'refreshed', TOPICS.order, 4);
  await countMessages(redis, live.prefix, 'quarantined', 'unknown', 2);
  await observeFreshness(redis, live.prefix, [0.3, 0.8, 2, 12]);

  const text = await (await fetch(`${live.dash.url}/metrics`)).text();
  t.regex(text, /hub_etl_messages_total\{topic="ali1688_order_topic",outcome="received"\} 5/);
  t.regex(text, /hub_etl_messages_total\{topic="ali1688_order_topic",outcome="refreshed"\} 4/);
  t.regex(text, /hub_etl_messages_total\{topic="ali1688_product_topic",outcome="stale"\} 0/);
  t.regex(text, /# TYPE hub_etl_message_freshness_seconds histogram/);
  t.regex(text, /hub_etl_message_freshness_seconds_bucket\{le="0.5"\} 1\n/);
  t.regex(text, /hub_etl_message_freshness_seconds_bucket\{le="2.5"\} 3\n/);
  t.regex(text, /hub_etl_message_freshness_seconds_bucket\{le="\+Inf"\} 4\n/);
  t.regex(text, /hub_etl_message_freshness_seconds_count 4\n/);
  t.regex(text, /hub_etl_queue_jobs\{queue="refreshes",state="waiting"\} 0/);
  // Counters only go up across scrapes.
  await countMessages(redis, live.prefix, 'received', TOPICS.order, 2);
  t.regex(await (await fetch(`${live.dash.url}/metrics`)).text(), /hub_etl_messages_total\{topic="ali1688_order_topic",outcome="received"\} 7/);
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (lint.error) t.log('promtool not installed; lint skipped');
  else t.is(lint.status, 0, lint.stdout + lint.stderr);

  const page = await (await fetch(`${live.dash.url}/`)).text();
  t.regex(page, /<h2>Messages<\/h2>/);
  t.regex(page, /<tr data-topic="ali1688_order_topic"><td><code>ali1688_order_topic<\/code><\/td><td>7<\/td><td>1<\/td>/);
  t.regex(page, /p50 <b>≤ 1 s<\/b>, p95 <b>≤ 30 s<\/b>/);
});
