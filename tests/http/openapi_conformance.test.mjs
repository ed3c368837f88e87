// The API document and the server agree (issue 8, defect 12). Every response
// the client of tests/lib/server.mjs receives is checked against
// docs/openapi.yaml; this file proves that check catches drift (a tiny fake
// document the real server disagrees with), pins the query parameters an
// outside validator found answered outside their schemas, the import's 400
// and 403, and calls the operations no other suite reaches, so every
// documented operation is checked at least once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { makeValidator, documentValidator, closeObjects } from '../lib/openapi.mjs';
import { addUserAsync, mkUnit, rawHttp } from './_util.mjs';
import net from 'node:net';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, viewer;
const u = {};
let mv, reg, model;

const day = (offset) => officeDay(offset);
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const upload = (name, bytes) => { const fd = new FormData(); fd.append('file', new Blob([bytes]), name); return fd; };

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  u.p = await mkUnit(admin, 'OA-P', 'Tỉnh Thử Tài Liệu', 'province');
  u.a = await mkUnit(admin, 'OA-A', 'Ban Thi đua', 'agency', u.p.id);
  u.w = await mkUnit(admin, 'OA-W', 'Phường Một', 'ward', u.p.id);
  const pw = await addUserAsync(BIN, env.db, 'oa.viewer', 'viewer', 'OA-P');
  viewer = new Client(srv.base);
  await viewer.login('oa.viewer', pw);
  let r = await admin.post('/api/v1/movements', {
    json: {
      code: 'OA-MV', title: 'Phong trào kiểm tra tài liệu', kind: 'regular', authority_code: 'OA-A',
      starts_on: day(-10), ends_on: day(200), register_by: day(20), scope: ['OA-P'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí', unit: 'VND', kind: 'amount' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'OA-W', pledge: 'Một mô hình', planned_models: 1 } });
  assert.equal(r.status, 201, r.text);
  reg = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'OA-W', code: 'OA-M1', title: 'Mô hình một', field: 'economy' } });
  assert.equal(r.status, 201, r.text);
  model = r.data;
});

after(async () => { await srv.stop(); });

// ---- the check itself ----

// a document that says GET /api/v1/me answers 200 with a field the server
// never sends, and GET /api/v1/units/{id} only 200
const fake = {
  openapi: '3.1.0',
  info: { title: 'fake', version: '0' },
  paths: {
    '/api/v1/me': {
      get: { responses: { 200: { description: 'x', content: { 'application/json': { schema: { type: 'object', required: ['no_such_field'] } } } }, 401: { description: 'x' } } },
    },
    '/api/v1/units/{id}': { get: { responses: { 200: { description: 'x', content: { 'application/json': { schema: { type: 'object' } } } } } } },
  },
};

test('a response that disagrees with the document fails the request that got it, naming method, path, status and the error', async () => {
  const c = new Client(srv.base, { openapi: makeValidator(fake) });
  c.token = admin.token;
  await assert.rejects(c.get('/api/v1/me'), (e) => {
    assert.equal(e.code, 'ERR_OPENAPI_DRIFT');
    assert.match(e.message, /GET \/api\/v1\/me → 200/);
    assert.match(e.message, /no_such_field/);
    return true;
  });
  // a status the operation does not list
  await assert.rejects(c.get('/api/v1/units/999999'), /GET \/api\/v1\/units\/999999 → 404[\s\S]*status 404 is not listed/);
  // a path the document does not have at all
  await assert.rejects(c.get('/api/v1/unit-kinds'), /GET \/api\/v1\/unit-kinds → 200[\s\S]*not documented/);
  // a method the document does not have for a path: only the general 405 (with Allow) is right
  assert.equal((await c.req('PATCH', '/api/v1/me')).status, 405);
  const v = makeValidator(fake);
  const json = { 'Content-Type': 'application/json; charset=utf-8' };
  assert.match(v.check({ method: 'PATCH', path: '/api/v1/me', status: 200, headers: json, text: '{}' }).problems.join('\n'), /PATCH is not documented/);
  // pages outside the API are not checked
  assert.equal((await c.get('/healthz')).status, 200);
});

