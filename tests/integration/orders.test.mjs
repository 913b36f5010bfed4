// One-stop acceptance over real HTTP: the demo catalogue and board, an order from requirement to
// service with a supervisor's discount approval and an uploaded confirmation, transitions not
// allowed (409 naming the allowed ones), stale versions, scope (another manager's order is
// 404), discounts beyond the catalogue refused naming the field, two approvers at once, price
// versions kept by orders, the settings and the cycle-time figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKam } from './harness.mjs';

let kam, admin, analyst, sup, m1, m2, phone;
before(async () => {
  kam = await startKam({ groups: 30, members: 900 });
  [admin, analyst, sup, m1, m2, phone] = await Promise.all(
    ['admin', 'analyst1', 'supervisor1', 'manager1', 'manager2', 'phone1'].map((u) => kam.login(u)));
});
after(async () => { await kam.stop(); });

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a80000000049454e44ae426082', 'hex');

async function product(code) {
  const list = await m1.get('/api/v1/products?limit=200');
  assert.equal(list.status, 200);
  const p = list.body.items.find((x) => x.code === code);
  assert.ok(p, `demo product ${code}`);
  return p;
}

async function act(c, id, action, body = {}) {
  const cur = await c.get(`/api/v1/orders/${id}`);
  assert.equal(cur.status, 200, cur.text);
  return c.post(`/api/v1/orders/${id}/actions/${action}`, { version: cur.body.version, ...body });
}

async function ownCustomer(c) {
  const list = await c.get('/api/v1/customers?kind=group&limit=5');
  return list.body.items[0].id;
}

// An order of manager1 in design with options A (within 5 %) and B (10 %, needs a supervisor).
async function designed() {
  const hxt = await product('VOICE-HXT');
  const install = await product('LINE-INSTALL');
  const o = await m1.post('/api/v1/orders', { customer_id: await ownCustomer(m1), title: '新增80部办公电话', requirement: '全部开通内线短号' });
  assert.equal(o.status, 201, o.text);
  const id = o.body.id;
  assert.equal(o.body.state, 'requirement');
  assert.deepEqual(o.body.actions, ['consult', 'cancel']);
  assert.equal((await act(m1, id, 'consult', { consultation: '上门咨询' })).status, 200);
  assert.equal((await act(m1, id, 'design')).status, 200);
  const a = await m1.post(`/api/v1/orders/${id}/options`, { name: '汇线通接入', lines: [{ product_id: hxt.id, quantity: 80, discount_pct: 5 }, { product_id: install.id, quantity: 1 }] });
  assert.equal(a.status, 201, a.text);
  const b = await m1.post(`/api/v1/orders/${id}/options`, { name: '数字电路接入', lines: [{ product_id: hxt.id, quantity: 80, discount_pct: 10 }] });
  assert.equal(b.status, 201, b.text);
  return { id, options: b.body.options };
}

test('the demo has a catalogue with regional prices and orders in every step', async () => {
  const list = await m1.get('/api/v1/products?limit=200&region=320100');
  assert.equal(list.status, 200);
  assert.ok(list.body.total >= 10);
  const hxt = list.body.items.find((p) => p.code === 'VOICE-HXT');
  assert.equal(hxt.price_fen, 3500, 'Nanjing has its own price');
  assert.equal(hxt.price_region, '320100');
  const wuxi = await m1.get('/api/v1/products?limit=200&region=320200');
  assert.equal(wuxi.body.items.find((p) => p.code === 'VOICE-HXT').price_fen, 3000, 'other cities take the province price');
  assert.ok(list.body.items.some((p) => p.kind === 'bundle' && p.components.length === 3));
  const board = await admin.get('/api/v1/orders/board?per_column=3');
  assert.equal(board.status, 200);
  const states = board.body.columns.map((c) => c.state);
  assert.deepEqual(states, ['requirement', 'consultation', 'design', 'choice', 'approval', 'acceptance', 'construction', 'confirmation', 'billing', 'in_service']);
  for (const c of board.body.columns) assert.ok(c.total > 0, `demo orders in ${c.state}`);
  const cancelled = await admin.get('/api/v1/orders?state=cancelled');
  assert.ok(cancelled.body.total > 0);
  // Analysts read products without costs; sellers see costs.
  const an = await analyst.get('/api/v1/products?limit=1');
  assert.ok('cost_fen' in an.body.items[0]);  // analysts maintain the catalogue
  const ph = await phone.get('/api/v1/products?limit=1');
  assert.equal(ph.status, 200);
  assert.ok(!('cost_fen' in ph.body.items[0]), 'phone managers do not see costs');
});

