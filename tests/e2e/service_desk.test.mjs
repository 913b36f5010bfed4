// The service desk in a real browser (SPEC §4): the hotline agent finds a customer by a member's
// number, opens a work order in a few keystrokes, works it to closed (take, resolve, close),
// fills the callback survey as dissatisfied, and the follow-up appears; the queue shows SLA
// countdowns; the satisfaction dashboard and the knowledge base search draw from the data; the
// 360 view shows the customer's open work orders. Screenshots in tests/e2e/artifacts.
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
  const { token } = await r.json();
  return async (p) => (await fetch(BASE + p, { headers: { authorization: `Bearer ${token}` } })).json();
}

async function signIn(username) {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector('input[name=username]');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForURL(/\/workbench|\/service/);
}

const quietToasts = () => page.evaluate(() => document.querySelectorAll('.el-message').forEach((e) => e.remove()));

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A group of manager1's with a mobile member: the caller's number.
  const admin = await apiLogin('admin');
  const groups = (await admin('/api/v1/customers?kind=group&limit=20')).items;
  for (const g of groups) {
    const ms = (await admin(`/api/v1/customers/${g.id}/members?limit=20`)).items.filter((m) => m.kind === 'mobile');
    if (ms.length) {
      state.customer = g;
      state.number = ms[0].number;
      break;
    }
  }
  assert.ok(state.number, 'a group with a mobile member');
});

after(async () => { await browser?.close(); });

test('hotline: find the customer by number, create a work order in a few keystrokes, work it to closed, callback dissatisfied opens a follow-up', async () => {
  await signIn('agent1');
  await page.goto(`${BASE}/service/hotline`);
  await page.fill('[data-test=hotline-search]', state.number);
  await page.press('[data-test=hotline-search]', 'Enter');
  await page.waitForSelector('[data-test=hotline-form]');
  assert.equal((await page.textContent('[data-test=hotline-picked]')).trim(), state.customer.name);
  // Found by a member's number: the work order is about that member.
  await page.waitForSelector('[data-test=hotline-member]');
  assert.ok((await page.textContent('[data-test=hotline-member]')).includes(state.number));
  await page.keyboard.press('Alt+2');  // complaint
  await page.waitForSelector('[data-test=wo-type-complaint].is-active');
  await page.fill('[data-test=wo-title]', '宽带频繁断网，客户要求赔偿');
  await screenshot(page, 'desk-hotline');
  await page.press('[data-test=wo-title]', 'Enter');
  await page.waitForURL(/\/service\/work-orders\/\d+/);
  await page.waitForSelector('[data-test=wo-state][data-state=new]');
  assert.match(await page.textContent('h1'), /宽带频繁断网/);
  assert.equal((await page.textContent('[data-test=wo-member]')).trim(), state.number);
  // Suggested articles from the title.
  await page.waitForSelector('[data-test=wo-suggestion]');
  assert.match(await page.textContent('[data-test=wo-suggestion]'), /宽带/);
  await page.click('[data-test=wo-action-take]');
  await page.waitForSelector('[data-test=wo-state][data-state=accepted]');
  await page.click('[data-test=wo-action-resolve]');
  await page.fill('[data-test=action-resolution]', '更换光猫后恢复，已向客户致歉');
  await page.click('[data-test=action-confirm]');
  await page.waitForSelector('[data-test=wo-state][data-state=resolved]');
  // A complaint closes only with its responsibility: the form names the missing field.
  await page.click('[data-test=wo-action-close]');
  await page.click('[data-test=action-confirm]');
  await page.waitForSelector('.el-form-item__error');
  assert.match(await page.textContent('[data-test=action-form]'), /department|责任部门|required|必填|is required/);
  await page.fill('[data-test=action-department]', '网络运维中心');
  await page.fill('[data-test=action-cause]', '光猫老化');
  // Penalty points are a whole number from 0 to 100: text cannot be typed in.
  await page.focus('[data-test=action-penalty_points] input');
  await page.keyboard.type('计费系统');
  await page.locator('[data-test=action-penalty_points] input').blur();
  assert.equal(await page.inputValue('[data-test=action-penalty_points] input'), '');
  await page.fill('[data-test=action-penalty_points] input', '5');
  await page.click('[data-test=action-confirm]');
  await page.waitForSelector('[data-test=wo-state][data-state=closed]');
  const timeline = await page.textContent('[data-test=wo-timeline]');
  for (const a of ['创建', '接单', '解决', '关闭']) assert.ok(timeline.includes(a), `timeline has ${a}`);
  // The callback survey: dissatisfied.
  await page.click('[data-test=survey-open]');
  await page.waitForSelector('[data-test=survey-form]');
  await page.click('[data-test=survey-score-2]');
  await page.fill('[data-test=survey-comment]', '断网太频繁');
  await screenshot(page, 'desk-survey');
  await page.click('[data-test=survey-submit]');
  await page.waitForSelector('[data-test=wo-survey-score]');
  await page.waitForSelector('[data-test=survey-form]', { state: 'hidden' });
  assert.equal((await page.textContent('[data-test=wo-survey-score]')).trim(), '2');
  await quietToasts();
  await screenshot(page, 'desk-work-order');
  // The follow-up is open on the callbacks page.
  await page.goto(`${BASE}/service/surveys`);
  await page.click('.el-tabs__item:has-text("不满意跟进")');
  await page.waitForSelector('[data-test=followups] [data-test=followup-state]');
  const rows = await page.locator('[data-test=followups] .el-table__row', { hasText: state.customer.name }).allTextContents();
  assert.ok(rows.some((r) => r.includes('跟进中')), 'an open follow-up for the customer');
  await screenshot(page, 'desk-followups');
});

