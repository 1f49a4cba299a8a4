// What the data itself needs to be read right and kept lawful, read from flags and environment by
// loadConfig: the zone of 1688's offset-less times, the store's calendar, and the personal-data settings
// (the key of buyer hashes, clear buyer ids for ERP use, the restricted invoice registration table).
import { IANAZone } from 'luxon';

/** The data settings' global flags; each overrides its environment variable. */
export interface DataFlags {
  apiTz?: string;
  storeTz?: string;
  piiKey?: string;
  keepBuyerIds?: boolean;
  invoiceRegistration?: boolean;
}

export interface DataSettings {
  /** IANA zone of 1688's offset-less time strings (acceptTime, gmtPayExpireTime, accountPeriodTime, msgSendTime). */
  apiTz: string;
  /** IANA zone of the store's calendar: every `*_date` hub-etl derives from an instant. */
  storeTz: string;
  /** Key of the buyer hashes (HMAC-SHA256); null: the warehouse's own generated key is used. */
  piiKey: string | null;
  /** Load buyers' clear memberIds into the buyer_member_id columns (for an ERP), instead of their keyed hash. */
  keepBuyerIds: boolean;
  /** Load the invoices' VAT registration (company bank and address) into the restricted fct_invoice_registration. */
  invoiceRegistration: boolean;
}

/** 1688 writes its zone-less times in China time, wherever a replica keeps its columns. */
export const DEFAULT_API_TZ = 'Asia/Shanghai';
export const DEFAULT_STORE_TZ = 'Asia/Shanghai';
/** A configured PII key must carry at least this many characters (openssl rand -hex 32 gives 64). */
export const MIN_PII_KEY_LENGTH = 32;

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off', ''];

function zone(flag: string | undefined, flagName: string, envName: string, env: NodeJS.ProcessEnv, fallback: string, problems: string[]): string {
  const label = flag !== undefined ? `--${flagName}` : env[envName] ? envName : null;
  const value = (flag ?? (env[envName] || fallback)).trim();
  if (!IANAZone.isValidZone(value)) {
    problems.push(`${label ?? `default ${flagName}`}: "${value}" is not a known IANA time zone; expected a name such as Asia/Shanghai or UTC`);
  }
  return value;
}

function bool(flag: boolean | undefined, flagName: string, envName: string, env: NodeJS.ProcessEnv, problems: string[]): boolean {
  if (flag !== undefined) return flag;
  const raw = env[envName];
  if (raw === undefined) return false;
  const v = raw.trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  problems.push(`${envName}: "${raw}" is not a yes/no value; expected 1 or 0 (or --${flagName})`);
  return false;
}

/** Reads and checks the data settings; every problem goes to `problems` (the key itself is never quoted). */
export function loadDataSettings(flags: DataFlags, env: NodeJS.ProcessEnv, problems: string[]): DataSettings {
  const apiTz = zone(flags.apiTz, 'api-tz', 'HUB_API_TZ', env, DEFAULT_API_TZ, problems);
  const storeTz = zone(flags.storeTz, 'store-tz', 'HUB_STORE_TZ', env, DEFAULT_STORE_TZ, problems);
  const keyLabel = flags.piiKey !== undefined ? '--pii-key' : 'HUB_PII_KEY';
  const rawKey = flags.piiKey ?? env.HUB_PII_KEY;
  let piiKey: string | null = null;
  if (rawKey !== undefined && rawKey !== '') {
    if (rawKey !== rawKey.trim()) problems.push(`${keyLabel}: the key starts or ends with blanks; give the key alone`);
    else if ([...rawKey].length < MIN_PII_KEY_LENGTH) {
      problems.push(`${keyLabel}: the key has ${[...rawKey].length} characters; expected at least ${MIN_PII_KEY_LENGTH} (for example the output of openssl rand -hex 32)`);
    } else piiKey = rawKey;
  }
  return {
    apiTz,
    storeTz,
    piiKey,
    keepBuyerIds: bool(flags.keepBuyerIds, 'keep-buyer-ids', 'HUB_KEEP_BUYER_IDS', env, problems),
    invoiceRegistration: bool(flags.invoiceRegistration, 'invoice-registration', 'HUB_INVOICE_REGISTRATION', env, problems),
  };
}
