// Care and advice over real HTTP: the care calendar (scope, transitions, stale versions,
// generation, configuration), the tariff catalogue and calculator, CDR uploads with bad rows
// named, family-plan candidates in scope and masked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { monthOf, shanghaiDate, startKam } from './harness.mjs';

let kam, admin, analyst, sup, m1, m2, merchant;
before(async () => {
  kam = await startKam({ groups: 30, members: 1500 });
  [admin, analyst, sup, m1, m2, merchant] = await Promise.all(
    ['admin', 'analyst1', 'supervisor1', 'manager1', 'manager2', 'merchant1'].map((u) => kam.login(u)));
});
after(async () => { await kam.stop(); });

async function upload(c, csv, name = 'cdr.csv') {
  const res = await fetch(kam.url + `/api/v1/cdr/imports?file_name=${encodeURIComponent(name)}`, {
    method: 'POST', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'text/csv' }, body: csv,
  });
  return { status: res.status, body: await res.json() };
}

async function waitDone(id) {
  for (let i = 0; i < 300; i++) {
    const r = await analyst.get(`/api/v1/cdr/imports/${id}`);
    assert.equal(r.status, 200);
    if (r.body.status === 'succeeded' || r.body.status === 'failed') return r.body;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error('CDR import did not finish');
}

// A group of the manager's with mobile members.
async function groupOf(c) {
  const list = await c.get('/api/v1/customers?kind=group&limit=50');
  for (const cu of list.body.items) {
    const ms = await c.get(`/api/v1/customers/${cu.id}/members?limit=20`);
    const mobiles = ms.body.items.filter((m) => m.kind === 'mobile' && m.status === 'normal');
    if (mobiles.length >= 2) return { customer: cu, members: mobiles };
  }
  throw new Error('no group with mobile members');
}

const lastMonth = () => monthOf(-1);

test('demo data comes with care tasks, a tariff catalogue and family-plan candidates', async () => {
  const tasks = await admin.get('/api/v1/care-tasks?limit=5');
  assert.equal(tasks.status, 200);
  assert.ok(tasks.body.total > 0, 'care tasks generated for today');
  assert.ok(Array.isArray(tasks.body.items) && 'next_cursor' in tasks.body);
  const pk = await m1.get('/api/v1/tariff-packages?active=true&limit=50');
  assert.equal(pk.status, 200);
  assert.ok(pk.body.total >= 10, JSON.stringify(pk.body));
  assert.ok(pk.body.items.some((p) => p.name.startsWith('5G智享套餐')));
  const cand = await admin.get('/api/v1/family-plan/candidates?limit=5');
  assert.equal(cand.status, 200);
  assert.equal(cand.body.month, lastMonth());
  assert.ok(cand.body.total > 0);
  assert.ok(cand.body.items.every((c) => c.calls >= 10 && c.tenure_months >= 12 && c.callee_operator !== 'cmcc'));
  const months = await m1.get('/api/v1/cdr/months');
  assert.equal(months.body.total, 2);
  const holidays = await m1.get('/api/v1/holidays?from=2026-01-01&to=2026-12-31');
  assert.deepEqual(holidays.body.items.map((h) => h.name),
                   ['元旦', '春节', '元宵节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
});

test('care tasks: a manager sees their customers\' tasks; another manager\'s answer 404', async () => {
  const mine = await m1.get('/api/v1/care-tasks?limit=200');
  const theirs = await m2.get('/api/v1/care-tasks?limit=200');
  const all = await admin.get('/api/v1/care-tasks?limit=1');
  assert.equal(mine.status, 200);
  assert.ok(mine.body.total > 0 && theirs.body.total > 0);
  assert.ok(mine.body.total < all.body.total);
  const mineIds = new Set(mine.body.items.map((t) => t.id));
  const foreign = theirs.body.items.find((t) => !mineIds.has(t.id));
  assert.ok(foreign, 'manager2 has a task manager1 cannot see');
  assert.equal((await m1.get(`/api/v1/care-tasks/${foreign.id}`)).status, 404);
  const p = await m1.patch(`/api/v1/care-tasks/${foreign.id}`, { state: 'done', version: foreign.version });
  assert.equal(p.status, 404);
  assert.equal((await merchant.get('/api/v1/care-tasks')).status, 403);
  // Filters
  const kind = mine.body.items[0].kind;
  const byKind = await m1.get(`/api/v1/care-tasks?kind=${kind}&state=open&limit=200`);
  assert.ok(byKind.body.items.every((t) => t.kind === kind && t.state === 'open'));
  assert.equal((await m1.get('/api/v1/care-tasks?kind=feast')).body.error.field, 'kind');
  assert.equal((await m1.get('/api/v1/care-tasks?from=tomorrow')).body.error.field, 'from');
});

test('care tasks: done with a note, stale version 409, illegal transition 409 naming the allowed ones, audited', async () => {
  const list = await m1.get('/api/v1/care-tasks?state=open&limit=1');
  const t = list.body.items[0];
  assert.deepEqual(t.transitions, ['done', 'skipped']);
  const done = await m1.patch(`/api/v1/care-tasks/${t.id}`, { state: 'done', note: '已电话问候，客户很满意', version: t.version });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.state, 'done');
  assert.equal(done.body.version, t.version + 1);
  assert.equal(done.body.closed_by, m1.user.id);
  const stale = await m1.patch(`/api/v1/care-tasks/${t.id}`, { state: 'open', version: t.version });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.field, 'version');
  const illegal = await m1.patch(`/api/v1/care-tasks/${t.id}`, { state: 'skipped', version: done.body.version });
  assert.equal(illegal.status, 409);
  assert.equal(illegal.body.error.field, 'state');
  assert.match(illegal.body.error.message, /allowed: open/);
  const bad = await m1.patch(`/api/v1/care-tasks/${t.id}`, { state: 'lost', version: done.body.version });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'state');
  assert.equal((await analyst.patch(`/api/v1/care-tasks/${t.id}`, { state: 'open', version: done.body.version })).status, 403);
  const audit = await admin.get(`/api/v1/audit?entity=care_task&entity_id=${t.id}`);
  assert.equal(audit.body.items[0].action, 'update');
  assert.deepEqual(audit.body.items[0].after, { state: 'done', note: '已电话问候，客户很满意' });
});

