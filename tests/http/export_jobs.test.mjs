// Exports and the PDF report as background jobs (issue 8): POST …/exports and
// …/reports answer 202 with the job; the job's `file` has the same bytes as
// the synchronous download, which stays as it was. Only the job's owner (or
// an admin) sees the job and its file; the rights are those of the download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, csrfOf, mkUnit, sql } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, officer, colleague, reporter, mv, pwO;
const day = (offset) => officeDay(offset);

// the bytes of a download, as a Buffer (the client reads text)
async function bytes(c, p) {
  const r = await fetch(srv.base + p, { headers: { Authorization: 'Bearer ' + c.token } });
  assert.equal(r.status, 200, p);
  return { headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

const upload = (c, kind, text) => {
  const fd = new FormData();
  fd.append('file', new Blob([text], { type: 'text/csv' }), `${kind}.csv`);
  return c.req('POST', `/api/v1/movements/${mv.id}/import/${kind}`, { raw: fd });
};

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const root = await mkUnit(admin, 'EJ', 'Huyện Xuất', 'district');
  for (let i = 0; i < 3; i++) await mkUnit(admin, `EJ-${i}`, `Xã Xuất ${i}`, 'commune', root.id);
  let pwC, pwR;
  [pwO, pwC, pwR] = await Promise.all([
    addUserAsync(BIN, env.db, 'ej.officer', 'officer', 'EJ'),
    addUserAsync(BIN, env.db, 'ej.colleague', 'officer', 'EJ'),
    addUserAsync(BIN, env.db, 'ej.reporter', 'reporter', 'EJ-0'),
  ]);
  officer = new Client(srv.base);
  colleague = new Client(srv.base);
  reporter = new Client(srv.base);
  await Promise.all([officer.login('ej.officer', pwO), colleague.login('ej.colleague', pwC), reporter.login('ej.reporter', pwR)]);
  let r = await officer.post('/api/v1/movements', {
    json: { code: 'EXPJ', title: 'Phong trào thử xuất', kind: 'regular', authority_code: 'EJ', starts_on: day(-10), ends_on: day(300),
      register_by: day(30), scope: ['EJ'], fields: ['economy'] },
  });
  assert.equal(r.status, 201, r.text);
  r = await officer.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  mv = r.data;
  let j = await officer.waitJob(await upload(officer, 'registrations', 'unit_code,pledge\nEJ-0,Một\nEJ-1,Hai\nEJ-2,Ba\n'));
  assert.equal(j.status, 'done', JSON.stringify(j));
  j = await officer.waitJob(await upload(officer, 'models',
    'code,unit_code,title,field\nEJ-M1,EJ-0,Đường hoa,economy\nEJ-M2,EJ-1,Chợ sạch,economy\nEJ-M3,EJ-2,Nhà văn hoá,economy\n'));
  assert.equal(j.status, 'done', JSON.stringify(j));
});

after(async () => { await srv.stop(); });

test('an export job of the models as CSV ends done, and its file is the synchronous download byte for byte', async () => {
  const r = await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'models', format: 'csv' } });
  assert.equal(r.status, 202, r.text);
  assert.match(r.headers.get('location'), /^\/api\/v1\/jobs\/\d+$/);
  assert.equal(r.data.kind, 'export');
  // the file is named once the job is done: the 202 has none, unless the
  // worker finished before the answer was written (seen under make test's load)
  if (r.data.status !== 'done') assert.equal(r.data.file, undefined, JSON.stringify(r.data));
  else assert.equal(r.data.file, `/api/v1/jobs/${r.data.id}/file`);
  const j = await officer.waitJob(r);
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal(j.file, `/api/v1/jobs/${j.id}/file`);
  // through the client: the answer conforms to the document
  const f = await officer.get(j.file);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(f.headers.get('content-disposition'), 'attachment; filename="EXPJ-models.csv"');
  const job = await bytes(officer, j.file);
  const sync = await bytes(officer, `/movements/${mv.id}/export/models?format=csv`);
  assert.ok(job.body.length > 100);
  assert.ok(job.body.equals(sync.body), 'the same bytes as GET /movements/{id}/export/models');
  assert.match(job.body.toString('utf-8'), /EJ-M2,EJ-1,Chợ sạch,economy/);
  // the browser's address of the same file
  assert.ok((await bytes(officer, `/jobs/${j.id}/file`)).body.equals(sync.body));
});

