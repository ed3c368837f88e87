// Defects left by the sessions of 2026-11-30 and fixed in the session after,
// on the demo's data: a line the CSV reader itself cannot read (a stray
// quote, bytes that are not UTF-8) is told in the reader's language, as every
// other error of the same import is, and so is a file saved as UTF-16.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer } from '../lib/server.mjs';
import { csrfOf, formLogin, loginAs, sql } from './_util.mjs';

let env, srv, officer;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  officer = await loginAs(srv.base, 'camau.officer', env.demoUsers['camau.officer'].password);
});

after(async () => {
  if (srv) await srv.stop();
});

function upload(client, route, bytes, name, headers = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), name);
  return client.req('POST', route, { raw: fd, headers });
}

test('a task import\'s unreadable CSV lines are told in the reader\'s language with their line numbers; nothing is written', async () => {
  const p = await officer.post('/api/v1/programmes', { json: { code: 'KH-CSV7', title: 'Kế hoạch 7/KH-UBND', kind: 'plan', owner_code: 'T-CAMAU-BCD57' } });
  assert.equal(p.status, 201, p.text);
  const route = `/api/v1/programmes/${p.data.id}/import`;
  const head = 'code,title,parent_code,lead_code,coordinators,assigned_on,due_on,product\n';
  const file = Buffer.concat([
    Buffer.from(head + 'A1,Nhiệm vụ một,,T-CAMAU-SKHCN,,01/02/2025,30/06/2025,Báo cáo\n'),
    Buffer.from('A2,"Nhiệm vụ" hai,,T-CAMAU-SKHCN,,01/02/2025,30/06/2025,\n'),
    Buffer.from('A3,Nhi'), Buffer.from([0xe1, 0xbb]), Buffer.from(',,T-CAMAU-SKHCN,,01/02/2025,30/06/2025,\n'),
  ]);
  const vi = await upload(officer, route, file, 'ds.csv');
  assert.equal(vi.status, 422, vi.text);
  assert.equal(vi.data.error.fields.file,
    'dòng 3: có chữ sau dấu ngoặc kép đóng ở ô thứ 2\ndòng 4: ô thứ 2 không phải văn bản UTF-8 hợp lệ');
  const hi = await upload(officer, route, file, 'ds.csv', { 'Accept-Language': 'hi' });
  assert.equal(hi.status, 422, hi.text);
  assert.match(hi.data.error.fields.file, /^पंक्ति 3: फ़ील्ड 2 में बंद उद्धरण-चिह्न के बाद पाठ\nपंक्ति 4: फ़ील्ड 2 मान्य UTF-8 नहीं है$/);
  // a file saved as UTF-16 (Excel's "Unicode Text")
  const u16 = await upload(officer, route, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(head, 'utf16le')]), 'ds.txt');
  assert.equal(u16.status, 422, u16.text);
  assert.equal(u16.data.error.fields.file, 'tệp là văn bản UTF-16, không phải UTF-8: hãy lưu thành "CSV UTF-8 (comma delimited)" hoặc .xlsx');
  assert.equal(sql(env.db, `SELECT count(*) FROM tasks WHERE programme_id = ${p.data.id}`), '0');
});

test('a private saved dashboard has an Open link, which shows its unit, indicators and periods', async () => {
  const admin = await loginAs(srv.base, 'admin', env.adminPassword);
  const sl = sql(env.db, "SELECT id FROM units WHERE code = 'T-SONLA'");
  const d = await admin.post('/api/v1/indicator-dashboards', { json: { slug: 's7-private', title: 'Sơn La nội bộ', unit_id: Number(sl),
    indicators: 'houses_supported,rural_hygienic_water', period_from: '2024', period_to: '2025', public: false } });
  assert.equal(d.status, 201, d.text);
  const b = await formLogin(srv.base, 'admin', env.adminPassword, 'vi');
  const page = await b.get(`/indicators/dashboard?unit_id=${sl}`);
  assert.equal(page.status, 200);
  const li = page.text.match(/<li>Sơn La nội bộ <small>[^]*?<\/li>/);
  assert.ok(li, 'the private dashboard is listed');
  const open = li[0].match(/<a href="([^"]+)">Mở<span class="sr"> Sơn La nội bộ<\/span><\/a>/);
  assert.ok(open, li[0]);
  const href = open[1].replace(/&amp;/g, '&');
  assert.equal(href, `/indicators/dashboard?unit_id=${sl}&indicators=houses_supported%2Crural_hygienic_water&from=2024&to=2025`);
  const shown = await b.get(href);
  assert.equal(shown.status, 200);
  assert.match(shown.text, /<title>Bảng tổng hợp · Tỉnh Sơn La/);
  assert.match(shown.text, /name="from" value="2024"/);
  assert.match(shown.text, /name="to" value="2025"/);
  const checked = [...shown.text.matchAll(/<input type="checkbox" name="indicators" value="([a-z_]+)" checked>/g)].map((m) => m[1]);
  assert.deepEqual(checked, ['houses_supported', 'rural_hygienic_water']);
});

