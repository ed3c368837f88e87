// User administration from the command line (review 3: H2, M7, L3, L4, M8):
// a password reset revokes the API tokens as well as the sessions; roles
// granted and revoked, an account enabled again; logins checked and one in
// any case; the password may not hold even a short login; the login throttle
// says how many seconds to wait; the awards' multiples and the base salary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, addUser, startServer, Client, testPassword, dbDir, BIN } from '../lib/server.mjs';
import { thiduaAsync, setCookies, sql } from './_util.mjs';

let env, srv;
const run = (args) => thiduaAsync(BIN, [...args, '--db', env.db]);
const pwFile = (name, text) => {
  const f = path.join(dbDir(env.db), name);
  fs.writeFileSync(f, text + '\n');
  return f;
};
const auditRows = (entity, action) => sql(env.db, `SELECT count(*) FROM audit_log WHERE entity = '${entity}' AND action = '${action}'`);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
});

after(async () => {
  if (srv) await srv.stop();
});

// a browser logged in through the form: its session cookie
async function browserSession(login, password) {
  const c = new Client(srv.base);
  const page = await c.get('/login');
  const pre = setCookies(page).find((s) => s.startsWith('tdpre=')).slice(6, 70);
  const r = await c.post('/login', { form: { login, password, next: '/', _csrf: pre } });
  assert.equal(r.status, 303, r.text);
  return c;
}

test('H2: user passwd revokes the API tokens as well as the sessions, and says so', async () => {
  addUser(env.db, 'reset.me', 'viewer', 'VN');
  const api = new Client(srv.base);
  await api.login('reset.me', testPassword('reset.me'));
  const browser = await browserSession('reset.me', testPassword('reset.me'));
  for (let i = 0; i < 3; i++) {
    assert.equal((await api.get('/api/v1/me')).status, 200);
    assert.equal((await browser.get('/api/v1/me')).status, 200);
  }
  const r = await run(['user', 'passwd', '--login', 'reset.me', '--password-file', pwFile('reset.new', 'Hx7-rotated-Pq2')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'password changed for reset.me; their sessions and tokens are revoked\n');
  for (let i = 0; i < 3; i++) {
    const me = await api.get('/api/v1/me');
    assert.equal(me.status, 401);
    assert.equal(me.data.error.code, 'unauthenticated');
    assert.equal((await browser.get('/api/v1/me')).status, 401);
  }
  assert.equal(sql(env.db, "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.login = 'reset.me'"), '0');
  // the new password works, the old one not
  assert.equal((await new Client(srv.base).post('/api/v1/login', { json: { login: 'reset.me', password: testPassword('reset.me') } })).status, 401);
  const fresh = new Client(srv.base);
  await fresh.login('reset.me', 'Hx7-rotated-Pq2');
  // a generated password: printed, and the same revocation
  const g = await run(['user', 'passwd', '--login', 'reset.me']);
  assert.equal(g.code, 0, g.stderr);
  const m = g.stdout.match(/^reset\.me password: (\S{16})\n\(their sessions and tokens are revoked\)\n$/);
  assert.ok(m, g.stdout);
  assert.equal((await fresh.get('/api/v1/me')).status, 401);
  await new Client(srv.base).login('reset.me', m[1]);
});

test('M7: user grant and revoke change the roles, audited; the last role stays', async () => {
  addUser(env.db, 'moved.officer', 'officer', 'VN');
  const c = new Client(srv.base);
  await c.login('moved.officer', testPassword('moved.officer'));
  let r = await run(['user', 'grant', '--login', 'moved.officer', '--role', 'viewer', '--unit', 'VN']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'granted moved.officer the role viewer on VN\n', '']);
  let me = await c.get('/api/v1/me');
  assert.deepEqual(me.data.roles.map((x) => x.role).sort(), ['officer', 'viewer']);
  r = await run(['user', 'grant', '--login', 'moved.officer', '--role', 'viewer', '--unit', 'VN']);
  assert.deepEqual([r.code, r.stdout], [0, 'moved.officer has the role viewer on VN already\n']);
  r = await run(['user', 'grant', '--login', 'moved.officer', '--role', 'boss', '--unit', 'VN']);
  assert.deepEqual([r.code, r.stderr], [1, "unknown role 'boss' (admin, officer, reporter, council, viewer)\n"]);
  r = await run(['user', 'grant', '--login', 'moved.officer', '--role', 'viewer', '--unit', 'NOPE']);
  assert.deepEqual([r.code, r.stderr], [1, "no unit has the code 'NOPE'\n"]);
  r = await run(['user', 'revoke', '--login', 'moved.officer', '--role', 'officer', '--unit', 'VN']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'revoked the role officer on VN from moved.officer\n', '']);
  me = await c.get('/api/v1/me');
  assert.deepEqual(me.data.roles.map((x) => x.role), ['viewer']);
  r = await run(['user', 'revoke', '--login', 'moved.officer', '--role', 'officer', '--unit', 'VN']);
  assert.deepEqual([r.code, r.stderr], [1, 'moved.officer does not have the role officer on VN\n']);
  r = await run(['user', 'revoke', '--login', 'moved.officer', '--role', 'viewer', '--unit', 'VN']);
  assert.deepEqual([r.code, r.stdout, r.stderr],
    [1, '', 'the role viewer on VN is the last of moved.officer; a user keeps at least one (disable the account instead)\n']);
  assert.equal(sql(env.db, "SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.login = 'moved.officer'"), '1');
  const uid = sql(env.db, "SELECT id FROM users WHERE login = 'moved.officer'");
  assert.equal(sql(env.db, `SELECT action || ' ' || COALESCE(before, '-') || ' ' || COALESCE(after, '-') FROM audit_log WHERE entity = 'user' AND entity_id = ${uid} AND action IN ('grant', 'revoke') ORDER BY id`),
    'grant - {"role":"viewer","unit_code":"VN"}\nrevoke {"role":"officer","unit_code":"VN"} -');
  const help = await thiduaAsync(BIN, ['user', '--help']);
  assert.equal(help.code, 0);
  for (const s of ['thidua user grant --login L --role ROLE --unit CODE', 'thidua user revoke --login L --role ROLE --unit CODE', 'thidua user enable --login L'])
    assert.ok(help.stdout.includes(s), s);
});

