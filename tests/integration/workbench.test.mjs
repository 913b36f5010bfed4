// The workbench over real HTTP: "my open and overdue items" counted from every area and checked
// against each area's own API (alert tasks, care tasks, work orders, approvals), next steps that a
// newer contact settles, the supervisor's team figures against what each member sees, access
// (a manager cannot ask for a team), bad parameters named, and customers by value tier with the
// customer list's tier filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { instant, shanghaiDate, startKam } from './harness.mjs';

let kam, admin, m1, m2, sup1, agent;
const users = {};
before(async () => {
  kam = await startKam({ groups: 40, members: 2000 });
  admin = await kam.login('admin');
  [m1, m2, sup1, agent] = await Promise.all(['manager1', 'manager2', 'supervisor1', 'agent1'].map((u) => kam.login(u)));
  const all = await admin.get('/api/v1/users?limit=200');
  for (const u of all.body.items) users[u.username] = u;
});
after(async () => { await kam.stop(); });

const ok = (r) => {
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const total = async (c, path) => ok(await c.get(path)).total;
const yesterday = () => shanghaiDate(-1);

test("a manager's open and overdue items match the alert-task, care-task and work-order APIs", async () => {
  const w = ok(await m1.get('/api/v1/workbench/items?limit=200'));
  assert.equal(w.scope, 'me');
  const k = w.counts.by_kind;
  assert.ok(k.alert_task.open > 0, 'the demo manager has open alert tasks');
  assert.equal(k.alert_task.open, await total(m1, '/api/v1/alert-tasks?owner=me&state=active&limit=1'));
  assert.equal(k.alert_task.overdue, await total(m1, '/api/v1/alert-tasks?owner=me&state=active&overdue=true&limit=1'));
  const me = users.manager1.id;
  assert.equal(k.care_task.open, await total(m1, `/api/v1/care-tasks?state=open&assignee_id=${me}&limit=1`));
  assert.equal(k.care_task.overdue, await total(m1, `/api/v1/care-tasks?state=open&assignee_id=${me}&to=${yesterday()}&limit=1`));
  if (w.kinds.includes('work_order')) {
    assert.equal(k.work_order.open, await total(m1, '/api/v1/work-orders?assignee=me&state=open&limit=1'));
  }
  // The totals are the sums of the kinds; the list holds only the caller's items, soonest first.
  assert.equal(w.counts.open, Object.values(k).reduce((a, c) => a + c.open, 0));
  assert.equal(w.counts.overdue, Object.values(k).reduce((a, c) => a + c.overdue, 0));
  assert.equal(w.items.length, Math.min(200, w.counts.open));
  const now = Date.parse(w.now);
  let last = -Infinity;
  for (const i of w.items) {
    assert.equal(i.owner_id, me, `${i.kind} ${i.id} is not mine`);
    const due = i.due_at ? Date.parse(i.due_at) : i.due_date ? Date.parse(`${i.due_date}T23:59:59+08:00`) : Infinity;
    assert.ok(due >= last, 'sorted by due');
    last = due;
    // (A work order waiting for the customer is not overdue: its SLA clock is paused.)
    if (i.due_at && i.kind !== 'work_order') assert.equal(i.overdue, due < now, `${i.kind} ${i.id} overdue flag`);
  }
  assert.equal(w.items.filter((i) => i.kind === 'alert_task' && i.overdue).length, Math.min(k.alert_task.overdue, 200));
  // A listed alert task is one the inbox opens for this manager.
  const first = w.items.find((i) => i.kind === 'alert_task');
  assert.equal((await m1.get(`/api/v1/alert-tasks/${first.id}`)).status, 200);
});

test('a next step is open until a newer contact settles it, overdue after its date', async () => {
  const start = ok(await m1.get('/api/v1/workbench/items?kind=next_step&limit=200'));
  assert.ok(start.items.every((i) => i.kind === 'next_step'), 'only next steps are listed');
  const before = start.counts.by_kind.next_step;
  assert.ok(before.open <= 200, 'every next step is listed');
  // A customer of manager 1 with no open next step yet (a new contact would settle that one).
  const stepped = new Set(start.items.filter((i) => i.kind === 'next_step').map((i) => i.customer_id));
  assert.equal(stepped.size <= before.open, true);
  const customer = ok(await m1.get('/api/v1/customers?limit=50&kind=group')).items.find((x) => !stepped.has(x.id));
  assert.ok(customer);
  const c = await m1.post(`/api/v1/customers/${customer.id}/contacts`, {
    channel: 'call', subject: '续约沟通', outcome: 'positive', occurred_at: instant(-1),
    next_step: '发送续约报价', next_step_date: yesterday(),
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const w = ok(await m1.get('/api/v1/workbench/items?kind=next_step&limit=200'));
  assert.equal(w.counts.by_kind.next_step.open, before.open + 1);
  assert.equal(w.counts.by_kind.next_step.overdue, before.overdue + 1);
  const item = w.items.find((i) => i.kind === 'next_step' && i.id === c.body.id);
  assert.ok(item, 'the new next step is listed');
  assert.equal(item.overdue, true);
  assert.equal(item.title, '发送续约报价');
  assert.equal(item.customer_id, customer.id);
  // Manager 2 does not get manager 1's step.
  const other = ok(await m2.get('/api/v1/workbench/items?kind=next_step&limit=200'));
  assert.ok(!other.items.some((i) => i.kind === 'next_step' && i.id === c.body.id));
  const done = await m1.post(`/api/v1/customers/${customer.id}/contacts`, {
    channel: 'visit', subject: '报价已送达', outcome: 'positive', occurred_at: instant(0),
  });
  assert.equal(done.status, 201, JSON.stringify(done.body));
  const after = ok(await m1.get('/api/v1/workbench/items?limit=200')).counts.by_kind.next_step;
  assert.equal(after.open, before.open);
  assert.equal(after.overdue, before.overdue);
});

test("a supervisor's team figures are what each member sees for themselves", async () => {
  const team = ok(await sup1.get('/api/v1/workbench/items?scope=team&limit=5'));
  assert.equal(team.scope, 'team');
  const ids = new Set(team.by_owner.map((o) => o.user_id));
  const members = Object.values(users).filter((u) => u.team_id === users.supervisor1.team_id && u.active !== false);
  for (const u of members) assert.ok(ids.has(u.id), `${u.username} is in the team table`);
  assert.ok(!ids.has(users.manager3.id), 'manager 3 is in the other team');
  for (const [name, c] of [['manager1', m1], ['manager2', m2]]) {
    const own = ok(await c.get('/api/v1/workbench/items?limit=1'));
    const row = team.by_owner.find((o) => o.user_id === users[name].id);
    assert.ok(row, name);
    for (const kind of ['alert_task', 'next_step']) {
      assert.deepEqual(row.by_kind[kind], own.counts.by_kind[kind], `${name} ${kind}`);
    }
  }
  // The team's total is the sum of its members; the most overdue come first.
  assert.equal(team.counts.open, team.by_owner.reduce((a, o) => a + o.open, 0));
  for (let i = 1; i < team.by_owner.length; i++) assert.ok(team.by_owner[i - 1].overdue >= team.by_owner[i].overdue);
  // Approvals waiting for the supervisor are what the approval inbox lists.
  if (team.kinds.includes('approval')) {
    const mine = ok(await sup1.get('/api/v1/workbench/items?limit=1'));
    assert.equal(mine.counts.by_kind.approval.open, await total(sup1, '/api/v1/orders/approvals?limit=1'));
  }
});

test('access and bad parameters', async () => {
  const r = await m1.get('/api/v1/workbench/items?scope=team');
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'forbidden');
  for (const [q, field] of [['scope=all', 'scope'], ['limit=0', 'limit'], ['limit=abc', 'limit'], ['limit=201', 'limit'], ['kind=nonsense', 'kind']]) {
    const b = await m1.get(`/api/v1/workbench/items?${q}`);
    assert.equal(b.status, 400, q);
    assert.equal(b.body.error.field, field, q);
  }
  const merchant = await kam.login('merchant1');
  assert.equal((await merchant.get('/api/v1/workbench/items')).status, 403);
  // A service agent's items include the work orders assigned to them (where the service desk exists).
  const a = ok(await agent.get('/api/v1/workbench/items'));
  assert.ok(!a.kinds.includes('care_task'), 'agents do not work care tasks');
  if (a.kinds.includes('work_order')) {
    assert.equal(a.counts.by_kind.work_order.open, await total(agent, '/api/v1/work-orders?assignee=me&state=open&limit=1'));
  }
  const doc = ok(await admin.get('/api/v1/openapi.json'));
  assert.ok(doc.paths['/api/v1/workbench/items'].get, 'documented');
  assert.ok(doc.components.schemas.WorkItems);
});

test('customers by value tier of the latest month, and the list filtered by tier', async () => {
  for (const c of [m1, sup1, admin]) {
    const w = ok(await c.get('/api/v1/workbench'));
    const byTier = w.customers_by_tier;
    assert.ok(w.value_month, 'the demo has computed values');
    const all = Object.values(w.customers_by_status).reduce((a, b) => a + b, 0);
    assert.equal(Object.values(byTier).reduce((a, b) => a + b, 0), all, 'every customer in one slice');
    assert.ok(['gold', 'silver', 'bronze', 'do_not_serve'].some((t) => byTier[t] > 0));
    for (const tier of ['gold', 'silver', 'bronze', 'do_not_serve']) {
      assert.equal(await total(c, `/api/v1/customers?tier=${tier}&limit=1`), byTier[tier] ?? 0, tier);
    }
  }
  const me = users.manager1.id;
  const gold = ok(await m1.get('/api/v1/customers?tier=gold&limit=200'));
  for (const c of gold.items) assert.ok(c.account_manager_id === me || c.phone_manager_id === me);
  // The tier is the latest month's: check one customer against its value.
  const some = ok(await admin.get('/api/v1/customers?tier=silver&limit=1')).items[0];
  assert.ok(some, 'the demo has silver customers');
  const v = ok(await admin.get(`/api/v1/customers/${some.id}/value`));
  assert.equal(v.latest.tier, 'silver');
  assert.equal(v.latest.month, (await admin.get('/api/v1/workbench')).body.value_month);
  const bad = await m1.get('/api/v1/customers?tier=platinum');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'tier');
});
