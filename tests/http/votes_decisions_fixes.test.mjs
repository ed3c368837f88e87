// Votes, decisions and refusals, as the demo's users meet them (second user
// review, defects 3, 4 and 8): a ballot with an empty body casts nothing
// (422 on choices) while the page's ballot with no box ticked is still a
// blank ballot; a decision naming a nominee outside the authority's units
// comes back as the form with everything typed and that nominee named (the
// API: 422 on nominees[i]); a 403 says its real reason — not a voter, not
// recorded present, a role that may only read or lacks the right — and
// "outside the units" only when it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin, sql, loginAs } from './_util.mjs';

let env, srv, tw;

const OUTSIDE = 'Nằm ngoài phạm vi đơn vị bạn được phép làm việc';
const NOT_VOTER = 'Bạn không có tên trong danh sách người bỏ phiếu của cuộc bỏ phiếu này';
const NOT_PRESENT = 'Bạn không được ghi nhận có mặt: cuộc bỏ phiếu này tính trên số thành viên có mặt.';
const READ_ONLY = 'Vai trò của bạn chỉ được xem';
const NO_RIGHT = 'Vai trò của bạn không được phép làm việc này';
const NOT_AUTHORITY_PERSON = 'Người này không thuộc các đơn vị của cơ quan ban hành quyết định';
const NOT_AUTHORITY_UNIT = 'Tập thể này không thuộc các đơn vị của cơ quan ban hành quyết định';

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  tw = await as('tw.officer');
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login, env.demoUsers[login].password);

const browser = (login) => formLogin(srv.base, login, env.demoUsers[login].password);

// an open round of tw.officer with these voters (base present: these present)
async function openRound(title, voters, present) {
  const body = { title, threshold_pct: 50, base: present ? 'present' : 'all_members', voters,
    candidates: [{ label: 'Nguyễn Văn An' }, { label: 'Trần Thị Bình' }] };
  const r = await tw.post('/api/v1/votes', { json: body });
  assert.equal(r.status, 201, r.text);
  if (present) assert.equal((await tw.post(`/api/v1/votes/${r.data.id}/present`, { json: { present } })).status, 200);
  const o = await tw.post(`/api/v1/votes/${r.data.id}/open`);
  assert.equal(o.status, 200, o.text);
  return r.data;
}

const ballots = (id) => sql(env.db, `SELECT ballots || ' ' || (SELECT count(*) FROM vote_ballots WHERE round_id = ${id}) || ' ' || ` +
  `(SELECT count(*) FROM vote_cast WHERE round_id = ${id}) FROM vote_rounds WHERE id = ${id}`);

test('a ballot with an empty body is refused like {} (422 on choices) and casts nothing; {"choices": []} and the page\'s empty ballot are blank ballots', async () => {
  const v = await openRound('Bỏ phiếu thử thân rỗng', ['hue.rep', 'quangtri.rep', 'hatinh.rep']);
  const hue = await as('hue.rep');
  const required = { code: 'validation', message: 'Một số trường không hợp lệ', fields: { choices: 'Bắt buộc nhập' } };
  // JSON declared, nothing sent (was 201 and a blank ballot stored)
  const empty = await hue.post(`/api/v1/votes/${v.id}/ballots`, { headers: { 'Content-Type': 'application/json' }, raw: '' });
  assert.equal(empty.status, 422, empty.text);
  assert.deepEqual(empty.data.error, required);
  // no body and no type at all
  const bare = await hue.post(`/api/v1/votes/${v.id}/ballots`);
  assert.equal(bare.status, 422, bare.text);
  assert.deepEqual(bare.data.error, required);
  const obj = await hue.post(`/api/v1/votes/${v.id}/ballots`, { json: {} });
  assert.equal(obj.status, 422, obj.text);
  assert.deepEqual(obj.data.error, required);
  assert.equal(ballots(v.id), '0 0 0');
  // the voter can still vote: a blank ballot is an empty list
  const blank = await hue.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [] } });
  assert.equal(blank.status, 201, blank.text);
  assert.match(blank.data.receipt, /^[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}$/);
  assert.equal(ballots(v.id), '1 1 1');
  // the page's ballot form with no box ticked is a blank ballot, as before
  const qt = await browser('quangtri.rep');
  const page = await qt.get(`/votes/${v.id}`);
  assert.equal(page.status, 200);
  const cast = await qt.post(`/votes/${v.id}`, { form: { _csrf: csrfOf(page.text) } });
  assert.equal(cast.status, 200, cast.text);
  assert.match(cast.text, /[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}/);
  assert.equal(ballots(v.id), '2 2 2');
});

