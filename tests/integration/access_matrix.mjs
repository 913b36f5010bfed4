// The access matrix's expectation table: for every route of /api/v1/openapi.json, who may use
// it. This is the INTENDED policy, written down apart from the server so that a change in the
// server cannot quietly change it: access_matrix.test.mjs tries every route with every actor
// and every kind of record and compares. A route missing here fails the test (a new route must
// say who may use it); an entry for a route that is gone fails it too.
//
// Outcomes: 200/201/204 allowed (reads), 'bad' = 400|409|422 (an allowed write sent the empty
// body `{}`: a field or state error, never a change), 401 anonymous, 403 a role without the
// right, 404 a record outside the actor's scope, 'deny' = 403|404 (outsiders: either is fine).
// Checks happen in that order: sign-in, right, scope, record-level rule (author, assignee…),
// body.

export const ACTORS = ['anonymous', 'admin', 'supervisor1', 'manager1', 'phone1', 'agent1',
                       'analyst1', 'merchant1', 'portal1'];
export const ROLE_OF = {
  anonymous: null, admin: 'admin', supervisor1: 'supervisor', manager1: 'account_manager',
  phone1: 'phone_manager', agent1: 'service_agent', analyst1: 'analyst',
  merchant1: 'merchant_staff', portal1: 'portal_user',
};
export const OUTSIDER_ROLES = new Set(['merchant_staff', 'portal_user']);
export const BAD = 'bad';    // 400, 409 or 422
export const DENY = 'deny';  // 403 or 404 (outsiders)
export const MISSING_ID = 987654321;

// --- Rights per role (src/domain/roles.cc as intended) ------------------------------------
const STAFF = ['admin', 'supervisor', 'account_manager', 'phone_manager', 'service_agent', 'analyst'];
const DESK = ['admin', 'supervisor', 'account_manager', 'phone_manager', 'service_agent'];
const SUP = ['admin', 'supervisor'];
const OWNERS = ['admin', 'supervisor', 'account_manager'];
const ADMIN = ['admin'];
const ADMIN_ANALYST = ['admin', 'analyst'];
export const RIGHTS = {
  'workorder.create': [...DESK, 'merchant_staff', 'portal_user'],
  'workorder.work': DESK,
  'workorder.manage': SUP,
  'sla.manage': ADMIN,  // SLA policies and routing: the admin's
  'survey.work': DESK,
  'satisfaction.read': STAFF,
  'knowledge.write': ['admin', 'supervisor', 'service_agent', 'analyst'],
  'archive.read': STAFF,
  'archive.write': OWNERS,
  'customer.create': OWNERS,
  'customer.delete': ADMIN,
  'contact.write': DESK,
  'handover': SUP,
  'users.manage': ADMIN,
  'audit.read': SUP,
  'pii.phone': DESK,
  'pii.id_number': ADMIN,
  'usage.import': ADMIN_ANALYST,
  'value.configure': ADMIN_ANALYST,
  'analysis.read': ['admin', 'analyst', 'supervisor', 'account_manager', 'phone_manager'],
  'churn.manage': ['admin', 'analyst', 'supervisor'],
  'care.work': ['admin', 'supervisor', 'account_manager', 'phone_manager'],
  'care.manage': SUP,
  'tariff.manage': ADMIN_ANALYST,
  'product.manage': ADMIN_ANALYST,
  'order.write': OWNERS,
  'order.approve': SUP,
  'order.configure': ADMIN,
  'directory.read': STAFF,
  'alert.rules': ADMIN_ANALYST,  // alert rules and zone thresholds: admins and analysts change them
};

/** Whether `role` holds `perm`: a right's name, {any: [names]} or {roles: [roles]}. */
export function holds(role, perm) {
  if (!perm) return true;
  if (typeof perm === 'string') {
    if (!RIGHTS[perm]) throw new Error(`unknown right ${perm}`);
    return RIGHTS[perm].includes(role);
  }
  if (perm.any) return perm.any.some((p) => holds(role, p));
  if (perm.roles) return perm.roles.includes(role);
  throw new Error('bad perm ' + JSON.stringify(perm));
}
const any = (...perms) => ({ any: perms });
const roles = (...rs) => ({ roles: rs });
const readOrders = any('order.write', 'order.approve', 'analysis.read');

