// Decisions and their certificates, as the demo's users meet them (third
// user review): the award's level against the authority's, the authority of
// a decision on a proposal, revoking one (the proposal back to approved),
// certificates always in Vietnamese with the head's office above "TẶNG",
// a revoked decision's finance list and certificate, every error of the
// form at once, characters the certificate cannot print, and the public
// verification without the recipient's code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin, sql, loginAs } from './_util.mjs';

let env, srv, so, tw;

const INVALID = 'Một số trường không hợp lệ';
const FUTURE = 'Không thể ghi ngày quyết định ở tương lai';
const FOR_PEOPLE = 'Danh hiệu này dành cho cá nhân, không dành cho tập thể';
const NUMBER_TAKEN = 'Cơ quan này đã có quyết định mang số này';
const UNPRINTABLE = 'Bằng khen không in được một số ký tự ở đây (biểu tượng cảm xúc, ký hiệu): chỉ dùng chữ, số và dấu câu thông dụng';

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  so = await as('sonla.officer');
  tw = await as('tw.officer');
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login, env.demoUsers[login].password);

const browser = (login) => formLogin(srv.base, login, env.demoUsers[login].password);

async function pdfText(c, url, name) {
  const r = await fetch(srv.base + url, { headers: { Authorization: 'Bearer ' + c.token } });
  assert.equal(r.status, 200, url);
  const file = path.join(env.dir, name);
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}

const decisionCount = () => Number(sql(env.db, 'SELECT count(*) FROM decisions'));
let serial = 0;
const head = (extra = {}) => ({ number: `${700 + ++serial}/QĐ-UBND`, date: '2025-11-01', year: 2016, signer: 'Hà Văn Tài', signer_title: 'Chủ tịch', ...extra });

