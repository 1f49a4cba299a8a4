// A product as ali1688_product shows it at an instant: the columns and the productInfo blob (SKUs, price
// ranges, stock, shipping), blob times in China time.
import { ATTR_BRAND, ATTR_MATERIAL, ATTR_MODEL, ATTR_ORIGIN } from './categories.js';
import { priced, sku, stateAt, subject, type Product } from './catalog.js';
import { chinaClock, type ZoneClock } from './clock.js';
import { javaDouble, obj, str, yuan4 } from './format.js';
import { hashUnit, Stream } from './random.js';
import type { Row } from './tables.js';

const stock = (seed: number, p: Product, k: number, stockSeed: number): number =>
  Math.floor(hashUnit(seed, Stream.ProductLife, p.index * 977 + k * 31 + stockSeed * 7919) * 5000);

/** The product as ali1688_product shows it at `ms` (undefined before its creation); blob times in China time. */
export function productRow(seed: number, clock: ZoneClock, p: Product, ms: number, china: ZoneClock = chinaClock(clock)): Row | undefined {
  const s = stateAt(p, ms);
  if (!s) return undefined;
  const skus = Array.from({ length: p.skuCount }, (_, k) => sku(seed, p, k));
  const l = p.leaf.leaf;
  const cargos = p.noSku ? [] : skus.map((x) => x.cargo).filter((x): x is string => x !== null);
  const title = subject(p, s.titleVariant);
  const stocks = skus.map((x) => stock(seed, p, x.k, s.stockSeed));
  const total = stocks.reduce((a, b) => a + b, 0);
  const skuPrices = skus.map((x) => priced(p, x.basePrice, s.priceBp));
  const retail = (price: number) => (p.priceStep === 100 ? Math.max(10_000, Math.round((price * 1.45) / 10_000) * 10_000) : priced(p, price * 1.6, 10_000));
  let blob: string | null = null;
  if (!p.nullBlob) {
    const skuInfos = skus.map((x, i) =>
      obj([
        ['skuId', x.id],
        ['specId', str(x.specId)],
        ['cargoNumber', x.cargo === null ? undefined : str(x.cargo)],
        ['amountOnSale', String(stocks[i])],
        ['price', p.quoteType === 1 ? yuan4(skuPrices[i]!) : undefined],
        ['retailPrice', yuan4(retail(skuPrices[i]!))],
        ['attributes', `[${obj([['attributeID', String(l.colour.attrId)], ['attributeValue', str(x.colour)], ['attributeName', str(l.colour.name)]])},${obj([['attributeID', String(l.spec.attrId)], ['attributeValue', str(x.spec)], ['attributeName', str(l.spec.name)]])}]`],
      ]),
    );
    const ranges = p.quoteType === 0
      ? `[${p.tiers.map((t) => obj([['startQuantity', String(t.start)], ['price', yuan4(priced(p, p.basePrice, Math.round((s.priceBp * t.bp) / 10_000)))]])).join(',')}]`
      : '[]';
    const attributes = [
      [ATTR_BRAND, '品牌', p.brand],
      [ATTR_MATERIAL, '材质', p.material],
      [ATTR_ORIGIN, '产地', p.origin],
      [ATTR_MODEL, '型号', p.cargo ?? `${p.brand}-${p.index}`],
    ] as const;
    const info = obj([
      ['productID', p.id],
      ['productType', str('wholesale')],
      ['categoryID', String(p.leaf.def.id)],
      ['categoryName', str(p.leaf.def.name)],
      ['groupID', `[${p.groupId}]`],
      ['subject', str(title)],
      ['language', str('CHINESE')],
      ['status', str(s.status)],
      ['qualityLevel', p.qualityLevel === null ? undefined : String(p.qualityLevel)],
      // The product's item number (货号): Cloud Hub's product_cargo_number column holds the same value.
      ['productCargoNumber', p.cargo === null ? undefined : str(p.cargo)],
      ['attributes', `[${attributes.map(([id, name, value]) => obj([['attributeID', String(id)], ['attributeName', str(name)], ['value', str(value)]])).join(',')}]`],
      ['skuInfos', p.noSku ? undefined : `[${skuInfos.join(',')}]`],
      ['saleInfo', obj([
        ['supportOnlineTrade', 'true'],
        ['mixWholeSale', String(p.minOrder > 1)],
        ['priceRanges', ranges],
        ['quoteType', String(p.quoteType)],
        ['amountOnSale', javaDouble(total)],
        ['minOrderQuantity', String(p.minOrder)],
        ['unit', str(p.unit)],
        ['retailprice', yuan4(retail(skuPrices[0]!))],
      ])],
      ['shippingInfo', obj([['unitWeight', String(p.weightG / 1000)], ['freightTemplateID', p.freightTemplateId]])],
    ]);
    const t = (v: number | null) => (v === null ? 'null' : str(china.blob(v)));
    blob = obj([
      ['productInfo', info],
      ['createTime', t(p.createMs)],
      ['lastUpdateTime', t(s.lastUpdate)],
      ['lastRepostTime', t(s.lastRepost)],
      ['approvedTime', t(s.approved)],
      ['expireTime', t(s.expire)],
      ['errMsg', 'null'],
    ]);
  }
  const n = (v: number | null) => (v === null ? null : clock.naive(v));
  return [
    null,
    p.id,
    p.qualityLevel === null ? null : String(p.qualityLevel),
    title,
    String(p.leaf.def.id),
    p.leaf.def.name,
    p.cargo,
    cargos.length > 0 ? cargos.join(',') : null,
    s.status,
    clock.naive(p.createMs),
    clock.naive(s.lastUpdate),
    n(s.lastRepost),
    n(s.approved),
    n(s.expire),
    blob,
  ];
}
