// Users managed on the web (/users) and one's own account (/account): an
// administrator adds a user (a password made and shown once, or typed), finds
// users by unaccented words, grants and revokes roles, makes a new password
// and disables an account — only for users whose roles all lie in the units
// they administer; everyone changes their own password (the current one
// first; the other sessions and API tokens end, this one stays), name and
// e-mail. Every form error at once, what was typed kept, 409 on a stale form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, testPassword, Client } from '../lib/server.mjs';
import { addUserAsync, csrfOf, formLogin, mkUnit, sql, unescape } from './_util.mjs';

let env, srv, admin, hn, hnWard, qn, hnAdmin;

const fieldErrors = (html) => Object.fromEntries([...html.matchAll(/<p class="field-error" id="e-([^"]+)">([\s\S]*?)<\/p>/g)].map((m) => [m[1], unescape(m[2])]));
const shownPassword = (html) => { const m = html.match(/<code class="password">([^<]+)<\/code>/); return m ? unescape(m[1]) : null; };
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));

async function post(c, page, action, fields) {
  const p = await c.get(page);
  assert.equal(p.status, 200, p.text);
  return c.post(action, { form: { _csrf: csrfOf(p.text), ...fields } });
}

// a user added by the administrator's form with a typed password; { id, password }
async function addUser(c, login, role, unitId, fullName = login) {
  const password = testPassword(login);
  const r = await post(c, '/users/new', '/users', { login, full_name: fullName, email: '', role, unit_id: String(unitId), password });
  assert.equal(r.status, 303, r.text);
  const id = Number(r.headers.get('location').split('/').pop());
  return { id, password };
}

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const api = new Client(srv.base);
  await api.login('admin', env.adminPassword);
  hn = await mkUnit(api, 'T-HN', 'Thành phố Hà Nội', 'province');
  hnWard = await mkUnit(api, 'HN-HK', 'Phường Hoàn Kiếm', 'ward', hn.id);
  qn = await mkUnit(api, 'T-QN', 'Tỉnh Quảng Ninh', 'province');
  admin = await formLogin(srv.base, 'admin', env.adminPassword);
  hnAdmin = await formLogin(srv.base, 'hn.admin', await addUserAsync(BIN, env.db, 'hn.admin', 'admin', 'T-HN'));
});

after(async () => { if (srv) await srv.stop(); });

test('an administrator adds a user without typing a password: one is made, shown once, and logs in; the list finds the user by unaccented words', async () => {
  const r = await post(admin, '/users/new', '/users', {
    login: 'Nguyen.Van.An', full_name: 'Nguyễn Văn An', email: 'an.nv@hanoi.gov.vn', role: 'officer', unit_id: String(hn.id), password: '',
  });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /<h1>Nguyễn Văn An<\/h1>/);
  const pw = shownPassword(r.text);
  assert.match(pw, /^[a-zA-Z0-9]{14}$/);
  assert.match(text(r.text), /Mật khẩu của nguyen.van.an: \S+ Hãy trao trực tiếp cho người dùng\. Mật khẩu chỉ hiện một lần này/);
  assert.match(text(r.text), /cán bộ Ban TĐKT Thành phố Hà Nội/);
  // the login was stored lower-cased and logs in with the password shown
  const an = await formLogin(srv.base, 'NGUYEN.VAN.AN', pw);
  const home = await an.get('/');
  assert.match(home.text, /<a class="user" href="\/account" title="Tài khoản của tôi">Nguyễn Văn An · cán bộ Ban TĐKT, Thành phố Hà Nội<\/a>/);
  // found without accents, by role, and the list says how many
  const list = await admin.get('/users?q=nguyen%20van&role=officer');
  assert.equal(list.status, 200);
  assert.match(text(list.text), /1 người dùng/);
  assert.match(list.text, /<a href="\/users\/\d+">nguyen\.van\.an<\/a><\/td>\s*<td>Nguyễn Văn An<\/td>\s*<td>cán bộ Ban TĐKT — Thành phố Hà Nội<\/td>\s*<td>an\.nv@hanoi\.gov\.vn<\/td>/);
  const none = await admin.get('/users?q=nguyen%20van&role=reporter');
  assert.match(text(none.text), /0 người dùng/);
  // the user's page keeps the history in words
  const id = list.text.match(/<a href="\/users\/(\d+)">nguyen\.van\.an/)[1];
  const page = await admin.get(`/users/${id}`);
  assert.match(text(page.text), /Lịch sử .* admin tạo tài khoản/);
  assert.equal(shownPassword(page.text), null, 'the password is not shown again');
});