// --- Scope (which records an actor sees) ---------------------------------------------------
// `org` (built by the test from the admin's view): id[actor], team[actor] (own team id),
// teams(actor) (own team + teams led, with the teams below them), teamUsers(actor) (user ids in
// the teams an actor leads), merchantId (merchant1's merchant).

/** Customer scope: admin, analyst and service agent all; a supervisor the customers of their
 * teams' managers; account and phone managers their own; outsiders no staff view at all. */
export function customerScope(actor, cust, org) {
  const role = ROLE_OF[actor];
  if (['admin', 'analyst', 'service_agent'].includes(role)) return true;
  const me = org.id[actor];
  if (role === 'account_manager' || role === 'phone_manager')
    return cust.account_manager_id === me || cust.phone_manager_id === me;
  if (role === 'supervisor') {
    const team = org.teamUsers(actor);
    return cust.account_manager_id === me || team.has(cust.account_manager_id) ||
           team.has(cust.phone_manager_id);
  }
  return false;
}

const staffOnly = (f) => (actor, r, org) => !OUTSIDER_ROLES.has(ROLE_OF[actor]) && f(actor, r, org);
const inPortalGroup = (actor, r) => actor === 'portal1' && r.portal;
const byCustomer = (actor, r, org) =>
  staffOnly((a) => customerScope(a, r.customer, org))(actor, r, org) || inPortalGroup(actor, r);
const isMe = (actor, id, org) => id != null && id === org.id[actor];

/** Per kind of record: does `actor` see record `r`? (Outsiders: what is made for them.) */
export const RECORD_SCOPE = {
  customer: byCustomer,
  member: byCustomer,
  key_person: byCustomer,
  contract: byCustomer,
  need: byCustomer,
  contact: byCustomer,
  alert_task: byCustomer,
  care_task: (a, r, org) => byCustomer(a, r, org) || staffOnly(() => isMe(a, r.assignee_id, org))(a, r, org),
  // The incoming manager sees a handover before the customer becomes theirs.
  handover: (a, r, org) => byCustomer(a, r, org) || staffOnly(() => isMe(a, r.to_user_id, org))(a, r, org),
  order: (a, r, org) => byCustomer(a, r, org) ||
    staffOnly(() => isMe(a, r.owner_id, org) || isMe(a, r.step_owner_id, org))(a, r, org),
  // Work orders: the staff's own (assigned, opened, escalated to them), their teams' queues
  // and, except for the hotline's agents, their customers'; the portal its group's; a merchant
  // the ones it filed.
  work_order: (a, r, org) => {
    const role = ROLE_OF[a];
    if (role === 'portal_user') return r.portal;
    if (role === 'merchant_staff') return r.merchant_id != null && r.merchant_id === org.merchantId;
    if (role === 'admin' || role === 'analyst') return true;
    if (isMe(a, r.assignee_id, org) || isMe(a, r.created_by, org) || isMe(a, r.escalated_to, org)) return true;
    if (r.team_id != null && org.teams(a).has(r.team_id)) return true;
    return role !== 'service_agent' && customerScope(a, r.customer, org);
  },
  survey: staffOnly((a, r, org) => customerScope(a, r.customer, org) ||
    (r.team_id != null && org.teams(a).has(r.team_id))),
  followup: staffOnly((a, r, org) => isMe(a, r.assignee_id, org) || customerScope(a, r.customer, org) ||
    (r.team_id != null && org.teams(a).has(r.team_id))),
  // Knowledge: outsiders public articles only; staff public and internal, restricted ones when
  // their role is named (the admin sees all).
  article: (a, r) => {
    const role = ROLE_OF[a];
    if (OUTSIDER_ROLES.has(role)) return r.visibility === 'public';
    if (role === 'admin' || r.visibility !== 'restricted') return true;
    return r.roles.includes(role);
  },
  global: staffOnly(() => true),  // users, teams, rules, products…: the right decides
  nobody: () => false,            // a non-existent id, another user's notification
};

