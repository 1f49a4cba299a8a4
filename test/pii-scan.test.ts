// No buyer's personal data in the warehouse (China's PIPL): a generated store, full of the personal data
// real blobs carry, is loaded with default settings; every table and view, and a full CSV export of
// each, is scanned for phone numbers, the store's buyer and receiver names, streets, zip codes, e-mail
// addresses and clear buyer memberIds. None may be found. With --keep-buyer-ids the ids appear.
import path from 'node:path';
import test from 'ava';
import { exportTable, relations } from '../jobs/export.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { backendsOf, loadStore, SOURCES, textRows } from './fields-helpers.js';
import { parseBlob, readStore, unwrapRefund, type Json, type Store } from './generate-helpers.js';
import { readCsv } from './csv-read.js';
import { target, tempDir, testWith } from './helpers.js';
import { BACKENDS, writableSource } from './stream-helpers.js';

const blob = (text: string | null | undefined): Json => parseBlob(text!) as Json;
const obj = (v: unknown): Json => (v ?? {}) as Json;
const arr = (v: unknown): Json[] => (v ?? []) as Json[];

/**
 * Written independently of transforms/mask.ts: what a phone number looks like. Digits inside a run of
 * letters and digits are no phone (a hex hash such as buyer_key or row_hash holds digit runs).
 */
const PHONES: readonly RegExp[] = [/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/, /(?<![0-9A-Za-z])1[3-9]\d[*＊]{4}\d{4}(?![0-9A-Za-z])/, /(?<![0-9A-Za-z])0\d{2,3}-[\d*]{7,8}(?![0-9A-Za-z])/];
/** A zip code in text; a numeric column's value (a quantity of 100000) is no zip code. */
const ZIP = /(?<![0-9A-Za-z.])\d{6}(?![0-9A-Za-z.])/g;
const NUMERIC = new Set(['id', 'int', 'bool', 'decimal', 'ratio']);
const MEMBER = /b2b-[0-9A-Za-z]+/g;

interface Pii {
  buyerIds: Set<string>;
  texts: Set<string>;
  accounts: Set<string>;
  zips: Set<string>;
  /** The seller's own post and area codes (see sellerPlaces). */
  sellerPlaces: Set<string>;
}

/** The seller's own tables, loaded through the API: its ship-from addresses and freight templates (a company's data, README "Personal data"). */
const SELLER_TABLES = new Set(['dim_ship_from_address', 'dim_freight_template', 'dim_freight_template_rule']);
const PLACE_KEYS = new Set(['post', 'leastCode', 'fromAreaCode', 'toAreaCodeList']);

/**
 * The seller's own places as the API serves them (hub_etl_api_object): its ship-from addresses' post and
 * district codes, its freight templates' origin and destination regions. A buyer may live where the seller
 * ships from (the same city's zip code) and a province's area code may read as a zip code (310000): in the
 * seller's own tables such a value is the seller's, checked to be one of these, not a buyer's zip code.
 */
function sellerPlaces(apiObjects: Array<Record<string, string | null>>): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, key: string | null): void => {
    if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v as Json)) walk(x, k);
    else if (key !== null && PLACE_KEYS.has(key) && typeof v === 'string') out.add(v);
  };
  for (const o of apiObjects) if (o.kind === 'ship_from_address' || o.kind === 'freight_template') walk(blob(o.json), null);
  return out;
}