test('the client every suite uses checks against docs/openapi.yaml, and the checks cover headers and undocumented fields', () => {
  assert.equal(new Client(srv.base).openapi, documentValidator());
  const v = documentValidator();
  const json = { 'Content-Type': 'application/json; charset=utf-8' };
  const err = (code) => JSON.stringify({ error: { code, message: 'x' } });
  const problems = (res) => v.check({ method: 'GET', headers: json, ...res }).problems.join('\n');
  // the real document's schemas: a list without its paging fields, a unit with a field too many
  assert.match(problems({ path: '/api/v1/units', status: 200, text: '{"items":[]}' }), /required property 'total'/);
  const me = { user: { id: 1, login: 'admin', display_name: null, lang: 'vi' }, roles: [] };
  assert.match(problems({ path: '/api/v1/me', status: 200, text: JSON.stringify({ ...me, secret: 1 }) }), /"secret"/);
  // headers: Location on 201, WWW-Authenticate on 401, Retry-After on 429, Allow on 405
  assert.match(v.check({ method: 'POST', path: '/api/v1/units', status: 201, headers: json, text: '{}' }).problems.join('\n'), /201 without a Location header/);
  assert.match(problems({ path: '/api/v1/me', status: 401, text: err('unauthenticated') }), /401 without a WWW-Authenticate header/);
  assert.match(v.check({ method: 'POST', path: '/api/v1/login', status: 429, headers: json, text: err('too_many_attempts') }).problems.join('\n'), /429 without a Retry-After header/);
  assert.match(v.check({ method: 'DELETE', path: '/api/v1/units/1', status: 405, headers: json, text: err('method_not_allowed') }).problems.join('\n'), /405 without an Allow header/);
  // a header the document marks required
  const withHeader = structuredClone(fake);
  withHeader.paths['/api/v1/units/{id}'].get.responses[200].headers = { ETag: { required: true, schema: { type: 'string' } } };
  assert.match(makeValidator(withHeader).check({ method: 'GET', path: '/api/v1/units/1', status: 200, headers: json, text: '{}' }).problems.join('\n'), /required header ETag/);
  // an unknown /api/ path may only be 404 in the error shape; other paths are skipped
  assert.equal(problems({ path: '/api/v1/nothing', status: 404, text: err('not_found') }), '');
  assert.match(problems({ path: '/api/v1/nothing', status: 200, text: '{}' }), /not documented/);
  assert.ok(v.check({ method: 'GET', path: '/units', status: 200, headers: {}, text: '<p>' }).skipped);
  // closing the objects keeps the members of an allOf open: a movement has the summary's fields and its own
  const closed = closeObjects({ components: { schemas: {
    S: { type: 'object', properties: { a: {} } },
    M: { allOf: [{ $ref: '#/components/schemas/S' }, { type: 'object', properties: { b: {} } }] },
  } } });
  assert.equal(closed.components.schemas.S.unevaluatedProperties, false);
  assert.equal(closed.components.schemas.M.unevaluatedProperties, false);
  assert.equal(closed.components.schemas.M.allOf[0].$ref, '#/components/schemas/S__open');
  assert.equal('unevaluatedProperties' in closed.components.schemas.S__open, false);
});

// ---- the parameters the outside validator found ----

const lists = () => [
  '/api/v1/units', '/api/v1/people', '/api/v1/movements', `/api/v1/movements/${mv.id}/registrations`,
  `/api/v1/movements/${mv.id}/models`, '/api/v1/public/typical',
];
const fieldsOf = (r) => Object.keys(r.data.error.fields || {});

test('limit=1000 is read as 500 on every list, and the answer says so; limit=0 is a 400 naming limit', async () => {
  for (const p of lists()) {
    let r = await admin.get(p + '?limit=1000');
    assert.equal(r.status, 200, p);
    assert.equal(r.data.limit, 500, p);
    r = await admin.get(p + '?limit=0');
    assert.equal(r.status, 400, p);
    assert.equal(r.data.error.code, 'validation');
    assert.deepEqual(fieldsOf(r), ['limit'], p);
  }
});