// --- Route rules ------------------------------------------------------------------------------
// An entry: { perm, kind, flavours, write, ok, outsiders, who, action, late, query, upload,
// session, public, check, scan }.
//   kind       what {id} (and the other path parameters) is; flavours restricts which of the
//              resolved records are tried (own, other, portal, merchant, …)
//   outsiders  {portal_user|merchant_staff: 'all' | 'record'}: the only routes outsiders use;
//              'record': only records made for them (their group's, their work orders, public
//              articles). Everything else is DENY for them.
//   who        a record-level rule after scope (author, assignee…): answers a status or nothing
//   action     the route would act on an empty body: allowed cells are skipped (the reason),
//              denied cells run at the very end
//   late       run after every other cell (state-changing actions)
//   check      (body, c) => a problem with a 2xx answer, or nothing
//   scan       false: the masking and outsider-field scans do not apply (no customer data)
const ALL_OUT = { portal_user: 'all', merchant_staff: 'all' };
const PORTAL_REC = { portal_user: 'record' };
const OUT_REC = { portal_user: 'record', merchant_staff: 'record' };

const read = (perm, o = {}) => ({ perm, ...o });
const write = (perm, o = {}) => ({ perm, write: true, ...o });
const act = (perm, why, o = {}) => ({ perm, write: true, action: why, ...o });
const del = (perm, o = {}) => ({ perm, write: true, kind: 'missing', ...o });  // non-existent id: 404 to the allowed
const self = (status, o = {}) => ({ perm: null, outsiders: ALL_OUT, ok: status, ...o });
const on = (kind, o = {}) => ({ kind, ...o });
const C = { kind: 'customer' };

// Record-level rules.
const isSupRole = (c) => c.role === 'admin' || c.role === 'supervisor';
// Contact records: only the author, a supervisor or an admin changes one.
const authorOrSup = (c) => (isSupRole(c) || c.rec.author_id === c.uid ? undefined : 403);
// Alert tasks: the assignee works a task; supervisors any in scope; a team task (no assignee)
// account and phone managers.
const alertWorker = (c) => (isSupRole(c) || c.rec.assignee_id === c.uid ||
  (c.rec.assignee_id == null && ['account_manager', 'phone_manager'].includes(c.role)) ? undefined : 403);
// Handover checklists: the managers concerned, supervisors and admins.
const handoverParty = (c) => (holds(c.role, 'handover') || c.rec.from_user_id === c.uid ||
  c.rec.to_user_id === c.uid ? undefined : 403);
// Work orders (after scope): who may do what beyond the state machine.
const woInTeam = (c) => c.rec.team_id != null && c.uid != null && c.org.team[c.actor] === c.rec.team_id;
const woOwn = (c) => c.rec.assignee_id != null && c.rec.assignee_id === c.uid;
const woManage = (c) => holds(c.role, 'workorder.manage') &&
  (c.role === 'admin' || c.rec.team_id == null || c.org.teams(c.actor).has(c.rec.team_id));
const woTake = (c) => (c.role === 'service_agent' && !woInTeam(c) && !woOwn(c) ? 403 : undefined);
const woAssign = (c) => (woManage(c) ? undefined : 403);
const woClose = (c) => (woOwn(c) || woManage(c) || woInTeam(c) ? undefined : 403);
// A team's queue: the own team's, or a team one leads.
const ownQueue = (c) => (c.role === 'admin' || c.org.teams(c.actor).has(c.rec.params.id) ? undefined : 403);
// An order option that does not exist: 404, unless the order is no longer in design (409).
const missingOption = (c) => (c.rec.state === 'design' ? 404 : 409);
// No document could be uploaded for the resolved order: the download answers 404.
const documentExists = (c) => (c.rec.params.document_id === MISSING_ID ? 404 : undefined);

