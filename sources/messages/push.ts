// The 1688 open platform's HTTP push: a form POST with `message` (the envelope as JSON text) and
// `_aop_signature` = UPPER(HEX(HMAC-SHA1(appSecret, "message" + message))). A bad signature gets 401 and
// reaches nobody; a good one gets 200 only once the handler says the message is safe, else 503, so that
// the platform sends it again. Loopback by default; anywhere else every request still needs the signature.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, SourceError } from '../../lib/errors.js';
import { pushSignature, sameSignature } from '../api/signing.js';
import { MessageBusy, type Consumer, type ConsumerOptions, type DeliveryHandler, type OutgoingMessage, type Publisher, type PublisherOptions } from './transport.js';

/** A push is one message; anything larger is not one. */
const MAX_BODY = 1024 * 1024;

type Answer = { status: number; body: Record<string, unknown> };

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function createPushConsumer(opts: ConsumerOptions): Consumer & { url(): string } {
  const host = opts.host ?? '127.0.0.1';
  const secret = opts.appSecret ?? '';
  let server: http.Server | null = null;
  let handler: DeliveryHandler | null = null;
  let address = '';
  const inFlight = new Set<Promise<unknown>>();

  const answer = async (req: http.IncomingMessage): Promise<Answer> => {
    if (req.method !== 'POST') return { status: 405, body: { success: false, error: 'POST a form with message and _aop_signature' } };
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return { status: 415, body: { success: false, error: 'expected application/x-www-form-urlencoded' } };
    const text = await readBody(req);
    if (text === null) return { status: 413, body: { success: false, error: `a push is at most ${MAX_BODY} bytes` } };
    const form = new URLSearchParams(text);
    const message = form.get('message');
    const signature = form.get('_aop_signature') ?? '';
    if (message === null) return { status: 400, body: { success: false, error: 'the form has no message field' } };
    // Checked before anything else looks at the message: an unsigned push reaches nobody.
    if (!secret || !sameSignature(signature.trim().toUpperCase(), pushSignature(secret, message))) {
      opts.log('warn', 'push refused: bad signature', { remote: req.socket.remoteAddress });
      return { status: 401, body: { success: false, error: 'signature mismatch' } };
    }
    try {
      await handler!({ transport: 'push', topic: null, tag: null, body: message, receivedAt: Date.now(), redelivered: false });
      return { status: 200, body: { success: true } };
    } catch (err) {
      opts.log(err instanceof MessageBusy ? 'debug' : 'warn', 'push not taken; the platform will send it again', { error: describe(err) });
      return { status: 503, body: { success: false, error: 'not taken now; send it again' } };
    }
  };

  return {
    kind: 'push',
    get label() {
      return address || `http://${host}:${opts.port ?? 0}`;
    },
    url: () => address,
    async start(h) {
      handler = h;
      server = http.createServer((req, res) => {
        const p = answer(req).then(
          (a) => {
            res.writeHead(a.status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(a.body));
          },
          (err: unknown) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ success: false, error: describe(err) }));
          },
        ).finally(() => inFlight.delete(p));
        inFlight.add(p);
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (err) => reject(new SourceError(`cannot listen for pushes on ${host}:${opts.port ?? 0}: ${describe(err)}`, { cause: err })));
        server!.listen(opts.port ?? 0, host, () => resolve());
      });
      const a = server.address() as AddressInfo;
      address = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
    },
    async close() {
      const s = server;
      server = null;
      if (!s) return;
      // No new pushes; the ones in hand get their answer.
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      s.closeAllConnections();
      await closed;
    },
  };
}

export function createPushPublisher(opts: PublisherOptions): Publisher {
  const secret = opts.appSecret ?? '';
  return {
    label: opts.url,
    async publish(m: OutgoingMessage) {
      // The envelope's type names the tag; the topic travels only in the tag.
      const form = new URLSearchParams({ message: m.body, _aop_signature: pushSignature(secret, m.body) });
      let res: Response;
      try {
        res = await fetch(opts.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      } catch (err) {
        throw new SourceError(`cannot push to ${opts.url}: ${describe(err)}`, { cause: err, retriable: true });
      }
      const text = await res.text();
      if (!res.ok) throw new SourceError(`the push receiver ${opts.url} answered ${res.status}: ${text.slice(0, 200)}`, { retriable: res.status >= 500 });
    },
    async close() {},
  };
}
