// A review as a provincial officer following Resolution 57's tasks (NQ57-CAMAU)
// and as a commendation officer: the fixes of what they met, each asserted on
// what a person reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer } from '../lib/server.mjs';
import { csrfOf, formLogin, loginAs } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, officer, reporter, nq57;
const SEED_DATE = '2025-10-14';

const day = officeDay;
// a browser's session: the cookie and the pages' CSRF token
const browser = (login) => formLogin(srv.base, login, env.demoUsers[login].password);

async function newTask(extra = {}) {
  const code = 'T' + Math.random().toString(36).slice(2, 10).toUpperCase();
  const r = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code, title: 'Số hoá hồ sơ', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(-30), due_on: day(5), ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

// the error summary at the top of a form: its title and each line as read
function summary(html) {
  const m = html.match(/<div class="error-summary error-msg" role="alert" id="error-summary"[^>]*>([\s\S]*?)<\/div>/);
  assert.ok(m, 'the page has an error summary');
  const title = m[1].match(/<p><b>([^<]*)<\/b>([^<]*)<\/p>/);
  const items = [...m[1].matchAll(/<li>(?:<a href="#([^"]+)">)?([^<]*)/g)].map((x) => (x[1] ? `#${x[1]} ` : '') + x[2]);
  return [title[1] + title[2], ...items];
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  const as = (login) => loginAs(srv.base, login, env.demoUsers[login].password);
  [officer, reporter] = await Promise.all([as('camau.officer'), as('camau.skhcn')]);
  nq57 = (await officer.get('/api/v1/programmes')).data.items.find((p) => p.code === 'NQ57-CAMAU');
});

after(async () => {
  if (srv) await srv.stop();
});

test('programme page: a "compared with" date that is no day (31/06/2025) keeps the page, the typed text and says why at its box', async () => {
  const r = await officer.get(`/programmes/${nq57.id}?as_of=14%2F10%2F2025&compare=31%2F06%2F2025`);
  assert.equal(r.status, 400);
  // the status of the day asked, compared with the end of the quarter before it
  assert.match(r.text, /<b id="n-done">485<\/b>/);
  assert.match(r.text, /<b id="n-overdue">86<\/b>/);
  assert.match(r.text, /<p id="comparison">So với 30\/09\/2025: /);
  // what was typed stays in its box, the error next to it
  assert.match(r.text, /<input type="date" id="compare" name="compare" value="31\/06\/2025" aria-invalid="true" aria-describedby="e-compare"><p class="field-error" id="e-compare">Không phải là ngày hợp lệ \(dd\/mm\/yyyy\) — so sánh với ngày cuối quý trước<\/p>/);
  assert.doesNotMatch(r.text, /YYYY-MM-DD/);
  // typed the Vietnamese way and real: the report's comparison with Q2
  const ok = await officer.get(`/programmes/${nq57.id}?as_of=14%2F10%2F2025&compare=30%2F06%2F2025`);
  assert.equal(ok.status, 200);
  assert.match(ok.text, /<p id="comparison">So với 30\/06\/2025: đã xong \+183, quá hạn −39 \(khi đó 302 đã xong, 125 quá hạn\)\.<\/p>/);
  // the API keeps its message for programs
  const api = await officer.get(`/api/v1/programmes/${nq57.id}/dashboard?as_of=2025-10-14&compare=31%2F06%2F2025`);
  assert.deepEqual([api.status, api.data.error.message], [400, 'compare phải là một ngày (YYYY-MM-DD)']);
  // in English too
  const en = await officer.get(`/programmes/${nq57.id}?as_of=2025-10-14&compare=2025-06-31`, { headers: { 'Accept-Language': 'en' } });
  assert.equal(en.status, 400);
  assert.match(en.text, /<p class="field-error" id="e-compare">Is not a date \(dd\/mm\/yyyy\) — compared with the end of the previous quarter<\/p>/);
});

test('programme page on the meeting date: a task\'s link opens its page on that date, with the days late the row shows, and says so', async () => {
  const od = (await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${SEED_DATE}&status=overdue&sort=due&limit=1`)).data.items[0];
  const page = await officer.get(`/programmes/${nq57.id}?as_of=14%2F10%2F2025`);
  // the overdue list's row: the link carries the page's date
  const row = page.text.match(new RegExp(`<a href="(/tasks/${od.id}[^"]*)">${od.code}</a></td><td>[^<]*</td><td>[^<]*</td><td class="nowrap">[^<]*</td><td class="num">(\\d+)</td>`));
  assert.ok(row, 'the overdue task is in the overdue list');
  assert.equal(row[1], `/tasks/${od.id}?as_of=${SEED_DATE}`);
  assert.equal(Number(row[2]), od.days_late);
  // the task list's links too
  assert.match(page.text, new RegExp(`<a href="/tasks/\\d+\\?as_of=${SEED_DATE}">NV57-0001</a>`));
  // the task's page on that day: the same status and days late, and the date said
  const t = await officer.get(row[1]);
  assert.equal(t.status, 200);
  assert.match(t.text, new RegExp(`data-status="overdue">quá hạn</span> <span class="badge" id="task-state">[^<]*</span> · ${od.days_late} ngày quá hạn</p>`));
  assert.match(t.text, new RegExp(`<p class="hint" id="task-as-of">Tình trạng, số ngày quá hạn và tiến độ tại ngày 14/10/2025 — <a href="/tasks/${od.id}">xem tình hình hôm nay</a></p>`));
  // today's page (the default) says nothing of a date, and its links are plain
  const now = await officer.get(`/tasks/${od.id}`);
  assert.doesNotMatch(now.text, /id="task-as-of"/);
  const today = await officer.get(`/programmes/${nq57.id}`);
  assert.match(today.text, /<a href="\/tasks\/\d+">NV57-0001<\/a>/);
});

