// Session 6: a reporter's home page and the indicators' forms. The home page
// lists first the tasks whose completion the assigning office returned, with
// the return's date and comment; file sizes read in the largest unit that
// reads naturally; approving and unlocking an indicator read a period typed
// the Vietnamese way (Q3/2025); the entry page shows each indicator's unit.
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

const returnedItem = (id, title, code, comment, on) =>
  `<li id="home-returned-${id}"><span class="what"><a href="/tasks/${id}">${title}</a> <span class="code">${code}</span><br><small>Sở Khoa học và Công nghệ · NQ57-CAMAU</small><br><span class="comment">${comment}</span></span>\n  <span class="when soon">${on}</span></li>`;

test('the home page lists first the tasks whose completion the assigning office returned, with the date, the comment and a link', async () => {
  const reporter = await formLogin(srv.base, 'camau.skhcn', env.demoUsers['camau.skhcn'].password);
  const page = await reporter.get('/');
  assert.equal(page.status, 200);
  const c = 'Nhận xét: Chưa có sản phẩm theo yêu cầu, đề nghị bổ sung';
  assert.ok(page.text.includes('<section class="home-section" aria-labelledby="home-returned" id="home-returned-tasks">\n'
    + '<h2 id="home-returned">Bị trả lại, cần báo cáo lại <span class="badge">3</span></h2>\n'
    + '<p>Cơ quan giao nhiệm vụ đã trả lại các báo cáo hoàn thành của đơn vị: hãy thực hiện theo từng nhận xét, sau đó báo cáo hoàn thành lại.</p>\n'
    + '<ul class="worklist">\n  '
    + returnedItem(188, 'Phủ sóng băng rộng di động đến ấp, khóm (đợt 6)', 'NV57-0188', c, 'trả lại ngày 29/09/2025') + '\n  '
    + returnedItem(78, 'Xây dựng mô hình chính quyền số cấp xã (đợt 5)', 'NV57-0078', c, 'trả lại ngày 27/09/2025') + '\n  '
    + returnedItem(243, 'Cung cấp dịch vụ công trực tuyến toàn trình (đợt 4)', 'NV57-0243', c, 'trả lại ngày 26/09/2025') + '\n'
    + '</ul>\n</section>'), page.text.slice(0, 4000));
  // first: right under the search form, before the movements' work and the tasks overdue
  const at = page.text.indexOf('id="home-returned-tasks"');
  assert.ok(at > page.text.indexOf('role="search"'));
  assert.ok(at < page.text.indexOf('id="h-todo"'));
  assert.ok(at < page.text.indexOf('id="home-tasks"'));
  // the link opens the task, which says the same
  const task = await reporter.get('/tasks/188');
  assert.equal(task.status, 200);
  assert.match(task.text, /id="task-returned"/);
  assert.match(task.text, /<span class="code">NV57-0188<\/span>|<dd class="code">NV57-0188<\/dd>/);

  reporter.cookies.lang = 'en';
  const en = await reporter.get('/');
  assert.ok(en.text.includes('<h2 id="home-returned">Returned to you <span class="badge">3</span></h2>\n'
    + '<p>The assigning offices returned the completions your units reported: do what each comment asks, then report the completion again.</p>'));
  assert.ok(en.text.includes('<br><span class="comment">Comment: Chưa có sản phẩm theo yêu cầu, đề nghị bổ sung</span></span>\n  <span class="when soon">returned on 29 Sep 2025</span></li>'), en.text.slice(0, 3000));
  reporter.cookies.lang = 'hi';
  const hi = await reporter.get('/');
  assert.ok(hi.text.includes('<h2 id="home-returned">आपको लौटाए गए <span class="badge">3</span></h2>\n'
    + '<p>कार्य सौंपने वाले कार्यालयों ने आपकी इकाइयों की पूर्णता रिपोर्टें लौटा दी हैं: हर टिप्पणी के अनुसार कार्य करें, फिर पूर्णता की रिपोर्ट दोबारा दें।</p>'));
  assert.match(hi.text, /<span class="comment">टिप्पणी: Chưa có sản phẩm theo yêu cầu, đề nghị bổ sung<\/span>/);
});

test('a completion reported again leaves the list; a reader whose units have none returned sees no such section', async () => {
  const api = new Client(srv.base);
  await api.login('camau.skhcn', env.demoUsers['camau.skhcn'].password);
  const t = (await api.get('/api/v1/tasks/243')).data;
  const r = await api.post('/api/v1/tasks/243/completion', { json: { done_on: '2025-10-10', product: 'Hệ thống đã vận hành', version: t.version } });
  assert.equal(r.status, 200, r.text);
  const home = await api.get('/');
  assert.match(home.text, /<h2 id="home-returned">Bị trả lại, cần báo cáo lại <span class="badge">2<\/span><\/h2>/);
  assert.doesNotMatch(home.text, /id="home-returned-243"/);
  assert.match(home.text, /id="home-returned-188"/);
  const other = await formLogin(srv.base, 'quangyen.reporter', env.demoUsers['quangyen.reporter'].password);
  assert.doesNotMatch((await other.get('/')).text, /home-returned/);
});