test('M7: disable twice says so; enable lets the user in again, audited', async () => {
  addUser(env.db, 'on.leave', 'viewer', 'VN');
  let r = await run(['user', 'disable', '--login', 'on.leave']);
  assert.deepEqual([r.code, r.stdout], [0, 'disabled on.leave; their sessions and tokens are revoked\n']);
  r = await run(['user', 'disable', '--login', 'on.leave']);
  assert.deepEqual([r.code, r.stdout], [0, 'on.leave is disabled already\n']);
  const login = () => new Client(srv.base).post('/api/v1/login', { json: { login: 'on.leave', password: testPassword('on.leave') } });
  assert.equal((await login()).status, 401);
  r = await run(['user', 'enable', '--login', 'on.leave']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'enabled on.leave; they may log in again\n', '']);
  assert.equal((await login()).status, 200);
  r = await run(['user', 'enable', '--login', 'on.leave']);
  assert.deepEqual([r.code, r.stdout], [0, 'on.leave is enabled already\n']);
  const uid = sql(env.db, "SELECT id FROM users WHERE login = 'on.leave'");
  assert.equal(sql(env.db, `SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = ${uid} AND action IN ('disable', 'enable') ORDER BY id`), 'disable\nenable');
  r = await run(['user', 'enable', '--login', 'nobody.here']);
  assert.deepEqual([r.code, r.stderr], [1, "no user with the login 'nobody.here'\n"]);
});

test('L3: empty, blank, spaced and case-twin logins are refused; logins are found in any case', async () => {
  const pf = pwFile('l3.pw', 'Gh7#kLm2pQzr');
  const add = (login) => run(['user', 'add', '--login', login, '--role', 'officer', '--unit', 'VN', '--password-file', pf]);
  let r = await add('');
  assert.deepEqual([r.code, r.stderr], [1, 'the login is empty\n']);
  r = await add(' t2 ');
  assert.deepEqual([r.code, r.stderr], [1, "the login ' t2 ' holds a space; a login is one word\n"]);
  r = await add('a b');
  assert.deepEqual([r.code, r.stderr], [1, "the login 'a b' holds a space; a login is one word\n"]);
  r = await add('t1');
  assert.deepEqual([r.code, r.stdout], [0, 'added t1\n']);
  r = await add('T1');
  assert.deepEqual([r.code, r.stderr], [1, "a user with the login 't1' exists already (logins are the same in any case)\n"]);
  r = await add('Mixed.Case');
  assert.deepEqual([r.code, r.stdout], [0, 'added mixed.case\n']);
  assert.equal(sql(env.db, "SELECT count(*) FROM users WHERE lower(login) IN ('', ' t2 ', 'a b', 't1', 'mixed.case')"), '2');
  assert.equal(sql(env.db, "SELECT count(*) FROM users WHERE login IN ('t2', 'T1', 'Mixed.Case')"), '0');
  // the API login in any case; an empty login is never a user
  for (const l of ['t1', 'T1', 'MIXED.case'])
    assert.equal((await new Client(srv.base).post('/api/v1/login', { json: { login: l, password: 'Gh7#kLm2pQzr' } })).status, 200, l);
  assert.equal((await new Client(srv.base).post('/api/v1/login', { json: { login: '', password: 'Gh7#kLm2pQzr' } })).status, 401);
  // the command line finds them in any case too
  r = await run(['user', 'email', '--login', 'T1', '--email', 't1@example.vn']);
  assert.deepEqual([r.code, r.stdout], [0, 'e-mail of t1: t1@example.vn\n']);
});