test('offset=-3 is a 400 naming offset on every list', async () => {
  for (const p of lists()) {
    const r = await admin.get(p + '?offset=-3');
    assert.equal(r.status, 400, p);
    assert.equal(r.data.error.code, 'validation');
    assert.deepEqual(fieldsOf(r), ['offset'], p);
  }
  assert.equal((await admin.get('/api/v1/units?offset=0')).status, 200);
});

test('active=true lists the active records, as without it; another value is a 400 naming active', async () => {
  for (const p of ['/api/v1/units', '/api/v1/people']) {
    const plain = await admin.get(p);
    const r = await admin.get(p + '?active=true');
    assert.equal(r.status, 200, p);
    assert.equal(r.data.total, plain.data.total, p);
    const bad = await admin.get(p + '?active=yes');
    assert.equal(bad.status, 400, p);
    assert.deepEqual(fieldsOf(bad), ['active'], p);
  }
});

test('under=0 (and unit=0, authority=0) is the same as absent; a negative one is a 400 naming it', async () => {
  const cases = [
    ['/api/v1/units', 'under'], ['/api/v1/people', 'under'], ['/api/v1/people', 'unit'], ['/api/v1/movements', 'authority'],
    [`/api/v1/movements/${mv.id}/registrations`, 'under'], [`/api/v1/movements/${mv.id}/models`, 'under'],
    [`/api/v1/movements/${mv.id}/models`, 'unit'],
  ];
  for (const [p, name] of cases) {
    const plain = await admin.get(p);
    const r = await admin.get(`${p}?${name}=0`);
    assert.equal(r.status, 200, `${p}?${name}=0`);
    assert.equal(r.data.total, plain.data.total, `${p}?${name}=0`);
    const bad = await admin.get(`${p}?${name}=-1`);
    assert.equal(bad.status, 400, `${p}?${name}=-1`);
    assert.deepEqual(fieldsOf(bad), [name]);
  }
  const d = await admin.get(`/api/v1/movements/${mv.id}/dashboard?under=0`);
  assert.equal(d.status, 200);
  assert.deepEqual(d.data, (await admin.get(`/api/v1/movements/${mv.id}/dashboard`)).data);
});

