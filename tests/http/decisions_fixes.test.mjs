// Decisions and proposals, as an officer meets them: the year a decision
// commends (typed, or its default), a nominee who already holds the award
// for the year (refused when added, not eligible, and an approved proposal
// that cannot be decided can be returned), certificates whose decision's
// number, date, authority or signer were changed in the database, the
// forms that keep what was typed, and the texts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, mkPerson, sql, csrfOf } from './_util.mjs';

let env, srv, admin, province, ward, people;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  province = await mkUnit(admin, 'T-NAM', 'Tỉnh Nam', 'province');
  ward = await mkUnit(admin, 'W-NAM', 'Phường Nam Thành', 'ward', province.id);
  people = {};
  for (const [code, name] of [['NA-001', 'Nguyễn Thị An'], ['NA-002', 'Trần Văn Bảo'], ['NA-003', 'Lê Thị Cúc'], ['NA-004', 'Phạm Văn Dũng'],
    ['NA-005', 'Hoàng Thị Em'], ['NA-006', 'Đỗ Văn Phúc']])
    people[code] = await mkPerson(admin, { full_name: name, gender: 'F', unit_id: ward.id, code });
  addUser(env.db, 'nam.officer', 'officer', 'T-NAM');
  addUser(env.db, 'nw.reporter', 'reporter', 'W-NAM');
  const rs = await admin.post('/api/v1/rule-sets', {
    json: { award: 'CSTDCS', legal_basis: 'Luật Thi đua, khen thưởng số 06/2022/QH15', effective_from: '2024-01-01', effective_to: null,
      rules: 'title LDTT this year\nand initiative at least grassroots this year' },
  });
  assert.equal(rs.status, 201, rs.text);
});

after(async () => {
  if (srv) await srv.stop();
});