test('L3: an old mixed-case login keeps working, as written and in any case', async () => {
  addUser(env.db, 'old.mixed', 'viewer', 'VN');
  sql(env.db, "UPDATE users SET login = 'Old.Mixed' WHERE login = 'old.mixed'");
  for (const l of ['Old.Mixed', 'old.mixed', 'OLD.MIXED'])
    assert.equal((await new Client(srv.base).post('/api/v1/login', { json: { login: l, password: testPassword('old.mixed') } })).status, 200, l);
  const r = await run(['user', 'add', '--login', 'old.MIXED', '--role', 'viewer', '--unit', 'VN', '--password-file', pwFile('om.pw', 'Gh7#kLm2pQzr')]);
  assert.deepEqual([r.code, r.stderr], [1, "a user with the login 'old.mixed' exists already (logins are the same in any case)\n"]);
});

test('L3: a password may not contain the login, however short, in any case or reversed', async () => {
  const add = (login, pw) => run(['user', 'add', '--login', login, '--role', 'viewer', '--unit', 'VN', '--password-file', pwFile(login + '.pw', pw)]);
  for (const pw of ['t9t9t9t9t9xyzQ', 'T9t9t9t9t9xyzQ', 'Q8z#mK9tLpWx']) {
    const r = await add('t9', pw);
    assert.deepEqual([r.code, r.stderr], [1, 'the password is too weak: it contains the login\n'], pw);
  }
  const r = await run(['user', 'passwd', '--login', 't1', '--password-file', pwFile('t1b.pw', 'zz-t1t1t1t1t1-Q')]);
  assert.deepEqual([r.code, r.stderr], [1, 'the password is too weak: it contains the login\n']);
  assert.equal((await add('t9', 'Gh7#kLm2pQzr')).code, 0);
});

test('L4: after too many failures the login page and the API say how many seconds to wait', async () => {
  addUser(env.db, 'slow.down', 'viewer', 'VN');
  const c = new Client(srv.base);
  const page = await c.get('/login');
  const pre = setCookies(page).find((s) => s.startsWith('tdpre=')).slice(6, 70);
  const hdr = { 'X-Forwarded-For': '192.0.2.144', 'Accept-Language': 'en' };
  let last;
  for (let i = 0; i < 7; i++) last = await c.post('/login', { form: { login: 'slow.down', password: 'wrong-' + i, next: '/', _csrf: pre }, headers: hdr });
  assert.equal(last.status, 429);
  const wait = Number(last.headers.get('retry-after'));
  assert.ok(wait >= 1 && wait <= 2, String(wait));
  assert.ok(last.text.includes(`Too many failed attempts; try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}`), last.text);
  assert.ok(!last.text.includes('wait a moment'));
  // Vietnamese, on the API, with the same figure as Retry-After (the case of the login does not buy new attempts)
  const api = await new Client(srv.base).post('/api/v1/login', { json: { login: 'SLOW.DOWN', password: 'x' }, headers: { 'X-Forwarded-For': '192.0.2.144' } });
  assert.equal(api.status, 429);
  const w2 = Number(api.headers.get('retry-after'));
  assert.equal(api.data.error.code, 'too_many_attempts');
  assert.equal(api.data.error.message, `Đăng nhập sai quá nhiều lần; vui lòng thử lại sau ${w2} giây`);
});