test('a new user\'s form reports every mistake at once in Vietnamese, keeps what was typed and never echoes the password', async () => {
  const r = await post(admin, '/users/new', '/users', { login: 'tran van b', full_name: '', email: 'b@', role: '', unit_id: '', password: 'password' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(fieldErrors(r.text), {
    login: 'Tên đăng nhập có từ 1 đến 64 ký tự: chữ a–z, chữ số và . _ - @, không có dấu cách',
    full_name: 'Bắt buộc nhập',
    email: 'Không phải địa chỉ thư điện tử',
    'f-role': 'Hãy chọn vai trò',
    unit_id: 'Bắt buộc nhập',
    password: 'Ít nhất 10 ký tự',
  });
  assert.match(r.text, /<input id="f-login" name="login" value="tran van b"/);
  assert.match(r.text, /<input id="f-email" name="email" type="email" autocomplete="off" value="b@"/);
  assert.doesNotMatch(r.text, /value="password"/);
  // a dictionary word, and a login taken in another case
  const r2 = await post(admin, '/users/new', '/users', { login: 'ADMIN', full_name: 'Quản trị hai', role: 'viewer', unit_id: String(qn.id), password: 'elephants99' });
  assert.equal(r2.status, 422);
  const e2 = fieldErrors(r2.text);
  assert.equal(e2.login, 'Tên đăng nhập này đã có người dùng (chữ hoa và chữ thường được coi là một)');
  assert.equal(e2.password, 'Quá dễ đoán: dựa trên một từ trong từ điển');
  const r3 = await post(admin, '/users/new', '/users', { login: 'le.thi.c', full_name: 'Lê Thị C', role: 'viewer', unit_id: String(qn.id), password: 'xx-le.thi.c-2024' });
  assert.equal(fieldErrors(r3.text).password, 'Không được chứa tên đăng nhập');
});

test('a province\'s administrator sees and manages only the users of the province, and grants roles only there', async () => {
  const inHn = await addUser(admin, 'hk.reporter', 'reporter', hnWard.id, 'Phạm Thu Hà');
  const inQn = await addUser(admin, 'qn.officer', 'officer', qn.id);
  const both = await addUser(admin, 'tw.hn', 'officer', hn.id);
  let r = await post(admin, `/users/${both.id}`, `/users/${both.id}`, { action: 'grant', role: 'viewer', unit_id: String(qn.id) });
  assert.equal(r.status, 303, r.text);
  const list = await hnAdmin.get('/users?active=all');
  assert.equal(list.status, 200);
  const logins = [...list.text.matchAll(/<a href="\/users\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
  assert.ok(logins.includes('hk.reporter') && logins.includes('tw.hn') && logins.includes('hn.admin'), logins.join());
  assert.ok(!logins.includes('qn.officer') && !logins.includes('admin'), logins.join());
  r = await hnAdmin.get(`/users/${inQn.id}`);
  assert.equal(r.status, 403);
  assert.match(text(r.text), /Người dùng này không có vai trò nào trong các đơn vị bạn quản trị/);
  // a role outside the province: refused beside the unit, nothing written
  r = await post(hnAdmin, `/users/${inHn.id}`, `/users/${inHn.id}`, { action: 'grant', role: 'viewer', unit_id: String(qn.id) });
  assert.equal(r.status, 422);
  assert.equal(fieldErrors(r.text).unit_id, 'Ngoài các đơn vị bạn quản trị');
  // a user who also holds a role elsewhere is shown, not managed
  const page = await hnAdmin.get(`/users/${both.id}`);
  assert.equal(page.status, 200);
  assert.match(text(page.text), /Người dùng này còn có vai trò ngoài các đơn vị bạn quản trị: quản trị viên của tất cả các đơn vị đó mới thay đổi được tài khoản\./);
  assert.doesNotMatch(page.text, /value="password"/);
  r = await hnAdmin.post(`/users/${both.id}`, { form: { _csrf: csrfOf(page.text), action: 'password' } });
  assert.equal(r.status, 403);
  // the picker of the grant form offers the province's units only
  const pick = await hnAdmin.get('/pick/units?for=admin&q=quang%20ninh');
  assert.equal(pick.status, 200);
  assert.doesNotMatch(pick.text, /Tỉnh Quảng Ninh/);
});

test('roles are granted and revoked; a role held already, the only role and a role not held are refused in words', async () => {
  const u = await addUser(admin, 'grant.me', 'reporter', hnWard.id);
  let r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'grant', role: 'reporter', unit_id: String(hnWard.id) });
  assert.equal(r.status, 422);
  assert.equal(fieldErrors(r.text)['f-grant-role'], 'Người dùng đã có vai trò này ở đơn vị này');
  r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'grant', role: 'officer', unit_id: String(hn.id) });
  assert.equal(r.status, 303);
  let page = await admin.get(`/users/${u.id}`);
  assert.match(text(page.text), /Đã cấp vai trò/);
  assert.match(text(page.text), /cán bộ Ban TĐKT Thành phố Hà Nội Thu hồi báo cáo viên Phường Hoàn Kiếm Thu hồi/);
  r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'revoke', role: 'reporter', unit_id: String(hnWard.id) });
  assert.equal(r.status, 303);
  r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'revoke', role: 'officer', unit_id: String(hn.id) });
  assert.equal(r.status, 422);
  assert.equal(fieldErrors(r.text)['f-grant-role'], 'Đây là vai trò duy nhất của người dùng: hãy khóa tài khoản thay vì thu hồi');
  r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'revoke', role: 'viewer', unit_id: String(hn.id) });
  assert.equal(fieldErrors(r.text)['f-grant-role'], 'Người dùng không có vai trò này ở đơn vị này');
  page = await admin.get(`/users/${u.id}`);
  assert.match(text(page.text), /cấp vai trò .* thu hồi vai trò|thu hồi vai trò .* cấp vai trò/);
});

