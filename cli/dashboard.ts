// hub-etl dashboard: the status page, bull-board over the queues, /api/status and /metrics, until stopped.
import { Option, type Command } from 'commander';
import { action, wholeNumber } from './action.js';

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('serve the status page, bull-board over the queues, /api/status and /metrics (loopback only unless HUB_DASHBOARD_TOKEN or HUB_DASHBOARD_USER/PASSWORD are set)')
    .addOption(new Option('--host <host>', 'address to listen on; any other than loopback needs credentials').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').argParser(wholeNumber(0, 65_535)).default(3000))
    .option('--read-only', 'show queues and jobs without any action (retry, clean, promote, remove)')
    .action(action<{ host: string; port: number; readOnly?: boolean }>(async (ctx, opts) => {
      // Loaded on use: express and bull-board would slow every other command's start.
      const { startDashboard } = await import('../jobs/dashboard/server.js');
      const dash = await startDashboard(ctx, { host: opts.host, port: opts.port, readOnly: opts.readOnly ?? false });
      ctx.logger.info('dashboard ready', { url: dash.url, readOnly: opts.readOnly ?? false });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await dash.close();
      return 0;
    }));
}
