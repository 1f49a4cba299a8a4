// What every run hands its transforms besides the source zone: 1688's zone, the store's calendar and the
// personal-data settings, with the key of the buyer hashes: HUB_PII_KEY when configured, else the
// installation's own key, generated on the first run and kept in the warehouse (etl_setting.pii_key).
import type { Config } from '../../lib/config.js';
import type { Sink } from '../../sinks/sink.js';
import type { TransformContext } from '../../transforms/types.js';

export type TransformSettings = Omit<TransformContext, 'sourceTz'>;

/** Name of the generated key in etl_setting. */
export const PII_KEY_SETTING = 'pii_key';

export async function transformSettings(config: Config, sink: Sink): Promise<TransformSettings> {
  let key = config.piiKey;
  if (key === null) key = await sink.state.installationSecret(PII_KEY_SETTING);
  return {
    apiTz: config.apiTz,
    storeTz: config.storeTz,
    pii: { key, keepBuyerIds: config.keepBuyerIds, invoiceRegistration: config.invoiceRegistration },
  };
}
