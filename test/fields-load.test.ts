// Warehouse version 8 end to end, on SQLite and MariaDB, through each source of SOURCES: a generated store
// loads every new column and table with what its blobs say, buyers are keys (clear only on request), the
// restricted registration appears only on request, verify reconciles the discounts, the views count the
// same buyers whatever the buyer setting.
import crypto from 'node:crypto';
import test from 'ava';
import { verify } from '../jobs/verify.js';
import { openDb } from '../lib/db.js';
import { target, TEST_PII_KEY, testWith } from './helpers.js';
import { backendsOf, loadStore, scalar, SOURCES, textRows } from './fields-helpers.js';
import { parseBlob, readStore, unwrapRefund, type Json } from './generate-helpers.js';
import { BACKENDS } from './stream-helpers.js';
import { apiReader } from './api-source-helpers.js';

const blob = (text: string | null | undefined): Json => parseBlob(text!) as Json;
const obj = (v: unknown): Json => (v ?? {}) as Json;
const arr = (v: unknown): Json[] => (v ?? []) as Json[];
const ORDERS = 1500;
const SEED = 81;

for (const source of SOURCES) {
  for (const backend of backendsOf(source, BACKENDS)) {
    testWith(backend)(`${backend}, ${source}: every new column and table holds what the store's blobs say`, async (t) => {
      const l = await loadStore(t, { source, backend, orders: ORDERS, seed: SEED, flags: { piiKey: TEST_PII_KEY } });
      if (!l) return;
      const { wh } = l;
      const srcDb = await openDb(target(l.storeUrl));
      t.teardown(() => srcDb.close());
      const s = await readStore(srcDb);
      const orders = s.ali1688_order.map((o) => ({ o, b: blob(o.order_datas), base: obj(blob(o.order_datas).baseInfo) }));
      t.deepEqual(l.runs.filter((r) => r.rowsRejected > 0).map((r) => r.stream), [], 'no rejects');

      // Orders: buyers as keys, split statuses, trade types, closing, receipt, account periods, ship-to.
      const hmac = (id: string) => crypto.createHmac('sha256', TEST_PII_KEY).update(id).digest('hex');
      const fo = new Map((await textRows(wh, 'select * from fct_order')).map((r) => [r.order_id!, r]));
      t.is(fo.size, orders.length);
      for (const { o, b, base } of orders) {
        const r = fo.get(o.order_id!)!;
        const nl = obj(b.nativeLogistics);
        t.like(r, {
          buyer_member_id: hmac(o.buyer_member_id!), buyer_key: hmac(o.buyer_member_id!),
          in_sale_refund_status: (base.refundStatus as string | undefined) ?? null, after_sales_refund_status: (base.refundStatusForAs as string | undefined) ?? null,
          trade_type_code: base.tradeTypeCode as string, trade_type_desc: base.tradeTypeDesc as string, business_type: base.businessType as string,
          close_reason: (base.closeReason as string | undefined) ?? null,
          ship_to_province: nl.province as string, ship_to_city: nl.city as string, ship_to_district: nl.area as string, ship_to_district_code: nl.areaCode as string,
        }, o.order_id!);
        t.is(r.received_at === null, base.receivingTime === undefined);
        t.is(r.confirmed_at === null, base.confirmedTime === undefined);
        t.is(r.account_period_due_at === null, obj(b.orderBizInfo).accountPeriodTime === undefined);
        t.is(r.closed_by, base.closeOperateType === undefined ? null : ({ CLOSE_TRADE_BY_BUYER: 'buyer', CLOSE_TRADE_BY_SELLER: 'seller', CLOSE_TRADE_BY_SYSTEM: 'system' } as Record<string, string>)[base.closeOperateType as string]!);
      }
      t.is(await scalar(wh, 'select count(distinct buyer_key) as n from fct_order'), new Set(s.ali1688_order.map((o) => o.buyer_member_id)).size);
      t.true(await scalar(wh, 'select count(*) as n from fct_order where line_discount_amount is null') === 0);

      // Installment steps: one row per step of either list.
      const steps = orders.reduce((a, x) => a + arr(x.base.newStepOrderList ?? x.base.stepOrderList).length, 0);
      t.true(steps > 0);
      t.is(await scalar(wh, 'select count(*) as n from fct_order_step'), steps);
      t.deepEqual((await textRows(wh, 'select distinct step_source as s from fct_order_step order by s')).map((r) => r.s), ['newStepOrderList', 'stepOrderList']);

      // Refunds: their kind, reasons, refusals, returns, 7-day flag, and one event per operation.
      const models = s.ali1688_order_refund.map((r) => unwrapRefund(blob(r.order_refund_data)));
      t.is(await scalar(wh, 'select count(*) as n from fct_refund where dispute_type is null or apply_reason_id is null'), 0);
      t.is(await scalar(wh, 'select count(*) as n from fct_refund where reject_count > 0'), models.filter((m) => m.rejectTimes !== undefined).length);
      t.is(await scalar(wh, 'select count(*) as n from fct_refund where return_bill_no is not null and return_carrier_name is not null'), models.filter((m) => m.freightBill !== undefined).length);
      t.is(await scalar(wh, 'select count(*) as n from fct_refund where is_seven_day_return = 1'), models.filter((m) => obj(m.extInfo)['7d'] === 'true').length);
      t.is(await scalar(wh, 'select count(*) as n from fct_refund_event'), models.reduce((a, m) => a + arr(m.refundOperationList).length, 0));
      t.is(await scalar(wh, "select count(*) as n from fct_refund_event where operator_role not in ('buyer', 'seller', 'system')"), 0);

      // Invoices: individuals' titles masked; the restricted registration stays empty by default.
      const personal = s.ali1688_invoice.filter((i) => blob(i.invoice_data).taxpayerIdentify === undefined).length;
      t.true(personal > 0);
      t.is(await scalar(wh, "select count(*) as n from fct_invoice where is_personal_title = 1 and invoice_title = '***' and taxpayer_id is null"), personal);
      t.is(await scalar(wh, 'select count(*) as n from fct_invoice_registration'), 0);

      // Shipments: the carrier's id and code apart, carriage and send type where the blob has them.
      const items = s.ali1688_logistics_order.map((x) => blob(x.logistic_order_datas)).filter((x) => 'logisticsCode' in x);
      t.is(await scalar(wh, 'select count(*) as n from fct_shipment where carrier_id is null'), 0);
      t.is(await scalar(wh, 'select count(*) as n from fct_shipment where carrier_no is not null and carriage is not null and send_type is not null'), items.length);

      // Products: times, store categories, stock, weight, freight template, attributes. Through the API every
      // product has its record, also one whose replica row lacks its blob (README "What differs from a replica load").
      const blobless = s.ali1688_product.filter((p) => p.product_datas === null).map((p) => p.product_id!);
      const served = new Map(l.emulator ? (await apiReader(t, l.emulator.gatewayUrl).lookup('products', 'key', blobless)).map((u) => [u.key, u.rows[0]!.product_datas as string]) : []);
      const infos = s.ali1688_product.map((p) => p.product_datas ?? served.get(p.product_id!) ?? null).filter((r): r is string => r !== null).map((r) => obj(blob(r).productInfo));
      if (source === 'api') t.true(blobless.length > 0 && infos.length === s.ali1688_product.length, 'through the API, products without a replica blob have their record');
      t.is(await scalar(wh, 'select count(*) as n from dim_product_attribute'), infos.reduce((a, i) => a + arr(i.attributes).length, 0));
      t.is(await scalar(wh, "select count(distinct product_id) as n from dim_product_attribute where name = '品牌'"), infos.length);
      t.is(await scalar(wh, 'select count(*) as n from dim_product where store_category_id is not null and freight_template_id is not null and unit_weight_kg is not null and amount_on_sale is not null'), infos.length);
      t.is(await scalar(wh, 'select count(*) as n from dim_product where sku_count = 0 and amount_on_sale is not null'), infos.filter((i) => i.skuInfos === undefined).length);
      t.is(await scalar(wh, 'select count(*) as n from dim_product where approved_at is not null'), s.ali1688_product.filter((p) => p.approved_time !== null).length);
      t.is(await scalar(wh, 'select count(*) as n from dim_product where reposted_at is not null'), s.ali1688_product.filter((p) => p.last_repost_time !== null).length);
      t.is(await scalar(wh, 'select count(*) as n from dim_product where sku_cargo_numbers is not null'), s.ali1688_product.filter((p) => p.sku_cargo_numbers !== null).length);
      // The store category Cloud Hub files a 1688 category under is not in the API (README "What differs from a replica load"): NULL through it.
      const userCategories = s.ali1688_category.filter((c) => c.user_category_id !== null).length;
      t.true(userCategories > 0);
      t.is(await scalar(wh, 'select count(*) as n from dim_category where user_category_id is not null'), source === 'api' ? 0 : userCategories);

      // verify reconciles the discounts (and everything else) to the fen.
      const v = await verify(srcDb, wh, { zones: l.ctx.config });
      t.deepEqual(v.checks.filter((c) => !c.ok), []);
      t.true(v.checks.some((c) => c.name === 'line discounts sum to the order\'s line discount' && c.ok));
    });

    testWith(backend)(`${backend}, ${source}: clear buyer ids and the invoice registration only on request, and the views count the same buyers`, async (t) => {
      const plain = await loadStore(t, { source, backend, orders: 600, seed: 82, name: 'f8a' });
      if (!plain) return;
      const erp = await loadStore(t, { source, backend, orders: 600, seed: 82, storeUrl: plain.storeUrl, name: 'f8b', flags: { keepBuyerIds: true, invoiceRegistration: true } });
      if (!erp) return;
      const srcDb = await openDb(target(plain.storeUrl));
      t.teardown(() => srcDb.close());
      const clear = new Set((await textRows(srcDb, 'select buyer_member_id as b from ali1688_order')).map((r) => r.b));
      const loaded = new Set((await textRows(erp.wh, 'select buyer_member_id as b from fct_order')).map((r) => r.b));
      t.deepEqual([...loaded].sort(), [...clear].sort(), 'clear ids with --keep-buyer-ids');
      t.is(await scalar(plain.wh, 'select count(*) as n from fct_order where buyer_member_id like \'b2b-%\''), 0, 'none by default');
      // Each warehouse generated its own key: the hashes differ, the counts do not.
      const buyers = async (db: typeof plain.wh) => textRows(db, 'select order_date, orders, buyers from v_sales_daily order by order_date');
      t.deepEqual(await buyers(erp.wh), await buyers(plain.wh));
      t.not((await textRows(plain.wh, 'select value from etl_setting where name = \'pii_key\''))[0]?.value ?? null, null, 'the generated key is kept in the warehouse');
      // The registration: one row per invoice with a taxpayer id, never the recipient.
      const companies = (await textRows(srcDb, 'select invoice_data as d from ali1688_invoice')).filter((r) => blob(r.d).taxpayerIdentify !== undefined);
      t.is(await scalar(erp.wh, 'select count(*) as n from fct_invoice_registration'), companies.length);
      const vat = await textRows(erp.wh, "select r.* from fct_invoice_registration r join fct_invoice i on i.order_id = r.order_id and i.local_invoice_id = r.local_invoice_id where i.invoice_type = 'vat'");
      t.true(vat.length > 0 && vat.every((r) => r.bank_name !== null && r.bank_account !== null && r.register_address !== null && r.register_phone !== null));
    });
  }
}
