// Movement imports, as the user review met them: numbers in a file are read
// the Vietnamese way (1.500 is one thousand five hundred; an ambiguous 1.125
// is refused at its line); a line about another unit's model, report or
// registration gets the answer a line about nothing would get; the errors
// are in the language of the page that sent the file and name the file's
// column; a results import counts reports and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { sql, addUserAsync } from './_util.mjs';
import { readSheet } from '../lib/xlsx_edit.mjs';

let env, srv, admin, camau, mv;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const pw = await addUserAsync(BIN, env.db, 'mio.camau', 'reporter', 'T-CAMAU-SKHCN');
  camau = new Client(srv.base);
  await camau.login('mio.camau', pw);
  mv = (await admin.get('/api/v1/movements/DVK2026')).data;
  // the review's model: Yên Giang ward's, which Cà Mau may not read
  let r = await admin.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-P-YENGIANG' } });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-P-YENGIANG', code: 'YG-01', title: 'Đèn đường thông minh',
    field: 'economy', description: 'Lắp đèn', started_on: '2026-03-15' } });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  if (srv) await srv.stop();
});

const imp = async (c, kind, text, headers = {}) => {
  const fd = new FormData();
  fd.append('file', new Blob([text]), kind + '.csv');
  return c.waitJob(await c.req('POST', `/api/v1/movements/${mv.id}/import/${kind}`, { raw: fd, headers }));
};
const RES = 'Mã mô hình,Ngày báo cáo,Mã kết quả,Giá trị,Ghi chú\n';
const values = (note) => sql(env.db, `SELECT mt.code || '=' || r.value FROM model_results r JOIN model_reports p ON p.id = r.report_id ` +
  `JOIN movement_metrics mt ON mt.id = r.metric_id WHERE p.note = '${note}' ORDER BY mt.code`).split('\n')
  .map((x) => x.replace(/=(.*)$/, (_, v) => '=' + Number(v))); /* the same text on SQLite and PostgreSQL */

test('results: 1.500 is one thousand five hundred, 1.500.000 and 80,5 are read as typed, an ambiguous 1.125 is refused at its line', async () => {
  let r = await imp(admin, 'results', RES + 'YG-01,2026-11-03,households,1.500,mio-a\nYG-01,2026-11-03,vnd,1.500.000,mio-a\n' +
    'YG-01,2026-11-03,area_m2,"80,5",mio-a\nYG-01,2026-11-03,length_m,2.000,mio-a\n');
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.deepEqual(values('mio-a'), ['area_m2=80.5', 'households=1500', 'length_m=2000', 'vnd=1500000']);
  r = await imp(admin, 'results', RES + 'YG-01,2026-11-04,households,1.125,mio-b\nYG-01,2026-11-04,vnd,12abc,mio-b\n');
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.errors, [
    'dòng 2: Giá trị: Có thể hiểu theo hai cách: viết số hàng nghìn không có dấu chấm (1125) và số thập phân bằng dấu phẩy (1,125)',
    'dòng 3: Giá trị: Không phải là số: hãy viết như 1.500.000 hoặc 80,5']);
  assert.equal(sql(env.db, "SELECT count(*) FROM model_reports WHERE note = 'mio-b'"), '0');
});

test('a CSV export writes decimals with a comma and re-imports unchanged', async () => {
  let r = await imp(admin, 'results', RES + 'YG-01,2026-11-05,area_m2,"1,125",mio-c\n');
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.deepEqual(values('mio-c'), ['area_m2=1.125']);
  const x = await admin.get(`/movements/${mv.id}/export/results?format=csv`);
  assert.match(x.text, /\r\nYG-01,05\/11\/2026,area_m2,"1,125",mio-c\r\n/);
  r = await imp(admin, 'results', x.text);
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.deepEqual([r.result.inserted, r.result.updated], [0, 0]);
});

