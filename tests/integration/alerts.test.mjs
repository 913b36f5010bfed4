// Early warning over real HTTP: the inbox and the task workflow, rules with preview and
// versions, zones, the 360 view's warning parts, and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKam } from './harness.mjs';

let kam, admin, sup1, m1, m3, analyst, merchant;
before(async () => {
  kam = await startKam({ groups: 40, members: 2000 });
  [admin, sup1, m1, m3, analyst, merchant] = await Promise.all(
    ['admin', 'supervisor1', 'manager1', 'manager3', 'analyst1', 'merchant1'].map((u) => kam.login(u)));
});
after(async () => { await kam.stop(); });

const put = (c, p, body) => c.raw('PUT', p, JSON.stringify(body));

test('the demo comes with warnings: rules, zones, tasks and an engine run', async () => {
  const rules = await sup1.get('/api/v1/alert-rules');
  assert.equal(rules.status, 200);
  assert.ok(rules.body.items.filter((r) => r.builtin).length >= 12);
  const runs = await admin.get('/api/v1/engine/runs');
  assert.ok(runs.body.items.length >= 1);
  assert.deepEqual(runs.body.items[0].rule_errors, []);
  const zones = await sup1.get('/api/v1/zones');
  assert.equal(zones.status, 200);
  const total = Object.values(zones.body.current.members).reduce((a, b) => a + b, 0);
  assert.ok(total > 0);
  const summary = await sup1.get('/api/v1/alert-tasks/summary');
  assert.equal(summary.status, 200);
  assert.ok(summary.body.totals.total > 0);
  assert.ok(summary.body.by_manager.length > 0);
  assert.ok(summary.body.totals.retention_rate > 0, 'the worked-through months have outcomes');
});

test('a manager works a task from the inbox to the end; others cannot touch it', async () => {
  const inbox = await m1.get('/api/v1/alert-tasks?owner=me&state=open&limit=5');
  assert.equal(inbox.status, 200);
  assert.ok(inbox.body.items.length > 0);
  for (let i = 1; i < inbox.body.items.length; i++) {
    assert.ok(inbox.body.items[i - 1].priority >= inbox.body.items[i].priority, 'highest priority first');
  }
  const t = inbox.body.items[0];
  assert.equal((await m3.get(`/api/v1/alert-tasks/${t.id}`)).status, 404);
  assert.equal((await m3.post(`/api/v1/alert-tasks/${t.id}/accept`, { version: t.version })).status, 404);
  const acc = await m1.post(`/api/v1/alert-tasks/${t.id}/accept`, { version: t.version });
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.body.state, 'accepted');
  const stale = await m1.post(`/api/v1/alert-tasks/${t.id}/close`, { version: t.version, outcome: 'retained' });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.field, 'version');
  const contact = await m1.post(`/api/v1/alert-tasks/${t.id}/contact`, {
    version: acc.body.version, contact: { channel: 'call', subject: '外呼了解原因', outcome: 'positive', next_step: '发送资费方案' },
  });
  assert.equal(contact.status, 200, contact.text);
  const timeline = await m1.get(`/api/v1/customers/${t.customer.id}/contacts?limit=50`);
  assert.ok(timeline.body.items.some((c) => c.id === contact.body.contact_id), 'the contact is on the timeline');
  const noReason = await m1.post(`/api/v1/alert-tasks/${t.id}/close`, { version: contact.body.version, outcome: 'lost' });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.body.error.field, 'reason');
  const closed = await m1.post(`/api/v1/alert-tasks/${t.id}/close`, { version: contact.body.version, outcome: 'lost', reason: '转网' });
  assert.equal(closed.status, 200, closed.text);
  const illegal = await m1.post(`/api/v1/alert-tasks/${t.id}/accept`, { version: closed.body.version });
  assert.equal(illegal.status, 409);
  assert.match(illegal.body.error.message, /allowed now/);
  const detail = await m1.get(`/api/v1/alert-tasks/${t.id}`);
  assert.deepEqual(detail.body.history.map((h) => h.action), ['created', 'accept', 'contact', 'close']);
  const audit = await admin.get(`/api/v1/audit?entity=alert_task&entity_id=${t.id}`);
  assert.equal(audit.body.total, 3);
});

