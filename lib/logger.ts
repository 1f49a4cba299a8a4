// winston logger: readable lines on a terminal, one JSON object per line otherwise. Logs go to stderr.
import winston from 'winston';
import { maskSecrets, type LogFormat } from './config.js';

export type Logger = winston.Logger;

// Last line of defence: no URL password reaches a log line, whatever a caller passes.
const mask = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const v = info[key];
    if (typeof v === 'string') info[key] = maskSecrets(v);
  }
  return info;
});

function pretty(color: boolean) {
  return winston.format.printf((info) => {
    const { level, message, timestamp, ...rest } = info as Record<string, unknown> & { level: string; message: unknown; timestamp?: string };
    const fields = Object.entries(rest)
      .filter(([k]) => typeof k === 'string' && k !== 'splat' && !k.startsWith('Symbol'))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
      .join(' ');
    const time = String(timestamp ?? '').slice(11, 19);
    const lvl = color ? winston.format.colorize().colorize(level, level.padEnd(5)) : level.padEnd(5);
    return `${time} ${lvl} ${String(message)}${fields ? ` ${fields}` : ''}`;
  });
}

/** Colours on a terminal only, and never when NO_COLOR is set to anything but the empty string (no-color.org). */
export function useColour(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function createLogger(opts: { format: LogFormat; level: string; silent?: boolean }): Logger {
  const format =
    opts.format === 'json'
      ? winston.format.combine(mask(), winston.format.timestamp(), winston.format.json())
      : winston.format.combine(mask(), winston.format.timestamp(), pretty(useColour()));
  return winston.createLogger({
    level: opts.level,
    silent: opts.silent ?? false,
    format,
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}