/** The personal data of the store, read from its blobs: what must never reach the warehouse. */
function personalData(s: Store, apiObjects: Array<Record<string, string | null>>): Pii {
  const buyerIds = new Set<string>();
  const people = new Set<string>();
  const texts = new Set<string>();
  const zips = new Set<string>();
  const accounts = new Set<string>();
  const add = (set: Set<string>, v: unknown) => {
    if (typeof v === 'string' && v.trim() !== '') set.add(v.trim());
  };
  for (const o of s.ali1688_order) {
    buyerIds.add(o.buyer_member_id!);
    const b = blob(o.order_datas);
    const base = obj(b.baseInfo);
    const contact = obj(base.buyerContact);
    const rcv = obj(base.receiverInfo);
    const nl = obj(b.nativeLogistics);
    for (const v of [contact.name, rcv.toFullName, nl.contactPerson]) add(people, v);
    for (const v of [nl.address, base.buyerMemo, base.sellerMemo, base.remark, base.closeRemark]) add(texts, v);
    for (const v of [rcv.toPost, nl.zip]) add(zips, v);
  }
  for (const r of s.ali1688_order_refund) buyerIds.add(r.buyer_member_id!);
  for (const i of s.ali1688_invoice) {
    const m = blob(i.invoice_data);
    for (const v of [m.receiveName, m.taxpayerIdentify === undefined ? m.invoiceCompanyName : undefined]) add(people, v);
    for (const v of [m.receiveStreet, m.receiveEmail, m.registerStreet, m.registerAddress]) add(texts, v);
    for (const v of [m.registerAccountId, m.bankAccount]) add(accounts, v);
    add(zips, m.receivePost);
  }
  for (const r of s.ali1688_order_refund) for (const op of arr(unwrapRefund(blob(r.order_refund_data)).refundOperationList)) add(texts, op.operatorLoginId);
  for (const l of s.ali1688_logistics_order) add(texts, obj(blob(l.logistic_order_datas).receiver).receiverAddress);
  // A name that is also an everyday word of the store's own text (高强 in 高强度) proves nothing either way.
  const corpus = [
    ...s.ali1688_product.map((p) => p.subject), ...s.ali1688_category.map((c) => c.category_name), ...s.ali1688_order_line.map((l) => String(blob(l.order_line_data).name)),
  ].join('\n');
  for (const p of people) if (!corpus.includes(p)) texts.add(p);
  return { buyerIds, texts, accounts, zips, sellerPlaces: sellerPlaces(apiObjects) };
}

/** What of the store's personal data a text holds (`numeric`: the value of a number column; `seller`: a column of the seller's own tables). */
function leaks(text: string, pii: Pii, numeric = false, seller = false): string[] {
  const out: string[] = [];
  for (const re of PHONES) {
    const m = re.exec(text);
    if (m) out.push(`phone ${m[0]}`);
  }
  for (const m of text.matchAll(MEMBER)) if (pii.buyerIds.has(m[0])) out.push(`buyer id ${m[0]}`);
  if (!numeric) for (const m of text.matchAll(ZIP)) if (pii.zips.has(m[0]) && !(seller && pii.sellerPlaces.has(m[0]))) out.push(`zip ${m[0]}`);
  if (/[^\x00-\x7f]|@/.test(text)) for (const p of pii.texts) if (text.includes(p)) out.push(`"${p}"`);
  for (const m of text.matchAll(/\d{12,}/g)) if (pii.accounts.has(m[0])) out.push(`bank account ${m[0]}`);
  return out;
}

async function scanDatabase(db: Db, pii: Pii): Promise<string[]> {
  const found: string[] = [];
  for (const rel of relations()) {
    const numeric = new Set(rel.columns.filter((c) => NUMERIC.has(c.type.kind)).map((c) => c.name));
    for (const row of await rawRows<Record<string, unknown>>(db, db.dialect, `select * from ${rel.name}`)) {
      for (const [col, v] of Object.entries(row)) {
        if (v === null || v === undefined) continue;
        for (const hit of leaks(String(v), pii, numeric.has(col), SELLER_TABLES.has(rel.name))) found.push(`${rel.name}.${col}: ${hit}`);
      }
    }
  }
  return found;
}

async function scanExport(db: Db, pii: Pii, dir: string): Promise<{ found: string[]; files: number }> {
  const found: string[] = [];
  let files = 0;
  for (const rel of relations().filter((r) => r.access === undefined)) {
    const r = await exportTable(db, { table: rel.name, outDir: dir, headerLang: 'en', bom: false });
    const numeric = new Set(rel.columns.filter((c) => NUMERIC.has(c.type.kind)).map((c) => c.name));
    for (const f of r.files) {
      files++;
      const csv = readCsv(f.path);
      for (const row of csv.rows) {
        row.forEach((v, i) => {
          if (v !== null) for (const hit of leaks(v, pii, numeric.has(csv.header[i]!), SELLER_TABLES.has(rel.name))) found.push(`${path.basename(f.path)} ${csv.header[i]}: ${hit}`);
        });
      }
    }
  }
  return { found, files };
}