test('file sizes read in the largest unit that fits, the Vietnamese way: the 1 GiB quota is "1 GB", not "1.024 MB"', async () => {
  const reporter = await formLogin(srv.base, 'camau.skhcn', env.demoUsers['camau.skhcn'].password);
  const storage = (text) => text.match(/<small class="storage" id="home-storage-\d+">([^<]*)<\/small>/)[1];
  assert.equal(storage((await reporter.get('/')).text), '· tệp 0 KB / 1 GB');
  reporter.cookies.lang = 'en';
  assert.equal(storage((await reporter.get('/')).text), '· files 0 KB / 1 GB');
  // other quotas: each server on the same database in turn
  const quotas = [['262144000', '250 MB', '250 MB'], ['1610612736', '1,5 GB', '1.5 GB'], ['12288', '12 KB', '12 KB'],
    ['1258291', '1,2 MB', '1.2 MB'], ['1073217536', '1 GB', '1 GB'], ['2199023255552', '2.048 GB', '2,048 GB']];
  for (const [bytes, vi, en] of quotas) {
    const s = await startServer(env.db, ['--unit-quota', bytes]);
    try {
      const c = await formLogin(s.base, 'camau.skhcn', env.demoUsers['camau.skhcn'].password);
      assert.equal(storage((await c.get('/')).text), `· tệp 0 KB / ${vi}`, bytes);
      c.cookies.lang = 'en';
      assert.equal(storage((await c.get('/')).text), `· files 0 KB / ${en}`, bytes);
    } finally {
      await s.stop();
    }
  }
});

// a quarterly indicator of Sơn La's Sở TT&TT with a value entered for 2025-Q3
async function quarterly(admin, code) {
  const units = await admin.get('/api/v1/units?q=T-SONLA-STTTT');
  const unit = units.data.items.find((x) => x.code === 'T-SONLA-STTTT');
  let r = await admin.post('/api/v1/indicators', { json: { code, name_vi: 'Lượt truy cập cổng dịch vụ công', name_en: 'Visits to the public service portal',
    name_hi: 'लोक सेवा पोर्टल पर विज़िट', measure: 'lượt', kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'quarter', decimals: 0 } });
  assert.equal(r.status, 201, r.text);
  r = await admin.post('/api/v1/indicator-values', { json: { unit_id: unit.id, period: '2025-Q3', values: [{ indicator: code, value: 1200 }] } });
  assert.equal(r.status, 200, r.text);
  return unit.id;
}

