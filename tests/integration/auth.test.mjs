// Accounts and sessions over real HTTP: login, cookie, bearer, logout, throttling, password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKam, client, PASSWORD } from './harness.mjs';

let kam;
// The tests' own address is a trusted proxy here, so X-Forwarded-For stands for other clients.
before(async () => { kam = await startKam({ groups: 12, members: 300, serveArgs: ['--trusted-proxy', '127.0.0.1'] }); });
after(async () => { await kam.stop(); });

test('login answers a token and an HttpOnly SameSite=Strict cookie', async () => {
  const r = await client(kam.url).post('/api/v1/auth/login', { username: 'manager1', password: PASSWORD });
  assert.equal(r.status, 200);
  assert.match(r.body.token, /^[A-Za-z0-9_-]{40,}$/);
  assert.equal(r.body.user.username, 'manager1');
  assert.equal(r.body.user.role, 'account_manager');
  assert.ok(r.body.user.permissions.includes('archive.write'));
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /kam_session=/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  // The cookie alone authenticates.
  const token = cookie.match(/kam_session=([^;]+)/)[1];
  const me = await client(kam.url).get('/api/v1/auth/me', { cookie: `kam_session=${token}` });
  assert.equal(me.status, 200);
  assert.equal(me.body.username, 'manager1');
});

test('wrong password and unknown user answer 401 with a JSON error', async () => {
  for (const body of [{ username: 'manager1', password: 'wrong-password1' }, { username: 'nobody', password: 'x1x1x1x1x1' }]) {
    const r = await client(kam.url).post('/api/v1/auth/login', body);
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'unauthenticated');
  }
  const missing = await client(kam.url).post('/api/v1/auth/login', { username: 'manager1' });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.field, 'password');
});

test('every API route needs a session', async () => {
  for (const p of ['/api/v1/customers', '/api/v1/auth/me', '/api/v1/audit', '/api/v1/users']) {
    const r = await client(kam.url).get(p);
    assert.equal(r.status, 401, p);
    assert.equal(r.body.error.code, 'unauthenticated');
  }
  const bogus = await client(kam.url, 'not-a-token').get('/api/v1/customers');
  assert.equal(bogus.status, 401);
});

test('logout revokes the session', async () => {
  const c = await kam.login('manager2');
  assert.equal((await c.get('/api/v1/auth/me')).status, 200);
  assert.equal((await c.post('/api/v1/auth/logout')).status, 204);
  assert.equal((await c.get('/api/v1/auth/me')).status, 401);
});

test('repeated failures lock the guessing client out for a while (429 with Retry-After), not the owner', async () => {
  const anon = client(kam.url);
  const attacker = { 'x-forwarded-for': '198.51.100.7' };
  const owner = { 'x-forwarded-for': '203.0.113.9' };
  for (let i = 0; i < 5; i++) {
    const r = await anon.post('/api/v1/auth/login', { username: 'phone2', password: 'bad-password' + i }, attacker);
    assert.equal(r.status, 401);
  }
  const locked = await anon.post('/api/v1/auth/login', { username: 'phone2', password: PASSWORD }, attacker);
  assert.equal(locked.status, 429);
  const first = Number(locked.headers.get('retry-after'));
  assert.ok(first > 0 && first <= 30, `the first lock is short (${first} s)`);
  // The owner, from their own address, still signs in: a lock is no weapon against them.
  assert.equal((await anon.post('/api/v1/auth/login', { username: 'phone2', password: PASSWORD }, owner)).status, 200);
  // Each further failure doubles the wait (backoff).
  const again = await anon.post('/api/v1/auth/login', { username: 'phone2', password: 'bad-password-x' }, attacker);
  assert.equal(again.status, 429, 'a locked client is not even checked');
  // Another user is not affected by phone2's lock.
  assert.equal((await anon.post('/api/v1/auth/login', { username: 'phone1', password: PASSWORD })).status, 200);
});

test('password change checks strength and ends the other sessions', async () => {
  const a = await kam.login('manager3');
  const b = await kam.login('manager3');
  const weak = await a.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'short' });
  assert.equal(weak.status, 400);
  assert.equal(weak.body.error.field, 'new_password');
  const wrong = await a.post('/api/v1/auth/password', { current_password: 'nope-nope-1', new_password: 'Another-pass-2026' });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.field, 'current_password');
  const ok = await a.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'Another-pass-2026' });
  assert.equal(ok.status, 204);
  assert.equal((await a.get('/api/v1/auth/me')).status, 200, 'the session that changed it stays');
  assert.equal((await b.get('/api/v1/auth/me')).status, 401, 'other sessions end');
  const old = await client(kam.url).post('/api/v1/auth/login', { username: 'manager3', password: PASSWORD });
  assert.equal(old.status, 401);
  await kam.login('manager3', 'Another-pass-2026');
});

test('kam user add creates a user that can log in; bad roles are refused', async () => {
  const { spawnSync } = await import('node:child_process');
  const { KAM } = await import('./harness.mjs');
  const ok = spawnSync(KAM, ['user', 'add', '--db', kam.db, '--name', 'newagent', '--role', 'service_agent', '--password-stdin'],
                       { input: 'Newagent-pass-1\n', encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const c = await kam.login('newagent', 'Newagent-pass-1');
  assert.equal(c.user.role, 'service_agent');
  const bad = spawnSync(KAM, ['user', 'add', '--db', kam.db, '--name', 'x1', '--role', 'root', '--password-stdin'],
                        { input: 'Whatever-pass-1\n', encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /role/);
});
