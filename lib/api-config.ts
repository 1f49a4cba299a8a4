// The 1688 open-platform API as a source: its URL (1688+https:// for the gateway, pop+https:// for
// Alibaba Cloud's RPC style), credentials and tuning, read from flags and environment by loadConfig.
import { operationNamed } from './api-operations.js';

/** The 1688 API: where it is, how it is called, who calls it and how hard. */
export interface ApiTarget {
  kind: 'api';
  /** `aop`: the 1688 gateway (`_aop_signature`, access tokens); `pop`: Alibaba Cloud's RPC style (HMAC-SHA1 `Signature`). */
  transport: 'aop' | 'pop';
  /** Scheme, host, port and optional path prefix, without the transport prefix or a trailing slash. */
  baseUrl: string;
  /** The URL as configured, e.g. `1688+https://gw.open.1688.com` (never carries credentials). */
  url: string;
  appKey: string;
  appSecret: string;
  /** The seller's authorisation for the gateway; null when none is configured. */
  accessToken: string | null;
  /** Renews an expired access token; null when none is configured. */
  refreshToken: string | null;
  /** Calls per second, every call of the process (retries and token refreshes included). */
  ratePerSecond: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Per-call timeout. */
  timeoutMs: number;
  /** Attempts per call before a retriable error is given up on. */
  maxAttempts: number;
  /** POP action names overriding an operation's default (operation name → action). */
  popActions: Record<string, string>;
}

/** The API's global flags; each overrides its environment variable. */
export interface ApiFlags {
  apiUrl?: string;
  apiAppKey?: string;
  apiAppSecret?: string;
  apiAccessToken?: string;
  apiRefreshToken?: string;
  apiRate?: string;
  apiConcurrency?: string;
  apiTimeout?: string;
  /** `--pop-action op=Action`, repeatable. */
  popAction?: string[];
}

export const DEFAULT_API_RATE = 10;
export const DEFAULT_API_CONCURRENCY = 4;
export const DEFAULT_API_TIMEOUT_MS = 30_000;
export const DEFAULT_API_MAX_ATTEMPTS = 6;

/** True for a URL naming the API rather than a database (`1688+…`, `pop+…`). */
export function isApiUrl(raw: string): boolean {
  return /^(1688|pop)\+/i.test(raw.trim());
}

