// What is acknowledged is on disk: kill -9 loses nothing that got a 201.
// SIGTERM lets requests in flight finish: every response that arrives is
// complete, and the server exits with 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client, thidua } from '../lib/server.mjs';
import { mkUnit, sql, sleep } from './_util.mjs';

// No test depends on another: each kills or stops its server, so each has
// its own database and server (world), stopped when the test ends if it still
// runs, and builds what it needs there.
async function world(t) {
  const w = { env: makeDb() };
  w.srv = await startServer(w.env.db);
  t.after(async () => { if (w.srv) await w.srv.stop(); });
  w.c = new Client(w.srv.base);
  await w.c.login('admin', w.env.adminPassword);
  w.parent = await mkUnit(w.c, 'DUR', 'Ban Thi đua – Khen thưởng (độ bền)', 'agency');
  return w;
}

// 50 units acknowledged with 201, then kill -9 and a restart; resolves to
// the codes and how the server ended.
async function fiftyThenKill9(w) {
  const { env, c, parent } = w;
  const want = [];
  for (let i = 0; i < 50; i++) {
    const code = 'DUR-' + String(i).padStart(2, '0');
    const r = await c.post('/api/v1/units', { json: { code, name: 'Đơn vị số ' + i, kind: 'subunit', parent_id: parent.id } });
    assert.equal(r.status, 201, r.text);
    want.push(code);
  }
  const gone = await w.srv.kill9();
  w.srv = await startServer(env.db);
  c.base = w.srv.base; // the token lives in the database: it survives the restart
  return { want, gone };
}

test('50 units acknowledged with 201, then kill -9: all 50 are there after a restart', async (t) => {
  const w = await world(t);
  const { c, parent } = w;
  const { want, gone } = await fiftyThenKill9(w);
  assert.equal(gone.signal, 'SIGKILL');
  const r = await c.get(`/api/v1/units?parent=${parent.id}&limit=500&sort=code`);
  assert.equal(r.status, 200);
  assert.equal(r.data.total, 50);
  assert.deepEqual(r.data.items.map((x) => x.code), want);
});

test('after kill -9 the audit log is still intact', async (t) => {
  const w = await world(t);
  await fiftyThenKill9(w);
  const { env } = w;
  // the root, DUR and the 50 below it
  const r = thidua(['audit', 'verify', '--db', env.db]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^audit log intact: \d+ rows\n$/);
  assert.equal(sql(env.db, "SELECT count(*) FROM audit_log WHERE entity = 'unit' AND action = 'create'"), '52');
});

test('SIGTERM during a stream of requests: every response is complete, the server exits 0', async (t) => {
  const w = await world(t);
  const { env, c, parent, srv } = w;
  const auth = { Authorization: 'Bearer ' + c.token };
  const results = { complete: 0, refused: 0, incomplete: [], bad: [] };
  const acked = [];
  let stopping = null;
  let stopSentAt = 0;

  async function one(method, url, body) {
    let res;
    try {
      res = await fetch(srv.base + url, {
        method,
        headers: body ? { ...auth, 'Content-Type': 'application/json' } : auth,
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch {
      results.refused++; // no response at all: allowed once the server stops
      return null;
    }
    let text;
    try {
      text = await res.text();
    } catch (e) {
      results.incomplete.push(`${method} ${url}: status ${res.status}, body cut: ${e.cause?.code || e.message}`);
      return null;
    }
    const len = res.headers.get('content-length');
    if (len !== null && Buffer.byteLength(text) !== Number(len)) {
      results.incomplete.push(`${method} ${url}: ${Buffer.byteLength(text)} of ${len} bytes`);
      return null;
    }
    let data;
    try { data = JSON.parse(text); } catch { results.incomplete.push(`${method} ${url}: body is not JSON: ${text.slice(0, 80)}`); return null; }
    if (res.status >= 500) results.bad.push(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
    results.complete++;
    return { status: res.status, data };
  }

  async function worker(w) {
    for (let i = 0; ; i++) {
      const code = `G-${w}-${i}`;
      const created = await one('POST', '/api/v1/units', { code, name: `Luồng ${w} số ${i}`, kind: 'subunit', parent_id: parent.id });
      if (created && created.status === 201) acked.push(code);
      const listed = await one('GET', `/api/v1/units?parent=${parent.id}&limit=100`);
      if (stopping && !created && !listed) return; // the server is gone
      if (!stopping && i > 2000) throw new Error('the stream ran too long without a stop');
      await sleep(5);
    }
  }

  const workers = [0, 1, 2].map(worker);
  // let the stream get going, then stop the server in the middle of it
  for (let t = 0; results.complete < 30 && t < 1000; t++) await sleep(10);
  stopSentAt = Date.now();
  stopping = srv.stop();
  w.srv = null; // stopped here, not again at the end
  await Promise.all(workers);
  const exit = await stopping;
  assert.deepEqual(results.incomplete, [], 'responses cut short');
  assert.deepEqual(results.bad, [], 'server errors');
  assert.ok(results.complete >= 30, `requests were answered before the stop (${results.complete})`);
  assert.equal(exit.code, 0, exit.log);
  assert.equal(exit.signal, null);
  assert.ok(Date.now() - stopSentAt < 10000, 'the server stopped promptly');
  // and every acknowledged create is in the database
  const stored = new Set(sql(env.db, "SELECT code FROM units WHERE code LIKE 'G-%'").split('\n').filter(Boolean));
  for (const code of acked) assert.ok(stored.has(code), `${code} was acknowledged but is not stored`);
});