// A launched movement of its own with Phường Một registered and one model, as
// before() makes OA-MV: the import test adds a model to OA-MV, which the count
// of every model below must not see, in whichever order the tests run.
async function withOneModel(code) {
  let r = await admin.post('/api/v1/movements', {
    json: {
      code, title: 'Phong trào kiểm tra tài liệu', kind: 'regular', authority_code: 'OA-A',
      starts_on: day(-10), ends_on: day(200), register_by: day(20), scope: ['OA-P'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí', unit: 'VND', kind: 'amount' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  const own = r.data;
  r = await admin.post(`/api/v1/movements/${own.id}/registrations`, { json: { unit_code: 'OA-W', pledge: 'Một mô hình', planned_models: 1 } });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${own.id}/models`, { json: { unit_code: 'OA-W', code: code + '-M1', title: 'Mô hình một', field: 'economy' } });
  assert.equal(r.status, 201, r.text);
  return own;
}

test('typical=0 and typical=false list every model, as without it; typical=1 the typical ones; another value is a 400', async () => {
  const mv = await withOneModel('OA-MV-TYP');
  const p = `/api/v1/movements/${mv.id}/models`;
  const all = (await admin.get(p)).data.total;
  assert.equal(all, 1);
  for (const v of ['0', 'false']) assert.equal((await admin.get(`${p}?typical=${v}`)).data.total, all, v);
  for (const v of ['1', 'true']) assert.equal((await admin.get(`${p}?typical=${v}`)).data.total, 0, v);
  const bad = await admin.get(`${p}?typical=yes`);
  assert.equal(bad.status, 400);
  assert.deepEqual(fieldsOf(bad), ['typical']);
  // a model status that does not exist is said, not answered with an empty list
  const st = await admin.get(`${p}?status=nope`);
  assert.equal(st.status, 400);
  assert.deepEqual(fieldsOf(st), ['status']);
});

test('levels=99 is read as 30 (every level) on the dashboard; levels=-1 is a 400 naming levels', async () => {
  const p = `/api/v1/movements/${mv.id}/dashboard`;
  const r = await admin.get(p + '?levels=99');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data, (await admin.get(p + '?levels=30')).data);
  assert.deepEqual(r.data.units.map((x) => x.code), (await admin.get(p + '?levels=0')).data.units.map((x) => x.code));
  const bad = await admin.get(p + '?levels=-1');
  assert.equal(bad.status, 400);
  assert.deepEqual(fieldsOf(bad), ['levels']);
  const st = await admin.get(p + '?status=nope');
  assert.equal(st.status, 400);
  assert.deepEqual(fieldsOf(st), ['status']);
});

// ---- the import's 400 and 403 ----

test('the import answers 403 to a caller who may not report and 400 to a body that cannot be read', async () => {
  const csv = 'code,unit_code,title,field\nOA-M2,OA-W,Mô hình hai,economy\n';
  let r = await viewer.req('POST', `/api/v1/movements/${mv.id}/import/models`, { raw: upload('m.csv', csv) });
  assert.equal(r.status, 403);
  assert.equal(r.data.error.code, 'forbidden');
  r = await admin.req('POST', `/api/v1/movements/${mv.id}/import/models`, {
    raw: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="m.csv"\r\n\r\nx\r\n',
    headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ' },
  });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.code, 'malformed');
  // and the documented success, for comparison
  r = await admin.req('POST', `/api/v1/movements/${mv.id}/import/models`, { raw: upload('m.csv', csv) });
  assert.equal(r.status, 202, r.text);
  const job = await admin.waitJob(r);
  assert.equal(job.status, 'done');
  assert.equal(job.result.inserted, 1);
});

// ---- operations no other suite calls ----

test('the operations other suites do not reach answer as documented', async () => {
  let r = await admin.get('/api/v1/movement-fields');
  assert.equal(r.status, 200);
  assert.ok(r.data.items.some((f) => f.code === 'economy'));
  r = await admin.get(`/api/v1/registrations/${reg.id}`);
  assert.equal(r.status, 200);
  r = await admin.patch(`/api/v1/registrations/${reg.id}`, { json: { version: r.data.version, pledge: 'Hai mô hình', planned_models: 2 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.planned_models, 2);
  assert.equal((await admin.get('/api/v1/registrations/999999')).status, 404);
  r = await admin.req('POST', `/api/v1/movements/${mv.id}/files`, { raw: upload('kehoach.pdf', pdf) });
  assert.equal(r.status, 201, r.text);
  r = await admin.get(`/api/v1/movements/${mv.id}/files`);
  assert.equal(r.status, 200);
  assert.equal(r.data.items[0].name, 'kehoach.pdf');
  r = await admin.get(`/api/v1/models/${model.id}/replications`);
  assert.equal(r.status, 200);
  assert.equal((await viewer.req('POST', `/api/v1/movements/${mv.id}/files`, { raw: upload('x.pdf', pdf) })).status, 403);
});

// ---- 503 says when to come back ----

test('a connection over --max-conns gets 503 with Retry-After, as the document says', async () => {
  const small = await startServer(env.db, ['--threads', '1', '--max-conns', '2']);
  const held = [];
  try {
    // hold connections that have sent a request (only those count) until one is refused
    let answer = '';
    for (let i = 0; i < 5 && !/^HTTP\/1\.1 503 /.test(answer); i++) {
      const s = await new Promise((resolve, reject) => { const c = net.connect(small.port, '127.0.0.1', () => resolve(c)); c.on('error', reject); });
      held.push(s);
      answer = await new Promise((resolve) => {
        let buf = '';
        const onData = (d) => { buf += d; if (buf.includes('\r\n\r\n')) { s.off('data', onData); resolve(buf); } };
        s.on('data', onData);
        s.write('GET /api/v1/public/typical HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
    }
    assert.match(answer, /^HTTP\/1\.1 503 /);
    assert.match(answer, /\r\nRetry-After: 1\r\n/i);
  } finally {
    for (const s of held) s.destroy();
    await small.stop();
  }
});
