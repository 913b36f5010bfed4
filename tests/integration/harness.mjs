// Starts a real `kam serve` on a loopback port with a fresh demo store (SQLite file or a new
// PostgreSQL database) and gives tests a small HTTP client. Used by every API test file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const KAM = process.env.KAM_BIN || path.join(ROOT, 'build/kam');
export const STORE = process.env.KAM_TEST_STORE || 'sqlite';
export const PASSWORD = 'Kam@2026demo';

// Time is an input: every `kam` these tests start (demo data, server) runs at this instant, and
// tests assert against it, never against the wall clock. `make test` runs the suite at three.
export const NOW_SPEC = process.env.KAM_NOW || '2026-11-24T08:00:00+08:00';
process.env.KAM_NOW = NOW_SPEC;
export const NOW = new Date(NOW_SPEC);
const DAY_MS = 86_400_000;

/** The Shanghai date `days` after NOW, YYYY-MM-DD. */
export function shanghaiDate(days = 0) {
  return new Date(NOW.getTime() + 8 * 3600e3 + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Shanghai month `offset` months after NOW's, YYYY-MM (the demo's newest month is -1). */
export function monthOf(offset = 0) {
  const [y, m] = shanghaiDate().split('-').map(Number);
  const i = y * 12 + (m - 1) + offset;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** An instant `hours` after NOW, ISO UTC to the second ("2026-11-24T00:00:00Z"). */
export function instant(hours = 0) {
  return new Date(NOW.getTime() + hours * 3600e3).toISOString().slice(0, 19) + 'Z';
}

/** The same instant as Shanghai wall time with its offset ("2026-11-24T08:00:00+08:00"). */
export function shanghaiWall(hours = 0) {
  return new Date(NOW.getTime() + (hours + 8) * 3600e3).toISOString().slice(0, 19) + '+08:00';
}

function run(args, opts = {}) {
  const r = spawnSync(KAM, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`kam ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function freshStore(dir) {
  if (STORE === 'postgres') {
    const admin = process.env.KAM_TEST_PG_URL;
    if (!admin) throw new Error('KAM_TEST_PG_URL is not set: the PostgreSQL run needs the test server (make test starts it)');
    const name = 'kam_t_' + randomBytes(6).toString('hex');
    const r = spawnSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('cannot create test database: ' + r.stderr);
    return {
      url: admin.replace(/\/[^/?]*(\?|$)/, `/${name}$1`),
      drop: () => spawnSync('psql', [admin, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
    };
  }
  return { url: `sqlite:${dir}/kam.db`, drop: () => {} };
}

export async function startKam({ groups = 40, members = 2000, seed = 7, demo = true, serveArgs = [] } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kam-api-'));
  const store = freshStore(dir);
  if (demo) run(['demo-data', '--db', store.url, '--groups', String(groups), '--members', String(members), '--seed', String(seed)]);
  const proc = spawn(KAM, ['serve', '--db', store.url, '--listen', '127.0.0.1:0', '--workers', '4', '--log-level', 'warn', ...serveArgs],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('kam serve did not start: ' + stderr)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`kam serve exited ${code}: ${stderr}`)); });
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const kam = {
    url, dir, db: store.url, proc, exited,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const r = await exited;
      store.drop();
      rmSync(dir, { recursive: true, force: true });
      return r;
    },
    client(token) { return client(url, token); },
    async login(username, password = PASSWORD) {
      const r = await client(url).post('/api/v1/auth/login', { username, password });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      const c = client(url, r.body.token);
      c.user = r.body.user;
      return c;
    },
    run,
  };
  return kam;
}

export function client(base, token) {
  async function call(method, p, body, headers = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(base + p, { method, headers: h, body: payload });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: res.status, body: json, headers: res.headers, text };
  }
  return {
    token,
    get: (p, h) => call('GET', p, undefined, h),
    post: (p, b, h) => call('POST', p, b, h),
    patch: (p, b, h) => call('PATCH', p, b, h),
    del: (p, h) => call('DELETE', p, undefined, h),
    raw: call,
  };
}

// A valid unified social credit code (GB 32100-2015) for tests.
export function creditCode(seed) {
  const alpha = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let body = '91320102' + String(seed).padStart(9, '0').slice(-9);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alpha.indexOf(body[i]) * w[i];
  let c = 31 - (sum % 31);
  if (c === 31) c = 0;
  return body + alpha[c];
}
