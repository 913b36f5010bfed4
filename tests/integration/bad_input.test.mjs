// Every write endpoint, driven by the OpenAPI description: malformed JSON, a non-object body,
// unknown fields, wrong types and over-long strings all answer 400 naming the field, and
// nothing is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKam } from './harness.mjs';

let kam, admin, doc, ids;
before(async () => {
  kam = await startKam({ groups: 30, members: 900 });
  admin = await kam.login('admin');
  doc = (await admin.get('/api/v1/openapi.json')).body;
  // A customer that has a record of every kind.
  let ov, customer;
  for (customer of (await admin.get('/api/v1/customers?kind=group&limit=50')).body.items) {
    ov = (await admin.get(`/api/v1/customers/${customer.id}/overview`)).body;
    if (ov.members.items.length && ov.key_persons.length && ov.contracts.length && ov.contacts.length && ov.needs.length) break;
  }
  ids = { customer: customer.id, member: ov.members.items[0]?.id, key_person: ov.key_persons[0]?.id,
          contract: ov.contracts[0]?.id, contact: ov.contacts[0]?.id, need: ov.needs[0]?.id ?? ov.contacts[0]?.id,
          care_task: (await admin.get('/api/v1/care-tasks?limit=1')).body.items[0]?.id ?? 1,
          tariff_package: (await admin.get('/api/v1/tariff-packages?limit=1')).body.items[0]?.id ?? 1,
          rule: (await admin.get('/api/v1/alert-rules')).body.items[0].id,
          task: (await admin.get('/api/v1/alert-tasks?limit=1')).body.items[0]?.id ?? 999999,
          product: (await admin.get('/api/v1/products?limit=1')).body.items[0]?.id ?? 1,
          order: (await admin.get('/api/v1/orders?state=design&limit=1')).body.items[0]?.id ?? 1 };
  ids.option = (await admin.get(`/api/v1/orders/${ids.order}`)).body.options?.[0]?.id ?? 1;
});
after(async () => { await kam.stop(); });

function writeRoutes() {
  const out = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
      if (!ref || p.includes('/auth/')) continue;
      out.push({ path: p, method: method.toUpperCase(), schema: doc.components.schemas[ref.split('/').pop()] });
    }
  }
  return out;
}

function concrete(p) {
  return p.replace('/customers/{id}', `/customers/${ids.customer}`)
          .replace('/members/{id}', `/members/${ids.member}`)
          .replace('/key-persons/{id}', `/key-persons/${ids.key_person}`)
          .replace('/contracts/{id}', `/contracts/${ids.contract}`)
          .replace('/contacts/{id}', `/contacts/${ids.contact}`)
          .replace('/needs/{id}', `/needs/${ids.need ?? 1}`)
          .replace('/care-tasks/{id}', `/care-tasks/${ids.care_task}`)
          .replace('/tariff-packages/{id}', `/tariff-packages/${ids.tariff_package}`)
          .replace('/users/{id}', '/users/1').replace('/teams/{id}', '/teams/1')
          .replace('/handovers/{id}/items/{item_id}', '/handovers/999999/items/1')
          .replace('/handovers/{id}', '/handovers/999999')
          .replace('/alert-rules/{id}', `/alert-rules/${ids.rule}`)
          .replace('/alert-tasks/{id}', `/alert-tasks/${ids.task}`)
          .replace('/products/{id}', `/products/${ids.product}`)
          .replace('/options/{option_id}', `/options/${ids.option}`)
          .replace('/actions/{action}', '/actions/consult')
          .replace('/orders/{id}', `/orders/${ids.order}`);
}

async function auditCount() {
  return (await admin.get('/api/v1/audit?limit=1')).body.total;
}

test('there are write endpoints to check', () => {
  assert.ok(writeRoutes().length >= 12, JSON.stringify(writeRoutes().map((r) => r.path)));
});

test('malformed JSON, non-object bodies and deep nesting answer 400 on every write endpoint', async () => {
  const before = await auditCount();
  for (const r of writeRoutes()) {
    for (const body of ['{"a":', 'not json', '[]', '42', '{"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}']) {
      const res = await admin.raw(r.method, concrete(r.path), body);
      assert.ok([400, 404].includes(res.status), `${r.method} ${r.path} with ${body.slice(0, 10)}: ${res.status}`);
      assert.ok(res.body.error?.message, `${r.method} ${r.path} answers a JSON error`);
    }
  }
  assert.equal(await auditCount(), before, 'nothing written');
});

test('unknown fields, wrong types and over-long strings name the field', async () => {
  const before = await auditCount();
  for (const r of writeRoutes()) {
    if (r.path.includes('/handovers/{id}')) continue;  // needs an existing handover; covered in archive tests
    const url = concrete(r.path);
    const withVersion = (o) => (r.method === 'PATCH' && r.schema.properties?.version ? { version: 1, ...o } : o);
    const unknown = await admin.raw(r.method, url, JSON.stringify(withVersion({ no_such_field: 1 })));
    assert.equal(unknown.status, 400, `${r.method} ${r.path} unknown field: ${unknown.text}`);
    assert.ok(['no_such_field', 'version'].includes(unknown.body.error.field) || unknown.body.error.field,
              `${r.method} ${r.path}: ${unknown.text}`);
    for (const [name, prop] of Object.entries(r.schema.properties ?? {})) {
      const s = prop.oneOf ? prop.oneOf[0] : prop;
      if (name === 'version') continue;
      if (s.type === 'string' && s.maxLength) {
        const res = await admin.raw(r.method, url, JSON.stringify(withVersion({ [name]: '长'.repeat(s.maxLength + 1) })));
        assert.equal(res.status, 400, `${r.method} ${r.path} ${name} too long: ${res.text}`);
        if (r.method === 'PATCH') assert.equal(res.body.error.field, name, `${r.method} ${r.path}: ${res.text}`);
      }
      if (s.type === 'integer' || s.type === 'boolean') {
        const res = await admin.raw(r.method, url, JSON.stringify(withVersion({ [name]: 'text' })));
        assert.equal(res.status, 400, `${r.method} ${r.path} ${name} wrong type: ${res.text}`);
        if (r.method === 'PATCH') assert.equal(res.body.error.field, name);
      }
      if (s.enum) {
        const res = await admin.raw(r.method, url, JSON.stringify(withVersion({ [name]: 'not-a-value' })));
        assert.equal(res.status, 400, `${r.method} ${r.path} ${name} bad enum: ${res.text}`);
        if (r.method === 'PATCH') assert.equal(res.body.error.field, name);
      }
    }
  }
  assert.equal(await auditCount(), before, 'nothing written');
});

test('hostile strings are stored as text and returned intact, never interpreted', async () => {
  const hostile = "Robert'); DROP TABLE customers;-- <script>alert(1)</script> %_\\";
  const c = await admin.post('/api/v1/customers', { name: hostile, kind: 'group', account_manager_id: (await admin.get('/api/v1/users?role=account_manager&limit=1')).body.items[0].id });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.name, hostile);
  const found = await admin.get(`/api/v1/customers?q=${encodeURIComponent("DROP TABLE")}`);
  assert.ok(found.body.items.some((x) => x.id === c.body.id));
  assert.ok((await admin.get('/api/v1/customers?limit=1')).body.total > 1, 'the table is still there');
  const ctl = await admin.post('/api/v1/customers', { name: 'bad\u0000name', kind: 'group' });
  assert.equal(ctl.status, 400);
  assert.equal(ctl.body.error.field, 'name');
});
