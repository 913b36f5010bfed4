// The service desk over real HTTP: demo data, access by role (agent's team queue, managers'
// customers, portal's own group, merchants' own), the work-order lifecycle with 409s naming the
// allowed actions or the holder, SLA policies refused naming the field, callback survey and
// follow-up, satisfaction figures, knowledge search, the 360 view's service part, OpenAPI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKam } from './harness.mjs';

let kam, admin, agent, sup, m1, m3, portal, merchant, analyst;
before(async () => {
  kam = await startKam({ groups: 40, members: 1500 });
  [admin, agent, sup, m1, m3, portal, merchant, analyst] = await Promise.all(
    ['admin', 'agent1', 'supervisor1', 'manager1', 'manager3', 'portal1', 'merchant1', 'analyst1'].map((u) => kam.login(u)));
});
after(async () => { await kam.stop(); });

async function customerOf(c) {
  const r = await c.get('/api/v1/customers?kind=group&limit=5');
  assert.equal(r.status, 200);
  return r.body.items[0];
}

test('demo data: work orders in every state, callbacks, articles, the agent queue with countdowns', async () => {
  const all = await admin.get('/api/v1/work-orders?limit=200');
  assert.equal(all.status, 200);
  const states = new Set(all.body.items.map((w) => w.state));
  for (const s of ['new', 'assigned', 'accepted', 'in_progress', 'waiting_customer', 'resolved', 'closed', 'merged']) {
    assert.ok(states.has(s), `a demo work order in state ${s}`);
  }
  const q = await agent.get('/api/v1/work-orders/queue');
  assert.equal(q.status, 200, JSON.stringify(q.body));
  assert.equal(q.body.team.name, '客服热线组');
  assert.ok(q.body.items.length > 0);
  for (let i = 1; i < q.body.items.length; i++) {
    assert.ok(q.body.items[i - 1].priority >= q.body.items[i].priority, 'ordered by priority');
  }
  const first = q.body.items.find((w) => w.state !== 'waiting_customer');
  assert.ok('remaining_seconds' in first.sla.resolution && 'due_at' in first.sla.response);
  const surveys = await agent.get('/api/v1/surveys?state=completed&limit=5');
  assert.equal(surveys.status, 200);
  assert.ok(surveys.body.total >= 40, `callbacks answered: ${surveys.body.total}`);
  const kb = await agent.get('/api/v1/knowledge?limit=50');
  assert.ok(kb.body.items.length >= 8);
  const sat = await sup.get('/api/v1/satisfaction?by=month');
  assert.equal(sat.status, 200);
  assert.ok(sat.body.items.length >= 5, 'six months of figures');
});

test('access: the agent works its team queue, managers see their customers, portal its group, merchants their own', async () => {
  const c1 = await customerOf(m1);
  const c3 = await customerOf(m3);
  const created = await agent.post('/api/v1/work-orders', { type: 'fault', title: '专线中断', customer_id: c1.id });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.channel, 'hotline');
  assert.equal(created.body.team.name, '客服热线组');
  const id = created.body.id;
  assert.equal((await m1.get(`/api/v1/work-orders/${id}`)).status, 200);
  assert.equal((await m3.get(`/api/v1/work-orders/${id}`)).status, 404);
  const forC3 = await m1.post('/api/v1/work-orders', { type: 'fault', title: 'x', customer_id: c3.id });
  assert.equal(forC3.status, 404, 'a customer outside the scope is not there');
  // Another team's queue is not the agent's.
  assert.equal((await agent.get('/api/v1/work-orders/queue?team_id=2')).status, 403);
  const m1list = await m1.get('/api/v1/work-orders?limit=200');
  const mine = (await m1.get('/api/v1/customers?limit=200')).body.items.map((c) => c.id);
  for (const w of m1list.body.items) {
    assert.ok(mine.includes(w.customer_id) || w.created_by?.id === m1.user.id, `manager1 sees only own customers' (${w.code})`);
  }
  // Portal: opens for its own group, sees only that group's.
  const pw = await portal.post('/api/v1/work-orders', { type: 'complaint', title: '门户无法下载发票' });
  assert.equal(pw.status, 201, JSON.stringify(pw.body));
  assert.equal(pw.body.channel, 'portal');
  const plist = await portal.get('/api/v1/work-orders?limit=200');
  assert.ok(plist.body.items.every((w) => w.customer_id === pw.body.customer_id || w.customer_name));
  assert.equal((await portal.get(`/api/v1/work-orders/${id}`)).status, c1.id === pw.body.customer_id ? 200 : 404);
  // Merchant: its own only.
  const mw = await merchant.post('/api/v1/work-orders', { type: 'complaint', title: '权益核销失败', customer_id: c3.id });
  assert.equal(mw.status, 201, JSON.stringify(mw.body));
  assert.equal(mw.body.channel, 'merchant');
  const ml = await merchant.get('/api/v1/work-orders?limit=200');
  assert.ok(ml.body.items.length >= 1 && ml.body.items.every((w) => w.merchant_id === mw.body.merchant_id));
  assert.equal((await merchant.get(`/api/v1/work-orders/${id}`)).status, 404);
  // What the merchant's view leaves out is no filter either: not the customer's name, not the
  // service level, not the desk's team or assignee.
  const byName = await merchant.get(`/api/v1/work-orders?limit=200&q=${encodeURIComponent(c3.name)}`);
  assert.equal(byName.status, 200);
  assert.equal(byName.body.items.length, 0, 'a customer name matches nothing for a merchant');
  assert.equal((await merchant.get(`/api/v1/work-orders?q=${encodeURIComponent('权益核销')}`)).body.items.length >= 1, true);
  for (const f of ['level=vip', 'team_id=1', 'assignee=me']) {
    assert.equal((await merchant.get(`/api/v1/work-orders?${f}`)).status, 403, f);
    assert.equal((await portal.get(`/api/v1/work-orders?${f}`)).status, 403, f);
  }
  // A work order names only an order of its own customer.
  const order = (await admin.get('/api/v1/orders?limit=1')).body.items[0];
  const other = order.customer_id === c1.id ? c3 : c1;
  const wrongOrder = await agent.post('/api/v1/work-orders', { type: 'fault', title: 'x', customer_id: other.id, order_id: order.id });
  assert.equal(wrongOrder.status, 400);
  assert.equal(wrongOrder.body.error.field, 'order_id');
  // Analysts read figures but do not work orders.
  assert.equal((await analyst.post(`/api/v1/work-orders/${id}/take`, { version: created.body.version })).status, 403);
  // Every change is audited.
  const audit = await admin.get(`/api/v1/audit?entity=work_order&entity_id=${id}`);
  assert.equal(audit.status, 200);
  assert.ok(audit.body.items.length >= 1);
});