// A file for people: dates written dd/mm/yyyy (CSV) or as date cells shown
// so (XLSX), as every other export of the product; the imports read those,
// ISO dates as older files have them, and refuse anything else at its line.
test('exports write dates dd/mm/yyyy (CSV) or as date cells (XLSX); the imports read them back, and ISO too', async () => {
  let r = await imp(admin, 'models', 'Mã mô hình,Mã đơn vị,Tên gọi,Lĩnh vực,Ngày bắt đầu\nYG-D1,QY-P-YENGIANG,Vườn hoa,economy,01/03/2026\n' +
    'YG-D2,QY-P-YENGIANG,Chợ sạch,economy,2026-04-02\n');
  assert.equal(r.status, 'done', JSON.stringify(r));
  const started = (code) => sql(env.db, `SELECT started_on FROM models WHERE code = '${code}'`);
  assert.deepEqual([started('YG-D1'), started('YG-D2')], ['2026-03-01', '2026-04-02']);
  r = await imp(admin, 'results', RES + 'YG-D1,02/11/2026,households,12,mio-d\nYG-D1,2026-11-02,vnd,1.000.000,mio-d\n');
  assert.equal(r.status, 'done', JSON.stringify(r));
  // both rows are one report: the same day, however written
  assert.deepEqual([r.result.reports, r.result.inserted], [1, 1]);
  assert.equal(sql(env.db, "SELECT reported_on FROM model_reports WHERE note = 'mio-d'"), '2026-11-02');
  // the CSV exports: dd/mm/yyyy
  const models = (await admin.get(`/movements/${mv.id}/export/models?format=csv`)).text;
  assert.match(models, /\r\nYG-D1,QY-P-YENGIANG,Vườn hoa,economy,,,01\/03\/2026,/);
  assert.match(models, /\r\nYG-01,QY-P-YENGIANG,Đèn đường thông minh,economy,,Lắp đèn,15\/03\/2026,/);
  const results = (await admin.get(`/movements/${mv.id}/export/results?format=csv`)).text;
  assert.match(results, /\r\nYG-D1,02\/11\/2026,vnd,1000000,mio-d\r\nYG-D1,02\/11\/2026,households,12,mio-d\r\n/);
  const regs = (await admin.get(`/movements/${mv.id}/export/registrations?format=csv`)).text;
  const today = sql(env.db, `SELECT registered_on FROM registrations g JOIN units u ON u.id = g.unit_id WHERE u.code = 'QY-P-YENGIANG' AND g.movement_id = ${mv.id}`);
  assert.ok(regs.includes(`\r\nQY-P-YENGIANG,Phường Yên Giang,${today.split("-").reverse().join("/")},`), regs);
  // each re-imports unchanged
  for (const [kind, text] of [['models', models], ['results', results], ['registrations', regs]]) {
    r = await imp(admin, kind, text);
    assert.equal(r.status, 'done', `${kind}: ${JSON.stringify(r)}`);
    assert.deepEqual([r.result.inserted, r.result.updated, r.result.rejected], [0, 0, 0], kind);
  }
  // the workbooks: a date cell of Excel's date format, read back as the same day
  for (const what of ['models', 'results']) {
    const x = await fetch(srv.base + `/movements/${mv.id}/export/${what}?format=xlsx`, { headers: { Authorization: 'Bearer ' + admin.token } });
    const book = Buffer.from(await x.arrayBuffer());
    // Excel's serial number of the day (since 30/12/1899), not a text
    const rows = Object.values(readSheet(book));
    const serial = (iso) => String((Date.parse(iso + 'T00:00:00Z') - Date.UTC(1899, 11, 30)) / 86400000);
    if (what === 'models') assert.equal(rows.find((c) => c[0] === 'YG-D1')[6], serial('2026-03-01'));
    else assert.deepEqual(rows.filter((c) => c[0] === 'YG-D1').map((c) => c[1]), [serial('2026-11-02'), serial('2026-11-02')]);
    const fd = new FormData();
    fd.append('file', new Blob([book]), what + '.xlsx');
    r = await admin.waitJob(await admin.req('POST', `/api/v1/movements/${mv.id}/import/${what}`, { raw: fd }));
    assert.equal(r.status, 'done', `${what}: ${JSON.stringify(r)}`);
    assert.deepEqual([r.result.inserted, r.result.updated, r.result.rejected], [0, 0, 0], what);
  }
  assert.deepEqual([started('YG-D1'), started('YG-01')], ['2026-03-01', '2026-03-15']);
  // a date that is none: refused at its line, naming the column and the form to write
  r = await imp(admin, 'results', RES + 'YG-D1,31/02/2026,households,1,mio-e\nYG-D1,hôm qua,households,1,mio-e\n');
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.errors, ['dòng 2: Ngày báo cáo: Không phải là ngày hợp lệ (dd/mm/yyyy)', 'dòng 3: Ngày báo cáo: Không phải là ngày hợp lệ (dd/mm/yyyy)']);
});

test('registrations: a commitment typed 1.500.000 is one and a half million', async () => {
  const r = await imp(admin, 'registrations', 'Mã đơn vị,Nội dung cam kết,Cam kết: Kinh phí huy động (VND)\nQN-QUANGYEN,Cam kết,1.500.000\n');
  assert.equal(r.status, 'done', JSON.stringify(r));
  const g = (await admin.get(`/api/v1/movements/${mv.id}/registrations`)).data.items.find((x) => x.unit_code === 'QN-QUANGYEN');
  assert.deepEqual(g.commitments, { vnd: 1500000 });
});

