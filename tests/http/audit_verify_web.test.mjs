// The audit log's chain checked from the web (GET /audit/verify), as
// `thidua audit verify` checks it: an administrator of the whole tree reads
// that it is intact and how many entries were checked, or each entry
// changed or removed behind the application's back, in their language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, addUser, testPassword } from '../lib/server.mjs';
import { formLogin, loginAs, mkUnit, sql } from './_util.mjs';

let env, srv, admin;
const items = (html) => [...html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const api = await loginAs(srv.base, 'admin', env.adminPassword);
  await mkUnit(api, 'T-KT', 'Tỉnh Kiểm Tra', 'province');
  await mkUnit(api, 'KT-SNV', 'Sở Nội vụ', 'department', (await api.get('/api/v1/units?q=T-KT')).data.items[0].id);
  addUser(env.db, 'kt.admin', 'admin', 'T-KT');
  admin = await formLogin(srv.base, 'admin', env.adminPassword);
});
after(async () => { await srv.stop(); });

test('an untouched chain: intact, with the number of entries checked; the log page links the check', async () => {
  const n = Number(sql(env.db, 'SELECT count(*) FROM audit_log'));
  assert.ok(n >= 5);
  const r = await admin.get('/audit/verify');
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`<p class="flash" role="status">Chuỗi nhật ký nguyên vẹn: ${n} mục đã kiểm tra, không mục nào bị sửa, xóa hay thêm ngoài ứng dụng\\.</p>`));
  assert.match((await admin.get('/audit')).text, /<a href="\/audit\/verify">Kiểm tra chuỗi ngay<\/a>/);
  const en = await formLogin(srv.base, 'admin', env.adminPassword, 'en');
  assert.match((await en.get('/audit/verify')).text, new RegExp(`The chain is intact: ${n} entries checked, none changed`));
});

test('an entry changed and one deleted behind the application\'s back are each named', async () => {
  sql(env.db, "UPDATE audit_log SET note = 'sửa lén' WHERE id = 2");
  sql(env.db, 'DELETE FROM audit_log WHERE id = 4');
  const n = Number(sql(env.db, 'SELECT count(*) FROM audit_log'));
  const r = await admin.get('/audit/verify');
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`<p><b>2 vấn đề trong chuỗi</b> \\(${n} mục đã kiểm tra\\)</p>`));
  assert.deepEqual(items(r.text.slice(r.text.indexOf('role="alert"'))).slice(0, 2),
    ['Mục 2 đã bị sửa sau khi ghi', 'Thiếu mục 4 (đã bị xóa)']);
});

test('an administrator of a province and a reporter may not check it', async () => {
  const prov = await formLogin(srv.base, 'kt.admin', testPassword('kt.admin'));
  assert.equal((await prov.get('/audit/verify')).status, 403);
  addUser(env.db, 'kt.reporter', 'reporter', 'KT-SNV');
  const rep = await formLogin(srv.base, 'kt.reporter', testPassword('kt.reporter'));
  assert.equal((await rep.get('/audit/verify')).status, 403);
});
