// Usage, value and analysis in a real browser (SPEC §2): an analyst reads the value analysis,
// switches the comparison, exports Excel, edits the value rules, uploads a good and a bad usage
// file; a manager reads the value panel of their own customer and meets a forbidden page for
// the import. The demo store comes with 24 computed months. Each test saves a screenshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  return { user, get: (p) => call('GET', p), put: (p, b) => call('PUT', p, b) };
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

async function choose(selectLocator, text) {
  await selectLocator.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

/** Lets ECharts finish its entry animation before a screenshot. */
const settle = () => page.waitForTimeout(700);
/** Takes the toasts of earlier steps off the screen before a screenshot. */
const quietToasts = () => page.evaluate(() => document.querySelectorAll('.el-message').forEach((e) => e.remove()));

/** Puts a CSV built in the test into the page's file input. */
async function uploadCsv(name, text) {
  await page.setInputFiles('[data-test=usage-upload] input[type=file]', { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
}

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  state.analyst = await apiLogin('analyst1');
  state.admin = await apiLogin('admin');
  state.m1 = await apiLogin('manager1');
  state.summary = (await state.analyst.get('/api/v1/analysis/summary')).body;
  assert.ok(state.summary?.current?.customers > 0, 'the demo comes with computed value');
  state.periods = (await state.analyst.get('/api/v1/usage/periods')).body.months;
  // A group of manager1 with value, and with members that have usage.
  const mine = (await state.m1.get('/api/v1/customers?kind=group&limit=50')).body.items;
  for (const c of mine) {
    const v = (await state.m1.get(`/api/v1/customers/${c.id}/value?months=12`)).body;
    if (v && v.latest.members_active >= 3) {
      state.mine = c;
      state.value = v;
      break;
    }
  }
  assert.ok(state.mine, 'manager1 has a group with computed value');
  // Real member numbers for the upload, as the admin sees them (the analyst's are masked).
  const numbers = [];
  for (const c of mine) {
    const ms = (await state.admin.get(`/api/v1/customers/${c.id}/members?limit=50`)).body.items;
    for (const m of ms) if (m.kind === 'mobile') numbers.push(m.number);
    if (numbers.length >= 12) break;
  }
  state.numbers = numbers.slice(0, 12);
  assert.equal(state.numbers.length, 12);
});

after(async () => {
  await browser?.close();
});

test('an analyst opens 价值分析: KPIs, the Pareto curve and the tiers are drawn from the data', async () => {
  await page.goto(`${BASE}/login`);
  await signIn('analyst1');
  await page.waitForURL(/\/analysis/);  // an analyst's home
  await page.click('.el-menu-item:has-text("价值分析")');
  await page.waitForURL(/\/analysis/);
  await page.waitForSelector('[data-test=pareto-card] canvas');
  await page.waitForSelector('[data-test=tier-card] canvas');
  const customers = Number((await page.innerText('[data-test=kpi-customers]')).replace(/,/g, ''));
  assert.equal(customers, state.summary.current.customers);
  const points = Number(await page.getAttribute('[data-test=pareto-card]', 'data-points'));
  assert.ok(points > 2, `the Pareto curve has its points (${points})`);
  const tiered = Number(await page.getAttribute('[data-test=tier-card]', 'data-points'));
  assert.equal(tiered, state.summary.current.customers, 'every customer is in a tier');
  assert.match(await page.innerText('[data-test=pareto-card]'), /前 20% 的客户贡献了 \d+\.\d%/);
  assert.ok((await page.locator('.analysis canvas').count()) >= 6, 'Pareto, tiers, stages, trend, matrix and comparison charts');
  // The ranked list: first row is rank 1, and a click opens the 360 view later.
  const first = page.locator('[data-test=ranked-table] .el-table__row').first();
  await first.waitFor();
  assert.match(await first.innerText(), /^1\s/);
  await settle();
  await screenshot(page, '20-analysis');
});

test('the comparison switches dimension; the ranked list filters by tier and by a matrix cell', async () => {
  await choose(page.locator('[data-test=compare-dimension]'), '按行业');
  const expected = (await state.analyst.get(`/api/v1/analysis/compare?dimension=industry&month=${state.summary.month}`)).body.items;
  const header = page.locator('[data-test=compare-table] th').first();
  await page.waitForFunction(() => document.querySelector('[data-test=compare-table] th')?.textContent?.includes('按行业'));
  assert.match(await header.innerText(), /按行业/);
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=compare-table] .el-table__body tr').length === n, expected.length);
  const firstRow = await page.locator('[data-test=compare-table] .el-table__body tr').first().innerText();
  assert.ok(firstRow.includes(expected[0].label), `largest industry first: ${firstRow}`);
  assert.match(page.url(), /dim=industry/);
  await choose(page.locator('[data-test=ranked-tier]'), '金牌');
  const gold = state.summary.by_tier.gold.customers;
  await page.locator('[data-test=ranked-card]', { hasText: `共 ${gold} 个客户` }).waitFor();
  const tiers = await page.locator('[data-test=ranked-table] .el-table__row td:nth-child(5)').allInnerTexts();
  assert.ok(tiers.length > 0 && tiers.every((x) => x.trim() === '金牌'), `only gold: ${tiers.slice(0, 3)}`);
  // A click on the matrix's top-right cell (gold × high risk) lists those customers.
  const matrix = (await state.analyst.get(`/api/v1/analysis/matrix?month=${state.summary.month}`)).body;
  const cell = matrix.cells.find((c) => c.tier === 'gold' && c.risk === 'high') ?? { customers: 0 };
  const heatmap = page.locator('[data-test=matrix-card] canvas').first();
  await heatmap.scrollIntoViewIfNeeded();
  const canvas = await heatmap.boundingBox();
  await page.mouse.click(canvas.x + canvas.width - 60, canvas.y + 34);
  await page.locator('[data-test=ranked-card]', { hasText: `共 ${cell.customers} 个客户` }).waitFor();
  assert.match(await page.innerText('[data-test=ranked-risk]'), /高风险/);
  const risks = await page.locator('[data-test=ranked-table] .el-table__row td:nth-child(7)').allInnerTexts();
  assert.ok(risks.every((x) => x.trim() === '高'), `only high risk: ${risks}`);
  await page.locator('[data-test=compare-card]').scrollIntoViewIfNeeded();
  await settle();
  await screenshot(page, '21-analysis-compare');
});

