// The access matrix: every route of /api/v1/openapi.json × every actor (anonymous and one demo
// user per role) × every kind of record the route takes (own: a customer of manager1, other: a
// customer of another team, portal: portal1's group, …), compared with the intended policy in
// access_matrix.mjs. Writes send `{}` (uploads: no body), so nothing changes; actions that an
// empty body would perform are skipped for the allowed and tried at the very end for the denied.
// Every 2xx JSON answer to a role without pii.phone is scanned for unmasked mobile numbers, and
// every 2xx answer to an outsider for staff-only fields. All failing cells are printed as one
// table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { client, monthOf, startKam } from './harness.mjs';
import {
  ACTORS, BAD, DENY, MISSING_ID, OUTSIDER_HIDDEN_FIELDS, OUTSIDER_ROLES, RECORD_SCOPE, RIGHTS,
  ROLE_OF, ROUTES, customerScope, expected,
} from './access_matrix.mjs';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const CONCURRENCY = 16;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a2dd74bf0000000049454e44ae426082', 'hex');

let kam, admin, spec;
const sessions = {};  // actor -> client (anonymous: no token)
const people = {};    // actor -> the login answer's user
let org, facts;
const globals = { action: 'consult', month: monthOf(-1) };

before(async () => {
  kam = await startKam({ groups: 40, members: 2000 });
  for (const a of ACTORS) {
    if (a === 'anonymous') { sessions[a] = client(kam.url); continue; }
    sessions[a] = await kam.login(a);
    people[a] = sessions[a].user;
  }
  admin = sessions.admin;
  const r = await client(kam.url).get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  spec = r.body;
  await resolve();
});
after(async () => { await kam?.stop(); });

// --- The routes of the description ----------------------------------------------------------
function describedRoutes() {
  const out = [];
  for (const p of Object.keys(spec.paths).sort()) {
    for (const m of METHODS) if (spec.paths[p][m]) out.push({ method: m.toUpperCase(), path: p, key: `${m.toUpperCase()} ${p}` });
  }
  return out;
}

test('every route of the OpenAPI description has an access rule, and every rule a route', () => {
  const described = describedRoutes().map((r) => r.key);
  const missing = described.filter((k) => !ROUTES[k]);
  const stale = Object.keys(ROUTES).filter((k) => !described.includes(k));
  const lines = [...missing.map((k) => `  missing rule: ${k}`), ...stale.map((k) => `  stale rule (no such route): ${k}`)];
  assert.equal(lines.length, 0, `access_matrix.mjs must say who may use every route:\n${lines.join('\n')}`);
});

