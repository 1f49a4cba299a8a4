// The few error types hub-etl throws, and the one place that decides retry-or-fail.

/** Base class: every hub-etl error says whether trying again may help. */
export class HubError extends Error {
  readonly retriable: boolean;
  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** Invalid configuration (flags, environment). Lists every problem at once. Exit code 2. */
export class ConfigError extends HubError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} configuration problems:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** Wrong use of a command (bad option value, conflicting options). Exit code 2. */
export class UsageError extends HubError {}

/** One source row cannot be turned into warehouse rows. The engine records it as a reject and goes on. */
export class DataError extends HubError {
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string, options: { cause?: unknown } = {}) {
    super(`${field}: ${reason}`, options);
    this.field = field;
    this.reason = reason;
  }
}

/** Reading the source failed. */
export class SourceError extends HubError {}

/** Writing the warehouse failed. */
export class SinkError extends HubError {}

/** Work stopped on request (SIGINT/SIGTERM) at a clean point: nothing half-written is left behind. */
export class InterruptedError extends HubError {}

/** A safety check refused an operation (for example writing into a replica hub-etl did not create). Exit code 1. */
export class SafetyError extends HubError {}

// Driver error codes after which the same statement may succeed on a new attempt.
const RETRIABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_QUERY_INTERRUPTED', 'ER_CLIENT_INTERACTION_TIMEOUT',
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT',
]);

function codeOf(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}

/** The single place that decides whether an error is worth retrying. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof HubError) return err.retriable || (err.cause !== undefined && err.cause !== err && isRetriable(err.cause));
  const code = codeOf(err);
  if (code && RETRIABLE_CODES.has(code)) return true;
  if (err instanceof Error && /Knex: Timeout acquiring a connection|Connection is closed|Connection lost/i.test(err.message)) return true;
  // Redis replies that mean "not now": loading its data after a restart, a replica during failover, busy scripts.
  if (err instanceof Error && /^(LOADING|READONLY|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)\b/.test(err.message)) return true;
  if (err instanceof Error && err.name === 'MaxRetriesPerRequestError') return true;
  return false;
}

/** Wraps a driver error from the source side, keeping the cause and the retry decision. */
export function sourceError(message: string, cause: unknown): SourceError {
  return new SourceError(`${message}: ${describe(cause)}`, { cause, retriable: isRetriable(cause) });
}

/** Wraps a driver error from the warehouse side, keeping the cause and the retry decision. */
export function sinkError(message: string, cause: unknown): SinkError {
  return new SinkError(`${message}: ${describe(cause)}`, { cause, retriable: isRetriable(cause) });
}

/** One readable line for any thrown value. */
export function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  if (err instanceof Error) {
    const code = codeOf(err);
    let msg = err.message || code || err.name;
    // Driver errors repeat the whole statement, data included: keep the database's own words.
    const sqlMessage = (err as { sqlMessage?: unknown }).sqlMessage;
    if (typeof sqlMessage === 'string' && sqlMessage) msg = sqlMessage;
    else if (msg.length > 300 && msg.includes(' - ')) msg = msg.slice(msg.lastIndexOf(' - ') + 3);
    if (msg.length > 500) msg = `${msg.slice(0, 500)}…`;
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}

/**
 * True for an error whose fix is in the configuration although it surfaced while running (an API
 * secret the gateway refuses, an app lacking a permission): such errors carry `configFault: true`.
 */
export function isConfigFault(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof HubError && depth < 4; e = e.cause, depth++) {
    if ((e as { configFault?: unknown }).configFault === true) return true;
  }
  return false;
}

/** Exit code for an error reaching the command line: 2 for usage and configuration, 1 otherwise. */
export function exitCodeFor(err: unknown): number {
  return err instanceof ConfigError || err instanceof UsageError || isConfigFault(err) ? 2 : 1;
}
