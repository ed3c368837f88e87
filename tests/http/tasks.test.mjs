// Task monitoring (issue 12) over HTTP, on the demo data set: seed 003's
// figures through the fixed points (GET /api/v1/programmes/{id}/status and
// /api/v1/tasks?programme=&as_of=), a task's way (progress, a completion
// returned then accepted, the status on each date), an extension that leaves
// the past alone, bad input refused with nothing written, someone else's
// task (403), the import all or nothing, the export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeDb, startServer, Client, thidua, tmpdir } from '../lib/server.mjs';
import { sql, csrfOf, addUserAsync, loginAs } from './_util.mjs';
import { xlsx } from '../lib/xlsx.mjs';
import { readSheet, editSheet, excelDate } from '../lib/xlsx_edit.mjs';

let env, srv, admin, officer, reporter, outsider, nq57;

const SEED_DATE = '2025-10-14';

function day(n) {
  // the office's calendar (UTC+7), n days from today
  const d = new Date(Date.now() + 7 * 3600e3 + n * 86400e3);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  const as = (login) => loginAs(srv.base, login, env.demoUsers[login].password);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  [officer, reporter, outsider] = await Promise.all([as('camau.officer'), as('camau.skhcn'), as('quangyen.reporter')]);
  const list = await officer.get('/api/v1/programmes');
  assert.equal(list.status, 200);
  nq57 = list.data.items.find((p) => p.code === 'NQ57-CAMAU');
  assert.ok(nq57, 'the demo has the programme NQ57-CAMAU');
});

after(async () => {
  if (srv) await srv.stop();
});

