// Commendation and votes, as the demo's users meet them (fifth user review):
// a ballot refused for too many choices comes back with the boxes the voter
// ticked; an eligibility check with no rule set in force names the award,
// the date the rules were chosen for and the date they apply from; a
// proposal's history says at which review step each approval was given; a
// decision refused for a nominee names the nominee with the award, so a
// person proposed for two awards is told apart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin, sql, loginAs } from './_util.mjs';

let env, srv, tw, admin;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  tw = await as('tw.officer');
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login, env.demoUsers[login].password);

const browser = (login, lang) => formLogin(srv.base, login, env.demoUsers[login].password, lang);
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };

// the boxes of the page's ballot form: candidate id → ticked
function ballotBoxes(html) {
  const form = html.match(/<form method="post" action="\/votes\/\d+" class="card" id="ballot">[\s\S]*?<\/form>/);
  assert.ok(form, 'the page has the ballot form');
  // (a box of a ballot sent back with an error also carries aria-invalid)
  return Object.fromEntries([...form[0].matchAll(/<input type="checkbox" name="choices" value="(\d+)"( checked)?(?: aria-invalid="true")?>/g)]
    .map((m) => [Number(m[1]), !!m[2]]));
}

test('a ballot refused for too many choices comes back with the boxes the voter ticked, not cached; nothing is cast', async () => {
  const r = ok(await tw.post('/api/v1/votes', { json: { title: 'Bình xét thử — tối đa 2', threshold_pct: 50, base: 'all_members',
    voters: ['hue.rep', 'quangtri.rep'], max_choices: 2,
    candidates: [{ label: 'Nguyễn Văn An' }, { label: 'Trần Thị Bình' }, { label: 'Lê Văn Cường' }] } }), 201);
  ok(await tw.post(`/api/v1/votes/${r.id}/open`));
  const [a, b, c] = r.candidates.map((x) => x.id);
  const hue = await browser('hue.rep');
  const page = await hue.get(`/votes/${r.id}`);
  assert.deepEqual(ballotBoxes(page.text), { [a]: false, [b]: false, [c]: false });
  const three = await hue.post(`/votes/${r.id}`, { form: [['_csrf', csrfOf(page.text)], ['what', 'ballot'], ['choices', String(a)], ['choices', String(c)], ['choices', String(b)]] });
  assert.equal(three.status, 422);
  assert.match(three.text, /Chọn quá số lượng cho phép của cuộc bỏ phiếu này/);
  assert.deepEqual(ballotBoxes(three.text), { [a]: true, [b]: true, [c]: true });
  assert.equal(three.headers.get('cache-control'), 'no-store');
  // one box chosen twice: the same, with that box ticked
  const twice = await hue.post(`/votes/${r.id}`, { form: [['_csrf', csrfOf(page.text)], ['what', 'ballot'], ['choices', String(b)], ['choices', String(b)]] });
  assert.equal(twice.status, 422);
  assert.match(twice.text, /Một ứng viên được chọn hai lần/);
  assert.deepEqual(ballotBoxes(twice.text), { [a]: false, [b]: true, [c]: false });
  assert.equal(sql(env.db, `SELECT ballots || ' ' || (SELECT count(*) FROM vote_cast WHERE round_id = ${r.id}) FROM vote_rounds WHERE id = ${r.id}`), '0 0');
  // the voter unticks one and casts: counted once
  const cast = await hue.post(`/votes/${r.id}`, { form: [['_csrf', csrfOf(page.text)], ['what', 'ballot'], ['choices', String(a)], ['choices', String(c)]] });
  assert.equal(cast.status, 200, cast.text);
  assert.match(cast.text, /Bạn đã bỏ phiếu/);
  assert.equal(sql(env.db, `SELECT count(*) FROM vote_cast WHERE round_id = ${r.id}`), '1');
  // another voter's fresh page shows no box ticked
  const qt = await browser('quangtri.rep');
  assert.deepEqual(ballotBoxes((await qt.get(`/votes/${r.id}`)).text), { [a]: false, [b]: false, [c]: false });
});

