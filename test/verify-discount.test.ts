// hub-etl verify reconciles every order's line discount with the sum of its lines' discounts, to the fen,
// naming the first orders that disagree, on SQLite, MariaDB and PostgreSQL.
import test from 'ava';
import { verify } from '../jobs/verify.js';
import { openDb } from '../lib/db.js';
import { loadStore, textRows } from './fields-helpers.js';
import { target, testWith } from './helpers.js';
import { PAIRS } from './stream-helpers.js';
import { fmt, units } from './views-expected.js';

const CHECK = 'line discounts sum to the order\'s line discount';

for (const { source, warehouse, name } of PAIRS) {
  testWith(source, warehouse)(`${name}: verify names the orders whose line discount is not the sum of their lines' discounts`, async (t) => {
    const l = await loadStore(t, { source: 'replica', backend: source, warehouse, orders: 300, seed: 51, name: 'vd' });
    if (!l) return;
    const src = await openDb(target(l.storeUrl));
    t.teardown(() => src.close());
    const ok = await verify(src, l.wh, { zones: l.ctx.config });
    t.true(ok.checks.find((c) => c.name === CHECK)!.ok);

    // One fen off on one line of an order, and a line that lost its discount in another.
    const [a, b] = await textRows(l.wh, 'select order_id, min(sub_item_id) as s from fct_order_line group by order_id order by order_id limit 2');
    const [line] = await textRows(l.wh, 'select discount_amount as d from fct_order_line where sub_item_id = ?', [a!.s]);
    await l.wh.knex('fct_order_line').where({ sub_item_id: a!.s }).update({ discount_amount: fmt(units(line!.d ?? '0.00', 2)! + 1n, 2) });
    await l.wh.knex('fct_order_line').where({ sub_item_id: b!.s }).update({ discount_amount: null });
    const bad = await verify(src, l.wh, { zones: l.ctx.config });
    const check = bad.checks.find((c) => c.name === CHECK)!;
    t.false(check.ok);
    t.false(bad.ok);
    t.regex(check.detail, /^2 orders whose fct_order\.line_discount_amount is not the sum of their lines' discount_amount/);
    t.true(check.detail.includes(a!.order_id!) && check.detail.includes(b!.order_id!), check.detail);
    t.regex(check.detail, /1 lines without a discount/);
  });
}
