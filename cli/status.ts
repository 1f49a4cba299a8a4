// hub-etl status: per stream watermark, lag, last run and open rejects; --max-lag makes it a check for cron and Nagios.
import type { Command } from 'commander';
import { parseDuration } from '../jobs/engine/engine.js';
import { formatStatus, humanLag, readSourceClock, staleStreams, streamsNeedingApi, warehouseStatus } from '../jobs/status.js';
import { action } from './action.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show each stream\'s watermark, lag, last run with its counts, and open rejects')
    .option('--json', 'print as JSON (the same data as the dashboard\'s /api/status)')
    .option('--max-lag <duration>', 'exit 1 when any stream is staler than this (lag now, e.g. 30m) or was never loaded: a check for cron or Nagios (the API\'s streams count only with an API configured)')
    .action(action<{ json?: boolean; maxLag?: string }>(async (ctx, opts) => {
      const maxSeconds = opts.maxLag === undefined ? null : parseDuration(opts.maxLag, '--max-lag') / 1000;
      const s = await warehouseStatus(await ctx.warehouse(), new Date(), await readSourceClock(ctx));
      // Without an API the API's streams are never loaded, by design: shown as such, not counted as stale.
      const needApi = streamsNeedingApi(ctx.config.api !== null);
      const stale = maxSeconds === null ? [] : staleStreams(s, maxSeconds, needApi);
      if (opts.json) {
        const check = maxSeconds === null ? {} : { lagCheck: { maxLagSeconds: maxSeconds, ok: stale.length === 0, stale } };
        process.stdout.write(`${JSON.stringify({ ...s, ...check }, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatStatus(s)}\n`);
        const unloaded = needApi.filter((n) => s.streams.find((x) => x.stream === n)?.watermark === null);
        if (unloaded.length > 0) process.stdout.write(`${unloaded.join(', ')}: only the 1688 API has them and no API is configured (set HUB_API_URL)\n`);
        if (maxSeconds !== null) {
          const limit = opts.maxLag!;
          process.stdout.write(stale.length === 0
            ? `lag check: every stream within ${limit}\n`
            : `lag check: ${stale.length} stream${stale.length === 1 ? '' : 's'} staler than ${limit}: ${stale.map((x) => `${x.stream} (${x.lagSeconds === null ? 'never loaded' : humanLag(x.lagSeconds)})`).join(', ')}\n`);
        }
      }
      return stale.length === 0 ? 0 : 1;
    }));
}
