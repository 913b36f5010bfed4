// Usage and value over real HTTP: uploads run in the background with progress, bad files are
// refused whole with every bad row named, value and analysis stay within the caller's scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monthOf, startKam } from './harness.mjs';

let kam, admin, analyst, m1, m2, merchant, users = {};
before(async () => {
  kam = await startKam({ groups: 30, members: 1500 });
  [admin, analyst, m1, m2, merchant] = await Promise.all(['admin', 'analyst1', 'manager1', 'manager2', 'merchant1'].map((u) => kam.login(u)));
  const all = await admin.get('/api/v1/users?limit=200');
  for (const u of all.body.items) users[u.username] = u;
});
after(async () => { await kam.stop(); });

async function upload(c, csv, query = '') {
  const res = await fetch(kam.url + `/api/v1/usage/imports?file_name=test.csv${query}`, {
    method: 'POST', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'text/csv' }, body: csv,
  });
  return { status: res.status, body: await res.json() };
}

async function waitDone(id) {
  for (let i = 0; i < 200; i++) {
    const r = await analyst.get(`/api/v1/usage/imports/${id}`);
    assert.equal(r.status, 200);
    if (r.body.status === 'succeeded' || r.body.status === 'failed') return r.body;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error('import did not finish');
}

async function someNumbers(n) {
  const out = [];
  const list = await admin.get('/api/v1/customers?limit=60');
  for (const c of list.body.items) {
    const ms = await admin.get(`/api/v1/customers/${c.id}/members?limit=50`);
    for (const m of ms.body.items) if (m.kind === 'mobile') out.push(m.number);
    if (out.length >= n) break;
  }
  return out.slice(0, n);
}

test('demo data comes with 24 computed months and a value for each customer', async () => {
  const p = await analyst.get('/api/v1/usage/periods');
  assert.equal(p.status, 200);
  assert.equal(p.body.months.length, 24);
  assert.ok(p.body.months.every((m) => m.computed_at), 'every month computed');
  const s = await analyst.get('/api/v1/analysis/summary');
  assert.equal(s.status, 200);
  assert.equal(s.body.month, p.body.months.at(-1).period);
  assert.ok(s.body.current.customers > 0);
  const tiers = Object.keys(s.body.by_tier);
  assert.ok(tiers.every((t) => ['gold', 'silver', 'bronze', 'do_not_serve'].includes(t)), tiers.join());
});

test('an upload is imported in the background, then valued', async () => {
  const nums = await someNumbers(20);
  assert.equal(nums.length, 20);
  const csv = '账期,号码,账单金额,主叫分钟数,状态\n' + nums.map((n, i) => `${monthOf(0)},${n},${100 + i}.50,${200 + i},正常`).join('\n') + '\n';
  const r = await upload(analyst, csv);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.ok(['queued', 'running', 'succeeded'].includes(r.body.status));
  const done = await waitDone(r.body.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done));
  assert.equal(done.rows_imported, 20);
  assert.deepEqual(done.periods, [monthOf(0)]);
  assert.match(done.message, /value computed/);
  const p = await analyst.get('/api/v1/usage/periods');
  const current = p.body.months.find((m) => m.period === monthOf(0));
  assert.equal(current.rows, 20);
  assert.ok(current.computed_at);
});

test('a file with bad rows is refused whole, every bad row named', async () => {
  const nums = await someNumbers(5);
  const rows = nums.map((n) => `${monthOf(-1)},${n},10,1,normal`);
  rows[1] = `${monthOf(-1)},${nums[1]},-10,1,normal`;        // line 3: negative
  rows[3] = `${monthOf(-1)},${nums[3]},10,1,vanished`;       // line 5: unknown status
  rows.push(`${monthOf(-1)},13999999999,10,1,normal`);       // line 7: not in the archive
  rows.push(`2099-01,${nums[0]},10,1,normal`);        // line 8: future
  const before = await analyst.get('/api/v1/usage/periods');
  const oct = before.body.months.find((m) => m.period === monthOf(-1));
  const r = await upload(analyst, 'month,number,bill,mou,status\n' + rows.join('\n') + '\n');
  assert.equal(r.status, 202);
  const done = await waitDone(r.body.id);
  assert.equal(done.status, 'failed');
  assert.equal(done.rows_bad, 4);
  assert.deepEqual(done.issues.map((i) => [i.line, i.column]), [[3, 'bill'], [5, 'status'], [7, 'number'], [8, 'month']]);
  assert.match(done.message, /nothing was imported/);
  const after = await analyst.get('/api/v1/usage/periods');
  assert.deepEqual(after.body.months.find((m) => m.period === monthOf(-1)), oct, 'the month is unchanged');
});