test('rules: editor preview with positions, versions, refusals with the field named', async () => {
  const bad = await sup1.post('/api/v1/alert-rules/preview', { level: 'member', condition: 'bill[-2] >= 100 and bil < 100' });
  assert.equal(bad.status, 200);
  assert.equal(bad.body.valid, false);
  assert.equal(bad.body.position, 21);
  assert.match(bad.body.message, /did you mean bill/);
  const ok = await sup1.post('/api/v1/alert-rules/preview', { level: 'member', condition: 'bill[-2] >= 100 and bill < 100' });
  assert.equal(ok.body.valid, true);
  assert.ok(ok.body.this_month.customers >= 0);
  assert.ok('last_month' in ok.body);
  assert.equal((await m1.post('/api/v1/alert-rules/preview', { condition: 'bill > 1' })).status, 403);
  // Rules raise tasks province-wide: admins and analysts set them; a supervisor reads and previews.
  const sup = await sup1.post('/api/v1/alert-rules', { name: '集团收入骤降', level: 'customer', condition: 'revenue_drop_pct >= 40' });
  assert.equal(sup.status, 403);
  const builtin = (await sup1.get('/api/v1/alert-rules')).body.items.find((r) => r.builtin);
  assert.equal((await sup1.patch(`/api/v1/alert-rules/${builtin.id}`, { version: builtin.version, enabled: false })).status, 403);
  const refused = await analyst.post('/api/v1/alert-rules', { name: 'x', condition: 'status == "lost"' });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.field, 'condition');
  const created = await analyst.post('/api/v1/alert-rules', { name: '集团收入骤降', level: 'customer', condition: 'revenue_drop_pct >= 40 and revenue[-2] >= 1000',
                                                          severity: 'critical', deadline_days: 3 });
  assert.equal(created.status, 201, created.text);
  const patched = await analyst.patch(`/api/v1/alert-rules/${created.body.id}`, { version: 1, enabled: false });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.version, 2);
  assert.equal((await analyst.patch(`/api/v1/alert-rules/${created.body.id}`, { version: 1, enabled: true })).status, 409);
  const versions = await sup1.get(`/api/v1/alert-rules/${created.body.id}/versions`);
  assert.deepEqual(versions.body.items.map((v) => v.enabled), [false, true]);
  const fields = await sup1.get('/api/v1/alert-rules/fields');
  assert.ok(fields.body.member.some((f) => f.name === 'zone' && f.values.includes('white')));
  assert.ok(fields.body.customer.some((f) => f.name === 'revenue_drop_pct'));
  assert.equal((await sup1.raw('DELETE', `/api/v1/alert-rules/${created.body.id}`)).status, 403);
  assert.equal((await analyst.raw('DELETE', `/api/v1/alert-rules/${created.body.id}`)).status, 204);
});

test('the engine runs on demand for the right roles; a rerun creates nothing', async () => {
  assert.equal((await m1.post('/api/v1/engine/runs', {})).status, 403);
  assert.equal((await sup1.post('/api/v1/engine/runs', { month: 'soon' })).body.error.field, 'month');
  const run = await sup1.post('/api/v1/engine/runs', {});
  assert.equal(run.status, 200, run.text);
  assert.equal(run.body.tasks_created, 0);
});

