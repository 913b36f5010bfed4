// The web workspace in a real browser, as a manager and an admin would use it: sign in, search
// by a Chinese name fragment, open the 360 view, record a contact, switch language, meet a
// customer that is not theirs, and find the change in the audit log. Each test saves a
// screenshot of the page it checks (tests/e2e/artifacts/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot } from './browser.mjs';

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
  return { user, get: (p) => call('GET', p), patch: (p, b) => call('PATCH', p, b) };
}

async function signIn(username) {
  await page.waitForSelector('input[name=username]');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
}

/** Picks an option of an Element Plus select by its visible text. */
async function choose(selectLocator, text) {
  await selectLocator.click();
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  await option.click();
}

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Find, through the API, a group customer of manager1 and one of manager3 (for the scope test).
  const m1 = await apiLogin('manager1');
  const mine = (await m1.get('/api/v1/customers?kind=group&limit=50')).body.items;
  // One with open alert tasks, so the 360 view has warnings to show.
  const warned = new Set((await m1.get('/api/v1/alert-tasks?state=active&limit=200')).body.items.map((t) => t.customer.id));
  const candidates = mine.filter((c) => warned.has(c.id));
  state.mine = candidates.find((c) => [...c.name].length >= 8) ?? candidates[0];
  state.handover = mine.find((c) => c.id !== state.mine.id && c.account_manager_id === m1.user.id);
  state.manager2 = (await m1.get('/api/v1/users?limit=200')).body.items.find((u) => u.username === 'manager2');
  const m3 = await apiLogin('manager3');
  const theirs = (await m3.get('/api/v1/customers?limit=50')).body.items;
  state.theirs = theirs.find((c) => c.account_manager_id !== m1.user.id && c.phone_manager_id !== m1.user.id);
  assert.ok(state.mine && state.theirs, 'demo data has customers for manager1 and manager3');
  assert.equal((await m1.get(`/api/v1/customers/${state.theirs.id}`)).status, 404, 'the API hides manager3’s customer from manager1');
  state.m1 = m1;
});

after(async () => {
  await browser?.close();
});

test('a deep link asks for sign-in, then opens where the manager was going', async () => {
  await page.goto(`${BASE}/customers?status=active`);
  await page.waitForURL(/\/login\?redirect=/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.waitForSelector('text=KAM 集团客户管理');
  await screenshot(page, '01-login');
  await signIn('manager1');
  await page.waitForURL(/\/customers\?status=active$/);
  await page.waitForSelector('[data-test=customer-table] .el-table__row');
  const statuses = await page.locator('[data-test=customer-table] .el-table__row .el-tag').allInnerTexts();
  assert.ok(statuses.length > 0 && statuses.every((s) => s === '在网'), `only active customers: ${statuses}`);
});

test('the workbench shows the manager’s customers with charts', async () => {
  await page.click('.el-menu-item:has-text("工作台")');
  await page.waitForSelector('[data-test=kpi-total]');
  const total = Number((await page.innerText('[data-test=kpi-total]')).replace(/,/g, ''));
  const api = (await state.m1.get('/api/v1/customers?limit=1')).body.total;
  assert.equal(total, api);
  assert.ok((await page.locator('canvas').count()) >= 3, 'status, type and city charts are drawn');
  await page.waitForTimeout(600); // let the charts finish their entry animation
  await screenshot(page, '02-workbench');
});

test('a Chinese name fragment finds the customer; the filter is in the URL', async () => {
  const name = state.mine.name;
  const chars = [...name];
  const fragment = chars.slice(3, 6).join(''); // past the city prefix: e.g. "嘉科大"
  state.fragment = fragment;
  await page.click('.el-menu-item:has-text("客户档案")');
  await page.waitForSelector('[data-test=customer-table] .el-table__row');
  await page.fill('input[data-test=customer-search]', fragment);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => new URL(u).searchParams.get('q') === fragment);
  const link = page.locator('[data-test=customer-table] a', { hasText: name });
  await link.waitFor();
  await screenshot(page, '03-search');
  // The URL alone reproduces the list (shareable).
  await page.reload();
  await page.locator('[data-test=customer-table] a', { hasText: name }).waitFor();
  assert.equal(await page.inputValue('input[data-test=customer-search]'), fragment);
});

const ZONE_NAMES = { blue: '蓝色安全区', green: '绿色稳定区', yellow: '黄色异动区', red: '红色危险区', white: '白色流失区' };