test('an indicator value\'s history names who entered it by their name, their login beside', async () => {
  const off = await loginAs(srv.base, 'sonla.officer', env.demoUsers['sonla.officer'].password);
  const sl = sql(env.db, "SELECT id FROM units WHERE code = 'T-SONLA'");
  const e = await off.post('/api/v1/indicator-values', { json: { unit_id: Number(sl), period: '2026', values: [{ indicator: 'houses_supported', value: 120 }] } });
  assert.equal(e.status, 200, e.text);
  const b = await formLogin(srv.base, 'sonla.officer', env.demoUsers['sonla.officer'].password, 'vi');
  const page = await b.get(`/indicators/history?indicator=houses_supported&unit_id=${sl}&period=2026`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<td>Cán bộ Ban TĐKT Sơn La <small class="code">sonla\.officer<\/small><\/td><td>đã nhập<\/td>/);
  // the API still gives the login
  const h = await off.get(`/api/v1/indicator-values/history?indicator=houses_supported&unit_id=${sl}&period=2026`);
  assert.deepEqual(h.data.items.map((x) => [x.user, x.action, x.value]), [['sonla.officer', 'enter', 120]]);
  // approved, the value is no longer a field, and still has its unit of measure beside it
  const admin = await loginAs(srv.base, 'admin', env.adminPassword);
  const ap = await admin.post('/api/v1/indicator-values/approve', { json: { unit_id: Number(sl), period: '2026' } });
  assert.equal(ap.status, 200, ap.text);
  const entry = await b.get(`/indicators?unit_id=${sl}&period=2026`);
  assert.equal(entry.status, 200);
  const row = entry.text.match(/<tr[^>]*id="row-houses_supported"[^]*?<\/tr>/) || entry.text.match(/<tr[^>]*>(?:(?!<\/tr>)[^])*?houses_supported(?:(?!<\/tr>)[^])*<\/tr>/);
  assert.ok(row, 'the row of houses_supported');
  assert.doesNotMatch(row[0], /name="v\.houses_supported"/);
  assert.match(row[0], /<td>\s*120\u00a0căn\s*<\/td>/);
  const after = await b.get(`/indicators/history?indicator=houses_supported&unit_id=${sl}&period=2026`);
  assert.match(after.text, /<td>Quản trị hệ thống <small class="code">admin<\/small><\/td><td>đã phê duyệt \(khóa\)<\/td>/);
});

test('a decision\'s pasted nominees that fail are listed in the order of their lines, whichever check found them', async () => {
  const b = await formLogin(srv.base, 'admin', env.adminPassword, 'vi');
  const list = await b.get('/decisions');
  assert.equal(list.status, 200);
  // line 1 fails a late check (an award for collectives given to a person), line 2 the first (no such code)
  const bad = await b.post('/decisions', { form: { _csrf: csrfOf(list.text), authority_code: 'QN-QUANGYEN', number: '77/QĐ-UBND', date: '15/08/2024',
    signer: 'A', signer_title: 'Chủ tịch', nominees: 'CC00001203 TTLDXS\nNO-SUCH LDTT\nCC00001206 LDTT\n' } });
  assert.equal(bad.status, 422, bad.text.slice(0, 300));
  const box = bad.text.match(/<div class="error-summary error-msg" role="alert" id="error-summary" tabindex="-1" autofocus><p><b>[^<]+<\/b><\/p><ul>([^]*?)<\/ul><\/div>/);
  assert.ok(box, 'the error box');
  const items = [...box[1].matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
  assert.equal(items.length, 2, items.join('\n'));
  assert.equal(items[0], 'Hà Bích Nga — Tập thể lao động xuất sắc: Tập thể lao động xuất sắc do cấp bộ, ngành, tỉnh khen thưởng: '
    + 'cơ quan ban hành không có thẩm quyền khen thưởng này');
  assert.match(items[1], /^NO-SUCH\b.*: Không có người hoặc đơn vị nào có mã này$/);
});
