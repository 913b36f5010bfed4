// Churn training from the stored history over HTTP: the background job (202, one at a time,
// progress, the model it stored), who may train (not a manager), the monthly scores list within
// the caller's customers, bad parameters named. The demo store trains and scores on its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKam } from './harness.mjs';

let kam, analyst, m1, admin;
before(async () => {
  kam = await startKam({ groups: 300, members: 9000 });
  [analyst, m1, admin] = await Promise.all(['analyst1', 'manager1', 'admin'].map((u) => kam.login(u)));
});
after(async () => {
  await kam.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('the demo store comes with a model trained on its history and scored months', async () => {
  const models = await analyst.get('/api/v1/churn/models');
  assert.equal(models.status, 200);
  const current = models.body.items.find((m) => m.is_current);
  assert.ok(current, JSON.stringify(models.body));
  assert.equal(current.source, 'usage');
  assert.equal(current.label_column, 'churned_within_3_months');
  assert.ok(current.auc > 0.6, `AUC ${current.auc}`);
  assert.equal(current.evaluation.lift.length, 10);
  assert.ok(current.evaluation.dataset.cutoffs.length >= 6);
  const scores = await analyst.get('/api/v1/churn/scores?limit=10');
  assert.equal(scores.status, 200);
  assert.ok(scores.body.total > 0 && scores.body.items.length === 10);
  assert.equal(scores.body.model.id, current.id);
});

test('managers cannot train; bad parameters are named', async () => {
  const r = await m1.post('/api/v1/churn/models/history');
  assert.equal(r.status, 403);
  assert.equal((await m1.get('/api/v1/churn/jobs')).status, 403);
  const bad = await analyst.post('/api/v1/churn/models/history?horizon=0');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'horizon');
  const month = await analyst.post('/api/v1/churn/models/history?month=2026-13');
  assert.equal(month.status, 400);
  assert.equal(month.body.error.field, 'month');
});

test('an analyst trains from history in the background, one job at a time', async () => {
  const before = (await analyst.get('/api/v1/churn/models')).body.items.length;
  const job = await analyst.post('/api/v1/churn/models/history?cutoffs=12&folds=3&name=API%20history');
  assert.equal(job.status, 202, JSON.stringify(job.body));
  assert.equal(job.body.status, 'queued');
  const again = await admin.post('/api/v1/churn/models/history');
  assert.equal(again.status, 409);
  let j = job.body;
  for (let i = 0; i < 600 && (j.status === 'queued' || j.status === 'running'); i++) {
    await sleep(200);
    j = (await analyst.get(`/api/v1/churn/jobs/${job.body.id}`)).body;
  }
  assert.equal(j.status, 'succeeded', JSON.stringify(j));
  assert.equal(j.progress.done, j.progress.total);
  assert.equal(j.dataset.cutoffs.length, 12);
  const models = (await analyst.get('/api/v1/churn/models')).body.items;
  assert.equal(models.length, before + 1);
  const made = models.find((m) => m.id === j.model_id);
  assert.equal(made.name, 'API history');
  assert.equal(made.is_current, false, 'a later model waits until activated');
  assert.equal(made.evaluation.folds, 3);
});

test('a manager sees only their own customers in the scores list', async () => {
  const all = (await analyst.get('/api/v1/churn/scores?limit=500')).body;
  const own = (await m1.get('/api/v1/churn/scores?limit=500')).body;
  assert.ok(own.items.length > 0);
  assert.ok(own.total < all.total);
  for (const it of own.items.slice(0, 20)) {
    assert.equal((await m1.get(`/api/v1/customers/${it.customer_id}`)).status, 200);
  }
  const ownIds = new Set(own.items.map((i) => i.customer_id));
  const other = all.items.find((i) => !ownIds.has(i.customer_id));
  assert.equal((await m1.get(`/api/v1/customers/${other.customer_id}/churn`)).status, 404);
  // Scores in descending order with their reasons.
  for (let i = 1; i < own.items.length; i++) assert.ok(own.items[i - 1].score >= own.items[i].score);
  assert.ok(own.items[0].factors.length >= 1);
});