// Body checks on 2xx answers (masking and outsider fields are checked for every cell).
const mePermissions = (body, c) => {
  const want = Object.keys(RIGHTS).filter((p) => RIGHTS[p].includes(c.role)).sort();
  const got = [...(body?.permissions || [])].sort();
  const extra = got.filter((p) => !want.includes(p)), lacking = want.filter((p) => !got.includes(p));
  if (extra.length || lacking.length) return `permissions: extra [${extra}] missing [${lacking}]`;
};
const onlyPublicArticles = (body, c) => {
  if (!OUTSIDER_ROLES.has(c.role)) return;
  const bad = (body?.items || []).filter((a) => a.visibility !== undefined && a.visibility !== 'public');
  if (bad.length) return `non-public articles ${bad.map((a) => a.id)}`;
};
const onlyOwnGroup = (body, c) => {
  if (c.role !== 'portal_user') return;
  const bad = (body?.items || []).filter((x) => !c.org.portalGroup.has(x.customer_id ?? x.id));
  if (bad.length) return `records outside the portal group: ${bad.map((x) => x.id).slice(0, 5)}`;
};
const onlyOwnWorkOrders = (body, c) => {
  if (c.role === 'portal_user') return onlyOwnGroup(body, c);
  if (c.role !== 'merchant_staff') return;
  const bad = (body?.items || []).filter((x) => x.merchant_id !== c.org.merchantId);
  if (bad.length) return `work orders of another merchant: ${bad.map((x) => x.id).slice(0, 5)}`;
};