test('zones: thresholds are configuration; a customer shows its zone history and members', async () => {
  const cfg = await sup1.get('/api/v1/zones/config');
  assert.equal(cfg.body.config.bill_a_fen, 10000);
  assert.equal((await put(m1, '/api/v1/zones/config', { version: cfg.body.version, config: { mou_b: 100 } })).status, 403);
  assert.equal((await put(sup1, '/api/v1/zones/config', { version: cfg.body.version, config: { mou_b: 100 } })).status, 403,
               'zone thresholds are province-wide: not a supervisor\'s');
  const bad = await put(analyst, '/api/v1/zones/config', { version: cfg.body.version, config: { mou_b: -5 } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'mou_b');
  const mine = (await m1.get('/api/v1/customers?limit=50')).body.items;
  let shown = null;
  for (const c of mine) {
    const z = await m1.get(`/api/v1/customers/${c.id}/zones`);
    assert.equal(z.status, 200);
    if (z.body.zone) { shown = z.body; break; }
  }
  assert.ok(shown, 'one of my customers has a zone');
  assert.ok(shown.members.length > 0);
  assert.ok(['none', 'blue', 'green', 'yellow', 'red', 'white'].includes(shown.members[0].zone));
  assert.equal((await m3.get(`/api/v1/customers/${shown.customer_id}/zones`)).status, 404);
  const moves = await sup1.get('/api/v1/zones/transitions?limit=5');
  assert.equal(moves.status, 200);
});

test('the 360 view carries value, zone, open alerts; the analyst sees numbers masked in tasks', async () => {
  const inbox = await m1.get('/api/v1/alert-tasks?owner=me&state=active&limit=1');
  const customer = inbox.body.items[0].customer.id;
  const ov = await m1.get(`/api/v1/customers/${customer}/overview`);
  assert.equal(ov.status, 200);
  assert.ok(ov.body.value?.latest?.tier);
  assert.ok(ov.body.risk_zone?.zone);
  assert.ok(ov.body.alerts.length > 0);
  assert.ok(ov.body.alerts.every((a) => a.state !== 'closed'));
  const withMembers = (await analyst.get('/api/v1/alert-tasks?state=active&limit=100')).body.items.find((t) => t.member_count > 0);
  if (withMembers) {
    const d = await analyst.get(`/api/v1/alert-tasks/${withMembers.id}`);
    for (const m of d.body.members) assert.match(m.number, /\*/);
  }
  assert.equal((await merchant.get('/api/v1/alert-tasks')).status, 403);
});

test('notifications: escalations reach the supervisor', async () => {
  const n = await sup1.get('/api/v1/notifications?limit=50');
  assert.equal(n.status, 200);
  // The demo's older months left overdue tasks: the scheduler (or the demo) escalated them.
  assert.ok(n.body.items.some((x) => x.kind === 'escalation'), JSON.stringify(n.body.items.slice(0, 3)));
  const first = n.body.items[0];
  assert.equal((await sup1.post(`/api/v1/notifications/${first.id}/read`, {})).status, 204);
  assert.equal((await m1.post(`/api/v1/notifications/${first.id}/read`, {})).status, 404);
});

test('notifications: a reassigned task tells its new owner; mark one read, then all; nobody else is touched', async () => {
  const m2 = await kam.login('manager2');
  const task = (await m1.get('/api/v1/alert-tasks?owner=me&state=active&limit=1')).body.items[0];
  assert.ok(task, 'manager1 has an active task');
  const before = (await m1.get('/api/v1/notifications?unread=true&limit=1')).body.unread;
  const supBefore = (await sup1.get('/api/v1/notifications?unread=true&limit=1')).body.unread;
  // Not to someone outside the supervisor's teams (manager3 is another team's).
  const m3id = (await m3.get('/api/v1/auth/me')).body.id;
  const outside = await sup1.post(`/api/v1/alert-tasks/${task.id}/reassign`, { version: task.version, assignee_id: m3id });
  assert.equal(outside.status, 400);
  assert.equal(outside.body.error.field, 'assignee_id');
  // Away to manager2 and back: each new owner is told, with a link to the task.
  const away = await sup1.post(`/api/v1/alert-tasks/${task.id}/reassign`, { version: task.version, assignee_id: m2.user.id });
  assert.equal(away.status, 200, away.text);
  const back = await sup1.post(`/api/v1/alert-tasks/${task.id}/reassign`, { version: away.body.version, assignee_id: m1.user.id });
  assert.equal(back.status, 200, back.text);
  const toM2 = (await m2.get('/api/v1/notifications?unread=true&limit=50')).body.items.find((n) => n.ref_id === task.id);
  assert.equal(toM2?.kind, 'assignment');
  const mine = await m1.get('/api/v1/notifications?unread=true&limit=200');
  assert.equal(mine.body.unread, before + 1);
  const note = mine.body.items.find((n) => n.kind === 'assignment' && n.ref_id === task.id);
  assert.ok(note, JSON.stringify(mine.body.items.slice(0, 3)));
  assert.equal(note.ref_type, 'alert_task');
  assert.match(note.title, new RegExp(task.customer.name.replace(/[()（）]/g, '.')));
  assert.equal(note.read, false);
  assert.equal((await m1.get(`/api/v1/alert-tasks/${task.id}`)).status, 200, 'the link opens for its reader');
  // The history says how it moved.
  const hist = (await m1.get(`/api/v1/alert-tasks/${task.id}`)).body.history.filter((h) => h.action === 'reassign');
  assert.equal(hist.length, 2);

  // One read: the count drops by one; someone else cannot mark it.
  assert.equal((await m2.post(`/api/v1/notifications/${note.id}/read`)).status, 404);
  assert.equal((await m1.post(`/api/v1/notifications/${note.id}/read`)).status, 204);
  assert.equal((await m1.get('/api/v1/notifications?unread=true&limit=1')).body.unread, before);
  // All read: as many as were left, nothing unread after; a second time marks nothing.
  const all = await m1.post('/api/v1/notifications/read-all');
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.body, { marked: before, unread: 0 });
  const after = await m1.get('/api/v1/notifications?limit=200');
  assert.equal(after.body.unread, 0);
  assert.ok(after.body.items.every((n) => n.read));
  assert.deepEqual((await m1.post('/api/v1/notifications/read-all')).body, { marked: 0, unread: 0 });
  // Other people's notifications are untouched; without a session there is nothing to mark.
  assert.equal((await sup1.get('/api/v1/notifications?unread=true&limit=1')).body.unread, supBefore);
  assert.ok((await m2.get('/api/v1/notifications?unread=true&limit=1')).body.unread >= 1);
  assert.equal((await kam.client().post('/api/v1/notifications/read-all')).status, 401);
});

