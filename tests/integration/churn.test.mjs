// Churn propensity end to end: `kam churn evaluate|train|score` on generated files, and the
// HTTP routes (training from an upload, versions, activation, scores, "why at risk") with
// access rules, on the real server and store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKam, KAM } from './harness.mjs';

// Deterministic random numbers (mulberry32).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = 'tenure_months,bill_trend,complaints,package,region';
// One row of features with a planted churn rule (short tenure, falling bill, complaints, package D).
function featureRow(r) {
  const tenure = 1 + Math.floor(r() * 120);
  const trend = (r() + r() + r() - 1.5) * 0.4;
  const complaints = r() < 0.25 ? Math.floor(r() * 5) : 0;
  const pkg = 'ABCD'[Math.floor(r() * 4)];
  const region = ['南京', '苏州', '无锡'][Math.floor(r() * 3)];
  const z = -2 + 1.8 * (tenure < 12) - 4 * trend + 0.7 * complaints + (pkg === 'D' ? 1.2 : 0) + (r() - 0.5) * 1.6;
  const trendText = r() < 0.05 ? 'NA' : trend.toFixed(4);
  return { text: `${tenure},${trendText},${complaints},${pkg},${region}`, churned: z > 0 };
}

function trainingCsv(rows, seed, yes = '是', no = '否') {
  const r = rng(seed);
  const lines = [`customer_id,${HEADER},churned`];
  for (let i = 0; i < rows; i++) {
    const f = featureRow(r);
    lines.push(`C${String(i + 1).padStart(6, '0')},${f.text},${f.churned ? yes : no}`);
  }
  return lines.join('\n') + '\n';
}

let kam, admin, analyst, m1, m3, sup1, portal, dir;
before(async () => {
  kam = await startKam({ groups: 40, members: 2000 });
  [admin, analyst, m1, m3, sup1, portal] = await Promise.all(
    ['admin', 'analyst1', 'manager1', 'manager3', 'supervisor1', 'portal1'].map((u) => kam.login(u)));
  dir = mkdtempSync(path.join(tmpdir(), 'kam-churn-'));
});
after(async () => {
  await kam.stop();
  rmSync(dir, { recursive: true, force: true });
});

function churnCli(args) {
  return spawnSync(KAM, ['churn', ...args], { encoding: 'utf8' });
}
const file = (name) => path.join(dir, name);

test('kam churn evaluate prints cross-validated figures and ends with AUC=0.xxxx', () => {
  writeFileSync(file('train.csv'), trainingCsv(3000, 1));
  const r = churnCli(['evaluate', '--input', file('train.csv'), '--label', 'churned', '--id', 'customer_id', '--folds', '3', '--seed', '5']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines.at(-1), /^AUC=0\.\d{4}$/);
  assert.ok(Number(lines.at(-1).slice(4)) > 0.8, r.stdout);
  assert.match(r.stdout, /AUC 0\.\d{4} ± 0\.\d{4}/);
  assert.match(r.stdout, /log-loss 0\.\d{4}/);
  assert.match(r.stdout, /top 10% \(300 rows\): precision 0\.\d{4}, recall 0\.\d{4}/);
  assert.match(r.stdout, /churned: 是; stayed: 否/);
});

test('kam churn train writes a model file; kam churn score writes id, score and top 3 factors', () => {
  const t = churnCli(['train', '--input', file('train.csv'), '--label', 'churned', '--id', 'customer_id', '--model', file('m.kcm'), '--folds', '3']);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /model written to .*m\.kcm/);
  assert.ok(readFileSync(file('m.kcm')).subarray(0, 8).equals(Buffer.from('KAMCHURN')));

  writeFileSync(file('holdout.csv'), trainingCsv(500, 2));
  const s = churnCli(['score', '--model', file('m.kcm'), '--input', file('holdout.csv'), '--output', file('scores.csv')]);
  assert.equal(s.status, 0, s.stderr);
  const out = readFileSync(file('scores.csv'), 'utf8').trim().split('\n');
  assert.equal(out[0], 'customer_id,score,factor1,factor2,factor3,notes');
  assert.equal(out.length, 501);
  for (const line of out.slice(1)) {
    const [id, score] = line.split(',');
    assert.match(id, /^C\d{6}$/);
    assert.ok(Number(score) >= 0 && Number(score) <= 1, line);
  }
  const risky = out.slice(1).filter((l) => Number(l.split(',')[1]) > 0.7);
  assert.ok(risky.length > 10);
  for (const l of risky) assert.match(l.split(',')[2], /^(tenure_months|bill_trend|complaints|package|region)=.+ \(\+\d+\.\d{3}\)$/);
  assert.match(s.stdout, /AUC on the input's 'churned' column: 0\.(8|9)\d{3}/);
});

