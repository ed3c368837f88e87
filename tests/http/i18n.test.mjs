// Languages: Vietnamese by default; English and Hindi from the lang cookie,
// the user's choice, or Accept-Language; API error messages follow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client } from '../lib/server.mjs';
import { csrfOf, poTranslation, rawHttp, setCookies } from './_util.mjs';

let env, srv, admin;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

const langOf = (html) => (html.match(/<html lang="([^"]*)">/) || [])[1];

// A GET with exactly these headers (fetch would add its own Accept-Language).
async function rawGet(p, headers = {}) {
  const h = Object.entries({ Host: '127.0.0.1', Connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const r = await rawHttp(srv.port, `GET ${p} HTTP/1.1\r\n${h}\r\n`);
  const m = r.text.match(/^HTTP\/1\.1 (\d{3}) /);
  const i = r.text.indexOf('\r\n\r\n');
  const head = r.text.slice(0, i);
  const header = (name) => (head.match(new RegExp(`^${name}: (.*)$`, 'mi')) || [])[1];
  return { status: m ? Number(m[1]) : null, header, body: Buffer.from(r.text.slice(i + 4), 'latin1').toString('utf8') };
}

async function healthy() {
  const r = await rawGet('/healthz');
  assert.equal(r.status, 200);
}

test('the login page is Vietnamese by default (no Accept-Language)', async () => {
  const r = await rawGet('/login');
  assert.equal(r.status, 200);
  assert.equal(langOf(r.body), 'vi');
  assert.equal(r.header('Content-Language'), 'vi');
});

test('Accept-Language: * (what fetch and some clients send) is served in Vietnamese', async () => {
  const r = await rawGet('/login', { 'Accept-Language': '*' });
  assert.equal(r.status, 200);
  assert.equal(langOf(r.body), 'vi');
  await healthy();
});

test('short or oddly ended Accept-Language values are read safely', async () => {
  for (const value of ['e', 'en,', 'fr,', ',', ' ', 'x;q=0.5', 'en;q=', 'hi;q=0.9,']) {
    const r = await rawGet('/login', { 'Accept-Language': value });
    assert.equal(r.status, 200, `Accept-Language: ${JSON.stringify(value)}`);
    assert.ok(['vi', 'en', 'hi'].includes(langOf(r.body)), `Accept-Language: ${JSON.stringify(value)}`);
  }
  await healthy();
});

test('Accept-Language: en gives lang="en" and English text', async () => {
  const r = await new Client(srv.base).get('/login', { headers: { 'Accept-Language': 'en' } });
  assert.equal(r.status, 200);
  assert.equal(langOf(r.text), 'en');
  assert.equal(r.headers.get('content-language'), 'en');
  assert.ok(r.text.includes('<h1>Log in</h1>'));
});

test('Accept-Language picks the best language thidua speaks', async () => {
  const cases = { 'en-US,en;q=0.9': 'en', 'fr-FR, hi;q=0.8, en;q=0.5': 'hi', 'fr, de': 'vi', 'HI': 'hi', 'vi-VN, en;q=0.1': 'vi' };
  for (const [value, want] of Object.entries(cases)) {
    const r = await new Client(srv.base).get('/login', { headers: { 'Accept-Language': value } });
    assert.equal(langOf(r.text), want, value);
  }
});

test('POST /lang without the CSRF token is 403 and sets no cookie', async () => {
  const c = new Client(srv.base);
  await c.get('/login');
  const r = await c.post('/lang', { form: { lang: 'hi', next: '/login' } });
  assert.equal(r.status, 403);
  assert.equal(setCookies(r).filter((s) => s.startsWith('lang=')).length, 0);
});

test('POST /lang with lang=hi and the CSRF token sets the cookie; pages come back in Hindi', async () => {
  const c = new Client(srv.base);
  const page = await c.get('/login', { headers: { 'Accept-Language': 'en' } });
  const r = await c.post('/lang', { form: { lang: 'hi', next: '/login', _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login');
  const ck = setCookies(r).find((s) => s.startsWith('lang='));
  assert.equal(ck, 'lang=hi; Path=/; SameSite=Lax; Max-Age=31536000');
  // the cookie wins over Accept-Language
  const after = await c.get('/login', { headers: { 'Accept-Language': 'en' } });
  assert.equal(langOf(after.text), 'hi');
  assert.equal(after.headers.get('content-language'), 'hi');
  assert.ok(after.text.includes('<option value="hi" selected>'));
});

test('POST /lang with an unknown language is 422', async () => {
  const c = new Client(srv.base);
  const page = await c.get('/login');
  const r = await c.post('/lang', { form: { lang: 'xx', next: '/login', _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 422);
  assert.equal(setCookies(r).filter((s) => s.startsWith('lang=')).length, 0);
});

test('API error messages follow Accept-Language: "Please log in" in English', async () => {
  const c = new Client(srv.base);
  const r = await c.get('/api/v1/me', { headers: { 'Accept-Language': 'en' } });
  assert.equal(r.status, 401);
  assert.deepEqual(r.data, { error: { code: 'unauthenticated', message: 'Please log in' } });
  assert.equal(r.headers.get('content-language'), null, 'the API does not set Content-Language');
});

test('API error messages in Vietnamese and Hindi come from the catalogs', async () => {
  for (const [lang, header] of [['vi', 'vi'], ['hi', 'hi-IN']]) {
    const r = await new Client(srv.base).get('/api/v1/me', { headers: { 'Accept-Language': header } });
    assert.equal(r.status, 401);
    assert.equal(r.data.error.code, 'unauthenticated');
    const want = poTranslation(lang, 'Please log in');
    if (want) assert.equal(r.data.error.message, want, lang);
    else assert.equal(typeof r.data.error.message, 'string');
  }
});

test('field messages follow the language too', async () => {
  const r = await admin.post('/api/v1/units', { json: {}, headers: { 'Accept-Language': 'en' } });
  assert.equal(r.data.error.message, 'Some fields are not valid');
  assert.equal(r.data.error.fields.code, 'Is required');
  const vi = await admin.post('/api/v1/units', { json: {}, headers: { 'Accept-Language': 'vi' } });
  const want = poTranslation('vi', 'Is required');
  if (want) assert.equal(vi.data.error.fields.code, want);
});

test('unit kinds are named in the reader\'s language', async () => {
  const names = {};
  for (const lang of ['vi', 'en', 'hi']) {
    const r = await admin.get('/api/v1/unit-kinds', { headers: { 'Accept-Language': lang } });
    assert.equal(r.status, 200);
    names[lang] = Object.fromEntries(r.data.items.map((k) => [k.code, k.name]));
  }
  assert.equal(names.vi.province, 'Tỉnh');
  assert.equal(names.en.province, 'Province');
  assert.equal(names.hi.province, 'प्रांत');
  assert.equal(names.en.city, 'Centrally-run city');
});

// (a user of its own: the choice is remembered for the user, and the other
// tests read the admin's pages and messages in the language they ask for)
test('a logged-in user\'s choice is remembered and wins over Accept-Language', async () => {
  const user = new Client(srv.base);
  await user.login('lang.chooser', addUser(env.db, 'lang.chooser', 'viewer', 'VN'));
  const c = new Client(srv.base);
  c.token = user.token;
  const r = await c.post('/lang', { form: { lang: 'en', next: '/units' } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/units');
  const me = await user.get('/api/v1/me');
  assert.equal(me.data.lang, 'en');
  // a client without the cookie gets the user's language
  const page = await user.get('/units', { headers: { 'Accept-Language': 'vi' } });
  assert.equal(langOf(page.text), 'en');
  const err = await user.get('/api/v1/units/999999', { headers: { 'Accept-Language': 'vi' } });
  assert.equal(err.data.error.message, 'No such record');
});