test('an XLSX export job gives a workbook', async () => {
  const r = await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'registrations', format: 'xlsx' } });
  const j = await officer.waitJob(r);
  assert.equal(j.status, 'done', JSON.stringify(j));
  const f = await bytes(officer, j.file);
  assert.equal(f.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(f.body.subarray(0, 2).toString('latin1'), 'PK');
  assert.equal(f.headers.get('content-disposition'), 'attachment; filename="EXPJ-registrations.xlsx"');
});

test('a PDF report job with the dashboard filters gives a PDF; the synchronous report still answers', async () => {
  const r = await officer.post(`/api/v1/movements/${mv.id}/reports?levels=1&field=economy`);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.data.kind, 'report_pdf');
  const j = await officer.waitJob(r);
  assert.equal(j.status, 'done', JSON.stringify(j));
  const f = await bytes(officer, j.file);
  assert.equal(f.headers.get('content-type'), 'application/pdf');
  assert.equal(f.body.subarray(0, 4).toString('latin1'), '%PDF');
  assert.equal(f.headers.get('content-disposition'), 'attachment; filename="EXPJ.pdf"');
  const s = await bytes(officer, `/movements/${mv.id}/report.pdf?levels=1&field=economy`);
  assert.equal(s.body.subarray(0, 4).toString('latin1'), '%PDF');
  // a bad filter is refused as the dashboard refuses it, and queues nothing
  const bad = await officer.post(`/api/v1/movements/${mv.id}/reports?from=yesterday`);
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.data.error.fields.from);
});

test('someone else gets 404 for the job and its file; an admin sees both', async () => {
  const j = await officer.waitJob(await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'results', format: 'csv' } }));
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal((await colleague.get(`/api/v1/jobs/${j.id}`)).status, 404);
  assert.equal((await colleague.get(`/api/v1/jobs/${j.id}/file`)).status, 404);
  assert.equal((await reporter.get(`/api/v1/jobs/${j.id}/file`)).status, 404);
  assert.equal((await admin.get(`/api/v1/jobs/${j.id}/file`)).status, 200);
  // a job that produced no file (an import) has none to download
  const imp = await officer.waitJob(await upload(officer, 'registrations', 'unit_code,pledge\nEJ-0,Một\n'));
  assert.equal(imp.file, undefined);
  assert.equal((await officer.get(`/api/v1/jobs/${imp.id}/file`)).status, 404);
  // nor does a job not yet done
  const owner = sql(env.db, "SELECT id FROM users WHERE login = 'ej.officer'");
  const id = sql(env.db, `INSERT INTO jobs (kind, owner_id, status, created_at) VALUES ('export', ${owner}, 'running', '2026-01-01T00:00:00Z') RETURNING id`);
  assert.equal((await officer.get(`/api/v1/jobs/${id}`)).data.status, 'running');
  assert.equal((await officer.get(`/api/v1/jobs/${id}/file`)).status, 404);
});

test("a reporter may not start the organiser's export (403, as for the download)", async () => {
  assert.equal((await reporter.get(`/movements/${mv.id}/export/models?format=csv`)).status, 403);
  const r = await reporter.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'models', format: 'csv' } });
  assert.equal(r.status, 403, r.text);
});

