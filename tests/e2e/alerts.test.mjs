// The warning pages in a real browser (SPEC §3): a manager works an alert task from the inbox
// to "retained" and sees the counts move; a supervisor meets a broken rule condition marked at
// its position, fixes it, previews and saves a new version; the supervisor dashboard draws its
// charts. Screenshots go to tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot } from './browser.mjs';
import { shanghaiDate } from '../integration/harness.mjs';

const BASE = process.env.KAM_E2E_URL;
const PASSWORD = 'Kam@2026demo';
if (!BASE) throw new Error('KAM_E2E_URL is not set: run tests/e2e/run.sh KAM_BINARY');

let browser, page;
const pageErrors = [];
const state = {};

async function apiLogin(username) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `API login ${username}`);
  const { token, user } = await r.json();
  const call = async (method, p, body) => {
    const res = await fetch(BASE + p, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  return { user, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) };
}

async function signIn(username) {
  await page.waitForSelector('input[name=username]');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
}

async function signOut() {
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await page.waitForURL(/\/login/);
}

const settle = () => page.waitForTimeout(700);
const quietToasts = () => page.evaluate(() => document.querySelectorAll('.el-message').forEach((e) => e.remove()));
const count = async (k) => Number((await page.innerText(`[data-test=count-${k}] .n`)).replace(/,/g, ''));
const total = async (api, q) => (await api.get(`/api/v1/alert-tasks?limit=1&${q}`)).body.total;

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  state.m1 = await apiLogin('manager1');
  state.sup = await apiLogin('supervisor1');
});

after(async () => {
  await browser?.close();
});

test('a manager accepts a task, records a contact and closes it as retained; the counts move', async () => {
  await page.goto(`${BASE}/alerts/tasks`);
  await page.waitForURL(/\/login/);
  await signIn('manager1');
  await page.waitForURL(/\/alerts\/tasks/);
  await page.waitForSelector('[data-test=inbox-table] .el-table__row');
  // The counts are the manager's own tasks per state, as the API counts them.
  await page.waitForFunction(() => !document.querySelector('[data-test=count-open] .n')?.textContent?.includes('—'));
  const before = { open: await count('open'), closed: await count('closed') };
  assert.equal(before.open, await total(state.m1, 'owner=me&state=open'));
  assert.equal(before.closed, await total(state.m1, 'owner=me&state=closed'));
  assert.ok(before.open > 0, 'the demo leaves manager1 open tasks');
  await screenshot(page, 'alerts-01-inbox');

  // Only open tasks, then the first one.
  await page.click('[data-test=count-open]');
  await page.waitForURL((u) => new URL(u).searchParams.get('state') === 'open');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test=row-state]')].every((e) => e.textContent === '待接单'));
  const first = page.locator('[data-test=inbox-table] .el-table__row').first();
  const rule = await first.locator('[data-test=row-rule]').innerText();
  await first.click();
  await page.waitForURL((u) => new URL(u).searchParams.has('task'));
  const taskId = Number(new URL(page.url()).searchParams.get('task'));
  const drawer = page.locator('[data-test=task-drawer]');
  await drawer.locator('[data-test=task-state]').waitFor();
  assert.match(await drawer.innerText(), new RegExp(rule));
  assert.equal(await drawer.locator('[data-test=task-state]').innerText(), '待接单');

  await drawer.locator('[data-test=task-accept]').click();
  await page.waitForFunction(() => document.querySelector('[data-test=task-state]')?.textContent === '已接单');

  const subject = `预警回访 ${Date.now()}`;
  await drawer.locator('[data-test=task-contact-subject]').fill(subject);
  await drawer.locator('[data-test=task-contact-summary]').fill('客户说明话费下降原因，愿意续约');
  await drawer.locator('[data-test=task-contact]').click();
  await page.waitForFunction(() => document.querySelector('[data-test=task-state]')?.textContent === '已联系');

  await drawer.locator('[data-test=outcome-retained]').click();
  await drawer.locator('[data-test=task-close]').click();
  await page.waitForFunction(() => document.querySelector('[data-test=task-state]')?.textContent === '已关闭');
  assert.equal(await drawer.locator('[data-test=task-outcome]').innerText(), '已保有');
  assert.match(await drawer.locator('[data-test=task-history]').innerText(), /接单[\s\S]*记录联系[\s\S]*关闭/);
  // The close says its outcome in words, never the code.
  assert.equal(await drawer.locator('[data-test=history-outcome]').last().innerText(), '结果：已保有');
  assert.doesNotMatch(await drawer.locator('[data-test=task-history]').innerText(), /retained/);
  await quietToasts();
  await screenshot(page, 'alerts-02-task-closed');

  // The API agrees, and the contact is on the customer's timeline.
  const task = (await state.m1.get(`/api/v1/alert-tasks/${taskId}`)).body;
  assert.equal(task.state, 'closed');
  assert.equal(task.outcome, 'retained');
  assert.ok(task.contact_id, 'the task links its contact');
  const contacts = (await state.m1.get(`/api/v1/customers/${task.customer.id}/contacts?limit=50`)).body.items;
  assert.ok(contacts.some((c) => c.id === task.contact_id && c.subject === subject), 'the contact is in the timeline');

  // Back in the inbox: one fewer open, one more closed.
  await page.locator('[data-test=task-drawer] .el-drawer__close-btn').click();
  await page.waitForURL((u) => !new URL(u).searchParams.has('task'));
  await page.waitForFunction((n) => Number(document.querySelector('[data-test=count-open] .n')?.textContent?.replace(/,/g, '')) === n, before.open - 1);
  assert.equal(await count('closed'), before.closed + 1);
  await signOut();
});