test('task forms: every error of a refused form is named by its field and linked to it; the extension and the return say it at the box', async () => {
  const off = await browser('camau.officer');
  // a new task with nothing typed and a deadline that is no day
  let page = await off.get(`/programmes/${nq57.id}`);
  let r = await off.post(`/programmes/${nq57.id}/tasks`, { form: { _csrf: csrfOf(page.text), code: '', title: '', assigned_on: '', due_on: '31/02/2026' } });
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text), [
    'Chưa giao được nhiệm vụ (5)',
    '#f-code Mã: Bắt buộc nhập',
    '#f-title Nhiệm vụ: Bắt buộc nhập',
    '#f-lead_id Đơn vị chủ trì: Bắt buộc nhập',
    '#f-assigned_on Ngày giao: Bắt buộc nhập',
    '#f-due_on Hạn xử lý: Không phải là ngày hợp lệ (dd/mm/yyyy)',
  ]);
  assert.match(r.text, /aria-describedby="e-assigned_on">\s*<p class="field-error" id="e-assigned_on">Bắt buộc nhập<\/p>/);
  assert.match(r.text, /value="31\/02\/2026"/);

  // an extension with neither a date nor a reason
  const t = await newTask();
  page = await off.get(`/tasks/${t.id}`);
  r = await off.post(`/tasks/${t.id}/extension`, { form: { _csrf: csrfOf(page.text), version: String(t.version), due_on: '', reason: '' } });
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text), ['Chưa ghi nhận được gì (2)', '#f-new-due Thời hạn mới: Bắt buộc nhập', '#f-reason Lý do: Bắt buộc nhập']);
  assert.match(r.text, /<input id="f-new-due" name="due_on" type="date" required value="" aria-invalid="true" aria-describedby="e-new-due">\s*<p class="field-error" id="e-new-due">Bắt buộc nhập<\/p>/);
  assert.match(r.text, /<textarea id="f-reason" name="reason" rows="2" required aria-invalid="true" aria-describedby="e-reason"><\/textarea>\s*<p class="field-error" id="e-reason">Bắt buộc nhập<\/p>/);
  // an extension before the deadline in force: the date typed stays, the reason at the box
  r = await off.post(`/tasks/${t.id}/extension`, { form: { _csrf: csrfOf(page.text), version: String(t.version), due_on: '01/01/2000', reason: 'Chờ kinh phí' } });
  assert.equal(r.status, 422);
  assert.match(r.text, /<input id="f-new-due" name="due_on" type="date" required value="01\/01\/2000" aria-invalid="true" aria-describedby="e-new-due">\s*<p class="field-error" id="e-new-due">[^<]+<\/p>/);
  assert.match(r.text, /<textarea id="f-reason"[^>]*>Chờ kinh phí<\/textarea>/);

  // a completion returned without the comment it needs
  const done = await reporter.post(`/api/v1/tasks/${t.id}/completion`, { json: { done_on: day(0), product: 'Báo cáo', note: 'Xong' } });
  assert.equal(done.status, 200, done.text);
  page = await off.get(`/tasks/${t.id}`);
  r = await off.post(`/tasks/${t.id}/review`, { form: { _csrf: csrfOf(page.text), version: String(done.data.version), decision: 'return', comment: '' } });
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text), ['Chưa ghi nhận được gì (1)', '#f-comment Ý kiến (bắt buộc khi trả lại): Bắt buộc nhập']);
  assert.match(r.text, /<textarea id="f-comment" name="comment" rows="3" aria-invalid="true" aria-describedby="e-comment"><\/textarea>\s*<p class="field-error" id="e-comment">Bắt buộc nhập<\/p>/);
  // a state's refusal has no field: said as it is
  const rep = await browser('camau.skhcn');
  page = await rep.get(`/tasks/${t.id}`);
  r = await rep.post(`/tasks/${t.id}/completion`, { form: { _csrf: csrfOf(page.text), done_on: day(0), product: 'x', note: '' } });
  assert.equal(r.status, 409);
  const s = summary(r.text);
  assert.equal(s[0], 'Chưa ghi nhận được gì (1)');
  assert.ok(!s[1].startsWith('#'), s[1]);
});

