// Words and numbers in the reader's language, in a real browser. An admin (who sees every page)
// visits each page of the side menu (the page table in web/src/router/pages.ts) and the 360 view
// of a customer whose churn factors carry large usage figures, first in Chinese and then in
// English, and the test fails when:
//   - the visible text, or an axis label drawn on a chart's canvas, is in scientific notation;
//   - a chart's value axis shows the same label on two adjacent ticks (rounding ate the step);
//   - in English, the UI chrome (headings, labels, buttons, table headers, menu, tabs, enum tags,
//     placeholders, empty states) contains Han characters. Data (customer and person names,
//     addresses, regions, industries, product names…) may be Chinese in any language: elements
//     holding it are either outside the chrome selectors or marked `data-i18n-data`.
// Screenshots of every page in both languages go to tests/e2e/artifacts/lang-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, screenshot } from './browser.mjs';

const BASE = process.env.KAM_E2E_URL;
const PASSWORD = 'Kam@2026demo';
if (!BASE) throw new Error('KAM_E2E_URL is not set: run tests/e2e/run.sh KAM_BINARY');

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SCIENTIFIC = /\d\.\d+e[+-]?\d+/i;

let browser, page;
const pageErrors = [];
const state = {};

/** The pages with a side-menu entry, read from the page table (name and path of each). */
function menuPages() {
  const src = readFileSync(path.join(ROOT, 'web/src/router/pages.ts'), 'utf8');
  const body = src.slice(src.indexOf('export const pages'));
  const out = [];
  // One row per page: `page('name', '/path', 'title', perm, view, [Icon, order, 'group'?])`; the
  // pages of the side menu end with that [icon, order, group] entry.
  for (const m of body.matchAll(/page\(\s*'([^']+)',\s*'([^']+)',[^\n]*\[\s*\w+,\s*\d+(?:,\s*'\w+')?\s*\]\s*\),?\s*$/gm)) {
    out.push({ name: m[1], path: m[2] });
  }
  return out;
}

async function apiLogin(username) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `API login ${username}`);
  const { token } = await r.json();
  return async (p) => {
    const res = await fetch(BASE + p, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `GET ${p}`);
    return res.json();
  };
}

/** Waits until the page has loaded its data: no request in flight, no skeleton or loading mask, every chart drawn. */
async function waitForContent(label) {
  await page.waitForLoadState('networkidle', { timeout: 20000 });
  await page.waitForFunction(() => {
    const main = document.querySelector('.main');
    if (!main || !main.innerText.trim()) return false;
    const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
    if ([...document.querySelectorAll('.el-skeleton, .el-loading-mask')].some(visible)) return false;
    return [...main.querySelectorAll('.chart[role=img]')].filter(visible).every((c) => c.kamChart && c.querySelector('canvas'));
  }, null, { timeout: 20000 }).catch((e) => {
    throw new Error(`${label}: the page did not finish loading (${e.message.split('\n')[0]})`);
  });
}