test('an award above the authority\'s level: 422 on that nominee naming the award and the level; what the level may issue is issued', async () => {
  const before = decisionCount();
  // the ward gives a state order (to itself, a unit of its subtree) and a province's Bằng khen
  let r = await so.post('/api/v1/decisions', { json: { ...head(), authority_code: 'SL-P-CHIENGLE',
    nominees: [{ unit_code: 'SL-P-CHIENGLE', award: 'HCLD3' }, { unit_code: 'SL-P-CHIENGLE', award: 'BK_BO_TINH' }, { unit_code: 'SL-P-CHIENGLE', award: 'GK' }] } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error, { code: 'validation', message: INVALID, fields: {
    'nominees[0]': 'Huân chương Lao động hạng Ba do cấp Nhà nước khen thưởng: cơ quan ban hành không có thẩm quyền khen thưởng này',
    'nominees[1]': 'Bằng khen cấp bộ, ban, ngành, tỉnh do cấp bộ, ngành, tỉnh khen thưởng: cơ quan ban hành không có thẩm quyền khen thưởng này',
  } });
  // the province: a national title is the Government's
  r = await so.post('/api/v1/decisions', { json: { ...head(), authority_code: 'T-SONLA', nominees: [{ person_code: 'SL-CDS-CN12', award: 'CSTD_TOAN_QUOC' }] } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { 'nominees[0]': 'Chiến sĩ thi đua toàn quốc do cấp Chính phủ khen thưởng: cơ quan ban hành không có thẩm quyền khen thưởng này' });
  assert.equal(decisionCount(), before);
  // the web form: the same 422 on the nominee, what was typed kept
  const b = await browser('sonla.officer');
  const list = await b.get('/decisions');
  const form = { _csrf: csrfOf(list.text), authority_code: 'T-SONLA', number: '799/QĐ-UBND', date: '01/11/2025', year: '2016',
    signer: 'Hà Văn Tài', signer_title: 'Chủ tịch', nominees: 'SL-CDS-CN13 CSTD_TOAN_QUOC' };
  const bad = await b.post('/decisions', { form });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('Chiến sĩ thi đua toàn quốc do cấp Chính phủ khen thưởng'), bad.text.slice(0, 3000));
  assert.ok(bad.text.includes('value="799/QĐ-UBND"') && bad.text.includes('SL-CDS-CN13 CSTD_TOAN_QUOC'));
  assert.equal(decisionCount(), before);
  // within the level: the ward's Giấy khen, the province's Bằng khen
  r = await so.post('/api/v1/decisions', { json: { ...head(), authority_code: 'SL-P-CHIENGLE', nominees: [{ unit_code: 'SL-P-CHIENGLE', award: 'GK' }] } });
  assert.equal(r.status, 201, r.text);
  r = await so.post('/api/v1/decisions', { json: { ...head(), authority_code: 'T-SONLA', nominees: [{ person_code: 'SL-CDS-CN12', award: 'BK_BO_TINH' }] } });
  assert.equal(r.status, 201, r.text);
});

// an approved proposal of the ward, held by the province, for the ward's Bằng khen
function approvedProposal(code, year) {
  const now = new Date().toISOString().slice(0, 19) + 'Z';
  const ward = sql(env.db, "SELECT id FROM units WHERE code = 'SL-P-CHIENGLE'"), province = sql(env.db, "SELECT id FROM units WHERE code = 'T-SONLA'");
  sql(env.db, `INSERT INTO proposals (code, title, search, round, year, proposer_id, holder_id, stage, version, created_at, updated_at)
    VALUES ('${code}', 'Đề nghị khen thưởng năm ${year}', 'de nghi', 'year_end', ${year}, ${ward}, ${province}, 'approved', 3, '${now}', '${now}')`);
  const pid = Number(sql(env.db, `SELECT id FROM proposals WHERE code = '${code}'`));
  sql(env.db, `INSERT INTO proposal_nominees (proposal_id, unit_id, award_code, position) VALUES (${pid}, ${ward}, 'BK_BO_TINH', 1)`);
  return pid;
}

test('a decision on a proposal is issued by the level that approved it (the form\'s default); revoking it gives the proposal back, with a step', async () => {
  const pid = approvedProposal('DX-2017-000901', 2017);
  // the form: with proposals to decide, the authority's default is the level that approved the proposal (empty), not the officer's unit
  const b = await browser('tw.officer');
  const list = await b.get('/decisions');
  assert.match(list.text, new RegExp(`<option value="${pid}">DX-2017-000901`));
  assert.doesNotMatch(list.text, /name="authority_id" value="1"/);
  assert.ok(list.text.includes('— cấp đã duyệt tờ trình; không theo tờ trình: đơn vị của bạn —'));
  // another unit than the one that approved it: 422 naming that level
  const body = { proposal_id: pid, number: '456/QĐ-UBND', date: '2025-11-20', signer: 'Hà Văn Tài', signer_title: 'Chủ tịch' };
  let r = await tw.post('/api/v1/decisions', { json: { ...body, authority_code: 'VN' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { authority_code: 'Quyết định theo tờ trình này do cấp đã duyệt tờ trình ban hành: Tỉnh Sơn La' });
  r = await tw.post('/api/v1/decisions', { json: body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.authority_code, 'T-SONLA');
  assert.equal(sql(env.db, `SELECT stage FROM proposals WHERE id = ${pid}`), 'decided');
  // revoked: approved again, a step saying which decision and why, audited; a corrected decision can be issued
  const v = await tw.post(`/api/v1/decisions/${r.data.id}/revoke`, { json: { reason: 'Sai cơ quan ban hành', version: r.data.version } });
  assert.equal(v.status, 200, v.text);
  assert.equal(sql(env.db, `SELECT stage FROM proposals WHERE id = ${pid}`), 'approved');
  assert.equal(sql(env.db, `SELECT stage || ' ' || action || ' ' || comment FROM proposal_steps WHERE proposal_id = ${pid} ORDER BY id DESC LIMIT 1`),
    'decided revoke 456/QĐ-UBND: Sai cơ quan ban hành');
  assert.equal(sql(env.db, `SELECT action || ' ' || note FROM audit_log WHERE entity = 'proposal' AND entity_id = ${pid} ORDER BY id DESC LIMIT 1`),
    'revoke decision 456/QĐ-UBND: Sai cơ quan ban hành');
  const page = await b.get(`/proposals/${pid}`);
  assert.match(page.text, /<strong>quyết định đã bị thu hồi<\/strong>[^<]*<\/?[^>]*>[\s\S]*?<q>456\/QĐ-UBND: Sai cơ quan ban hành<\/q>/);
  const again = await tw.post('/api/v1/decisions', { json: { ...body, number: '457/QĐ-UBND' } });
  assert.equal(again.status, 201, again.text);
  assert.equal(sql(env.db, `SELECT stage FROM proposals WHERE id = ${pid}`), 'decided');
});

test('a certificate is printed in Vietnamese whatever the language; the heading is the head\'s office, the "KT." title only in the signature', async () => {
  const r = await so.post('/api/v1/decisions', { json: { ...head({ signer_title: 'KT. Chủ tịch – Phó Chủ tịch', signer: 'Lò Minh Hùng' }), authority_code: 'T-SONLA',
    authority_name: 'Ủy ban nhân dân tỉnh Sơn La', nominees: [{ person_code: 'SL-CDS-CN11', award: 'BK_BO_TINH' }] } });
  assert.equal(r.status, 201, r.text);
  const x = r.data.nominees[0];
  for (const lang of ['vi', 'hi', 'en']) {
    const text = await pdfText(so, `${x.certificate_url}?lang=${lang}`, `kt-${lang}.pdf`);
    assert.match(text, /\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA\nTẶNG\n/, text);
    assert.doesNotMatch(text, /KT\. CHỦ TỊCH – PHÓ CHỦ TỊCH ỦY BAN/);
    assert.match(text, /KT\. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n/);
    assert.ok(text.includes('Bằng khen cấp bộ, ban, ngành, tỉnh') && text.includes('Sơn La, ngày 01 tháng 11 năm 2025') && text.includes('Mã xác thực'), text);
    assert.doesNotMatch(text, /[\u0900-\u097F]|Certificate of Merit|awards/i);
  }
  // the decision PDF too
  const dec = await pdfText(so, `${r.data.pdf_url}?lang=hi`, 'kt-decision.pdf');
  assert.doesNotMatch(dec, /[\u0900-\u097F]/);
  // what was signed is unchanged: the title as typed, and it verifies
  assert.match(sql(env.db, `SELECT payload FROM decision_nominees WHERE cert_code = '${x.certificate_code}'`), /\nsigner_title=KT\. Chủ tịch – Phó Chủ tịch\n/);
  assert.equal((await new Client(srv.base).get(`/api/v1/verify/${x.certificate_code}`)).data.status, 'valid');
});

test('a revoked decision: its finance list says so with no money; its certificate is marked across the page; it verifies as revoked', async () => {
  const r = await so.post('/api/v1/decisions', { json: { ...head(), authority_code: 'T-SONLA', nominees: [{ unit_code: 'T-SONLA-STTTT', award: 'TTLDXS' }] } });
  assert.equal(r.status, 201, r.text);
  const issued = await so.get(`${r.data.export_url}?format=csv`);
  const [h1, row1] = issued.text.trim().split(/\r?\n/);
  assert.match(h1, /,Trạng thái$/);
  assert.match(row1, /,3510000,.*,Đã ban hành$/);
  const v = await so.post(`/api/v1/decisions/${r.data.id}/revoke`, { json: { reason: 'Ban hành nhầm', version: r.data.version } });
  assert.equal(v.status, 200, v.text);
  const revoked = await so.get(`${r.data.export_url}?format=csv`);
  const row = revoked.text.trim().split(/\r?\n/)[1];
  assert.doesNotMatch(row, /3510000/);
  assert.match(row, /,Đã thu hồi: Ban hành nhầm$/);
  const text = await pdfText(so, `${r.data.nominees[0].certificate_url}?lang=hi`, 'revoked.pdf');
  // the reason under the QR code, and "ĐÃ THU HỒI" across the page (set rotated: pdftotext reads it a letter at a time)
  assert.ok(text.includes('Đã thu hồi: Ban hành nhầm'), text);
  assert.ok(['Ồ', 'Ã', 'Đ'].every((c) => text.includes(`\n${c}\n`)), text);
  assert.doesNotMatch(text, /[\u0900-\u097F]/);
  assert.equal((await new Client(srv.base).get(`/api/v1/verify/${r.data.nominees[0].certificate_code}`)).data.status, 'revoked');
});

test('every error of a decision at once: a future date, a number taken and a nominee\'s award', async () => {
  const before = decisionCount();
  const r = await so.post('/api/v1/decisions', { json: { ...head({ number: '3125/QĐ-UBND', date: '2099-01-01' }), authority_code: 'T-SONLA',
    nominees: [{ unit_code: 'T-SONLA-STTTT', award: 'LDTT' }, { person_code: 'SL-CDS-CN12', award: 'CSTD_TOAN_QUOC' }] } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { date: FUTURE, number: NUMBER_TAKEN, 'nominees[0]': FOR_PEOPLE,
    'nominees[1]': 'Chiến sĩ thi đua toàn quốc do cấp Chính phủ khen thưởng: cơ quan ban hành không có thẩm quyền khen thưởng này' });
  // the form too: the date's error and the pasted nominee's together
  const b = await browser('sonla.officer');
  const list = await b.get('/decisions');
  const bad = await b.post('/decisions', { form: { _csrf: csrfOf(list.text), authority_code: 'T-SONLA', number: '798/QĐ-UBND', date: '01/01/2099',
    signer: 'Hà Văn Tài', signer_title: 'Chủ tịch', nominees: 'T-SONLA-STTTT LDTT' } });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes(FUTURE) && bad.text.includes(FOR_PEOPLE), bad.text.slice(0, 3000));
  assert.equal(decisionCount(), before);
});

test('characters the certificate cannot print are refused at their field', async () => {
  const before = decisionCount();
  const r = await so.post('/api/v1/decisions', { json: { ...head({ signer: 'Hà Văn Tài 😀', citation: 'Đã có thành tích xuất sắc ★' }),
    authority_code: 'T-SONLA', authority_name: 'Ủy ban nhân dân tỉnh Sơn La 🇻🇳', nominees: [{ unit_code: 'T-SONLA-SNV', award: 'TTLDXS' }] } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { signer: UNPRINTABLE, authority_name: UNPRINTABLE, citation: UNPRINTABLE });
  assert.equal(decisionCount(), before);
  // Vietnamese with its diacritics, quotation marks and dashes is fine
  const ok = await so.post('/api/v1/decisions', { json: { ...head({ citation: 'Đã có thành tích xuất sắc trong phong trào “Chuyển đổi số” – năm 2016…' }),
    authority_code: 'T-SONLA', nominees: [{ unit_code: 'T-SONLA-SNV', award: 'TTLDXS' }] } });
  assert.equal(ok.status, 201, ok.text);
});

test('the public verification shows what the certificate shows, not the recipient\'s code; who may read the decision sees it', async () => {
  const code = sql(env.db, "SELECT n.cert_code FROM decision_nominees n JOIN decisions d ON d.id = n.decision_id WHERE d.number = '3125/QĐ-UBND' AND n.recipient_code = 'SL-CDS-CN01'");
  const anon = new Client(srv.base);
  const v = await anon.get(`/api/v1/verify/${code}`);
  assert.equal(v.data.status, 'valid');
  assert.equal(v.data.award.recipient, 'Lò Văn Thắng');
  assert.equal(v.data.award.recipient_code, null);
  assert.equal(v.data.signed.recipient_code, null);
  const page = await anon.get(`/verify/${code}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('Lò Văn Thắng') && page.text.includes('3125/QĐ-UBND'));
  assert.ok(!page.text.includes('SL-CDS-CN01') && !page.text.includes('Mã người, đơn vị được khen thưởng'), 'no recipient code on the public page');
  // an officer over the authority still sees it
  const mine = await so.get(`/api/v1/verify/${code}`);
  assert.equal(mine.data.status, 'valid');
  assert.equal(mine.data.award.recipient_code, 'SL-CDS-CN01');
  // the command line checks the whole payload as before
  assert.equal(sql(env.db, `SELECT count(*) FROM decision_nominees WHERE cert_code = '${code}' AND payload LIKE '%recipient_code=SL-CDS-CN01%'`), '1');
});