test('generation: supervisors and admins only, a rerun adds nothing, bad dates named', async () => {
  assert.equal((await m1.post('/api/v1/care-tasks/generate', {})).status, 403);
  // Greet every tier's key persons, whatever the demo's value ranking.
  const cfg = await admin.get('/api/v1/care-tasks/config');
  const tiers = { holiday_tiers: ['gold', 'silver', 'bronze', 'do_not_serve'] };
  const put = await admin.raw('PUT', '/api/v1/care-tasks/config', JSON.stringify({ config: tiers, version: cfg.body.version }));
  assert.equal(put.status, 200, put.text);
  // The first holiday beyond the demo's own generation window, generated for three days before.
  const ahead = await m1.get(`/api/v1/holidays?from=${shanghaiDate(10)}&to=${shanghaiDate(400)}`);
  const holiday = ahead.body.items[0];
  assert.ok(holiday, 'the holiday calendar reaches beyond now');
  const day = new Date(Date.parse(holiday.date) - 3 * 86400e3).toISOString().slice(0, 10);
  const r = await sup.post('/api/v1/care-tasks/generate', { date: day });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.created.holiday > 0, `greetings for ${holiday.name} on ${holiday.date}`);
  const again = await admin.post('/api/v1/care-tasks/generate', { date: day });
  assert.equal(again.body.created_total, 0);
  assert.equal(again.body.existing, r.body.created_total + r.body.existing);
  const bad = await admin.post('/api/v1/care-tasks/generate', { date: '2026-13-01' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'date');
  const on = await m1.get(`/api/v1/care-tasks?kind=holiday&from=${holiday.date}&to=${holiday.date}&limit=1`);
  assert.ok(on.body.items[0].title.includes(holiday.name), on.body.items[0].title);
});

