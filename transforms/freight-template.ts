// One freight template (an alibaba.logistics.freightTemplate.getList freightTemplates[] entry, shape in
// sources/synthetic/api-objects.ts) -> dim_freight_template, and its fee rules -> dim_freight_template_rule
// (the template's whole set: rules that are gone disappear).
//
// Reads: template_id (the template's id; may be absent when the JSON has one, must agree when both do),
// template_data (the template's exact JSON text; a one-element list or a {result|freightTemplates: [...]}
// wrapper is accepted, picking the template by id). Fees are read as yuan, at most 2 decimals (I: the SDK
// types them Long and states no unit). Not read: remark (free text a person wrote).
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { formatScaled, QTY, readScaled, YUAN } from './money.js';
import { formatUtc, parseInstant } from './time.js';
import type { Transform, WarehouseRow } from './types.js';
import { found, isAbsent, readArray, readBool, readId, readInt, readObject, readText } from './values.js';
import { apiZone } from './zones.js';

const BLOB = 'template_data';

/** Sub-template keys and the service each stands for. */
const SUBS = [['expressSubTemplate', 'express'], ['logisticsSubTemplate', 'freight'], ['codSubTemplate', 'cod']] as const;
const BASIS: Readonly<Record<number, string>> = { 0: 'weight', 1: 'piece', 2: 'volume' };
const UNIT: Readonly<Record<string, string>> = { weight: 'g', piece: 'piece' };

export const transformFreightTemplate: Transform = (row, ctx) => {
  const zone = apiZone(ctx);
  const columnId = readId(row.template_id, 'template_id');
  const tpl = selectRecord(unwrap(parseBlob(row.template_data, BLOB), ['result', 'freightTemplates']), BLOB, `freight template ${columnId ?? ''}`.trim(), (o) =>
    columnId !== null && readId(o.id, `${BLOB}.id`) === columnId,
  );
  if (tpl === undefined) throw new DataError(BLOB, `expected the freight template as a JSON object, found ${found(row.template_data)}`);
  const blobId = readId(tpl.id, `${BLOB}.id`);
  if (columnId !== null && blobId !== null && columnId !== blobId) throw new DataError(`${BLOB}.id`, `expected the template_id ${columnId}, found ${found(tpl.id)}`);
  const templateId = columnId ?? blobId;
  if (templateId === null) throw new DataError('template_id', `expected an id (decimal digits), found ${found(row.template_id)} (required)`);

  const rules: WarehouseRow[] = [];
  const present: Array<{ service: string; chargeType: number | null; sellerPaid: 0 | 1 | null }> = [];
  let latest: number | null = null;
  const seen = (ms: number | null) => {
    if (ms !== null && (latest === null || ms > latest)) latest = ms;
  };
  for (const [key, service] of SUBS) {
    const at = `${BLOB}.${key}`;
    const sub = readObject(tpl[key], at);
    if (sub === undefined) continue;
    const dto = readObject(sub.subTemplateDTO, `${at}.subTemplateDTO`) ?? {};
    const chargeType = readInt(dto.chargeType, `${at}.subTemplateDTO.chargeType`);
    const basis = chargeType === null ? null : (BASIS[chargeType] ?? 'other');
    const sellerPaid = payer(dto.serviceChargeType, `${at}.subTemplateDTO.serviceChargeType`);
    const subModified = parseInstant(dto.gmtModified, `${at}.subTemplateDTO.gmtModified`, zone);
    seen(subModified);
    present.push({ service, chargeType, sellerPaid });
    const list = readArray(sub.rateList, `${at}.rateList`);
    list.forEach((r, i) => {
      const rule = ruleRow(r, `${at}.rateList[${i}]`, zone);
      seen(rule.modified);
      rules.push({
        freight_template_id: templateId,
        service_type: service,
        rule_seq: i + 1,
        sub_template_id: readId(dto.id, `${at}.subTemplateDTO.id`),
        charge_basis: basis,
        is_seller_paid: sellerPaid,
        is_system_rate: rule.isSystem,
        is_nationwide: rule.nationwide,
        destination_area_codes: rule.codes,
        destination_names: rule.names,
        unit: basis === null ? null : (UNIT[basis] ?? null),
        first_unit: rule.firstUnit,
        first_unit_fee: rule.firstFee,
        next_unit: rule.nextUnit,
        next_unit_fee: rule.nextFee,
        minimum_fee: rule.minimum,
        is_free_shipping: sellerPaid === 1 || rule.zeroFees ? 1 : 0,
        modified_at: rule.modified !== null ? formatUtc(rule.modified) : subModified !== null ? formatUtc(subModified) : null,
      });
    });
  }

  // The express sub-template is the main one; a template without one is described by its first.
  const main = present.find((p) => p.service === 'express') ?? present[0];
  const status = readInt(tpl.status, `${BLOB}.status`);
  const type = readText(tpl.type, `${BLOB}.type`, 8);
  const out: WarehouseRow = {
    freight_template_id: templateId,
    template_name: readText(tpl.name, `${BLOB}.name`, 128),
    seller_member_id: readText(tpl.memberId, `${BLOB}.memberId`, 128),
    status,
    is_active: status === 1 ? 1 : status === -1 ? 0 : null,
    template_type: type,
    is_official: type === '3' ? 1 : 0,
    from_area_code: readText(tpl.fromAreaCode, `${BLOB}.fromAreaCode`, 16),
    from_area_name: readText(tpl.addressCodeText, `${BLOB}.addressCodeText`, 256),
    charge_type: main?.chargeType ?? null,
    charge_basis: main === undefined || main.chargeType === null ? null : (BASIS[main.chargeType] ?? 'other'),
    has_express: present.some((p) => p.service === 'express') ? 1 : 0,
    has_freight: present.some((p) => p.service === 'freight') ? 1 : 0,
    has_cash_on_delivery: present.some((p) => p.service === 'cod') ? 1 : 0,
    is_seller_paid: main?.sellerPaid ?? null,
    rule_count: rules.length,
    modified_at: latest === null ? null : formatUtc(latest),
  };
  return { dim_freight_template: [out], dim_freight_template_rule: rules };
};

