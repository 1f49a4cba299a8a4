// Where Cloud Hub's messages come from: the AMQP broker (HUB_MQ_URL, --mq-url) and the app secret that
// signs HTTP pushes (the API's HUB_API_APP_SECRET), read by loadConfig; problems named, secrets never shown.
import { parseServiceUrl } from './config.js';

export interface MqTarget {
  /** amqp://user:password@host:5672/vhost or amqps://… (RabbitMQ, ApsaraMQ for RabbitMQ). */
  url: string;
  /** The URL with its password masked. */
  label: string;
}

export interface MessageFlags {
  mqUrl?: string;
  apiAppSecret?: string;
}

/** Parses an AMQP URL; returns a problem text on error. */
export function parseMqUrl(raw: string, label: string): MqTarget | string {
  const parsed = parseServiceUrl(raw, label, ['amqp', 'amqps'], 'amqp://user:password@host:5672/vhost or amqps://…');
  if (typeof parsed === 'string') return parsed;
  const { u, value, shown } = parsed;
  if (!u.hostname) return `${label}: "${shown}" names no host`;
  return { url: value, label: shown };
}

/** The broker (null when none is configured) and the push secret (null when none is configured). */
export function loadMessageConfig(flags: MessageFlags, env: NodeJS.ProcessEnv, problems: string[]): { mq: MqTarget | null; pushSecret: string | null } {
  const raw = flags.mqUrl !== undefined ? { value: flags.mqUrl, label: '--mq-url' } : env.HUB_MQ_URL ? { value: env.HUB_MQ_URL, label: 'HUB_MQ_URL' } : null;
  let mq: MqTarget | null = null;
  if (raw) {
    const parsed = parseMqUrl(raw.value, raw.label);
    if (typeof parsed === 'string') problems.push(parsed);
    else mq = parsed;
  }
  // The same secret signs API calls and pushes; config.api may be null when only a replica is configured.
  const secret = (flags.apiAppSecret ?? env.HUB_API_APP_SECRET ?? '').trim();
  return { mq, pushSecret: secret === '' ? null : secret };
}