test('a new password made by the administrator is shown once; the old one and the user\'s sessions stop working', async () => {
  const u = await addUser(admin, 'forgot.pw', 'viewer', qn.id);
  const session = await formLogin(srv.base, 'forgot.pw', u.password);
  assert.equal((await session.get('/')).status, 200);
  const r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'password' });
  assert.equal(r.status, 200, r.text);
  const pw = shownPassword(r.text);
  assert.ok(pw && pw !== u.password);
  const gone = await session.get('/');
  assert.equal(gone.status, 303);
  assert.match(gone.headers.get('location'), /^\/login/);
  const c = new Client(srv.base);
  const bad = await c.post('/api/v1/login', { json: { login: 'forgot.pw', password: u.password } });
  assert.equal(bad.status, 401);
  await formLogin(srv.base, 'forgot.pw', pw);
});

test('an account is disabled and enabled again; an administrator cannot disable their own account here', async () => {
  const u = await addUser(admin, 'on.leave', 'council', qn.id);
  let r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'disable' });
  assert.equal(r.status, 303);
  let page = await admin.get(`/users/${u.id}`);
  assert.match(text(page.text), /Đã khóa tài khoản: các phiên của nó đã chấm dứt/);
  assert.match(page.text, /<h1>on\.leave <span class="inactive">\(đã khóa\)<\/span><\/h1>/);
  const c = new Client(srv.base);
  assert.equal((await c.post('/api/v1/login', { json: { login: 'on.leave', password: u.password } })).status, 401);
  const list = await admin.get('/users?q=on.leave');
  assert.doesNotMatch(list.text, /on\.leave<\/a>/, 'a disabled account is left out unless asked for');
  const all = await admin.get('/users?q=on.leave&active=all');
  assert.match(all.text, /on\.leave<\/a> <span class="inactive">\(đã khóa\)<\/span>/);
  r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'enable' });
  assert.equal(r.status, 303);
  await formLogin(srv.base, 'on.leave', u.password);
  const self = await admin.get('/users?q=admin&role=admin');
  const adminId = self.text.match(/<a href="\/users\/(\d+)">admin<\/a>/)[1];
  page = await admin.get(`/users/${adminId}`);
  assert.match(text(page.text), /Đây là tài khoản của bạn: đổi mật khẩu, họ tên và thư điện tử ở trang Tài khoản của tôi\./);
  r = await admin.post(`/users/${adminId}`, { form: { _csrf: csrfOf(page.text), action: 'disable' } });
  assert.equal(r.status, 403);
});

