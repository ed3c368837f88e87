// Review 4 of the clusters (/tmp/REVIEW4.md items 1, 4, 7, 10, 11, 15, 16a):
// another authority's draft movement is neither listed in the criterion
// form nor accepted in a rule (form, API, import); points from data are
// read-only on a card never saved; the criteria import speaks the reader's
// language; bias z-scores and the rotation's confirmation are written the
// reader's way (page, PDF, workbook); the vote threshold says "of" once; the
// criterion form's errors are in the shared summary linking to their field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { unzip } from '../lib/xlsx_edit.mjs';

let demo, srv, admin, slOfficer, slReporter, bloc;
const NO_MOVEMENT = 'Không có phong trào này';

before(async () => {
  demo = makeDb({ demo: true });
  srv = await startServer(demo.db);
  const login = async (name) => {
    const c = new Client(srv.base);
    await c.login(name, name === 'admin' ? demo.adminPassword : demo.demoUsers[name].password);
    return c;
  };
  admin = await login('admin');
  slOfficer = await login('sonla.officer');
  slReporter = await login('sonla.stttt.reporter');
  const k = await slOfficer.post('/api/v1/clusters', { json: { code: 'KHOI-SL-SO', name: 'Khối các sở', kind: 'bloc', organiser_code: 'T-SONLA-HDTDKT' } });
  assert.equal(k.status, 201, k.text);
  const y = await slOfficer.post(`/api/v1/clusters/${k.data.id}/years`, { json: { year: 2026, members: ['T-SONLA-STTTT', 'T-SONLA-SKHCN'] } });
  assert.equal(y.status, 201, y.text);
  bloc = { id: k.data.id, api: `/api/v1/clusters/${k.data.id}/years/2026`, page: `/clusters/${k.data.id}/years/2026`, version: y.data.version,
    members: Object.fromEntries(y.data.members.map((m) => [m.code, m.id])) };
});

after(async () => { if (srv) await srv.stop(); });

const version = async (c = slOfficer) => (await c.get(bloc.api)).data.version;

test('item 1: another authority\'s draft is not a choice of "Lấy từ" and is refused in a rule like an unknown movement (form, API, import)', async () => {
  assert.equal((await slOfficer.get('/movements/17')).status, 404); // DVK2027, Quảng Yên's draft
  const form = await slOfficer.get(bloc.page);
  assert.equal(form.status, 200);
  assert.doesNotMatch(form.text, /DVK2027/);
  assert.match(form.text, /<option value="movement:SL-CCHC-CDS">/); // Sơn La's own, not a draft
  // the administrator reads every draft: listed for them
  assert.match((await admin.get(bloc.page)).text, /<optgroup label="Phong trào DVK2027 — [^"]+"><option value="movement:DVK2027">/);
  // the form
  const r = await slOfficer.post(bloc.page, { form: { what: 'criterion', version: await version(), c_code: 'A.3', c_title: 'Dân vận khéo', c_kind: 'score',
    c_max: '10', c_source: 'movement:DVK2027:vnd', c_thresholds: '1 = 5' } });
  assert.equal(r.status, 422, r.text);
  assert.match(r.text, new RegExp(`<p class="field-error" id="e-c_source">${NO_MOVEMENT}</p>`));
  // the API
  const api = await slOfficer.req('PUT', bloc.api + '/criteria', { json: { version: await version(), criteria: [
    { code: 'A.3', title: 'Dân vận khéo', kind: 'score', max: 10, rule: { source: 'movement', movement: 'DVK2027', metric: 'vnd', thresholds: [[1, 5]] } }] } });
  assert.equal(api.status, 422, api.text);
  assert.deepEqual(api.data.error.fields, { 'A.3': NO_MOVEMENT });
  // the import
  const fd = new FormData();
  fd.append('version', String(await version()));
  fd.append('file', new Blob(['code,kind,title,max,rule\nA.3,score,Dân vận khéo,10,"{""source"":""movement"",""movement"":""DVK2027"",""thresholds"":[[1,5]]}"\n'],
    { type: 'text/csv' }), 'sheet.csv');
  const imp = await slOfficer.req('POST', bloc.api + '/criteria/import', { raw: fd });
  assert.equal(imp.status, 422, imp.text);
  assert.equal(imp.data.error.fields.file, `dòng 2: ${NO_MOVEMENT}`);
  assert.deepEqual((await slOfficer.get(bloc.api)).data.criteria, []);
});

