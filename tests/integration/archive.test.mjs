// The customer archive over real HTTP: scope, masking, CRUD with validation and versions,
// search, pagination, handover and audit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { creditCode, instant, shanghaiDate, shanghaiWall, startKam } from './harness.mjs';

let kam, admin, m1, m3, sup1, analyst, merchant, portal, agent;
let users = {};
before(async () => {
  kam = await startKam({ groups: 40, members: 2000 });
  admin = await kam.login('admin');
  [m1, m3, sup1, analyst, merchant, portal, agent] = await Promise.all(
    ['manager1', 'manager3', 'supervisor1', 'analyst1', 'merchant1', 'portal1', 'agent1'].map((u) => kam.login(u)));
  const all = await admin.get('/api/v1/users?limit=200');
  for (const u of all.body.items) users[u.username] = u;
});
after(async () => { await kam.stop(); });

async function allCustomers(c, query = '') {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const r = await c.get(`/api/v1/customers?limit=7${query}${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return { items: out, total: r.body.total };
  }
  throw new Error('pagination did not end');
}

test('a manager sees exactly their own customers, page by page', async () => {
  const { items, total } = await allCustomers(m1);
  assert.ok(items.length > 0);
  assert.equal(items.length, total);
  assert.equal(new Set(items.map((c) => c.id)).size, items.length, 'no duplicates across pages');
  const me = users.manager1.id;
  for (const c of items) assert.ok(c.account_manager_id === me || c.phone_manager_id === me, `customer ${c.id} is not mine`);
  const names = items.map((c) => c.name);
  assert.deepEqual(names, [...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0)));
});

test("another manager's customer answers 404 for read, change and sub-records", async () => {
  const theirs = (await m3.get('/api/v1/customers?limit=1&kind=group')).body.items[0];
  assert.ok(theirs);
  for (const p of [`/api/v1/customers/${theirs.id}`, `/api/v1/customers/${theirs.id}/overview`,
                   `/api/v1/customers/${theirs.id}/members`, `/api/v1/customers/${theirs.id}/hierarchy`]) {
    const r = await m1.get(p);
    assert.equal(r.status, 404, p);
    assert.equal(r.body.error.code, 'not_found');
  }
  const patch = await m1.patch(`/api/v1/customers/${theirs.id}`, { version: theirs.version, note: 'mine now' });
  assert.equal(patch.status, 404);
  const add = await m1.post(`/api/v1/customers/${theirs.id}/contacts`, { channel: 'call', subject: 'x', occurred_at: '2026-01-01T00:00:00Z' });
  assert.equal(add.status, 404);
  const member = (await m3.get(`/api/v1/customers/${theirs.id}/members?limit=1`)).body.items[0];
  if (member) assert.equal((await m1.get(`/api/v1/members/${member.id}`)).status, 404);
  const after = await m3.get(`/api/v1/customers/${theirs.id}`);
  assert.equal(after.body.note, theirs.note, 'nothing changed');
});

test('a supervisor sees their team, not the other team', async () => {
  const { items } = await allCustomers(sup1);
  const team1 = new Set(Object.values(users).filter((u) => u.team_id === users.supervisor1.team_id).map((u) => u.id));
  assert.ok(items.length > 0);
  for (const c of items) assert.ok(team1.has(c.account_manager_id), `customer ${c.id} is outside team 1`);
  const other = (await m3.get('/api/v1/customers?limit=1')).body.items[0];
  assert.equal((await sup1.get(`/api/v1/customers/${other.id}`)).status, 404);
});

test('masking: analysts see masked phones and IDs, managers see phones, only admins see IDs', async () => {
  const ind = (await admin.get('/api/v1/customers?kind=individual&limit=1')).body.items[0];
  assert.match(ind.phone, /^1\d{10}$/);
  assert.match(ind.id_number, /^\d{17}[\dX]$/);
  const a = (await analyst.get(`/api/v1/customers/${ind.id}`)).body;
  assert.match(a.phone, /^\d{3}\*{4}\d{4}$/);
  assert.match(a.id_number, /^\d{6}\*{8}[\dX]{4}$/);
  const ag = (await agent.get(`/api/v1/customers/${ind.id}`)).body;
  assert.equal(ag.phone, ind.phone);
  assert.notEqual(ag.id_number, ind.id_number);
  const grp = (await m1.get('/api/v1/customers?kind=group&limit=1')).body.items[0];
  const members = (await analyst.get(`/api/v1/customers/${grp.id}/members`)).body.items;
  for (const m of members) if (m.kind === 'mobile') assert.match(m.number, /\*{4}/);
  const mine = (await m1.get(`/api/v1/customers/${grp.id}/members`)).body.items;
  for (const m of mine) if (m.kind === 'mobile') assert.match(m.number, /^1\d{10}$/);
  const kp = (await analyst.get(`/api/v1/customers/${grp.id}/overview`)).body.key_persons[0];
  assert.match(kp.phone, /\*{4}/);
});

test('merchant staff cannot read the archive; portal users see only their group', async () => {
  assert.equal((await merchant.get('/api/v1/customers')).status, 403);
  const list = (await portal.get('/api/v1/customers')).body;
  assert.ok(list.items.length >= 1);
  for (const c of list.items) assert.ok(c.id === portal.user.customer_id || c.parent_id === portal.user.customer_id);
  assert.equal((await portal.patch(`/api/v1/customers/${portal.user.customer_id}`, { version: 1, note: 'x' })).status, 403);
  // Only the fields made for the portal: no notes, managers' ids, risk or competitors.
  for (const c of list.items) {
    for (const hidden of ['note', 'account_manager_id', 'phone_manager_id', 'competitors', 'sensitivity', 'version']) {
      assert.ok(!(hidden in c), `portal sees no ${hidden}`);
    }
  }
  const own = portal.user.customer_id;
  // The staff's view of the group is not the portal's: key persons (attitudes, hobbies),
  // contact notes, needs, the 360 view; the staff directory is staff-only.
  for (const p of [`/api/v1/customers/${own}/key-persons`, `/api/v1/customers/${own}/contacts`,
                   `/api/v1/customers/${own}/needs`, `/api/v1/customers/${own}/overview`, '/api/v1/users', '/api/v1/teams']) {
    const r = await portal.get(p);
    assert.ok(r.status === 403 || r.status === 404, `${p}: ${r.status}`);
    assert.equal((await merchant.get(p)).status >= 403, true, p);
  }
  const members = await portal.get(`/api/v1/customers/${own}/members?limit=5`);
  assert.equal(members.status, 200);
  for (const m of members.body.items) assert.ok(!('id_number' in m));
  // Filtering by a field the portal does not see is refused (it would answer what it holds).
  assert.equal((await portal.get('/api/v1/customers?manager=1')).status, 403);
});

test('masked numbers cannot be recovered by search or filter', async () => {
  // A member number the account manager sees in full; the analyst sees it masked.
  const c = (await m1.get('/api/v1/customers?limit=1')).body.items[0];
  const m = (await m1.get(`/api/v1/customers/${c.id}/members?limit=1`)).body.items[0];
  assert.match(m.number, /^1[3-9]\d{9}$/);
  const prefix = m.number.slice(0, 7);
  const full = await m1.get(`/api/v1/customers?q=${prefix}&limit=200`);
  assert.ok(full.body.items.some((x) => x.id === c.id), 'the manager finds the customer by number');
  const masked = await analyst.get(`/api/v1/customers?q=${prefix}&limit=200`);
  assert.equal(masked.status, 200);
  assert.equal(masked.body.total, 0, 'a prefix of a masked number matches nothing');
  const exact = await analyst.get(`/api/v1/customers/${c.id}/members?number=${m.number}`);
  assert.equal(exact.status, 403, 'an exact filter on a masked number is refused');
  assert.equal((await m1.get(`/api/v1/customers/${c.id}/members?number=${m.number}`)).body.total, 1);
});

test('create a customer: validation names the field, nothing is written on error', async () => {
  const before = (await m1.get('/api/v1/customers?limit=1')).body.total;
  const auditBefore = (await admin.get('/api/v1/audit?entity=customer&limit=1')).body.total;
  const base = { name: '南京测试科技有限公司', kind: 'group', org_type: 'enterprise', industry: '信息技术', district_code: '320102' };
  const cases = [
    [{ ...base, credit_code: '91320102MA1XYZ1234' }, 'credit_code'],
    [{ ...base, name: 'x'.repeat(201) }, 'name'],
    [{ ...base, name: '' }, 'name'],
    [{ ...base, employees: 'many' }, 'employees'],
    [{ ...base, employees: -1 }, 'employees'],
    [{ ...base, org_type: 'church' }, 'org_type'],
    [{ ...base, favourite_colour: 'red' }, 'favourite_colour'],
    [{ ...base, district_code: '999999' }, 'district_code'],
    [{ ...base, account_manager_id: users.manager3.id }, 'account_manager_id'],
    [{ ...base, competitors: [{ services: '宽带' }] }, 'competitors[0].operator'],
    [{ ...base, kind: 'individual' }, 'phone'],
    [{ ...base, kind: 'individual', phone: '12345' }, 'phone'],
    [{ kind: 'group' }, 'name'],
  ];
  for (const [body, field] of cases) {
    const r = await m1.post('/api/v1/customers', body);
    assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field);
    assert.ok(r.body.error.message.length > 3);
  }
  for (const raw of ['{"name": "x",', '[1,2', 'null', '"text"', '[' .repeat(100) + ']'.repeat(100)]) {
    const r = await m1.post('/api/v1/customers', raw);
    assert.equal(r.status, 400, raw);
  }
  assert.equal((await m1.get('/api/v1/customers?limit=1')).body.total, before);
  assert.equal((await admin.get('/api/v1/audit?entity=customer&limit=1')).body.total, auditBefore);

  const code = creditCode(424242);
  const ok = await m1.post('/api/v1/customers', { ...base, credit_code: code.toLowerCase(), competitors: [{ operator: '中国联通', services: '宽带', bundle_end_date: '2027-03-31' }] });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.credit_code, code);
  assert.equal(ok.body.account_manager_id, users.manager1.id);
  assert.equal(ok.body.city_code, '320100', 'city filled from the district');
  assert.equal(ok.body.version, 1);
  const dup = await m1.post('/api/v1/customers', { ...base, credit_code: code });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.field, 'credit_code');
  const hist = await m1.get(`/api/v1/customers/${ok.body.id}/assignments`);
  assert.equal(hist.body.items.length, 2);
});

test('optimistic concurrency: version required, stale version answers 409', async () => {
  const c = (await m1.get('/api/v1/customers?kind=group&limit=1')).body.items[0];
  const noVersion = await m1.patch(`/api/v1/customers/${c.id}`, { note: 'a' });
  assert.equal(noVersion.status, 400);
  assert.equal(noVersion.body.error.field, 'version');
  const first = await m1.patch(`/api/v1/customers/${c.id}`, { version: c.version, note: '第一次修改' });
  assert.equal(first.status, 200);
  assert.equal(first.body.version, c.version + 1);
  const stale = await m1.patch(`/api/v1/customers/${c.id}`, { version: c.version, note: '第二次修改' });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.field, 'version');
  const ro = await m1.patch(`/api/v1/customers/${c.id}`, { version: first.body.version, account_manager_id: users.manager1.id });
  assert.equal(ro.status, 400);
  assert.equal(ro.body.error.field, 'account_manager_id');
  // Concurrent edits of one version: exactly one wins.
  const cur = (await m1.get(`/api/v1/customers/${c.id}`)).body;
  const results = await Promise.all([1, 2, 3, 4].map((i) => m1.patch(`/api/v1/customers/${c.id}`, { version: cur.version, note: `并发${i}` })));
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409]);
});

test('members, key persons, contracts, contacts and needs: create, validate, change, delete', async () => {
  const c = (await m1.get('/api/v1/customers?kind=group&limit=1&sort=-name')).body.items[0];
  const base = `/api/v1/customers/${c.id}`;
  const badMember = await m1.post(`${base}/members`, { number: '1381234', join_date: '2020-01-01' });
  assert.equal(badMember.status, 400);
  assert.equal(badMember.body.error.field, 'number');
  const future = await m1.post(`${base}/members`, { number: '13900001111', join_date: '2099-01-01' });
  assert.equal(future.body.error.field, 'join_date');
  const member = await m1.post(`${base}/members`, { number: '13900001111', join_date: '2020-01-15', grade: 'key', monthly_spend_fen: 12800 });
  assert.equal(member.status, 201, JSON.stringify(member.body));
  assert.ok(member.body.tenure_months >= 60);
  const dupMember = await m1.post(`${base}/members`, { number: '13900001111', join_date: '2020-01-15' });
  assert.equal(dupMember.status, 409);
  assert.equal(dupMember.body.error.field, 'number');

  const boss = await m1.post(`${base}/key-persons`, { name: '欧阳总', level: 'decision_maker', title: '总经理', birthday: '1970-05-20', attitude: 'supporter' });
  assert.equal(boss.status, 201, JSON.stringify(boss.body));
  assert.equal(boss.body.senior, true);
  assert.notEqual(boss.body.owner_id, users.manager1.id, 'a senior key person goes to a senior owner');
  const aide = await m1.post(`${base}/key-persons`, { name: '司马主任', level: 'gatekeeper', reports_to_id: boss.body.id });
  assert.equal(aide.status, 201);
  assert.equal(aide.body.owner_id, users.manager1.id);
  const cycle = await m1.patch(`/api/v1/key-persons/${boss.body.id}`, { version: boss.body.version, reports_to_id: aide.body.id });
  assert.equal(cycle.status, 400);
  assert.equal(cycle.body.error.field, 'reports_to_id');
  const badDate = await m1.post(`${base}/key-persons`, { name: 'x', level: 'user', birthday: '1990-02-30' });
  assert.equal(badDate.body.error.field, 'birthday');

  const contract = await m1.post(`${base}/contracts`, { contract_no: 'T-2026-001', title: '专线协议', start_date: '2026-01-01', end_date: '2025-12-31' });
  assert.equal(contract.body.error.field, 'end_date');

  const contact = await m1.post(`${base}/contacts`, { channel: 'visit', subject: '拜访欧阳总', occurred_at: shanghaiWall(-1),
                                                       key_person_id: boss.body.id, outcome: 'positive', next_step: '发送方案', next_step_date: shanghaiDate(6) });
  assert.equal(contact.status, 201, JSON.stringify(contact.body));
  assert.equal(contact.body.user_id, users.manager1.id);
  assert.equal(contact.body.occurred_at, instant(-1));
  const ov = (await m1.get(`${base}/overview`)).body;
  assert.equal(ov.contacts[0].id, contact.body.id, 'newest contact first on the timeline');
  assert.equal(ov.key_persons.find((k) => k.id === boss.body.id).last_contact_at, instant(-1));
  // Someone else with contact rights neither changes nor deletes the author's record.
  assert.equal((await agent.del(`/api/v1/contacts/${contact.body.id}`)).status, 403);
  assert.equal((await agent.patch(`/api/v1/contacts/${contact.body.id}`, { version: contact.body.version, subject: 'x' })).status, 403);
  assert.equal((await m1.get(`/api/v1/contacts/${contact.body.id}`)).status, 200, 'the record is still there');
  const wrongKp = await m1.post(`${base}/contacts`, { channel: 'call', subject: 'x', occurred_at: '2026-11-20T10:00:00Z', key_person_id: 1 });
  if (wrongKp.status !== 201) assert.equal(wrongKp.body.error.field, 'key_person_id');

  const need = await m1.post(`${base}/needs`, { kind: 'hidden', category: 'cut_cost', title: '专线整合' });
  assert.equal(need.status, 201);
  const needDone = await m1.patch(`/api/v1/needs/${need.body.id}`, { version: 1, status: 'met' });
  assert.equal(needDone.body.status, 'met');
  assert.equal((await m1.del(`/api/v1/needs/${need.body.id}`)).status, 204);
  assert.equal((await m1.get(`/api/v1/needs/${need.body.id}`)).status, 404);
  assert.equal((await m1.del(`/api/v1/key-persons/${boss.body.id}`)).status, 204);
  const aideAfter = (await m1.get(`/api/v1/key-persons/${aide.body.id}`)).body;
  assert.equal(aideAfter.reports_to_id, null, 'the chain closes over a removed key person');
});

test('search finds customers by Chinese fragments, credit code, key person and member number', async () => {
  const c = (await admin.get('/api/v1/customers?kind=group&limit=1&sort=-employees')).body.items[0];
  const ov = (await admin.get(`/api/v1/customers/${c.id}/overview`)).body;
  const q = async (text) => (await admin.get(`/api/v1/customers?limit=200&q=${encodeURIComponent(text)}`)).body.items.map((x) => x.id);
  const chars = [...c.name];
  assert.ok((await q(chars.slice(0, 2).join(''))).includes(c.id), 'two-character fragment');
  assert.ok((await q(chars.slice(1, 5).join(''))).includes(c.id), 'four characters from the middle');
  assert.ok((await q(c.credit_code)).includes(c.id), 'credit code');
  assert.ok((await q(ov.key_persons[0].name)).includes(c.id), 'key person');
  const number = ov.members.items.find((m) => m.kind === 'mobile');
  if (number) assert.ok((await q(number.number.slice(0, 8))).includes(c.id), 'member number prefix');
  assert.deepEqual(await q('完全不存在的名字'), []);
  assert.deepEqual(await q('%'), [], 'LIKE wildcards are literal');
  // Scope holds inside search too.
  const m1ids = new Set((await allCustomers(m1)).items.map((x) => x.id));
  for (const id of (await m1.get(`/api/v1/customers?q=${encodeURIComponent(chars.slice(0, 2).join(''))}`)).body.items.map((x) => x.id)) {
    assert.ok(m1ids.has(id));
  }
});

test('filters and sorting: region, status, org type, manager, bad sort', async () => {
  const r = await admin.get('/api/v1/customers?region=320100&status=active&limit=200');
  for (const c of r.body.items) { assert.equal(c.city_code, '320100'); assert.equal(c.status, 'active'); }
  const byManager = await admin.get(`/api/v1/customers?manager=${users.manager1.id}&limit=200`);
  assert.equal(byManager.body.total, (await m1.get('/api/v1/customers?limit=1')).body.total);
  const desc = (await admin.get('/api/v1/customers?sort=-employees&kind=group&limit=20')).body.items.map((c) => c.employees ?? 0);
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  const bad = await admin.get('/api/v1/customers?sort=password');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'sort');
  assert.equal((await admin.get('/api/v1/customers?limit=0')).body.error.field, 'limit');
  assert.equal((await admin.get('/api/v1/customers?status=gone')).body.error.field, 'status');
  assert.equal((await admin.get('/api/v1/customers?cursor=%%%')).status, 400);
});

test('handover: checklist first, then the customer changes hands atomically', async () => {
  const c = (await m1.get('/api/v1/customers?kind=group&limit=1')).body.items[0];
  const forbidden = await m1.post(`/api/v1/customers/${c.id}/handovers`, { to_user_id: users.manager2.id, reason: '岗位调整' });
  assert.equal(forbidden.status, 403);
  const wrongRole = await sup1.post(`/api/v1/customers/${c.id}/handovers`, { to_user_id: users.phone1.id, reason: '岗位调整' });
  assert.equal(wrongRole.body.error.field, 'to_user_id');
  const h = await sup1.post(`/api/v1/customers/${c.id}/handovers`, { to_user_id: users.manager2.id, reason: '岗位调整' });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  assert.ok(h.body.items.length >= 2);
  assert.ok(h.body.items.some((i) => i.kind === 'key_person_intro') || h.body.items.length >= 2);
  const again = await sup1.post(`/api/v1/customers/${c.id}/handovers`, { to_user_id: users.manager2.id, reason: '重复' });
  assert.equal(again.status, 409);
  const early = await sup1.post(`/api/v1/handovers/${h.body.id}/complete`);
  assert.equal(early.status, 409);
  assert.equal((await m1.get(`/api/v1/customers/${c.id}`)).body.account_manager_id, users.manager1.id, 'still assigned meanwhile');
  let last;
  for (const item of h.body.items) {
    last = await m1.patch(`/api/v1/handovers/${h.body.id}/items/${item.id}`, { done: true, note: '已完成' });
    assert.equal(last.status, 200, JSON.stringify(last.body));
  }
  assert.equal(last.body.ready, true);
  const done = await sup1.post(`/api/v1/handovers/${h.body.id}/complete`);
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'completed');
  const m2 = await kam.login('manager2');
  const now = await m2.get(`/api/v1/customers/${c.id}`);
  assert.equal(now.status, 200);
  assert.equal(now.body.account_manager_id, users.manager2.id);
  assert.equal((await m1.get(`/api/v1/customers/${c.id}`)).status, 404, 'the old manager no longer sees it');
  const hist = (await m2.get(`/api/v1/customers/${c.id}/assignments`)).body.items.filter((a) => a.role === 'account_manager');
  assert.equal(hist[0].user_id, users.manager2.id);
  assert.equal(hist[0].ended_at, null);
  assert.ok(hist.slice(1).every((a) => a.ended_at !== null));
});

test('audit: every change recorded with before and after; only admins and supervisors read it', async () => {
  const c = (await m1.get('/api/v1/customers?kind=group&limit=1&sort=-updated_at')).body.items[0];
  const r = await m1.patch(`/api/v1/customers/${c.id}`, { version: c.version, address: '南京市鼓楼区审计路1号' });
  assert.equal(r.status, 200);
  const log = await admin.get(`/api/v1/audit?entity=customer&entity_id=${c.id}`);
  assert.equal(log.status, 200);
  const entry = log.body.items[0];
  assert.equal(entry.action, 'update');
  assert.equal(entry.username, 'manager1');
  assert.equal(entry.after.address, '南京市鼓楼区审计路1号');
  assert.equal(entry.before.address, c.address);
  assert.match(entry.request_id, /^[0-9a-f]{16}$/);
  assert.equal((await m1.get('/api/v1/audit')).status, 403);
  const supView = await sup1.get(`/api/v1/audit?user_id=${users.manager1.id}`);
  assert.ok(supView.body.items.length > 0);
  const byUser = await admin.get(`/api/v1/audit?user_id=${users.manager1.id}&from=2000-01-01`);
  assert.ok(byUser.body.items.every((e) => e.user_id === users.manager1.id));
});

test('workbench summarises the caller’s own scope', async () => {
  const w = (await m1.get('/api/v1/workbench')).body;
  const total = Object.values(w.customers_by_status).reduce((a, b) => a + b, 0);
  assert.equal(total, (await m1.get('/api/v1/customers?limit=1')).body.total);
  for (const b of w.upcoming_birthdays) assert.ok(b.days_until >= 0 && b.days_until <= 30);
  for (const c of w.expiring_contracts) assert.ok(c.days_left >= 0 && c.days_left <= 90);
  assert.equal((await merchant.get('/api/v1/workbench')).status, 403);
});

test('workbench counts customers by industry; each industry filters the list to that count', async () => {
  const w = (await m1.get('/api/v1/workbench')).body;
  const byIndustry = Object.entries(w.customers_by_industry);
  assert.ok(byIndustry.length > 0);
  assert.equal(byIndustry.reduce((a, [, n]) => a + n, 0), (await m1.get('/api/v1/customers?limit=1')).body.total);
  const [industry, n] = byIndustry.find(([k]) => k !== 'unknown');
  const r = await m1.get(`/api/v1/customers?limit=1&industry=${encodeURIComponent(industry)}`);
  assert.equal(r.body.total, n);
});

test('boolean list filters take true or false', async () => {
  const active = await m1.get('/api/v1/users?active=true&limit=200');
  assert.equal(active.status, 200, JSON.stringify(active.body));
  assert.ok(active.body.items.length > 0 && active.body.items.every((u) => u.active === true));
  const inactive = await m1.get('/api/v1/users?active=false&limit=200');
  assert.equal(inactive.status, 200);
  assert.ok(inactive.body.items.every((u) => u.active === false));
  const bad = await m1.get('/api/v1/users?active=maybe');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'active');
});

test('admin manages users; others cannot', async () => {
  const bad = await admin.post('/api/v1/users', { username: 'new user', display_name: 'x', role: 'analyst', password: 'Good-pass-2026' });
  assert.equal(bad.body.error.field, 'username');
  const weak = await admin.post('/api/v1/users', { username: 'newbie', display_name: '新人', role: 'analyst', password: 'weak' });
  assert.equal(weak.body.error.field, 'password');
  const ok = await admin.post('/api/v1/users', { username: 'newbie', display_name: '新人', role: 'analyst', password: 'Good-pass-2026' });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.password_hash, undefined);
  assert.equal((await m1.post('/api/v1/users', { username: 'sneaky', display_name: 'x', role: 'admin', password: 'Good-pass-2026' })).status, 403);
  const newbie = await kam.login('newbie', 'Good-pass-2026');
  const off = await admin.patch(`/api/v1/users/${ok.body.id}`, { version: ok.body.version, active: false });
  assert.equal(off.status, 200);
  assert.equal((await newbie.get('/api/v1/auth/me')).status, 401, 'deactivation ends sessions');
  const busy = await admin.patch(`/api/v1/users/${users.manager4.id}`, { version: users.manager4.version, active: false });
  assert.equal(busy.status, 409, 'a manager with customers cannot be deactivated');
  const audit = await admin.get(`/api/v1/audit?entity=user&entity_id=${ok.body.id}`);
  assert.ok(audit.body.items.every((e) => !JSON.stringify(e).includes('argon2')), 'no password hash in the audit');
});