for (const source of SOURCES) {
  for (const backend of backendsOf(source, BACKENDS)) {
    testWith(backend)(`${backend}, ${source}: no buyer's phone, name, street, zip code or clear id in any warehouse table, view or CSV export (default settings)`, async (t) => {
      const l = await loadStore(t, { source, backend, orders: 1200, seed: 91, name: 'pii' });
      if (!l) return;
      const srcDb = await openDb(target(l.storeUrl));
      t.teardown(() => srcDb.close());
      const pii = personalData(await readStore(srcDb), await textRows(srcDb, 'select kind, json from hub_etl_api_object'));
      t.true(pii.buyerIds.size > 50 && pii.texts.size > 200 && pii.zips.size > 5, `the store holds personal data to find (${pii.buyerIds.size} ids, ${pii.texts.size} texts, ${pii.zips.size} zips)`);
      // The scan finds them where they are: in the store itself.
      t.true(leaks((await textRows(srcDb, 'select order_datas as d from ali1688_order'))[0]!.d!, pii).length > 3, 'the scanner sees the personal data of an order blob');
      t.true((await textRows(l.wh, 'select count(*) as n from fct_shipment_event'))[0]!.n !== '0');
      // Through the API the seller's own tables are loaded and scanned too.
      if (source === 'api') t.true((await textRows(l.wh, 'select count(*) as n from dim_ship_from_address'))[0]!.n !== '0' && pii.sellerPlaces.size > 5);
      t.deepEqual(await scanDatabase(l.wh, pii), []);
      const { found, files } = await scanExport(l.wh, pii, tempDir(t));
      t.true(files >= relations().filter((r) => r.access === undefined).length);
      t.deepEqual(found, []);
    });

    testWith(backend)(`${backend}, ${source}: with --keep-buyer-ids the clear buyer ids are in the warehouse and its export, and nothing else personal`, async (t) => {
      const l = await loadStore(t, { source, backend, orders: 300, seed: 92, name: 'piiids', flags: { keepBuyerIds: true } });
      if (!l) return;
      const srcDb = await openDb(target(l.storeUrl));
      t.teardown(() => srcDb.close());
      const pii = personalData(await readStore(srcDb), await textRows(srcDb, 'select kind, json from hub_etl_api_object'));
      const found = await scanDatabase(l.wh, pii);
      t.true(found.some((f) => f.startsWith('fct_order.buyer_member_id: buyer id')));
      t.true(found.some((f) => f.startsWith('fct_refund.buyer_member_id: buyer id')));
      t.deepEqual(found.filter((f) => !/^(fct_order|fct_refund)\.buyer_member_id: buyer id /.test(f)), []);
      const dir = tempDir(t);
      const r = await exportTable(l.wh, { table: 'fct_order', outDir: dir, headerLang: 'en', bom: false });
      t.true(readCsv(r.files[0]!.path).rows.some((row) => row.some((v) => v !== null && leaks(v, pii).some((x) => x.startsWith('buyer id')))));
    });
  }
}

test('SQLite, replica: the sample of a rejected order keeps its amounts and ids but none of the buyer\'s data', async (t) => {
  const first = await loadStore(t, { source: 'replica', backend: 'SQLite', orders: 200, seed: 93, name: 'piirej' });
  if (!first) return;
  const src = await writableSource(t, first.storeUrl);
  const [o] = await textRows(src, "select order_id, order_datas as d from ali1688_order where order_datas like '%\"buyerMemo\"%' or order_datas like '%\"sellerMemo\"%' limit 1");
  // Personal data first, then a bad amount: the sample (the blob's first 500 characters) holds both.
  const b = o!.d!.replace('{"baseInfo":{', `{"baseInfo":{"receiverInfo":{"toFullName":"王伟","toMobile":"13912345678"},"buyerMemo":"电话0571-88886666",`).replace(/"totalAmount":[0-9.]+/, '"totalAmount":"abc"');
  await src.knex('ali1688_order').where({ order_id: o!.order_id }).update({ order_datas: b });
  const l = await loadStore(t, { source: 'replica', backend: 'SQLite', orders: 200, seed: 93, storeUrl: first.storeUrl, name: 'piirej2' });
  const [reject] = await textRows(l!.wh, "select field, sample from etl_reject where stream = 'orders'");
  t.is(reject!.field, 'order_datas.baseInfo.totalAmount');
  t.true(reject!.sample!.includes(`"idOfStr":"${o!.order_id}"`));
  for (const personal of ['王伟', '13912345678', '0571-88886666', 'b2b-22']) t.false(reject!.sample!.includes(personal), personal);
});
