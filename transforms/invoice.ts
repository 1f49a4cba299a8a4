// ali1688_invoice row (+ invoice_data, §3.4 OrderInvoiceModel) -> fct_invoice and, when the installation
// asked for it (--invoice-registration), the restricted fct_invoice_registration of invoices to companies.
//
// Reads: order_id (printed order_Id), invoice_type (int), local_invoice_id, invoice_data (JSON). The keys
// come from the columns (the blob's orderId is a Long with no string twin); the type from the blob, else
// the column. An empty blob still gives the invoice from its columns. Personal data stays out: a title
// that is an individual's name is masked, and the recipient (receive*: name, phone, address) is never read.
import { DataError } from '../lib/errors.js';
import { parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { isPersonalTitle, MASK } from './mask.js';
import { fenToYuan } from './money.js';
import { readInvoiceType } from './enums.js';
import type { Transform, TransformOutput, WarehouseRow } from './types.js';
import { firstKey, found, isAbsent, readId, readText, requireId } from './values.js';

const BLOB = 'invoice_data';

export const transformInvoice: Transform = (row, ctx) => {
  const orderId = requireId(row.order_id, 'order_id');
  const columnInvoiceId = readId(row.local_invoice_id, 'local_invoice_id');
  const inv = selectRecord(unwrap(parseBlob(row.invoice_data, BLOB), ['result', 'orderInvoiceInfo']), BLOB, `invoice ${columnInvoiceId ?? ''}`.trim(), (o) =>
    columnInvoiceId !== null && readId(o.localInvoiceId, `${BLOB}.localInvoiceId`) === columnInvoiceId,
  );
  const localInvoiceId = columnInvoiceId ?? (inv ? readId(inv.localInvoiceId, `${BLOB}.localInvoiceId`) : null);
  if (localInvoiceId === null) throw new DataError('local_invoice_id', `expected an id (decimal digits), found ${found(row.local_invoice_id)} (required)`);

  const type = inv && !isAbsent(inv.invoiceType) ? readInvoiceType(inv.invoiceType, `${BLOB}.invoiceType`) : readInvoiceType(row.invoice_type, 'invoice_type');
  if (type === null) throw new DataError('invoice_type', `expected an invoice type (0 plain, 1 VAT, 9 unknown), found ${found(row.invoice_type)} (required)`);
  const status = inv ? readText(inv.status ?? inv.invoiceStatus, `${BLOB}.status`, 32) : null;
  const title = inv ? readText(inv.invoiceCompanyName, `${BLOB}.invoiceCompanyName`, 256) : null;
  const taxpayerId = inv ? readText(inv.taxpayerIdentify, `${BLOB}.taxpayerIdentify`, 64) : null;
  const personal = title === null ? null : isPersonalTitle(title, taxpayerId) ? 1 : 0;

  const out: WarehouseRow = {
    order_id: orderId,
    local_invoice_id: localInvoiceId,
    invoice_type: type,
    invoice_title: personal === 1 ? MASK : title,
    taxpayer_id: taxpayerId,
    amount: inv ? fenToYuan(inv.amount, `${BLOB}.amount`) : null,
    // Compared case-insensitively by 1688; stored in the documented upper case.
    invoice_status: status === null ? null : status.toUpperCase(),
    is_personal_title: personal,
  };
  const result: TransformOutput = { fct_invoice: [out] };
  if (ctx.pii?.invoiceRegistration) {
    result.fct_invoice_registration = inv && taxpayerId !== null ? [registration(inv, orderId, localInvoiceId, title, taxpayerId)] : [];
  }
  return result;
};

/** The company's VAT registration: register* (and the older bankName/bankAccount/registerAddress) fields. */
function registration(inv: JsonObject, orderId: string, localInvoiceId: string, title: string | null, taxpayerId: string): WarehouseRow {
  const text = (max: number, ...keys: string[]): string | null => {
    const key = firstKey(inv, ...keys);
    return readText(inv[key], `${BLOB}.${key}`, max);
  };
  const area = text(128, 'registerCodeText');
  const street = text(512, 'registerStreet', 'registerAddress');
  const address = area !== null && street !== null && !street.startsWith(area) ? `${area}${street}` : street ?? area;
  return {
    order_id: orderId,
    local_invoice_id: localInvoiceId,
    company_title: title,
    taxpayer_id: taxpayerId,
    register_area_code: text(16, 'registerCode'),
    register_address: readText(address, `${BLOB}.registerStreet`, 512),
    register_phone: text(64, 'registerPhone'),
    bank_name: text(128, 'registerBank', 'bankName'),
    bank_account: text(64, 'registerAccountId', 'bankAccount'),
  };
}