test('another unit\'s model: the same answer whether it exists or not, its owner and content never compared nor named', async () => {
  const stored = sql(env.db, `SELECT d.title || '|' || d.field_code || '|' || COALESCE(d.description, '') || '|' || COALESCE(d.started_on, '') ` +
    `FROM models d WHERE d.movement_id = ${mv.id} AND d.code = 'YG-01'`).split('|');
  const line = (code, unit) => `Mã mô hình,Mã đơn vị,Tên gọi,Lĩnh vực,Mã đơn vị chủ trì,Mô tả,Ngày bắt đầu\n` +
    `${code},${unit},"${stored[0]}",${stored[1]},,"${stored[2]}",${stored[3]}\n`;
  for (const unit of ['QY-P-YENGIANG', 'T-CAMAU-SKHCN']) {
    const real = await imp(camau, 'models', line('YG-01', unit));
    const none = await imp(camau, 'models', line('KHONG-CO-99', unit));
    assert.equal(real.status, 'failed', `${unit}: ${JSON.stringify(real)}`);
    assert.deepEqual(real.errors, none.errors, unit);
    assert.ok(!real.errors.join('\n').includes('QY-P-YENGIANG') || unit === 'QY-P-YENGIANG', real.errors.join('\n'));
    assert.doesNotMatch(real.errors.join('\n'), /thuộc về/);
  }
  // a report of it, typed as stored: refused as for a model that does not exist
  const real = await imp(camau, 'results', RES + 'YG-01,2026-11-03,households,1.500,mio-a\n');
  const none = await imp(camau, 'results', RES + 'KHONG-CO-99,2026-11-03,households,1.500,mio-a\n');
  assert.equal(real.status, 'failed');
  assert.deepEqual(real.errors, ["dòng 2: Mã mô hình: Phong trào không có mô hình 'YG-01'"]);
  assert.deepEqual(none.errors, ["dòng 2: Mã mô hình: Phong trào không có mô hình 'KHONG-CO-99'"]);
});

test('the errors are in the language of the page that sent the file and name the column as the file does', async () => {
  const file = 'Mã mô hình,Mã đơn vị,Tên gọi,Lĩnh vực,Mã đơn vị chủ trì,Mô tả,Ngày bắt đầu\n' +
    'MIO-1,QY-P-YENGIANG,Mô hình thử,economy,,,31/02/2026\nMIO-2,QY-XYZ,Mô hình thử,economy,,,\nMIO-3,QY-P-YENGIANG,Mô hình thử,health,,,\n';
  const want = {
    vi: ['dòng 2: Ngày bắt đầu: Không phải là ngày hợp lệ (dd/mm/yyyy)', "dòng 3: Mã đơn vị: Không có đơn vị nào có mã 'QY-XYZ'",
      'dòng 4: Lĩnh vực: Không phải lĩnh vực của phong trào này'],
    en: ['line 2: Ngày bắt đầu: Is not a date (dd/mm/yyyy)', "line 3: Mã đơn vị: No unit has the code 'QY-XYZ'",
      'line 4: Lĩnh vực: Is not a field of this movement'],
  };
  for (const lang of ['vi', 'en']) {
    const r = await imp(admin, 'models', file, { 'Accept-Language': lang });
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.errors, want[lang], lang);
  }
  const r = await imp(admin, 'models', file, { 'Accept-Language': 'hi' });
  assert.match(r.errors[1], /^पंक्ति 3: Mã đơn vị: किसी इकाई का कोड 'QY-XYZ' नहीं है$/);
});

test('a results import counts reports and says so: "N báo cáo (M dòng)"', async () => {
  const dvk = (await admin.get('/api/v1/movements/DVK2024')).data;
  const csv = (await admin.get(`/movements/${dvk.id}/export/results?format=csv`)).text;
  const lines = csv.trim().split('\r\n').length - 1;
  const fd = new FormData();
  fd.append('file', new Blob([csv]), 'r.csv');
  const j = await admin.waitJob(await admin.req('POST', `/api/v1/movements/${dvk.id}/import/results`, { raw: fd }));
  assert.equal(j.status, 'done', JSON.stringify(j));
  const reports = Number(sql(env.db, `SELECT count(*) FROM model_reports p JOIN models d ON d.id = p.model_id WHERE d.movement_id = ${dvk.id}`));
  assert.deepEqual(j.result, { lines, inserted: 0, updated: 0, unchanged: reports, rejected: 0, reports });
  assert.ok(lines > reports);
  const page = await admin.get(`/jobs/${j.id}`);
  const fmt = (n) => n.toLocaleString('de-DE');
  assert.ok(page.text.includes(`Đã nhập dữ liệu từ tệp: ${fmt(reports)} báo cáo (${fmt(lines)} dòng) — 0 mới, 0 thay đổi, ${fmt(reports)} không đổi.`), page.text.match(/<p class="notice">.*<\/p>/)?.[0]);
});