test('scoring handles missing columns and unseen categories, and says so', () => {
  writeFileSync(file('odd.csv'), 'customer_id,tenure_months,bill_trend,package\nX1,3,-0.5,D\nX2,100,0.3,Z\nX3,abc,,A\n');
  const s = churnCli(['score', '--model', file('m.kcm'), '--input', file('odd.csv'), '--output', file('odd-scores.csv')]);
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stderr, /column 'complaints' is not in the input/);
  assert.match(s.stderr, /categories of 'package' the model never saw \('Z'\)/);
  assert.match(s.stderr, /text in numeric column 'tenure_months' \('abc'\)/);
  const out = readFileSync(file('odd-scores.csv'), 'utf8').trim().split('\n');
  assert.equal(out.length, 4);
  assert.match(out[2], /package: unseen 'Z'/);
});

test('bad input on the command line: a clear error and no output file', () => {
  const bad = trainingCsv(300, 3).replace(/,否\n/, ',maybe\n');
  writeFileSync(file('bad-label.csv'), bad);
  let r = churnCli(['train', '--input', file('bad-label.csv'), '--label', 'churned', '--model', file('bad.kcm')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /label column 'churned' must hold two classes.*'maybe' on line \d+/);
  assert.equal(existsSync(file('bad.kcm')), false);

  let churners = 0;
  const few = trainingCsv(3000, 4).split('\n').filter((l) => !l.endsWith(',是') || ++churners <= 40);
  writeFileSync(file('few.csv'), few.join('\n'));
  r = churnCli(['evaluate', '--input', file('few.csv'), '--label', 'churned']);
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stderr, /has 40 churned rows .*at least 50 of each class/);

  const idsOnly = ['msisdn,batch,churned', ...Array.from({ length: 200 }, (_, i) => `1380000${1000 + i},x,${i % 2}`)].join('\n');
  writeFileSync(file('ids.csv'), idsOnly);
  r = churnCli(['train', '--input', file('ids.csv'), '--label', 'churned', '--model', file('ids.kcm')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no usable feature columns/);
  assert.equal(existsSync(file('ids.kcm')), false);

  // A corrupted model file and one written for another schema: refused, no output file.
  const model = readFileSync(file('m.kcm'));
  const corrupt = Buffer.from(model);
  corrupt[corrupt.length - 100] ^= 0x40;
  writeFileSync(file('corrupt.kcm'), corrupt);
  r = churnCli(['score', '--model', file('corrupt.kcm'), '--input', file('holdout.csv'), '--output', file('c.csv')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /model file is corrupted \(checksum mismatch\)/);
  assert.equal(existsSync(file('c.csv')), false);

  const schemaLen = Number(model.readBigUInt64LE(16));
  const schema = JSON.parse(model.subarray(96, 96 + schemaLen).toString('utf8'));
  schema.format = 'kam.churn.model/9';
  const js = Buffer.from(JSON.stringify(schema));
  const trees = model.subarray(96 + schemaLen);
  const header = Buffer.from(model.subarray(0, 96));
  header.writeBigUInt64LE(BigInt(js.length), 16);
  header.write(createHash('sha256').update(Buffer.concat([js, trees])).digest('hex'), 32, 'latin1');
  writeFileSync(file('other.kcm'), Buffer.concat([header, js, trees]));
  r = churnCli(['score', '--model', file('other.kcm'), '--input', file('holdout.csv'), '--output', file('o.csv')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /schema 'kam\.churn\.model\/9'; this kam reads 'kam\.churn\.model\/1'/);
  assert.equal(existsSync(file('o.csv')), false);

  // A table of another kind, and an output directory that does not exist.
  writeFileSync(file('colours.csv'), 'name,colour\na,red\n');
  r = churnCli(['score', '--model', file('m.kcm'), '--input', file('colours.csv'), '--output', file('x.csv')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /none of the model's feature columns/);
  r = churnCli(['score', '--model', file('m.kcm'), '--input', file('holdout.csv'), '--output', file('no/such/dir.csv')]);
  assert.notEqual(r.status, 0);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary files left');
});

async function uploadCsv(c, p, csv) {
  const res = await fetch(kam.url + p, {
    method: 'POST', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'text/csv' }, body: csv,
  });
  return { status: res.status, body: await res.json() };
}

let firstModel;
test('analysts train a model from an upload; the first one becomes current', async () => {
  const r = await uploadCsv(analyst, '/api/v1/churn/models?label=churned&id=customer_id&name=first&folds=3', trainingCsv(2000, 7));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  firstModel = r.body;
  assert.equal(r.body.name, 'first');
  assert.equal(r.body.is_current, true);
  assert.equal(r.body.rows, 2000);
  assert.ok(r.body.auc > 0.8, `AUC ${r.body.auc}`);
  assert.equal(r.body.evaluation.folds, 3);
  assert.equal(r.body.evaluation.lift.length, 10);
  assert.ok(r.body.evaluation.lift[0].lift > 1.5);
  assert.deepEqual(r.body.features.map((f) => f.name), HEADER.split(','));

  const list = await m1.get('/api/v1/churn/models');
  assert.equal(list.status, 200);
  assert.equal(list.body.current_id, firstModel.id);
  assert.equal((await portal.get('/api/v1/churn/models')).status, 403);
  const denied = await uploadCsv(m1, '/api/v1/churn/models?label=churned', trainingCsv(300, 8));
  assert.equal(denied.status, 403);
});

test('bad training uploads answer 400 naming the column and store nothing', async () => {
  const before = (await admin.get('/api/v1/churn/models')).body.items.length;
  let r = await uploadCsv(analyst, '/api/v1/churn/models?label=nope', trainingCsv(300, 9));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'label');
  r = await uploadCsv(analyst, '/api/v1/churn/models?label=churned', trainingCsv(300, 9).replace(/,是\n/, ',unknown\n'));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'churned');
  assert.match(r.body.error.message, /'unknown' on line/);
  r = await uploadCsv(analyst, '/api/v1/churn/models', trainingCsv(300, 9));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'label');
  r = await uploadCsv(analyst, '/api/v1/churn/models?label=churned&folds=99', trainingCsv(300, 9));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'folds');
  assert.equal((await admin.get('/api/v1/churn/models')).body.items.length, before);
});