test('an order from requirement to service, with a supervisor approving the discount', async () => {
  const { id, options } = await designed();
  const b = options.find((o) => o.name === '数字电路接入');
  assert.equal(b.authority.within_limit, false);
  assert.equal(b.authority.approver_role, 'supervisor');
  assert.equal(typeof b.margin_pct, 'number', 'margin after discount shown before approval');
  assert.equal((await act(m1, id, 'propose')).status, 200);
  const chose = await act(m1, id, 'choose', { option_id: b.id });
  assert.equal(chose.status, 200, chose.text);
  assert.equal(chose.body.state, 'approval');
  const self = await act(m1, id, 'approve', { reason: 'x' });
  assert.equal(self.status, 403);
  const inbox = await sup.get('/api/v1/orders/approvals');
  const item = inbox.body.items.find((x) => x.order_id === id);
  assert.ok(item, 'in the supervisor inbox');
  assert.equal(item.can_decide, true);
  assert.equal(typeof item.option.margin_pct, 'number');
  const noReason = await act(sup, id, 'refuse');
  assert.equal(noReason.status, 400);
  assert.equal(noReason.body.error.field, 'reason');
  const ok = await act(sup, id, 'approve', { reason: '重点客户' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.state, 'acceptance');
  assert.equal(ok.body.approvals[0].status, 'approved');
  assert.equal((await act(m1, id, 'start-construction')).status, 200);
  assert.equal((await act(m1, id, 'finish-construction', { note: '调测通过' })).status, 200);
  const noConf = await act(m1, id, 'confirm');
  assert.equal(noConf.status, 400);
  assert.equal(noConf.body.error.field, 'confirmation');
  // The signed confirmation as a PNG; a text file is refused.
  const bad = await fetch(kam.url + `/api/v1/orders/${id}/documents?file_name=x.txt`, {
    method: 'POST', headers: { authorization: `Bearer ${m1.token}`, 'content-type': 'application/octet-stream' }, body: 'hello' });
  assert.equal(bad.status, 400);
  const up = await fetch(kam.url + `/api/v1/orders/${id}/documents?file_name=${encodeURIComponent('确认单.png')}`, {
    method: 'POST', headers: { authorization: `Bearer ${m1.token}`, 'content-type': 'application/octet-stream' }, body: PNG });
  assert.equal(up.status, 201, await up.clone().text());
  const doc = await up.json();
  assert.equal(doc.content_type, 'image/png');
  const confirmed = await act(m1, id, 'confirm');
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.equal(confirmed.body.confirmation.kind, 'document');
  const dl = await fetch(kam.url + `/api/v1/orders/${id}/documents/${doc.id}`, { headers: { authorization: `Bearer ${m1.token}` } });
  assert.equal(dl.status, 200);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), PNG);
  const noAcct = await act(m1, id, 'start-billing');
  assert.equal(noAcct.body.error.field, 'billing_account');
  const done = await act(m1, id, 'start-billing', { billing_account: 'JF12345678', billing_start: '2026-12-01' });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.state, 'in_service');
  assert.equal(done.body.billing_start, '2026-12-01');
  assert.ok(done.body.completed_at);
  assert.equal(done.body.steps.length, 9);
  assert.deepEqual(done.body.actions, []);
  const audit = await admin.get(`/api/v1/audit?entity=order&entity_id=${id}&limit=50`);
  assert.ok(audit.body.total >= 10, `every change audited: ${audit.body.total}`);
  // The 360 view lists the order.
  const ov = await m1.get(`/api/v1/customers/${done.body.customer_id}/overview`);
  assert.ok(ov.body.orders.items.some((o) => o.id === id));
});