test('the team queue shows SLA countdowns that tick', async () => {
  await page.goto(`${BASE}/service/queue`);
  await page.waitForSelector('[data-test=queue-row]');
  const first = await page.locator('[data-test=countdown]').allTextContents();
  assert.ok(first.some((t) => /\d/.test(t)), 'countdowns shown');
  await page.waitForTimeout(1500);
  const second = await page.locator('[data-test=countdown]').allTextContents();
  assert.notDeepEqual(first, second, 'the countdowns tick');
  await screenshot(page, 'desk-queue');
});

test('knowledge base: Chinese search ranks the broadband article first; the 360 view shows work orders', async () => {
  await page.goto(`${BASE}/service/knowledge`);
  await page.fill('[data-test=kb-search]', '宽带断网');
  await page.press('[data-test=kb-search]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-test=kb-item] .title')?.textContent?.includes('宽带故障排查'));
  await page.click('[data-test=kb-item]');
  await page.waitForSelector('[data-test=kb-article]');
  await screenshot(page, 'desk-knowledge');
  // Open a work order from the 360 view in a few keystrokes.
  await page.goto(`${BASE}/customers/${state.customer.id}`);
  await page.click('.el-tabs__item:has-text("工单")');
  await page.waitForSelector('[data-test=c360-work-orders]');
  await page.fill('[data-test=c360-wo-title]', '专线延迟高');
  await page.press('[data-test=c360-wo-title]', 'Enter');
  await page.waitForURL(/\/service\/work-orders\/\d+/);
  await page.goto(`${BASE}/customers/${state.customer.id}`);
  await page.click('.el-tabs__item:has-text("工单")');
  await page.waitForSelector('[data-test=c360-work-orders]');
  assert.match(await page.textContent('[data-test=c360-work-orders]'), /专线延迟高/);
  assert.match(await page.textContent('[data-test=c360-last-score]'), /2 \/ 5/);
  await screenshot(page, 'desk-c360');
});

test('a supervisor reads the satisfaction dashboard', async () => {
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await signIn('supervisor1');
  await page.goto(`${BASE}/service/satisfaction`);
  await page.waitForSelector('[data-test=sat-total]');
  await page.waitForSelector('canvas');
  await page.waitForTimeout(800);
  await screenshot(page, 'desk-satisfaction');
  assert.deepEqual(pageErrors, []);
});