test('a second model waits until activated; exactly one is current', async () => {
  const r = await uploadCsv(sup1, '/api/v1/churn/models?label=churned&id=customer_id&folds=2&seed=3', trainingCsv(1500, 11, 'yes', 'no'));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.is_current, false);
  assert.equal((await m1.post(`/api/v1/churn/models/${r.body.id}/activate`)).status, 403);
  const act = await analyst.post(`/api/v1/churn/models/${r.body.id}/activate`);
  assert.equal(act.status, 200);
  assert.equal(act.body.is_current, true);
  const list = (await analyst.get('/api/v1/churn/models')).body;
  assert.equal(list.current_id, r.body.id);
  assert.equal(list.items.filter((m) => m.is_current).length, 1);
  assert.equal((await analyst.post('/api/v1/churn/models/999999/activate')).status, 404);
  const back = await analyst.post(`/api/v1/churn/models/${firstModel.id}/activate`);
  assert.equal(back.body.is_current, true);
  const audit = await admin.get('/api/v1/audit?entity=churn_model&limit=50');
  assert.ok(audit.body.items.some((e) => e.action === 'activate'));
  assert.ok(audit.body.items.some((e) => e.action === 'create'));
});

test('scores are stored per month and read within the customer scope ("why at risk")', async () => {
  const mine = (await m1.get('/api/v1/customers?limit=5')).body.items;
  const theirs = (await m3.get('/api/v1/customers?limit=5')).body.items;
  assert.ok(mine.length && theirs.length);
  const r = rng(21);
  const ids = [...mine, ...theirs].map((c) => c.id);
  const rows = [`customer_id,${HEADER}`];
  for (const id of ids) rows.push(`${id},${featureRow(r).text}`);
  // The first customer: a textbook churner.
  rows[1] = `${ids[0]},2,-0.6,4,D,南京`;
  const month = '2026-10';
  assert.equal((await uploadCsv(m1, `/api/v1/churn/scores?month=${month}`, rows.join('\n'))).status, 403);
  const scored = await uploadCsv(analyst, `/api/v1/churn/scores?month=${month}`, rows.join('\n'));
  assert.equal(scored.status, 200, JSON.stringify(scored.body));
  assert.equal(scored.body.rows, ids.length);
  assert.equal(scored.body.model_id, firstModel.id);
  assert.equal(scored.body.month, month);

  const why = await m1.get(`/api/v1/customers/${ids[0]}/churn`);
  assert.equal(why.status, 200, JSON.stringify(why.body));
  assert.equal(why.body.month, month);
  assert.ok(why.body.score > 0.5, JSON.stringify(why.body));
  assert.ok(why.body.factors.length >= 1 && why.body.factors.length <= 3);
  for (const f of why.body.factors) assert.ok(f.contribution > 0 && f.value.startsWith(f.feature + '='));
  assert.equal(why.body.model.id, firstModel.id);
  assert.ok(why.body.model.auc > 0.8);
  assert.ok(why.body.percentile >= 50, `percentile ${why.body.percentile}`);
  assert.deepEqual(why.body.history.map((h) => h.month), [month]);

  // Another manager's customer is not found; a supervisor sees their team only.
  const other = await m1.get(`/api/v1/customers/${theirs[0].id}/churn`);
  assert.equal(other.status, 404);
  assert.equal(other.body.error.code, 'not_found');
  assert.equal((await m3.get(`/api/v1/customers/${theirs[0].id}/churn`)).status, 200);
  assert.equal((await sup1.get(`/api/v1/customers/${ids[0]}/churn`)).status, 200);
  assert.equal((await sup1.get(`/api/v1/customers/${theirs[0].id}/churn`)).status, 404);
  assert.equal((await portal.get(`/api/v1/customers/${ids[0]}/churn`)).status, 403);
  const none = (await admin.get('/api/v1/customers?limit=200')).body.items.find((c) => !ids.includes(c.id));
  const empty = await admin.get(`/api/v1/customers/${none.id}/churn`);
  assert.equal(empty.status, 200);
  assert.equal(empty.body.score, null);
});

test('bad scoring uploads answer 400 naming the line and keep the stored scores', async () => {
  const mine = (await m1.get('/api/v1/customers?limit=1')).body.items[0];
  const before = (await m1.get(`/api/v1/customers/${mine.id}/churn`)).body;
  let r = await uploadCsv(analyst, '/api/v1/churn/scores?month=2026-10', `customer_id,${HEADER}\n${mine.id},5,0,0,A,南京\n99999999,5,0,0,A,南京\n`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'customer_id');
  assert.match(r.body.error.message, /line 3: customer_id 99999999 does not exist/);
  r = await uploadCsv(analyst, '/api/v1/churn/scores?month=2026-10', `customer_id,${HEADER}\nabc,5,0,0,A,南京\n`);
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /line 2/);
  r = await uploadCsv(analyst, '/api/v1/churn/scores', `customer_id,${HEADER}\n${mine.id},5,0,0,A,南京\n`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'month');
  r = await uploadCsv(analyst, '/api/v1/churn/scores?month=2026-10', `customer_id,colour\n${mine.id},red\n`);
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /none of the model's feature columns/);
  const after = (await m1.get(`/api/v1/customers/${mine.id}/churn`)).body;
  assert.deepEqual(after, before);
});