test('Export Excel downloads the workbook of the month', async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-xlsx]')]);
  assert.match(download.suggestedFilename(), /^kam-analysis-\d{4}-\d{2}\.xlsx$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx is a zip');
  assert.ok(bytes.length > 2000);
});

test('a refused value rule is marked at its field with the API’s reason', async () => {
  await page.click('.el-menu-item:has-text("价值规则")');
  await page.waitForSelector('[data-test=rules-form]');
  assert.match(await page.innerText('[data-test=rule-tier_gold]'), /默认：88/);
  const silver = page.locator('[data-test=input-tier_silver] input');
  await silver.fill('95');
  await silver.press('Tab');
  await page.click('[data-test=rules-save]');
  const item = page.locator('[data-test=rule-tier_silver].is-error');
  await item.waitFor();
  assert.match(await item.locator('.el-form-item__error').innerText(), /tier_gold >= tier_silver/);
  assert.equal(await page.locator('.el-form-item.is-error').count(), 1, 'only the named field is marked');
  await page.waitForTimeout(300);
  await quietToasts();
  await screenshot(page, '22-value-rules-error');
  const cfg = (await state.analyst.get('/api/v1/value/config')).body;
  assert.equal(cfg.config.tier_silver, 75, 'nothing was saved');
  // Someone else saves first: the stale version is refused and the page offers the latest.
  const saved = await state.analyst.put('/api/v1/value/config', { config: cfg.config, version: cfg.version });
  assert.equal(saved.status, 200);
  await silver.fill('76');
  await silver.press('Tab');
  await page.click('[data-test=rules-save]');
  const box = page.locator('.el-message-box', { hasText: '数据已被他人修改' });
  await box.waitFor();
  await box.locator('button:has-text("加载最新数据")').click();
  await page.locator('[data-test=rules-version]', { hasText: `版本 ${saved.body.version}` }).waitFor();
  assert.equal(await silver.inputValue(), '75.0', 'the latest rules are shown');
});

test('an analyst uploads a usage file and follows it to success', async () => {
  await page.click('.el-menu-item:has-text("数据导入")');
  await page.waitForSelector('[data-test=usage-periods] .el-table__row');
  // Re-import the earliest stored month for twelve members (the month's other members stay).
  const month = state.periods[0].period;
  const csv = '账期,号码,账单金额,主叫分钟数,流量,状态\n'
    + state.numbers.map((n, i) => `${month},${n},${(88 + i).toFixed(2)},${150 + i},${1024 + i},正常`).join('\n') + '\n';
  await uploadCsv(`usage-${month}.csv`, csv);
  await page.locator('[data-test=import-progress][data-phase=succeeded]').waitFor({ timeout: 60000 });
  const result = await page.innerText('[data-test=import-result]');
  assert.match(result, /导入成功：12 行/);
  assert.ok(result.includes(month), result);
  assert.equal(await page.innerText('[data-test=import-status]'), '已完成');
  await page.locator('[data-test=import-history] .el-table__row', { hasText: `usage-${month}.csv` }).first().waitFor();
  await quietToasts();
  await screenshot(page, '23-usage-import-ok');
});