test('a name changed meanwhile by someone else: 409 with what was typed over the current version', async () => {
  const u = await addUser(admin, 'renamed', 'viewer', qn.id, 'Đỗ Văn Cũ');
  const page = await admin.get(`/users/${u.id}`);
  const version = page.text.match(/name="action" value="profile">\s*<input type="hidden" name="version" value="(\d+)">/)[1];
  let r = await admin.post(`/users/${u.id}`, { form: { _csrf: csrfOf(page.text), action: 'profile', version, full_name: 'Đỗ Văn Mới', email: 'moi@qn.gov.vn' } });
  assert.equal(r.status, 303);
  r = await admin.post(`/users/${u.id}`, { form: { _csrf: csrfOf(page.text), action: 'profile', version, full_name: 'Đỗ Văn Khác', email: '' } });
  assert.equal(r.status, 409);
  assert.match(r.text, /<input id="f-full_name" name="full_name" value="Đỗ Văn Khác"/);
  assert.match(r.text, new RegExp(`name="version" value="${Number(version) + 1}"`));
  const found = await admin.get('/users?q=do%20van%20moi');
  assert.match(found.text, /renamed<\/a>/);
});

test('everyone changes their own password: the current one first, the new one by the policy; other sessions and tokens end, this one stays', async () => {
  const u = await addUser(admin, 'self.change', 'reporter', hnWard.id);
  const browser = await formLogin(srv.base, 'self.change', u.password);
  const other = await formLogin(srv.base, 'self.change', u.password);
  const api = new Client(srv.base);
  await api.login('self.change', u.password);
  let page = await browser.get('/account');
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1>Tài khoản của tôi<\/h1>/);
  assert.match(text(page.text), /Vai trò báo cáo viên — Phường Hoàn Kiếm/);
  let r = await browser.post('/account', { form: { _csrf: csrfOf(page.text), action: 'password', current: 'wrong-one-123', password: 'Moi-mat-khau-2025', password2: 'Moi-mat-khau-2025' } });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldErrors(r.text), { current: 'Đây không phải mật khẩu hiện tại của bạn' });
  r = await browser.post('/account', { form: { _csrf: csrfOf(page.text), action: 'password', current: u.password, password: 'Moi-mat-khau-2025', password2: 'Moi-mat-khau-2026' } });
  assert.deepEqual(fieldErrors(r.text), { password2: 'Hai lần nhập mật khẩu mới không khớp' });
  r = await browser.post('/account', { form: { _csrf: csrfOf(page.text), action: 'password', current: u.password, password: 'abc', password2: 'abc' } });
  assert.deepEqual(fieldErrors(r.text), { password: 'Ít nhất 10 ký tự' });
  assert.doesNotMatch(r.text, new RegExp(u.password.replace(/[.*+?^${}()|[\]\\!]/g, '\\$&')), 'no password is echoed');
  // without the CSRF token: refused
  r = await browser.post('/account', { form: { action: 'password', current: u.password, password: 'Moi-mat-khau-2025', password2: 'Moi-mat-khau-2025' } });
  assert.equal(r.status, 403);
  r = await browser.post('/account', { form: { _csrf: csrfOf(page.text), action: 'password', current: u.password, password: 'Moi-mat-khau-2025', password2: 'Moi-mat-khau-2025' } });
  assert.equal(r.status, 303, r.text);
  page = await browser.get('/account');
  assert.equal(page.status, 200, 'this session stays');
  assert.match(text(page.text), /Đã đổi mật khẩu\. Các phiên khác và mã API của bạn đã chấm dứt\./);
  assert.equal((await other.get('/')).status, 303, 'the other session ended');
  assert.equal((await api.get('/api/v1/me')).status, 401, 'the API token ended');
  await formLogin(srv.base, 'self.change', 'Moi-mat-khau-2025');
  const hist = await admin.get(`/users/${u.id}`);
  assert.match(text(hist.text), /self\.change đổi mật khẩu/);
});