test('the inbox filters by the month a task was raised; a bad month is refused naming month', async () => {
  const all = (await sup1.get('/api/v1/alert-tasks?limit=1')).body.total;
  assert.equal(all, (await sup1.get('/api/v1/alert-tasks/summary')).body.totals.total);
  // The engine ran for each month of the demo; its tasks are raised in those months.
  const months = [...new Set((await admin.get('/api/v1/engine/runs?limit=50')).body.items.map((r) => r.month))];
  assert.ok(months.length >= 2, JSON.stringify(months));
  let sum = 0;
  for (const m of months) {
    const page = await sup1.get(`/api/v1/alert-tasks?month=${m}&limit=200`);
    assert.equal(page.status, 200, page.text);
    assert.ok(page.body.items.every((t) => t.month === m), m);
    assert.equal(page.body.total, (await sup1.get(`/api/v1/alert-tasks/summary?month=${m}`)).body.totals.total, m);
    sum += page.body.total;
  }
  assert.equal(sum, all, 'the months add up to everything');
  assert.equal((await sup1.get('/api/v1/alert-tasks?month=2019-01')).body.total, 0);
  // Combined with the other filters, in scope: manager1's own active tasks of a month.
  const mine = await m1.get(`/api/v1/alert-tasks?owner=me&state=active&month=${months[0]}&limit=200`);
  assert.equal(mine.status, 200);
  assert.ok(mine.body.items.every((t) => t.month === months[0] && t.state !== 'closed'
    && (t.assignee?.id === m1.user.id || t.escalated_to?.id === m1.user.id)));
  for (const bad of ['2026-13', '2026-1', 'soon', "2026-01' OR '1'='1", '2026-00']) {
    const r = await sup1.get(`/api/v1/alert-tasks?month=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error.field, 'month', bad);
  }
});

test('a closed task\'s history gives the outcome and the reason apart', async () => {
  const t = (await m1.get('/api/v1/alert-tasks?owner=me&state=open&limit=1')).body.items[0];
  const closed = await m1.post(`/api/v1/alert-tasks/${t.id}/close`, { version: t.version, outcome: 'offer_made', reason: '推荐融合套餐: 客户考虑中' });
  assert.equal(closed.status, 200, closed.text);
  const last = closed.body.history.at(-1);
  assert.equal(last.action, 'close');
  assert.equal(last.outcome, 'offer_made');
  assert.equal(last.reason, '推荐融合套餐: 客户考虑中');
  const t2 = (await m1.get('/api/v1/alert-tasks?owner=me&state=open&limit=1')).body.items[0];
  const plain = await m1.post(`/api/v1/alert-tasks/${t2.id}/close`, { version: t2.version, outcome: 'retained' });
  assert.equal(plain.body.history.at(-1).outcome, 'retained');
  assert.equal(plain.body.history.at(-1).reason, null);
});

test('a handover moves the open tasks to the new manager, who is notified; the history says handover', async () => {
  const m2 = await kam.login('manager2');
  const task = (await m1.get('/api/v1/alert-tasks?owner=me&state=active&limit=1')).body.items[0];
  const customer = task.customer.id;
  const open = (await m1.get(`/api/v1/alert-tasks?owner=me&state=active&customer_id=${customer}&limit=200`)).body.items;
  const before = (await m2.get('/api/v1/notifications?unread=true&limit=1')).body.unread;
  const h = await sup1.post(`/api/v1/customers/${customer}/handovers`, { to_user_id: m2.user.id, reason: '岗位调整' });
  assert.equal(h.status, 201, h.text);
  for (const item of h.body.items) {
    const r = await m1.patch(`/api/v1/handovers/${h.body.id}/items/${item.id}`, { done: true, note: '已完成' });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal((await sup1.post(`/api/v1/handovers/${h.body.id}/complete`)).status, 200);
  const notes = (await m2.get('/api/v1/notifications?unread=true&limit=200')).body;
  assert.equal(notes.unread, before + open.length);
  for (const t of open) {
    assert.ok(notes.items.some((n) => n.kind === 'assignment' && n.ref_type === 'alert_task' && n.ref_id === t.id), `task ${t.id}`);
    const d = (await m2.get(`/api/v1/alert-tasks/${t.id}`)).body;
    assert.equal(d.assignee.id, m2.user.id);
    const last = d.history.at(-1);
    assert.equal(last.action, 'reassign');
    assert.equal(last.via, 'handover');
  }
});
