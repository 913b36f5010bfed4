// The workbench (工作台) in a real browser, per role: the manager's open and overdue items equal
// what the API counts (and the alert part what the alert-task inbox counts), items open their own
// page, the value-tier chart is drawn and a slice opens the customer list filtered by that tier;
// the supervisor sees the team table, the analyst the imports and value months.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot } from './browser.mjs';

const BASE = process.env.KAM_E2E_URL;
const PASSWORD = 'Kam@2026demo';
if (!BASE) throw new Error('KAM_E2E_URL is not set: run tests/e2e/run.sh KAM_BINARY');

let browser, page;
const pageErrors = [];

async function apiLogin(username) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `API login ${username}`);
  const { token, user } = await r.json();
  const get = async (p) => {
    const res = await fetch(BASE + p, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  return { user, get };
}

async function signIn(username) {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector('input[name=username]');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  // Analysts land on the analysis, the others on the workbench: this test is about the latter.
  if (!page.url().endsWith('/workbench')) await page.goto(`${BASE}/workbench`);
}

async function signOut() {
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await page.waitForURL(/\/login/);
}

const num = async (sel) => Number((await page.innerText(sel)).replace(/[,\s]/g, ''));
const settle = () => page.waitForTimeout(800);

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
after(async () => {
  await browser?.close();
});

test("the manager's open and overdue items are the API's, and each opens its page", async () => {
  const m1 = await apiLogin('manager1');
  const api = (await m1.get('/api/v1/workbench/items?limit=1')).body;
  const inbox = (await m1.get('/api/v1/alert-tasks?owner=me&state=active&limit=1')).body.total;
  const inboxOverdue = (await m1.get('/api/v1/alert-tasks?owner=me&state=active&overdue=true&limit=1')).body.total;
  assert.ok(inbox > 0, 'the demo manager has open alert tasks');
  await signIn('manager1');
  await page.waitForSelector('[data-test=kpi-open]');
  assert.equal(await num('[data-test=kpi-open]'), api.counts.open);
  assert.equal(await num('[data-test=kpi-overdue]'), api.counts.overdue);
  assert.ok(api.counts.open >= inbox, 'alert tasks are among the open items');
  // The alert-task tab counts what the inbox counts.
  const tab = page.locator('[data-test=kind-alert_task]');
  const text = await tab.innerText();
  assert.ok(text.includes(String(inbox)), `alert tab "${text}" shows ${inbox}`);
  if (inboxOverdue) assert.ok(text.includes(`逾期 ${inboxOverdue}`), `alert tab "${text}" shows ${inboxOverdue} overdue`);
  // The tier chart is drawn beside the status, type and city charts.
  await page.waitForSelector('[data-test=tier-chart] canvas');
  assert.ok((await page.locator('canvas').count()) >= 4, 'tier, status, type and city charts');
  await settle();
  await screenshot(page, 'workbench-manager');

  // Only alert tasks, only overdue: every row is an overdue alert task.
  await tab.click();
  await page.click('[data-test=overdue-only]');
  const rows = page.locator('[data-test=item-list] li');
  if (inboxOverdue) {
    assert.equal(await rows.count(), Math.min(inboxOverdue, 100));
    for (const id of await rows.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-test')))) assert.match(id, /^item-alert_task-\d+$/);
    const first = (await rows.first().getAttribute('data-test')).replace('item-alert_task-', '');
    await rows.first().locator('a').first().click();
    await page.waitForURL(new RegExp(`/alerts/tasks\\?task=${first}$`));
    await page.waitForSelector('.el-drawer');
    await page.goBack();
    await page.waitForSelector('[data-test=kpi-open]');
  }
  assert.deepEqual(pageErrors, []);
});

test('a slice of the tier chart opens the customer list filtered by that tier', async () => {
  const m1 = await apiLogin('manager1');
  const w = (await m1.get('/api/v1/workbench')).body;
  const first = ['gold', 'silver', 'bronze', 'do_not_serve'].find((t) => (w.customers_by_tier[t] ?? 0) > 0);
  assert.ok(first, 'the manager has customers with a value tier');
  const chart = page.locator('[data-test=tier-chart]');
  await chart.waitFor();
  await settle();
  const box = await chart.boundingBox();
  // The pie is centred at (50%, 44%) with radii 40%–68% of half the smaller side; the first slice
  // starts at 12 o'clock and runs clockwise: click just past 12 o'clock, in the middle of the ring.
  const r = (Math.min(box.width, box.height) / 2) * 0.54;
  const angle = (Math.PI / 180) * 4;
  await page.mouse.click(box.x + box.width / 2 + r * Math.sin(angle), box.y + box.height * 0.44 - r * Math.cos(angle));
  await page.waitForURL(new RegExp(`/customers\\?tier=${first}$`));
  await page.waitForSelector('[data-test=customer-table] .el-table__row');
  const api = (await m1.get(`/api/v1/customers?tier=${first}&limit=1`)).body.total;
  assert.equal(api, w.customers_by_tier[first]);
  const shown = await page.innerText('text=/共 [\\d,]+ 个客户/');
  assert.equal(Number(shown.replace(/[^\d]/g, '')), api);
  await screenshot(page, 'workbench-tier-list');
  await signOut();
});

test('the supervisor sees the team table; the analyst sees imports and value months', async () => {
  const sup = await apiLogin('supervisor1');
  const team = (await sup.get('/api/v1/workbench/items?scope=team&limit=1')).body;
  await signIn('supervisor1');
  await page.waitForSelector('[data-test=team-table] .el-table__row');
  const rows = page.locator('[data-test=team-table] .el-table__body .el-table__row');
  assert.equal(await rows.count(), team.by_owner.length);
  const top = team.by_owner[0];
  const firstRow = await rows.first().innerText();
  assert.ok(firstRow.includes(top.name), `most overdue first: ${firstRow}`);
  assert.ok(firstRow.includes(String(top.overdue)), `${top.name} has ${top.overdue} overdue`);
  await page.waitForSelector('[data-test=tier-chart] canvas');
  await settle();
  await screenshot(page, 'workbench-supervisor');
  await signOut();

  await signIn('analyst1');
  await page.waitForSelector('[data-test=data-panel]');
  const analyst = await apiLogin('analyst1');
  const months = (await analyst.get('/api/v1/usage/periods')).body.months;
  assert.ok(months.length > 0);
  const latest = [...months].sort((a, b) => b.period.localeCompare(a.period))[0];
  assert.ok((await page.innerText('[data-test=data-panel]')).includes(latest.period));
  await settle();
  await screenshot(page, 'workbench-analyst');
  await signOut();
  assert.deepEqual(pageErrors, []);
});