test('a bad file is refused whole, each refused row with its line', async () => {
  const month = state.periods.at(-1).period;
  const rows = state.numbers.slice(0, 5).map((n) => `${month},${n},10,1,normal`);
  rows[1] = `${month},${state.numbers[1]},-10,1,normal`; // line 3: negative bill
  rows[3] = `${month},${state.numbers[3]},10,1,vanished`; // line 5: unknown status
  rows.push(`${month},13999999999,10,1,normal`); // line 7: not in the archive
  await uploadCsv('bad-usage.csv', 'month,number,bill,mou,status\n' + rows.join('\n') + '\n');
  await page.locator('[data-test=import-progress][data-phase=failed]').waitFor({ timeout: 60000 });
  assert.match(await page.innerText('[data-test=import-result]'), /3 \/ 6 行有误，整个文件未导入/);
  const lines = await page.locator('[data-test=import-issues] .el-table__body tr td:first-child').allInnerTexts();
  assert.deepEqual(lines.map(Number), [3, 5, 7]);
  const issues = await page.innerText('[data-test=import-issues]');
  assert.match(issues, /bill/);
  assert.match(issues, /status/);
  // The month is unchanged (the good upload before only recomputed it).
  const after = (await state.analyst.get('/api/v1/usage/periods')).body.months.at(-1);
  const stored = ({ period, rows, bill_fen, imported_at }) => ({ period, rows, bill_fen, imported_at });
  assert.deepEqual(stored(after), stored(state.periods.at(-1)));
  await page.locator('[data-test=import-issues]').scrollIntoViewIfNeeded();
  await quietToasts();
  await screenshot(page, '24-usage-import-refused');
});

test('a manager reads the value panel of their own customer', async () => {
  await signOut();
  await signIn('manager1');
  await page.waitForURL(/\/workbench/);
  await page.goto(`${BASE}/customers/${state.mine.id}`);
  const card = page.locator('[data-test=area-value]');
  await card.locator('[data-test=value-tier]').waitFor();
  const v = state.value.latest;
  const tierText = { gold: '金牌', silver: '银牌', bronze: '铜牌', do_not_serve: '暂不服务' }[v.tier];
  assert.equal((await card.locator('[data-test=value-tier]').innerText()).trim(), tierText);
  assert.equal(await card.locator('[data-test=value-rank]').innerText(), `排名 ${v.rank} / ${v.rank_of}`);
  await card.locator('[data-test=value-open]').click();
  await page.waitForURL(/tab=value/);
  const panel = page.locator('[data-test=value-panel]');
  await panel.locator('canvas').nth(2).waitFor();
  assert.equal(await panel.locator('canvas').count(), 3, 'scorecard, revenue by service, 12-month trend');
  const rows = panel.locator('[data-test=value-members] .el-table__row');
  await rows.first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.ok(texts.some((t) => /^1\d{10}/.test(t.trim())), 'a manager sees full mobile numbers');
  assert.ok(texts.every((t) => !/^\S*\*/.test(t.trim())), 'no number is masked for the manager');
  await settle();
  await screenshot(page, '25-value-panel');
  await rows.first().click();
  const drawer = page.locator('[data-test=member-usage-drawer]');
  await drawer.locator('canvas').waitFor();
  const months = await drawer.locator('.el-table__body tr').count();
  assert.ok(months >= 12, `the member's months (${months})`);
  await settle();
  await screenshot(page, '26-member-usage');
  await page.keyboard.press('Escape');
});

test('a manager has no import page in the menu, and a forbidden page at its address', async () => {
  await page.locator('.el-menu-item:has-text("价值分析")').waitFor();
  assert.equal(await page.locator('.el-menu-item:has-text("数据导入")').count(), 0);
  await page.goto(`${BASE}/usage/imports`);
  const forbidden = page.locator('[data-test=forbidden]');
  await forbidden.waitFor();
  assert.match(await forbidden.innerText(), /无权访问此页面[\s\S]*客户经理[\s\S]*数据导入/);
  assert.match(page.url(), /\/usage\/imports$/);
  assert.equal(await page.title(), '无权访问此页面 · KAM');
  await screenshot(page, '27-forbidden');
  // The rules are readable, not editable.
  await page.click('.el-menu-item:has-text("价值规则")');
  await page.waitForSelector('[data-test=rules-form]');
  assert.equal(await page.locator('[data-test=rules-save]').count(), 0);
  assert.ok(await page.locator('[data-test=input-tier_gold] input').isDisabled());
});

test('no script errors on any page', () => {
  assert.deepEqual(pageErrors, []);
});