/** Parses `1688+https://host[:port][/prefix]` or `pop+https://…` (http for a local emulator); returns a problem text on error. */
export function parseApiUrl(raw: string, label: string): Pick<ApiTarget, 'transport' | 'baseUrl' | 'url'> | string {
  const value = raw.trim();
  const m = /^(1688|pop)\+(.*)$/i.exec(value);
  const expected = 'expected 1688+https://gw.open.1688.com, pop+https://HOST, or 1688+http://127.0.0.1:PORT for the emulator';
  if (!m) return `${label}: "${value}" is not an API URL; ${expected}`;
  let u: URL;
  try {
    u = new URL(m[2]!);
  } catch {
    return `${label}: "${maskUserinfo(value)}" is not a valid URL; ${expected}`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `${label}: "${maskUserinfo(value)}" must continue with https:// or http:// after ${m[1]}+; ${expected}`;
  if (u.username || u.password) {
    return `${label}: "${maskUserinfo(value)}" carries credentials; put them in HUB_API_APP_KEY and HUB_API_APP_SECRET instead`;
  }
  if (u.search || u.hash) return `${label}: "${value}" has a query or fragment; expected only scheme, host, port and path`;
  const baseUrl = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  return { transport: m[1]!.toLowerCase() === 'pop' ? 'pop' : 'aop', baseUrl, url: value };
}

/**
 * The API targets: the source itself when `sourceUrl` is an API URL, and the API for what only the API
 * has (HUB_API_URL / --api-url). Pushes every problem onto `problems`; secrets never appear in them.
 */
export function loadApiTargets(
  source: { value: string; label: string },
  flags: ApiFlags,
  env: NodeJS.ProcessEnv,
  problems: string[],
): { source: ApiTarget | null; api: ApiTarget | null } {
  const pick = (flag: string | undefined, flagName: string, envName: string) =>
    flag !== undefined ? { value: flag, label: `--${flagName}` } : env[envName] ? { value: env[envName]!, label: envName } : undefined;
  const tuning = readTuning(flags, env, problems, pick);
  const creds = readCredentials(flags, pick, problems);

  const build = (raw: { value: string; label: string }): ApiTarget | null => {
    const parsed = parseApiUrl(raw.value, raw.label);
    if (typeof parsed === 'string') {
      problems.push(parsed);
      return null;
    }
    const missing = [
      ...(creds.appKey === null ? ['an app key (HUB_API_APP_KEY or --api-app-key)'] : []),
      ...(creds.appSecret === null ? ['an app secret (HUB_API_APP_SECRET or --api-app-secret)'] : []),
    ];
    if (missing.length > 0) problems.push(`${raw.label}: the 1688 API at ${parsed.baseUrl} needs ${missing.join(' and ')}`);
    return {
      kind: 'api',
      ...parsed,
      appKey: creds.appKey ?? '',
      appSecret: creds.appSecret ?? '',
      accessToken: creds.accessToken,
      refreshToken: creds.refreshToken,
      ...tuning,
    };
  };

  const sourceApi = isApiUrl(source.value) ? build(source) : null;
  const apiUrl = pick(flags.apiUrl, 'api-url', 'HUB_API_URL');
  let api = sourceApi;
  if (apiUrl) {
    if (!isApiUrl(apiUrl.value)) {
      const parsed = parseApiUrl(apiUrl.value, apiUrl.label);
      problems.push(typeof parsed === 'string' ? parsed : `${apiUrl.label}: "${apiUrl.value}" is not an API URL`);
    } else if (isApiUrl(source.value)) {
      const a = parseApiUrl(apiUrl.value, apiUrl.label);
      const b = parseApiUrl(source.value, source.label);
      if (typeof a !== 'string' && typeof b !== 'string' && (a.baseUrl !== b.baseUrl || a.transport !== b.transport)) {
        problems.push(`${apiUrl.label}: the source is already the 1688 API at ${b.url} (${source.label}); ${apiUrl.label} names another (${a.url}): set one of them`);
      }
    } else {
      api = build(apiUrl);
    }
  }
  return { source: sourceApi, api };
}

type PickSetting = (flag: string | undefined, flagName: string, envName: string) => { value: string; label: string } | undefined;

function readCredentials(flags: ApiFlags, pick: PickSetting, problems: string[]) {
  const appKey = pick(flags.apiAppKey, 'api-app-key', 'HUB_API_APP_KEY');
  const appSecret = pick(flags.apiAppSecret, 'api-app-secret', 'HUB_API_APP_SECRET');
  const accessToken = pick(flags.apiAccessToken, 'api-access-token', 'HUB_API_ACCESS_TOKEN');
  const refreshToken = pick(flags.apiRefreshToken, 'api-refresh-token', 'HUB_API_REFRESH_TOKEN');
  // The app key goes into the gateway's URL path; secrets and tokens are checked without being shown.
  if (appKey && !/^[A-Za-z0-9_.-]{1,64}$/.test(appKey.value.trim())) {
    problems.push(`${appKey.label}: "${appKey.value}" is not an app key; expected 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  for (const s of [appSecret, accessToken, refreshToken]) {
    if (s && (s.value.trim() === '' || /\s/.test(s.value.trim()))) problems.push(`${s.label}: the value is blank or contains white space (not shown)`);
  }
  const text = (p: { value: string } | undefined) => (p && p.value.trim() !== '' ? p.value.trim() : null);
  return { appKey: text(appKey), appSecret: text(appSecret), accessToken: text(accessToken), refreshToken: text(refreshToken) };
}

function readTuning(flags: ApiFlags, env: NodeJS.ProcessEnv, problems: string[], pick: PickSetting) {
  const rate = pick(flags.apiRate, 'api-rate', 'HUB_API_RATE');
  let ratePerSecond = DEFAULT_API_RATE;
  if (rate) {
    const n = Number(rate.value.trim());
    if (!/^\d+(\.\d+)?$/.test(rate.value.trim()) || !(n > 0) || n > 1000) problems.push(`${rate.label}: "${rate.value}" is not a call rate; expected calls per second, a number above 0 and at most 1000 (e.g. 10 or 0.5)`);
    else ratePerSecond = n;
  }
  const conc = pick(flags.apiConcurrency, 'api-concurrency', 'HUB_API_CONCURRENCY');
  let concurrency = DEFAULT_API_CONCURRENCY;
  if (conc) {
    const n = Number(conc.value.trim());
    if (!/^\d+$/.test(conc.value.trim()) || n < 1 || n > 64) problems.push(`${conc.label}: "${conc.value}" is not a number of calls in flight; expected a whole number from 1 to 64`);
    else concurrency = n;
  }
  const timeout = pick(flags.apiTimeout, 'api-timeout', 'HUB_API_TIMEOUT');
  let timeoutMs = DEFAULT_API_TIMEOUT_MS;
  if (timeout) {
    const m = /^(\d+)(ms|s|m)?$/.exec(timeout.value.trim());
    const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm'] : NaN;
    if (!(ms >= 100 && ms <= 600_000)) problems.push(`${timeout.label}: "${timeout.value}" is not a call timeout; expected a duration from 100ms to 10m, e.g. 30s`);
    else timeoutMs = ms;
  }
  return { ratePerSecond, concurrency, timeoutMs, maxAttempts: DEFAULT_API_MAX_ATTEMPTS, popActions: readPopActions(flags, env, problems) };
}

/** `op=Action` pairs from HUB_API_POP_ACTIONS (comma or space separated), then each --pop-action (which win). */
function readPopActions(flags: ApiFlags, env: NodeJS.ProcessEnv, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const sources: Array<{ label: string; items: string[] }> = [];
  if (env.HUB_API_POP_ACTIONS) sources.push({ label: 'HUB_API_POP_ACTIONS', items: env.HUB_API_POP_ACTIONS.split(/[,\s]+/).filter(Boolean) });
  if (flags.popAction) sources.push({ label: '--pop-action', items: flags.popAction });
  for (const { label, items } of sources) {
    for (const item of items) {
      const m = /^\s*([^=\s]+)\s*=\s*(\S*)\s*$/.exec(item);
      if (!m) {
        problems.push(`${label}: "${item}" is not op=Action (e.g. alibaba.trade.get.sellerView=GetSellerOrder)`);
        continue;
      }
      const [, op, action] = m as unknown as [string, string, string];
      if (!operationNamed(op)) problems.push(`${label}: "${op}" is not an operation hub-etl calls (e.g. alibaba.trade.getSellerOrderList, alibaba.product.get)`);
      else if (!/^[A-Za-z][A-Za-z0-9]{0,99}$/.test(action)) problems.push(`${label}: "${action}" is not a POP action name for ${op}; expected letters and digits such as GetSellerOrder`);
      else out[op] = action;
    }
  }
  return out;
}

/** How an API target is shown: its base URL and app key, never the secret or a token. */
export function describeApiTarget(t: ApiTarget): string {
  return `${t.baseUrl} (app key ${t.appKey || 'not set'})`;
}

function maskUserinfo(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/, '$1***@');
}