test('only admins and analysts import; managers read their own customers only', async () => {
  const r = await upload(m1, 'month,number,bill\n2026-10,1,1\n');
  assert.equal(r.status, 403);
  assert.equal((await merchant.get('/api/v1/analysis/summary')).status, 403);
  const mine = await m1.get('/api/v1/customers?limit=1');
  const id = mine.body.items[0].id;
  const v = await m1.get(`/api/v1/customers/${id}/value?months=6`);
  assert.equal(v.status, 200);
  assert.ok(v.body === null || v.body.history.length <= 6);
  assert.equal((await m2.get(`/api/v1/customers/${id}/value`)).status, 404);
  assert.equal((await m2.get(`/api/v1/customers/${id}/usage`)).status, 404);
  const u = await m1.get(`/api/v1/customers/${id}/usage?months=3`);
  assert.equal(u.status, 200);
  for (const m of u.body.members) assert.ok(['acquisition', 'growth', 'maturity', 'decline', 'churn'].includes(m.stage));
  // The analyst sees numbers masked.
  const a = await analyst.get(`/api/v1/customers/${id}/usage?months=1`);
  for (const m of a.body.members) assert.match(m.number, /\*{4}/);
  // A manager's ranking only lists their customers.
  const ranked = await m1.get('/api/v1/analysis/customers?limit=200');
  assert.equal(ranked.status, 200);
  const me = users.manager1.id;
  const ids = new Set((await m1.get('/api/v1/customers?limit=200')).body.items.map((c) => c.id));
  for (const c of ranked.body.items) assert.ok(ids.has(c.customer_id), `customer ${c.customer_id} is not manager1's (${me})`);
});

test('analysis endpoints answer the charts, with errors naming the parameter', async () => {
  const pareto = await analyst.get('/api/v1/analysis/pareto?measure=margin');
  assert.equal(pareto.status, 200);
  assert.ok(pareto.body.points.length > 2);
  assert.ok(Math.abs(pareto.body.points.at(-1).cumulative_pct - 100) < 1e-6);
  const trend = await analyst.get('/api/v1/analysis/trend');
  assert.equal(trend.status, 200);
  assert.ok(trend.body.items.length >= 24);
  for (const dim of ['manager', 'region', 'industry', 'org_type', 'tier', 'stage']) {
    const c = await analyst.get(`/api/v1/analysis/compare?dimension=${dim}`);
    assert.equal(c.status, 200, dim);
    assert.ok(c.body.items.length > 0, dim);
  }
  const bad = await analyst.get('/api/v1/analysis/compare?dimension=shoe_size');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'dimension');
  assert.equal((await analyst.get('/api/v1/analysis/summary?month=2026-13')).body.error.field, 'month');
  const matrix = await analyst.get('/api/v1/analysis/matrix');
  assert.equal(matrix.status, 200);
  const x = await fetch(kam.url + '/api/v1/analysis/export.xlsx?lang=en', { headers: { authorization: `Bearer ${analyst.token}` } });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const bytes = Buffer.from(await x.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  // Read back: words, not codes; every table under its own headers; numbers formatted.
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kam-xlsx-')), 'analysis.xlsx');
  writeFileSync(file, bytes);
  const part = (name) => execFileSync('unzip', ['-p', file, name], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const texts = (xml) => [...xml.matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1]);
  const codes = ['gold', 'silver', 'bronze', 'do_not_serve', 'important', 'extra_large', 'ordinary', 'small',
    'individual', 'acquisition', 'growth', 'maturity', 'decline', 'churn', 'low', 'medium', 'high'];
  const summary = texts(part('xl/worksheets/sheet1.xml'));
  assert.ok(summary.includes('This month by'), 'the breakdown has its own header row');
  assert.ok(summary.some((t) => /^Value tier: (Gold|Silver|Bronze|Do not serve)$/.test(t)), summary.join(' | '));
  assert.ok(!summary.some((t) => /^by_|tier: [a-z]/.test(t)), summary.join(' | '));
  const rankingXml = part('xl/worksheets/sheet2.xml');
  const ranking = texts(rankingXml);
  assert.deepEqual(ranking.filter((t) => codes.includes(t)), [], 'no raw codes in the ranking');
  assert.ok(ranking.some((t) => ['Gold', 'Silver', 'Bronze', 'Do not serve'].includes(t)));
  const scores = [...rankingXml.matchAll(/<c r="J(\d+)"[^>]*><v>([^<]*)<\/v>/g)].map((m) => m[2]);
  assert.ok(scores.length > 0);
  // Rounded to one decimal (as a double: 99.1 is stored as 99.09999999999999).
  for (const v of scores) assert.ok(Math.abs(Number(v) * 10 - Math.round(Number(v) * 10)) < 1e-6, `score ${v}`);
  assert.match(part('xl/styles.xml'), /formatCode="#,##0\.0"/);
  rmSync(path.dirname(file), { recursive: true, force: true });
});

test('value rules: versioned changes, refused with the field named, recompute on demand', async () => {
  const cfg = await analyst.get('/api/v1/value/config');
  assert.equal(cfg.status, 200);
  const put = (body, c = analyst) => c.raw('PUT', '/api/v1/value/config', JSON.stringify(body));
  assert.equal((await put({ version: cfg.body.version, config: { tier_gold: 80 } }, m1)).status, 403);
  const bad = await put({ version: cfg.body.version, config: { tier_gold: 'high' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'tier_gold');
  const ok = await put({ version: cfg.body.version, config: { ...cfg.body.config, tier_gold: 80 } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const stale = await put({ version: cfg.body.version, config: cfg.body.config });
  assert.equal(stale.status, 409);
  const run = await analyst.post('/api/v1/value/runs', { from: monthOf(-2) });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.ok(run.body.months.includes(monthOf(-1)));
  assert.equal((await analyst.post('/api/v1/value/runs', { from: 'soon' })).body.error.field, 'from');
});
