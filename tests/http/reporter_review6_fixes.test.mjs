// Review 6B: a unit's reporter on a phone. A session that ends while a form
// is open leads back, after the login, to the page the form was on (not to
// the form's POST-only address and its 405) and the login page says that
// nothing was saved; a task whose completion the assigning office returned
// says so at the top of its page, with the comment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

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
  assert.match(login.text, /<p class="notice-warn" role="status">Phiên làm việc đã hết trước khi biểu mẫu được gửi nên chưa có gì được lưu\. Hãy đăng nhập lại: bạn sẽ trở về trang đang làm, nơi cần nhập lại biểu mẫu\.<\/p>/);
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
  assert.match(await en.text(), /<p class="notice-warn" role="status">Your session has ended\. Log in again to continue\.<\/p>/);
  // a first visit (no cookie) is not told its session ended
  const fresh = await fetch(srv.base + '/programmes/1', { redirect: 'manual' });
  assert.equal(fresh.headers.get('location'), '/login?next=%2Fprogrammes%2F1');
  assert.doesNotMatch(await (await fetch(srv.base + '/login?next=%2Fprogrammes%2F1')).text(), /class="notice-warn"/);
});

const dmy = (iso) => iso.split('-').reverse().join('/');

test('a task whose completion the assigning office returned says so at the top of its page, with the comment', async () => {
  const officer = new Client(srv.base);
  await officer.login('camau.officer', env.demoUsers['camau.officer'].password);
  const api = new Client(srv.base);
  await api.login('camau.skhcn', env.demoUsers['camau.skhcn'].password);
  const nq57 = (await officer.get('/api/v1/programmes')).data.items.find((p) => p.code === 'NQ57-CAMAU');
  let r = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code: 'R6B-RET', title: 'Số hoá hồ sơ một cửa', lead_code: 'T-CAMAU-SKHCN', assigned_on: officeDay(-30), due_on: officeDay(5) },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.data.id;
  r = await api.post(`/api/v1/tasks/${id}/completion`, { json: { done_on: officeDay(-1), product: 'Hệ thống vận hành' } });
  assert.equal(r.status, 200, r.text);
  r = await officer.post(`/api/v1/tasks/${id}/review`, { json: { decision: 'return', comment: 'Thiếu biên bản nghiệm thu', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  const reporter = await formLogin(srv.base, 'camau.skhcn', env.demoUsers['camau.skhcn'].password);
  const page = await reporter.get(`/tasks/${id}`);
  assert.equal(page.status, 200);
  const today = dmy(officeDay(0));
  assert.ok(page.text.includes('<div class="notice-warn" role="status" id="task-returned"><p><strong>Cơ quan giao nhiệm vụ đã trả lại báo cáo hoàn thành</strong> '
    + `(báo cáo ngày ${today}, trả lại ngày ${today}): Thiếu biên bản nghiệm thu</p>\n<p>Hãy thực hiện theo nhận xét, sau đó báo cáo hoàn thành lại.</p></div>`), page.text.slice(0, 3000));
  // the notice comes before the facts and the forms: the first thing under the status line
  assert.ok(page.text.indexOf('id="task-returned"') < page.text.indexOf('<dl class="facts">'));
  // reported again: waiting for review, no notice
  r = await api.post(`/api/v1/tasks/${id}/completion`, { json: { done_on: officeDay(0), product: 'Biên bản nghiệm thu' } });
  assert.equal(r.status, 200, r.text);
  assert.doesNotMatch((await reporter.get(`/tasks/${id}`)).text, /id="task-returned"/);
});