// A job changes no data: who may download a file may have it prepared in the
// background. A viewer of the organiser's unit reads the movement whole; a
// viewer of a commune reads the dashboard of their commune.
test('viewers start the export and PDF jobs their downloads allow and get the files; the import is neither offered nor allowed', async () => {
  const [pwV, pwVc] = await Promise.all([addUserAsync(BIN, env.db, 'ej.viewer', 'viewer', 'EJ'), addUserAsync(BIN, env.db, 'ej.viewer0', 'viewer', 'EJ-0')]);
  const session = async (login, password) => {
    const c = new Client(srv.base);
    const page = await c.get('/login');
    assert.equal((await c.post('/login', { form: { _csrf: csrfOf(page.text), login, password, next: '/' } })).status, 303);
    return c;
  };
  const viewer = await session('ej.viewer', pwV);
  const models = await viewer.get(`/movements/${mv.id}/models`);
  assert.equal(models.status, 200);
  // the exports and their background form, not the import (a viewer writes nothing)
  assert.match(models.text, new RegExp(`action="/movements/${mv.id}/exports"`));
  assert.doesNotMatch(models.text, new RegExp(`action="/movements/${mv.id}/import"`));
  let r = await viewer.post(`/movements/${mv.id}/exports`, { form: { _csrf: csrfOf(models.text), what: 'models', format: 'csv' } });
  assert.equal(r.status, 303, r.text);
  let id = r.headers.get('location').split('/').pop();
  let j = await viewer.waitJob({ status: 202, headers: new Headers({ location: `/api/v1/jobs/${id}` }) });
  assert.equal(j.status, 'done', JSON.stringify(j));
  let page = await viewer.get(`/jobs/${id}`);
  assert.match(page.text, new RegExp(`href="/jobs/${id}/file"`));
  let f = await viewer.get(`/jobs/${id}/file`);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-disposition'), 'attachment; filename="EXPJ-models.csv"');
  assert.match(f.text, /EJ-M2,EJ-1,Chợ sạch,economy/);
  // the dashboard's PDF in the background
  const dash = await viewer.get(`/movements/${mv.id}/dashboard`);
  assert.ok(dash.text.includes('<button type="submit">Chuẩn bị tệp PDF trong nền</button>'));
  r = await viewer.post(`/movements/${mv.id}/reports`, { form: { _csrf: csrfOf(dash.text) } });
  assert.equal(r.status, 303, r.text);
  id = r.headers.get('location').split('/').pop();
  j = await viewer.waitJob({ status: 202, headers: new Headers({ location: `/api/v1/jobs/${id}` }) });
  assert.equal(j.status, 'done', JSON.stringify(j));
  f = await viewer.get(`/jobs/${id}/file`);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'application/pdf');
  // the import: 403, and nothing queued
  const n = sql(env.db, "SELECT count(*) FROM jobs WHERE kind LIKE 'import%'");
  const fd = new FormData();
  fd.append('_csrf', csrfOf(models.text));
  fd.append('kind', 'models');
  fd.append('file', new Blob(['code,unit_code,title,field\nEJ-V1,EJ-0,Thử,economy\n'], { type: 'text/csv' }), 'models.csv');
  r = await viewer.req('POST', `/movements/${mv.id}/import`, { raw: fd });
  assert.equal(r.status, 403, r.text);
  assert.equal(sql(env.db, "SELECT count(*) FROM jobs WHERE kind LIKE 'import%'"), n);

  // a viewer of a commune: no export of the whole movement (403 as for the download), its commune's PDF
  const viewer0 = await session('ej.viewer0', pwVc);
  const models0 = await viewer0.get(`/movements/${mv.id}/models`);
  assert.doesNotMatch(models0.text, /action="\/movements\/\d+\/(exports|import)"/);
  r = await viewer0.post(`/movements/${mv.id}/exports`, { form: { _csrf: csrfOf(models0.text), what: 'models', format: 'csv' } });
  assert.equal(r.status, 403);
  const dash0 = await viewer0.get(`/movements/${mv.id}/dashboard`);
  r = await viewer0.post(`/movements/${mv.id}/reports`, { form: { _csrf: csrfOf(dash0.text) } });
  assert.equal(r.status, 303, r.text);
  id = r.headers.get('location').split('/').pop();
  j = await viewer0.waitJob({ status: 202, headers: new Headers({ location: `/api/v1/jobs/${id}` }) });
  assert.equal(j.status, 'done', JSON.stringify(j));
  f = await viewer0.get(`/jobs/${id}/file`);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'application/pdf');
});

