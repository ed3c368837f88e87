// Per-unit storage quota for attached files (issue 8, defect 6: a reporter
// could add 20 MiB of bytes per request forever). The server here allows
// 3 000 bytes per unit; the home page shows each unit's use and the total.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { mkUnit } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, model, other;
const day = (o) => officeDay(o);

// a PDF of about `size` bytes, different for each `tag` (so none is stored once for two)
const pdf = (tag, size) => Buffer.from(`%PDF-1.4\n% ${tag} ${'x'.repeat(Math.max(0, size - 120))}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
const up = (id, name, bytes) => {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  return admin.req('POST', `/api/v1/models/${id}/files`, { raw: fd });
};

before(async () => {
  env = makeDb();
  srv = await startServer(env.db, ['--unit-quota', '3000']);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const t = await mkUnit(admin, 'T-Q', 'Tỉnh Hạn Mức', 'province');
  const w1 = await mkUnit(admin, 'T-Q-1', 'Phường Một', 'ward', t.id);
  const w2 = await mkUnit(admin, 'T-Q-2', 'Phường Hai', 'ward', t.id);
  let r = await admin.post('/api/v1/movements', {
    json: { code: 'QUOTA', title: 'Hạn mức', kind: 'regular', authority_code: 'T-Q', starts_on: day(-5), ends_on: day(90), register_by: day(30), scope: ['T-Q'], fields: ['economy'] },
  });
  assert.equal(r.status, 201, r.text);
  await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  for (const u of ['T-Q-1', 'T-Q-2']) assert.equal((await admin.post(`/api/v1/movements/${r.data.id}/registrations`, { json: { unit_code: u } })).status, 201);
  r = await admin.post(`/api/v1/movements/${r.data.id}/models`, { json: { unit_id: w1.id, code: 'Q-1', title: 'Một', field: 'economy' } });
  model = r.data;
  r = await admin.post(`/api/v1/movements/${model.movement_id}/models`, { json: { unit_id: w2.id, code: 'Q-2', title: 'Hai', field: 'economy' } });
  other = r.data;
});

after(async () => { await srv.stop(); });

test('a unit stores files up to its quota; past it the upload is refused with the reason and nothing is stored', async () => {
  assert.equal((await up(model.id, 'a.pdf', pdf('a', 1400))).status, 201);
  assert.equal((await up(model.id, 'b.pdf', pdf('b', 1400))).status, 201);
  const r = await up(model.id, 'c.pdf', pdf('c', 1400));
  assert.equal(r.status, 422, r.text);
  assert.match(r.data.error.fields.file, /^Hạn mức lưu trữ tệp của đơn vị đã đầy/);
  assert.equal((await admin.get(`/api/v1/models/${model.id}/files`)).data.items.length, 2);
  // another unit has its own room
  assert.equal((await up(other.id, 'c.pdf', pdf('c', 1400))).status, 201);
});

test('the home page shows each unit its use against the quota, and the administrator the total', async () => {
  const c = new Client(srv.base);
  c.cookies.lang = 'en';
  const page = await c.get('/login');
  const csrf = page.text.match(/name="_csrf" value="([0-9a-f]+)"/)[1];
  await c.post('/login', { form: { _csrf: csrf, login: 'admin', password: env.adminPassword, next: '/' } });
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /id="home-files-size"><strong>[\d.,]+ (kB|KB)<\/strong> <span>attached files, all units<\/span>/);
  assert.match(home.text, /class="storage" id="home-storage-1">· files [\d.,]+ (B|kB|KB) \/ [\d.,]+ (kB|KB)<\/small>/);
});