/** What the page shows that the checks read: its visible text, chart axes and, in chrome, Han characters. */
function inspect() {
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const text = document.body.innerText;
  // Axis labels as ECharts drew them (formatted), per chart and axis.
  const axes = [];
  for (const el of document.querySelectorAll('.chart[role=img]')) {
    if (!visible(el) || !el.kamChart) continue;
    const chartName = el.getAttribute('aria-label') || '(chart)';
    const model = el.kamChart.getModel();
    for (const dim of ['xAxis', 'yAxis']) {
      model.eachComponent(dim, (axisModel, idx) => {
        const axis = axisModel.axis;
        if (!axis || axisModel.get('show') === false || axisModel.get(['axisLabel', 'show']) === false) return;
        const labels = axis.getViewLabels().map((l) => String(l.formattedLabel));
        axes.push({ chart: chartName, axis: `${dim}[${idx}]`, type: axis.type, labels });
      });
    }
  }
  // The UI chrome: text that comes from the catalogues, never from the data.
  const CHROME = [
    'h1', 'h2', 'h3', 'h4', '.el-menu-item', '.el-sub-menu__title', '.el-table__header th', '.el-form-item__label',
    '.el-descriptions__label', '.el-button', '.el-tabs__item', '.el-card__header', '.el-tag', '.el-radio-button__inner',
    '.el-radio__label', '.el-checkbox__label', '.el-empty__description', '.el-pagination', '.el-statistic__head',
    '.kpi-label', '.el-alert__title', '.el-result__title', '.el-result__subtitle', '.el-switch__label', '.el-step__title',
    '.el-select__placeholder', '.el-breadcrumb', '.el-dialog__title',
  ].join(',');
  const han = /\p{Script=Han}/u;
  const chrome = new Set();
  const ownText = (root) => {
    // The element's text without the parts marked as data, without icons hidden from readers.
    let s = '';
    const walk = (n) => {
      if (n.nodeType === Node.TEXT_NODE) { s += n.textContent; return; }
      if (n.nodeType !== Node.ELEMENT_NODE) return;
      if (n.hasAttribute('data-i18n-data') || n.getAttribute('aria-hidden') === 'true') return;
      if (n.hasAttribute('lang') && n.getAttribute('lang') !== document.documentElement.lang) return; // said in its own language
      if (n !== root && n.matches(CHROME) && !n.matches('.el-button, .el-tag')) return; // reported on its own
      for (const c of n.childNodes) walk(c);
    };
    walk(root);
    return s.replace(/\s+/g, ' ').trim();
  };
  for (const el of document.querySelectorAll(CHROME)) {
    if (!visible(el) || el.closest('[data-i18n-data]')) continue;
    const s = ownText(el);
    if (han.test(s)) chrome.add(`${el.className.split(' ')[0] || el.tagName.toLowerCase()}: ${s.slice(0, 80)}`);
  }
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (visible(el) && !el.closest('[data-i18n-data]') && han.test(el.placeholder)) chrome.add(`placeholder: ${el.placeholder}`);
  }
  return { text, axes, chrome: [...chrome], lang: document.documentElement.lang };
}

/** Problems of the page now on screen, in the words of the report. */
async function check(label, locale) {
  const seen = await page.evaluate(inspect);
  const problems = [];
  assert.equal(seen.lang, locale, `${label}: <html lang>`);
  const sci = seen.text.match(new RegExp(`.{0,30}${SCIENTIFIC.source}.{0,10}`, 'gi'));
  if (sci) problems.push(`${label}: scientific notation in the text: ${sci.slice(0, 3).join(' | ')}`);
  for (const a of seen.axes) {
    const where = `${label}: chart "${a.chart}" ${a.axis}`;
    const sciLabel = a.labels.find((l) => SCIENTIFIC.test(l));
    if (sciLabel) problems.push(`${where}: scientific notation in axis label ${sciLabel}`);
    if (a.type === 'category') continue; // category labels are the data's own names
    for (let i = 1; i < a.labels.length; i++) {
      if (a.labels[i] === a.labels[i - 1]) {
        problems.push(`${where}: two adjacent ticks read "${a.labels[i]}" (${a.labels.join(' ')})`);
        break;
      }
    }
  }
  if (locale === 'en') for (const c of seen.chrome) problems.push(`${label}: Han characters in the English UI: ${c}`);
  return { problems, axes: seen.axes };
}

async function setLocale(locale) {
  if ((await page.getAttribute('html', 'lang')) !== locale) {
    await page.click('[data-test=locale-toggle]');
    await page.waitForFunction((l) => document.documentElement.lang === l, locale);
  }
}

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const get = await apiLogin('admin');
  // A customer whose churn factors include a usage total of a million or more (data MB,
  // minutes, SMS) — the value the 360 view once showed as "8.25324e+07" — and whose scores stay
  // under 2 %, so that whole-percent ticks on the history chart would read "0% 0% 1% 1%".
  const scores = await get('/api/v1/churn/scores?limit=500');
  const big = scores.items.filter((s) => s.factors.some((x) => /^(data_mb|mou|sms)(_per_member)?$/.test(x.feature)
    && Number(x.value.split('=')[1]) >= 1e6));
  assert.ok(big.length > 0, 'the demo scores a customer with a usage factor of a million or more');
  for (const c of big.slice(-20)) { // the list runs from the riskiest down: the quiet ones are last
    const why = await get(`/api/v1/customers/${c.customer_id}/churn`);
    if (why.history.length >= 3 && Math.max(...why.history.map((h) => h.score)) < 0.02) {
      state.customer = c;
      state.why = why;
      break;
    }
  }
  assert.ok(state.customer, 'one of them has a score history under 2 %');
  state.models = await get('/api/v1/churn/models');
  state.pages = menuPages();
  assert.ok(state.pages.length >= 20, `the page table lists the menu pages (${state.pages.length})`);
});