test('an analyst (rules are province-wide settings) sees a broken condition marked at its position, fixes it, previews and saves a new version', async () => {
  await signIn('analyst1');
  await page.waitForURL((u) => !/\/login/.test(u));
  await page.goto(`${BASE}/alerts/rules`);
  await page.waitForSelector('[data-test=rules-table] .el-table__row');
  const rules = (await state.sup.get('/api/v1/alert-rules')).body.items;
  const rule = rules.find((r) => r.code === 'bill_drop');
  assert.ok(rule, 'the built-in bill-drop rule is seeded');
  assert.equal(await page.innerText(`[data-test=rule-version-${rule.id}]`), String(rule.version));
  await page.click(`[data-test=rule-name-${rule.id}]`);
  const editor = page.locator('[data-test=rule-editor]');
  const cond = editor.locator('textarea[data-test=rule-condition]');
  await cond.waitFor();
  assert.equal(await cond.inputValue(), rule.condition);
  await editor.locator('[data-test=rule-fields] .chip', { hasText: 'mou' }).first().waitFor();

  const broken = 'bill[-2] >= 60 and and bill_drop_pct >= 30';
  await cond.fill(broken);
  await editor.locator('[data-test=rule-preview]').click();
  const where = editor.locator('[data-test=rule-error-where]');
  await where.waitFor();
  // The API names position 20 (the second "and"): line 1, column 20, marked in the text.
  const api = (await state.sup.post('/api/v1/alert-rules/preview', { condition: broken, level: rule.level })).body;
  assert.equal(api.valid, false);
  assert.equal(api.position, 20);
  assert.match(await where.innerText(), /第 1 行第 20 列/);
  assert.equal(await editor.locator('[data-test=rule-error-mark]').innerText(), 'a');
  await quietToasts();
  await screenshot(page, 'alerts-03-rule-error');

  // Saving the broken text is refused the same way, nothing is stored.
  await editor.locator('[data-test=rule-save]').click();
  await page.waitForTimeout(300);
  await where.waitFor();
  assert.equal((await state.sup.get(`/api/v1/alert-rules/${rule.id}`)).body.version, rule.version);

  const fixed = 'bill[-2] >= 60 and bill_drop_pct >= 30';
  await cond.fill(fixed);
  assert.equal(await where.count(), 0, 'the error goes away as the text changes');
  await editor.locator('[data-test=rule-preview]').click();
  await editor.locator('[data-test=rule-preview-result]').waitFor();
  const pv = (await state.sup.post('/api/v1/alert-rules/preview', { condition: fixed, level: rule.level })).body;
  const shown = await editor.locator('[data-test=preview-this]').innerText();
  assert.match(shown, new RegExp(`${pv.this_month.customers.toLocaleString('zh-CN')} 个客户`));
  assert.match(await editor.locator('[data-test=preview-last]').innerText(), new RegExp(`${pv.last_month.customers.toLocaleString('zh-CN')} 个客户`));
  if (pv.this_month.sample.length) {
    assert.match(await editor.locator('[data-test=preview-sample]').innerText(), new RegExp(pv.this_month.sample[0].name));
  }
  await screenshot(page, 'alerts-04-rule-preview');

  await editor.locator('[data-test=rule-save]').click();
  await page.waitForFunction(([id, v]) => document.querySelector(`[data-test=rule-version-${id}]`)?.textContent === String(v), [rule.id, rule.version + 1]);
  const saved = (await state.sup.get(`/api/v1/alert-rules/${rule.id}`)).body;
  assert.equal(saved.version, rule.version + 1);
  assert.equal(saved.condition, fixed);
  await editor.locator('.el-tabs__item', { hasText: '版本历史' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=rule-versions] .el-table__row').length === n, rule.version + 1);
  await quietToasts();
  await screenshot(page, 'alerts-05-rule-versions');
  await page.keyboard.press('Escape');
  await signOut();
});

test('the supervisor dashboard draws its charts from the summary', async () => {
  await signIn('supervisor1');
  await page.waitForURL((u) => !/\/login/.test(u));
  await page.goto(`${BASE}/alerts/dashboard`);
  await page.waitForSelector('[data-test=dash-total]');
  const summary = (await state.sup.get('/api/v1/alert-tasks/summary')).body;
  const all = summary.by_state.reduce((s, r) => s + r.total, 0);
  assert.equal(Number((await page.innerText('[data-test=dash-total]')).replace(/,/g, '')), all);
  const closed = summary.by_state.find((r) => r.key === 'closed');
  assert.equal(await page.innerText('[data-test=dash-retention]'), `${(closed.retention_rate * 100).toFixed(1)}%`, 'retention as the API counts it');
  for (const c of ['state', 'outcome', 'manager', 'team']) await page.waitForSelector(`[data-test=chart-${c}] canvas`);
  const rows = await page.locator('[data-test=dash-managers] .el-table__row').count();
  assert.equal(rows, summary.by_manager.length);
  await settle();
  await screenshot(page, 'alerts-06-dashboard');
});

test('the zones page shows the five zones as the API counts them, and the zone changes', async () => {
  await page.goto(`${BASE}/alerts/zones`);
  await page.waitForSelector('[data-test=zone-green] .n');
  const z = (await state.sup.get('/api/v1/zones')).body;
  for (const k of ['blue', 'green', 'yellow', 'red', 'white']) {
    assert.equal(Number((await page.innerText(`[data-test=zone-${k}] .n`)).replace(/,/g, '')), z.current.customers[k] ?? 0, k);
  }
  await page.waitForSelector('[data-test=zone-chart] canvas');
  assert.equal(await page.locator('[data-test=zone-transitions] .el-table__row').count(), z.transitions.length);
  const ev = (await state.sup.get(`/api/v1/zones/transitions?month=${z.month}&limit=1`)).body;
  if (ev.total) await page.locator('[data-test=zone-events] .el-table__row', { hasText: ev.items[0].customer_name }).first().waitFor();
  await settle();
  await screenshot(page, 'alerts-07-zones');
});

test('the care calendar marks a task done; the tariff calculator names the best package', async () => {
  await page.goto(`${BASE}/care`);
  await page.waitForSelector('[data-test=care-item]');
  const first = page.locator('[data-test=care-item]').first();
  const title = await first.locator('.title').innerText();
  const before = await page.locator('[data-test=care-item]').count();
  await first.locator('[data-test=care-done]').click();
  await page.waitForFunction(([t, n]) => document.querySelectorAll('[data-test=care-item]').length === n - 1
    || ![...document.querySelectorAll('[data-test=care-item] .title')].some((e) => e.textContent === t), [title, before]);
  const done = (await state.sup.get('/api/v1/care-tasks?state=done&limit=200')).body.items;
  assert.ok(done.some((x) => x.title === title), 'the API has the task done');
  await screenshot(page, 'alerts-08-care');
  await page.click('.el-tabs__item:has-text("资费测算")');
  await page.click('[data-test=tariff-calc]');
  await page.waitForSelector('[data-test=tariff-best]');
  const advice = (await state.sup.get('/api/v1/tariffs/advice?mou=300&data_mb=10240&sms=30')).body;
  assert.match(await page.innerText('[data-test=tariff-best]'), new RegExp(advice.best.name));
  assert.equal(await page.locator('[data-test=tariff-options] .el-table__row').count(), advice.options.length);
});

test('the care calendar as a month grid: a count per day, the chosen day beside it, another month loaded', async () => {
  await page.goto(`${BASE}/care?view=month`);
  await page.waitForSelector('[data-test=care-calendar]');
  const shanghaiToday = shanghaiDate();
  const month = shanghaiToday.slice(0, 7);
  const monthTasks = async (m) => {
    const [y, mm] = m.split('-').map(Number);
    const last = new Date(Date.UTC(y, mm, 0)).getUTCDate();
    const out = [];
    let cursor = '';
    do {
      const p = (await state.sup.get(`/api/v1/care-tasks?state=open&from=${m}-01&to=${m}-${last}&limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body;
      out.push(...p.items);
      cursor = p.next_cursor;
    } while (cursor);
    return out;
  };
  const perDay = (list) => list.reduce((a, x) => ({ ...a, [x.due_date]: (a[x.due_date] ?? 0) + 1 }), {});
  const expectMonth = async (m) => {
    const list = await monthTasks(m);
    await page.waitForFunction((n) => document.querySelector('[data-test=care-month-total]')?.textContent?.includes(`共 ${n} 项`), list.length);
    const want = perDay(list);
    const shown = await page.$$eval('[data-test^=care-day-2]', (cells) => Object.fromEntries(cells
      .map((c) => [c.getAttribute('data-test').slice('care-day-'.length), Number((c.querySelector('[data-test=care-day-count]')?.textContent ?? '0').replace(/\D/g, '') || 0)])
      .filter(([, n]) => n > 0)));
    assert.deepEqual(shown, want, `counts per day in ${m}`);
    return want;
  };
  const want = await expectMonth(month);
  assert.ok(Object.keys(want).length > 0, 'the demo has care tasks this month');
  // The busiest day: its tasks beside the grid.
  const [day, n] = Object.entries(want).sort((a, b) => b[1] - a[1])[0];
  await page.click(`[data-test=care-day-${day}]`);
  await page.waitForFunction((k) => document.querySelectorAll('[data-test=care-day-item]').length === k, n);
  const titles = (await monthTasks(month)).filter((x) => x.due_date === day).map((x) => x.title).sort();
  assert.deepEqual((await page.$$eval('[data-test=care-day-item] .title', (e) => e.map((x) => x.textContent))).sort(), titles);
  await screenshot(page, 'alerts-09-care-month');
  // Next month: the URL follows and that month's tasks are loaded.
  const [y, mm] = month.split('-').map(Number);
  const next = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
  await page.locator('.el-calendar__button-group button').nth(2).click();
  await page.waitForURL((u) => new URL(u).searchParams.get('month') === next);
  await expectMonth(next);
  await screenshot(page, 'alerts-10-care-next-month');
  // The list view is still there.
  await page.click('[data-test=care-view-list]');
  await page.waitForURL((u) => new URL(u).searchParams.get('view') === null);
  await page.waitForSelector('[data-test=care-days]');
});

test('the bell: a manager sees the unread count, opens the list, marks one read and then all; new ones show on the next page', async () => {
  await signOut();
  await signIn('manager1');
  await page.waitForURL((u) => !/\/login/.test(u));
  await page.goto(`${BASE}/alerts/tasks`);
  await page.waitForSelector('[data-test=inbox-table]');
  const unread = async () => (await state.m1.get('/api/v1/notifications?unread=true&limit=200')).body;
  const shown = async () => Number((await page.innerText('[data-test=bell-count]')) || 0);
  const first = await unread();
  // The demo's tick reminded manager1 or told them of overdue tasks (escalations go to supervisors).
  assert.ok(first.items.some((n) => ['reminder', 'overdue', 'escalation'].includes(n.kind)), JSON.stringify(first.items.slice(0, 3)));
  await page.waitForFunction((n) => document.querySelector('[data-test=bell-count]')?.textContent === String(n), first.unread);
  assert.equal(await page.innerText('[data-test=bell-badge] sup'), first.unread > 99 ? '99+' : String(first.unread));

  // A supervisor hands manager1 a task meanwhile: the count follows on the next page change.
  const m2 = await apiLogin('manager2');
  const task = (await state.m1.get('/api/v1/alert-tasks?owner=me&state=active&limit=1')).body.items[0];
  const away = (await state.sup.post(`/api/v1/alert-tasks/${task.id}/reassign`, { version: task.version, assignee_id: m2.user.id })).body;
  assert.equal((await state.sup.post(`/api/v1/alert-tasks/${task.id}/reassign`, { version: away.version, assignee_id: state.m1.user.id })).status, 200);
  await page.click('.el-menu-item:has-text("预警规则")');
  await page.waitForURL(/\/alerts\/rules/);
  await page.waitForFunction((n) => document.querySelector('[data-test=bell-count]')?.textContent === String(n), first.unread + 1);

  await page.click('[data-test=bell]');
  const panel = page.locator('[data-test=bell-panel]');
  await panel.locator('[data-test=bell-item]').first().waitFor();
  assert.match(await panel.locator('[data-test=bell-unread]').innerText(), new RegExp(`${first.unread + 1} 条未读`));
  // The newest is the assignment, in words, with a link to the task.
  const top = panel.locator('[data-test=bell-item]').first();
  assert.match(await top.innerText(), /任务转交/);
  assert.match(await top.innerText(), new RegExp(task.customer.name.replace(/[()（）]/g, '.')));
  const kinds = await panel.locator('[data-test=bell-item] .el-tag').allInnerTexts();
  assert.ok(kinds.some((k) => /到期提醒|已超期|超期升级/.test(k)), kinds.join(','));
  await quietToasts();
  await settle();
  await screenshot(page, 'alerts-11-bell-open');

  // Mark one read: the count drops by one, here and in the API.
  const second = panel.locator('[data-test=bell-item][data-read=false]').nth(1);
  const secondId = Number(await second.getAttribute('data-id'));
  await second.locator('[data-test=bell-read]').click();
  await page.waitForFunction((n) => document.querySelector('[data-test=bell-count]')?.textContent === String(n), first.unread);
  assert.equal((await unread()).unread, first.unread);
  assert.ok(!(await unread()).items.some((n) => n.id === secondId));

  // Open the assignment: it is read and the task drawer shows the task.
  await top.locator('[data-test=bell-open]').click();
  await page.waitForURL((u) => new URL(u).searchParams.get('task') === String(task.id));
  await page.locator('[data-test=task-drawer] [data-test=task-state]').waitFor();
  await page.waitForFunction((n) => document.querySelector('[data-test=bell-count]')?.textContent === String(n), first.unread - 1);
  // The history says who moved it, in words.
  assert.match(await page.innerText('[data-test=task-history]'), /转派[\s\S]*转派/);
  await page.keyboard.press('Escape');

  // Mark all read: nothing unread, the badge goes.
  await page.click('[data-test=bell]');
  await panel.locator('[data-test=bell-mark-all]').click();
  await page.waitForFunction(() => document.querySelector('[data-test=bell-count]')?.textContent === '0');
  await page.locator('[data-test=bell-badge] sup').waitFor({ state: 'hidden' });
  assert.equal((await unread()).unread, 0);
  assert.equal(await panel.locator('[data-test=bell-item][data-read=false]').count(), 0);
  await quietToasts();
  await settle();
  await screenshot(page, 'alerts-12-bell-all-read');
  await page.keyboard.press('Escape');
});

test('the inbox filters by month, kept in the URL', async () => {
  const months = [...new Set((await state.sup.get('/api/v1/engine/runs?limit=50')).body.items.map((r) => r.month))].sort();
  const month = months[0]; // the oldest month: other months' tasks drop out
  await page.goto(`${BASE}/alerts/tasks?owner=all&state=all`);
  await page.waitForSelector('[data-test=inbox-table] .el-table__row');
  const input = page.locator('[data-test=filter-month] input');
  await input.click();
  await input.fill(month);
  await input.press('Enter');
  await page.waitForURL((u) => new URL(u).searchParams.get('month') === month);
  const api = (await state.m1.get(`/api/v1/alert-tasks?month=${month}&limit=1`)).body.total;
  assert.ok(api > 0, `manager1 has tasks raised in ${month}`);
  await page.waitForFunction((n) => document.querySelector('.filters')?.textContent?.includes(`共 ${n} 条`), api);
  await page.waitForFunction((m) => {
    const cells = [...document.querySelectorAll('[data-test=row-month]')];
    return cells.length > 0 && cells.every((c) => c.textContent === m);
  }, month);
  await quietToasts();
  await screenshot(page, 'alerts-13-inbox-month');
  // Reloaded from the URL: the same filter, the same list.
  await page.reload();
  await page.waitForSelector('[data-test=inbox-table] .el-table__row');
  assert.equal(await input.inputValue(), month);
  const rows = await page.$$eval('[data-test=row-month]', (c) => c.map((x) => x.textContent));
  assert.ok(rows.length > 0 && rows.every((m) => m === month));
  assert.equal(rows.length, Math.min(api, 50));
  // A month in the URL that is not a month: the API's refusal is shown, naming the month.
  await page.goto(`${BASE}/alerts/tasks?month=2026-13`);
  await page.waitForFunction(() => /YYYY-MM/.test(document.querySelector('.page [role=alert]')?.textContent ?? ''));
  await page.goto(`${BASE}/alerts/tasks`);
  await page.waitForSelector('[data-test=inbox-table]');
});

test('no script errors on the warning pages', () => {
  assert.deepEqual(pageErrors, []);
});