test('no rule set in force: the answer names the award, the date the rules were chosen for and the date they apply from', async () => {
  // Nguyễn Thị Thu Hà (QY-PNV-001) for 2023: the demo's rule sets start on 1 January 2024
  const vi = await admin.get('/api/v1/eligibility?award=CSTD_BO_TINH&person=QY-PNV-001&year=2023');
  assert.equal(vi.status, 404);
  assert.equal(vi.data.error.message,
    'Không có bộ quy tắc nào của Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh có hiệu lực vào ngày 31/12/2023: ' +
    'các quy tắc của danh hiệu, hình thức này áp dụng từ ngày 01/01/2024');
  const en = await admin.get('/api/v1/eligibility?award=CSTDCS&person=QY-PNV-001&year=2023&date=2023-06-30', { headers: { 'Accept-Language': 'en' } });
  assert.equal(en.status, 404);
  assert.equal(en.data.error.message, 'No rule set of Grassroots Emulation Fighter is in force on 30 Jun 2023: its rules apply from 1 Jan 2024');
  // the scan of a unit says the same
  const scan = await admin.get('/api/v1/eligibility/scan?award=CSTD_BO_TINH&unit=QY-PNV&year=2023', { headers: { 'Accept-Language': 'en' } });
  assert.equal(scan.status, 404);
  assert.equal(scan.data.error.message, 'No rule set of Ministry/Province Emulation Fighter is in force on 31 Dec 2023: its rules apply from 1 Jan 2024');
  // the page, in Hindi
  const b = await formLogin(srv.base, 'admin', env.adminPassword, 'hi');
  const unit = sql(env.db, "SELECT id FROM units WHERE code = 'QY-PNV'");
  const person = sql(env.db, "SELECT id FROM people WHERE code = 'QY-PNV-001'");
  const page = await b.get(`/eligibility?award=CSTD_BO_TINH&unit_id=${unit}&person_id=${person}&year=2023`);
  assert.equal(page.status, 404);
  assert.match(page.text, /<p class="error-msg" role="alert">[^<]* का कोई नियम-समूह 31\/12\/2023 को लागू नहीं है: इसके नियम 01\/01\/2024 से लागू होते हैं<\/p>/);
  // an award whose only rule set has ended: no later date to give
  sql(env.db, "UPDATE rule_sets SET effective_to = '2024-12-31' WHERE award_id = (SELECT id FROM awards WHERE code = 'BK_BO_TINH')");
  const ended = await admin.get('/api/v1/eligibility?award=BK_BO_TINH&person=QY-PNV-001&year=2025', { headers: { 'Accept-Language': 'en' } });
  assert.equal(ended.status, 404);
  assert.equal(ended.data.error.message, 'No rule set of Ministry/Province Certificate of Merit is in force on 31 Dec 2025');
});

test('a proposal\'s history says at which step each approval was given: the board\'s, the council\'s, the authority\'s', async () => {
  const qy = await as('quangyen.reporter');
  const p = ok(await qy.post('/api/v1/proposals', { json: { proposer_code: 'QY-PNV', title: 'Đề nghị Lao động tiên tiến 2025', round: 'year_end', year: 2025 } }), 201);
  ok(await qy.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'QY-PNV-003', award: 'LDTT' } }), 201);
  let v = ok(await qy.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'submit', version: ok(await qy.get(`/api/v1/proposals/${p.id}`)).version } }));
  for (const comment of ['Ban đồng ý', 'Hội đồng đồng ý', 'Chủ tịch đồng ý'])
    v = ok(await admin.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'approve', comment, version: v.version } }));
  assert.equal(v.stage, 'approved');
  const history = (html) => [...html.match(/<ol class="history">([\s\S]*?)<\/ol>/)[1].matchAll(/<li>[^—]*— (.*?)(?:<br>|<\/li>)/g)].map((m) => m[1].replace(/<[^>]+>/g, '').replace(/&#39;/g, "'"));
  const vi = await formLogin(srv.base, 'admin', env.adminPassword);
  assert.deepEqual(history((await vi.get(`/proposals/${p.id}`)).text), [
    'đã trình bởi quangyen.reporter, Phòng Nội vụ',
    'đã đồng ý ở bước Ban Thi đua – Khen thưởng bởi admin, Thị xã Quảng Yên',
    'đã đồng ý ở bước Hội đồng Thi đua – Khen thưởng bởi admin, Thị xã Quảng Yên',
    'đã đồng ý ở bước cấp có thẩm quyền bởi admin, Thị xã Quảng Yên',
  ]);
  const en = await formLogin(srv.base, 'admin', env.adminPassword, 'en');
  assert.deepEqual(history((await en.get(`/proposals/${p.id}`)).text).slice(1), [
    'approved at the board\'s step by admin, Thị xã Quảng Yên',
    'approved at the council\'s step by admin, Thị xã Quảng Yên',
    'approved at the authority\'s step by admin, Thị xã Quảng Yên',
  ]);
});