test('transitions not allowed answer 409 naming the allowed ones; stale versions 409 on version', async () => {
  const { id } = await designed();
  const cur = await m1.get(`/api/v1/orders/${id}`);
  const r = await m1.post(`/api/v1/orders/${id}/actions/start-billing`, { version: cur.body.version, billing_account: 'x' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, 'action');
  assert.match(r.body.error.message, /allowed: propose, cancel/);
  const stale = await m1.post(`/api/v1/orders/${id}/actions/propose`, { version: cur.body.version - 1 });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.field, 'version');
  const unknown = await m1.post(`/api/v1/orders/${id}/actions/teleport`, { version: cur.body.version });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.field, 'action');
  const cancel = await act(m1, id, 'cancel');
  assert.equal(cancel.body.error.field, 'reason');
  assert.equal((await act(m1, id, 'cancel', { reason: '客户取消' })).body.state, 'cancelled');
});

test("another manager's order is 404 and not listed; phone managers cannot take orders", async () => {
  const { id } = await designed();
  assert.equal((await m2.get(`/api/v1/orders/${id}`)).status, 404);
  assert.equal((await m2.post(`/api/v1/orders/${id}/actions/propose`, { version: 1 })).status, 404);
  const list = await m2.get('/api/v1/orders?limit=200');
  assert.ok(!list.body.items.some((o) => o.id === id));
  assert.equal((await sup.get(`/api/v1/orders/${id}`)).status, 200, 'the supervisor sees the team');
  const cu = await ownCustomer(m1);
  assert.equal((await m2.post('/api/v1/orders', { customer_id: cu, title: 'x', requirement: 'y' })).status, 404);
  assert.equal((await phone.post('/api/v1/orders', { customer_id: cu, title: 'x', requirement: 'y' })).status, 403);
});

test('discounts beyond the catalogue and bad quantities are refused naming the field, nothing written', async () => {
  const { id } = await designed();
  const trunk = await product('VOICE-TRUNK');  // at most 15 %
  const before = (await admin.get('/api/v1/audit?limit=1')).body.total;
  const over = await m1.post(`/api/v1/orders/${id}/options`, { name: 'C', lines: [{ product_id: trunk.id, quantity: 1 }, { product_id: trunk.id, quantity: 2, discount_pct: 16 }] });
  assert.equal(over.status, 400);
  assert.equal(over.body.error.field, 'lines[1].discount_pct');
  const frac = await m1.post(`/api/v1/orders/${id}/options`, { name: 'C', lines: [{ product_id: trunk.id, quantity: 1.5 }] });
  assert.equal(frac.body.error.field, 'lines[0].quantity');
  const neg = await m1.post(`/api/v1/orders/${id}/options`, { name: 'C', lines: [{ product_id: trunk.id, quantity: 1, discount_pct: -1 }] });
  assert.equal(neg.body.error.field, 'lines[0].discount_pct');
  const price = await admin.post('/api/v1/products', { code: 'BAD-1', name: 'x', category: 'data', cost_fen: 1, prices: [{ region_code: '320000', price_fen: 1.5 }] });
  assert.equal(price.status, 400);
  assert.equal(price.body.error.field, 'prices[0].price_fen');
  const district = await admin.post('/api/v1/products', { code: 'BAD-2', name: 'x', category: 'data', cost_fen: 1, prices: [{ region_code: '320102', price_fen: 1 }] });
  assert.equal(district.body.error.field, 'prices[0].region_code');
  assert.equal((await admin.get('/api/v1/audit?limit=1')).body.total, before, 'nothing written');
  const o = await m1.get(`/api/v1/orders/${id}`);
  assert.equal(o.body.options.length, 2);
});