/** What the risk and alerts cards must show for a customer, from the API's own overview. */
async function checkWarningCards(id) {
  const ov = (await state.m1.get(`/api/v1/customers/${id}/overview`)).body;
  const zone = ov.risk_zone && ov.risk_zone.zone !== 'none' ? ov.risk_zone.zone : null;
  const risk = page.locator('[data-test=area-risk]');
  if (zone) {
    assert.equal(await risk.locator('[data-test=risk-zone]').innerText(), ZONE_NAMES[zone], 'the zone by name');
    await risk.locator('[data-test=risk-history] .dot').first().waitFor();
  } else {
    await risk.locator('[data-test=risk-no-zone]').waitFor();
  }
  const text = await risk.innerText();
  assert.doesNotMatch(text, /[{}]|后续功能/, 'no raw JSON and no placeholder in the risk card');
  const open = ov.alerts.filter((a) => a.state !== 'closed');
  const alerts = page.locator('[data-test=area-alerts]');
  if (open.length) {
    await alerts.locator('[data-test=alert-item]').first().waitFor();
    const rules = await alerts.locator('[data-test=alert-rule]').allInnerTexts();
    const soonest = [...open].sort((a, b) => a.deadline_at.localeCompare(b.deadline_at))[0];
    assert.equal(rules[0], soonest.rule.name, 'the task due first leads the alerts card');
    assert.equal(await alerts.locator('[data-test=alert-owner]').first().innerText(), soonest.assignee?.name ?? soonest.team?.name);
    assert.equal(await alerts.locator('[data-test=alert-overdue]').count() > 0, [...open].sort((a, b) => a.deadline_at.localeCompare(b.deadline_at)).slice(0, 3).some((a) => a.overdue));
  } else {
    await alerts.locator('[data-test=alerts-none]').waitFor();
  }
  assert.doesNotMatch(await alerts.innerText(), /[{}]|后续功能/, 'no raw JSON and no placeholder in the alerts card');
  return { ov, zone, open };
}

test('the 360 view shows profile, value, members, the decision chain, the risk zone and open alerts', async () => {
  await page.click(`[data-test=customer-table] a:has-text("${state.mine.name}")`);
  await page.waitForURL(new RegExp(`/customers/${state.mine.id}`));
  assert.equal(await page.innerText('[data-test=customer-name]'), state.mine.name);
  const mine = await checkWarningCards(state.mine.id);
  assert.ok(mine.open.length > 0, 'the demo gives this customer an open alert task');
  // The value card is filled from the demo's usage (or says there is none yet).
  await page.locator('[data-test=area-value] [data-test=value-tier], [data-test=area-value] [data-test=value-empty]').first().waitFor();
  await page.click('.el-tabs__item:has-text("关键人与决策链")');
  await page.waitForSelector('[data-test=decision-chain] canvas');
  await page.waitForTimeout(500);
  await screenshot(page, '04-decision-chain');
  await page.click('.el-tabs__item:has-text("集团成员")');
  await page.waitForSelector('[data-test=members-table] .el-table__row');
  // Numbers of the members (mobile lines, and dedicated lines like ZX-…): none masked, the
  // mobile ones in full.
  const numbers = await page.locator('[data-test=members-table] .el-table__row td:first-child').allInnerTexts();
  assert.ok(numbers.some((n) => /^1\d{10}$/.test(n.trim())), `a manager sees full mobile numbers (${numbers.slice(0, 3)})`);
  assert.ok(numbers.every((n) => !n.includes('*')), 'no number is masked for the manager');
  await page.click('.el-tabs__item:has-text("基本信息")');
  await page.waitForSelector('text=统一社会信用代码');
  await screenshot(page, '05-customer-360');
});

test('a customer in a colour zone shows the zone, its meaning, care actions, history and its alerts', async () => {
  // The demo's zones: find one of manager1's customers with a zone this month and an open task.
  const tasks = (await state.m1.get('/api/v1/alert-tasks?state=active&limit=200')).body.items;
  let found = null;
  for (const id of [...new Set(tasks.map((x) => x.customer.id))]) {
    const z = (await state.m1.get(`/api/v1/customers/${id}/zones`)).body;
    if (z.zone && z.zone !== 'none' && z.history.length >= 2) { found = { id, z }; break; }
  }
  assert.ok(found, 'the demo has a zoned customer with open alerts');
  await page.goto(`${BASE}/customers/${found.id}`);
  await page.waitForSelector('[data-test=customer-name]');
  const { zone } = await checkWarningCards(found.id);
  assert.equal(zone, found.z.zone);
  const risk = page.locator('[data-test=area-risk]');
  assert.ok((await risk.locator('[data-test=risk-meaning]').innerText()).length > 5, 'the zone says what it means');
  assert.match(await risk.locator('[data-test=risk-care]').innerText(), new RegExp(found.z.care_action.slice(0, 6)));
  assert.equal(await risk.locator('[data-test=risk-history] .dot').count(), found.z.history.length);
  await screenshot(page, '05b-customer-360-warnings');
  // The alert links to its task in the inbox.
  const href = await page.locator('[data-test=area-alerts] [data-test=alert-rule]').first().getAttribute('href');
  assert.match(href, /\/alerts\/tasks\?task=\d+/);
  await page.goto(`${BASE}/customers/${state.mine.id}`);
  await page.waitForSelector('[data-test=customer-name]');
});

