// Uploads on the wire: multipart/form-data bodies fill the form (the login
// form works posted as multipart, CSRF included), the two body limits
// (--max-upload for multipart, --max-body for the rest) give 413, a malformed
// multipart body is 400 in the one error shape, and downloads answer 404 for
// what does not exist or may not be read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client, onPg } from '../lib/server.mjs';
import { csrfOf, rawHttp, setCookies, sql } from './_util.mjs';

let env, srv, api;
const en = { 'Accept-Language': 'en' };
const MAX_BODY = 4096;
const MAX_UPLOAD = 65536;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db, ['--max-body', String(MAX_BODY), '--max-upload', String(MAX_UPLOAD)]);
  api = new Client(srv.base);
  await api.login('admin', env.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

async function healthy() {
  const r = await fetch(srv.base + '/healthz');
  assert.equal(r.status, 200);
}

// A browser at the login page: its tdpre cookie and the form's _csrf.
async function loginPage() {
  const c = new Client(srv.base);
  const page = await c.get('/login');
  assert.equal(page.status, 200);
  return { c, csrf: csrfOf(page.text) };
}

function loginForm(fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}

test('the login form posted as multipart/form-data with _csrf logs in (303 and a session cookie)', async () => {
  const { c, csrf } = await loginPage();
  const fd = loginForm({ _csrf: csrf, login: 'admin', password: env.adminPassword, next: '/units' });
  const r = await c.post('/login', { raw: fd });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/units');
  assert.ok(setCookies(r).some((s) => /^tdsid=[0-9a-f]{64};/.test(s)));
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.data.login, 'admin');
});

test('a multipart login form between --max-body and --max-upload (with a file part) is read', async () => {
  const { c, csrf } = await loginPage();
  const fd = loginForm({ _csrf: csrf, login: 'admin', password: env.adminPassword, next: '/' });
  fd.append('evidence', new Blob([new Uint8Array(20000).fill(0x41)], { type: 'application/pdf' }), 'C:\\fakepath\\big.pdf');
  const r = await c.post('/login', { raw: fd });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/');
});

test('the login form posted as multipart without _csrf is 403 csrf and starts no session', async () => {
  const { c } = await loginPage();
  const r = await c.post('/login', { raw: loginForm({ login: 'admin', password: env.adminPassword }), headers: en });
  assert.equal(r.status, 403);
  assert.match(r.text, /The form has expired or did not come from this site/);
  assert.equal(c.cookies.tdsid, undefined);
});

test('a multipart body far over --max-upload is 413 (read to its end and dropped, so the client sees the answer), and the server keeps answering', async () => {
  const { c, csrf } = await loginPage();
  const fd = loginForm({ _csrf: csrf, login: 'admin', password: env.adminPassword });
  fd.append('evidence', new Blob([new Uint8Array(16 * 1024 * 1024)]), 'big.pdf');
  let status;
  try {
    status = (await c.post('/login', { raw: fd })).status;
  } catch (e) {
    status = 'connection error: ' + (e.cause?.code || e.message);
  }
  assert.equal(status, 413);
  assert.equal(c.cookies.tdsid, undefined);
  await healthy();
});

test('a JSON body over --max-body is 413 too_large in the one error shape, not read', async () => {
  const big = JSON.stringify({ code: 'BIG', name: 'x'.repeat(2 * MAX_BODY), kind: 'agency', parent_id: 1 });
  assert.ok(big.length > MAX_BODY && big.length < MAX_UPLOAD);
  const r = await api.post('/api/v1/units', { raw: big, headers: { 'Content-Type': 'application/json', ...en } });
  assert.equal(r.status, 413);
  assert.deepEqual(r.data, { error: { code: 'too_large', message: 'The request is too large' } });
  assert.equal((await api.get('/api/v1/units?q=big')).data.total, 0);
});