test('a bad what or format is 422 naming the field, and queues nothing', async () => {
  const n = sql(env.db, "SELECT count(*) FROM jobs WHERE kind = 'export'");
  let r = await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'people', format: 'csv' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(Object.keys(r.data.error.fields), ['what']);
  r = await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'models', format: 'pdf' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(Object.keys(r.data.error.fields), ['format']);
  r = await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { format: 'csv' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(Object.keys(r.data.error.fields), ['what']);
  assert.equal(sql(env.db, "SELECT count(*) FROM jobs WHERE kind = 'export'"), n);
});

test('the page: "prepare the file" posts a job, 303 to its page, which links the file when done', async () => {
  const c = new Client(srv.base);
  const login = await c.get('/login');
  assert.equal((await c.post('/login', { form: { _csrf: csrfOf(login.text), login: 'ej.officer', password: pwO, next: '/' } })).status, 303);
  const page = await c.get(`/movements/${mv.id}/models`); // beside the export links
  assert.match(page.text, new RegExp(`action="/movements/${mv.id}/exports"`));
  let r = await c.post(`/movements/${mv.id}/exports`, { form: { _csrf: csrfOf(page.text), what: 'models', format: 'xlsx' } });
  assert.equal(r.status, 303, r.text);
  const loc = r.headers.get('location');
  assert.match(loc, /^\/jobs\/\d+$/);
  const id = loc.split('/').pop();
  const j = await officer.waitJob({ status: 202, headers: new Headers({ location: `/api/v1/jobs/${id}` }) });
  assert.equal(j.status, 'done', JSON.stringify(j));
  r = await c.get(loc);
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`href="/jobs/${id}/file"`));
  // the dashboard's form carries its filters to the report job
  const dash = await c.get(`/movements/${mv.id}/dashboard?levels=1`);
  assert.match(dash.text, new RegExp(`action="/movements/${mv.id}/reports\\?levels=1"`));
  r = await c.post(`/movements/${mv.id}/reports?levels=1`, { form: { _csrf: csrfOf(dash.text) } });
  assert.equal(r.status, 303, r.text);
  assert.match(r.headers.get('location'), /^\/jobs\/\d+$/);
});

test('a file is dropped 7 days after its job ended (at the next start of the worker); the job stays', async () => {
  const j = await officer.waitJob(await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'models', format: 'csv' } }));
  assert.equal(j.status, 'done', JSON.stringify(j));
  const fresh = await officer.waitJob(await officer.post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'models', format: 'xlsx' } }));
  sql(env.db, `UPDATE jobs SET finished_at = '2020-01-01T00:00:00Z' WHERE id = ${j.id}`);
  await srv.stop();
  srv = await startServer(env.db);
  for (const c of [admin, officer, colleague, reporter]) c.base = srv.base;
  // the worker drops old outputs when it starts, then hourly
  for (let i = 0; i < 100 && sql(env.db, `SELECT count(*) FROM job_outputs WHERE job_id = ${j.id}`) !== '0'; i++) await new Promise((res) => setTimeout(res, 50));
  const old = await officer.get(`/api/v1/jobs/${j.id}`);
  assert.equal(old.status, 200);
  assert.equal(old.data.status, 'done');
  assert.equal(old.data.file, undefined);
  assert.equal((await officer.get(`/api/v1/jobs/${j.id}/file`)).status, 404);
  assert.equal((await officer.get(fresh.file)).status, 200);
});