test('item 16a: an error of the criterion form is in the error summary, linked to its field, which says it too', async () => {
  const r = await slOfficer.post(bloc.page, { form: { what: 'criterion', version: await version(), c_code: 'A.1', c_title: 'Công tác chuyên môn', c_kind: 'score', c_max: '9.5' } });
  assert.equal(r.status, 422, r.text);
  const msg = 'Phải là số viết như 1.500.000,5';
  assert.match(r.text, new RegExp(`<div class="error-summary error-msg" role="alert" id="error-summary" tabindex="-1" autofocus>\\s*<p><b>Tiêu chí chưa được lưu</b> \\(1\\)</p>\\s*<ul>\\s*`
    + `<li><a href="#f-c_max">Điểm tối đa: ${msg}`));
  assert.match(r.text, new RegExp(`<input id="f-c_max" name="c_max" inputmode="decimal" value="9.5" aria-invalid="true" aria-describedby="e-c_max">\\s*<p class="field-error" id="e-c_max">${msg}`));
  // a sheet check (a maximum of 0) said at the maximum too
  const zero = await slOfficer.post(bloc.page, { form: { what: 'criterion', version: await version(), c_code: 'A.1', c_title: 'Công tác chuyên môn', c_kind: 'score', c_max: '0' } });
  assert.equal(zero.status, 422, zero.text);
  assert.match(zero.text, /<li><a href="#f-c_max">Điểm tối đa: [^<]+<\/a><\/li>/);
  assert.match(zero.text, /<p class="field-error" id="e-c_max">[^<]+<\/p>/);
});

test('item 4: points from data are shown computed and read-only on a card never saved, out of reach of typing; a typed value is ignored', async () => {
  const put = await slOfficer.req('PUT', bloc.api + '/criteria', { json: { version: await version(), criteria: [
    { code: 'A.1', title: 'Công tác chuyên môn', kind: 'score', max: 50 },
    { code: 'A.3', title: 'Cải cách hành chính', kind: 'score', max: 10, rule: { source: 'movement', movement: 'SL-CCHC-CDS', thresholds: [[0, 3]] } }] } });
  assert.equal(put.status, 200, put.text);
  const me = bloc.members['T-SONLA-STTTT'];
  const url = `${bloc.page}/score?scorer=${me}&target=${me}`;
  const card = await slReporter.get(url);
  assert.equal(card.status, 200, card.text);
  assert.match(card.text, /<input id="p-A\.3" name="points\.A\.3" class="points" inputmode="decimal" size="6" data-kind="score" data-max="1000" value="3" readonly>/);
  assert.match(card.text, /<input id="p-A\.1" name="points\.A\.1" class="points" inputmode="decimal" size="6" data-kind="score" data-max="5000" value="">/);
  const saved = await slReporter.post(bloc.page + '/score', { form: { scorer: me, target: me, kind: 'self', version: 0, do: 'save',
    'points.A.1': '40', 'points.A.3': '10', 'evidence.A.1': '', 'evidence.A.3': '' } });
  assert.equal(saved.status, 303, saved.text);
  const after = await slReporter.get(url);
  assert.match(after.text, /<input id="p-A\.3" [^>]*value="3" readonly>/);
  assert.match(after.text, /<output id="running-total" aria-live="polite">43<\/output>/);
});

test('item 7: the criteria import gives every reason of a line in the reader\'s language, "dòng N" in Vietnamese', async () => {
  const csv = 'code,parent,kind,title,max,evidence\n' +
    'A,,group,Nhóm A,,\n' +
    'A.1,A,score,Một,1.125,\n' +
    'A.2,A,score,Hai,"2,555",\n' +
    'A.4,A,score,Bốn,abc,\n' +
    'A.5,A,score,Năm,"1.000.001",\n';
  const upload = async (c) => {
    const fd = new FormData();
    fd.append('version', String(await version()));
    fd.append('file', new Blob([csv], { type: 'text/csv' }), 'sheet.csv');
    return c.req('POST', bloc.api + '/criteria/import', { raw: fd });
  };
  const vi = await upload(slOfficer);
  assert.equal(vi.status, 422, vi.text);
  assert.equal(vi.data.error.fields.file, [
    'dòng 3: điểm tối đa không rõ nghĩa: viết hàng nghìn không có dấu chấm (1125) và phần thập phân bằng dấu phẩy (1,5)',
    'dòng 4: điểm tối đa có quá hai chữ số thập phân',
    'dòng 5: điểm tối đa không phải là một số',
    'dòng 6: Điểm tối đa của tiêu chí phải từ 0 đến 1.000.000',
  ].join('\n'));
  // the page that sent the file, in Vietnamese: one reason a line, none in English
  const fd = new FormData();
  fd.append('what', 'import');
  fd.append('version', String(await version()));
  fd.append('file', new Blob([csv], { type: 'text/csv' }), 'sheet.csv');
  const page = await slOfficer.req('POST', bloc.page, { raw: fd });
  assert.equal(page.status, 422);
  assert.match(page.text, /<li class="import-errors">dòng 3: điểm tối đa không rõ nghĩa[^<]*\ndòng 4: điểm tối đa có quá hai chữ số thập phân\ndòng 5: /);
  assert.doesNotMatch(page.text, /line \d|the maximum/);
});

