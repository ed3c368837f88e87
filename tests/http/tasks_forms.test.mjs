// Task monitoring, the exploratory tester's findings on the demo (NQ57-CAMAU):
// the assignment pickers offer exactly the units the server accepts; the
// exports, the status filter and the overdue link follow the page's unit and
// dates; the task forms keep what was typed after an error; a refused
// assignment lands on its form; the imports' line errors in the reader's
// language, a fractional percent refused, the template without the tasks
// waiting for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, tmpdir, startServer, Client } from '../lib/server.mjs';
import { sql, csrfOf, loginAs } from './_util.mjs';
import { readSheet } from '../lib/xlsx_edit.mjs';

let env, srv, officer, reporter, nq57, owner;
const SEED_DATE = '2025-10-14';
const codes = (r) => r.data.items.map((x) => x.code);

function day(n) {
  const d = new Date(Date.now() + 7 * 3600e3 + n * 86400e3);
  return d.toISOString().slice(0, 10);
}

// a browser's session: the cookie and the pages' CSRF token
async function browser(login) {
  const b = new Client(srv.base);
  const page = await b.get('/login');
  const r = await b.post('/login', { form: { login, password: env.demoUsers[login].password, next: '/', _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303);
  return b;
}

async function newTask(extra = {}) {
  const code = 'F' + Math.random().toString(36).slice(2, 10).toUpperCase();
  const r = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code, title: 'Số hoá hồ sơ', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(-30), due_on: day(5), ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

function upload(client, route, text, name) {
  const fd = new FormData();
  fd.append('file', new Blob([text]), name);
  return client.req('POST', route, { raw: fd });
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  const as = (login) => loginAs(srv.base, login, env.demoUsers[login].password);
  [officer, reporter] = await Promise.all([as('camau.officer'), as('camau.skhcn')]);
  nq57 = (await officer.get('/api/v1/programmes')).data.items.find((p) => p.code === 'NQ57-CAMAU');
  owner = Number(sql(env.db, "SELECT id FROM units WHERE code = 'T-CAMAU-BCD57'"));
});

after(async () => {
  if (srv) await srv.stop();
});

const bytesOf = async (href) => {
  const r = await fetch(srv.base + href, { headers: { Authorization: 'Bearer ' + officer.token } });
  assert.equal(r.status, 200, href);
  return Buffer.from(await r.arrayBuffer());
};
const unhtml = (s) => s.replaceAll('&amp;', '&');

test('the assignment pickers offer the units the server accepts: Cà Mau\'s, not the Ministry\'s nor the other provinces\'', async () => {
  const q = 'khoa%20hoc%20va%20cong%20nghe';
  assert.deepEqual(codes(await officer.get(`/pick/units?for=assign&unit=${owner}&q=${q}`)), ['T-CAMAU-SKHCN']);
  // the whole tree holds the Ministry and every province's department
  assert.equal(codes(await officer.get(`/pick/units?for=scope&q=${q}`))[0], 'BKHCN');
  assert.equal((await officer.get(`/pick/units?for=assign&q=${q}`)).status, 404);
  // the page's pickers, of a new task and of a correction, ask for those
  const page = await officer.get(`/programmes/${nq57.id}`);
  assert.equal(page.text.split(`data-url="/pick/units?for=assign&amp;unit=${owner}"`).length - 1, 2);
  const t = await newTask();
  const tp = await officer.get(`/tasks/${t.id}`);
  assert.equal(tp.text.split(`data-url="/pick/units?for=assign&amp;unit=${owner}"`).length - 1, 2);
  // what the picker offers the server takes; what it leaves out it refuses
  const ok = await officer.post('/api/v1/tasks', { json: { programme_id: nq57.id, code: 'PICK-1', title: 'Giao theo bộ chọn', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(0) } });
  assert.equal(ok.status, 201, ok.text);
  const no = await officer.post('/api/v1/tasks', { json: { programme_id: nq57.id, code: 'PICK-2', title: 'Giao ra ngoài', lead_code: 'BKHCN', assigned_on: day(0) } });
  assert.equal(no.status, 422);
});

test('the exports and the PDF follow the page\'s unit and dates: 103 tasks of Phường Lý Văn Lâm, 9 overdue', async () => {
  const page = await officer.get(`/programmes/${nq57.id}?as_of=${SEED_DATE}&compare=2025-06-30&unit_id=178`);
  assert.equal(page.status, 200);
  const href = (id) => unhtml(page.text.match(new RegExp(`href="([^"]+)" id="${id}"`))[1]);
  assert.equal(href('export-csv'), `/programmes/${nq57.id}/export?format=csv&as_of=${SEED_DATE}&unit=CM-P-LYVANLAM`);
  assert.equal(href('export-pdf'), `/programmes/${nq57.id}/report.pdf?as_of=${SEED_DATE}&compare=2025-06-30&unit=CM-P-LYVANLAM`);
  const lines = (await bytesOf(href('export-csv'))).toString('utf8').trim().split('\n');
  assert.equal(lines.length, 104);
  assert.equal(lines.filter((l) => l.includes(',quá hạn,')).length, 9);
  const sheet = Object.values(readSheet(await bytesOf(href('export-xlsx'))));
  assert.equal(sheet.length, 104);
  assert.equal(sheet.filter((c) => c[11] === 'quá hạn').length, 9);
  const file = path.join(tmpdir(), 'report-unit.pdf');
  fs.writeFileSync(file, await bytesOf(href('export-pdf')));
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.match(text, /14\/10\/2025\s+103\s+44\s+32\s+12\s+50\s+9\s+42,7%/);
  assert.match(text, /Quá hạn \(9\)/);
  // the API: an unknown unit is 404
  const bad = await officer.get(`/api/v1/programmes/${nq57.id}/export?format=csv&unit=NO-SUCH`);
  assert.equal(bad.status, 404);
});

test('the status filter and the link to every overdue task keep the unit and the dates', async () => {
  const camau = Number(sql(env.db, "SELECT id FROM units WHERE code = 'T-CAMAU'"));
  const page = await officer.get(`/programmes/${nq57.id}?as_of=${SEED_DATE}&compare=2025-06-30&unit_id=${camau}`);
  const form = page.text.match(/<form class="search" method="get" action="\/programmes\/\d+#tasks">([\s\S]*?)<\/form>/)[1];
  assert.deepEqual([...form.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
    [['as_of', SEED_DATE], ['compare', '2025-06-30'], ['unit_id', String(camau)]]);
  const link = unhtml(page.text.match(/href="([^"]+)" id="all-overdue"/)[1]);
  assert.equal(link, `/programmes/${nq57.id}?status=overdue&as_of=${SEED_DATE}&compare=2025-06-30&unit_id=${camau}#tasks`);
  const filtered = await officer.get(link.replace('#tasks', ''));
  assert.equal(filtered.status, 200);
  assert.match(filtered.text, /<input type="date" id="compare" name="compare" value="2025-06-30">/);
  assert.ok(filtered.text.includes(`<input type="hidden" name="unit_id" value="${camau}">`));
});

test('a progress outside 0..100, however large, says the range: the API in each language, the task page at its box', async () => {
  const t = await newTask();
  const want = { vi: 'Phải từ 0 đến 100', en: 'Must be from 0 to 100', hi: '0 से 100 तक होना चाहिए' };
  for (const percent of [150, -1, 3000000000, 1e21]) {
    for (const [lang, msg] of Object.entries(want)) {
      const r = await reporter.post(`/api/v1/tasks/${t.id}/progress`, { json: { percent }, headers: { 'Accept-Language': lang } });
      assert.equal(r.status, 422, `${percent} ${lang}`);
      assert.deepEqual(r.data.error.fields, { percent: msg }, `${percent} ${lang}`);
    }
  }
  const rep = await browser('camau.skhcn');
  const csrf = csrfOf((await rep.get(`/tasks/${t.id}`)).text);
  for (const typed of ['3.000.000.000', '99999999999999999999999']) {
    const r = await rep.post(`/tasks/${t.id}/progress`, { form: { _csrf: csrf, percent: typed, note: '' } });
    assert.equal(r.status, 422, typed);
    assert.match(r.text, /<p class="field-error" id="e-percent">Phải từ 0 đến 100<\/p>/, typed);
    assert.ok(r.text.includes(`name="percent" inputmode="numeric" required value="${typed}"`), typed);
  }
  assert.equal(sql(env.db, `SELECT count(*) FROM task_reports WHERE task_id = ${t.id}`), '0');
});

test('the task page\'s forms keep what was typed after an error', async () => {
  const t = await newTask();
  const rep = await browser('camau.skhcn');
  const csrf = csrfOf((await rep.get(`/tasks/${t.id}`)).text);
  let r = await rep.post(`/tasks/${t.id}/progress`, { form: { _csrf: csrf, percent: '87,5', note: 'Đã số hoá 870 hồ sơ' } });
  assert.equal(r.status, 422);
  assert.match(r.text, /<input id="f-percent" name="percent" inputmode="numeric" required value="87,5"/);
  assert.match(r.text, /<textarea id="f-note" name="note" rows="3">Đã số hoá 870 hồ sơ<\/textarea>/);
  r = await rep.post(`/tasks/${t.id}/completion`, { form: { _csrf: csrf, done_on: day(3), product: 'Kho dữ liệu số', note: 'Hoàn thành sớm' } });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes(`<input id="f-done_on" name="done_on" type="date" required value="${day(3)}"`));
  assert.match(r.text, /<input id="f-product" name="product" value="Kho dữ liệu số">/);
  assert.match(r.text, /<textarea id="f-completion-note" name="note" rows="3">Hoàn thành sớm<\/textarea>/);
  const off = await browser('camau.officer');
  const oc = csrfOf((await off.get(`/tasks/${t.id}`)).text);
  // a deadline earlier than the one in force (day 5)
  r = await off.post(`/tasks/${t.id}/extension`, { form: { _csrf: oc, version: String(t.version), due_on: day(2), reason: 'Chờ bố trí kinh phí' } });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes(`<input id="f-new-due" name="due_on" type="date" required value="${day(2)}" aria-invalid="true" aria-describedby="e-new-due">`));
  assert.match(r.text, /<p class="field-error" id="e-new-due">Gia hạn phải lùi thời hạn về sau<\/p>/);
  assert.match(r.text, /<textarea id="f-reason" name="reason" rows="2" required>Chờ bố trí kinh phí<\/textarea>/);
  const c = await reporter.post(`/api/v1/tasks/${t.id}/completion`, { json: { done_on: day(0), product: 'Kho dữ liệu số' } });
  assert.equal(c.status, 200, c.text);
  // no decision sent (neither button)
  r = await off.post(`/tasks/${t.id}/review`, { form: { _csrf: oc, version: String(c.data.version), comment: 'Bổ sung biên bản nghiệm thu' } });
  assert.equal(r.status, 422);
  assert.match(r.text, /<textarea id="f-comment" name="comment" rows="3">Bổ sung biên bản nghiệm thu<\/textarea>/);
});

test('the coordinating units chosen stay chosen when a task form comes back with an error, new or corrected', async () => {
  const off = await browser('camau.officer');
  const stc = sql(env.db, "SELECT id FROM units WHERE code = 'T-CAMAU-STC'");
  const skhcn = sql(env.db, "SELECT id FROM units WHERE code = 'T-CAMAU-SKHCN'");
  const chip = new RegExp(`<label class="chip"><input type="checkbox" name="coordinators" value="${stc}" checked> [^<]+ <small class="code">T-CAMAU-STC</small></label>`);
  const csrf = csrfOf((await off.get(`/programmes/${nq57.id}`)).text);
  // a deadline before the day it is assigned
  let r = await off.post(`/programmes/${nq57.id}/tasks`, {
    form: [['_csrf', csrf], ['code', 'CO-1'], ['title', 'Phối hợp số hoá'], ['lead_id', skhcn], ['coordinators', ''], ['coordinators', stc], ['assigned_on', day(0)], ['due_on', day(-3)]],
  });
  assert.equal(r.status, 422);
  assert.match(r.text, chip);
  // a correction with the title emptied: the chips sent, not the ones stored (none)
  const t = await newTask();
  const page = await off.get(`/tasks/${t.id}`);
  assert.doesNotMatch(page.text, chip);
  r = await off.post(`/tasks/${t.id}/edit`, {
    form: [['_csrf', csrfOf(page.text)], ['version', String(t.version)], ['title', ''], ['lead_id', skhcn], ['coordinators', ''], ['coordinators', stc]],
  });
  assert.equal(r.status, 422);
  assert.match(r.text, chip);
  assert.deepEqual((await officer.get(`/api/v1/tasks/${t.id}`)).data.coordinators, []);
});

test('a date typed that is no day (31/02/2025): the programme page shows today with the error at the field; the task page says dd/mm/yyyy', async () => {
  const r = await officer.get(`/programmes/${nq57.id}?as_of=31%2F02%2F2025`);
  assert.equal(r.status, 400);
  assert.match(r.text, /<input type="date" id="as_of" name="as_of" value="31\/02\/2025" aria-invalid="true" aria-describedby="e-as_of"><p class="field-error" id="e-as_of">Không phải là ngày hợp lệ \(dd\/mm\/yyyy\) — tình trạng được hiển thị đến hôm nay<\/p>/);
  assert.match(r.text, /id="n-total">/);
  // typed the Vietnamese way and real: the page of that day
  const ok = await officer.get(`/programmes/${nq57.id}?as_of=14%2F10%2F2025`);
  assert.equal(ok.status, 200);
  assert.match(ok.text, /<input type="date" id="as_of" name="as_of" value="2025-10-14">/);
  const t = await newTask();
  const tp = await officer.get(`/tasks/${t.id}?as_of=31%2F02%2F2025`);
  assert.equal(tp.status, 400);
  assert.match(tp.text, /Không phải là ngày hợp lệ \(dd\/mm\/yyyy\)/);
  assert.doesNotMatch(tp.text, /YYYY-MM-DD/);
  // the API keeps its message for programs
  const api = await officer.get(`/api/v1/tasks/${t.id}?as_of=31%2F02%2F2025`);
  assert.deepEqual([api.status, api.data.error.message], [400, 'as_of phải là một ngày (YYYY-MM-DD)']);
});

test('a sub-task\'s parent is chosen by its title typed without accents, not by its code: the programme\'s open tasks, for the assigning office only', async () => {
  const parent = await newTask({ title: 'Kiểm kê rừng ngập mặn Khâu Vai' });
  const lead = sql(env.db, "SELECT name FROM units WHERE code = 'T-CAMAU-SKHCN'");
  // the words typed, unaccented, in any order
  const r = await officer.get(`/pick/tasks?for=parent&programme=${nq57.id}&q=ngap%20man%20khau`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data, { items: [{ id: parent.id, label: 'Kiểm kê rừng ngập mặn Khâu Vai', context: lead, code: parent.code }], more: false });
  // or its code, in small letters
  assert.deepEqual(codes(await officer.get(`/pick/tasks?for=parent&programme=${nq57.id}&q=${parent.code.toLowerCase()}`)), [parent.code]);
  // a task done is not offered (NV57-0001 was accepted in April 2025); nor to a reporter, who does not assign
  assert.deepEqual(codes(await officer.get(`/pick/tasks?for=parent&programme=${nq57.id}&q=nv57-0001`)), []);
  assert.equal((await reporter.get(`/pick/tasks?for=parent&programme=${nq57.id}&q=khau`)).status, 404);
  assert.equal((await officer.get(`/pick/tasks?for=parent&q=khau`)).status, 404);
  // the task page's link opens the programme's form with the parent chosen
  const off = await browser('camau.officer');
  const tp = await off.get(`/tasks/${parent.id}`);
  assert.match(tp.text, new RegExp(`<a href="/programmes/${nq57.id}\\?parent=${parent.id}#new-task" id="add-subtask">`));
  const form = await off.get(`/programmes/${nq57.id}?parent=${parent.id}`);
  assert.match(form.text, new RegExp(`data-url="/pick/tasks\\?for=parent&amp;programme=${nq57.id}"`));
  assert.match(form.text, new RegExp(`<input type="hidden" name="parent_id" value="${parent.id}">\\s*<p class="picked">Kiểm kê rừng ngập mặn Khâu Vai`));
  assert.doesNotMatch(form.text, /name="parent_code"/);
  // the form sent with that choice makes a sub-task
  const skhcn = sql(env.db, "SELECT id FROM units WHERE code = 'T-CAMAU-SKHCN'");
  const sent = await off.post(`/programmes/${nq57.id}/tasks`, {
    form: { _csrf: csrfOf(form.text), code: 'KV-01', title: 'Đo đạc ô mẫu', lead_id: skhcn, assigned_on: day(0), parent_id: String(parent.id) },
  });
  assert.equal(sent.status, 303, sent.text);
  const sub = (await officer.get(`/api/v1/tasks?programme=${nq57.id}&limit=1000&as_of=${day(0)}`)).data.items.find((x) => x.code === 'KV-01');
  assert.deepEqual([sub.parent_code, sub.title], [parent.code, 'Đo đạc ô mẫu']);
});

test('a task refused on the programme page: the page says so at the top and lands on the form\'s errors', async () => {
  const off = await browser('camau.officer');
  const csrf = csrfOf((await off.get(`/programmes/${nq57.id}`)).text);
  const bkhcn = sql(env.db, "SELECT id FROM units WHERE code = 'BKHCN'");
  const r = await off.post(`/programmes/${nq57.id}/tasks`, { form: { _csrf: csrf, code: 'OUT-1', title: 'Giao ra ngoài tỉnh', lead_id: bkhcn, assigned_on: day(0) } });
  assert.equal(r.status, 422);
  const top = r.text.indexOf('<p class="error-msg" id="not-assigned"><b>Chưa giao được nhiệm vụ</b> — <a href="#error-summary">Vui lòng sửa lại biểu mẫu</a></p>');
  assert.ok(top > 0 && top < r.text.indexOf('id="status"'));
  assert.match(r.text, /<form method="post" action="\/programmes\/\d+\/tasks" class="card wide" id="new-task">\s*<h2>[^<]+<\/h2>\s*<div class="error-summary error-msg" role="alert" id="error-summary" tabindex="-1" autofocus>\s*<p><b>Chưa giao được nhiệm vụ<\/b> \(1\)<\/p>\s*<ul>\s*<li><a href="#f-lead_id">Đơn vị chủ trì: Nằm ngoài phạm vi đơn vị bạn được phép làm việc<\/a><\/li>\s*<\/ul>\s*<\/div>/);
  assert.equal(r.text.split('autofocus').length - 1, 1);
  // what was typed is kept
  assert.match(r.text, /value="Giao ra ngoài tỉnh"/);
});

test('imports: line errors in the reader\'s language; 87,5 refused as the form refuses it; the template leaves out the tasks waiting for review', async () => {
  const t1 = await newTask({ code: 'FR-1' });
  const t2 = await newTask({ code: 'FR-2' });
  const head = 'Mã,Nhiệm vụ,Đơn vị chủ trì,Hạn xử lý,Tỷ lệ hoàn thành (%),Kết quả đã thực hiện,Ngày hoàn thành,Sản phẩm\n';
  const body = head + 'FR-1,,,,"87,5",Đã số hoá,,\nFR-2,,,,150,,,\nFR-9,,,,10,,,\n';
  // the API's reader in English (the language chosen: the cookie)
  const en = new Client(srv.base);
  en.token = reporter.token;
  en.cookies.lang = 'en';
  const api = await upload(en, `/api/v1/programmes/${nq57.id}/progress`, body, 'tien-do.csv');
  assert.equal(api.status, 422);
  assert.equal(api.data.error.fields.file,
    'line 2: percent: Must be a whole number\nline 3: percent: Must be from 0 to 100\nline 4: no task of this programme has the code FR-9');
  // the page's reader (Vietnamese)
  const rep = await browser('camau.skhcn');
  const fd = new FormData();
  fd.append('_csrf', csrfOf((await rep.get(`/programmes/${nq57.id}`)).text));
  fd.append('file', new Blob([body]), 'tien-do.csv');
  const page = await rep.req('POST', `/programmes/${nq57.id}/progress`, { raw: fd });
  assert.equal(page.status, 422);
  assert.equal(page.text.match(/<pre class="import-errors" id="import-errors">([\s\S]*?)<\/pre>/)[1],
    'dòng 2: percent: Phải là số nguyên\ndòng 3: percent: Phải từ 0 đến 100\ndòng 4: không có nhiệm vụ nào của chương trình có mã FR-9');
  assert.equal(sql(env.db, `SELECT count(*) FROM task_reports WHERE task_id IN (${t1.id}, ${t2.id})`), '0');
  assert.equal(sql(env.db, `SELECT percent FROM tasks WHERE id = ${t1.id}`), '0');
  // the task list's import, on the page: Vietnamese too
  const off = await browser('camau.officer');
  const fd2 = new FormData();
  fd2.append('_csrf', csrfOf((await off.get(`/programmes/${nq57.id}`)).text));
  fd2.append('file', new Blob(['code,title,lead_code,assigned_on\nFR-5,Việc mới,NO-SUCH,01/02/2025\nFR-6,Việc khác,T-CAMAU-SKHCN,31/02/2025\n']), 'ds.csv');
  const imp = await off.req('POST', `/programmes/${nq57.id}/import`, { raw: fd2 });
  assert.equal(imp.status, 422);
  assert.equal(imp.text.match(/<pre class="import-errors" id="import-errors">([\s\S]*?)<\/pre>/)[1],
    'dòng 2: không có đơn vị nào có mã NO-SUCH (lead_code)\ndòng 3: assigned_on không phải là ngày: 31/02/2025');
  // FR-2 sent for review: not in the template any more
  const tpl = async () => (await (await fetch(`${srv.base}/api/v1/programmes/${nq57.id}/progress-template?format=csv`, { headers: { Authorization: 'Bearer ' + reporter.token } })).text())
    .trim().split(/\r?\n/).map((l) => l.split(',')[0]);
  assert.ok((await tpl()).includes('FR-2'));
  assert.equal((await reporter.post(`/api/v1/tasks/${t2.id}/completion`, { json: { done_on: day(0) } })).status, 200);
  const rows = await tpl();
  assert.ok(rows.includes('FR-1'));
  assert.ok(!rows.includes('FR-2'));
  // a whole percent goes through
  const ok = await upload(reporter, `/api/v1/programmes/${nq57.id}/progress`, head + 'FR-1,,,,88,Đã số hoá,,\n', 'tien-do.csv');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(sql(env.db, `SELECT percent FROM tasks WHERE id = ${t1.id}`), '88');
});