test('care configuration: versioned, validated with the field named', async () => {
  const got = await m1.get('/api/v1/care-tasks/config');
  assert.equal(got.status, 200);
  assert.equal(got.body.config.family_min_calls, 10);
  assert.equal(got.body.defaults.birthday_days, 7);
  const v = got.body.version;
  assert.equal((await m1.raw('PUT', '/api/v1/care-tasks/config', JSON.stringify({ config: {}, version: v }))).status, 403);
  const bad = await admin.raw('PUT', '/api/v1/care-tasks/config', JSON.stringify({ config: { contract_days: 999 }, version: v }));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'contract_days');
  const ok = await admin.raw('PUT', '/api/v1/care-tasks/config', JSON.stringify({ config: { birthday_days: 10 }, version: v }));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.version, v + 1);
  assert.equal(ok.body.config.birthday_days, 10);
  const stale = await admin.raw('PUT', '/api/v1/care-tasks/config', JSON.stringify({ config: {}, version: v }));
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.field, 'version');
});

test('tariff catalogue: analysts maintain it, managers read it', async () => {
  const body = { name: '5G畅享套餐 99元', family: '5G', monthly_fee_fen: 9900, minutes: 300, data_mb: 25600, sms: 0,
                 overage_minute_fen: 15, overage_mb_fen: 1, overage_sms_fen: 10 };
  assert.equal((await m1.post('/api/v1/tariff-packages', body)).status, 403);
  const c = await analyst.post('/api/v1/tariff-packages', body);
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.active, true);
  const dup = await analyst.post('/api/v1/tariff-packages', body);
  assert.equal(dup.status, 409);
  const bad = await analyst.post('/api/v1/tariff-packages', { ...body, name: 'x', monthly_fee_fen: -1 });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'monthly_fee_fen');
  const off = await analyst.patch(`/api/v1/tariff-packages/${c.body.id}`, { active: false, version: c.body.version });
  assert.equal(off.status, 200);
  assert.equal((await m1.get(`/api/v1/tariff-packages/${c.body.id}`)).body.active, false);
});

test('tariff advice: typed usage, a member and a customer; others\' answer 404', async () => {
  const typed = await m1.get('/api/v1/tariffs/advice?mou=80&data_mb=5000&sms=0&current_fen=12800');
  assert.equal(typed.status, 200, typed.text);
  assert.equal(typed.body.basis, 'usage');
  assert.ok(typed.body.options.length >= 10);
  assert.ok(typed.body.options.every((o, i, a) => i === 0 || a[i - 1].total_fen <= o.total_fen), 'cheapest first');
  assert.equal(typed.body.best.total_fen, typed.body.options[0].total_fen);
  assert.equal(typed.body.saving_fen, 12800 - typed.body.best.total_fen);
  assert.ok(!typed.body.options.some((o) => o.name.startsWith('4G飞享')), 'inactive packages are not offered');

  const { customer, members } = await groupOf(m1);
  const member = await m1.get(`/api/v1/tariffs/advice?member_id=${members[0].id}`);
  assert.equal(member.status, 200, member.text);
  assert.equal(member.body.basis, 'member');
  assert.equal(member.body.months.length, 3);
  assert.ok(member.body.current_fen > 0 && member.body.best);
  const group = await m1.get(`/api/v1/tariffs/advice?customer_id=${customer.id}`);
  assert.equal(group.status, 200);
  assert.ok(group.body.members.length > 0);
  assert.equal(group.body.total.saving_fen, group.body.members.reduce((s, m) => s + m.saving_fen, 0));
  assert.equal((await m2.get(`/api/v1/tariffs/advice?member_id=${members[0].id}`)).status, 404);
  assert.equal((await m2.get(`/api/v1/tariffs/advice?customer_id=${customer.id}`)).status, 404);
  const masked = await analyst.get(`/api/v1/tariffs/advice?member_id=${members[0].id}`);
  assert.match(masked.body.member.number, /^\d{3}\*\*\*\*\d{4}$/);
  const none = await m1.get('/api/v1/tariffs/advice');
  assert.equal(none.status, 400);
  const neg = await m1.get('/api/v1/tariffs/advice?mou=-5');
  assert.equal(neg.body.error.field, 'mou');
});