test('seed 003: 1 132 tasks, 485 done (43%), 561 not yet due, 86 overdue on the meeting date', async () => {
  assert.equal(nq57.tasks, 1132);
  assert.equal(nq57.owner_code, 'T-CAMAU-BCD57');
  const r = await officer.get(`/api/v1/programmes/${nq57.id}/status?as_of=${SEED_DATE}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data, {
    programme_id: nq57.id, as_of: SEED_DATE, unit: null, total: 1132, done: 485, done_on_time: 353, done_late: 132,
    not_done: 647, not_due: 561, overdue: 86, done_percent: 42.8,
  });
  // the end of Q2 2025: fewer done, more overdue
  const q2 = await officer.get(`/api/v1/programmes/${nq57.id}/status?as_of=2025-06-30`);
  assert.deepEqual([q2.data.total, q2.data.done, q2.data.not_due, q2.data.overdue], [1132, 302, 705, 125]);
  const dash = await officer.get(`/api/v1/programmes/${nq57.id}/dashboard?as_of=${SEED_DATE}`);
  assert.equal(dash.status, 200, dash.text);
  assert.equal(dash.data.compared_with.as_of, '2025-09-30');
  // compared with Q2 2025, as the meeting did: more done, fewer overdue
  const vsQ2 = await officer.get(`/api/v1/programmes/${nq57.id}/dashboard?as_of=${SEED_DATE}&compare=2025-06-30`);
  assert.deepEqual([vsQ2.data.compared_with.as_of, vsQ2.data.compared_with.done, vsQ2.data.compared_with.overdue], ['2025-06-30', 302, 125]);
  assert.equal((await officer.get(`/api/v1/programmes/${nq57.id}/dashboard?compare=junk`)).status, 400);
  const quarters = dash.data.quarters.map((q) => [q.as_of, q.done, q.overdue]);
  assert.deepEqual(quarters.slice(0, 2), [['2025-03-31', quarters[0][1], quarters[0][2]], ['2025-06-30', 302, 125]]);
  assert.deepEqual(quarters.at(-1), [SEED_DATE, 485, 86]);
  // the units' counts add up to the programme's
  const sum = dash.data.by_unit.reduce((a, u) => a + u.overdue, 0);
  assert.equal(sum, 86);
  assert.equal(dash.data.by_unit.reduce((a, u) => a + u.total, 0), 1132);
  // one unit's subtree: the same as its row
  const ward = dash.data.by_unit.find((u) => u.code === 'CM-X-DATMUI');
  const one = await officer.get(`/api/v1/programmes/${nq57.id}/status?as_of=${SEED_DATE}&unit=CM-X-DATMUI`);
  assert.deepEqual([one.data.total, one.data.done, one.data.overdue, one.data.unit], [ward.total, ward.done, ward.overdue, 'CM-X-DATMUI']);
});

test('GET /api/v1/tasks?programme=&as_of= gives each task its status; the rows add up to the counts', async () => {
  const counts = { done_on_time: 0, done_late: 0, not_due: 0, overdue: 0 };
  let total = 0;
  for (let offset = 0; ; offset += 1000) {
    const r = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${SEED_DATE}&limit=1000&offset=${offset}`);
    assert.equal(r.status, 200, r.text);
    total = r.data.total;
    for (const t of r.data.items) counts[t.status]++;
    if (offset + 1000 >= total) break;
  }
  assert.equal(total, 1132);
  assert.deepEqual(counts, { done_on_time: 353, done_late: 132, not_due: 561, overdue: 86 });
  const od = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${SEED_DATE}&status=overdue&sort=due&limit=5`);
  assert.equal(od.data.total, 86);
  assert.ok(od.data.items.every((t) => t.days_late > 0 && t.due_at < SEED_DATE && t.lead_name));
  assert.ok(od.data.items[0].days_late >= od.data.items[4].days_late, 'most late first');
  // due within 30 days of the meeting: not done, deadline in [date, date + 30]
  const soon = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${SEED_DATE}&due_within=30&limit=1000`);
  assert.ok(soon.data.total > 0);
  assert.ok(soon.data.items.every((t) => t.status === 'not_due' && t.due_at >= SEED_DATE && t.due_at <= '2025-11-13'));
  const bad = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=14-14-2025`);
  assert.equal(bad.status, 400);
  const noprog = await officer.get('/api/v1/tasks');
  assert.equal(noprog.status, 400);
  // a reporter sees the tasks its unit leads
  const mine = await reporter.get(`/api/v1/programmes/${nq57.id}/status?as_of=${SEED_DATE}`);
  const theirs = await officer.get(`/api/v1/programmes/${nq57.id}/status?as_of=${SEED_DATE}&unit=T-CAMAU-SKHCN`);
  assert.equal(mine.data.total, theirs.data.total);
  assert.ok(mine.data.total > 0 && mine.data.total < 1132);
});

async function newTask(extra = {}) {
  const code = 'T' + Math.random().toString(36).slice(2, 10).toUpperCase();
  const r = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code, title: 'Triển khai nền tảng dữ liệu', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(-30), due_on: day(5), ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

test('a task\'s way: progress, a completion returned then accepted; the status on each date', async () => {
  let t = await newTask({ coordinators: ['T-CAMAU-STC'] });
  assert.deepEqual([t.status, t.state, t.percent, t.coordinators.map((c) => c.code)], ['not_due', 'open', 0, ['T-CAMAU-STC']]);
  let r = await reporter.post(`/api/v1/tasks/${t.id}/progress`, { json: { percent: 40, note: 'Đã xây dựng xong phần mềm' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.percent, 40);
  r = await reporter.post(`/api/v1/tasks/${t.id}/completion`, { json: { done_on: day(0), product: 'Hệ thống vận hành' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.state, r.data.status], ['submitted', 'not_due']);
  // returned with a comment: not done
  const noComment = await officer.post(`/api/v1/tasks/${t.id}/review`, { json: { decision: 'return', version: r.data.version } });
  assert.equal(noComment.status, 422);
  assert.ok(noComment.data.error.fields.comment);
  r = await officer.post(`/api/v1/tasks/${t.id}/review`, { json: { decision: 'return', comment: 'Thiếu biên bản nghiệm thu', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.state, r.data.status, r.data.reports[0].review, r.data.reports[0].review_comment], ['open', 'not_due', 'returned', 'Thiếu biên bản nghiệm thu']);
  r = await reporter.post(`/api/v1/tasks/${t.id}/completion`, { json: { done_on: day(0) } });
  const stale = await officer.post(`/api/v1/tasks/${t.id}/review`, { json: { decision: 'accept', version: r.data.version - 1 } });
  assert.equal(stale.status, 409);
  r = await officer.post(`/api/v1/tasks/${t.id}/review`, { json: { decision: 'accept', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.state, r.data.status, r.data.done_on, r.data.accepted_on, r.data.percent], ['done', 'done_on_time', day(0), day(0), 100]);
  // yesterday it was not done yet
  const y = await officer.get(`/api/v1/tasks/${t.id}?as_of=${day(-1)}`);
  assert.equal(y.data.status, 'not_due');
  // a done task is not extended
  const ext = await officer.post(`/api/v1/tasks/${t.id}/extension`, { json: { due_on: day(60), reason: 'x', version: r.data.version } });
  assert.equal(ext.status, 409);
});

test('the percent on a past day: the last progress by then, 100 once accepted, a parent the mean of its sub-tasks then; today the record', async () => {
  // NV57-0001: 50 % reported on 09/02/2025, completion reported 15/04, accepted 18/04
  const at = async (code, day) => {
    const r = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${day}&limit=1000`);
    assert.equal(r.status, 200, r.text);
    const t = r.data.items.find((x) => x.code === code);
    return t && [t.percent_at, t.percent];
  };
  assert.deepEqual(await at('NV57-0001', '2025-02-08'), [0, 100]);
  assert.deepEqual(await at('NV57-0001', '2025-03-01'), [50, 100]);
  assert.deepEqual(await at('NV57-0001', '2025-04-16'), [50, 100], 'a completion waiting for review is not 100 %');
  assert.deepEqual(await at('NV57-0001', '2025-04-18'), [100, 100]);
  // NV57-0005 has three sub-tasks (0055, 0065, 0075); only 0065 reported, 26 % on 30/09/2025:
  // the parent is their mean rounded down, 26 / 3 = 8, from that day
  assert.deepEqual(await at('NV57-0065', SEED_DATE), [26, 26]);
  assert.deepEqual(await at('NV57-0005', SEED_DATE), [8, 8]);
  assert.deepEqual(await at('NV57-0005', '2025-09-29'), [0, 8]);
  const today = await officer.get(`/api/v1/tasks?programme=${nq57.id}&limit=1`);
  assert.equal(today.data.items[0].percent_at, today.data.items[0].percent);
  // the pages show the percent on the day asked
  const id1 = (await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=2025-03-01&limit=1`)).data.items[0].id;
  const page = await officer.get(`/tasks/${id1}?as_of=2025-03-01`);
  assert.match(page.text, /<dd id="percent">50%<\/dd>/);
  const list = await officer.get(`/programmes/${nq57.id}?as_of=2025-03-01`);
  assert.match(list.text, new RegExp(`<a href="/tasks/${id1}\\?as_of=2025-03-01">NV57-0001</a>.*?<td class="num">50</td>`));
});

test('an extension counts from the day it is recorded; the original deadline stays on record', async () => {
  const t = await newTask({ assigned_on: day(-40), due_on: day(-10) });
  assert.deepEqual([t.status, t.days_late], ['overdue', 10]);
  const byReporter = await reporter.post(`/api/v1/tasks/${t.id}/extension`, { json: { due_on: day(30), reason: 'Chờ kinh phí', version: t.version } });
  assert.equal(byReporter.status, 403);
  const noReason = await officer.post(`/api/v1/tasks/${t.id}/extension`, { json: { due_on: day(30), version: t.version } });
  assert.equal(noReason.status, 422);
  const r = await officer.post(`/api/v1/tasks/${t.id}/extension`, { json: { due_on: day(30), reason: 'Chờ kinh phí', version: t.version } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.status, r.data.due_on, r.data.due_original], ['not_due', day(30), day(-10)]);
  assert.deepEqual(r.data.extensions, [{ due_before: day(-10), due_on: day(30), reason: 'Chờ kinh phí', recorded_on: day(0), by: 'camau.officer' }]);
  const y = await officer.get(`/api/v1/tasks/${t.id}?as_of=${day(-1)}`);
  assert.deepEqual([y.data.status, y.data.due_at, y.data.days_late], ['overdue', day(-10), 9]);
});

test('reopening an accepted task: not done from today, done on the dates before; history kept, audited, done again once accepted', async () => {
  // a task of the demo done on time and accepted by June 2025, due by then
  const list = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=2025-06-30&status=done_on_time&unit=T-CAMAU-SKHCN&limit=1`);
  const t = (await officer.get(`/api/v1/tasks/${list.data.items[0].id}`)).data;
  assert.equal(t.state, 'done');
  assert.ok(t.due_on < '2025-10-14' && t.accepted_on <= '2025-06-30', JSON.stringify(t));
  const seed = await status(nq57.id, SEED_DATE);
  assert.deepEqual(seed, [1132, 353, 132, 561, 86]);
  const today = await status(nq57.id, day(0));
  // a reporter may not, a reason is required, a stale version is refused: nothing written
  assert.equal((await reporter.post(`/api/v1/tasks/${t.id}/reopen`, { json: { reason: 'x', version: t.version } })).status, 403);
  const noReason = await officer.post(`/api/v1/tasks/${t.id}/reopen`, { json: { version: t.version } });
  assert.equal(noReason.status, 422);
  assert.ok(noReason.data.error.fields.reason);
  assert.equal((await officer.post(`/api/v1/tasks/${t.id}/reopen`, { json: { reason: 'x', version: t.version - 1 } })).status, 409);
  assert.equal(sql(env.db, `SELECT count(*) FROM task_reopenings WHERE task_id = ${t.id}`), '0');
  const audits = () => sql(env.db, `SELECT count(*) FROM audit_log WHERE entity = 'task' AND entity_id = ${t.id} AND action = 'reopen'`);
  assert.equal(audits(), '0');
  const r = await officer.post(`/api/v1/tasks/${t.id}/reopen`, { json: { reason: 'Sản phẩm chưa đạt yêu cầu', version: t.version } });
  assert.equal(r.status, 200, r.text);
  const overdueDays = Math.round((Date.parse(day(0)) - Date.parse(t.due_on)) / 86400e3);
  assert.deepEqual([r.data.state, r.data.status, r.data.done_on, r.data.accepted_on, r.data.reopened_on, r.data.days_late],
    ['open', 'overdue', null, null, day(0), overdueDays]);
  assert.deepEqual(r.data.reopenings, [{ done_on: t.done_on, accepted_on: t.accepted_on, reopened_on: day(0), reason: 'Sản phẩm chưa đạt yêu cầu', by: 'camau.officer' }]);
  assert.equal(audits(), '1');
  // the dates before today: done on time as it was; the programme's figures of the meeting unchanged
  for (const d of [SEED_DATE, day(-1)]) assert.equal((await officer.get(`/api/v1/tasks/${t.id}?as_of=${d}`)).data.status, 'done_on_time');
  assert.deepEqual(await status(nq57.id, SEED_DATE), seed);
  // today: one fewer done on time, one more overdue; the list and its filter agree
  assert.deepEqual(await status(nq57.id, day(0)), [today[0], today[1] - 1, today[2], today[3], today[4] + 1]);
  const od = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${day(0)}&status=overdue&unit=T-CAMAU-SKHCN&limit=1000`);
  assert.ok(od.data.items.some((x) => x.id === t.id));
  const past = await officer.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${SEED_DATE}&status=done_on_time&unit=T-CAMAU-SKHCN&limit=1000`);
  assert.ok(past.data.items.some((x) => x.id === t.id));
  // the task's page: the history; a done task is not reopened twice
  const page = await officer.get(`/tasks/${t.id}`);
  assert.match(page.text, /<ul id="reopenings"><li>[^<]*Sản phẩm chưa đạt yêu cầu<\/li><\/ul>/);
  assert.doesNotMatch(page.text, /id="reopen-form"/);
  assert.equal((await officer.post(`/api/v1/tasks/${t.id}/reopen`, { json: { reason: 'x', version: r.data.version } })).status, 409);
  // reported again today and accepted: done late today, still done on time on the meeting date
  const c = await reporter.post(`/api/v1/tasks/${t.id}/completion`, { json: { done_on: day(0), product: 'Sản phẩm bổ sung' } });
  assert.equal(c.status, 200, c.text);
  const a = await officer.post(`/api/v1/tasks/${t.id}/review`, { json: { decision: 'accept', version: c.data.version } });
  assert.deepEqual([a.data.status, a.data.days_late], ['done_late', overdueDays]);
  assert.equal((await officer.get(`/api/v1/tasks/${t.id}?as_of=${SEED_DATE}`)).data.status, 'done_on_time');
  assert.deepEqual(await status(nq57.id, day(0)), [today[0], today[1] - 1, today[2] + 1, today[3], today[4]]);
  // the page's form: the officer reopens it by the button, with CSRF
  const b = new Client(srv.base);
  const login = await b.get('/login');
  assert.equal((await b.post('/login', { form: { login: 'camau.officer', password: env.demoUsers['camau.officer'].password, next: '/', _csrf: csrfOf(login.text) } })).status, 303);
  const again = await b.get(`/tasks/${t.id}`);
  assert.match(again.text, /id="reopen-form"/);
  const f = await b.post(`/tasks/${t.id}/reopen`, { form: { _csrf: csrfOf(again.text), version: String(a.data.version), reason: 'Lần hai' } });
  assert.equal(f.status, 303, f.text);
  const after = (await officer.get(`/api/v1/tasks/${t.id}`)).data;
  assert.deepEqual([after.state, after.reopenings.length, after.reopenings[1].reason], ['open', 2, 'Lần hai']);
});

