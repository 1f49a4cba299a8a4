// One store category (a category.getSelfCatlist sellerCats[] entry, shape in
// sources/synthetic/api-objects.ts) -> dim_store_category: the category, and any children nested in it.
//
// Reads: store_category_id (the category's id; may be absent when the JSON has one, must agree when both
// do), parent_store_category_id (its parent, for a level-2 category given on its own row; absent at level
// 1), store_category_data (its exact JSON text: id, name, ordering, iconUrl, memberId, gmtCreate,
// gmtModified, children). Feed one category per row, as the store keeps them, so that a snapshot removes
// a category that is gone; children nested in the JSON (as the API nests them) are loaded too, each with
// this category as its parent.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { uniqueRows } from './rows.js';
import { readTimestamp } from './time.js';
import type { Transform, WarehouseRow } from './types.js';
import { firstKey, found, readArray, readId, readInt, readText } from './values.js';
import { apiZone } from './zones.js';

const BLOB = 'store_category_data';
/** Deeper nesting than this is no store category tree 1688 builds (it has two levels). */
const MAX_DEPTH = 3;

export const transformStoreCategory: Transform = (row, ctx) => {
  const columnId = readId(row.store_category_id, 'store_category_id');
  const c = selectRecord(unwrap(parseBlob(row.store_category_data, BLOB), ['result', 'toReturn', 'sellerCats']), BLOB, `store category ${columnId ?? ''}`.trim(), (o) =>
    columnId !== null && readId(o.id, `${BLOB}.id`) === columnId,
  );
  if (c === undefined) throw new DataError(BLOB, `expected the store category as a JSON object, found ${found(row.store_category_data)}`);
  const blobId = readId(c.id, `${BLOB}.id`);
  if (columnId !== null && blobId !== null && columnId !== blobId) throw new DataError(`${BLOB}.id`, `expected the store_category_id ${columnId}, found ${found(c.id)}`);
  const id = columnId ?? blobId;
  if (id === null) throw new DataError('store_category_id', `expected an id (decimal digits), found ${found(row.store_category_id)} (required)`);

  const columnParent = readId(row.parent_store_category_id, 'parent_store_category_id');
  const parentKey = firstKey(c, 'parentId', 'parentID');
  const blobParent = readId(c[parentKey], `${BLOB}.${parentKey}`);
  if (columnParent !== null && blobParent !== null && columnParent !== blobParent) {
    throw new DataError(`${BLOB}.${parentKey}`, `expected the parent_store_category_id ${columnParent}, found ${found(c[parentKey])}`);
  }
  // 1688 writes 0 for "no parent" in some category APIs.
  const parent = columnParent ?? blobParent;
  const rows: WarehouseRow[] = [];
  const top = parent === '0' ? null : parent;
  walk(c, id, top, top === null ? 1 : 2, BLOB, apiZone(ctx), rows);
  return { dim_store_category: uniqueRows(rows, ['store_category_id'], `${BLOB}.children`) };
};

function walk(c: JsonObject, id: string, parent: string | null, level: number, field: string, zone: string, out: WarehouseRow[]): void {
  if (level > MAX_DEPTH) throw new DataError(`${field}.children`, `expected a store category tree of at most ${MAX_DEPTH} levels, found deeper nesting`);
  out.push({
    store_category_id: id,
    category_name: readText(c.name, `${field}.name`, 256),
    parent_store_category_id: parent,
    level,
    sort_order: readInt(c.ordering, `${field}.ordering`),
    icon_url: readText(c.iconUrl, `${field}.iconUrl`, 1024),
    seller_member_id: readText(c.memberId, `${field}.memberId`, 128),
    created_at: readTimestamp(c.gmtCreate, `${field}.gmtCreate`, zone),
    modified_at: readTimestamp(c.gmtModified, `${field}.gmtModified`, zone),
  });
  readArray(c.children, `${field}.children`).forEach((child, i) => {
    const at = `${field}.children[${i}]`;
    if (!isObject(child)) throw new DataError(at, `expected a store category object, found ${found(child)}`);
    const childId = readId(child.id, `${at}.id`);
    if (childId === null) throw new DataError(`${at}.id`, `expected an id (decimal digits), found ${found(child.id)} (required)`);
    walk(child, childId, id, level + 1, at, zone, out);
  });
}