test('lifecycle: 409 naming the allowed actions, the holder, stale versions; complaint closure; callback; follow-up', async () => {
  const c1 = await customerOf(m1);
  let w = (await agent.post('/api/v1/work-orders', { type: 'complaint', title: '客户经理承诺未兑现', customer_id: c1.id })).body;
  const refused = await agent.post(`/api/v1/work-orders/${w.id}/resolve`, { version: w.version, resolution: 'x' });
  assert.equal(refused.status, 409);
  assert.match(refused.body.error.message, /allowed: take, assign, transfer, merge, comment/);
  const taken = await agent.post(`/api/v1/work-orders/${w.id}/take`, { version: w.version });
  assert.equal(taken.status, 200, JSON.stringify(taken.body));
  // The supervisor taking it now is told who has it.
  const second = await sup.post(`/api/v1/work-orders/${w.id}/take`, { version: w.version });
  assert.equal(second.status, 409);
  assert.match(second.body.error.message, new RegExp(`already taken by ${taken.body.assignee.name}`));
  const stale = await agent.post(`/api/v1/work-orders/${w.id}/start`, { version: w.version });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.field, 'version');
  w = taken.body;
  w = (await agent.post(`/api/v1/work-orders/${w.id}/wait`, { version: w.version, note: '等客户提供合同' })).body;
  assert.equal(w.state, 'waiting_customer');
  assert.equal(w.sla.resolution.paused, true);
  w = (await agent.post(`/api/v1/work-orders/${w.id}/resume`, { version: w.version })).body;
  w = (await agent.post(`/api/v1/work-orders/${w.id}/resolve`, { version: w.version, resolution: '已补录优惠' })).body;
  assert.equal(w.state, 'resolved');
  const noDept = await agent.post(`/api/v1/work-orders/${w.id}/close`, { version: w.version });
  assert.equal(noDept.status, 400);
  assert.equal(noDept.body.error.field, 'department');
  const closed = await agent.post(`/api/v1/work-orders/${w.id}/close`,
    { version: w.version, department: '政企客户部', cause: '优惠未录入', manager_at_fault: true, penalty_points: 3 });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  assert.equal(closed.body.responsibility.manager_at_fault, true);
  const pens = await sup.get('/api/v1/satisfaction/penalties?limit=200');
  assert.ok(pens.body.items.some((p) => p.work_order.id === w.id && p.points === 3));
  const detail = (await agent.get(`/api/v1/work-orders/${w.id}`)).body;
  assert.deepEqual(detail.events.map((e) => e.action), ['create', 'take', 'wait', 'resume', 'resolve', 'close']);
  assert.equal(detail.surveys.length, 1);
  const sid = detail.surveys[0].id;
  const badScore = await agent.post(`/api/v1/surveys/${sid}/complete`, { score: 0, version: 1 });
  assert.equal(badScore.status, 400);
  assert.equal(badScore.body.error.field, 'score');
  const answered = await agent.post(`/api/v1/surveys/${sid}/complete`, { score: 2, comment: '太慢', channel: 'phone', version: 1 });
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  assert.ok(answered.body.followup_id);
  const fu = await m1.get(`/api/v1/surveys/followups?state=open&customer_id=${c1.id}`);
  const f = fu.body.items.find((x) => x.id === answered.body.followup_id);
  assert.ok(f, 'the manager sees the follow-up');
  const noReason = await sup.post(`/api/v1/surveys/followups/${f.id}/close`, { version: f.version });
  assert.equal(noReason.body.error.field, 'reason');
  const settled = await m1.post(`/api/v1/surveys/followups/${f.id}/record`, { score: 5, version: f.version });
  assert.equal(settled.status, 200);
  assert.equal(settled.body.state, 'satisfied');
  // The 360 view shows open work orders and the last satisfaction score.
  const ov = await m1.get(`/api/v1/customers/${c1.id}/overview`);
  assert.equal(ov.status, 200);
  assert.equal(ov.body.satisfaction.last_score, 5);
  assert.ok(Array.isArray(ov.body.work_orders));
});