test('a task with sub-tasks: its percent is their mean, never a report of its own; a reopened task goes back to what was reported; no sub-task for a done task', async () => {
  const parent = await newTask();
  const a = await newTask({ parent_code: parent.code });
  const b = await newTask({ parent_code: parent.code });
  // a progress report on the parent is refused: the next report on a sub-task would overwrite it
  const own = await reporter.post(`/api/v1/tasks/${parent.id}/progress`, { json: { percent: 90, note: 'Tự báo cáo' } });
  assert.equal(own.status, 409, own.text);
  assert.equal(own.data.error.fields.state, 'Tiến độ của nhiệm vụ có nhiệm vụ con là trung bình tiến độ các nhiệm vụ con: hãy báo cáo trên các nhiệm vụ con');
  assert.equal(sql(env.db, `SELECT count(*) FROM task_reports WHERE task_id = ${parent.id}`), '0');
  // the page says so instead of offering the form; the completion form stays
  const page = await reporter.get(`/tasks/${parent.id}`);
  assert.match(page.text, /id="progress-from-subtasks"/);
  assert.doesNotMatch(page.text, /id="progress-form"/);
  assert.match(page.text, /id="completion-form"/);
  assert.match((await reporter.get(`/tasks/${a.id}`)).text, /id="progress-form"/);
  // a sub-task at 40 % reported, then done and accepted: the parent is (100 + 30) / 2
  await reporter.post(`/api/v1/tasks/${a.id}/progress`, { json: { percent: 40, note: 'Bước 1' } });
  const pb = await reporter.post(`/api/v1/tasks/${b.id}/progress`, { json: { percent: 30, note: 'Bước 1' } });
  assert.equal(pb.status, 200, pb.text);
  assert.equal((await officer.get(`/api/v1/tasks/${parent.id}`)).data.percent, 35);
  const c = await reporter.post(`/api/v1/tasks/${a.id}/completion`, { json: { done_on: day(0) } });
  const ok = await officer.post(`/api/v1/tasks/${a.id}/review`, { json: { decision: 'accept', version: c.data.version } });
  assert.equal(ok.data.percent, 100);
  assert.equal((await officer.get(`/api/v1/tasks/${parent.id}`)).data.percent, 65);
  // reopened: the sub-task is at its last progress again (40), not 100; the parent follows
  const re = await officer.post(`/api/v1/tasks/${a.id}/reopen`, { json: { reason: 'Chưa đạt', version: ok.data.version } });
  assert.equal(re.status, 200, re.text);
  assert.deepEqual([re.data.state, re.data.percent], ['open', 40]);
  assert.equal((await officer.get(`/api/v1/tasks/${parent.id}`)).data.percent, 35);
  // both done, the parent done and accepted, then reopened: its percent is their mean, 100
  for (const t of [a, b]) {
    const cur = (await officer.get(`/api/v1/tasks/${t.id}`)).data;
    const done = await reporter.post(`/api/v1/tasks/${t.id}/completion`, { json: { done_on: day(0) } });
    assert.equal(done.status, 200, `${cur.code}: ${done.text}`);
    assert.equal((await officer.post(`/api/v1/tasks/${t.id}/review`, { json: { decision: 'accept', version: done.data.version } })).status, 200);
  }
  const pc = await reporter.post(`/api/v1/tasks/${parent.id}/completion`, { json: { done_on: day(0) } });
  assert.equal(pc.status, 200, pc.text);
  const pa = await officer.post(`/api/v1/tasks/${parent.id}/review`, { json: { decision: 'accept', version: pc.data.version } });
  assert.equal(pa.data.state, 'done');
  // no new sub-task under a task done: a parent is done only once all its sub-tasks are
  const late = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code: 'SUB-LATE', title: 'Việc phát sinh', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(0), parent_code: parent.code },
  });
  assert.equal(late.status, 422, late.text);
  assert.equal(late.data.error.fields.parent_code, 'Nhiệm vụ này đã hoàn thành: hãy mở lại trước khi giao nhiệm vụ con');
  const pr = await officer.post(`/api/v1/tasks/${parent.id}/reopen`, { json: { reason: 'Bổ sung việc', version: pa.data.version } });
  assert.deepEqual([pr.status, pr.data.state, pr.data.percent], [200, 'open', 100]);
  // now open: the new sub-task counts at 0 %, (100 + 100 + 0) / 3 = 66
  const now = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code: 'SUB-LATE', title: 'Việc phát sinh', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(0), parent_code: parent.code },
  });
  assert.equal(now.status, 201, now.text);
  assert.equal((await officer.get(`/api/v1/tasks/${parent.id}`)).data.percent, 66);
});