// --- Resolving the records the routes are tried with ------------------------------------------
async function okGet(c, p) {
  const r = await c.get(p);
  if (r.status !== 200) throw new Error(`setup: GET ${p}: ${r.status} ${r.text.slice(0, 200)}`);
  return r.body;
}
async function all(p, max = 20) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < max; i++) {
    const sep = p.includes('?') ? '&' : '?';
    const b = await okGet(admin, p + (cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''));
    out.push(...(b.items || []));
    cursor = b.next_cursor;
    if (!cursor) break;
  }
  return out;
}
async function okPost(p, body, status = [200, 201]) {
  const r = await admin.post(p, body);
  if (!status.includes(r.status)) throw new Error(`setup: POST ${p}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

async function resolve() {
  const users = await all('/api/v1/users?limit=200');
  const teams = await all('/api/v1/teams?limit=200');
  const byName = Object.fromEntries(users.map((u) => [u.username, u]));
  const id = {}, team = {};
  for (const a of ACTORS) if (a !== 'anonymous') { id[a] = people[a].id; team[a] = people[a].team_id ?? null; }
  const led = (a) => {
    const s = new Set(teams.filter((t) => t.supervisor_id === id[a]).map((t) => t.id));
    for (let grew = true; grew;) {
      grew = false;
      for (const t of teams) if (t.parent_id != null && s.has(t.parent_id) && !s.has(t.id)) { s.add(t.id); grew = true; }
    }
    return s;
  };
  const customers = await all('/api/v1/customers?limit=200');
  const cust = Object.fromEntries(customers.map((c) => [c.id, c]));
  const portalGroup = new Set([people.portal1.customer_id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const c of customers) if (c.parent_id != null && portalGroup.has(c.parent_id) && !portalGroup.has(c.id)) { portalGroup.add(c.id); grew = true; }
  }
  org = {
    id, team, portalGroup, merchantId: people.merchant1.merchant_id,
    teams: (a) => new Set([...(team[a] != null ? [team[a]] : []), ...led(a)]),
    teamUsers: (a) => { const ts = led(a); return new Set(users.filter((u) => ts.has(u.team_id)).map((u) => u.id)); },
  };
  const m1 = id.manager1, m3 = byName.manager3.id;
  const staffSees = (a, c) => customerScope(a, c, org);
  const groupsFirst = (a, b) => (a.kind === b.kind ? a.id - b.id : a.kind === 'group' ? -1 : 1);
  const own = customers.filter((c) => c.account_manager_id === m1 && !portalGroup.has(c.id)).sort(groupsFirst);
  const other = customers.filter((c) => c.account_manager_id === m3 && !portalGroup.has(c.id) &&
    !['supervisor1', 'manager1', 'phone1'].some((a) => staffSees(a, c))).sort(groupsFirst);
  const portal = customers.filter((c) => portalGroup.has(c.id))
    .sort((a, b) => (a.id === people.portal1.customer_id ? -1 : b.id === people.portal1.customer_id ? 1 : a.id - b.id));
  assert.ok(own.length && other.length && portal.length, 'the demo has own, other and portal customers');
  const cands = { own, other, portal };
  const setOf = (l) => new Set(l.map((c) => c.id));
  const candSets = { own: setOf(own), other: setOf(other), portal: setOf(portal) };
  const flavourOf = (customerId) => Object.keys(candSets).find((f) => candSets[f].has(customerId));

  const scopeKind = { order_missing_option: 'order', queue_team: 'global', user: 'global', team: 'global',
    rule: 'global', product: 'global', tariff: 'global', sla: 'global', cdr_import: 'global',
    usage_import: 'global', churn_model: 'global', churn_job: 'global', notification: 'nobody', missing: 'nobody' };
  const rec = (kind, raw, params) => {
    const r = { ...raw, params };
    if (r.customer_id != null) { r.customer = cust[r.customer_id]; r.portal = portalGroup.has(r.customer_id); }
    if (r.customer_id != null && !r.customer) throw new Error(`setup: customer ${r.customer_id} of a ${kind} is unknown`);
    const f = RECORD_SCOPE[scopeKind[kind] || kind];
    r.visibleTo = new Set(ACTORS.filter((a) => a !== 'anonymous' && f(a, r, org)));
    return r;
  };
  const F = {};
  const put = (kind, flavour, raw, params) => { (F[kind] ||= {})[flavour] = rec(kind, raw, params); };

  // Customers and the records under them: the first candidate customer that has one.
  for (const f of Object.keys(cands)) {
    const c = cands[f][0];
    put('customer', f, { customer_id: c.id }, { id: c.id });
  }
  const child = async (kind, sub, prefer = () => true) => {
    for (const f of Object.keys(cands)) {
      let found;
      for (const c of cands[f].slice(0, 25)) {
        const items = (await okGet(admin, `/api/v1/customers/${c.id}/${sub}?limit=50&sort=id`)).items;
        found = items.find(prefer) || (f === 'own' ? undefined : items[0]);
        if (found) break;
      }
      if (found) put(kind, f, { customer_id: found.customer_id, author_id: found.user_id ?? null }, { id: found.id });
    }
  };
  await child('member', 'members');
  await child('key_person', 'key-persons');
  await child('contract', 'contracts');
  await child('need', 'needs');
  await child('contact', 'contacts', (x) => x.user_id === m1);  // own: one manager1 wrote

  // Alert tasks, care tasks, surveys, follow-ups: the first of each flavour.
  // Candidates in order (portal: portal1's own customer first), a preferred record first.
  const rank = (f, cid) => cands[f].findIndex((c) => c.id === cid);
  const pick = (items, kind, custOf, fields, prefer = () => true) => {
    for (const f of Object.keys(cands)) {
      const mine = items.filter((x) => flavourOf(custOf(x)) === f)
        .sort((a, b) => (prefer(b) - prefer(a)) || (rank(f, custOf(a)) - rank(f, custOf(b))) || (a.id - b.id));
      if (mine[0]) put(kind, f, { customer_id: custOf(mine[0]), ...fields(mine[0]) }, { id: mine[0].id });
    }
  };
  const tasks = await all('/api/v1/alert-tasks?limit=200');
  pick(tasks, 'alert_task', (t) => t.customer.id, (t) => ({ assignee_id: t.assignee?.id ?? null }),
    (t) => t.state !== 'closed' && (flavourOf(t.customer.id) !== 'own' || t.assignee?.id === m1));
  const care = await all('/api/v1/care-tasks?limit=200');
  const actorIds = new Set(Object.values(id));
  pick(care, 'care_task', (t) => t.customer_id, (t) => ({ assignee_id: t.assignee_id }),
    (t) => t.state === 'open' && ({ own: t.assignee_id === m1, other: !actorIds.has(t.assignee_id) }[flavourOf(t.customer_id)] ?? true));
  const surveys = await all('/api/v1/surveys?limit=200');
  pick(surveys, 'survey', (s) => s.customer_id, (s) => ({ team_id: s.team?.id ?? null }), (s) => s.state === 'pending');
  const followups = await all('/api/v1/surveys/followups?limit=200');
  for (const f of followups) f.team_id = (await okGet(admin, `/api/v1/surveys/${f.survey_id}`)).team?.id ?? null;
  pick(followups, 'followup', (x) => x.customer_id, (x) => ({ assignee_id: x.assignee?.id ?? null, team_id: x.team_id }),
    (x) => x.state === 'open');

  // Handovers: none in the demo; the admin starts one per flavour and cancels it, so that
  // complete and cancel can only answer 409 to those allowed.
  const handTo = { own: byName.manager2.id, other: byName.manager4.id };
  for (const f of ['own', 'other']) {
    const c = cands[f].find((x) => x.account_manager_id !== handTo[f]);
    const h = await okPost(`/api/v1/customers/${c.id}/handovers`, { role: 'account_manager', to_user_id: handTo[f], reason: 'access matrix' });
    await okPost(`/api/v1/handovers/${h.id}/cancel`, {});
    put('handover', f, { customer_id: c.id, from_user_id: h.from_user_id, to_user_id: h.to_user_id },
        { id: h.id, item_id: h.items?.[0]?.id ?? MISSING_ID });
  }

  // Orders: with an option, and a confirmation document uploaded by the admin when the
  // order's state takes one.
  const orders = await all('/api/v1/orders?limit=200');
  for (const f of ['own', 'other', 'portal']) {
    const mine = orders.filter((o) => flavourOf(o.customer_id) === f);
    const o = mine.find((x) => ['confirmation', 'construction'].includes(x.state)) || mine[0];
    if (!o) continue;
    const detail = await okGet(admin, `/api/v1/orders/${o.id}`);
    let documentId = detail.documents?.[0]?.id;
    if (!documentId && ['confirmation', 'construction'].includes(o.state)) {
      const res = await fetch(`${kam.url}/api/v1/orders/${o.id}/documents?file_name=matrix.png`, {
        method: 'POST', body: PNG, headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/octet-stream' } });
      const b = await res.json().catch(() => null);
      if (res.status === 201) documentId = b.id;
    }
    const raw = { customer_id: o.customer_id, owner_id: o.owner_id, step_owner_id: o.step_owner_id ?? null, state: o.state };
    put('order', f, raw, { id: o.id, option_id: detail.options?.[0]?.id ?? MISSING_ID, document_id: documentId ?? MISSING_ID, action: globals.action });
    put('order_missing_option', f, raw, { id: o.id, option_id: MISSING_ID });
  }

  // Work orders: own and portal from the demo; other (another team's queue) and a merchant's
  // opened by the admin.
  const wos = await all('/api/v1/work-orders?limit=200');
  const woRaw = (w) => ({ customer_id: w.customer_id, assignee_id: w.assignee?.id ?? null, created_by: w.created_by?.id ?? null,
    escalated_to: w.escalated_to?.id ?? null, team_id: w.team?.id ?? null, merchant_id: w.merchant_id ?? null });
  for (const f of ['own', 'portal']) {
    const mine = wos.filter((w) => flavourOf(w.customer_id) === f && !w.merchant_id);
    const w = mine.find((x) => !['closed', 'merged'].includes(x.state)) || mine[0];
    if (w) put('work_order', f, woRaw(w), { id: w.id });
  }
  const otherTeam = byName.manager3.team_id;  // not manager1's, not led by supervisor1
  assert.ok(!org.teams('supervisor1').has(otherTeam) && otherTeam !== team.manager1);
  const w1 = await okPost('/api/v1/work-orders', { type: 'consultation', title: '访问矩阵：另一团队的工单', customer_id: cands.other[0].id, team_id: otherTeam });
  put('work_order', 'other', woRaw(w1), { id: w1.id });
  const w2 = await okPost('/api/v1/work-orders', { type: 'complaint', title: '访问矩阵：商户的工单', customer_id: cands.other[0].id, team_id: otherTeam, merchant_id: org.merchantId });
  put('work_order', 'merchant', woRaw(w2), { id: w2.id });

  // Knowledge: one article per visibility.
  for (const a of await all('/api/v1/knowledge?limit=200')) {
    if (a.status === 'published' && !F.article?.[a.visibility]) put('article', a.visibility, { visibility: a.visibility, roles: a.roles || [] }, { id: a.id });
  }
  // Records not owned by customers: one each (the right alone decides).
  const first = async (p) => (await okGet(admin, p)).items?.[0];
  put('user', 'any', {}, { id: byName.manager3.id });
  put('team', 'any', {}, { id: byName.manager3.team_id });
  for (const [f, t] of [['team1', team.supervisor1], ['team5', team.agent1], ['team2', byName.manager3.team_id]]) {
    if (t != null) put('queue_team', f, {}, { id: t });
  }
  put('rule', 'any', {}, { id: (await first('/api/v1/alert-rules')).id });
  put('product', 'any', {}, { id: (await first('/api/v1/products?limit=1')).id, version: 1 });
  put('tariff', 'any', {}, { id: (await first('/api/v1/tariff-packages?limit=1')).id });
  const sla = (await okGet(admin, '/api/v1/sla-policies')).items;
  put('sla', 'any', {}, { id: (sla.find((p) => p.type !== '*') || sla[0]).id });
  for (const [kind, p] of [['cdr_import', '/api/v1/cdr/imports'], ['usage_import', '/api/v1/usage/imports'],
                           ['churn_model', '/api/v1/churn/models'], ['churn_job', '/api/v1/churn/jobs']]) {
    const x = await first(p);
    if (x) put(kind, 'any', {}, { id: x.id });
    else F[kind] = { missing: rec('missing', {}, { id: MISSING_ID }) };  // none stored: the allowed get 404
  }
  // Another user's notification (supervisor2's): nobody here may mark it read.
  const sup2 = await kam.login('supervisor2');
  const note = (await okGet(sup2, '/api/v1/notifications')).items?.[0];
  put('notification', 'another_user', {}, { id: note ? note.id : MISSING_ID });
  put('missing', 'missing', {}, { id: MISSING_ID });
  facts = F;
}

// --- Running the cells ------------------------------------------------------------------------
const MOBILE = /\b1[3-9]\d{9}\b/g;
const statusMatches = (exp, got) =>
  exp === BAD ? [400, 409, 422].includes(got) : exp === DENY ? [403, 404].includes(got) : exp === got;
const show = (exp) => (exp === BAD ? '400|409|422' : exp === DENY ? '403|404' : String(exp));
const SEES_PHONE = (role) => RIGHTS['pii.phone'].includes(role);

function walk(v, path, visit) {
  visit(v, path);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, visit));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, visit);
}

/** What is wrong with a 2xx JSON body for this actor: unmasked numbers, outsider fields. */
function bodyProblems(body, c, entry) {
  const out = [];
  if (!SEES_PHONE(c.role)) {
    const own = people[c.actor]?.phone;  // an actor's own number (their profile) is not a leak
    walk(body, '', (v, p) => {
      const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
      if (s === null) return;
      for (const m of s.match(MOBILE) || []) if (m !== own) out.push(`unmasked ${m} at ${p || '(body)'}`);
    });
  }
  if (OUTSIDER_ROLES.has(c.role)) {
    walk(body, '', (v, p) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return;
      for (const k of Object.keys(v)) {
        // A knowledge search's `score` is its relevance, not a customer's score.
        if (k === 'score' && entry.relevance) continue;
        if (OUTSIDER_HIDDEN_FIELDS.includes(k)) out.push(`field ${p ? p + '.' : ''}${k}`);
      }
    });
  }
  const extra = entry.check?.(body, c);
  if (extra) out.push(extra);
  return out;
}

function fill(template, rec) {
  return template.replace(/\{(\w+)\}/g, (_, k) => {
    const v = rec?.params?.[k] ?? globals[k];
    if (v === undefined) throw new Error(`no value for {${k}} in ${template}`);
    return encodeURIComponent(v);
  });
}

function buildCells() {
  const cells = [], skipped = [];
  describedRoutes().forEach((route, ri) => {
    const entry = ROUTES[route.key];
    if (!entry) return;  // reported by the first test
    let flavours = [[null, null]];
    if (entry.kind) {
      const byFlavour = facts[entry.kind];
      if (!byFlavour) throw new Error(`no records of kind ${entry.kind} for ${route.key}`);
      flavours = Object.entries(byFlavour).filter(([f]) => !entry.flavours || entry.flavours.includes(f));
    }
    for (const [flavour, rec] of flavours) {
      ACTORS.forEach((actor, ai) => {
        const role = ROLE_OF[actor];
        const c = { actor, role, uid: org.id[actor], rec, org };
        const exp = expected(entry, c);
        const cell = { route, entry, actor, flavour: flavour || '-', rec, c, exp, order: [ri, ai, flavour || ''] };
        if (exp && typeof exp === 'object') { skipped.push({ ...cell, reason: exp.skip }); return; }
        const denied = [401, 403, 404, DENY].includes(exp);
        cell.late = !!(entry.late || (entry.action && denied));
        cells.push(cell);
      });
    }
  });
  return { cells, skipped };
}

async function runCell(cell) {
  const { route, entry, actor, rec } = cell;
  let session = sessions[actor];
  if (entry.session === 'throwaway' && actor !== 'anonymous') session = await kam.login(actor);
  const path = fill(route.path, rec) + (entry.query ? fill(entry.query, rec) : '');
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method) && !entry.upload;
  const r = await session.raw(route.method, path, hasBody ? {} : undefined);
  const fail = (got, detail = '') => ({ ...cell, path, got, detail });
  if (!statusMatches(cell.exp, r.status)) {
    const e = r.body?.error;
    return fail(String(r.status), e ? `${e.code}${e.field ? ' ' + e.field : ''}: ${e.message}` : r.text.slice(0, 80));
  }
  if (r.status >= 200 && r.status < 300 && entry.scan !== false && (r.headers.get('content-type') || '').includes('json')) {
    const problems = bodyProblems(r.body, cell.c, entry);
    if (problems.length) return fail(`${r.status} but`, problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (+${problems.length - 3})` : ''));
  }
  return null;
}