test('two approvers at once: one decision counts', async () => {
  const { id, options } = await designed();
  await act(m1, id, 'propose');
  const chose = await act(m1, id, 'choose', { option_id: options[1].id });
  assert.equal(chose.body.state, 'approval');
  const v = chose.body.version;
  const [a, b] = await Promise.all([
    sup.post(`/api/v1/orders/${id}/actions/approve`, { version: v, reason: 'ok' }),
    admin.post(`/api/v1/orders/${id}/actions/refuse`, { version: v, reason: 'no' }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.text} ${b.text}`);
  const after = await admin.get(`/api/v1/orders/${id}`);
  assert.equal(after.body.approvals.filter((x) => x.status !== 'pending').length, 1);
  assert.ok(['acceptance', 'design'].includes(after.body.state));
});

test('an order keeps the price version it was made with', async () => {
  const { id } = await designed();
  const hxt = await product('VOICE-HXT');
  const up = await admin.patch(`/api/v1/products/${hxt.id}`, { version: hxt.version, prices: [{ region_code: '320000', price_fen: 2600 }], note: '降价' });
  assert.equal(up.status, 200, up.text);
  assert.equal(up.body.version, hxt.version + 1);
  const o = await m1.get(`/api/v1/orders/${id}`);
  const line = o.body.options[0].lines[0];
  assert.equal(line.product_version, hxt.version);
  assert.equal(line.current_version, hxt.version + 1);
  assert.equal(line.unit_price_fen, hxt.prices.find((p) => p.region_code === line.price_region).price_fen);
  const versions = await m1.get(`/api/v1/products/${hxt.id}/versions`);
  assert.equal(versions.body.items[0].current, true);
  assert.equal((await admin.patch(`/api/v1/products/${hxt.id}`, { version: hxt.version, name: 'x' })).status, 409);
  assert.equal((await m1.patch(`/api/v1/products/${hxt.id}`, { version: up.body.version, name: 'x' })).status, 403);
});

test('discount limits and step targets are versioned settings for admins', async () => {
  const lim = await sup.get('/api/v1/orders/config/discount-limits');
  assert.equal(lim.status, 200);
  assert.equal(lim.body.config.account_manager.voice, 500);
  assert.equal(lim.body.limits_pct.supervisor.data, 15);
  assert.equal((await sup.raw('PUT', '/api/v1/orders/config/discount-limits', JSON.stringify({ config: lim.body.config, version: lim.body.version }))).status, 403);
  const bad = await admin.raw('PUT', '/api/v1/orders/config/discount-limits', JSON.stringify({ config: { account_manager: { voice: 20000 } }, version: lim.body.version }));
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.text).error.field, 'limits.account_manager.voice');
  const inverted = await admin.raw('PUT', '/api/v1/orders/config/discount-limits', JSON.stringify({ config: { account_manager: { voice: 2000 }, supervisor: { voice: 1500 } }, version: lim.body.version }));
  assert.equal(JSON.parse(inverted.text).error.field, 'limits.supervisor.voice');
  const steps = await m1.get('/api/v1/orders/config/steps');
  assert.equal(steps.body.config.targets_hours.design, 120);
  const put = await admin.raw('PUT', '/api/v1/orders/config/steps', JSON.stringify({ config: { targets_hours: { design: 96 } }, version: steps.body.version }));
  assert.equal(put.status, 200, put.text);
  assert.equal(JSON.parse(put.text).config.targets_hours.design, 96);
  const stale = await admin.raw('PUT', '/api/v1/orders/config/steps', JSON.stringify({ config: { targets_hours: { design: 90 } }, version: steps.body.version }));
  assert.equal(stale.status, 409);
});

test('cycle times per step, manager, product and month', async () => {
  const m = await admin.get('/api/v1/orders/stats/cycle-time');
  assert.equal(m.status, 200);
  assert.ok(m.body.overall.count > 0);
  assert.equal(m.body.steps.length, 9);
  assert.ok(m.body.steps.every((s) => typeof s.target_hours === 'number' && 'overdue' in s));
  assert.ok(m.body.managers.length >= 2);
  assert.ok(m.body.products.length > 0);
  assert.ok(m.body.months.length > 0);
  const mine = await m1.get('/api/v1/orders/stats/cycle-time');
  assert.ok(mine.body.managers.length <= 1, 'a manager sees their own figures');
  assert.equal((await m1.get('/api/v1/orders/stats/cycle-time?from=2026-13-01')).body.error.field, 'from');
});