test('a refused ballot says why: not recorded present, not a voter of the round (API and page), with status 403 and code forbidden', async () => {
  const v = await openRound('Bỏ phiếu thử có mặt', ['hue.rep', 'quangtri.rep'], ['hue.rep']);
  const qtApi = await as('quangtri.rep');
  const absent = await qtApi.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [v.candidates[0].id] } });
  assert.equal(absent.status, 403, absent.text);
  assert.deepEqual(absent.data.error, { code: 'forbidden', message: NOT_PRESENT });
  // the page's ballot: the 403 page gives the same reason
  const qt = await browser('quangtri.rep');
  const page = await qt.get(`/votes/${v.id}`);
  assert.equal(page.status, 200);
  const form = await qt.post(`/votes/${v.id}`, { form: { _csrf: csrfOf(page.text), choices: String(v.candidates[0].id) } });
  assert.equal(form.status, 403);
  assert.ok(form.text.includes(NOT_PRESENT), form.text);
  assert.ok(!form.text.includes(OUTSIDE));
  // a council member not listed as a voter (who cannot read the round either)
  const qbApi = await as('quangbinh.rep');
  const stranger = await qbApi.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [v.candidates[0].id] } });
  assert.equal(stranger.status, 403, stranger.text);
  assert.deepEqual(stranger.data.error, { code: 'forbidden', message: NOT_VOTER });
  const qb = await browser('quangbinh.rep');
  const home = await qb.get('/');
  const form2 = await qb.post(`/votes/${v.id}`, { form: { _csrf: csrfOf(home.text), choices: String(v.candidates[0].id) } });
  assert.equal(form2.status, 403);
  assert.ok(form2.text.includes(NOT_VOTER), form2.text);
  // the organiser, who reads the round but is not its voter
  const own = await tw.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [] } });
  assert.deepEqual([own.status, own.data.error], [403, { code: 'forbidden', message: NOT_VOTER }]);
  // reading the round is still refused as outside the units
  const look = await qbApi.get(`/api/v1/votes/${v.id}`);
  assert.deepEqual([look.status, look.data.error], [403, { code: 'forbidden', message: OUTSIDE }]);
  assert.equal(ballots(v.id), '0 0 0');
});

test('a role that may only read is told so inside its units; a role without the right is told so; outside the units stays "outside"', async () => {
  const camauPerson = sql(env.db, "SELECT p.id || ' ' || p.version FROM people p JOIN units u ON u.id = p.unit_id " +
    "WHERE u.path LIKE (SELECT path FROM units WHERE code = 'T-CAMAU') || '%' ORDER BY p.id LIMIT 1").split(' ').map(Number);
  const viewer = await as('camau.viewer');
  assert.equal((await viewer.get(`/api/v1/people/${camauPerson[0]}`)).status, 200);
  const edit = await viewer.patch(`/api/v1/people/${camauPerson[0]}`, { json: { version: camauPerson[1], full_name: 'Tên khác' } });
  assert.equal(edit.status, 403, edit.text);
  assert.deepEqual(edit.data.error, { code: 'forbidden', message: READ_ONLY });
  // the page's form the same
  const vb = await browser('camau.viewer');
  const page = await vb.get(`/people/${camauPerson[0]}`);
  assert.equal(page.status, 200);
  const post = await vb.post(`/people/${camauPerson[0]}`, { form: { _csrf: csrfOf(page.text), version: String(camauPerson[1]), full_name: 'Tên khác' } });
  assert.equal(post.status, 403);
  assert.ok(post.text.includes(READ_ONLY), post.text);
  // a council member may not issue decisions: the role, not the units
  const hue = await as('hue.rep');
  const decide = await hue.post('/api/v1/decisions', { json: { authority_code: 'T-THUATHIENHUE-HDTDKT', number: '1/QĐ', date: '2025-01-10', signer: 'A', signer_title: 'B',
    nominees: [{ unit_code: 'T-THUATHIENHUE-HDTDKT', award: 'GK' }] } });
  assert.equal(decide.status, 403, decide.text);
  assert.deepEqual(decide.data.error, { code: 'forbidden', message: NO_RIGHT });
  // a reporter who may write people, on a person of another province: outside the units, as before
  const qy = await as('quangyen.reporter');
  const other = await qy.patch(`/api/v1/people/${camauPerson[0]}`, { json: { version: camauPerson[1], full_name: 'Tên khác' } });
  assert.equal(other.status, 403, other.text);
  assert.deepEqual(other.data.error, { code: 'forbidden', message: OUTSIDE });
  assert.notEqual(sql(env.db, `SELECT full_name FROM people WHERE id = ${camauPerson[0]}`), 'Tên khác');
});

const decisionCount = () => sql(env.db, 'SELECT count(*) FROM decisions');

