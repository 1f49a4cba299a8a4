// hub-etl listen: consume Cloud Hub's messages (AMQP and/or HTTP push) and queue a targeted refresh for
// each entity they name, until SIGTERM/SIGINT; the workers run the refreshes.
import { Option, type Command } from 'commander';
import { parseDuration } from '../jobs/engine/engine.js';
import { UsageError } from '../lib/errors.js';
import { action, wholeNumber } from './action.js';

interface ListenFlags {
  queueName: string;
  prefetch: number;
  pushPort?: number;
  pushHost: string;
  coalesce: string;
  bareDedupe: string;
  staleRetries: number;
  staleBackoff: string;
  migrate?: boolean;
}

const HELP = `
Cloud Hub announces every change on three topics (ali1688_product_topic, ali1688_order_topic,
ali1688_logistic_topic). listen turns each message into a refresh of the entity it names, queued for
the workers ("hub-etl worker"): an order (with its lines, payment terms, invoice; refunds under the
refund tags), an order's shipments and tracking (logistics topic), or a product. A message is only a
hint: the entity is read again from the API when one is configured, else from the replica, under the
same version guard as the scheduled runs; watermarks never move.

  AMQP       HUB_MQ_URL=amqp://user:password@host:5672/vhost; one durable queue per consumer group
             (--queue-name) bound to the three topic exchanges. A message is acknowledged only once
             its refresh is queued in Redis.
  HTTP push  --push-port N (loopback unless --push-host): a form POST with message and _aop_signature,
             checked with HUB_API_APP_SECRET; 401 for a bad signature, 200 once queued.

Messages that cannot be parsed are kept in the warehouse table etl_message_reject and acknowledged.

Examples:
  HUB_MQ_URL=amqp://guest:guest@127.0.0.1:5672 hub-etl listen
  HUB_API_APP_SECRET=… hub-etl listen --push-port 8090
`;

export function registerListen(program: Command): void {
  program
    .command('listen')
    .description('consume Cloud Hub messages (AMQP, HTTP push) and queue a refresh of each entity they name, until stopped')
    .option('--queue-name <name>', 'AMQP queue of this consumer group (durable)', 'hub-etl')
    .option('--prefetch <n>', 'AMQP deliveries in hand at once', wholeNumber(1, 10_000), 32)
    .addOption(new Option('--push-port <port>', 'serve HTTP pushes on this port (0 picks a free one)').argParser(wholeNumber(0, 65_535)))
    .option('--push-host <host>', 'address of the push receiver (every push must carry a valid signature)', '127.0.0.1')
    .option('--coalesce <duration>', 'a refresh waits this long, so that a burst for one entity becomes one refresh', '250ms')
    .option('--bare-dedupe <duration>', 'a message without a msgId is a duplicate of an identical body at most this long (and only until its refresh starts reading)', '30s')
    .option('--stale-retries <n>', 'replica path: times a refresh waits for the replica to reach the message\'s time', wholeNumber(0, 20), 4)
    .option('--stale-backoff <duration>', 'replica path: the first wait; each next one doubles', '1s')
    .option('--migrate', 'migrate the warehouse at start; without it a warehouse older than this hub-etl is refused')
    .addHelpText('after', HELP)
    .action(action<ListenFlags>(async (ctx, opts) => {
      const coalesceMs = parseDuration(opts.coalesce, '--coalesce');
      const staleBaseMs = parseDuration(opts.staleBackoff, '--stale-backoff');
      const bareDedupeMs = parseDuration(opts.bareDedupe, '--bare-dedupe');
      if (bareDedupeMs < 1) throw new UsageError(`--bare-dedupe: "${opts.bareDedupe}" must be longer than 0`);
      if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(opts.queueName)) throw new UsageError(`--queue-name: "${opts.queueName}" is not a queue name; expected letters, digits, '.', '_', ':' or '-'`);
      if (!ctx.config.mq && opts.pushPort === undefined) throw new UsageError('listen: nothing to listen on; set HUB_MQ_URL (or --mq-url) for AMQP, or --push-port for HTTP pushes');
      const { startListener } = await import('../jobs/listen.js');
      const listener = await startListener(ctx, {
        ...(ctx.config.mq ? { amqp: { queueName: opts.queueName, prefetch: opts.prefetch } } : {}),
        ...(opts.pushPort !== undefined ? { push: { host: opts.pushHost, port: opts.pushPort } } : {}),
        coalesceMs,
        bareDedupeMs,
        staleRetries: opts.staleRetries,
        staleBaseMs,
        migrate: opts.migrate ?? false,
      });
      ctx.logger.info('listen ready', { transports: listener.consumers.map((c) => `${c.kind} ${c.label}`).join('; '), prefix: ctx.config.queuePrefix });
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      ctx.logger.info('stopping: no new messages; answering those in hand', { signal });
      const force = () => process.exit(130);
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      await listener.close();
      ctx.logger.info('listen stopped');
      return 0;
    }));
}
