// One-stop acceptance in a real browser (SPEC §5): a manager takes a requirement, consults,
// designs two options priced from the catalogue (one with a discount beyond the manager's 5 %),
// proposes them, the customer chooses the discounted one, the supervisor approves it from the
// approval inbox, and the manager takes the order through construction, the customer's
// written confirmation and the start of billing. Also the board, the cycle-time charts, the
// catalogue and the 360 view's orders. Each step saves a screenshot.
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
  assert.equal(r.status, 200);
  const { token } = await r.json();
  return { get: async (p) => (await fetch(BASE + p, { headers: { authorization: `Bearer ${token}` } })).json() };
}

async function signIn(username) {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector('input[name=username]');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

async function signOut() {
  await page.click('[data-test=user-menu]');
  await page.click('[data-test=logout]');
  await page.waitForURL(/\/login/);
}

const settle = () => page.waitForTimeout(700);
const quietToasts = () => page.evaluate(() => document.querySelectorAll('.el-message').forEach((e) => e.remove()));

/** An Element Plus input or textarea by its data-test (on the native element or around it). */
const field = (dt) => page.locator(
  `input[data-test="${dt}"], textarea[data-test="${dt}"], [data-test="${dt}"] input, [data-test="${dt}"] textarea`).first();

async function expectState(label) {
  await page.waitForFunction((l) => document.querySelector('[data-test=order-state]')?.textContent?.trim() === l, label);
}

/** Clicks a flow action and submits its dialog, after filling what the callback fills. */
async function action(name, fill) {
  await page.click(`[data-test=act-${name}]`);
  await page.waitForSelector('[data-test=dlg-submit]', { state: 'visible' });
  if (fill) await fill();
  await page.click('[data-test=dlg-submit]');
  await page.waitForSelector('[data-test=dlg-submit]', { state: 'hidden' });
}

async function addOption(name, lines) {
  await page.click('[data-test=add-option]');
  await page.waitForSelector('[data-test=opt-name]', { state: 'visible' });
  await field('opt-name').fill(name);
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) await page.click('[data-test=opt-add-line]');
    await page.click(`[data-test=opt-product-${i}]`);
    await page.keyboard.type(lines[i].product);  // the select filters as you type
    await page.waitForTimeout(300);
    await page.locator('.el-select-dropdown__item:visible', { hasText: lines[i].product }).first().click();
    await page.fill(`[data-test=opt-qty-${i}] input`, String(lines[i].quantity));
    await page.fill(`[data-test=opt-discount-${i}] input`, String(lines[i].discount));
    await page.locator(`[data-test=opt-discount-${i}] input`).press('Tab');
    assert.equal(await page.inputValue(`[data-test=opt-discount-${i}] input`), lines[i].discount.toFixed(2));
  }
  await page.click('[data-test=opt-save]');
  await page.waitForSelector(`[data-test="option-${name}"]`);
}

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const m1 = await apiLogin('manager1');
  state.customer = (await m1.get('/api/v1/customers?kind=group&limit=1')).items[0];
  assert.ok(state.customer, 'manager1 has a group customer');
});
after(async () => {
  await browser?.close();
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('the board shows every step with the demo orders', async () => {
  await signIn('manager1');
  await page.goto(`${BASE}/orders`);
  await page.waitForSelector('[data-test=column-requirement]');
  for (const s of ['requirement', 'design', 'approval', 'construction', 'billing', 'in_service']) {
    assert.ok(await page.locator(`[data-test=column-${s}]`).isVisible(), s);
  }
  assert.ok(await page.locator('[data-test^=card-]').count() > 0, 'cards on the board');
  await screenshot(page, '40-order-board');
});

test('a manager takes an order from requirement to a proposal with two priced options', async () => {
  await page.click('[data-test=new-order]');
  await field('new-customer').fill(String(state.customer.id));
  await field('new-title').fill('浏览器测试：新增80部办公电话');
  await field('new-requirement').fill('计划增加80部办公电话，全部开通内线短号');
  await page.click('[data-test=create-order]');
  await page.waitForURL(/\/orders\/\d+$/);
  state.orderUrl = page.url();
  await expectState('需求受理');
  await action('consult', () => field('dlg-consultation').fill('上门了解需求，介绍汇线通与数字电路'));
  await expectState('咨询');
  await action('design');
  await expectState('方案设计');
  await addOption('方案甲', [{ product: '汇线通', quantity: 80, discount: 3 }, { product: '线路施工及调测', quantity: 1, discount: 0 }]);
  await addOption('方案乙', [{ product: '汇线通', quantity: 80, discount: 10 }]);
  // Side by side: net, discount and margin per option; 乙 is beyond the manager's 5 %.
  await page.locator('[data-test="margin-方案甲"]').waitFor({ state: 'visible' });
  await page.locator('[data-test="needs-approval-方案乙"]').waitFor({ state: 'visible' });
  await quietToasts();
  await screenshot(page, '41-order-options');
  await action('propose');
  await expectState('客户选择');
  await page.click('[data-test="choose-方案乙"]');
  await expectState('优惠审批');
  await quietToasts();
  await screenshot(page, '42-order-awaiting-approval');
  await signOut();
});

test('the supervisor approves the discount from the inbox, seeing the margin', async () => {
  await signIn('supervisor1');
  await page.goto(`${BASE}/orders/approvals`);
  const id = state.orderUrl.split('/').pop();
  await page.waitForSelector(`[data-test=approve-${id}]`);
  assert.ok((await page.locator('[data-test=inbox-margin]').first().textContent()).includes('%'));
  await screenshot(page, '43-approval-inbox');
  await page.click(`[data-test=approve-${id}]`);
  await field('decide-reason').fill('战略客户，毛利可接受');
  await page.click('[data-test=decide-submit]');
  await page.waitForSelector(`[data-test=approve-${id}]`, { state: 'detached' });
  await signOut();
});

test('the manager takes the order through construction and confirmation to billing', async () => {
  await signIn('manager1');
  await page.goto(state.orderUrl);
  await expectState('业务受理');
  await page.locator('[data-test="approved-方案乙"]').waitFor({ state: 'visible' });  // who approved the chosen option
  await action('start-construction');
  await expectState('施工调测');
  await action('finish-construction', () => field('dlg-note').fill('调测通过'));
  await expectState('书面确认');
  await action('confirm', () => field('dlg-confirmation').fill('客户负责人张经理书面确认装通'));
  await expectState('起租计费');
  await action('start-billing', () => field('dlg-billing-account').fill('JF20261124'));
  await expectState('在网服务');
  assert.equal(await page.locator('[data-test=actions] button').count(), 0, 'nothing more to do');
  assert.equal(await page.locator('[data-test=steps] .el-table__row').count(), 9, 'every step recorded');
  await quietToasts();
  await screenshot(page, '44-order-in-service');
});

test('the cycle-time charts, the catalogue and the 360 orders', async () => {
  await page.goto(`${BASE}/orders/stats`);
  await page.waitForSelector('[data-test=overall]');
  await page.waitForSelector('[data-test=order-stats] canvas');
  await settle();
  await screenshot(page, '45-order-cycle-times');
  await page.goto(`${BASE}/products`);
  await page.waitForSelector('[data-test=product-table] .el-table__row');
  assert.ok(await page.locator('[data-test=product-table] .el-table__row').count() >= 10);
  await screenshot(page, '46-product-catalogue');
  await page.goto(`${BASE}/customers/${state.customer.id}`);
  await page.click('.el-tabs__item:has-text("工单")');
  await page.waitForSelector('[data-test=c360-orders] .el-table__row');
  assert.ok((await page.locator('[data-test=c360-orders]').textContent()).includes('浏览器测试'));
  await page.locator('[data-test=c360-orders]').scrollIntoViewIfNeeded();
  await screenshot(page, '47-c360-orders');
});