test('a decision naming a nominee outside the authority\'s units: 422 on that nominee (person or collective), nothing issued', async () => {
  const so = await as('sonla.officer');
  const before = decisionCount();
  const body = { authority_code: 'T-SONLA', number: '101/QĐ-UBND', date: '2025-11-01', year: 2019, signer: 'Hà Văn Tài', signer_title: 'Chủ tịch' };
  const r = await so.post('/api/v1/decisions', { json: { ...body,
    nominees: [{ person_code: 'CC00000655', award: 'BK_BO_TINH' }, { person_code: 'CC00000001', award: 'LDTT' }, { unit_code: 'T-CAMAU', award: 'TTLDXS' }] } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error, { code: 'validation', message: 'Một số trường không hợp lệ',
    fields: { 'nominees[1]': NOT_AUTHORITY_PERSON, 'nominees[2]': NOT_AUTHORITY_UNIT } });
  assert.equal(decisionCount(), before);
  // the same without them is issued
  const ok = await so.post('/api/v1/decisions', { json: { ...body, nominees: [{ person_code: 'CC00000655', award: 'BK_BO_TINH' }] } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(Number(decisionCount()), Number(before) + 1);
});

test('the decision form with a pasted nominee of another authority: 422, everything typed kept, the nominee named with the reason', async () => {
  const b = await browser('sonla.officer');
  const list = await b.get('/decisions');
  assert.equal(list.status, 200);
  const before = decisionCount();
  const pasted = 'CC00000655 BK_BO_TINH\nCC00000001 LDTT';
  const form = { _csrf: csrfOf(list.text), authority_code: '', number: '102/QĐ-UBND', date: '01/11/2025', year: '2018',
    signer: 'Hà Văn Tài', signer_title: 'Chủ tịch', nominees: pasted };
  const bad = await b.post('/decisions', { form });
  assert.equal(bad.status, 422, bad.text.slice(0, 500));
  assert.ok(bad.text.includes(NOT_AUTHORITY_PERSON), bad.text);
  assert.ok(!bad.text.includes(OUTSIDE));
  // the nominee named, and what was typed still in the form
  assert.match(bad.text, new RegExp(`Đào Minh Hưng[^<]*: ${NOT_AUTHORITY_PERSON}|CC00000001[^<]*: ${NOT_AUTHORITY_PERSON}`));
  assert.ok(bad.text.includes('value="102/QĐ-UBND"'), 'the number is kept');
  assert.ok(bad.text.includes('value="01/11/2025"'), 'the date is kept');
  assert.ok(bad.text.includes('value="Hà Văn Tài"'), 'the signer is kept');
  assert.ok(bad.text.includes('value="2018"'), 'the year is kept');
  assert.ok(bad.text.includes(pasted), 'the pasted list is kept');
  assert.equal(decisionCount(), before);
  // corrected, it is issued
  const good = await b.post('/decisions', { form: { ...form, nominees: 'CC00000655 BK_BO_TINH' } });
  assert.equal(good.status, 303, good.text.slice(0, 500));
});

test('a receipt is checked by a POST of the page\'s form: the code never goes into the address (history, proxy logs)', async () => {
  const v = await openRound('Bỏ phiếu thử kiểm tra mã', ['hue.rep', 'quangtri.rep']);
  const hue = await as('hue.rep');
  const cast = await hue.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [v.candidates[0].id] } });
  assert.equal(cast.status, 201, cast.text);
  const closed = await tw.post(`/api/v1/votes/${v.id}/close`);
  assert.equal(closed.status, 200, closed.text);
  const b = await browser('hue.rep');
  const page = await b.get(`/votes/${v.id}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(`<form method="post" action="/votes/${v.id}" class="inline-form">`));
  assert.ok(page.text.includes('<input type="hidden" name="what" value="receipt">'));
  assert.doesNotMatch(page.text, /<form method="get" action="\/votes\/\d+"/);
  const ok = await b.post(`/votes/${v.id}`, { form: { _csrf: csrfOf(page.text), what: 'receipt', receipt: cast.data.receipt.toUpperCase() } });
  assert.equal(ok.status, 200, ok.text);
  assert.match(ok.text, /<p role="status" class="ok" id="receipt-result">Phiếu mang mã này đã được kiểm đúng như khi bỏ\. Các lựa chọn: <b>Nguyễn Văn An<\/b><\/p>/);
  const none = await b.post(`/votes/${v.id}`, { form: { _csrf: csrfOf(page.text), what: 'receipt', receipt: '00000-00000-00000-00000' } });
  assert.match(none.text, /id="receipt-result">Không có phiếu nào của cuộc bỏ phiếu này mang mã xác nhận này</);
  // nothing was cast by checking
  assert.equal(ballots(v.id), '1 1 1');
});
