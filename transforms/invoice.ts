// ali1688_invoice row (+ invoice_data, §3.4 OrderInvoiceModel) -> fct_invoice.
//
// Reads: order_id (printed order_Id), invoice_type (int), local_invoice_id, invoice_data (JSON). The keys
// come from the columns (the blob's orderId is a Long with no string twin); the type from the blob, else
// the column. An empty blob still gives the invoice from its columns.
import { DataError } from '../lib/errors.js';
import { parseBlob, selectRecord, unwrap } from './json.js';
import { fenToYuan } from './money.js';
import { readInvoiceType } from './enums.js';
import type { Transform, WarehouseRow } from './types.js';
import { found, isAbsent, readId, readText, requireId } from './values.js';

const BLOB = 'invoice_data';

export const transformInvoice: Transform = (row) => {
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

  const out: WarehouseRow = {
    order_id: orderId,
    local_invoice_id: localInvoiceId,
    invoice_type: type,
    invoice_title: inv ? readText(inv.invoiceCompanyName, `${BLOB}.invoiceCompanyName`, 256) : null,
    taxpayer_id: inv ? readText(inv.taxpayerIdentify, `${BLOB}.taxpayerIdentify`, 64) : null,
    amount: inv ? fenToYuan(inv.amount, `${BLOB}.amount`) : null,
    // Compared case-insensitively by 1688; stored in the documented upper case.
    invoice_status: status === null ? null : status.toUpperCase(),
  };
  return { fct_invoice: [out] };
};