test('items 10, 11, 15: bias z-scores with the reader\'s decimal mark, the rotation confirmed on the office clock (page, PDF, XLSX), "of" said once', async () => {
  const y = (await admin.get('/api/v1/clusters/1/years/2023')).data;
  assert.match(y.rotation.confirmed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const t = new Date(Date.parse(y.rotation.confirmed_at) + 7 * 3600 * 1000);
  const p2 = (n) => String(n).padStart(2, '0');
  const local = `${p2(t.getUTCDate())}/${p2(t.getUTCMonth() + 1)}/${t.getUTCFullYear()} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}`;
  const page = await admin.get('/clusters/1/years/2023');
  assert.equal(page.status, 200);
  // z-scores: "-2,019" beside "-1,65", no decimal point
  const bias = page.text.match(/<table class="list" id="bias" tabindex="0">[\s\S]*?<\/table>/)[0];
  assert.match(bias, /Tỉnh Nghệ An<\/td><td class="num">5<\/td><td class="num">-1,65<\/td><td class="num">-2,019<\/td>/);
  assert.doesNotMatch(bias, /<td class="num">-?\d+\.\d{3}<\/td>/);
  assert.ok(page.text.includes(local), local);
  // the vote threshold: "trên" once
  assert.match(page.text, /Ngưỡng 50% trên tổng số thành viên \(6\)/);
  assert.doesNotMatch(page.text, /trên trên/);
  const en = new Client(srv.base);
  en.cookies = { ...admin.cookies };
  const enPage = await en.get('/clusters/1/years/2023', { headers: { 'Accept-Language': 'en' } });
  if (/lang="en"/.test(enPage.text)) assert.doesNotMatch(enPage.text, /of of/);
  // the PDF: the same z-score and the local date and time
  const pdf = await fetch(srv.base + '/api/v1/clusters/1/years/2023/summary?format=pdf', { headers: { Authorization: 'Bearer ' + admin.token, Cookie: Object.entries(admin.cookies).map(([k, v]) => `${k}=${v}`).join('; ') } });
  assert.equal(pdf.status, 200);
  const file = path.join(demo.dir, 'summary-review4.pdf');
  fs.writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.match(text, /-2,019/);
  assert.doesNotMatch(text, /-2\.019/);
  assert.ok(text.includes(local), text.slice(-600));
  assert.ok(!text.includes(y.rotation.confirmed_at));
  // the workbook: a date cell (dd/mm/yyyy hh:mm) on the office clock, not the stored text
  const x = await fetch(srv.base + '/api/v1/clusters/1/years/2023/summary?format=xlsx', { headers: { Authorization: 'Bearer ' + admin.token, Cookie: Object.entries(admin.cookies).map(([k, v]) => `${k}=${v}`).join('; ') } });
  assert.equal(x.status, 200);
  const files = unzip(Buffer.from(await x.arrayBuffer()));
  const strings = (files['xl/sharedStrings.xml'] || Buffer.from('')).toString('utf8');
  assert.ok(!strings.includes(y.rotation.confirmed_at));
  const wb = files['xl/workbook.xml'].toString('utf8');
  const names = [...wb.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
  const n = names.indexOf('Năm sau') + 1;
  assert.ok(n > 0, names.join(','));
  const sheet = files[`xl/worksheets/sheet${n}.xml`].toString('utf8');
  const b3 = sheet.match(/<c r="B3"[^>]*>(?:<v>([^<]*)<\/v>)?<\/c>/);
  assert.ok(b3, sheet);
  const serial = Number(b3[1]);
  const days = Math.floor(serial), mins = Math.round((serial - days) * 1440);
  const d = new Date(Date.UTC(1899, 11, 30) + days * 86400000 + mins * 60000);
  assert.equal(`${p2(d.getUTCDate())}/${p2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`, local);
  assert.match(files['xl/styles.xml'].toString('utf8'), /formatCode="dd\/mm\/yyyy hh:mm"/);
});
