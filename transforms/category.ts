// ali1688_category row -> dim_category: the category with its ancestors flattened onto it.
//
// Reads: category_id, category_name, is_leaf, category_level, category1_id..category3_id,
// category1_name..category3_name, user_category_id, user_category_name, attributes (JSON, §3.8),
// create_datetime, modify_datetime (varchar: 'yyyy-MM-dd HH:mm:ss' in the source zone, yyyyMMddHHmmssSSSZ,
// or ISO-8601). category_level is checked against the ids: category{level}_id, when set, is the category.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob } from './json.js';
import { readTimestamp } from './time.js';
import type { Transform, WarehouseRow } from './types.js';
import { found, readBool, readId, readInt, readText, requireId, requireText } from './values.js';

export const transformCategory: Transform = (row, ctx) => {
  const categoryId = requireId(row.category_id, 'category_id');
  const level = readInt(row.category_level, 'category_level');
  if (level === null || level < 1 || level > 3) {
    throw new DataError('category_level', `expected a level of 1, 2 or 3, found ${found(row.category_level)}`);
  }
  const isLeaf = readBool(row.is_leaf, 'is_leaf');
  if (isLeaf === null) throw new DataError('is_leaf', `expected Y or N, found ${found(row.is_leaf)} (required)`);
  const name = requireText(row.category_name, 'category_name', 256);

  const ids = [readId(row.category1_id, 'category1_id'), readId(row.category2_id, 'category2_id'), readId(row.category3_id, 'category3_id')];
  const names = [
    readText(row.category1_name, 'category1_name', 256),
    readText(row.category2_name, 'category2_name', 256),
    readText(row.category3_name, 'category3_name', 256),
  ];
  // The category's own level names the category itself; fill it in when the replica left it empty.
  const own = ids[level - 1];
  if (own !== null && own !== categoryId) {
    throw new DataError('category_level', `expected category${level}_id to be the category itself (${categoryId}) at level ${level}, found ${own}`);
  }
  if (own === null) ids[level - 1] = categoryId;
  if (names[level - 1] === null && ids[level - 1] === categoryId) names[level - 1] = name;

  const out: WarehouseRow = {
    category_id: categoryId,
    category_name: name,
    level,
    is_leaf: isLeaf,
    parent_id: level === 1 ? null : ids[level - 2]!,
    level1_id: ids[0]!,
    level1_name: names[0]!,
    level2_id: ids[1]!,
    level2_name: names[1]!,
    level3_id: ids[2]!,
    level3_name: names[2]!,
    attribute_count: attributeCount(row.attributes),
    created_at: readTimestamp(row.create_datetime, 'create_datetime', ctx.sourceTz),
    modified_at: readTimestamp(row.modify_datetime, 'modify_datetime', ctx.sourceTz),
    user_category_id: readText(row.user_category_id, 'user_category_id', 256),
    user_category_name: readText(row.user_category_name, 'user_category_name', 256),
  };
  return { dim_category: [out] };
};

/**
 * Number of attributes in §3.8's result ({attributes: [...]}, possibly under `result` or in a one-element
 * array) or in a bare array of attributes; '', [], {}, null and a result without attributes count 0.
 */
function attributeCount(text: string | null | undefined): number {
  let v = parseBlob(text, 'attributes');
  for (;;) {
    if (isObject(v) && typeof v.result === 'object' && v.result !== null) v = v.result;
    else if (Array.isArray(v) && v.length === 1 && isObject(v[0]) && 'attributes' in v[0]) v = v[0];
    else break;
  }
  if (v === undefined || v === null) return 0;
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) {
    const list = v.attributes;
    if (list === undefined || list === null || list === '') return 0;
    if (Array.isArray(list)) return list.length;
    throw new DataError('attributes.attributes', `expected an array of attributes, found ${found(list)}`);
  }
  throw new DataError('attributes', `expected a JSON object or array of attributes, found ${found(v)}`);
}
