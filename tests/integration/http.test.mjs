// The server's edges: health, metrics, request ids, limits, static files, OpenAPI, shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startKam, client } from './harness.mjs';

let kam, admin;
before(async () => {
  kam = await startKam({ groups: 8, members: 100 });
  admin = await kam.login('admin');
});
after(async () => { if (kam.proc.exitCode === null) await kam.stop(); });

function rawRequest(text) {
  const { port, hostname } = new URL(kam.url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => s.write(text));
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
    setTimeout(() => { s.destroy(); resolve(out); }, 3000);
  });
}

test('health, readiness and metrics', async () => {
  const h = await client(kam.url).get('/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { status: 'ok' });
  const r = await client(kam.url).get('/readyz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ready');
  await admin.get('/api/v1/customers?limit=1');
  await admin.get('/api/v1/customers/999999');
  const m = await client(kam.url).get('/metrics');
  assert.equal(m.status, 200);
  assert.match(m.text, /kam_http_requests_total\{route="\/api\/v1\/customers",method="GET",status="200"\} \d+/);
  assert.match(m.text, /kam_http_requests_total\{route="\/api\/v1\/customers\/\{id\}",method="GET",status="404"\} 1/);
  assert.match(m.text, /kam_http_request_duration_seconds_bucket\{route="\/api\/v1\/customers",method="GET",le="\+Inf"\} \d+/);
});

test('every response carries a request id; a sane incoming one is kept', async () => {
  const a = await client(kam.url).get('/api/v1/customers');
  assert.match(a.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
  const b = await client(kam.url).get('/healthz', { 'x-request-id': 'trace-abc-123' });
  assert.equal(b.headers.get('x-request-id'), 'trace-abc-123');
  const c = await client(kam.url).get('/healthz', { 'x-request-id': 'bad id with spaces<script>' });
  assert.match(c.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
});

test('errors are JSON with code, message and field', async () => {
  const nf = await admin.get('/api/v1/no-such-thing');
  assert.equal(nf.status, 404);
  assert.equal(nf.body.error.code, 'not_found');
  const m = await admin.raw('PUT', '/api/v1/customers');
  assert.equal(m.status, 405);
  const badId = await admin.get('/api/v1/customers/abc');
  assert.equal(badId.status, 400);
  assert.equal(badId.body.error.field, 'id');
  const big = await admin.post('/api/v1/customers', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }));
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'too_large');
});

test('oversized headers and garbage requests are refused', async () => {
  const huge = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40000)}\r\n\r\n`);
  assert.match(huge, /^HTTP\/1\.1 431/);
  const garbage = await rawRequest('BLAH BLAH\r\n\r\n');
  assert.match(garbage, /^HTTP\/1\.1 400/);
});

test('static paths cannot climb out of the web directory', async () => {
  for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/assets/../../../etc/passwd']) {
    const r = await rawRequest(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.doesNotMatch(r, /root:x:0:0/, p);
    assert.match(r, /^HTTP\/1\.1 (404|400)/, p);
  }
});

test('keep-alive: several requests on one connection', async () => {
  const r = await rawRequest('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(r.match(/HTTP\/1\.1 200/g).length, 2);
});

test('the OpenAPI description covers the routes and their schemas', async () => {
  const r = await client(kam.url).get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  const doc = r.body;
  assert.equal(doc.openapi, '3.1.0');
  for (const [p, m] of [['/api/v1/customers', 'get'], ['/api/v1/customers', 'post'], ['/api/v1/customers/{id}/overview', 'get'],
                        ['/api/v1/customers/{id}/key-persons', 'post'], ['/api/v1/handovers/{id}/complete', 'post'],
                        ['/api/v1/auth/login', 'post'], ['/api/v1/audit', 'get'], ['/api/v1/workbench', 'get']]) {
    assert.ok(doc.paths[p]?.[m], `${m.toUpperCase()} ${p} is documented`);
  }
  assert.deepEqual(doc.components.schemas.Customer.properties.org_type.oneOf[0].enum,
                   ['government', 'police', 'enterprise', 'education', 'healthcare', 'finance', 'other']);
  assert.ok(doc.components.schemas.CustomerInput.required.includes('name'));
  assert.deepEqual(doc.paths['/api/v1/auth/login'].post.security, []);
});

test('SIGTERM: the server stops accepting and exits cleanly (draining is proven in server_test.cc)', async () => {
  const inflight = Promise.all([1, 2, 3, 4, 5].map(() => admin.get('/api/v1/customers?limit=50')));
  kam.proc.kill('SIGTERM');
  const results = await inflight.catch((e) => e);
  if (Array.isArray(results)) for (const r of results) assert.equal(r.status, 200);
  const { code } = await kam.exited;
  assert.equal(code, 0);
  await assert.rejects(fetch(kam.url + '/healthz'));
  await kam.stop();
});