test('a urlencoded form over --max-body is 413 as a page', async () => {
  const { c, csrf } = await loginPage();
  const r = await c.post('/login', { form: { _csrf: csrf, login: 'admin', password: 'p'.repeat(2 * MAX_BODY) }, headers: en });
  assert.equal(r.status, 413);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.text, /The request is too large/);
});

test('a body over --max-body that only claims to be multipart in a parameter is still limited by --max-body', async () => {
  const body = 'x'.repeat(2 * MAX_BODY);
  const r = await api.post('/api/v1/units', { raw: body, headers: { 'Content-Type': 'application/json; note="multipart/form-data"', ...en } });
  assert.equal(r.status, 413);
});

test('a malformed multipart body is 400 malformed (JSON for the API, a page for the site)', async () => {
  const headers = { 'Content-Type': 'multipart/form-data; boundary=XyZ', ...en };
  const noClose = '--XyZ\r\nContent-Disposition: form-data; name="code"\r\n\r\nX1\r\n';
  const r = await api.post('/api/v1/units', { raw: noClose, headers });
  assert.equal(r.status, 400);
  assert.deepEqual(r.data, { error: { code: 'malformed', message: 'The form could not be read' } });

  const noBoundary = await api.post('/api/v1/units', { raw: '--XyZ--\r\n', headers: { 'Content-Type': 'multipart/form-data', ...en } });
  assert.equal(noBoundary.status, 400);
  assert.equal(noBoundary.data.error.code, 'malformed');

  const { c } = await loginPage();
  const page = await c.post('/login', { raw: '--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n', headers });
  assert.equal(page.status, 400);
  assert.match(page.text, /The form could not be read/);
  await healthy();
});

test('multipart over raw TCP with NUL bytes and a hostile file name does not hurt the server', async () => {
  const body = '--B\r\nContent-Disposition: form-data; name="f"; filename="../../\x01evil"\r\n\r\n\x00\x00\r\n--B--\r\n';
  const req = `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\nConnection: close\r\n\r\n${body}`;
  const r = await rawHttp(srv.port, Buffer.from(req, 'latin1'));
  assert.match(r.text, /^HTTP\/1\.1 400 /);
  await healthy();
});

test('a download of an unknown attachment id is 404 not_found', async () => {
  const r = await api.get('/api/v1/files/999999', { headers: en });
  assert.equal(r.status, 404);
  assert.deepEqual(r.data, { error: { code: 'not_found', message: 'No such record' } });
  assert.equal((await api.get('/api/v1/files/abc')).status, 404);
  const { c } = await loginPage();
  const anon = await c.get('/api/v1/files/1');
  assert.equal(anon.status, 401);
  const page = await c.get('/files/1');
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), '/login?next=%2Ffiles%2F1');
});

test('an existing attachment of a record nobody may read answers exactly like an unknown id', async () => {
  // %PD as a blob literal of each dialect; on PostgreSQL the ids' sequences move past the rows given
  sql(env.db, "INSERT INTO files (id, sha256, size, mime, data, created_at) VALUES (1, '" + 'a'.repeat(64) + "', 3, 'application/pdf', " +
    (onPg ? "'\\x255044'::bytea" : "x'255044'") + ", '2026-11-23T09:00:00Z');" +
    "INSERT INTO attachments (id, file_id, entity, entity_id, name, created_at) VALUES (1, 1, 'movement', 1, 'quyet-dinh.pdf', '2026-11-23T09:00:00Z');" +
    (onPg ? "SELECT setval(pg_get_serial_sequence('files', 'id'), 1); SELECT setval(pg_get_serial_sequence('attachments', 'id'), 1);" : ''));
  const known = await api.get('/api/v1/files/1', { headers: en });
  const unknown = await api.get('/api/v1/files/2', { headers: en });
  assert.equal(known.status, 404);
  assert.equal(known.text, unknown.text);
  assert.equal(known.headers.get('content-disposition'), null);
  assert.equal(known.headers.get('etag'), null);
});
