// Churn prediction in a real browser (SPEC §3): the demo store comes with a model trained on
// its own history and the latest months scored. An analyst opens 流失预测 and sees the model
// versions with the current model's AUC, the lift chart and the riskiest customers; a manager
// opens the 360 view of one of their customers and reads "流失风险 / 为什么有风险".
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
  const call = async (method, p) => {
    const res = await fetch(BASE + p, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  return { get: (p) => call('GET', p), post: (p) => call('POST', p) };
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

const settle = () => page.waitForTimeout(800);

before(async () => {
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  state.analyst = await apiLogin('analyst1');
  state.m1 = await apiLogin('manager1');
  const models = (await state.analyst.get('/api/v1/churn/models')).body;
  state.current = models.items.find((m) => m.is_current);
  assert.ok(state.current, 'the demo comes with a current churn model');
  // A customer of manager1 with a score.
  const scores = (await state.m1.get('/api/v1/churn/scores?limit=50')).body;
  assert.ok(scores.items.length > 0, 'manager1 has scored customers');
  state.mine = scores.items[0];
});

after(async () => {
  await browser?.close();
});

test('an analyst sees the churn model, its AUC, the lift chart and the riskiest customers', async () => {
  await page.goto(`${BASE}/login`);
  await signIn('analyst1');
  await page.waitForURL(/\/analysis/);  // an analyst's home
  await page.goto(`${BASE}/churn`);
  await page.waitForSelector('[data-test=churn-models] [data-test=churn-current]');
  const auc = await page.locator('[data-test=churn-models] [data-test=churn-auc]').first().innerText();
  assert.equal(auc, state.current.auc.toFixed(4), 'the newest model row shows its cross-validated AUC');
  assert.ok(state.current.auc > 0.6, `demo AUC ${state.current.auc}`);
  await page.waitForSelector('[data-test=churn-lift] canvas');
  const risk = page.locator('[data-test=churn-top-risk] [data-test=churn-risk-customer]');
  await risk.first().waitFor();
  assert.ok((await risk.count()) >= 5, 'the riskiest customers are listed');
  assert.match(await page.innerText('[data-test=churn-top-risk]'), /\d+\.\d%/);
  await settle();
  await screenshot(page, '60-churn-page');
  // The training button is there for the analyst; a click queues a job that is followed.
  await page.click('[data-test=churn-train-history]');
  await page.waitForSelector('[data-test=churn-job]');
  await page.waitForFunction(() => /完成|100%/.test(document.querySelector('[data-test=churn-job]')?.textContent ?? ''), null,
    { timeout: 120000 });
  const after = (await state.analyst.get('/api/v1/churn/models')).body.items;
  assert.equal(after.length, 2, 'the new version is stored beside the current one');
  assert.equal(after.filter((m) => m.is_current).length, 1);
  await settle();
  await screenshot(page, '61-churn-trained');
  // A customer in the list opens its 360 view.
  await risk.first().click();
  await page.waitForURL(/\/customers\/\d+/);
  await page.waitForSelector('[data-test=churn-panel] [data-test=churn-score]');
  await signOut();
});

test('a manager reads "why at risk" on the 360 view of their own customer', async () => {
  await signIn('manager1');
  await page.waitForURL(/\/workbench/);
  await page.goto(`${BASE}/customers/${state.mine.customer_id}`);
  await page.waitForSelector('[data-test=churn-panel] [data-test=churn-score]');
  const why = (await state.m1.get(`/api/v1/customers/${state.mine.customer_id}/churn`)).body;
  const shown = await page.innerText('[data-test=churn-panel] [data-test=churn-score]');
  assert.equal(shown, `${(Math.round(why.score * 1000) / 10).toFixed(1)}%`);
  const factors = page.locator('[data-test=churn-panel] [data-test=churn-factor]');
  assert.equal(await factors.count(), why.factors.length);
  assert.ok(why.factors.length >= 1);
  assert.match(await page.innerText('[data-test=churn-why]'), /为什么有风险/);
  assert.match(await page.innerText('[data-test=churn-panel]'), /高于本月 .*% 的客户/);
  await page.locator('[data-test=churn-panel]').scrollIntoViewIfNeeded();
  await settle();
  await screenshot(page, '62-churn-360');
  // The page itself is not in a manager's menu and answers forbidden.
  await page.goto(`${BASE}/churn`);
  await page.waitForSelector('text=/无权|403|没有权限/');
  assert.deepEqual(pageErrors, []);
});
