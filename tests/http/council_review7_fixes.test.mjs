// A provincial council's secretary and members at a secret ballot, on the
// web (review 7B): the steps that cannot be undone — casting a ballot,
// opening and closing a round, rejecting a proposal — ask first; one
// candidate given twice (its votes split over two rows, each short of the
// threshold) is refused; a draft round saved meanwhile by someone else
// keeps the secretary's edits; the new round's error summary names each
// field and links to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer } from '../lib/server.mjs';
import { csrfOf, formLogin, loginAs, sql, unescape } from './_util.mjs';

let env, srv, tw;
const VOTERS = ['thanhhoa.rep', 'nghean.rep', 'hatinh.rep'];

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  tw = await as('tw.officer');
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login, env.demoUsers[login].password);
const browser = (login, lang) => formLogin(srv.base, login, env.demoUsers[login].password, lang);
const userId = (login) => sql(env.db, `SELECT id FROM users WHERE login = '${login}'`);
const unitId = (code) => sql(env.db, `SELECT id FROM units WHERE code = '${code}'`);

async function round(title, extra = {}) {
  const r = await tw.post('/api/v1/votes', {
    json: { title, threshold_pct: 90, base: 'all_members', voters: VOTERS, unit_code: 'T-QUANGTRI-HDTDKT',
      candidates: [{ label: 'Nguyễn Văn An' }, { label: 'Trần Thị Bình' }], ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

// a form's fields as a browser sends them (repeated names kept)
const post = (c, path, pairs) => c.post(path, { raw: new URLSearchParams(pairs).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

// the question a button asks before its form is sent (static/app.js: data-confirm), null when none
function confirmOf(html, button) {
  const m = html.match(new RegExp(`<button([^>]*)>${button}</button>`));
  assert.ok(m, `the button ${button} is on the page`);
  const q = m[1].match(/data-confirm="([^"]*)"/);
  return q ? q[1] : null;
}

test('casting a ballot, opening and closing a round ask first: none of them can be undone', async () => {
  const v = await round('Suy tôn Cờ thi đua 2025');
  const secretary = await browser('tw.officer');
  let page = await secretary.get(`/votes/${v.id}`);
  assert.equal(confirmOf(page.text, 'Mở bỏ phiếu'),
    'Mở bỏ phiếu? Sau khi mở, danh sách ứng viên và người bỏ phiếu không thể thay đổi.');
  assert.equal((await tw.post(`/api/v1/votes/${v.id}/open`)).status, 200);

  const member = await browser('hatinh.rep');
  page = await member.get(`/votes/${v.id}`);
  assert.equal(confirmOf(page.text, 'Bỏ phiếu'),
    'Bỏ phiếu với các lựa chọn đã đánh dấu? Phiếu đã bỏ không thể sửa hay rút lại.');
  const ids = [...page.text.matchAll(/name="choices" value="(\d+)"/g)].map((m) => m[1]);
  const cast = await post(member, `/votes/${v.id}`, [['_csrf', csrfOf(page.text)], ['what', 'ballot'], ['choices', ids[0]]]);
  assert.equal(cast.status, 200, cast.text);

  // the secretary is told how many have voted before closing: 1 of 3, and
  // that one ballot alone shows in the result how its voter voted
  page = await secretary.get(`/votes/${v.id}`);
  assert.equal(confirmOf(page.text, 'Kết thúc bỏ phiếu và kiểm phiếu'),
    'Kết thúc bỏ phiếu ngay? Số phiếu đã bỏ: 1 trên 3. Sau khi kết thúc không nhận thêm phiếu nào; không thể hoàn tác. ' +
    'Mới có 1 phiếu được bỏ: kết quả sẽ cho thấy thành viên đó đã bỏ phiếu thế nào, và nhật ký kiểm tra ghi rõ ai đã bỏ phiếu.');
  const en = await browser('tw.officer', 'en');
  page = await en.get(`/votes/${v.id}`);
  assert.equal(unescape(confirmOf(page.text, 'Close the vote and count')),
    'Close the vote now? Ballots cast: 1 of 3. No ballot is accepted after the close; this cannot be undone. ' +
    'Only 1 ballot is in: the result will show how that member voted, and the audit log lists who voted.');
});

test('rejecting a proposal asks first: a rejected proposal cannot go on', async () => {
  const secretary = await browser('tw.officer');
  const page = await secretary.get('/proposals/1');
  assert.equal(page.status, 200);
  assert.equal(confirmOf(page.text, 'Không đồng ý'),
    'Không đồng ý với đề nghị này? Đề nghị bị từ chối không thể trình lại.');
});

test('one candidate given twice is refused, on the form and in the API: its votes would split over two rows', async () => {
  const twice = 'Một ứng viên được ghi hai lần';
  // two lines of one label
  const secretary = await browser('tw.officer');
  const form = await secretary.get('/votes/new');
  const r = await post(secretary, '/votes', [['_csrf', csrfOf(form.text)], ['unit_id', unitId('T-QUANGTRI-HDTDKT')], ['title', 'Bình xét Chiến sĩ thi đua'],
    ['threshold_pct', '90'], ['base', 'all_members'], ['voter_ids', ''], ['voter_ids', userId('thanhhoa.rep')],
    ['candidate_units', ''], ['labels', 'Nguyễn Văn An\nTrần Thị Bình\nNguyễn Văn An\n']]);
  assert.equal(r.status, 422, r.text);
  assert.match(r.text, new RegExp(`<p class="field-error" id="e-candidate_units">${twice}</p>`));
  // what was typed is kept
  assert.match(r.text, /<textarea id="f-labels" name="labels" rows="4">Nguyễn Văn An\nTrần Thị Bình\nNguyễn Văn An\n<\/textarea>/);
  // one unit twice, by the API; and in a change of a draft
  const bad = await tw.post('/api/v1/votes', {
    json: { title: 'Cờ thi đua', threshold_pct: 90, base: 'all_members', voters: VOTERS, unit_code: 'T-QUANGTRI-HDTDKT',
      candidates: [{ unit_code: 'T-HATINH' }, { unit_code: 'T-QUANGBINH' }, { unit_code: 'T-HATINH' }] },
  });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.data.error.fields, { candidates: twice });
  const v = await round('Cờ thi đua (nháp)');
  const patch = await tw.patch(`/api/v1/votes/${v.id}`, { json: { version: v.version, candidates: [{ label: 'A' }, { label: 'A' }] } });
  assert.equal(patch.status, 422, patch.text);
  assert.deepEqual(patch.data.error.fields, { candidates: twice });
  // two people of one name stay two candidates (the round tells them apart by their units)
  const ok = await tw.post('/api/v1/votes', {
    json: { title: 'Cờ thi đua', threshold_pct: 90, base: 'all_members', voters: VOTERS, unit_code: 'T-QUANGTRI-HDTDKT',
      candidates: [{ unit_code: 'T-HATINH' }, { label: 'Tỉnh Hà Tĩnh (đề nghị lại)' }] },
  });
  assert.equal(ok.status, 201, ok.text);
});

test('a draft round saved meanwhile by someone else: the edit form comes back with what was typed, over the new version (409)', async () => {
  const v = await round('Xét Bằng khen của Chủ tịch UBND tỉnh');
  const secretary = await browser('tw.officer');
  const page = await secretary.get(`/votes/${v.id}`);
  // another secretary changes the round meanwhile
  const other = await tw.patch(`/api/v1/votes/${v.id}`, { json: { version: v.version, title: 'Xét Bằng khen (đã sửa)' } });
  assert.equal(other.status, 200, other.text);
  const r = await post(secretary, `/votes/${v.id}`, [['_csrf', csrfOf(page.text)], ['what', 'edit'], ['version', String(v.version)],
    ['title', 'Xét Bằng khen năm 2025'], ['threshold_pct', '66,5'], ['base', 'all_members'], ['max_choices', ''], ['quota_pct', ''], ['quota_of', ''],
    ['voter_ids', ''], ...VOTERS.map((l) => ['voter_ids', userId(l)]), ['candidate_units', ''], ['labels', 'Nguyễn Văn An\nLê Văn Cường\n']]);
  assert.equal(r.status, 409, r.text);
  assert.match(r.text, /Người khác đã thay đổi bản ghi này sau khi bạn mở biểu mẫu; bản ghi hiện ở phiên bản 2\./);
  const edit = r.text.match(/<form[^>]*id="edit-vote"[\s\S]*?<\/form>/);
  assert.ok(edit, 'the edit form is on the page');
  assert.match(edit[0], /<input type="hidden" name="version" value="2">/);
  assert.match(edit[0], /<input id="f-title" name="title" value="Xét Bằng khen năm 2025" required>/);
  assert.match(edit[0], /<input id="f-threshold_pct" name="threshold_pct" inputmode="decimal" value="66,5" required>/);
  assert.match(edit[0], /<textarea id="f-labels" name="labels" rows="4">Nguyễn Văn An\nLê Văn Cường\n<\/textarea>/);
  assert.equal(sql(env.db, `SELECT title FROM vote_rounds WHERE id = ${v.id}`), 'Xét Bằng khen (đã sửa)');
});

test('the new round\'s error summary names each field and links to it, on a phone as on a desk', async () => {
  const secretary = await browser('tw.officer');
  const form = await secretary.get('/votes/new');
  const r = await post(secretary, '/votes', [['_csrf', csrfOf(form.text)], ['unit_id', unitId('T-QUANGTRI-HDTDKT')], ['title', ''],
    ['threshold_pct', '90,555'], ['base', 'all_members'], ['max_choices', 'hai'], ['voter_ids', ''], ['candidate_units', ''], ['labels', '']]);
  assert.equal(r.status, 422, r.text);
  const summary = r.text.match(/<div class="error-summary error-msg" role="alert" id="error-summary">([\s\S]*?)<\/div>/);
  assert.ok(summary, 'an error summary');
  assert.deepEqual([...summary[1].matchAll(/<li><a href="(#[^"]+)">([^<]*)<\/a><\/li>/g)].map((m) => [m[1], m[2]]), [
    ['#f-title', 'Tên gọi: Bắt buộc nhập'],
    ['#f-max_choices', 'Số lựa chọn tối đa trên một phiếu (để trống: không giới hạn): Phải là số nguyên'],
    ['#f-threshold_pct', 'Ngưỡng (%): Phải là tỷ lệ phần trăm từ 0 đến 100, tối đa hai chữ số thập phân'],
    ['#f-voter_ids', 'Người bỏ phiếu: Chọn ít nhất một người bỏ phiếu'],
    ['#f-candidate_units', 'Đơn vị được bình xét: Cần ít nhất một ứng viên'],
  ]);
  // every target is on the page
  for (const id of ['f-title', 'f-max_choices', 'f-threshold_pct', 'f-voter_ids', 'f-candidate_units']) assert.match(r.text, new RegExp(`id="${id}"`));
});