test('a decision refused for a nominee names the nominee with the award: a person proposed for two awards is told apart', async () => {
  // Thu Hà proposed for Lao động tiên tiến and Chiến sĩ thi đua cơ sở 2025; she gets the latter meanwhile
  const qy = await as('quangyen.reporter');
  const p = ok(await qy.post('/api/v1/proposals', { json: { proposer_code: 'QY-PNV', title: 'Đề nghị khen thưởng 2025', round: 'year_end', year: 2025 } }), 201);
  ok(await qy.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'QY-PNV-001', award: 'LDTT' } }), 201);
  ok(await qy.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'QY-PNV-001', award: 'CSTDCS' } }), 201);
  let v = ok(await qy.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'submit', version: ok(await qy.get(`/api/v1/proposals/${p.id}`)).version } }));
  for (let i = 0; i < 3; i++) v = ok(await admin.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'approve', version: v.version } }));
  assert.equal(v.stage, 'approved');
  ok(await admin.post('/api/v1/achievements', { json: { person_code: 'QY-PNV-001', year: 2025, kind: 'title', value: 'CSTDCS', decision_no: '5/QĐ-UBND', decided_on: '2026-01-10' } }), 201);
  const form = { proposal_id: String(p.id), authority_id: '', authority_name: '', number: '16/QĐ-UBND', date: '20/01/2026', year: '',
    signer: 'Nguyễn Văn A', signer_title: 'Chủ tịch', movement_id: '', citation: '', rows: '3', nominees: '' };
  const vi = await formLogin(srv.base, 'admin', env.adminPassword);
  const page = await vi.get('/decisions');
  const r = await vi.post('/decisions', { form: { ...form, _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 422);
  const errors = [...r.text.match(/<b>Quyết định chưa được ban hành<\/b><\/p><ul>([\s\S]*?)<\/ul>/)[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
  assert.deepEqual(errors, ['Nguyễn Thị Thu Hà — Chiến sĩ thi đua cơ sở: Đã được tặng khen thưởng này cho năm đó: cấp đã phê duyệt hồ sơ có thể trả lại hồ sơ']);
  // a list typed on the form names the award too, in the reader's language
  const en = await formLogin(srv.base, 'admin', env.adminPassword, 'en');
  const p2 = await en.get('/decisions');
  const typed = await en.post('/decisions', { form: { ...form, proposal_id: '', authority_id: sql(env.db, "SELECT id FROM units WHERE code = 'QN-QUANGYEN'"),
    _csrf: csrfOf(p2.text), nominees: 'QY-PNV-001 CSTDCS\nQY-PNV-001 HCLD3' } });
  assert.equal(typed.status, 422);
  const typedErrors = [...typed.text.match(/<b>The decision was not issued<\/b><\/p><ul>([\s\S]*?)<\/ul>/)[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/:.*/, ''));
  assert.deepEqual(typedErrors, ['Nguyễn Thị Thu Hà — Grassroots Emulation Fighter', 'Nguyễn Thị Thu Hà — Labour Order, Third Class']);
});
