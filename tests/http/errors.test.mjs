// The one error shape and the status codes: 404, 405, 400, 422, 409, 413,
// and hostile input on the wire that must not take the server down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import net from 'node:net';
import { mkUnit, rawHttp, sleep } from './_util.mjs';

let env, srv, c;
const en = { 'Accept-Language': 'en' };

before(async () => {
  env = makeDb();
  srv = await startServer(env.db, ['--max-body', '4096']);
  c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

async function healthy() {
  const r = await fetch(srv.base + '/healthz');
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'ok\n');
}

test('an unknown API path is 404 JSON not_found', async () => {
  const r = await c.get('/api/v1/nope');
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(Object.keys(r.data.error).sort(), ['code', 'message']);
  assert.equal(r.data.error.code, 'not_found');
});

test('an unknown unit id is 404 not_found', async () => {
  const r = await c.get('/api/v1/units/999999', { headers: en });
  assert.equal(r.status, 404);
  assert.deepEqual(r.data, { error: { code: 'not_found', message: 'No such record' } });
});

test('a unit id that is not a number is 404 not_found', async () => {
  const r = await c.get('/api/v1/units/abc');
  assert.equal(r.status, 404);
  assert.equal(r.data.error.code, 'not_found');
});

test('DELETE /api/v1/units/1 is 405 with Allow: GET, HEAD, PATCH', async () => {
  const r = await c.req('DELETE', '/api/v1/units/1');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD, PATCH');
  assert.equal(r.data.error.code, 'method_not_allowed');
  const still = await c.get('/api/v1/units/1');
  assert.equal(still.status, 200);
});

test('a broken JSON body is 400 malformed', async () => {
  const r = await c.post('/api/v1/units', { raw: '{"code": "X", "name": ', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.code, 'malformed');
  assert.match(r.data.error.message, /\(line 1, column \d+\)$/);
});

test('a JSON body that is not an object is 400 malformed, without a bogus position', async () => {
  const r = await c.post('/api/v1/units', { raw: '[1, 2]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.code, 'malformed');
  // the body parsed fine, so jansson's error position is unset (-1): it must not be shown
  assert.doesNotMatch(r.data.error.message, /line -1|column -1/);
});

test('an API write without any body is 422 naming body', async () => {
  const r = await c.post('/api/v1/units', { headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.code, 'validation');
  assert.deepEqual(r.data.error.fields, { body: 'A JSON object is required' });
});

test('an empty object for POST /api/v1/units is 422 with messages for code, name and kind', async () => {
  const r = await c.post('/api/v1/units', { json: {}, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data, {
    error: {
      code: 'validation',
      message: 'Some fields are not valid',
      fields: { code: 'Is required', name: 'Is required', kind: 'Is required' },
    },
  });
});

test('a field of the wrong type is 422 naming the field', async () => {
  const r = await c.post('/api/v1/units', { json: { code: 'T-X', name: 5, kind: 'province', parent_id: 1 }, headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.code, 'validation');
  assert.deepEqual(r.data.error.fields, { name: 'Must be text' });
  const p = await c.post('/api/v1/units', { json: { code: 'T-X', name: 'Tỉnh X', kind: 'province', parent_id: '1' }, headers: en });
  assert.equal(p.status, 422);
  assert.deepEqual(p.data.error.fields, { parent_id: 'Must be a whole number' });
  const none = await c.get('/api/v1/units?q=t-x');
  assert.equal(none.data.total, 0);
});

test('?limit=abc is rejected naming limit (400, the query-parameter status)', async () => {
  const r = await c.get('/api/v1/units?limit=abc', { headers: en });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.code, 'validation');
  assert.deepEqual(r.data.error.fields, { limit: 'Must be a whole number' });
});

test('PATCH with a stale version is 409 conflict and changes nothing', async () => {
  const u = await mkUnit(c, 'T-QUANGNINH', 'Tỉnh Quảng Ninh', 'province');
  const ok = await c.patch('/api/v1/units/' + u.id, { json: { name: 'Tỉnh Quảng Ninh (sửa)', version: 1 } });
  assert.equal(ok.status, 200);
  assert.equal(ok.data.version, 2);
  const stale = await c.patch('/api/v1/units/' + u.id, { json: { name: 'Ghi đè', version: 1 } });
  assert.equal(stale.status, 409);
  assert.equal(stale.data.error.code, 'conflict');
  const now = await c.get('/api/v1/units/' + u.id);
  assert.equal(now.data.name, 'Tỉnh Quảng Ninh (sửa)');
  assert.equal(now.data.version, 2);
});

test('PATCH without a version is 422 naming version', async () => {
  const r = await c.patch('/api/v1/units/1', { json: { name: 'Không có phiên bản' }, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, { version: "The record's version is required to change it" });
  assert.equal((await c.get('/api/v1/units/1')).data.name, 'Việt Nam');
});

test('a body over --max-body is 413', async () => {
  const big = JSON.stringify({ code: 'BIG', name: 'x'.repeat(10 * 1024), kind: 'agency', parent_id: 1 });
  assert.ok(big.length > 10 * 1024);
  let status;
  try {
    status = (await c.post('/api/v1/units', { raw: big, headers: { 'Content-Type': 'application/json' } })).status;
  } catch (e) {
    status = 'connection error: ' + (e.cause?.code || e.message);
  }
  assert.equal(status, 413);
  assert.equal((await c.get('/api/v1/units?q=big')).data.total, 0);
  await healthy();
});

test('a body just under --max-body is accepted', async () => {
  const r = await c.post('/api/v1/units', { json: { code: 'SMALL', name: 'y'.repeat(200), kind: 'agency', parent_id: 1 } });
  assert.equal(r.status, 201);
});

test('an over-long header (20 KB cookie) gets a 4xx or a closed connection, and the server still answers', async () => {
  const req = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: a=' + 'b'.repeat(20 * 1024) + '\r\n\r\n';
  const r = await rawHttp(srv.port, req);
  if (r.text) assert.match(r.text, /^HTTP\/1\.[01] 4\d\d /);
  else assert.ok(r.closed, 'no answer and the connection was not closed');
  await healthy();
});

test('an invalid method string over raw TCP is refused and does not crash the server', async () => {
  const r = await rawHttp(srv.port, 'FR\x01B /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  if (r.text) assert.match(r.text, /^HTTP\/1\.[01] (400|405|501) /);
  await healthy();
  const u = await rawHttp(srv.port, 'BREW /api/v1/units/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  assert.match(u.text, /^HTTP\/1\.1 405 /);
  assert.match(u.text, /\r\nAllow: GET, HEAD, PATCH\r\n/);
  await healthy();
});

test('garbage instead of a request line is 400 and does not crash the server', async () => {
  const r = await rawHttp(srv.port, '\x00\x01\x02 \xff\xfe garbage\r\n\r\n');
  if (r.text) assert.match(r.text, /^HTTP\/1\.[01] 400 /);
  await healthy();
});

test('a truncated request (headers never finished) does not block other clients', async () => {
  const p = rawHttp(srv.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 300);
  await healthy();
  await p;
  await healthy();
});

test('--max-conns: connections over the limit get 503, and closed ones free their slot', async () => {
  // one thread so every connection counts against the same limit
  const small = await startServer(env.db, ['--threads', '1', '--max-conns', '6']);
  try {
    const open = () => new Promise((resolve, reject) => {
      const s = net.connect(small.port, '127.0.0.1', () => resolve(s));
      s.on('error', reject);
    });
    const ask = (s) => new Promise((resolve) => {
      let buf = '';
      const onData = (d) => {
        buf += d;
        if (buf.includes('\r\n\r\n')) { s.off('data', onData); resolve(Number(buf.slice(9, 12))); }
      };
      s.on('data', onData);
      s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    for (let round = 0; round < 4; round++) {
      const socks = [];
      const statuses = [];
      for (let i = 0; i < 9; i++) {
        const s = await open();
        socks.push(s);
        statuses.push(await ask(s));
      }
      const ok = statuses.filter((x) => x === 200).length;
      // the harness's own keep-alive connection from startServer may hold one slot
      assert.ok(ok === 6 || ok === 5, `round ${round}: ${statuses.join(' ')}`);
      assert.deepEqual(statuses.slice(ok), Array(9 - ok).fill(503), `round ${round}: ${statuses.join(' ')}`);
      // close in a scrambled order to exercise the slot table's deletions
      for (const i of [3, 0, 8, 5, 1, 7, 2, 6, 4]) socks[i].destroy();
      await sleep(150);
    }
    const r = await fetch(small.base + '/healthz');
    assert.equal(r.status, 200);
  } finally {
    await small.stop();
  }
});
