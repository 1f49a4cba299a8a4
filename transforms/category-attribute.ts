// ali1688_category row (attributes: alibaba.category.attribute.get's result, §3.8) ->
// dim_category_attribute and dim_category_attribute_value, both as the category's whole set (an attribute
// or value that is gone disappears; a category without attributes has none).
//
// Reads: category_id, attributes (JSON: {attributes[], attributeLevelMapStr, errorMsg}, possibly under
// `result` or in a one-element array, or a bare array of attributes; '', [], {}, null mean none, as on
// non-leaf categories), modify_datetime (varchar of unknown format). Of an attribute: attrID (attributeID),
// name, required, isSKUAttribute, inputType, aspect, fieldType, units, parentAttrID, parentAttrValueID,
// attrValues [{attrValueID, name, isSKU, childAttrs}]. The same row shape serves the API's result.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, type JsonObject, type JsonValue } from './json.js';
import { uniqueRows } from './rows.js';
import { readTimestamp } from './time.js';
import type { Transform, WarehouseRow } from './types.js';
import { firstKey, found, readArray, readBool, readId, readIdList, readText, requireId } from './values.js';

const BLOB = 'attributes';

const INPUT_TYPES: Readonly<Record<string, string>> = { '0': 'text', '-1': 'number', '1': 'dropdown', '2': 'checkbox', '3': 'radio', '4': 'list', '5': 'date' };
const ASPECTS: Readonly<Record<string, string>> = { '0': 'product', '3': 'trade', '5': 'spu' };

export const transformCategoryAttribute: Transform = (row, ctx) => {
  const categoryId = requireId(row.category_id, 'category_id');
  const modifiedAt = readTimestamp(row.modify_datetime, 'modify_datetime', ctx.sourceTz);
  const { list, field } = attributeList(row.attributes);
  const attributes: WarehouseRow[] = [];
  const values: WarehouseRow[] = [];
  list.forEach((a, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(a)) throw new DataError(at, `expected an attribute object, found ${found(a)}`);
    const idKey = firstKey(a, 'attrID', 'attributeID');
    const attributeId = readId(a[idKey], `${at}.${idKey}`);
    if (attributeId === null) throw new DataError(`${at}.attrID`, `expected an id (decimal digits), found ${found(a[idKey])} (required)`);
    const own = readArray(a.attrValues, `${at}.attrValues`);
    own.forEach((v, j) => values.push(valueRow(v, `${at}.attrValues[${j}]`, categoryId, attributeId, j + 1)));
    const inputType = readText(a.inputType, `${at}.inputType`, 8);
    const aspect = readText(a.aspect, `${at}.aspect`, 16);
    const skuKey = firstKey(a, 'isSKUAttribute', 'isSkuAttribute');
    attributes.push({
      category_id: categoryId,
      attribute_id: attributeId,
      attribute_name: readText(a.name, `${at}.name`, 256),
      is_required: readBool(a.required, `${at}.required`),
      is_sku_attribute: readBool(a[skuKey], `${at}.${skuKey}`),
      input_type: inputType,
      input_type_label: inputType === null ? null : (INPUT_TYPES[inputType] ?? 'other'),
      aspect,
      aspect_label: aspect === null ? null : aspectLabel(aspect),
      field_type: readText(a.fieldType, `${at}.fieldType`, 16),
      units: units(a.units, `${at}.units`),
      parent_attribute_id: topLevelIsNull(readId(a.parentAttrID, `${at}.parentAttrID`)),
      parent_attribute_value_id: topLevelIsNull(readId(a.parentAttrValueID, `${at}.parentAttrValueID`)),
      // Numbered once exact repeats are gone.
      sort_order: 0,
      value_count: own.length,
      modified_at: modifiedAt,
    });
  });
  return {
    dim_category_attribute: uniqueRows(attributes, ['category_id', 'attribute_id'], `${field}.attrID`).map((a, i) => ({ ...a, sort_order: i + 1 })),
    dim_category_attribute_value: uniqueRows(values, ['category_id', 'attribute_id', 'attribute_value_id'], `${field}.attrValues.attrValueID`),
  };
};

/** The attribute list of the blob and the field naming it; [] when the blob says nothing. */
function attributeList(text: string | null | undefined): { list: JsonValue[]; field: string } {
  let v = parseBlob(text, BLOB);
  for (;;) {
    if (isObject(v) && typeof v.result === 'object' && v.result !== null) v = v.result;
    else if (Array.isArray(v) && v.length === 1 && isObject(v[0]) && 'attributes' in v[0]) v = v[0];
    else break;
  }
  if (v === undefined || v === null) return { list: [], field: BLOB };
  if (Array.isArray(v)) return { list: v, field: BLOB };
  if (isObject(v)) return { list: readArray(v.attributes, `${BLOB}.attributes`), field: `${BLOB}.attributes` };
  throw new DataError(BLOB, `expected a JSON object or array of attributes, found ${found(v)}`);
}

function valueRow(v: JsonValue, at: string, categoryId: string, attributeId: string, seq: number): WarehouseRow {
  if (!isObject(v)) throw new DataError(at, `expected an attribute value object, found ${found(v)}`);
  const idKey = firstKey(v, 'attrValueID', 'attributeValueID');
  const valueId = readId(v[idKey], `${at}.${idKey}`);
  if (valueId === null) throw new DataError(`${at}.attrValueID`, `expected an id (decimal digits), found ${found(v[idKey])} (required)`);
  const children = readIdList(v.childAttrs, `${at}.childAttrs`).join(',');
  return {
    category_id: categoryId,
    attribute_id: attributeId,
    attribute_value_id: valueId,
    value_name: readText(v.name, `${at}.name`, 256),
    is_sku_value: readBool(v.isSKU, `${at}.isSKU`),
    child_attribute_ids: children === '' ? null : readText(children, `${at}.childAttrs`, 1024),
    sort_order: seq,
  };
}

/** "0", "0;" (as the API's sample writes it), "0;3" -> product, product, product,trade; unknown codes are other. */
function aspectLabel(aspect: string): string | null {
  const codes = aspect.split(/[;,]/).map((x) => x.trim()).filter((x) => x !== '');
  if (codes.length === 0) return null;
  return [...new Set(codes.map((c) => ASPECTS[c] ?? 'other'))].join(',');
}

/** units: Str[] (["千克","克"]) or one string ("mm"), as 'a;b'. */
function units(v: JsonObject[string] | undefined, field: string): string | null {
  if (typeof v === 'string') return readText(v, field, 256);
  const list = readArray(v, field).map((u, i) => readText(u, `${field}[${i}]`, 256)).filter((u): u is string => u !== null);
  return list.length === 0 ? null : readText(list.join(';'), field, 256);
}

/** An empty or zero parent id means a top-level attribute. */
const topLevelIsNull = (id: string | null): string | null => (id === null || id === '0' ? null : id);
