// The dashboard's HTTP server: our status page at /, bull-board at /queues, /api/status and /metrics.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { describeTarget, maskSecrets } from '../../lib/config.js';
import type { Context } from '../context.js';
import { describe } from '../../lib/errors.js';
import { openQueues, type Queues } from '../queue/queues.js';
import { readSourceClock, warehouseStatus } from '../status.js';
import { checkExposure, credentialsFromEnv, guard, type Credentials } from './auth.js';
import { currentBackfill, recentRuns, rejectSamples } from './data.js';
import { createMetrics } from './metrics.js';
import { readLedger } from '../queue/message-ledger.js';
import { statusPage } from './page.js';

export interface DashboardOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  readOnly?: boolean;
  /** Defaults to the environment (HUB_DASHBOARD_TOKEN, or HUB_DASHBOARD_USER and HUB_DASHBOARD_PASSWORD). */
  credentials?: Credentials | null;
}

export interface Dashboard { url: string; close(): Promise<void> }

const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  fn(req, res).catch(next);
};

/** Starts the dashboard; refuses (UsageError) a non-loopback host without credentials. */
export async function startDashboard(ctx: Context, opts: DashboardOptions = {}): Promise<Dashboard> {
  const host = opts.host ?? '127.0.0.1';
  const creds = opts.credentials === undefined ? credentialsFromEnv() : opts.credentials;
  checkExposure(host, creds);
  const readOnly = opts.readOnly ?? false;
  // Without credentials nobody may act, so bull-board does not even offer the buttons.
  const boardReadOnly = readOnly || !creds;
  const queues: Queues = await openQueues(ctx);
  const warehouse = ctx.config.warehouse;

  const app = express();
  app.disable('x-powered-by');
  app.use(guard(creds));
  if (readOnly) {
    // Read-only means read-only, whoever asks.
    app.use((req, res, next) => {
      if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) {
        res.status(403).type('text/plain').send('hub-etl dashboard: started with --read-only\n');
        return;
      }
      next();
    });
  }

  const board = new ExpressAdapter();
  board.setBasePath('/queues');
  createBullBoard({
    queues: [queues.runs, queues.chunks, queues.backfills, queues.refreshes].map((q) => new BullMQAdapter(q, { readOnlyMode: boardReadOnly, allowRetries: !boardReadOnly })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'hub-etl queues' } },
  });
  app.use('/queues', board.getRouter());

  app.get('/', wrap(async (_req, res) => {
    const db = await ctx.warehouse();
    const status = await warehouseStatus(db, new Date(), await readSourceClock(ctx));
    const ready = status.schemaVersion > 0;
    const runs = ready ? await recentRuns(db) : new Map();
    const rejects = ready ? await rejectSamples(db) : new Map();
    const backfill = await currentBackfill(queues).catch(() => 'unavailable' as const);
    const messages = await readLedger(queues.redis, queues.prefix).catch(() => 'unavailable' as const);
    res.type('html').send(statusPage({ status, runs, rejects, backfill, messages, warehouse: describeTarget(warehouse), readOnly, actionsAllowed: !!creds }));
  }));

  app.get('/api/status', wrap(async (_req, res) => {
    res.json(await warehouseStatus(await ctx.warehouse(), new Date(), await readSourceClock(ctx)));
  }));

  const metrics = createMetrics({ warehouse: () => ctx.warehouse(), sourceClock: () => readSourceClock(ctx), queues });
  app.get('/metrics', wrap(async (_req, res) => {
    const text = await metrics.scrape();
    res.setHeader('Content-Type', metrics.contentType);
    res.send(text);
  }));

  // One line, passwords masked, no stack: the same rule as the CLI.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    ctx.logger.error('dashboard request failed', { error: maskSecrets(describe(err)) });
    if (!res.headersSent) res.status(500).type('text/plain').send(`hub-etl dashboard: ${maskSecrets(describe(err))}\n`);
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 3000, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.close();
    },
  };
}