test('approve and unlock read a period typed the Vietnamese way (Q3/2025, quý 3/2025), in the form and in the API', async () => {
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const unit = await quarterly(admin, 's6_portal_visits');
  const status = async () => (await admin.get(`/api/v1/indicator-values?unit_id=${unit}&period=2025-Q3`)).data.items.find((v) => v.indicator === 's6_portal_visits').status;
  assert.equal(await status(), 'entered');
  const officer = await formLogin(srv.base, 'sonla.officer', env.demoUsers['sonla.officer'].password);
  const page = await officer.get(`/indicators?unit_id=${unit}&period=Q3/2025`);
  assert.equal(page.status, 200);
  let r = await officer.post('/indicators/approve', { form: { _csrf: csrfOf(page.text), unit_id: String(unit), period: 'Q3/2025' } });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), `/indicators?unit_id=${unit}&period=2025-Q3`);
  assert.equal(await status(), 'approved');
  r = await officer.post('/indicators/unlock', { form: { _csrf: csrfOf(page.text), unit_id: String(unit), period: 'quý 3/2025', reason: 'Số liệu cần sửa' } });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), `/indicators?unit_id=${unit}&period=2025-Q3`);
  assert.equal(await status(), 'entered');
  // the API reads them too
  const api = new Client(srv.base);
  await api.login('sonla.officer', env.demoUsers['sonla.officer'].password);
  r = await api.post('/api/v1/indicator-values/approve', { json: { unit_id: unit, period: 'Q3/2025' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data, { approved: 1 });
  r = await api.post('/api/v1/indicator-values/unlock', { json: { unit_id: unit, period: 'q3-2025', reason: 'Số liệu cần sửa' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data, { unlocked: 1 });
  // a period that does not read: 422, as the entry form answers
  r = await officer.post('/indicators/approve', { form: { _csrf: csrfOf(page.text), unit_id: String(unit), period: 'Q5/2025' } });
  assert.equal(r.status, 422, r.text);
  r = await api.post('/api/v1/indicator-values/approve', { json: { unit_id: unit, period: 'Q5/2025' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { period: 'Ghi kỳ dạng 2025, 2025-Q3 hoặc 2025-07' });
});

test('the entry page shows the indicator\'s unit of measure beside each figure and target', async () => {
  const officer = await formLogin(srv.base, 'sonla.officer', env.demoUsers['sonla.officer'].password);
  const units = await officer.get('/api/v1/units?q=T-SONLA');
  const unit = units.data.items.find((x) => x.code === 'T-SONLA');
  const cells = (text, code, target) => {
    const row = text.match(new RegExp(`<tr id="row-${code}">[\\s\\S]*?</tr>`))[0];
    return [row.match(/data-figure="[^"]*" data-label="[^"]*">([^<]*)/)[1], row.match(new RegExp(`<td class="num" data-label="${target}">([^<]*)`))[1]];
  };
  const vi = (await officer.get(`/indicators?unit_id=${unit.id}&period=2025`)).text;
  assert.deepEqual(cells(vi, 'communes_paved_roads', 'Chỉ tiêu kế hoạch'), ['100%', '100%']);           // a percent: no space
  assert.deepEqual(cells(vi, 'dx_community_teams', 'Chỉ tiêu kế hoạch'), ['2.448\u00a0tổ', '—']);      // no target: the dash alone
  assert.deepEqual(cells(vi, 'overseas_contracts', 'Chỉ tiêu kế hoạch'), ['—', '300\u00a0người']);
  assert.deepEqual(cells(vi, 'dept_docs_signed', 'Chỉ tiêu kế hoạch'), ['95,84%', '96%']);              // a ratio in percent
  assert.deepEqual(cells(vi, 'urbanisation', 'Chỉ tiêu kế hoạch'), ['20,6%', '—']);
  officer.cookies.lang = 'en';
  const en = (await officer.get(`/indicators?unit_id=${unit.id}&period=2025`)).text;
  assert.deepEqual(cells(en, 'dx_community_teams', 'Target'), ['2,448\u00a0teams', '—']);
  assert.deepEqual(cells(en, 'overseas_contracts', 'Target'), ['—', '300\u00a0persons']);
});

test('the values, figures and history read a period typed the Vietnamese way too (Q3/2025, quý 3/2025)', async () => {
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const unit = await quarterly(admin, 's6_portal_visits_2');
  const values = await admin.get(`/api/v1/indicator-values?unit_id=${unit}&period=Q3/2025`);
  assert.equal(values.status, 200, values.text);
  assert.equal(values.data.items.find((v) => v.indicator === 's6_portal_visits_2').value, 1200);
  const fig = await admin.get(`/api/v1/indicator-figures?indicator=s6_portal_visits_2&unit_id=${unit}&period=qu%C3%BD%203%2F2025&children=0`);
  assert.equal(fig.status, 200, fig.text);
  assert.equal(fig.data.figure.value, 1200);
  const hist = await admin.get(`/api/v1/indicator-values/history?indicator=s6_portal_visits_2&unit_id=${unit}&period=Q3/2025`);
  assert.equal(hist.status, 200, hist.text);
  const page = await (await formLogin(srv.base, 'admin', env.adminPassword)).get(`/indicators/history?indicator=s6_portal_visits_2&unit_id=${unit}&period=Q3/2025`);
  assert.equal(page.status, 200);
  // one that is no period is still said so
  const bad = await admin.get(`/api/v1/indicator-values?unit_id=${unit}&period=Q5/2025`);
  assert.equal(bad.status, 400);
});

test('a dashboard of periods with no figure says so in words instead of an empty 0–1 chart', async () => {
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const unit = await quarterly(admin, 's6_portal_visits_3'); // entered for 2025-Q3 only
  const web = await formLogin(srv.base, 'admin', env.adminPassword);
  const empty = await web.get(`/indicators/dashboard?unit_id=${unit}&indicators=s6_portal_visits_3&from=Q1%2F2024&to=Q2%2F2024`);
  assert.equal(empty.status, 200, empty.text.slice(0, 300));
  const card = empty.text.match(/<section class="card chart-card" id="chart-s6_portal_visits_3">[\s\S]*?<\/section>/)[0];
  assert.match(card, /<p class="empty">Chưa có số liệu trong các kỳ này\.<\/p>/);
  assert.doesNotMatch(card, /<svg/);
  const full = await web.get(`/indicators/dashboard?unit_id=${unit}&indicators=s6_portal_visits_3&from=Q2%2F2025&to=Q3%2F2025`);
  const card2 = full.text.match(/<section class="card chart-card" id="chart-s6_portal_visits_3">[\s\S]*?<\/section>/)[0];
  assert.match(card2, /<svg/);
  assert.doesNotMatch(card2, /Chưa có số liệu trong các kỳ này/);
});