test('one\'s own name and e-mail change on the account page; a wrong e-mail is refused beside its box', async () => {
  const u = await addUser(admin, 'own.name', 'viewer', qn.id, 'Vũ Thị Tên');
  const c = await formLogin(srv.base, 'own.name', u.password, 'en');
  let page = await c.get('/account');
  assert.match(page.text, /<h1>Your account<\/h1>/);
  const version = page.text.match(/name="action" value="profile">\s*<input type="hidden" name="version" value="(\d+)">/)[1];
  let r = await c.post('/account', { form: { _csrf: csrfOf(page.text), action: 'profile', version, full_name: 'Vũ Thị Tên Mới', email: 'not-an-address' } });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldErrors(r.text), { email: 'Not an e-mail address' });
  assert.match(r.text, /value="Vũ Thị Tên Mới"/);
  r = await c.post('/account', { form: { _csrf: csrfOf(page.text), action: 'profile', version, full_name: 'Vũ Thị Tên Mới', email: 'ten.moi@qn.gov.vn' } });
  assert.equal(r.status, 303);
  page = await c.get('/account');
  assert.match(page.text, /<a class="user" href="\/account" aria-current="page" title="Your account">Vũ Thị Tên Mới · viewer, Tỉnh Quảng Ninh<\/a>/);
  assert.match(page.text, /value="ten\.moi@qn\.gov\.vn"/);
});

test('who is not an administrator has no users pages and no menu entry for them', async () => {
  const u = await addUser(admin, 'just.reporter', 'reporter', hnWard.id);
  const c = await formLogin(srv.base, 'just.reporter', u.password);
  const home = await c.get('/');
  assert.doesNotMatch(home.text, /href="\/users"/);
  assert.equal((await c.get('/users')).status, 403);
  assert.equal((await c.get(`/users/${u.id}`)).status, 403);
  const adminHome = await admin.get('/');
  assert.match(adminHome.text, /<a href="\/users">Người dùng<\/a>/);
});

test('the audit log lists every change newest first, by login typed in any case, by kind and by record; only an administrator of the whole tree reads it', async () => {
  const u = await addUser(admin, 'audited', 'viewer', qn.id, 'Hồ Văn Ghi');
  let r = await post(admin, `/users/${u.id}`, `/users/${u.id}`, { action: 'grant', role: 'council', unit_id: String(qn.id) });
  assert.equal(r.status, 303);
  r = await admin.get(`/audit?entity=user&id=${u.id}`);
  assert.equal(r.status, 200);
  const rows = [...r.text.matchAll(/<tr>\s*<td class="nowrap">[^<]+<\/td>\s*<td>([^<]+)<\/td>\s*<td>([^<]+)<\/td>\s*<td><a href="([^"]+)">([^<]+)<\/a><\/td>/g)].map((m) => [m[1], m[2], m[3], m[4]]);
  assert.deepEqual(rows, [
    ['admin', 'cấp vai trò', `/users/${u.id}`, `Người dùng #${u.id}`],
    ['admin', 'tạo mới', `/users/${u.id}`, `Người dùng #${u.id}`],
  ]);
  assert.match(r.text, /<summary>trước và sau<\/summary><p><b>Sau<\/b><\/p><pre>\{&quot;role&quot;:&quot;council&quot;,&quot;unit_code&quot;:&quot;T-QN&quot;\}<\/pre>/);
  // the newest left out: the page before a given entry
  const newest = Number(sql(env.db, `SELECT max(id) FROM audit_log WHERE entity = 'user' AND entity_id = ${u.id}`));
  r = await admin.get(`/audit?entity=user&id=${u.id}&before=${newest}`);
  assert.doesNotMatch(r.text, /cấp vai trò/);
  assert.match(r.text, /tạo mới/);
  // a login typed in capitals finds the lower-cased one; the user's page links to it
  r = await admin.get('/audit?login=ADMIN&entity=user');
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`href="/users/${u.id}">Người dùng #${u.id}</a>`));
  const page = await admin.get(`/users/${u.id}`);
  assert.match(page.text, /<a href="\/audit\?login=audited">Mọi thay đổi người dùng này đã thực hiện<\/a>/);
  // a province's administrator and a reporter may not read it
  r = await hnAdmin.get('/audit');
  assert.equal(r.status, 403);
  assert.match(text(r.text), /Nhật ký hệ thống chỉ dành cho quản trị viên toàn hệ thống/);
  assert.equal((await admin.get('/audit?entity=nope')).status, 400);
});