test('SLA policies: invalid ones refused naming the field, only managers of SLA may change them', async () => {
  const base = { name: '测试', type: 'fault', level: '*', response_minutes: 30, resolution_minutes: 240 };
  for (const [field, value] of [['resolution_minutes', 10], ['calendar', 'weekdays'], ['day_end', '25:00'],
    ['workdays', [0]], ['level', 'gold'], ['response_minutes', -5]]) {
    const r = await admin.post('/api/v1/sla-policies', { ...base, [field]: value });
    assert.equal(r.status, 400, field);
    assert.equal(r.body.error.field, field);
  }
  assert.equal((await m1.post('/api/v1/sla-policies', base)).status, 403);
  assert.equal((await sup.post('/api/v1/sla-policies', base)).status, 403, 'SLA policies are the admin\'s');
  const ok = await admin.post('/api/v1/sla-policies', base);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const dup = await admin.post('/api/v1/sla-policies', base);
  assert.equal(dup.status, 409);
  const put = await admin.raw('PUT', `/api/v1/sla-policies/${ok.body.id}`, { version: 1, calendar: '24x7' });
  assert.equal(put.status, 200);
  const stale = await admin.raw('PUT', `/api/v1/sla-policies/${ok.body.id}`, { version: 1, active: false });
  assert.equal(stale.status, 409);
  assert.equal((await admin.del(`/api/v1/sla-policies/${ok.body.id}`)).status, 204);
  const cfg = await admin.get('/api/v1/work-orders/config');
  const badCfg = await admin.raw('PUT', '/api/v1/work-orders/config', { config: { dissatisfied_max_score: 9 }, version: cfg.body.version });
  assert.equal(badCfg.status, 400);
  assert.equal(badCfg.body.error.field, 'config.dissatisfied_max_score');
  assert.equal((await sup.raw('PUT', '/api/v1/work-orders/config', { config: {}, version: cfg.body.version })).status, 403,
               'routing applies to every team: the admin\'s');
});

test('knowledge: Chinese and English search, visibility by role, versions, suggestions', async () => {
  const zh = await agent.get(`/api/v1/knowledge?q=${encodeURIComponent('宽带断网')}`);
  assert.equal(zh.status, 200);
  assert.equal(zh.body.items[0].title, '宽带故障排查步骤');
  const en = await agent.get('/api/v1/knowledge?q=vpn');
  assert.equal(en.body.items[0].title, 'VPN and APN troubleshooting');
  const p = await portal.get(`/api/v1/knowledge?q=${encodeURIComponent('宽带')}`);
  assert.ok(p.body.items.every((a) => a.visibility === 'public'));
  const created = await agent.post('/api/v1/knowledge', { title: '携号转网挽留话术', category: 'training', body: '先了解原因……' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const bad = await agent.post('/api/v1/knowledge', { title: 'x', category: 'gossip', body: 'y' });
  assert.equal(bad.body.error.field, 'category');
  const upd = await agent.raw('PUT', `/api/v1/knowledge/${created.body.id}`, { version: 1, body: '先了解原因，再给出方案。' });
  assert.equal(upd.status, 200);
  const versions = await agent.get(`/api/v1/knowledge/${created.body.id}/versions`);
  assert.equal(versions.body.items.length, 2);
  assert.equal((await m1.post('/api/v1/knowledge', { title: 'x', category: 'faq', body: 'y' })).status, 403);
  const c1 = await customerOf(m1);
  const w = (await agent.post('/api/v1/work-orders', { type: 'fault', title: '宽带无法上网', customer_id: c1.id })).body;
  const sug = await agent.get(`/api/v1/work-orders/${w.id}/suggestions`);
  assert.equal(sug.status, 200);
  assert.equal(sug.body.items[0].title, '宽带故障排查步骤');
});

test('OpenAPI documents the service desk', async () => {
  const doc = (await kam.client().get('/api/v1/openapi.json')).body;
  for (const p of ['/api/v1/work-orders', '/api/v1/work-orders/queue', '/api/v1/work-orders/{id}/take', '/api/v1/sla-policies',
    '/api/v1/surveys/{id}/complete', '/api/v1/satisfaction', '/api/v1/knowledge']) {
    assert.ok(doc.paths[p], p);
  }
  for (const s of ['WorkOrder', 'SlaPolicy', 'Survey', 'SurveyFollowup', 'Article', 'SatisfactionStats']) assert.ok(doc.components.schemas[s], s);
});