async function browser(login) {
  const b = new Client(srv.base);
  const page = await b.get('/login');
  const r = await b.post('/login', { form: { login, password: login === 'admin' ? env.adminPassword : testPassword(login), next: '/', _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303);
  return b;
}

let serial = 0;
const base = () => ({ authority_code: 'T-NAM', number: `${500 + ++serial}/QĐ-UBND`, signer: 'Vũ Văn Ký', signer_title: 'Chủ tịch' });
const yearOf = (id) => sql(env.db, `SELECT d.year || ' ' || a.year FROM decisions d JOIN achievements a ON a.decision_id = d.id WHERE d.id = ${id}`);

// an approved proposal of the ward, held by the province, with these [person code, award] nominees
function approvedProposal(code, year, nominees) {
  const now = new Date().toISOString().slice(0, 19) + 'Z';
  sql(env.db, `INSERT INTO proposals (code, title, search, round, year, proposer_id, holder_id, stage, version, created_at, updated_at)
    VALUES ('${code}', 'Đề nghị khen thưởng năm ${year}', 'de nghi', 'year_end', ${year}, ${ward.id}, ${province.id}, 'approved', 3, '${now}', '${now}')`);
  sql(env.db, `INSERT INTO proposal_steps (proposal_id, action, unit_id, stage, at) SELECT id, 'submit', ${ward.id}, 'draft', '${now}' FROM proposals WHERE code = '${code}'`);
  const pid = Number(sql(env.db, `SELECT id FROM proposals WHERE code = '${code}'`));
  nominees.forEach(([person, award], i) =>
    sql(env.db, `INSERT INTO proposal_nominees (proposal_id, person_id, award_code, position) VALUES (${pid}, ${people[person].id}, '${award}', ${i + 1})`));
  return pid;
}

test('the year commended: the one typed, else January to March the year before, else the decision\'s year; a proposal\'s year', async () => {
  // 20/01/2025 commending 2024: the default is 2024, on the decision and on the award record
  let r = await admin.post('/api/v1/decisions', { json: { ...base(), date: '2025-01-20', nominees: [{ person_code: 'NA-001', award: 'LDTT' }] } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.year, 2024);
  assert.equal(yearOf(r.data.id), '2024 2024');
  // 31/03 still the year before; 01/04 the decision's own year
  r = await admin.post('/api/v1/decisions', { json: { ...base(), date: '2025-03-31', nominees: [{ person_code: 'NA-002', award: 'LDTT' }] } });
  assert.equal(yearOf(r.data.id), '2024 2024');
  r = await admin.post('/api/v1/decisions', { json: { ...base(), date: '2025-04-01', nominees: [{ person_code: 'NA-002', award: 'LDTT' }] } });
  assert.equal(yearOf(r.data.id), '2025 2025');
  // a year said is kept
  r = await admin.post('/api/v1/decisions', { json: { ...base(), date: '2025-01-20', year: 2023, nominees: [{ person_code: 'NA-001', award: 'LDTT' }] } });
  assert.equal(yearOf(r.data.id), '2023 2023');
  // the page's form: a year field, empty by default; what was typed stays after an error
  const b = await browser('nam.officer');
  const list = await b.get('/decisions');
  assert.match(list.text, /<label for="f-year">Năm khen thưởng<\/label>\s*<input id="f-year" name="year" inputmode="numeric" autocomplete="off" value=""/);
  const form = { _csrf: csrfOf(list.text), rows: '3', authority_id: String(province.id), date: '20/01/2025', signer: 'Vũ Văn Ký', signer_title: 'Chủ tịch',
    n0_person_id: String(people['NA-003'].id), n0_award: 'LDTT' };
  const bad = await b.post('/decisions', { form: { ...form, year: '2022' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<input id="f-year" name="year" inputmode="numeric" autocomplete="off" value="2022"/);
  const typed = await b.post('/decisions', { form: { ...form, number: '601/QĐ-UBND', year: '2022' } });
  assert.equal(typed.status, 303, typed.text);
  assert.equal(yearOf(typed.headers.get('location').split('/').pop()), '2022 2022');
  const dflt = await b.post('/decisions', { form: { ...form, number: '602/QĐ-UBND', year: '' } });
  assert.equal(dflt.status, 303, dflt.text);
  assert.equal(yearOf(dflt.headers.get('location').split('/').pop()), '2024 2024');
  // from a proposal: the proposal's year, whatever the date
  const pid = approvedProposal('DX-2023-000901', 2023, [['NA-004', 'LDTT']]);
  r = await admin.post('/api/v1/decisions', { json: { proposal_id: pid, number: '603/QĐ-UBND', date: '2025-06-02', signer: 'Vũ Văn Ký', signer_title: 'Chủ tịch' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(yearOf(r.data.id), '2023 2023');
});

test('an award held for the year already: refused when added, not eligible, and an approved proposal that cannot be decided is returned', async () => {
  const rep = new Client(srv.base);
  await rep.login('nw.reporter', testPassword('nw.reporter'));
  const p = await rep.post('/api/v1/proposals', { json: { title: 'Đề nghị năm 2024', round: 'year_end', year: 2024, proposer_code: 'W-NAM', summary: 'x' } });
  assert.equal(p.status, 201, p.text);
  // proposed before she got it: checked, the rule's verdict
  let n = await rep.post(`/api/v1/proposals/${p.data.id}/nominees`, { json: { person_code: 'NA-005', award: 'CSTDCS', version: p.data.version } });
  assert.equal(n.status, 201, n.text);
  assert.notEqual(n.data.nominees[0].eligibility.conditions[0].text, 'Chưa được tặng Chiến sĩ thi đua cơ sở năm 2024');
  // Hoàng Thị Em gets CSTDCS 2024 by decision 610
  let r = await admin.post('/api/v1/decisions', { json: { ...base(), number: '610/QĐ-UBND', date: '2024-12-20', year: 2024, nominees: [{ person_code: 'NA-005', award: 'CSTDCS' }] } });
  assert.equal(r.status, 201, r.text);
  // checked again at the submission: not eligible, the first condition says why
  const sub = await rep.post(`/api/v1/proposals/${p.data.id}/steps`, { json: { action: 'submit', version: n.data.version } });
  assert.equal(sub.status, 200, sub.text);
  assert.equal(sub.data.nominees[0].verdict, 'ineligible');
  assert.deepEqual(sub.data.nominees[0].eligibility.conditions[0],
    { text: 'Chưa được tặng Chiến sĩ thi đua cơ sở năm 2024', met: false, facts: ['Đã được tặng cho năm 2024 theo quyết định 610/QĐ-UBND'] });
  // the proposal's page says it too, in the reader's language
  const en = new Client(srv.base);
  await en.login('nam.officer', testPassword('nam.officer'));
  const pp0 = await en.get(`/api/v1/proposals/${p.data.id}`);
  assert.equal(pp0.data.nominees[0].verdict, 'ineligible');
  // adding her to a new proposal of 2024 for the same award: refused at the award
  const p2 = await rep.post('/api/v1/proposals', { json: { title: 'Đề nghị bổ sung năm 2024', round: 'year_end', year: 2024, proposer_code: 'W-NAM', summary: 'x' } });
  n = await rep.post(`/api/v1/proposals/${p2.data.id}/nominees`, { json: { person_code: 'NA-005', award: 'CSTDCS', version: p2.data.version } });
  assert.equal(n.status, 422, n.text);
  assert.equal(n.data.error.fields.award, 'Đối tượng này đã được tặng danh hiệu, hình thức khen thưởng này cho năm của hồ sơ');
  // another award of the year is fine
  const ok = await rep.post(`/api/v1/proposals/${p2.data.id}/nominees`, { json: { person_code: 'NA-005', award: 'GK', version: p2.data.version } });
  assert.equal(ok.status, 201, ok.text);
  // an approved proposal with her (approved before her decision): the decision names her and says what to do
  const pid = approvedProposal('DX-2024-000902', 2024, [['NA-006', 'LDTT'], ['NA-005', 'CSTDCS']]);
  r = await admin.post('/api/v1/decisions', { json: { proposal_id: pid, number: '611/QĐ-UBND', date: '2025-01-10', signer: 'Vũ Văn Ký', signer_title: 'Chủ tịch' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { 'nominees[1]': 'Đã được tặng khen thưởng này cho năm đó: cấp đã phê duyệt hồ sơ có thể trả lại hồ sơ' });
  const b = await browser('nam.officer');
  const list = await b.get('/decisions');
  const page = await b.post('/decisions', { form: { _csrf: csrfOf(list.text), rows: '3', proposal_id: String(pid), number: '611/QĐ-UBND', date: '10/01/2025', signer: 'Vũ Văn Ký', signer_title: 'Chủ tịch' } });
  assert.equal(page.status, 422);
  assert.match(page.text, /<li>Hoàng Thị Em — Chiến sĩ thi đua cơ sở: Đã được tặng khen thưởng này cho năm đó: cấp đã phê duyệt hồ sơ có thể trả lại hồ sơ<\/li>/);
  // the chosen proposal stays chosen
  assert.match(page.text, new RegExp(`<option value="${pid}" selected>DX-2024-000902`));
  // the approved proposal's page offers the authority's officers to return it, not to approve it again
  const pp = await b.get(`/proposals/${pid}`);
  assert.match(pp.text, /value="return">Trả lại kèm ý kiến<\/button>/);
  assert.doesNotMatch(pp.text, /value="approve"|value="reject"/);
  const off = new Client(srv.base);
  await off.login('nam.officer', testPassword('nam.officer'));
  const again = await off.post(`/api/v1/proposals/${pid}/steps`, { json: { action: 'approve', version: 3 } });
  assert.equal(again.status, 409, again.text);
  const rej = await off.post(`/api/v1/proposals/${pid}/steps`, { json: { action: 'reject', comment: 'x', version: 3 } });
  assert.equal(rej.status, 409, rej.text);
  const back = await off.post(`/api/v1/proposals/${pid}/steps`, { json: { action: 'return', comment: 'Bà Em đã có CSTDCS 2024', version: 3 } });
  assert.equal(back.status, 200, back.text);
  assert.deepEqual([back.data.stage, back.data.holder_code], ['returned', 'W-NAM']);
});

test('verification covers what the certificate prints: the decision\'s number, date, authority and signer changed in the database', async () => {
  const r = await admin.post('/api/v1/decisions', { json: { ...base(), number: '620/QĐ-UBND', date: '2024-11-05', year: 2021, nominees: [{ person_code: 'NA-001', award: 'GK' }] } });
  assert.equal(r.status, 201, r.text);
  const id = r.data.id, code = r.data.nominees[0].certificate_code;
  const verify = async () => (await new Client(srv.base).get('/api/v1/verify/' + code)).data;
  let v = await verify();
  assert.equal(v.status, 'valid', JSON.stringify(v));
  assert.deepEqual([v.signed.signer_title, v.signed.signer], ['Chủ tịch', 'Vũ Văn Ký']);
  for (const [column, value, field, was] of [
    ['number', '629/QĐ-UBND', 'decision', '620/QĐ-UBND'],
    ['decided_on', '2024-11-25', 'decided_on', '2024-11-05'],
    ['signer_name', 'Vũ Văn Giả', 'signer', 'Vũ Văn Ký'],
    ['signer_title', 'Phó Chủ tịch', 'signer_title', 'Chủ tịch'],
    ['authority_name', 'Ủy ban nhân dân tỉnh Khác', 'authority', 'Tỉnh Nam'],
    ['year', '2022', 'year', '2021'],
  ]) {
    sql(env.db, `UPDATE decisions SET ${column} = '${value}' WHERE id = ${id}`);
    v = await verify();
    assert.deepEqual([v.status, v.reason, v.detail, v.changed], ['invalid', 'Dữ liệu trong cơ sở dữ liệu đã bị sửa sau khi ký', field, [field]], column);
    assert.equal(String(v.award[field]), value, column);
    assert.equal(String(v.signed[field]), was, column);
    const page = await new Client(srv.base).get('/verify/' + code);
    assert.match(page.text, /data-status="invalid"/);
    sql(env.db, `UPDATE decisions SET ${column} = '${was}' WHERE id = ${id}`);
    assert.equal((await verify()).status, 'valid', column);
  }
  // the award record's own copy of the number too
  sql(env.db, `UPDATE achievements SET decision_no = '621/QĐ-UBND' WHERE decision_id = ${id}`);
  v = await verify();
  assert.deepEqual([v.status, v.changed], ['invalid', ['decision']]);
  sql(env.db, `UPDATE achievements SET decision_no = '620/QĐ-UBND' WHERE decision_id = ${id}`);
  assert.equal((await verify()).status, 'valid');
});

test('the nominee form keeps what was typed and has no award chosen by default', async () => {
  const rep = await browser('nw.reporter');
  const c = new Client(srv.base);
  await c.login('nw.reporter', testPassword('nw.reporter'));
  const p = (await c.post('/api/v1/proposals', { json: { title: 'Đề nghị năm 2025', round: 'year_end', year: 2025, proposer_code: 'W-NAM', summary: 'x' } })).data;
  const page = await rep.get(`/proposals/${p.id}`);
  assert.match(page.text, /<select id="f-award" name="award" required>\s*<option value="">—<\/option>\s*<option value="LDTT">/);
  const form = { _csrf: csrfOf(page.text), version: String(p.version), what: 'nominee', subject: 'person', person_id: String(people['NA-002'].id), summary: 'Hoàn thành xuất sắc' };
  const none = await rep.post(`/proposals/${p.id}`, { form: { ...form, award: '' } });
  assert.equal(none.status, 422);
  assert.match(none.text, /<p class="field-error" id="e-award">Bắt buộc nhập<\/p>/);
  assert.match(none.text, new RegExp(`name="person_id"[^>]*>[\\s\\S]*?<option value="${people['NA-002'].id}" selected`));
  assert.match(none.text, /<textarea id="f-nsummary" name="summary" rows="3">Hoàn thành xuất sắc<\/textarea>/);
  // a collective for an individual award: the collective and the award stay
  const coll = await rep.post(`/proposals/${p.id}`, { form: { ...form, subject: 'collective', person_id: '', unit_id: String(ward.id), award: 'LDTT' } });
  assert.equal(coll.status, 422);
  assert.match(coll.text, /<input type="radio" name="subject" value="collective" checked>/);
  assert.match(coll.text, /<option value="LDTT" selected>/);
  assert.match(coll.text, new RegExp(`name="unit_id"[^>]*>[\\s\\S]*?<option value="${ward.id}" selected`));
});

test('texts: a future decision date on a record, a record without a number, missing conditions, deleting a decision\'s record, revoking', async () => {
  const b = await browser('admin');
  const person = people['NA-003'];
  let page = await b.get(`/people/${person.id}`);
  const future = await b.post(`/people/${person.id}/achievements`, { form: { _csrf: csrfOf(page.text), year: '2020', record: 'title:GK', decided_on: '20/12/2030' } });
  assert.equal(future.status, 422);
  assert.match(future.text, /<p class="field-error" id="e-decided_on">Không thể ghi ngày quyết định ở tương lai<\/p>/);
  const api = await admin.post('/api/v1/achievements', { json: { person_code: 'NA-003', year: 2020, kind: 'title', value: 'GK', decided_on: '2030-12-20' } });
  assert.equal(api.status, 422);
  assert.equal(api.data.error.fields.decided_on, 'Không thể ghi ngày quyết định ở tương lai');
  const add = await b.post(`/people/${person.id}/achievements`, { form: { _csrf: csrfOf(page.text), year: '2020', record: 'title:LDTT', authority: 'UBND phường' } });
  assert.equal(add.status, 303, add.text);
  page = await b.get(`/people/${person.id}`);
  assert.match(page.text, /Lao động tiên tiến, UBND phường/);
  // a missing initiative: said once, not "Chưa có Có sáng kiến"
  const e = await admin.get(`/api/v1/eligibility?award=CSTDCS&person=NA-003&year=2024`);
  const facts = e.data.conditions.flatMap((x) => x.facts);
  assert.ok(facts.includes('Có sáng kiến được công nhận cấp cơ sở trở lên: chưa có năm 2024'), JSON.stringify(facts));
  assert.ok(!facts.some((f) => /Chưa có Có/.test(f)), JSON.stringify(facts));
  // a decision's record is removed by revoking the decision: said so
  const d = await admin.post('/api/v1/decisions', { json: { ...base(), number: '630/QĐ-UBND', date: '2024-10-10', year: 2019, nominees: [{ person_code: 'NA-003', award: 'GK' }] } });
  assert.equal(d.status, 201, d.text);
  const rec = (await admin.get('/api/v1/achievements?person=NA-003&year=2019')).data.items[0];
  page = await b.get(`/people/${person.id}`);
  const del = await b.post(`/achievements/${rec.id}/delete`, { form: { _csrf: csrfOf(page.text), version: String(rec.version) } });
  assert.equal(del.status, 409);
  assert.match(del.text, /Bản ghi này do một quyết định tạo ra: chỉ bị xóa khi thu hồi quyết định đó/);
  // revoking asks first
  const dp = await b.get(`/decisions/${d.data.id}`);
  assert.match(dp.text, /<button type="submit" class="danger" data-confirm="Thu hồi quyết định 630\/QĐ-UBND\? Các bản ghi khen thưởng của quyết định bị xóa và các giấy chứng nhận sẽ được xác thực là đã thu hồi\. Không thể hoàn tác\.">Thu hồi<\/button>/);
});