test('a bad credit code is marked at its field with the API’s reason', async () => {
  await page.click('[data-test=profile-edit]');
  await page.fill('input[data-test=field-credit_code]', '91320000ABCDEFGHIJ');
  await page.click('[data-test=profile-save]');
  const item = page.locator('.el-form-item.is-error', { has: page.locator('[data-test=field-credit_code]') });
  const message = item.locator('.el-form-item__error');
  await message.waitFor();
  assert.match(await message.innerText(), /unified social credit code/);
  assert.equal(await page.locator('.el-form-item.is-error').count(), 1, 'only the named field is marked');
  await screenshot(page, '06-field-error');
  await page.click('[data-test=profile-form] button:has-text("取消")');
});

test('a stale version gets "someone else changed it" and a reload', async () => {
  await page.click('[data-test=profile-edit]');
  // Someone else saves first.
  const c = (await state.m1.get(`/api/v1/customers/${state.mine.id}`)).body;
  const r = await state.m1.patch(`/api/v1/customers/${state.mine.id}`, { version: c.version, note: 'changed elsewhere' });
  assert.equal(r.status, 200);
  await page.fill('input[data-test=field-address]', '南京市玄武区中山路 1 号');
  await page.click('[data-test=profile-save]');
  const box = page.locator('.el-message-box', { hasText: '数据已被他人修改' });
  await box.waitFor();
  await page.waitForTimeout(400); // the dialog's fade-in
  await screenshot(page, '07-conflict');
  await box.locator('button:has-text("加载最新数据")').click();
  await page.waitForSelector('text=changed elsewhere');
});

test('a contact record added in the quick form appears on the timeline', async () => {
  await page.click('.el-tabs__item:has-text("接触记录")');
  await page.waitForSelector('[data-test=contact-form]');
  const subject = `季度回访（E2E ${Date.now()}）`;
  state.subject = subject;
  await page.fill('input[data-test=contact-subject]', subject);
  await page.fill('textarea[data-test=contact-summary]', '客户对专线质量满意，计划扩容。');
  await page.click('[data-test=contact-submit]');
  await page.locator('[data-test=timeline]', { hasText: subject }).waitFor();
  // It is stored, not only drawn: a reload shows it first on the timeline.
  await page.reload();
  await page.waitForSelector('[data-test=timeline] .el-timeline-item');
  const first = await page.locator('[data-test=timeline] .el-timeline-item').first().innerText();
  assert.ok(first.includes(subject), `newest entry first: ${first}`);
  await screenshot(page, '08-timeline');
});

test('a key person added in the dialog joins the decision chain', async () => {
  await page.click('.el-tabs__item:has-text("关键人与决策链")');
  await page.click('[data-test=kp-add]');
  const dialog = page.locator('[data-test=key-person-dialog]');
  await page.fill('input[data-test=kp-name]', '周敏');
  const boss = (await state.m1.get(`/api/v1/customers/${state.mine.id}/key-persons`)).body.items[0];
  await choose(dialog.locator('[data-test=kp-reports-to]'), boss.name);
  await page.click('[data-test=kp-save]');
  const row = page.locator('.el-table__row', { hasText: '周敏' });
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(boss.name));
  const stored = (await state.m1.get(`/api/v1/customers/${state.mine.id}/key-persons`)).body.items.find((k) => k.name === '周敏');
  assert.equal(stored.reports_to_id, boss.id);
});

test('English is one click away, and Chinese one click back', async () => {
  await page.click('[data-test=locale-toggle]');
  await page.waitForSelector('.el-tabs__item:has-text("Contact timeline")');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok(await page.locator('.el-menu-item:has-text("Customers")').isVisible());
  await screenshot(page, '09-english');
  await page.reload(); // remembered
  await page.waitForSelector('.el-tabs__item:has-text("Contact timeline")');
  await page.click('[data-test=locale-toggle]');
  await page.waitForSelector('.el-tabs__item:has-text("接触记录")');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
});