test('M8: award multiple sets an award\'s multiples, audited; refusals say why', async () => {
  let r = await run(['award', 'multiple', '--award', 'BK_BO_TINH', '--multiple', '1.5']);
  assert.deepEqual([r.code, r.stderr], [1, 'BK_BO_TINH is given to persons and collectives: use --person and/or --collective\n']);
  r = await run(['award', 'multiple', '--award', 'BK_BO_TINH', '--person', '1,5', '--collective', '3']);
  assert.deepEqual([r.code, r.stderr],
    [1, 'give --basis: the decree and article the multiple comes from (e.g. Nghị định 98/2023/NĐ-CP, Điều 54)\n']);
  r = await run(['award', 'multiple', '--award', 'BK_BO_TINH', '--person', '1,5', '--collective', '3', '--basis', 'Nghị định 98/2023/NĐ-CP, Điều 74']);
  assert.deepEqual([r.code, r.stdout, r.stderr],
    [0, 'BK_BO_TINH: person 1.5, collective 3 (× the base salary); basis: Nghị định 98/2023/NĐ-CP, Điều 74\n', '']);
  r = await run(['award', 'multiple', '--award', 'BK_BO_TINH', '--person', '1.5']);
  assert.deepEqual([r.code, r.stdout],
    [0, 'BK_BO_TINH has these figures already\nBK_BO_TINH: person 1.5, collective 3 (× the base salary); basis: Nghị định 98/2023/NĐ-CP, Điều 74\n']);
  r = await run(['award', 'multiple', '--award', 'TTLDTT', '--multiple', '0.8', '--basis', 'Nghị định 98/2023/NĐ-CP, Điều 74']);
  assert.deepEqual([r.code, r.stdout], [0, 'TTLDTT: person not loaded, collective 0.8 (× the base salary); basis: Nghị định 98/2023/NĐ-CP, Điều 74\n']);
  r = await run(['award', 'multiple', '--award', 'LDTT', '--collective', '1']);
  assert.deepEqual([r.code, r.stderr], [1, 'LDTT is given to persons only: set --person\n']);
  for (const bad of ['1.2345', '101', '-1', 'abc', '1.'])
    assert.deepEqual((await run(['award', 'multiple', '--award', 'LDTT', '--multiple', bad])).stderr,
      `'${bad}' is not a multiple: a decimal from 0 to 100 with at most 3 decimals (0.3, 1,5)\n`, bad);
  r = await run(['award', 'multiple', '--award', 'NOPE', '--multiple', '1']);
  assert.deepEqual([r.code, r.stderr], [1, "no award has the code 'NOPE'\n"]);
  const c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  const awards = (await c.get('/api/v1/awards')).data.items;
  const bk = awards.find((x) => x.code === 'BK_BO_TINH');
  assert.deepEqual([bk.bonus_person, bk.bonus_collective, bk.bonus_basis], [1.5, 3, 'Nghị định 98/2023/NĐ-CP, Điều 74']);
  assert.equal(sql(env.db, "SELECT before || ' ' || after FROM audit_log WHERE entity = 'award' AND action = 'multiple' AND note = 'BK_BO_TINH'"),
    '{"bonus_person":null,"bonus_collective":null,"bonus_basis":"chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP"} ' +
    '{"bonus_person":1500,"bonus_collective":3000,"bonus_basis":"Nghị định 98/2023/NĐ-CP, Điều 74"}');
  assert.equal(auditRows('award', 'multiple'), '2');
});

test('M8: base-salary add records a dated base salary, audited; a taken date and odd amounts are refused', async () => {
  let r = await run(['base-salary', 'add', '--amount', '2.530.000', '--from', '01/07/2026', '--basis', 'Nghị định 1/2026/NĐ-CP']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'base salary from 2026-07-01: 2530000 VND (Nghị định 1/2026/NĐ-CP)\n', '']);
  r = await run(['base-salary', 'add', '--amount', '2600000', '--from', '2026-07-01', '--basis', 'X']);
  assert.deepEqual([r.code, r.stderr], [1, 'a base salary from 2026-07-01 exists already: 2530000 VND\n']);
  for (const bad of ['25', '2,34', '1.800.000,5', '200000000', 'many'])
    assert.deepEqual(await run(['base-salary', 'add', '--amount', bad, '--from', '2027-01-01', '--basis', 'X']),
      { code: 1, stdout: '', stderr: `--amount: '${bad}' is not whole VND from 100000 to 100000000\n` }, bad);
  r = await run(['base-salary', 'add', '--amount', '2600000', '--from', '31/02/2027', '--basis', 'X']);
  assert.deepEqual([r.code, r.stderr], [1, "--from: '31/02/2027' is not a date (dd/mm/yyyy or YYYY-MM-DD)\n"]);
  r = await run(['base-salary', 'add', '--amount', '2600000', '--from', '2027-01-01']);
  assert.deepEqual([r.code, r.stderr], [2, 'base-salary add needs --amount, --from and --basis\n']);
  r = await run(['base-salary', 'list']);
  assert.equal(r.stdout.split('\n').filter((l) => /^\d{4}-/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(' ')).join(','),
    '2023-07-01 1800000,2024-07-01 2340000,2026-07-01 2530000');
  assert.equal(sql(env.db, "SELECT entity_id || ' ' || after FROM audit_log WHERE entity = 'base_salary'"),
    '20260701 {"valid_from":"2026-07-01","amount":2530000,"legal_basis":"Nghị định 1/2026/NĐ-CP"}');
  const v = await run(['audit', 'verify']);
  assert.equal(v.code, 0, v.stdout);
});