test('the audit log between two days typed the Vietnamese way, on the office\'s clock; a day that is no day is said at its box', async () => {
  const u = await addUser(admin, 'dated', 'viewer', qn.id);
  // the entry's time moved to 23:30 UTC of 31/12/2024, which is 06:30 of 01/01/2025 in Hà Nội (+07:00)
  sql(env.db, `UPDATE audit_log SET at = '2024-12-31T23:30:00Z' WHERE entity = 'user' AND entity_id = ${u.id} AND action = 'create'`);
  const rows = async (q) => [...(await admin.get(`/audit?entity=user&id=${u.id}&${q}`)).text.matchAll(/<td class="nowrap">([^<]+)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(await rows('from=01%2F01%2F2025&to=01%2F01%2F2025'), ['01/01/2025 06:30']);
  assert.deepEqual(await rows('from=&to=31%2F12%2F2024'), []);
  assert.deepEqual(await rows('from=02%2F01%2F2025&to='), []);
  const bad = await admin.get(`/audit?entity=user&id=${u.id}&from=31%2F02%2F2025`);
  assert.equal(bad.status, 400);
  assert.deepEqual(fieldErrors(bad.text), { af: 'Không phải là ngày hợp lệ (dd/mm/yyyy)' });
  assert.match(bad.text, /<input id="af" name="from" value="31\/02\/2025"/);
});

test('the audit log between two days is in time order, newest first, and its pages neither repeat nor skip entries of the same second, whatever their ids', async () => {
  const api = new Client(srv.base);
  await api.login('admin', env.adminPassword);
  const units = [];
  for (let i = 0; i < 55; i++) units.push((await mkUnit(api, `AU-${i}`, `Đơn vị ghi ${i}`, 'ward', qn.id)).id);
  // the 55 entries in id order: a[i] = [audit id, unit id]
  const a = sql(env.db, `SELECT id || '|' || entity_id FROM audit_log WHERE entity = 'unit' AND action = 'create' AND entity_id IN (${units}) ORDER BY id`)
    .split('\n').map((l) => l.split('|').map(Number));
  assert.equal(a.length, 55);
  // on 10/03/2020 (Hà Nội's clock), newest first: a[0], the oldest id, is the newest; six entries of one second
  // (ids scattered) straddle the end of the first page (50 entries); two older ones end the day
  const tie = [54, 50, 40, 30, 20, 10];
  const rest = [...Array(55).keys()].filter((i) => i !== 0 && !tie.includes(i)).reverse();
  const order = [0, ...rest.slice(0, 46), ...tie, ...rest.slice(46)];
  assert.equal(order.length, 55);
  const at = (k) => `2020-03-10T${String(1 + Math.floor(k / 60)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00Z`;
  const when = new Map();
  order.forEach((i, pos) => when.set(i, pos < 47 ? at(200 - pos) : pos < 53 ? at(100) : at(60 - pos)));
  sql(env.db, [...when].map(([i, t]) => `UPDATE audit_log SET at = '${t}' WHERE id = ${a[i][0]};`).join(' '));
  const page = async (url) => {
    const r = await admin.get(url);
    assert.equal(r.status, 200, url);
    const next = r.text.match(/<a rel="next" href="([^"]+)">/);
    return { units: [...r.text.matchAll(/<td><a href="\/units\/(\d+)">/g)].map((m) => Number(m[1])), next: next && unescape(next[1]) };
  };
  const day = '/audit?from=10%2F03%2F2020&to=10%2F03%2F2020';
  const p1 = await page(day);
  assert.deepEqual(p1.units, order.slice(0, 50).map((i) => a[i][1]));
  // the key of the last entry shown, a[40], the third of the six of one second: its time and its id
  assert.equal(p1.next, `${day}&before_at=2020-03-10T02%3A40%3A00Z&before=${a[40][0]}`);
  const p2 = await page(p1.next);
  assert.deepEqual(p2.units, [30, 20, 10, ...rest.slice(46)].map((i) => a[i][1]));
  assert.equal(p2.next, null);
  // an address from before the time order (before= alone) goes on from that entry's time
  const old = await page(`${day}&before=${a[50][0]}`);
  assert.deepEqual(old.units, [40, 30, 20, 10, ...rest.slice(46)].map((i) => a[i][1]));
  // without days the log stays in id order, and its pager says only the id
  const all = await page('/audit?entity=unit');
  assert.match(all.next, /^\/audit\?entity=unit&before=\d+$/);
  assert.equal((await admin.get(`${day}&before_at=yesterday&before=${a[40][0]}`)).status, 400);
});
