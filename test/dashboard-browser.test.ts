// The dashboard in headless Chromium: the status page shows every stream, a failed job shows in bull-board, and a retry needs the credentials.
import test from 'ava';
import { Worker } from 'bullmq';
import { STREAMS } from '../jobs/engine/streams.js';
import { QUEUE } from '../jobs/queue/names.js';
import { openQueues } from '../jobs/queue/queues.js';
import { needRedis, testWith } from './helpers.js';
import { waitFor } from './queue-helpers.js';
import { browser, liveDashboard, needChromium } from './dashboard-helpers.js';

const TOKEN = 'test-token-7f3a';

testWith('redis', 'chromium')('the status page shows every stream with its lag', async (t) => {
  if (!(await needRedis(t)) || !needChromium(t)) return;
  const { dash } = await liveDashboard(t);
  const page = await (await browser(t)).newPage();
  await page.goto(`${dash.url}/`);
  t.is(await page.title(), 'hub-etl status');
  // The API's streams are not loaded without an API (the dashboard's store has none): shown never loaded.
  for (const s of STREAMS.filter((d) => !d.apiOnly).map((d) => d.name)) {
    const lag = page.locator(`tr[data-stream="${s}"] .lag`);
    t.regex((await lag.textContent()) ?? '', /^\d+(s|m|h \d+m|d \d+h)$/, s);
    t.regex((await lag.getAttribute('class')) ?? '', /\b(green|amber|red)\b/);
  }
  t.regex((await page.locator('tr[data-stream="freight_templates"] .lag').getAttribute('class')) ?? '', /\bunknown\b/);
  t.regex((await page.locator('body').textContent()) ?? '', /< 10 min/);
});

testWith('redis', 'chromium')('a failed job shows in bull-board, a retry with the token re-runs it and without it gets 401', async (t) => {
  if (!(await needRedis(t)) || !needChromium(t)) return;
  const { ctx, dash, prefix } = await liveDashboard(t, { credentials: { kind: 'token', token: TOKEN } });
  const queues = await openQueues(ctx);
  t.teardown(() => queues.close());
  let calls = 0;
  // BullMQ never closes a connection it was handed: the test owns this one and quits it.
  const connection = (await ctx.redis()).duplicate();
  t.teardown(() => connection.quit().then(() => undefined, () => undefined));
  const worker = new Worker(QUEUE.runs, async () => {
    calls++;
    if (calls === 1) throw new Error('planted failure for the dashboard test');
    return { ok: true };
  }, { connection, prefix });
  t.teardown(() => worker.close());
  const job = await queues.runs.add('run', { stream: 'orders', mode: 'incremental' }, { attempts: 1 });
  await waitFor('the job to fail', async () => (await queues.runs.getJob(job.id!))?.isFailed(), 15_000);

  const b = await browser(t);
  const anon = await b.newPage();
  const anonResponse = await anon.goto(`${dash.url}/queues/queue/${QUEUE.runs}?status=failed`);
  t.is(anonResponse?.status(), 401);

  const page = await (await b.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` } })).newPage();
  await page.goto(`${dash.url}/queues/queue/${QUEUE.runs}?status=failed`);
  await page.getByText('planted failure for the dashboard test').first().waitFor({ timeout: 15_000 });

  // The same request the retry button sends, without credentials: refused, and the job stays failed.
  const refused = await anon.request.put(`${dash.url}/queues/api/queues/${QUEUE.runs}/${job.id}/retry`);
  t.is(refused.status(), 401);
  t.true(await (await queues.runs.getJob(job.id!))!.isFailed());
  t.is(calls, 1);

  const retried = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes(`/${job.id}/retry`));
  await page.locator(`a[href*="/queue/${QUEUE.runs}/${job.id}"]`).locator('xpath=ancestor::div[contains(@class,"header")]').locator('button:has(svg.lucide-refresh-cw)').click();
  const confirm = page.getByRole('button', { name: /^(Confirm|Retry)$/ });
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  const answer = await retried;
  t.true(answer.ok(), `retry answered ${answer.status()}`);
  await waitFor('the retried job to complete', async () => (await queues.runs.getJob(job.id!))?.isCompleted(), 15_000);
  t.is(calls, 2);
});