test('decision form: the errors of the decision\'s own fields are named by their field and linked to it; a nominee\'s by the nominee', async () => {
  const so = await browser('sonla.officer');
  const page = await so.get('/decisions');
  const r = await so.post('/decisions', { form: { _csrf: csrfOf(page.text), proposal_id: '', authority_id: '', authority_name: '', number: '3125/QĐ-UBND',
    date: '31/02/2026', year: '20xx', signer: '', signer_title: 'Chủ tịch', movement_id: '', citation: '', rows: '3', nominees: 'SL-CDS-CN01 LDTT\nXYZ LDTT' } });
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text), [
    'Quyết định chưa được ban hành',
    '#f-date Ngày: Không phải là ngày hợp lệ (dd/mm/yyyy)',
    '#f-year Năm khen thưởng: Phải là số nguyên',
    '#f-signer Người ký (họ và tên): Bắt buộc nhập',
    '#f-number Số: Cơ quan này đã có quyết định mang số này',
    'XYZ — Lao động tiên tiến: Không có người hoặc đơn vị nào có mã này',
  ]);
  // what was typed stays
  assert.match(r.text, /<input id="f-number" name="number" value="3125\/QĐ-UBND"/);
  assert.match(r.text, /<textarea id="f-nominees"[^>]*>SL-CDS-CN01 LDTT\nXYZ LDTT<\/textarea>/);
  // in English
  const en = await browser('sonla.officer');
  await en.post('/lang', { form: { _csrf: csrfOf((await en.get('/decisions')).text), lang: 'en', next: '/decisions' } });
  const e = await en.post('/decisions', { form: { _csrf: csrfOf((await en.get('/decisions')).text), number: '', date: '01/12/2026', signer: 'A', signer_title: 'B', rows: '3', nominees: '' } });
  assert.equal(e.status, 422);
  assert.equal(summary(e.text)[1], '#f-number Number: Is required');
});