/** serviceChargeType: 0 the seller pays (1), 1 the buyer pays (0); any other code is a DataError. */
function payer(v: JsonObject[string] | undefined, field: string): 0 | 1 | null {
  const code = readInt(v, field);
  if (code === null) return null;
  if (code === 0) return 1;
  if (code === 1) return 0;
  throw new DataError(field, `expected 0 (seller pays) or 1 (buyer pays), found ${found(v)}`);
}

interface Rule {
  isSystem: 0 | 1 | null;
  nationwide: 0 | 1;
  codes: string | null;
  names: string | null;
  firstUnit: string | null;
  firstFee: string | null;
  nextUnit: string | null;
  nextFee: string | null;
  minimum: string | null;
  zeroFees: boolean;
  modified: number | null;
}

/** One rateList entry: {isSysRate, toAreaCodeText, rateDTO | sysRateDTO: {firstUnit, firstUnitFee, …}}. */
function ruleRow(v: JsonObject[string] | undefined, field: string, zone: string): Rule {
  if (!isObject(v)) throw new DataError(field, `expected a fee rule object, found ${found(v)}`);
  const isSystem = readBool(v.isSysRate, `${field}.isSysRate`);
  // The system rate when the rule says so (or has only that one), else the ordinary rate.
  const key = isSystem === 1 ? (isAbsent(v.sysRateDTO) ? 'rateDTO' : 'sysRateDTO') : isAbsent(v.rateDTO) && !isAbsent(v.sysRateDTO) ? 'sysRateDTO' : 'rateDTO';
  const at = `${field}.${key}`;
  const rate = readObject(v[key], at) ?? {};
  const codes = readArray(rate.toAreaCodeList, `${at}.toAreaCodeList`).map((c, i) => {
    const code = readText(c, `${at}.toAreaCodeList[${i}]`, 12);
    if (code === null || !/^\d+$/.test(code)) throw new DataError(`${at}.toAreaCodeList[${i}]`, `expected an area code (digits), found ${found(c)}`);
    return code;
  });
  const names = readText(v.toAreaCodeText, `${field}.toAreaCodeText`, 1024);
  const yuan = (x: JsonObject[string] | undefined, f: string) => readScaled(x, `${at}.${f}`, YUAN, 'an amount in yuan');
  const firstFee = yuan(rate.firstUnitFee, 'firstUnitFee');
  const nextFee = yuan(rate.nextUnitFee, 'nextUnitFee');
  const minimum = yuan(rate.leastExpenses, 'leastExpenses');
  for (const [x, f] of [[firstFee, 'firstUnitFee'], [nextFee, 'nextUnitFee'], [minimum, 'leastExpenses']] as const) {
    if (x !== null && x < 0n) throw new DataError(`${at}.${f}`, `expected a fee of 0 or more, found ${found(rate[f])}`);
  }
  const unit = (x: JsonObject[string] | undefined, f: string) => {
    const q = readScaled(x, `${at}.${f}`, QTY, 'a quantity');
    return q === null ? null : formatScaled(q, QTY);
  };
  const codeText = codes.join(',');
  return {
    isSystem,
    nationwide: codes.includes('1') || names === '全国' ? 1 : 0,
    codes: codeText === '' ? null : readText(codeText, `${at}.toAreaCodeList`, 2048),
    names,
    firstUnit: unit(rate.firstUnit, 'firstUnit'),
    firstFee: firstFee === null ? null : formatScaled(firstFee, YUAN),
    nextUnit: unit(rate.nextUnit, 'nextUnit'),
    nextFee: nextFee === null ? null : formatScaled(nextFee, YUAN),
    minimum: minimum === null ? null : formatScaled(minimum, YUAN),
    zeroFees: firstFee === 0n && (nextFee === null || nextFee === 0n),
    modified: parseInstant(rate.gmtModified, `${at}.gmtModified`, zone),
  };
}