after(async () => {
  await browser?.close();
});

test('an admin signs in and the side menu holds every page of the page table', async () => {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector('input[name=username]');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.waitForSelector('.el-menu-item');
  assert.equal(await page.locator('.aside .el-menu-item').count(), state.pages.length, 'an admin has every menu page');
});

for (const locale of ['zh-CN', 'en']) {
  test(`every page reads well in ${locale}: no scientific notation, distinct axis ticks${locale === 'en' ? ', no Chinese chrome' : ''}`,
    async () => {
      await setLocale(locale);
      const problems = [];
      for (const p of state.pages) {
        await page.goto(BASE + p.path);
        await waitForContent(p.name);
        problems.push(...(await check(p.name, locale)).problems);
        await screenshot(page, `lang-${locale}-${p.name}`);
      }
      assert.deepEqual(problems, []);
    });

  test(`the 360 view and its churn card read well in ${locale}`, async () => {
    await setLocale(locale);
    const id = state.customer.customer_id;
    await page.goto(`${BASE}/customers/${id}`);
    const panel = page.locator('[data-test=churn-panel]');
    await panel.locator('[data-test=churn-score]').waitFor();
    await panel.locator('.chart[role=img] canvas').waitFor();
    await waitForContent('customer');
    const problems = [];
    const first = await check('customer', locale);
    problems.push(...first.problems);
    // The churn card: factors with units and separators, the model in the page's language.
    const factors = await panel.locator('[data-test=churn-factor] .text').allInnerTexts();
    assert.equal(factors.length, state.why.factors.length);
    const usage = state.why.factors.findIndex((x) => /^(data_mb|mou|sms)/.test(x.feature) && !/_trend_/.test(x.feature));
    if (usage >= 0) {
      const unit = { 'zh-CN': /(MB|GB|TB|分钟|条)$/, en: /(MB|GB|TB|min|SMS)$/ }[locale];
      assert.match(factors[usage], unit, `the usage factor shows its unit: ${factors[usage]}`);
      if (Number(state.why.factors[usage].value.split('=')[1]) >= 1000) assert.match(factors[usage], /\d,\d{3}|\d\.\d+ ?(GB|TB)/);
    }
    const model = await panel.locator('[data-test=churn-model]').innerText();
    if (locale === 'en') assert.doesNotMatch(model, /\p{Script=Han}/u, model);
    else assert.doesNotMatch(model, /history to|churn within/, `the model line is in Chinese: ${model}`);
    const history = first.axes.find((a) => a.chart === (locale === 'en' ? 'Score history' : '评分历史') && a.axis === 'yAxis[0]');
    assert.ok(history, 'the score history chart has a value axis');
    assert.ok(history.labels.every((l) => /%$/.test(l)), `score axis in percent: ${history.labels.join(' ')}`);
    assert.equal(new Set(history.labels).size, history.labels.length, `every score tick reads differently: ${history.labels.join(' ')}`);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, `lang-${locale}-customer`);
    // Every tab of the 360 view.
    const tabs = page.locator('.tabs .el-tabs__item');
    const n = await tabs.count();
    assert.ok(n >= 8, `the 360 view has its tabs (${n})`);
    for (let i = 0; i < n; i++) {
      await tabs.nth(i).click();
      await page.waitForFunction((k) => {
        const panes = document.querySelectorAll('.tabs .el-tab-pane');
        const pane = [...panes].find((x) => x.style.display !== 'none' && x.getAttribute('aria-hidden') !== 'true');
        return pane && pane.innerText.trim().length > 0;
      }, i);
      await waitForContent(`customer tab ${i}`);
      problems.push(...(await check(`customer tab ${i}`, locale)).problems);
      await screenshot(page, `lang-${locale}-customer-tab${i}`);
    }
    assert.deepEqual(problems, []);
  });
}

test('no script errors on any page', () => {
  assert.deepEqual(pageErrors, []);
});