test('a manager creates a customer and lands on its 360 view', async () => {
  await page.click('.el-menu-item:has-text("客户档案")');
  await page.click('[data-test=new-customer-open]');
  const name = `南京测试科技有限公司${Date.now() % 100000}`;
  await page.fill('input[data-test=new-customer-name]', name);
  await page.click('[data-test=new-customer-save]');
  await page.waitForURL(/\/customers\/\d+$/);
  await page.locator('[data-test=customer-name]', { hasText: name }).waitFor();
  assert.equal(await page.innerText('[data-test=account-manager]'), state.m1.user.display_name);
});

test('another manager’s customer cannot be opened', async () => {
  await page.goto(`${BASE}/customers/${state.theirs.id}`);
  const notFound = page.locator('[data-test=not-found]');
  await notFound.waitFor();
  assert.match(await notFound.innerText(), /找不到该客户/);
  assert.ok(!(await page.content()).includes(state.theirs.name), 'nothing of the customer leaks');
  await screenshot(page, '10-not-yours');
});

test('an ended session goes to sign-in and back to the same page', async () => {
  await page.goto(`${BASE}/customers/${state.mine.id}?tab=timeline`);
  await page.waitForSelector('[data-test=customer-name]');
  await browser.context.clearCookies(); // the session is gone (expired or revoked)
  await page.click('.el-menu-item:has-text("工作台")');
  await page.waitForURL(/\/login\?redirect=/);
  await page.waitForSelector('text=登录已过期');
  await screenshot(page, '11-session-expired');
  await signIn('manager1');
  await page.waitForURL(/\/workbench/);
});

test('the admin finds the manager’s change in the audit log', async () => {
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await page.waitForURL(/\/login/);
  await signIn('admin');
  await page.waitForURL(/\/workbench/);
  await page.click('.el-menu-item:has-text("审计日志")');
  await page.waitForSelector('[data-test=audit-table]');
  await choose(page.locator('[data-test=audit-entity]'), '接触记录');
  await choose(page.locator('[data-test=audit-user]'), '(manager1)');
  await page.click('[data-test=audit-search]');
  await page.waitForURL(/entity=contact/);
  const row = page.locator('[data-test=audit-table] .el-table__row').first();
  await row.waitFor();
  assert.match(await row.innerText(), /manager1[\s\S]*新建[\s\S]*接触记录/);
  await row.locator('.el-table__expand-icon').click();
  await page.locator('[data-test=audit-table]', { hasText: state.subject }).waitFor();
  await screenshot(page, '12-audit');
});

test('a supervisor hands a customer over with the checklist', async () => {
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await signIn('supervisor1');
  await page.waitForURL(/\/workbench/);
  await page.goto(`${BASE}/customers/${state.handover.id}?tab=team`);
  await page.click('[data-test=handover-start]');
  await choose(page.locator('[data-test=handover-to]'), '(manager2)');
  await page.fill('input[data-test=handover-reason]', '客户经理岗位调整');
  await page.click('[data-test=handover-next]');
  const items = page.locator('[data-test=handover] .checklist .el-checkbox');
  await items.first().waitFor();
  const n = await items.count();
  assert.ok(n >= 2, 'the checklist has the documents and customer-notified items at least');
  assert.ok(await page.locator('[data-test=handover-complete]').isDisabled(), 'cannot complete before the checklist');
  for (let i = 0; i < n; i++) {
    await items.nth(i).click();
    await page.locator('[data-test=handover] .checklist .el-checkbox.is-checked').nth(i).waitFor();
  }
  await page.locator('[data-test=handover-complete]:not([disabled])').waitFor();
  await page.waitForTimeout(400); // checkbox and progress-bar transitions
  await screenshot(page, '13-handover-checklist');
  await page.click('[data-test=handover-complete]');
  await page.waitForSelector('text=交接已完成');
  await page.locator('[data-test=account-manager]', { hasText: state.manager2.display_name }).waitFor();
  const history = await page.locator('[data-test=assignments]').innerText();
  assert.match(history, /客户经理岗位调整/);
  await page.waitForTimeout(300);
  await screenshot(page, '14-handover-done');
});

test('an analyst sees member numbers masked', async () => {
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await signIn('analyst1');
  await page.waitForURL(/\/analysis/);  // an analyst's home
  await page.goto(`${BASE}/customers/${state.mine.id}?tab=members`);
  await page.waitForSelector('[data-test=members-table] .el-table__row');
  const numbers = await page.locator('[data-test=members-table] td.member-number').allInnerTexts();
  assert.ok(numbers.length > 0 && numbers.every((n) => n.includes('****') && !/\d{7}/.test(n)), `masked: ${numbers.slice(0, 3)}`);
  assert.equal(await page.locator('[data-test=profile-edit]').count(), 0, 'no editing without archive.write');
  await screenshot(page, '15-analyst-masked');
});

test('no script errors on any page', () => {
  assert.deepEqual(pageErrors, []);
});
