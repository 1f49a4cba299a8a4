// Every replicated table is one stream, declared here as data and served by the one engine (jobs/engine.ts).
import type { CursorKind } from '../../sources/source.js';
import type { Transform } from '../../transforms/types.js';
import { transformCategory } from '../../transforms/category.js';
import { transformCategoryAttribute } from '../../transforms/category-attribute.js';
import { transformFreightTemplate } from '../../transforms/freight-template.js';
import { transformInvoice } from '../../transforms/invoice.js';
import { transformOrder } from '../../transforms/order.js';
import { transformOrderLine } from '../../transforms/order-line.js';
import { transformProduct } from '../../transforms/product.js';
import { transformRefund } from '../../transforms/refund.js';
import { transformShipment } from '../../transforms/shipment.js';
import { transformShipFromAddress } from '../../transforms/ship-from-address.js';
import { transformShipmentEvents } from '../../transforms/shipment-events.js';
import { transformStoreCategory } from '../../transforms/store-category.js';

/**
 * A stream as the engine sees it: what a unit is, how it is transformed and where it lands. Where its
 * rows come from is the source's business: sources/replica-streams.ts for the replica tables,
 * sources/api/ for the 1688 API; both hand over replica-shaped rows.
 */
export interface StreamDef {
  name: string;
  /**
   * How the replica finds its changes (see sources/source.ts); backfills plan their chunks by it. A run
   * asks its source, which may find the same stream another way.
   */
  cursor: CursorKind;
  /** `row`: every source row is a unit; `set`: a unit is a parent's whole set of child rows, loaded whole (an order's lines). */
  unit: 'row' | 'set';
  /** Key of one source row, named in etl_reject; for `row` units it is the unit key. */
  rowKey: (row: Record<string, string | null>) => string;
  transform: Transform;
  /** Warehouse tables the transform fills; the first holds one row per unit where the unit is one row. */
  targets: string[];
  /** Bump when the transform's output changes, so that re-read rows are written again. */
  version: number;
  /**
   * Only the 1688 API has these objects: the stream is read through the API whatever the source (with a
   * replica source, the API of HUB_API_URL), and a run skips it when no API is configured.
   */
  apiOnly?: true;
}

export const STREAMS: StreamDef[] = [
  { name: 'categories', cursor: 'text', unit: 'row', rowKey: (r) => r.category_id ?? '', transform: transformCategory, targets: ['dim_category'], version: 2 },
  { name: 'products', cursor: 'datetime', unit: 'row', rowKey: (r) => r.product_id ?? '', transform: transformProduct, targets: ['dim_product', 'dim_sku', 'dim_product_price_tier', 'dim_product_attribute'], version: 2 },
  { name: 'orders', cursor: 'datetime', unit: 'row', rowKey: (r) => r.order_id ?? '', transform: transformOrder, targets: ['fct_order', 'fct_payment_term', 'fct_order_step'], version: 2 },
  { name: 'order_lines', cursor: 'parent', unit: 'set', rowKey: (r) => r.sub_item_id ?? '', transform: transformOrderLine, targets: ['fct_order_line'], version: 2 },
  { name: 'invoices', cursor: 'parent', unit: 'set', rowKey: (r) => `${r.order_id ?? ''}:${r.local_invoice_id ?? ''}`, transform: transformInvoice, targets: ['fct_invoice', 'fct_invoice_registration'], version: 2 },
  { name: 'refunds', cursor: 'datetime', unit: 'row', rowKey: (r) => r.refund_id ?? '', transform: transformRefund, targets: ['fct_refund', 'fct_refund_line', 'fct_refund_event'], version: 2 },
  { name: 'shipments', cursor: 'date', unit: 'row', rowKey: (r) => r.logistic_id ?? '', transform: transformShipment, targets: ['fct_shipment', 'fct_shipment_line'], version: 2 },
  { name: 'shipment_events', cursor: 'date', unit: 'row', rowKey: (r) => r.logistic_id ?? '', transform: transformShipmentEvents, targets: ['fct_shipment_event'], version: 2 },
  // Snapshots of what only the API serves: one row (an object with its whole set of child rows) per unit;
  // each run reads the list whole and the units the API no longer lists are removed.
  { name: 'freight_templates', cursor: 'snapshot', unit: 'row', rowKey: (r) => r.template_id ?? '', transform: transformFreightTemplate, targets: ['dim_freight_template', 'dim_freight_template_rule'], version: 1, apiOnly: true },
  { name: 'ship_from_addresses', cursor: 'snapshot', unit: 'row', rowKey: (r) => r.address_id ?? '', transform: transformShipFromAddress, targets: ['dim_ship_from_address'], version: 1, apiOnly: true },
  { name: 'store_categories', cursor: 'snapshot', unit: 'row', rowKey: (r) => r.store_category_id ?? '', transform: transformStoreCategory, targets: ['dim_store_category'], version: 1, apiOnly: true },
  { name: 'category_attributes', cursor: 'snapshot', unit: 'row', rowKey: (r) => r.category_id ?? '', transform: transformCategoryAttribute, targets: ['dim_category_attribute', 'dim_category_attribute_value'], version: 1, apiOnly: true },
];

export const STREAM_NAMES = STREAMS.map((s) => s.name);

export function streamNamed(name: string): StreamDef | undefined {
  return STREAMS.find((s) => s.name === name);
}