export const ROUTES = {
  // --- Sign-in, the signed-in user, the description ---------------------------------------
  'POST /api/v1/auth/login': { public: 400 },  // `{}` names the missing username
  'POST /api/v1/auth/logout': self(204, { session: 'throwaway', late: true }),
  'GET /api/v1/auth/me': self(200, { check: mePermissions }),
  'POST /api/v1/auth/password': self(BAD, { write: true }),
  'GET /api/v1/openapi.json': { public: 200, scan: false },  // the description: schema names, no data

  // --- Administration: the staff directory, regions, audit --------------------------------
  'GET /api/v1/users': read('directory.read'),
  'POST /api/v1/users': write('users.manage'),
  'GET /api/v1/users/{id}': read('directory.read', on('user')),
  'PATCH /api/v1/users/{id}': write('users.manage', on('user')),
  'GET /api/v1/teams': read('directory.read'),
  'POST /api/v1/teams': write('users.manage'),
  'GET /api/v1/teams/{id}': read('directory.read', on('team')),
  'PATCH /api/v1/teams/{id}': write('users.manage', on('team')),
  'DELETE /api/v1/teams/{id}': del('users.manage'),
  'GET /api/v1/regions': read('archive.read'),
  'GET /api/v1/audit': read('audit.read'),

  // --- The customer archive ----------------------------------------------------------------
  'GET /api/v1/customers': read('archive.read', { outsiders: PORTAL_REC, check: onlyOwnGroup }),
  'POST /api/v1/customers': write('customer.create'),
  'GET /api/v1/customers/{id}': read('archive.read', { ...C, outsiders: PORTAL_REC }),
  'PATCH /api/v1/customers/{id}': write('archive.write', C),
  'DELETE /api/v1/customers/{id}': del('customer.delete'),
  'GET /api/v1/customers/{id}/assignments': read('archive.read', C),
  'GET /api/v1/customers/{id}/hierarchy': read('archive.read', C),
  'GET /api/v1/customers/{id}/overview': read('archive.read', C),
  'GET /api/v1/customers/{id}/members': read('archive.read', { ...C, outsiders: PORTAL_REC }),
  'POST /api/v1/customers/{id}/members': write('archive.write', C),
  'GET /api/v1/customers/{id}/contracts': read('archive.read', { ...C, outsiders: PORTAL_REC }),
  'POST /api/v1/customers/{id}/contracts': write('archive.write', C),
  'GET /api/v1/customers/{id}/key-persons': read('archive.read', C),
  'POST /api/v1/customers/{id}/key-persons': write('archive.write', C),
  'GET /api/v1/customers/{id}/needs': read('archive.read', C),
  'POST /api/v1/customers/{id}/needs': write('archive.write', C),
  'GET /api/v1/customers/{id}/contacts': read('archive.read', C),
  'POST /api/v1/customers/{id}/contacts': write('contact.write', C),
  'POST /api/v1/customers/{id}/handovers': write('handover', C),
  'GET /api/v1/customers/{id}/usage': read('archive.read', C),
  'GET /api/v1/customers/{id}/value': read('archive.read', C),
  'GET /api/v1/customers/{id}/zones': read('archive.read', C),
  'GET /api/v1/customers/{id}/churn': read('analysis.read', C),
  'GET /api/v1/members/{id}': read('archive.read', on('member', { outsiders: PORTAL_REC })),
  'PATCH /api/v1/members/{id}': write('archive.write', on('member')),
  'DELETE /api/v1/members/{id}': del('archive.write'),
  'GET /api/v1/members/{id}/usage': read('archive.read', on('member')),
  'GET /api/v1/contracts/{id}': read('archive.read', on('contract', { outsiders: PORTAL_REC })),
  'PATCH /api/v1/contracts/{id}': write('archive.write', on('contract')),
  'DELETE /api/v1/contracts/{id}': del('archive.write'),
  'GET /api/v1/key-persons/{id}': read('archive.read', on('key_person')),
  'PATCH /api/v1/key-persons/{id}': write('archive.write', on('key_person')),
  'DELETE /api/v1/key-persons/{id}': del('archive.write'),
  'GET /api/v1/needs/{id}': read('archive.read', on('need')),
  'PATCH /api/v1/needs/{id}': write('archive.write', on('need')),
  'DELETE /api/v1/needs/{id}': del('archive.write'),
  'GET /api/v1/contacts': read('archive.read'),
  'GET /api/v1/contacts/{id}': read('archive.read', on('contact')),
  'PATCH /api/v1/contacts/{id}': write('contact.write', on('contact', { who: authorOrSup })),
  'DELETE /api/v1/contacts/{id}': del('contact.write'),
  'GET /api/v1/handovers': read('archive.read'),
  'GET /api/v1/handovers/{id}': read('archive.read', on('handover')),
  // The resolved handovers are cancelled ones: complete and cancel answer 409 to the allowed.
  'PATCH /api/v1/handovers/{id}/items/{item_id}': write(null, on('handover', { who: handoverParty })),
  'POST /api/v1/handovers/{id}/complete': write('handover', on('handover', { late: true })),
  'POST /api/v1/handovers/{id}/cancel': write('handover', on('handover', { late: true })),

  // --- Views ---------------------------------------------------------------------------------
  'GET /api/v1/workbench': read('archive.read'),
  'GET /api/v1/workbench/items': read('archive.read'),

  // --- Alerts: rules (admins and analysts change them; supervisors read and preview), tasks,
  // zones, the engine, notifications -------------------------------------------------------
  'GET /api/v1/alert-rules': read('archive.read'),
  'POST /api/v1/alert-rules': write('alert.rules'),
  'GET /api/v1/alert-rules/fields': read('archive.read'),
  'POST /api/v1/alert-rules/preview': write(roles('admin', 'analyst', 'supervisor')),
  'GET /api/v1/alert-rules/{id}': read('archive.read', on('rule')),
  'PATCH /api/v1/alert-rules/{id}': write('alert.rules', on('rule')),
  'DELETE /api/v1/alert-rules/{id}': del('alert.rules'),
  'GET /api/v1/alert-rules/{id}/versions': read('archive.read', on('rule')),
  'GET /api/v1/alert-tasks': read('archive.read'),
  'GET /api/v1/alert-tasks/summary': read('archive.read'),
  'GET /api/v1/alert-tasks/{id}': read('archive.read', on('alert_task')),
  'POST /api/v1/alert-tasks/{id}/accept': write('archive.read', on('alert_task', { who: alertWorker, late: true })),
  'POST /api/v1/alert-tasks/{id}/contact': write('archive.read', on('alert_task', { who: alertWorker, late: true })),
  'POST /api/v1/alert-tasks/{id}/close': write('archive.read', on('alert_task', { who: alertWorker, late: true })),
  'POST /api/v1/alert-tasks/{id}/reassign': write(roles('admin', 'supervisor'), on('alert_task', { late: true })),
  'POST /api/v1/alert-tasks/{id}/reopen': write(roles('admin', 'supervisor'), on('alert_task', { late: true })),
  'GET /api/v1/zones': read('archive.read'),
  'GET /api/v1/zones/config': read('archive.read'),
  'PUT /api/v1/zones/config': write('alert.rules'),
  'GET /api/v1/zones/transitions': read('archive.read'),
  'GET /api/v1/engine/runs': read('archive.read'),
  'POST /api/v1/engine/runs': act(roles('admin', 'supervisor', 'analyst'), 'an empty body runs the warning engine'),
  // Notifications are each user's own (outsiders will be told about their work orders).
  'GET /api/v1/notifications': read(null, { outsiders: ALL_OUT }),
  'POST /api/v1/notifications/read-all': self(200),  // marks the actor's own read: harmless
  'POST /api/v1/notifications/{id}/read': write('archive.read', on('notification', { late: true })),

  // --- Care, tariffs, family plans -------------------------------------------------------------
  'GET /api/v1/care-tasks': read(any('care.work', 'care.manage')),
  'GET /api/v1/care-tasks/config': read(any('care.work', 'care.manage')),
  'PUT /api/v1/care-tasks/config': write('care.manage'),
  'POST /api/v1/care-tasks/generate': act('care.manage', 'an empty body generates the care tasks due today'),
  'GET /api/v1/care-tasks/{id}': read(any('care.work', 'care.manage'), on('care_task')),
  'PATCH /api/v1/care-tasks/{id}': write('care.work', on('care_task')),
  'GET /api/v1/holidays': read('archive.read'),
  'GET /api/v1/tariff-packages': read('archive.read'),
  'POST /api/v1/tariff-packages': write('tariff.manage'),
  'GET /api/v1/tariff-packages/{id}': read('archive.read', on('tariff')),
  'PATCH /api/v1/tariff-packages/{id}': write('tariff.manage', on('tariff')),
  'DELETE /api/v1/tariff-packages/{id}': del('tariff.manage'),
  'GET /api/v1/tariffs/advice': read('archive.read', { ...C, query: '?customer_id={id}' }),
  'GET /api/v1/cdr/imports': read('usage.import'),
  'POST /api/v1/cdr/imports': write('usage.import', { upload: true }),
  'GET /api/v1/cdr/imports/{id}': read('usage.import', on('cdr_import')),
  'GET /api/v1/cdr/months': read('analysis.read'),
  'GET /api/v1/family-plan/candidates': read('analysis.read', { ...C, query: '?customer_id={id}' }),

  // --- Churn -----------------------------------------------------------------------------------
  'GET /api/v1/churn/models': read('analysis.read'),
  'POST /api/v1/churn/models': write('churn.manage', { upload: true, query: '?label=churned' }),
  'POST /api/v1/churn/models/history': act('churn.manage', 'an empty body queues a training job'),
  'GET /api/v1/churn/models/{id}': read('analysis.read', on('churn_model')),
  'POST /api/v1/churn/models/{id}/activate': write('churn.manage', on('churn_model', { late: true })),
  'GET /api/v1/churn/jobs': read('churn.manage'),
  'GET /api/v1/churn/jobs/{id}': read('churn.manage', on('churn_job')),
  'GET /api/v1/churn/scores': read('analysis.read'),
  'POST /api/v1/churn/scores': write('churn.manage', { upload: true, query: '?month={month}' }),
  // Scoring the whole month needs a role that sees every customer (not the supervisor).
  'POST /api/v1/churn/scores/run': act(roles('admin', 'analyst'), 'scores every customer of the month'),

  // --- Usage, value, analysis ------------------------------------------------------------------
  'GET /api/v1/usage/periods': read(any('analysis.read', 'usage.import')),
  'GET /api/v1/usage/imports': read('usage.import'),
  'POST /api/v1/usage/imports': write('usage.import', { upload: true }),
  'GET /api/v1/usage/imports/{id}': read('usage.import', on('usage_import')),
  'GET /api/v1/value/config': read('analysis.read'),
  'PUT /api/v1/value/config': write('value.configure'),
  'POST /api/v1/value/runs': act('usage.import', 'an empty body recomputes every stored month'),
  'GET /api/v1/analysis/summary': read('analysis.read'),
  'GET /api/v1/analysis/pareto': read('analysis.read'),
  'GET /api/v1/analysis/trend': read('analysis.read'),
  'GET /api/v1/analysis/compare': read('analysis.read', { query: '?dimension=manager' }),
  'GET /api/v1/analysis/matrix': read('analysis.read'),
  'GET /api/v1/analysis/customers': read('analysis.read'),
  'GET /api/v1/analysis/export.xlsx': read('analysis.read'),

  // --- The service desk: work orders (outsiders: their own), SLA (the admin's), surveys -----
  'GET /api/v1/work-orders': read(null, { outsiders: ALL_OUT, check: onlyOwnWorkOrders }),
  'POST /api/v1/work-orders': write('workorder.create', { outsiders: ALL_OUT }),
  'GET /api/v1/work-orders/queue': read('workorder.work', on('queue_team', { query: '?team_id={id}', who: ownQueue })),
  'GET /api/v1/work-orders/config': read(any('workorder.work', 'sla.manage')),
  'PUT /api/v1/work-orders/config': write('sla.manage'),  // routing: the admin's
  'GET /api/v1/work-orders/{id}': read(null, on('work_order', { outsiders: OUT_REC })),
  'GET /api/v1/work-orders/{id}/suggestions': read(null, on('work_order')),
  'POST /api/v1/work-orders/{id}/accept': write('workorder.work', on('work_order', { late: true })),
  'POST /api/v1/work-orders/{id}/assign': write('workorder.work', on('work_order', { who: woAssign, late: true })),
  'POST /api/v1/work-orders/{id}/close': write('workorder.work', on('work_order', { who: woClose, late: true })),
  // Who filed a work order may comment on it and reopen it (the opener's actions).
  'POST /api/v1/work-orders/{id}/comment': write('workorder.create', on('work_order', { outsiders: OUT_REC, late: true })),
  'POST /api/v1/work-orders/{id}/merge': write('workorder.work', on('work_order', { late: true })),
  'POST /api/v1/work-orders/{id}/reopen': write('workorder.create', on('work_order', { outsiders: OUT_REC, late: true })),
  'POST /api/v1/work-orders/{id}/resolve': write('workorder.work', on('work_order', { late: true })),
  'POST /api/v1/work-orders/{id}/resume': write('workorder.work', on('work_order', { late: true })),
  'POST /api/v1/work-orders/{id}/start': write('workorder.work', on('work_order', { late: true })),
  'POST /api/v1/work-orders/{id}/take': write('workorder.work', on('work_order', { who: woTake, late: true })),
  'POST /api/v1/work-orders/{id}/transfer': write('workorder.work', on('work_order', { late: true })),
  'POST /api/v1/work-orders/{id}/wait': write('workorder.work', on('work_order', { late: true })),
  'GET /api/v1/sla-policies': read(any('workorder.work', 'sla.manage')),
  'POST /api/v1/sla-policies': write('sla.manage'),
  'PUT /api/v1/sla-policies/{id}': write('sla.manage', on('sla')),
  'DELETE /api/v1/sla-policies/{id}': del('sla.manage'),
  'GET /api/v1/surveys': read(any('survey.work', 'satisfaction.read')),
  'POST /api/v1/surveys/generate': act('workorder.manage', 'an empty body generates the periodic surveys due'),
  'GET /api/v1/surveys/{id}': read(any('survey.work', 'satisfaction.read'), on('survey')),
  'POST /api/v1/surveys/{id}/complete': write('survey.work', on('survey', { late: true })),
  'GET /api/v1/surveys/followups': read(any('survey.work', 'satisfaction.read')),
  'POST /api/v1/surveys/followups/{id}/record': write('survey.work', on('followup', { late: true })),
  'POST /api/v1/surveys/followups/{id}/close': write('workorder.manage', on('followup', { late: true })),
  'GET /api/v1/satisfaction': read('satisfaction.read'),
  'GET /api/v1/satisfaction/penalties': read('satisfaction.read'),

  // --- Knowledge (outsiders: public articles only) ----------------------------------------------
  // `score` in a search answer is the article's relevance (relevance: true lets it through).
  'GET /api/v1/knowledge': read(null, { outsiders: ALL_OUT, check: onlyPublicArticles, relevance: true }),
  'POST /api/v1/knowledge': write('knowledge.write'),
  'GET /api/v1/knowledge/{id}': read(null, on('article', { outsiders: OUT_REC })),
  'PUT /api/v1/knowledge/{id}': write('knowledge.write', on('article', { flavours: ['internal'] })),
  'GET /api/v1/knowledge/{id}/versions': read(null, on('article')),  // edit history: staff only

  // --- Orders and the product catalogue -----------------------------------------------------------
  'GET /api/v1/products': read('archive.read'),
  'POST /api/v1/products': write('product.manage'),
  'GET /api/v1/products/{id}': read('archive.read', on('product')),
  'PATCH /api/v1/products/{id}': write('product.manage', on('product')),
  'DELETE /api/v1/products/{id}': del('product.manage'),
  'GET /api/v1/products/{id}/versions': read('archive.read', on('product')),
  'GET /api/v1/products/{id}/versions/{version}': read('archive.read', on('product')),
  'GET /api/v1/orders': read(readOrders),
  'POST /api/v1/orders': write('order.write'),
  'GET /api/v1/orders/approvals': read(readOrders),
  'GET /api/v1/orders/board': read(readOrders),
  'GET /api/v1/orders/stats/cycle-time': read(readOrders),
  'GET /api/v1/orders/config/discount-limits': read(readOrders),
  'PUT /api/v1/orders/config/discount-limits': write('order.configure'),
  'GET /api/v1/orders/config/steps': read(readOrders),
  'PUT /api/v1/orders/config/steps': write('order.configure'),
  'GET /api/v1/orders/{id}': read(readOrders, on('order')),
  'PATCH /api/v1/orders/{id}': write('order.write', on('order')),
  'POST /api/v1/orders/{id}/actions/{action}': write('order.write', on('order', { late: true })),  // action: consult
  'POST /api/v1/orders/{id}/options': write('order.write', on('order')),
  'PATCH /api/v1/orders/{id}/options/{option_id}': write('order.write', on('order')),
  'DELETE /api/v1/orders/{id}/options/{option_id}': write('order.write', on('order_missing_option', { who: missingOption })),
  'POST /api/v1/orders/{id}/documents': write('order.write', on('order', { upload: true })),
  'GET /api/v1/orders/{id}/documents/{document_id}': read(readOrders, on('order', { who: documentExists })),
};

/**
 * The expected outcome of one cell. `c`: { actor, role, uid, rec (the resolved record or
 * null), org }. Answers a status, BAD, DENY or { skip: reason }.
 */
export function expected(e, c) {
  if (e.public !== undefined) return e.public;
  if (c.actor === 'anonymous') return 401;
  if (OUTSIDER_ROLES.has(c.role)) {
    const mode = e.outsiders?.[c.role];
    if (!mode) return DENY;
    if (mode === 'record' && c.rec && !c.rec.visibleTo.has(c.actor)) return DENY;
    return e.write ? BAD : (e.ok ?? 200);
  }
  if (!holds(c.role, e.perm)) return 403;
  if (c.rec && !c.rec.visibleTo.has(c.actor)) return 404;
  const w = e.who?.(c);
  if (w !== undefined) return w;
  if (e.action) return { skip: e.action };
  return e.write ? BAD : (e.ok ?? 200);
}

// Fields an outsider never sees in any answer (staff notes, risk, money, who works it).
export const OUTSIDER_HIDDEN_FIELDS = ['attitude', 'hobbies', 'risk', 'margin', 'profit', 'churn',
  'score', 'note', 'assignee', 'escalated_to', 'responsibility', 'account_manager_id',
  'phone_manager_id'];