async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]); }
  }));
  return out;
}

const cmp = (a, b) => {
  for (let i = 0; i < a.order.length; i++) if (a.order[i] !== b.order[i]) return a.order[i] < b.order[i] ? -1 : 1;
  return 0;
};

function table(rows) {
  const head = ['method', 'route', 'actor', 'flavour', 'expected', 'got', 'detail'];
  const data = rows.map((f) => [f.route.method, f.route.path, f.actor, f.flavour, show(f.exp), f.got, (f.detail || '').slice(0, 90)]);
  const w = head.map((h, i) => Math.max(h.length, ...data.map((d) => String(d[i]).length)));
  const line = (d) => d.map((x, i) => String(x).padEnd(w[i])).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...data.map(line)].join('\n');
}

test('access matrix: every route × actor × record flavour answers as the policy says', async () => {
  const t0 = Date.now();
  const { cells, skipped } = buildCells();
  const normal = cells.filter((c) => !c.late).sort(cmp);
  const late = cells.filter((c) => c.late).sort(cmp);
  const failures = (await pool(normal, CONCURRENCY, runCell)).filter(Boolean);
  for (const c of late) { const f = await runCell(c); if (f) failures.push(f); }  // in order, at the very end
  failures.sort(cmp);
  if (process.env.KAM_MATRIX_JSON) {  // the failing cells as JSON, for tools
    writeFileSync(process.env.KAM_MATRIX_JSON, JSON.stringify(failures.map((f) => ({ method: f.route.method,
      route: f.route.path, actor: f.actor, flavour: f.flavour, expected: show(f.exp), got: f.got, detail: f.detail, path: f.path })), null, 1));
  }
  const routes = new Set(cells.map((c) => c.route.key)).size;
  console.log(`access matrix: ${routes} routes, ${cells.length} cells run (${late.length} at the end), ` +
              `${skipped.length} skipped, ${failures.length} failing, ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  if (process.env.KAM_MATRIX_VERBOSE) {
    const reasons = [...new Set(skipped.map((s) => `${s.route.key}: ${s.reason}`))];
    console.log('skipped (the allowed would act on an empty body):\n  ' + reasons.join('\n  '));
  }
  const records = Object.entries(facts).map(([k, fl]) =>
    `${k} ${Object.entries(fl).map(([f, r]) => `${f}=${Object.values(r.params).join('/')}`).join(' ')}`).join('; ');
  assert.equal(failures.length, 0, `${failures.length} cells differ from access_matrix.mjs ` +
    `(records tried: ${records}):\n${table(failures)}`);
});