test('a programme\'s tasks found by words of their code or title typed without accents (?q=), by the API and on the page', async () => {
  const list = async (q) => {
    const r = await officer.get(`/api/v1/tasks?programme=${nq57.id}&limit=1000&q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    return r.data;
  };
  // "Ứng dụng trí tuệ nhân tạo trong chỉ đạo, điều hành (đợt 5)": 12 of the 71 tasks on artificial intelligence
  const ai5 = await list('tri tue dot 5');
  assert.equal(ai5.total, 12);
  assert.ok(ai5.items.every((t) => /trí tuệ nhân tạo.*\(đợt 5\)/.test(t.title)), JSON.stringify(ai5.items.map((t) => t.title)));
  assert.equal((await list('tri tue')).total, 71);
  // with or without accents, in any case, in any order
  assert.deepEqual([(await list('khóm')).total, (await list('KHOM')).total, (await list('dot 5 TRÍ TUỆ')).total], [71, 71, 12]);
  // by the code, as typed in the minutes
  assert.deepEqual((await list('nv57-0168')).items.map((t) => t.code), ['NV57-0168']);
  assert.equal((await list('khong co nhiem vu nay')).total, 0);
  // a title corrected: found by its new words, not the old ones
  const t = await newTask({ title: 'Lắp đặt camera giám sát' });
  const c = await officer.patch(`/api/v1/tasks/${t.id}`, { json: { title: 'Số hoá bản đồ địa chính', version: t.version } });
  assert.equal(c.status, 200, c.text);
  assert.deepEqual([(await list('camera giam sat')).total, (await list('ban do dia chinh')).items.map((x) => x.id)], [0, [t.id]]);
  // the page: the list narrowed, the words kept in the box; the counts above stay the programme's
  const page = await officer.get(`/programmes/${nq57.id}?as_of=${SEED_DATE}&q=tri+tue+dot+5`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<input type="search" id="task-q" name="q" value="tri tue dot 5"/);
  const rows = page.text.slice(page.text.indexOf('id="h-tasks"')).match(/<tr data-status=/g);
  assert.equal(rows.length, 12);
  assert.match(page.text, /<b id="n-total">1\.13\d<\/b>/);
});

test('migration 029 fills the search words of the tasks a database held before it', async () => {
  const old = makeDb({ demo: true }).db;
  sql(old, 'ALTER TABLE tasks DROP COLUMN search; DELETE FROM schema_migrations WHERE version = 29');
  const r = thidua(['audit', 'verify', '--db', old]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sql(old, "SELECT count(*) FROM tasks WHERE search = ''"), '0');
  assert.equal(sql(old, "SELECT search FROM tasks WHERE code = 'NV57-0168'"), 'nv57 0168 ung dung tri tue nhan tao trong chi dao dieu hanh dot 5');
});

test('correcting a task: the fields sent change, the others stay; a stale version, a reporter, a lead unit among the coordinators are refused', async () => {
  const t = await newTask({ coordinators: ['T-CAMAU-STC'], source_doc: 'Kế hoạch 01', product: 'Báo cáo' });
  const unitId = (code) => Number(sql(env.db, `SELECT id FROM units WHERE code = '${code}'`));
  const audits = () => sql(env.db, `SELECT count(*) FROM audit_log WHERE entity = 'task' AND entity_id = ${t.id} AND action = 'update'`);
  assert.equal((await reporter.patch(`/api/v1/tasks/${t.id}`, { json: { title: 'x', version: t.version } })).status, 403);
  const clash = await officer.patch(`/api/v1/tasks/${t.id}`, { json: { lead_code: 'T-CAMAU-STC', version: t.version } });
  assert.equal(clash.status, 422);
  assert.equal(clash.data.error.fields.coordinators, 'Đơn vị chủ trì không đồng thời là đơn vị phối hợp');
  const noTitle = await officer.patch(`/api/v1/tasks/${t.id}`, { json: { title: '', version: t.version } });
  assert.equal(noTitle.status, 422);
  assert.ok(noTitle.data.error.fields.title);
  assert.equal((await officer.patch(`/api/v1/tasks/${t.id}`, { json: { title: 'x' } })).status, 422);
  assert.equal(audits(), '0');
  const r = await officer.patch(`/api/v1/tasks/${t.id}`, {
    json: { title: 'Triển khai nền tảng dữ liệu dùng chung', source_article: 'Điều 3', lead_code: 'T-CAMAU-STC', coordinators: ['T-CAMAU-SKHCN'], product: null, version: t.version },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.title, r.data.source_doc, r.data.source_article, r.data.lead_code, r.data.coordinators.map((c) => c.code), r.data.product, r.data.due_on, r.data.version],
    ['Triển khai nền tảng dữ liệu dùng chung', 'Kế hoạch 01', 'Điều 3', 'T-CAMAU-STC', ['T-CAMAU-SKHCN'], null, t.due_on, t.version + 1]);
  assert.equal(audits(), '1');
  const stale = await officer.patch(`/api/v1/tasks/${t.id}`, { json: { title: 'Cũ', version: t.version } });
  assert.equal(stale.status, 409);
  // the department's reporter no longer reports on it; the Department of Finance leads it now
  assert.equal((await reporter.post(`/api/v1/tasks/${t.id}/progress`, { json: { percent: 10 } })).status, 403);
  // the page's form, the units chosen with the picker
  const b = new Client(srv.base);
  const login = await b.get('/login');
  assert.equal((await b.post('/login', { form: { login: 'camau.officer', password: env.demoUsers['camau.officer'].password, next: '/', _csrf: csrfOf(login.text) } })).status, 303);
  const page = await b.get(`/tasks/${t.id}`);
  assert.match(page.text, /id="edit-form"/);
  assert.match(page.text, /<input id="f-edit-title" name="title" required value="Triển khai nền tảng dữ liệu dùng chung">/);
  const form = { _csrf: csrfOf(page.text), version: String(r.data.version), title: 'Nền tảng dữ liệu', source_doc: 'Kế hoạch 01/KH-BCĐ', source_article: '', product: 'Hệ thống',
    lead_id: String(unitId('T-CAMAU-SKHCN')), coordinators: String(unitId('T-CAMAU-STC')) };
  const bad = await b.post(`/tasks/${t.id}/edit`, { form: { ...form, title: '' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="e-edit-title"/);
  const ok = await b.post(`/tasks/${t.id}/edit`, { form });
  assert.equal(ok.status, 303, ok.text);
  const after = (await officer.get(`/api/v1/tasks/${t.id}`)).data;
  assert.deepEqual([after.title, after.source_doc, after.source_article, after.lead_code, after.coordinators.map((c) => c.code), after.product, after.version],
    ['Nền tảng dữ liệu', 'Kế hoạch 01/KH-BCĐ', null, 'T-CAMAU-SKHCN', ['T-CAMAU-STC'], 'Hệ thống', r.data.version + 1]);
  assert.equal(audits(), '2');
});

test('bad input: a deadline before the start, progress over 100%, a completion in the future; nothing written', async () => {
  const before = sql(env.db, 'SELECT count(*) FROM tasks');
  const r = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code: 'BAD-1', title: 'x', lead_code: 'T-CAMAU-SKHCN', assigned_on: '2025-05-01', due_on: '2025-04-30' },
  });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.fields.due_on, 'Thời hạn trước ngày giao nhiệm vụ');
  assert.equal(sql(env.db, 'SELECT count(*) FROM tasks'), before);
  const t = await newTask();
  const reports = () => sql(env.db, `SELECT count(*) FROM task_reports WHERE task_id = ${t.id}`);
  const over = await reporter.post(`/api/v1/tasks/${t.id}/progress`, { json: { percent: 101 } });
  assert.equal(over.status, 422);
  assert.equal(over.data.error.fields.percent, 'Phải từ 0 đến 100');
  const future = await reporter.post(`/api/v1/tasks/${t.id}/completion`, { json: { done_on: day(1) } });
  assert.equal(future.status, 422);
  assert.equal(future.data.error.fields.done_on, 'Ngày hoàn thành là một ngày trong tương lai');
  assert.equal(reports(), '0');
  const got = await officer.get(`/api/v1/tasks/${t.id}`);
  assert.deepEqual([got.data.percent, got.data.state, got.data.version], [0, 'open', t.version]);
});

test('someone else\'s task: a reporter of another unit gets 403 and writes nothing; a reporter does not assign', async () => {
  const t = await newTask();
  const r = await outsider.post(`/api/v1/tasks/${t.id}/progress`, { json: { percent: 10 } });
  assert.equal(r.status, 403);
  // a reporter of the province's department sees its own, not another department's task
  const other = await newTask({ lead_code: 'T-CAMAU-STC' });
  const p = await reporter.post(`/api/v1/tasks/${other.id}/progress`, { json: { percent: 10 } });
  assert.equal(p.status, 403);
  const c = await reporter.post(`/api/v1/tasks/${other.id}/completion`, { json: { done_on: day(0) } });
  assert.equal(c.status, 403);
  assert.equal(sql(env.db, `SELECT count(*) FROM task_reports WHERE task_id IN (${t.id}, ${other.id})`), '0');
  const assign = await reporter.post('/api/v1/tasks', { json: { programme_id: nq57.id, code: 'R-1', title: 'x', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(0) } });
  assert.equal(assign.status, 403);
});

test('evidence files: the lead unit\'s reporter attaches, the officer reads them', async () => {
  const t = await newTask();
  const fd = new FormData();
  fd.append('file', new Blob(['%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'], { type: 'application/pdf' }), 'bien-ban.pdf');
  const r = await reporter.req('POST', `/api/v1/tasks/${t.id}/files`, { raw: fd });
  assert.equal(r.status, 201, r.text);
  const l = await officer.get(`/api/v1/tasks/${t.id}/files`);
  assert.deepEqual(l.data.items.map((f) => [f.name, f.mime]), [['bien-ban.pdf', 'application/pdf']]);
  const fd2 = new FormData();
  fd2.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), 'x.pdf');
  const no = await outsider.req('POST', `/api/v1/tasks/${t.id}/files`, { raw: fd2 });
  assert.equal(no.status, 403);
});

test('import: one bad line writes nothing and says which; a good file imports every line', async () => {
  const p = await officer.post('/api/v1/programmes', { json: { code: 'KH-45', title: 'Kế hoạch 45/KH-UBND', kind: 'plan', owner_code: 'T-CAMAU-BCD57' } });
  assert.equal(p.status, 201, p.text);
  const up = (text) => {
    const fd = new FormData();
    fd.append('file', new Blob([text], { type: 'text/csv' }), 'tasks.csv');
    return officer.req('POST', `/api/v1/programmes/${p.data.id}/import`, { raw: fd });
  };
  const head = 'code,title,parent_code,lead_code,coordinators,assigned_on,due_on,product\n';
  const bad = await up(head + 'A1,Nhiệm vụ một,,T-CAMAU-SKHCN,,01/02/2025,30/06/2025,Báo cáo\nA2,Nhiệm vụ hai,,NO-SUCH,,2025-02-01,2025-01-01,\n');
  assert.equal(bad.status, 422);
  assert.match(bad.data.error.fields.file, /^dòng 3: không có đơn vị nào có mã NO-SUCH/m);
  assert.equal(sql(env.db, `SELECT count(*) FROM tasks WHERE programme_id = ${p.data.id}`), '0');
  const ok = await up(head + 'A1,Nhiệm vụ một,,T-CAMAU-SKHCN,T-CAMAU-STC,01/02/2025,30/06/2025,Báo cáo\nA1.1,Nhiệm vụ con,A1,T-CAMAU-SKHCN,,2025-02-01,,\n');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.data.imported, 2);
  const l = await officer.get(`/api/v1/tasks?programme=${p.data.id}&as_of=2025-07-01`);
  assert.deepEqual(l.data.items.map((t) => [t.code, t.parent_code, t.status]), [['A1', null, 'overdue'], ['A1.1', 'A1', 'not_due']]);
});

// a file posted as multipart to an import route
function upload(client, route, bytes, name) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), name);
  return client.req('POST', route, { raw: fd });
}

async function status(id, asOf) {
  const r = await officer.get(`/api/v1/programmes/${id}/status?as_of=${asOf}`);
  assert.equal(r.status, 200, r.text);
  return [r.data.total, r.data.done_on_time, r.data.done_late, r.data.not_due, r.data.overdue];
}

test('import from XLSX: Vietnamese headers, dates typed as dates or text; a broken row names its worksheet row and writes nothing', async () => {
  const p = await officer.post('/api/v1/programmes', { json: { code: 'KH-XLSX', title: 'Kế hoạch 12/KH-BCĐ', kind: 'plan', owner_code: 'T-CAMAU-BCD57' } });
  assert.equal(p.status, 201, p.text);
  // a programme without tasks yet: its page and dashboard, all zero
  const empty = await officer.get(`/programmes/${p.data.id}`);
  assert.equal(empty.status, 200);
  assert.match(empty.text, /<b id="n-total">0<\/b>/);
  const emptyDash = await officer.get(`/api/v1/programmes/${p.data.id}/dashboard?as_of=2025-07-01`);
  assert.deepEqual([emptyDash.status, emptyDash.data.by_unit], [200, []]);
  const route = `/api/v1/programmes/${p.data.id}/import`;
  const head = [1, ['Mã', 'Nhiệm vụ', 'Nhiệm vụ con của', 'Mã đơn vị chủ trì', 'Mã các đơn vị phối hợp', 'Ngày giao', 'Hạn xử lý', 'Sản phẩm đầu ra']];
  const rows = [
    // a date typed in Excel is a number cell (days since 30/12/1899); text dates as dd/mm/yyyy or ISO
    [2, ['X1', 'Số hoá hồ sơ', null, 'T-CAMAU-SKHCN', 'T-CAMAU-STC, T-CAMAU-BCD57', excelDate('2025-02-01'), excelDate('2025-06-30'), 'Kho dữ liệu']],
    [3, ['X1.1', 'Số hoá hồ sơ đất đai', 'X1', 'T-CAMAU-SKHCN', null, '01/02/2025', '31/05/2025', null]],
    [4, ['X2', 'Chính quyền số', null, 'T-CAMAU-STC', null, '2025-03-01', null, null]],
    [6, [20251, 'Mã số', null, 'T-CAMAU-STC', null, excelDate('2025-03-01'), '30/09/2025', null]],
  ];
  const before = sql(env.db, 'SELECT count(*) FROM audit_log');
  // row 5 is absent; row 7 names an unknown unit, row 8 a deadline before the start, row 9 a date that is not one
  const bad = await upload(officer, route, xlsx([head, ...rows,
    [7, ['X3', 'Sai đơn vị', null, 'NO-SUCH', null, '01/03/2025', null, null]],
    [8, ['X4', 'Sai hạn', null, 'T-CAMAU-STC', null, '01/03/2025', '28/02/2025', null]],
    [9, ['X5', 'Sai ngày', null, 'T-CAMAU-STC', null, '31/02/2025', null, null]],
  ]), 'nhiem-vu.xlsx');
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.data.error.fields.file, [
    'dòng 7: không có đơn vị nào có mã NO-SUCH (lead_code)',
    'dòng 8: due_on: Thời hạn trước ngày giao nhiệm vụ',
    'dòng 9: assigned_on không phải là ngày: 31/02/2025',
  ].join('\n'));
  assert.equal(sql(env.db, `SELECT count(*) FROM tasks WHERE programme_id = ${p.data.id}`), '0');
  assert.equal(sql(env.db, 'SELECT count(*) FROM audit_log'), before);
  const ok = await upload(officer, route, xlsx([head, ...rows]), 'nhiem-vu.xlsx');
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.data, { imported: 4 });
  const l = await officer.get(`/api/v1/tasks?programme=${p.data.id}&as_of=2025-07-01`);
  assert.deepEqual(l.data.items.map((t) => [t.code, t.parent_code, t.lead_code, t.assigned_on, t.due_on, t.status]), [
    ['20251', null, 'T-CAMAU-STC', '2025-03-01', '2025-09-30', 'not_due'],
    ['X1', null, 'T-CAMAU-SKHCN', '2025-02-01', '2025-06-30', 'overdue'],
    ['X1.1', 'X1', 'T-CAMAU-SKHCN', '2025-02-01', '2025-05-31', 'overdue'],
    ['X2', null, 'T-CAMAU-STC', '2025-03-01', null, 'not_due'],
  ]);
  const x1 = await officer.get(`/api/v1/tasks/${l.data.items[1].id}`);
  assert.deepEqual([x1.data.coordinators.map((c) => c.code), x1.data.product], [['T-CAMAU-BCD57', 'T-CAMAU-STC'], 'Kho dữ liệu']);
  // total, done on time, done late, not yet due, overdue
  assert.deepEqual(await status(p.data.id, '2025-07-01'), [4, 0, 0, 2, 2]);
  assert.deepEqual(await status(p.data.id, '2025-02-15'), [2, 0, 0, 2, 0]);
  // the same codes again: refused, the list unchanged
  const again = await upload(officer, route, xlsx([head, rows[0]]), 'nhiem-vu.xlsx');
  assert.equal(again.status, 422);
  assert.equal(again.data.error.fields.file, 'dòng 2: code: Mã này đã được dùng cho nhiệm vụ khác của chương trình');
  assert.equal(sql(env.db, `SELECT count(*) FROM tasks WHERE programme_id = ${p.data.id}`), '4');
});

test('progress in bulk from the XLSX template filled offline: every row or none; the counts move once accepted', async () => {
  const p = await officer.post('/api/v1/programmes', { json: { code: 'KH-TIENDO', title: 'Kế hoạch 13/KH-BCĐ', kind: 'plan', owner_code: 'T-CAMAU-BCD57' } });
  assert.equal(p.status, 201, p.text);
  const csv = 'code,title,lead_code,assigned_on,due_on\n' + [
    `P1,Khảo sát hiện trạng,T-CAMAU-SKHCN,${day(-60)},${day(-10)}`,
    `P2,Xây dựng đề án,T-CAMAU-SKHCN,${day(-60)},${day(20)}`,
    `P3,Tập huấn,T-CAMAU-SKHCN,${day(-60)},`,
    `P4,Việc của Sở Tài chính,T-CAMAU-STC,${day(-60)},${day(20)}`,
  ].join('\n') + '\n';
  const imp = await upload(officer, `/api/v1/programmes/${p.data.id}/import`, csv, 'ds.csv');
  assert.deepEqual(imp.data, { imported: 4 });
  assert.deepEqual(await status(p.data.id, day(0)), [4, 0, 0, 3, 1]);
  const tpl = await fetch(`${srv.base}/api/v1/programmes/${p.data.id}/progress-template?format=xlsx`, { headers: { Authorization: 'Bearer ' + reporter.token } });
  assert.equal(tpl.status, 200);
  assert.equal(tpl.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const bytes = Buffer.from(await tpl.arrayBuffer());
  const sheet = readSheet(bytes);
  // the reporter's units' tasks only (not P4 of the Department of Finance); a deadline is a
  // date cell: Excel's serial number, the days since 30/12/1899
  const serial = (iso) => String((Date.parse(iso + 'T00:00:00Z') - Date.UTC(1899, 11, 30)) / 86400000);
  assert.deepEqual(Object.entries(sheet).map(([r, c]) => [Number(r), c.slice(0, 5)]), [
    [1, ['Mã', 'Nhiệm vụ', 'Đơn vị chủ trì', 'Hạn xử lý', 'Tỷ lệ hoàn thành (%)']],
    [2, ['P1', 'Khảo sát hiện trạng', 'Sở Khoa học và Công nghệ', serial(day(-10)), '0']],
    [3, ['P2', 'Xây dựng đề án', 'Sở Khoa học và Công nghệ', serial(day(20)), '0']],
    [4, ['P3', 'Tập huấn', 'Sở Khoa học và Công nghệ', '', '0']],
  ]);
  const reports = () => sql(env.db, `SELECT count(*) FROM task_reports r JOIN tasks t ON t.id = r.task_id WHERE t.programme_id = ${p.data.id}`);
  const route = `/api/v1/programmes/${p.data.id}/progress`;
  // P1 done (the date typed as a date), P2 at 60 %, P3 untouched; a percent over 100 in row 3 spoils the file
  const filled = { F2: 'Đã khảo sát 9 xã', G2: excelDate(day(-2)), H2: 'Báo cáo khảo sát', E3: 60, F3: 'Dự thảo đề án' };
  const bad = await upload(reporter, route, editSheet(bytes, { ...filled, E3: 160, G4: day(1) }), 'tien-do.xlsx');
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.data.error.fields.file, 'dòng 3: percent: Phải từ 0 đến 100\ndòng 4: done_on: Ngày hoàn thành là một ngày trong tương lai');
  assert.equal(reports(), '0');
  const ok = await upload(reporter, route, editSheet(bytes, filled), 'tien-do.xlsx');
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.data, { imported: 2 });
  const l = (await officer.get(`/api/v1/tasks?programme=${p.data.id}&as_of=${day(0)}`)).data.items;
  assert.deepEqual(l.map((t) => [t.code, t.state, t.percent, t.status]), [
    ['P1', 'submitted', 0, 'overdue'], ['P2', 'open', 60, 'not_due'], ['P3', 'open', 0, 'not_due'], ['P4', 'open', 0, 'not_due'],
  ]);
  const p1 = (await officer.get(`/api/v1/tasks/${l[0].id}`)).data;
  assert.deepEqual([p1.reports[0].done_on, p1.reports[0].product, p1.reports[0].note], [day(-2), 'Báo cáo khảo sát', 'Đã khảo sát 9 xã']);
  // submitted is not done; accepted, P1 is done late (8 days after its deadline)
  assert.deepEqual(await status(p.data.id, day(0)), [4, 0, 0, 3, 1]);
  const acc = await officer.post(`/api/v1/tasks/${p1.id}/review`, { json: { decision: 'accept', version: p1.version } });
  assert.equal(acc.status, 200, acc.text);
  assert.deepEqual([acc.data.status, acc.data.days_late], ['done_late', 8]);
  assert.deepEqual(await status(p.data.id, day(0)), [4, 0, 1, 3, 0]);
  // the template now leaves out the task done
  const again = readSheet(Buffer.from(await (await fetch(`${srv.base}/api/v1/programmes/${p.data.id}/progress-template?format=xlsx`, { headers: { Authorization: 'Bearer ' + reporter.token } })).arrayBuffer()));
  assert.deepEqual(Object.values(again).slice(1).map((c) => [c[0], c[4]]), [['P2', '60'], ['P3', '0']]);
});

test('progress in bulk: the template lists the reporter\'s open tasks; a wrong row writes nothing; a good file records each row', async () => {
  const t1 = await newTask({ code: 'BULK-1' });
  const t2 = await newTask({ code: 'BULK-2' });
  const tpl = await fetch(`${srv.base}/api/v1/programmes/${nq57.id}/progress-template?format=csv`, { headers: { Authorization: 'Bearer ' + reporter.token } });
  assert.equal(tpl.status, 200);
  const rows = (await tpl.text()).trim().split(/\r?\n/);
  assert.equal(rows[0], 'Mã,Nhiệm vụ,Đơn vị chủ trì,Hạn xử lý,Tỷ lệ hoàn thành (%),Kết quả đã thực hiện,Ngày hoàn thành,Sản phẩm');
  assert.ok(rows.some((l) => l.startsWith('BULK-1,')));
  assert.ok(rows.every((l, i) => i === 0 || l.includes('Sở Khoa học và Công nghệ')));
  const up = (text) => {
    const fd = new FormData();
    fd.append('file', new Blob([text], { type: 'text/csv' }), 'tien-do.csv');
    return reporter.req('POST', `/api/v1/programmes/${nq57.id}/progress`, { raw: fd });
  };
  const head = rows[0] + '\n';
  const bad = await up(head + `BULK-1,,,,55,Đã khảo sát,,\nBULK-2,,,,150,,,\nBULK-9,,,,10,,,\n`);
  assert.equal(bad.status, 422);
  assert.equal(bad.data.error.fields.file, 'dòng 3: percent: Phải từ 0 đến 100\ndòng 4: không có nhiệm vụ nào của chương trình có mã BULK-9');
  assert.equal(sql(env.db, `SELECT count(*) FROM task_reports WHERE task_id IN (${t1.id}, ${t2.id})`), '0');
  const ok = await up(head + `BULK-1,,,,55,Đã khảo sát,,\nBULK-2,,,,,,${day(0)},Báo cáo tổng kết\n`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.data.imported, 2);
  const a = await reporter.get(`/api/v1/tasks/${t1.id}`);
  const b = await reporter.get(`/api/v1/tasks/${t2.id}`);
  assert.deepEqual([a.data.percent, a.data.reports[0].note, b.data.state, b.data.reports[0].product], [55, 'Đã khảo sát', 'submitted', 'Báo cáo tổng kết']);
  // a row of another unit's task: refused, nothing written
  await newTask({ code: 'BULK-3', lead_code: 'T-CAMAU-STC' });
  const other = await up(head + `BULK-3,,,,10,,,\n`);
  assert.equal(other.status, 422);
  assert.match(other.data.error.fields.file, /^dòng 2: BULK-3 do một đơn vị nằm ngoài các đơn vị bạn báo cáo chủ trì$/);
});

test('export: the status table as CSV, one row per task, in the caller\'s language', async () => {
  const r = await fetch(`${srv.base}/api/v1/programmes/${nq57.id}/export?format=csv&as_of=${SEED_DATE}`, { headers: { Authorization: 'Bearer ' + officer.token } });
  assert.equal(r.status, 200);
  const lines = (await r.text()).trim().split('\n');
  assert.equal(lines.length, 1133);
  assert.equal(lines.filter((l) => l.includes(',quá hạn,')).length, 86);
  // the percent column is the percent on the day asked: NV57-0001 was at 50 % on 01/03/2025
  const early = await fetch(`${srv.base}/api/v1/programmes/${nq57.id}/export?format=csv&as_of=2025-03-01`, { headers: { Authorization: 'Bearer ' + officer.token } });
  const row = (await early.text()).split('\n').find((l) => l.startsWith('NV57-0001,'));
  assert.match(row, /,20\/01\/2025,15\/04\/2025,15\/04\/2025,50,/, row); // dates as dd/mm/yyyy
  // a task accepted after the day asked has no acceptance date yet (NV57-0001 was accepted on 18/04/2025)
  assert.match(row, /,50,[^,]*,\d*,,\r?$/, row);
  const later = await fetch(`${srv.base}/api/v1/programmes/${nq57.id}/export?format=csv&as_of=2025-04-20`, { headers: { Authorization: 'Bearer ' + officer.token } });
  const after = (await later.text()).split('\n').find((l) => l.startsWith('NV57-0001,'));
  assert.match(after, /,100,[^,]*,\d*,15\/04\/2025,18\/04\/2025\r?$/, after);
});

test('the PDF report: the counts on the meeting date against Q2 2025, the charts, the units and the overdue list', async () => {
  const r = await fetch(`${srv.base}/api/v1/programmes/${nq57.id}/report.pdf?as_of=${SEED_DATE}&compare=2025-06-30`, { headers: { Authorization: 'Bearer ' + officer.token } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const file = path.join(tmpdir(), 'report.pdf');
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.match(text, /BÁO CÁO/);
  assert.match(text, /30\/06\/2025\s+1\.132\s+302\s+\d+\s+\d+\s+705\s+125\s+26,7%/);
  assert.match(text, /14\/10\/2025\s+1\.132\s+485\s+353\s+132\s+561\s+86\s+42,8%/);
  assert.match(text, /Quá hạn \(86\)/);
  assert.match(text, /Sở Khoa học và Công nghệ/);
  // dated at the office's place, in the reader's language (the date line was Vietnamese only, with no place)
  assert.match(text, /Cà Mau, ngày 14 tháng 10 năm 2025/);
  const en = await fetch(`${srv.base}/api/v1/programmes/${nq57.id}/report.pdf?as_of=${SEED_DATE}`, { headers: { Authorization: 'Bearer ' + officer.token, 'Accept-Language': 'en' } });
  const enFile = path.join(tmpdir(), 'report-en.pdf');
  fs.writeFileSync(enFile, Buffer.from(await en.arrayBuffer()));
  const enText = execFileSync('pdftotext', ['-layout', enFile, '-'], { encoding: 'utf8' });
  assert.match(enText, /Cà Mau, 14 October 2025/);
  assert.doesNotMatch(enText, /ngày 14 tháng 10/);
});

test('the programme page shows the seed\'s figures and the comparison with the previous quarter', async () => {
  const r = await officer.get(`/programmes/${nq57.id}?as_of=2025-09-30`);
  assert.equal(r.status, 200);
  const page = await officer.get(`/programmes/${nq57.id}?as_of=${SEED_DATE}`);
  assert.match(page.text, /<b id="n-total">1\.132<\/b>/);
  assert.match(page.text, /<b id="n-done">485<\/b>/);
  assert.match(page.text, /<b id="n-not_due">561<\/b>/);
  assert.match(page.text, /<b id="n-overdue">86<\/b>/);
  assert.match(page.text, /<svg/);
  // the lead unit's reporter gets the forms of progress and completion; a reporter elsewhere gets nothing
  const t = (await reporter.get(`/api/v1/tasks?programme=${nq57.id}&as_of=${day(0)}&unit=T-CAMAU-SKHCN&status=overdue&limit=1`)).data.items[0];
  const tp = await reporter.get(`/tasks/${t.id}`);
  assert.equal(tp.status, 200);
  assert.match(tp.text, /id="progress-form"/);
  assert.match(tp.text, /id="completion-form"/);
  assert.doesNotMatch(tp.text, /id="review-form"/);
  assert.equal((await outsider.get(`/tasks/${t.id}`)).status, 404);
});

test('reminders: thidua remind keeps one message a day per unit and writes RFC 5322 files; the unit\'s home page lists the same', async () => {
  const dir = path.join(tmpdir(), 'outbox');
  // every programme's overdue tasks on that date (other tests may have added some)
  let overdueAll = 0;
  for (const p of (await officer.get('/api/v1/programmes')).data.items) overdueAll += (await officer.get(`/api/v1/programmes/${p.id}/status?as_of=${SEED_DATE}`)).data.overdue;
  assert.ok(overdueAll >= 86);
  const r = thidua(['remind', '--db', env.db, '--date', SEED_DATE, '--outbox', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^reminders 2025-10-14: 11 units, ${overdueAll} overdue, 0 due within 7 days, 11 new messages in `));
  const again = thidua(['remind', '--db', env.db, '--date', SEED_DATE, '--outbox', dir]);
  assert.match(again.stdout, / 0 new messages/);
  const files = fs.readdirSync(dir).sort();
  assert.equal(files.length, 11);
  assert.ok(files.includes('2025-10-14-T-CAMAU-SKHCN.eml'));
  const mail = fs.readFileSync(path.join(dir, '2025-10-14-T-CAMAU-SKHCN.eml'), 'utf8');
  const [head, body] = mail.split('\r\n\r\n');
  // nobody who reports for the unit has an e-mail yet: the unit's placeholder address, and the file says so
  assert.match(head, /^From: thidua <thidua@localhost>\r\nTo: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <t-camau-skhcn@thidua.invalid>\r\nX-Thidua-Recipients: none \(no user who reports for the unit has an e-mail; map this address to the unit's mailbox\)\r\nSubject: =\?UTF-8\?B\?/);
  assert.match(head, /\r\nDate: Tue, 14 Oct 2025 07:00:00 \+0700\r\n/);
  assert.match(head, /\r\nContent-Type: text\/plain; charset=UTF-8\r\n/);
  const overdue = sql(env.db, "SELECT overdue FROM task_reminders r JOIN units u ON u.id = r.unit_id WHERE u.code = 'T-CAMAU-SKHCN' AND r.sent_on = '2025-10-14'");
  assert.match(body, new RegExp(`^Kính gửi: Sở Khoa học và Công nghệ`));
  assert.match(mail, new RegExp(`Nhiệm vụ quá hạn \\(${overdue}\\):`));
  assert.ok(mail.split('\r\n').every((l) => Buffer.byteLength(l) <= 998));
  // the reporter's home page: the tasks of the unit, overdue today
  const home = await reporter.get('/');
  assert.equal(home.status, 200);
  let mine = 0;
  for (const p of (await officer.get('/api/v1/programmes')).data.items) mine += (await reporter.get(`/api/v1/programmes/${p.id}/status?unit=T-CAMAU-SKHCN`)).data.overdue;
  assert.ok(mine >= 50);
  assert.match(home.text, new RegExp(`<li id="home-tasks-overdue" class="todo"><a href="#home-overdue"><strong>${mine}</strong> <span>nhiệm vụ quá hạn</span>`));
});

test('reminders to real addresses: a user\'s e-mail set on the command line (validated); the unit\'s reminder goes to it, the others to their placeholder', async () => {
  const bad = thidua(['user', 'email', '--db', env.db, '--login', 'camau.skhcn', '--email', 'skhcn@camau.example>\r\nBcc: x@y.example']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, "--email: 'skhcn@camau.example>\r\nBcc: x@y.example' is not an e-mail address\n");
  assert.equal(sql(env.db, "SELECT count(*) FROM users WHERE email IS NOT NULL"), '0');
  const ok = thidua(['user', 'email', '--db', env.db, '--login', 'camau.skhcn', '--email', 'skhcn@camau.example']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'e-mail of camau.skhcn: skhcn@camau.example\n');
  const list = thidua(['user', 'list', '--db', env.db]);
  assert.match(list.stdout, /^camau\.skhcn +yes +reporter +T-CAMAU-SKHCN +skhcn@camau\.example +\S/m);
  assert.equal(sql(env.db, "SELECT count(*) FROM audit_log WHERE entity = 'user' AND action = 'email'"), '1');
  const dir = path.join(tmpdir(), 'outbox-emails');
  const r = thidua(['remind', '--db', env.db, '--date', '2025-10-15', '--outbox', dir]);
  assert.equal(r.code, 0, r.stderr);
  const files = fs.readdirSync(dir).sort();
  const n = Number(r.stdout.match(/, (\d+) new messages in /)[1]);
  assert.equal(files.length, n);
  assert.ok(n >= 11);
  assert.match(r.stdout, new RegExp(`\\n${n - 1} of them to a unit's placeholder address \\(UNITCODE@thidua\\.invalid\\): no user who reports for the unit has an e-mail\\n$`));
  const head = (f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\r\n\r\n')[0];
  const mine = head('2025-10-15-T-CAMAU-SKHCN.eml');
  assert.match(mine, /\r\nTo: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <skhcn@camau\.example>\r\nSubject: /);
  assert.doesNotMatch(mine, /thidua\.invalid|X-Thidua-Recipients/);
  const other = head('2025-10-15-T-CAMAU-STC.eml');
  assert.match(other, /\r\nTo: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <t-camau-stc@thidua\.invalid>\r\nX-Thidua-Recipients: none \(no user who reports for the unit has an e-mail; map this address to the unit's mailbox\)\r\n/);
  // removed: back to the placeholder the next day
  assert.equal(thidua(['user', 'email', '--db', env.db, '--login', 'camau.skhcn']).stdout, 'e-mail of camau.skhcn removed\n');
  assert.equal(sql(env.db, "SELECT count(*) FROM users WHERE email IS NOT NULL"), '0');
});

test('a lead or coordinating unit outside the assigning unit\'s province is refused, by the API, a correction and the import; nothing written', async () => {
  const outside = 'Nằm ngoài phạm vi đơn vị bạn được phép làm việc';
  const count = () => sql(env.db, 'SELECT count(*) FROM tasks');
  const before = count();
  const lead = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code: 'SCOPE-1', title: 'Việc của tỉnh khác', lead_code: 'T-SONLA-STTTT', assigned_on: day(-1) },
  });
  assert.equal(lead.status, 422, lead.text);
  assert.deepEqual(lead.data.error.fields, { lead_code: outside });
  const coord = await officer.post('/api/v1/tasks', {
    json: { programme_id: nq57.id, code: 'SCOPE-2', title: 'Phối hợp với tỉnh khác', lead_code: 'T-CAMAU-SKHCN', coordinators: ['T-CAMAU-STC', 'T-SONLA-STTTT'], assigned_on: day(-1) },
  });
  assert.equal(coord.status, 422, coord.text);
  assert.deepEqual(coord.data.error.fields, { coordinators: outside });
  assert.equal(count(), before);
  // a correction: the same rule for a new lead or coordinating unit
  const t = await newTask();
  const moved = await officer.patch(`/api/v1/tasks/${t.id}`, { json: { lead_code: 'T-SONLA-STTTT', version: t.version } });
  assert.equal(moved.status, 422, moved.text);
  assert.deepEqual(moved.data.error.fields, { lead_code: outside });
  const helped = await officer.patch(`/api/v1/tasks/${t.id}`, { json: { coordinators: ['T-SONLA-STTTT'], version: t.version } });
  assert.equal(helped.status, 422, helped.text);
  assert.deepEqual(helped.data.error.fields, { coordinators: outside });
  const same = (await officer.get(`/api/v1/tasks/${t.id}`)).data;
  assert.deepEqual([same.lead_code, same.coordinators, same.version], ['T-CAMAU-SKHCN', [], t.version]);
  // the import: the line's error
  const p = await officer.post('/api/v1/programmes', { json: { code: 'KH-SCOPE', title: 'Kế hoạch phạm vi', kind: 'plan', owner_code: 'T-CAMAU-BCD57' } });
  assert.equal(p.status, 201, p.text);
  const imp = await upload(officer, `/api/v1/programmes/${p.data.id}/import`, 'code,title,lead_code,coordinators,assigned_on\n'
    + 'S1,Việc trong tỉnh,T-CAMAU-SKHCN,T-CAMAU-STC,01/02/2025\nS2,Việc ngoài tỉnh,T-SONLA-STTTT,,01/02/2025\nS3,Phối hợp ngoài tỉnh,T-CAMAU-STC,T-SONLA-STTTT,01/02/2025\n', 'ds.csv');
  assert.equal(imp.status, 422, imp.text);
  assert.equal(imp.data.error.fields.file,
    'dòng 3: lead_code: Nằm ngoài phạm vi đơn vị bạn được phép làm việc\ndòng 4: coordinators: Nằm ngoài phạm vi đơn vị bạn được phép làm việc');
  assert.equal(sql(env.db, `SELECT count(*) FROM tasks WHERE programme_id = ${p.data.id}`), '0');
});

test('a body of the first level below the root (the Government) gives tasks to any province\'s units', async () => {
  const cp = new Client(srv.base);
  await cp.login('cp.officer', await addUserAsync(BIN, env.db, 'cp.officer', 'officer', 'CP'));
  const p = await cp.post('/api/v1/programmes', { json: { code: 'NQ-CP-SCOPE', title: 'Nghị quyết của Chính phủ', kind: 'resolution', owner_code: 'CP' } });
  assert.equal(p.status, 201, p.text);
  const t = await cp.post('/api/v1/tasks', {
    json: { programme_id: p.data.id, code: 'CP-1', title: 'Việc giao các tỉnh', lead_code: 'T-SONLA-STTTT', coordinators: ['T-CAMAU-STC'], assigned_on: day(-1) },
  });
  assert.equal(t.status, 201, t.text);
  assert.deepEqual([t.data.lead_code, t.data.coordinators.map((c) => c.code)], ['T-SONLA-STTTT', ['T-CAMAU-STC']]);
});

test('imports: control characters in a title or note, a NUL byte, and percents read the Vietnamese way (1.234 is 1234) are line errors; nothing written', async () => {
  const p = await officer.post('/api/v1/programmes', { json: { code: 'KH-NHAP', title: 'Kế hoạch nhập', kind: 'plan', owner_code: 'T-CAMAU-BCD57' } });
  assert.equal(p.status, 201, p.text);
  const head = 'code,title,lead_code,assigned_on,product\n';
  // a title may hold a line break (as in the API), a product may not; a bell, an escape or a NUL never
  const bad = await upload(officer, `/api/v1/programmes/${p.data.id}/import`, head + 'C1,t\x07i\x1btle,T-CAMAU-SKHCN,01/02/2025,\n'
    + 'C2,"Hai dòng\nđược phép",T-CAMAU-SKHCN,01/02/2025,"Báo cáo\nhai dòng"\n'
    + 'C3,ti\0tle,T-CAMAU-SKHCN,01/02/2025,\n', 'ds.csv');
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.data.error.fields.file, [
    'dòng 2: title: Không được chứa ký tự điều khiển',
    'dòng 3: product: Phải là một dòng, không chứa ký tự điều khiển',
    'dòng 6: ô thứ 2 chứa byte NUL',   // the record before spans lines 3 to 5
  ].join('\n'));
  assert.equal(sql(env.db, `SELECT count(*) FROM tasks WHERE programme_id = ${p.data.id}`), '0');
  const good = await upload(officer, `/api/v1/programmes/${p.data.id}/import`, head + 'C1,Khảo sát,T-CAMAU-SKHCN,01/02/2025,\n'
    + 'C2,"Hai dòng\nđược phép",T-CAMAU-SKHCN,01/02/2025,Báo cáo\nC3,Tập huấn,T-CAMAU-SKHCN,01/02/2025,\n', 'ds.csv');
  assert.deepEqual([good.status, good.data], [200, { imported: 3 }]);
  const list = (await officer.get(`/api/v1/tasks?programme=${p.data.id}&as_of=${day(0)}`)).data.items;
  const id = Object.fromEntries(list.map((t) => [t.code, t.id]));
  assert.equal((await officer.get(`/api/v1/tasks/${id.C2}`)).data.title, 'Hai dòng\nđược phép');
  const reports = () => sql(env.db, `SELECT count(*) FROM task_reports WHERE task_id IN (${id.C1}, ${id.C2}, ${id.C3})`);
  const percents = async () => {
    const l = (await officer.get(`/api/v1/tasks?programme=${p.data.id}&as_of=${day(0)}`)).data.items;
    return l.map((t) => [t.code, t.percent]);
  };
  const route = `/api/v1/programmes/${p.data.id}/progress`;
  // CSV is text: "1.234" is one thousand two hundred and thirty-four (was stored as 1 %), "1e300" no number (was skipped), "45,6" not whole
  const csv = await upload(reporter, route, 'code,percent,note\nC1,1.234,\nC2,1e300,\nC3,10,t\x07i\nC1,"45,6",\n', 'tien-do.csv');
  assert.equal(csv.status, 422, csv.text);
  assert.equal(csv.data.error.fields.file, [
    'dòng 2: percent: Phải từ 0 đến 100',
    'dòng 3: percent không phải là số: 1e300',
    'dòng 4: note: Không được chứa ký tự điều khiển',
    'dòng 5: percent: Phải là số nguyên',
  ].join('\n'));
  // XLSX number cells are numbers: 1e300 and -5 are out of range, not an untouched row
  const sheetHead = [1, ['code', 'percent', 'note']];
  const big = await upload(reporter, route, xlsx([sheetHead, [2, ['C1', 1e300, null]], [3, ['C2', -5, null]], [4, ['C3', 30, 'Đã làm']]]), 'tien-do.xlsx');
  assert.equal(big.status, 422, big.text);
  assert.equal(big.data.error.fields.file, 'dòng 2: percent: Phải từ 0 đến 100\ndòng 3: percent: Phải từ 0 đến 100');
  assert.equal(reports(), '0');
  assert.deepEqual(await percents(), [['C1', 0], ['C2', 0], ['C3', 0]]);
  // a fraction is refused as the task page's form refuses it, never rounded (62.4 was stored as 62)
  const frac = await upload(reporter, route, xlsx([sheetHead, [2, ['C1', 62.4, null]], [3, ['C2', '45,6', null]]]), 'tien-do.xlsx');
  assert.equal(frac.status, 422, frac.text);
  assert.equal(frac.data.error.fields.file, 'dòng 2: percent: Phải là số nguyên\ndòng 3: percent: Phải là số nguyên');
  // a good sheet: a number cell 62, text "46" and "50%" — each the number a person means
  const ok = await upload(reporter, route, xlsx([sheetHead, [2, ['C1', 62, null]], [3, ['C2', '46', null]], [4, ['C3', '50%', 'Đã làm']]]), 'tien-do.xlsx');
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.data, { imported: 3 });
  assert.deepEqual(await percents(), [['C1', 62], ['C2', 46], ['C3', 50]]);
});