test('CDR upload: bad rows refused whole and named; a good file makes candidates, in scope and masked', async () => {
  const { customer, members } = await groupOf(m1);
  // The members need a year of tenure for the family plan.
  for (const m of members.slice(0, 2)) {
    const r = await m1.patch(`/api/v1/members/${m.id}`, { join_date: '2019-05-01', version: m.version });
    assert.equal(r.status, 200, r.text);
  }
  const month = '2026-08';
  const rows = [];
  for (let i = 1; i <= 14; i++) rows.push(`${members[0].number},13061234567,中国联通,${month}-${String(i).padStart(2, '0')} 19:30:00,300`);
  for (let i = 1; i <= 4; i++) rows.push(`${members[1].number},18961234567,中国电信,${month}-0${i} 12:00:00,60`);
  const good = '主叫号码,被叫号码,被叫运营商,开始时间,通话时长\n' + rows.join('\n') + '\n';
  const broken = good + `${members[0].number},13061234567,中国铁通,${month}-20 19:30:00,300\n` +
                 `${members[0].number},13061234567,中国联通,${month}-21 19:30:00,abc\n`;
  assert.equal((await upload(m1, good)).status, 403);
  const refused = await upload(analyst, broken);
  assert.equal(refused.status, 202, JSON.stringify(refused.body));
  const failed = await waitDone(refused.body.id);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.rows_bad, 2);
  assert.deepEqual(failed.issues.map((i) => [i.line, i.column]), [[20, '被叫运营商'], [21, '通话时长']]);
  assert.match(failed.issues[0].reason, /unknown operator/);
  assert.equal((await admin.get(`/api/v1/family-plan/candidates?month=${month}`)).body.total, 0, 'nothing imported');

  const r = await upload(analyst, good, '八月话单.csv');
  const done = await waitDone(r.body.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done));
  assert.equal(done.rows_counted, 18);
  assert.deepEqual(done.months, [month]);
  const list = await analyst.get('/api/v1/cdr/imports?limit=5');
  assert.equal(list.body.items[0].file_name, '八月话单.csv');

  const mine = await m1.get(`/api/v1/family-plan/candidates?month=${month}&customer_id=${customer.id}`);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.total, 1);
  const c = mine.body.items[0];
  assert.equal(c.member_id, members[0].id);
  assert.equal(c.number, members[0].number);
  assert.equal(c.callee, '13061234567');
  assert.equal(c.callee_operator_name, '中国联通');
  assert.equal(c.calls, 14);
  assert.equal(c.minutes, 70);
  assert.equal((await m1.get(`/api/v1/family-plan/candidates?month=${month}&customer_id=${customer.id}&min_calls=4`)).body.total, 2);
  assert.equal((await m1.get(`/api/v1/family-plan/candidates?month=${month}&min_calls=1`)).body.error.field, 'min_calls');
  assert.equal((await m2.get(`/api/v1/family-plan/candidates?month=${month}&customer_id=${customer.id}`)).status, 404);
  assert.equal((await m2.get(`/api/v1/family-plan/candidates?month=${month}`)).body.total, 0);
  const masked = await analyst.get(`/api/v1/family-plan/candidates?month=${month}&customer_id=${customer.id}`);
  assert.equal(masked.body.items[0].callee, '130****4567');
  assert.match(masked.body.items[0].number, /^\d{3}\*\*\*\*\d{4}$/);
});

test('the OpenAPI description covers care and advice', async () => {
  const doc = (await admin.get('/api/v1/openapi.json')).body;
  for (const [p, m] of [['/api/v1/care-tasks', 'get'], ['/api/v1/care-tasks/{id}', 'patch'], ['/api/v1/care-tasks/generate', 'post'],
                        ['/api/v1/care-tasks/config', 'put'], ['/api/v1/tariffs/advice', 'get'], ['/api/v1/tariff-packages', 'post'],
                        ['/api/v1/cdr/imports', 'post'], ['/api/v1/family-plan/candidates', 'get'], ['/api/v1/holidays', 'get']]) {
    assert.ok(doc.paths[p]?.[m], `${m.toUpperCase()} ${p} is documented`);
  }
  assert.deepEqual(doc.components.schemas.CareTask.properties.state.enum, ['open', 'done', 'skipped']);
  assert.ok(doc.components.schemas.TariffPackageInput.required.includes('monthly_fee_fen'));
});
