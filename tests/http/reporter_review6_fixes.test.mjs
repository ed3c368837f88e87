// Review 6B: a unit's reporter on a phone. A session that ends while a form
// is open leads back, after the login, to the page the form was on (not to
// the form's POST-only address and its 405) and the login page says that
// nothing was saved; a task whose completion the assigning office returned
// says so at the top of its page, with the comment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin } from './_util.mjs';

let env, srv;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
});

after(async () => {
  await srv?.stop();
});

// The demo's first model of Quảng Yên's reporter: its page and the report form on it.
async function reporterModel(c) {
  const list = await c.get('/api/v1/movements?q=DVK2024');
  const mv = list.data.items.find((m) => m.code === 'DVK2024');
  const models = await c.get(`/api/v1/movements/${mv.id}/models?limit=1`);
  return models.data.items[0].id;
}

test('a model report sent after the session ended: the login says nothing was saved and leads back to the model page', async () => {
  const reporter = await formLogin(srv.base, 'quangyen.reporter', env.demoUsers['quangyen.reporter'].password);
  const id = await reporterModel(reporter);
  const page = await reporter.get(`/models/${id}`);
  assert.equal(page.status, 200);
  const csrf = csrfOf(page.text);
  // the session ends elsewhere (another tab logs out: the server forgets it)
  const other = new Client(srv.base);
  other.cookies = { ...reporter.cookies };
  assert.equal((await other.post('/logout', { form: { _csrf: csrf } })).status, 303);
  const sent = await reporter.post(`/models/${id}/reports`, {
    form: { _csrf: csrf, reported_on: '2024-11-28', note: 'Báo cáo tháng 11', 'results.vnd': '2.000.000' },
    headers: { Referer: `${srv.base}/models/${id}` },
  });
  assert.equal(sent.status, 303);
  assert.equal(sent.headers.get('location'), `/login?ended=form&next=%2Fmodels%2F${id}`);
  const login = await reporter.get(sent.headers.get('location'));
  assert.equal(login.status, 200);
  assert.match(login.text, /<p class="notice" role="status">Phiên làm việc đã hết trước khi biểu mẫu được gửi nên chưa có gì được lưu\. Hãy đăng nhập lại: bạn sẽ trở về trang đang làm, nơi cần nhập lại biểu mẫu\.<\/p>/);
  assert.match(login.text, new RegExp(`<input type="hidden" name="next" value="/models/${id}">`));
  const again = await reporter.post('/login', { form: { _csrf: csrfOf(login.text), login: 'quangyen.reporter', password: env.demoUsers['quangyen.reporter'].password, next: `/models/${id}` } });
  assert.equal(again.status, 303);
  assert.equal(again.headers.get('location'), `/models/${id}`);
  assert.equal((await reporter.get(`/models/${id}`)).status, 200);
});

test('a form sent without a session and without a Referer leads to the home page, never to its POST-only address', async () => {
  const c = new Client(srv.base);
  const r = await c.post('/tasks/1/progress', { form: { percent: '50' } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login?ended=form&next=%2F');
});

test('a link followed with a session that ended: the login page says the session ended', async () => {
  const r = await fetch(srv.base + '/programmes/1', { headers: { Cookie: 'tdsid=' + 'ab'.repeat(32) }, redirect: 'manual' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login?ended=1&next=%2Fprogrammes%2F1');
  const en = await fetch(srv.base + r.headers.get('location'), { headers: { Cookie: 'lang=en' } });
  assert.match(await en.text(), /<p class="notice" role="status">Your session has ended\. Log in again to continue\.<\/p>/);
  // a first visit (no cookie) is not told its session ended
  const fresh = await fetch(srv.base + '/programmes/1', { redirect: 'manual' });
  assert.equal(fresh.headers.get('location'), '/login?next=%2Fprogrammes%2F1');
  assert.doesNotMatch(await (await fetch(srv.base + '/login?next=%2Fprogrammes%2F1')).text(), /class="notice"/);
});
