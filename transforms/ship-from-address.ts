// One ship-from address (an alibaba.logistics.mySendGoodsAddress.list.get result[] entry, shape in
// sources/synthetic/api-objects.ts) -> dim_ship_from_address.
//
// Reads: address_id (the address's id; may be absent when the JSON has one, must agree when both do),
// address_data (its exact JSON text; a one-element list or a {result: [...]} wrapper is accepted, picking
// the address by id). Of the JSON: id, addressName, isDefault, country, provinceName, cityName, areaName,
// leastCode, fullAddress, post, companyName. Never read: sendGoodsContactor, mobile, phone and wangwangNo,
// a person's name, numbers and account (China PIPL); the address itself is the business's premises.
import { DataError } from '../lib/errors.js';
import { parseBlob, selectRecord, unwrap } from './json.js';
import type { Transform, WarehouseRow } from './types.js';
import { found, readBool, readId, readText } from './values.js';

const BLOB = 'address_data';

export const transformShipFromAddress: Transform = (row) => {
  const columnId = readId(row.address_id, 'address_id');
  const a = selectRecord(unwrap(parseBlob(row.address_data, BLOB), ['result']), BLOB, `ship-from address ${columnId ?? ''}`.trim(), (o) =>
    columnId !== null && readId(o.id, `${BLOB}.id`) === columnId,
  );
  if (a === undefined) throw new DataError(BLOB, `expected the address as a JSON object, found ${found(row.address_data)}`);
  const blobId = readId(a.id, `${BLOB}.id`);
  if (columnId !== null && blobId !== null && columnId !== blobId) throw new DataError(`${BLOB}.id`, `expected the address_id ${columnId}, found ${found(a.id)}`);
  const id = columnId ?? blobId;
  if (id === null) throw new DataError('address_id', `expected an id (decimal digits), found ${found(row.address_id)} (required)`);

  const code = readText(a.leastCode, `${BLOB}.leastCode`, 16);
  if (code !== null && !/^\d+$/.test(code)) throw new DataError(`${BLOB}.leastCode`, `expected an area code (digits), found ${found(a.leastCode)}`);
  const out: WarehouseRow = {
    ship_from_address_id: id,
    address_name: readText(a.addressName, `${BLOB}.addressName`, 128),
    is_default: readBool(a.isDefault, `${BLOB}.isDefault`),
    country: readText(a.country, `${BLOB}.country`, 64),
    province: readText(a.provinceName, `${BLOB}.provinceName`, 64),
    city: readText(a.cityName, `${BLOB}.cityName`, 64),
    district: readText(a.areaName, `${BLOB}.areaName`, 64),
    district_code: code,
    full_address: readText(a.fullAddress, `${BLOB}.fullAddress`, 512),
    post_code: readText(a.post, `${BLOB}.post`, 16),
    company_name: readText(a.companyName, `${BLOB}.companyName`, 256),
  };
  return { dim_ship_from_address: [out] };
};
