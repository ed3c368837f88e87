// The reply cache (src/web/cache.c): repeated GETs of lists, unit pages and
// dashboards are answered from the reply the worker made before, with an
// ETag (304 when the client has it), and never after the data changed, by
// this server or by another process, nor to another user. On PostgreSQL the
// cache is off (no change stamp): the tests that a change is seen still run there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeDb, startServer, Client, thidua, onPg } from '../lib/server.mjs';
import { addUserAsync, mkUnit, mkPerson } from './_util.mjs';

let env, srv, admin, reporter;
let prov, other;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  prov = await mkUnit(admin, 'RC-A', 'Tỉnh Bộ Nhớ Đệm', 'province');
  other = await mkUnit(admin, 'RC-B', 'Tỉnh Khác', 'province');
  await mkPerson(admin, { code: 'RC-1', full_name: 'Phạm Văn Đệm', gender: 'M', unit_id: prov.id });
  await mkPerson(admin, { code: 'RC-2', full_name: 'Phạm Văn Khác', gender: 'M', unit_id: other.id });
  const pw = await addUserAsync(BIN, env.db, 'rc.reporter', 'reporter', 'RC-A');
  reporter = new Client(srv.base);
  await reporter.login('rc.reporter', pw);
});

after(async () => {
  if (srv) await srv.stop();
});

// both workers answer: ask often enough that each has the reply cached
async function repeat(c, p, n = 6, o) {
  let last;
  for (let i = 0; i < n; i++) last = await c.get(p, o);
  return last;
}

test('a repeated GET gives the same bytes and ETag; If-None-Match gets 304 without a body',
  { skip: onPg && 'the reply cache is off on PostgreSQL: no change stamp (db_change_stamp)' }, async () => {
  const p = `/api/v1/units?parent=1&limit=50`;
  const a = await admin.get(p);
  const b = await repeat(admin, p);
  assert.equal(a.status, 200);
  assert.equal(b.text, a.text);
  const etag = b.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal(a.headers.get('etag'), etag);
  const c = await admin.get(p, { headers: { 'If-None-Match': etag } });
  assert.equal(c.status, 304);
  assert.equal(c.text, '');
  const d = await admin.get(p, { headers: { 'If-None-Match': '"0000"' } });
  assert.equal(d.status, 200);
  assert.equal(d.text, a.text);
  // "*" alone matches any current reply; a tag that merely starts with "*" does not (found by the request fuzzer)
  assert.equal((await admin.get(p, { headers: { 'If-None-Match': '*' } })).status, 304);
  assert.equal((await admin.get(p, { headers: { 'If-None-Match': '"0000", *' } })).status, 304);
  assert.equal((await admin.get(p, { headers: { 'If-None-Match': ', *movple' } })).status, 200);
});

test('a write through the server is seen at once', async () => {
  const p = `/api/v1/units?parent=1&limit=50`;
  await repeat(admin, p);
  const u = (await admin.get(`/api/v1/units/${prov.id}`)).data;
  const r = await admin.patch(`/api/v1/units/${prov.id}`, { json: { name: 'Tỉnh Đã Đổi Tên', version: u.version } });
  assert.equal(r.status, 200, r.text);
  for (let i = 0; i < 6; i++) {
    const l = await admin.get(p);
    assert.ok(l.data.items.some((x) => x.name === 'Tỉnh Đã Đổi Tên'), 'the new name is listed');
  }
  const page = await repeat(admin, `/units/${prov.id}`, 1);
  assert.match(page.text, /Tỉnh Đã Đổi Tên/);
});

test('a write by another process (the command line) is seen at once', async () => {
  const p = `/api/v1/people?q=pham%20van&limit=50`;
  const before = await repeat(admin, p);
  assert.equal(before.data.total, 2);
  const f = path.join(env.dir, 'rc-people.csv');
  fs.writeFileSync(f, 'code,full_name,gender,unit_code\nRC-3,Phạm Văn Mới,F,RC-A\n');
  const r = thidua(['import', 'people', f, '--db', env.db]);
  assert.equal(r.code, 0, r.stderr);
  for (let i = 0; i < 6; i++) {
    const l = await admin.get(p);
    assert.equal(l.data.total, 3, 'the imported person is found');
  }
});

test('one user never gets the reply made for another', async () => {
  const p = `/api/v1/people?q=pham&limit=50`;
  const a = await repeat(admin, p);
  assert.ok(a.data.items.some((x) => x.code === 'RC-2'), 'the admin sees the other province');
  for (let i = 0; i < 6; i++) {
    const r = await reporter.get(p);
    assert.equal(r.status, 200);
    assert.ok(!r.data.items.some((x) => x.code === 'RC-2'), 'the reporter does not');
    assert.ok(r.data.items.some((x) => x.code === 'RC-1'));
  }
});

test('the language of the request is part of the reply kept', async () => {
  const p = `/units/${other.id}`;
  await repeat(admin, p, 4, { headers: { 'Accept-Language': 'en' } });
  for (let i = 0; i < 4; i++) {
    const vi = await admin.get(p, { headers: { 'Accept-Language': 'vi' } });
    assert.equal(vi.headers.get('content-language'), 'vi');
    const en = await admin.get(p, { headers: { 'Accept-Language': 'en' } });
    assert.equal(en.headers.get('content-language'), 'en');
    assert.notEqual(vi.text, en.text);
  }
});

// a hit keeps the headers set before the handler and adds the entry's
// others; its body goes out by reference: every header the miss had
// (fetch lists them sorted), the same bytes after a 304 and a HEAD
test('a cached reply repeats the headers of the reply it was made from',
  { skip: onPg && 'the reply cache is off on PostgreSQL: no change stamp (db_change_stamp)' }, async () => {
  const heads = (r) => [...r.headers].filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'connection');
  for (const p of [`/units/${prov.id}`, `/api/v1/units?parent=${prov.id}&limit=5`, `/api/v1/people?q=pham%20van&limit=5`]) {
    const a = await admin.get(p);
    assert.equal(a.status, 200, a.text);
    const b = await repeat(admin, p);
    assert.equal(b.text, a.text);
    assert.deepEqual(heads(b), heads(a));
    if (p.startsWith('/units/')) {
      assert.equal(b.headers.get('content-language'), 'vi');
      assert.match(b.headers.get('content-security-policy'), /default-src 'self'/);
    }
    const h = await admin.req('HEAD', p); // not cached (a GET only): no ETag
    assert.equal(h.status, 200);
    assert.equal(h.text, '');
    assert.equal(h.headers.get('etag'), null);
    const c = await admin.get(p, { headers: { 'If-None-Match': a.headers.get('etag') } });
    assert.equal(c.status, 304);
    assert.equal((await repeat(admin, p)).text, a.text); // the shared bytes outlive a 304
  }
});

test('serve --reply-cache 0 answers without ETag', async () => {
  const s2 = await startServer(env.db, ['--reply-cache', '0']);
  try {
    const c = new Client(s2.base);
    c.token = admin.token;
    const r = await c.get('/api/v1/units?parent=1&limit=50');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('etag'), null);
  } finally {
    await s2.stop();
  }
});
