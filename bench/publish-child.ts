// The bench's publisher, a process of its own (bench/messages.ts starts it): sends the messages of a JSON
// file to the broker at a steady rate, each due at start + i / rate whatever the broker's confirm latency
// (confirms are awaited beside the sending, up to a bound), and prints "<index> <sent at, epoch ms>" per
// message taken, then "done <seconds>".
//   node dist/bench/publish-child.js <messages.json> <amqp url> <rate>
import fs from 'node:fs';
import { messageBody, type EmulatedMessage } from '../sources/synthetic/messages.js';
import { TRANSPORTS } from '../sources/messages/transports.js';

const [file, url, rateText] = process.argv.slice(2);
if (!file || !url || !rateText) throw new Error('usage: publish-child <messages.json> <amqp url> <rate>');
const messages = JSON.parse(fs.readFileSync(file, 'utf8')) as EmulatedMessage[];
const rate = Number(rateText);
/** Confirms awaited at once: enough that a slow confirm never holds the schedule back. */
const MAX_OUTSTANDING = 200;

const publisher = TRANSPORTS.amqp.publisher({ url });
const outstanding = new Set<Promise<void>>();
const lines: string[] = [];
const flush = () => {
  if (lines.length) process.stdout.write(`${lines.splice(0).join('\n')}\n`);
};
const start = Date.now();
try {
  for (let i = 0; i < messages.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) {
      flush();
      await new Promise((r) => setTimeout(r, wait));
    }
    while (outstanding.size >= MAX_OUTSTANDING) await Promise.race(outstanding);
    const m = messages[i]!;
    const sentAt = Date.now();
    const p = publisher.publish({ topic: m.topic, tag: m.tag, body: messageBody(m, sentAt) }).then(() => {
      outstanding.delete(p);
      lines.push(`${i} ${sentAt}`);
    });
    outstanding.add(p);
  }
  await Promise.all(outstanding);
  flush();
  process.stdout.write(`done ${((Date.now() - start) / 1000).toFixed(1)}\n`);
} finally {
  await publisher.close();
}
