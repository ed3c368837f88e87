// Award decisions (issue 10): the money of each nominee, the award records a
// decision makes, its certificates (PDF with the verification address),
// their public verification (valid, changed records, forged codes,
// revocation), thidua verify, the rights, and seed 002's demo decision.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeDb, addUser, startServer, Client, thidua, testPassword, onPg } from '../lib/server.mjs';
import { mkUnit, mkPerson, sql, csrfOf, loginAs } from './_util.mjs';

let env, srv, admin, province, ward, other;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  province = await mkUnit(admin, 'T-THU', 'Tỉnh Thử', 'province');
  ward = await mkUnit(admin, 'W-THU', 'Phường Thử Nghiệm', 'ward', province.id);
  other = await mkUnit(admin, 'T-KHAC', 'Tỉnh Khác', 'province');
  await mkPerson(admin, { full_name: 'Nguyễn Thị Lan', gender: 'F', unit_id: ward.id, code: 'TT-001', position: 'Chuyên viên' });
  await mkPerson(admin, { full_name: 'Trần Văn Bình', gender: 'M', unit_id: ward.id, code: 'TT-002' });
  await mkPerson(admin, { full_name: 'Lê Thị Hoa', gender: 'F', unit_id: ward.id, code: 'TT-003' });
  await mkPerson(admin, { full_name: 'Phạm Văn Khá', gender: 'M', unit_id: other.id, code: 'KH-001' });
  addUser(env.db, 'thu.officer', 'officer', 'T-THU');
  addUser(env.db, 'khac.officer', 'officer', 'T-KHAC');
  addUser(env.db, 'thu.reporter', 'reporter', 'T-THU');
  addUser(env.db, 'vn.viewer', 'viewer', 'VN');
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login);

let serial = 0;
// A decision of T-THU with these nominees; returns the created decision.
// Each commends a year of its own (1990, 1991, ...; year: null for the
// date's), since a person holds an award once a year.
async function decide(c, nominees, extra = {}) {
  const year = extra.year === undefined ? 1990 + serial : extra.year;
  const json = { authority_code: 'T-THU', number: `${100 + ++serial}/QĐ-UBND`, date: '2024-07-15', signer: 'Nguyễn Văn Ký', signer_title: 'Chủ tịch', nominees, ...extra, year };
  if (year === null) delete json.year;
  const r = await c.post('/api/v1/decisions', { json });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

const verify = async (code) => {
  const r = await new Client(srv.base).get('/api/v1/verify/' + encodeURIComponent(code));
  assert.equal(r.status, 200, r.text);
  return r.data;
};

// the text of a PDF (pdftotext, poppler-utils)
async function pdfText(c, url, name) {
  const r = await fetch(srv.base + url, { headers: { Authorization: 'Bearer ' + c.token } });
  assert.equal(r.status, 200, url);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const file = path.join(env.dir, name);
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  return { file, text: execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }), fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' }) };
}

test('the money of each nominee: the multiple × the base salary in force on the decision\'s date, "not loaded" where it is not', async () => {
  const d = await decide(admin, [
    { person_code: 'TT-001', award: 'LDTT' },
    { unit_code: 'W-THU', award: 'TTLDXS' },
    { person_code: 'TT-002', award: 'BK_BO_TINH' },
  ], { year: null });
  assert.equal(d.status, 'issued');
  assert.equal(d.authority_code, 'T-THU');
  assert.equal(d.authority_name, 'Tỉnh Thử');
  assert.equal(d.place, 'Thử');
  assert.equal(d.year, 2024);
  assert.deepEqual(d.nominees.map((x) => [x.position, x.subject, x.recipient_code, x.award, x.bonus_vnd, x.bonus]), [
    [1, 'person', 'TT-001', 'LDTT', 702000, 'loaded'],          // 0.3 × 2 340 000
    [2, 'collective', 'W-THU', 'TTLDXS', 3510000, 'loaded'],    // 1.5 × 2 340 000
    [3, 'person', 'TT-002', 'BK_BO_TINH', null, 'not_loaded'],
  ]);
  assert.equal(d.total_vnd, 702000 + 3510000);
  assert.equal(d.not_loaded, 1);
  assert.equal(d.nominees[0].recipient_detail, 'Chuyên viên, Phường Thử Nghiệm');
  for (const x of d.nominees) {
    assert.match(x.certificate_code, /^[A-Z2-7]{20}$/);
    assert.equal(x.verify_url, `${srv.base}/verify/${x.certificate_code}`);
  }
  // the day before the base salary rose: 0.3 × 1 800 000
  const early = await decide(admin, [{ person_code: 'TT-003', award: 'LDTT' }], { date: '2024-06-30' });
  assert.equal(early.nominees[0].bonus_vnd, 540000);
  assert.equal(early.total_vnd, 540000);
  const list = await admin.get('/api/v1/decisions?authority=T-THU');
  assert.equal(list.status, 200);
  assert.ok(list.data.items.some((x) => x.id === d.id && x.nominees_count === 3 && !('nominees' in x)));
});

test('a decision makes the award records (kind title, its number, date, authority); they go only with the decision', async () => {
  const d = await decide(admin, [{ person_code: 'TT-003', award: 'CSTDCS' }], { date: '2024-12-20', number: '777/QĐ-UBND', year: null });
  const r = await admin.get('/api/v1/achievements?person=TT-003&year=2024');
  const rec = r.data.items.find((x) => x.value === 'CSTDCS');
  assert.ok(rec, r.text);
  assert.deepEqual([rec.kind, rec.decision_no, rec.decided_on, rec.authority, rec.year], ['title', '777/QĐ-UBND', '2024-12-20', 'Tỉnh Thử', 2024]);
  assert.equal(d.nominees[0].achievement_id, rec.id);
  const del = await admin.req('DELETE', `/api/v1/achievements/${rec.id}?version=${rec.version}`);
  // a record a decision made goes with revoking the decision: said so (was "outside the units you may work on")
  assert.equal(del.status, 409);
  assert.deepEqual([del.data.error.code, del.data.error.message], ['state', 'Bản ghi này do một quyết định tạo ra: chỉ bị xóa khi thu hồi quyết định đó']);
  // the same award for the same year again is refused for that nominee, and nothing is written
  const before = (await admin.get('/api/v1/decisions')).data.total;
  const again = await admin.post('/api/v1/decisions', {
    json: { authority_code: 'T-THU', number: '778/QĐ-UBND', date: '2024-12-21', signer: 'A', signer_title: 'Chủ tịch',
      nominees: [{ person_code: 'TT-001', award: 'GK' }, { person_code: 'TT-003', award: 'CSTDCS' }] },
  });
  assert.equal(again.status, 422, again.text);
  assert.ok(again.data.error.fields['nominees[1]'], again.text);
  assert.equal((await admin.get('/api/v1/decisions')).data.total, before);
});

test('bad decisions are refused per field: unknown codes, awards, a future date, a number used twice', async () => {
  const bad = await admin.post('/api/v1/decisions', {
    json: { authority_code: 'T-THU', number: '900/QĐ-UBND', date: '2099-01-01', signer: 'A', signer_title: 'Chủ tịch',
      nominees: [{ person_code: 'NO-SUCH', award: 'LDTT' }, { person_code: 'TT-001', award: 'NOPE' }, { unit_code: 'W-THU', award: 'LDTT' }] },
  });
  assert.equal(bad.status, 422, bad.text);
  const f = bad.data.error.fields;
  assert.equal(f.date, 'Không thể ghi ngày quyết định ở tương lai');
  assert.equal(f['nominees[0]'], 'Không có người nào có mã này');
  assert.equal(f['nominees[1]'], 'Không có danh hiệu, hình thức khen thưởng nào có mã này');
  const d = await decide(admin, [{ person_code: 'TT-002', award: 'GK' }]);
  const dup = await admin.post('/api/v1/decisions', {
    json: { authority_code: 'T-THU', number: d.number, date: '2024-07-15', signer: 'A', signer_title: 'Chủ tịch', nominees: [{ person_code: 'TT-001', award: 'CSTDCS' }] },
  });
  assert.equal(dup.status, 422);
  assert.equal(dup.data.error.fields.number, 'Cơ quan này đã có quyết định mang số này');
  const none = await admin.post('/api/v1/decisions', { json: { authority_code: 'T-THU', number: '901', date: '2024-07-15', signer: 'A', signer_title: 'B', nominees: [] } });
  assert.equal(none.status, 422);
  assert.ok(none.data.error.fields.nominees);
});

test('a certificate PDF carries the recipient, the award, the decision and its verification address; the QR decodes to it', async () => {
  const d = await decide(admin, [{ person_code: 'TT-001', award: 'CSTDCS' }, { unit_code: 'W-THU', award: 'TTLDXS' }], { date: '2025-01-10', year: 2023 });
  const x = d.nominees[0];
  const { text, fonts, file } = await pdfText(admin, x.certificate_url, 'cert-1.pdf');
  for (const s of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập – Tự do – Hạnh phúc', 'Nguyễn Thị Lan', 'Chiến sĩ thi đua cơ sở', d.number, 'Nguyễn Văn Ký', x.verify_url])
    assert.ok(text.includes(s), `the certificate shows ${s}:\n${text}`);
  assert.match(text, /Bà Nguyễn Thị Lan/);
  assert.match(text, /ngày 10 tháng 01 năm 2025/);
  assert.match(fonts, /NotoSerif/);
  // landscape A4
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  assert.match(info, /Page size:\s+841\.89 x 595\.2\d+ pts \(A4\)/);
  // the QR code of the page, read back as a phone would
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, path.join(env.dir, 'cert-1')]);
  const qr = execFileSync('zbarimg', ['-q', '--raw', path.join(env.dir, 'cert-1.png')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  assert.equal(qr, x.verify_url);
  // a collective's certificate; one asked in Hindi is the same Vietnamese document (what was signed)
  const col = await pdfText(admin, d.nominees[1].certificate_url, 'cert-2.pdf');
  assert.ok(col.text.includes('Phường Thử Nghiệm') && col.text.includes('Tập thể lao động xuất sắc'), col.text);
  const hi = await pdfText(admin, x.certificate_url + '?lang=hi', 'cert-hi.pdf');
  assert.ok(hi.text.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM') && hi.text.includes('Chiến sĩ thi đua cơ sở') && hi.text.includes('TẶNG'), hi.text);
  assert.doesNotMatch(hi.fonts, /Devanagari/);
  assert.equal((await admin.get(`/api/v1/decisions/${d.id}/certificates/9.pdf`)).status, 404);
  assert.equal((await admin.get(`/api/v1/decisions/${d.id}/certificates/1.png`)).status, 404);
});

test('the decision as PDF and its list as CSV and XLSX', async () => {
  const d = await decide(admin, [{ person_code: 'TT-002', award: 'LDTT' }], { date: '2024-08-01', number: '55/QĐ-UBND' });
  const { text } = await pdfText(admin, d.pdf_url, 'decision.pdf');
  for (const s of ['55/QĐ-UBND', 'Trần Văn Bình', 'Lao động tiên tiến', '702.000', 'TỈNH THỬ']) assert.ok(text.includes(s), `${s} in:\n${text}`);
  const csv = await admin.get(d.export_url + '?format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition'), /filename="55-qd-ubnd\.csv"/);
  assert.match(csv.text, /Trần Văn Bình/);
  assert.match(csv.text, /702000/);
  assert.ok(csv.text.includes(d.nominees[0].verify_url));
  const xlsx = await fetch(srv.base + d.export_url, { headers: { Authorization: 'Bearer ' + admin.token } });
  assert.equal(xlsx.status, 200);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString('latin1'), 'PK');
  assert.equal((await admin.get(d.export_url + '?format=ods')).status, 422);
});

test('verification: valid; a record changed in the database is invalid with the reason; a forged code is unknown', async () => {
  const d = await decide(admin, [{ person_code: 'TT-002', award: 'CSTDCS' }], { date: '2024-09-09' });
  const code = d.nominees[0].certificate_code;
  let v = await verify(code);
  assert.equal(v.status, 'valid', JSON.stringify(v));
  assert.equal(v.reason, null);
  assert.deepEqual([v.award.recipient, v.award.award, v.award.decision, v.award.authority_code], ['Trần Văn Bình', 'CSTDCS', d.number, 'T-THU']);
  // as typed from the paper: dashes, small letters
  assert.equal((await verify(code.toLowerCase().replace(/(.{4})(?!$)/g, '$1-'))).status, 'valid');
  const page = await new Client(srv.base).get('/verify/' + code);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-status="valid"/);
  assert.match(page.text, /<b>Hợp lệ<\/b>/);
  assert.match(page.text, /Trần Văn Bình/);
  // someone renames the recipient behind the product's back
  sql(env.db, `UPDATE decision_nominees SET recipient_name = 'Trần Văn Bính' WHERE cert_code = '${code}'`);
  v = await verify(code);
  assert.equal(v.status, 'invalid');
  assert.deepEqual(v.changed, ['recipient']);
  assert.equal(v.reason, 'Dữ liệu trong cơ sở dữ liệu đã bị sửa sau khi ký');
  assert.equal(v.award.recipient, 'Trần Văn Bính');
  assert.equal(v.signed.recipient, 'Trần Văn Bình');
  const bad = await new Client(srv.base).get('/verify/' + code);
  assert.match(bad.text, /data-status="invalid"/);
  assert.match(bad.text, /Trần Văn Bình/);
  sql(env.db, `UPDATE decision_nominees SET recipient_name = 'Trần Văn Bình' WHERE cert_code = '${code}'`);
  assert.equal((await verify(code)).status, 'valid');
  // the award record itself upgraded
  sql(env.db, `UPDATE achievements SET value = 'CSTD_BO_TINH' WHERE id = ${d.nominees[0].achievement_id}`);
  v = await verify(code);
  assert.deepEqual([v.status, v.changed], ['invalid', ['award']]);
  sql(env.db, `UPDATE achievements SET value = 'CSTDCS' WHERE id = ${d.nominees[0].achievement_id}`);
  // a signature copied from another certificate
  const other = await decide(admin, [{ person_code: 'TT-001', award: 'GK' }], { date: '2024-09-10' });
  sql(env.db, `UPDATE decision_nominees SET signature = (SELECT signature FROM decision_nominees WHERE cert_code = '${other.nominees[0].certificate_code}') WHERE cert_code = '${code}'`);
  v = await verify(code);
  assert.equal(v.status, 'invalid');
  assert.equal(v.reason, 'Chữ ký số không khớp với nội dung đã ký');
  // forged and malformed codes
  assert.equal((await verify('ABCDEFGHIJKLMNOPQRST')).status, 'unknown');
  const junk = await verify('not-a-code');
  assert.deepEqual([junk.status, junk.award], ['unknown', null]);
  const unknownPage = await new Client(srv.base).get('/verify/ABCDEFGHIJKLMNOPQRST');
  assert.match(unknownPage.text, /data-status="unknown"/);
  // the page to type a code has its heading too
  const form = await new Client(srv.base).get('/verify');
  assert.equal(form.status, 200);
  assert.match(form.text, /<h1>Kiểm tra bằng, giấy khen<\/h1>\n<form method="get" action="\/verify" class="card" id="verify-form">/);
});

test('the published key and the documented payload: the signature checks with node\'s own Ed25519', async () => {
  const d = await decide(admin, [{ person_code: 'TT-001', award: 'LDTT' }], { date: '2024-10-01', number: '88 /  QĐ-UBND' });
  const x = d.nominees[0];
  const keys = await new Client(srv.base).get('/verify/keys');
  assert.equal(keys.status, 200);
  const k = keys.data.items.find((i) => i.unit_code === 'T-THU');
  assert.ok(k, keys.text);
  assert.equal(k.key_id, x.key_id);
  assert.equal(k.key_id, crypto.createHash('sha256').update(Buffer.from(k.public_key, 'base64')).digest('hex').slice(0, 16));
  // docs/ARCHITECTURE.md, "The signing scheme": one field a line, spaces collapsed
  const payload = ['thidua-certificate/2', `code=${x.certificate_code}`, 'recipient=Nguyễn Thị Lan', 'recipient_code=TT-001', 'award=LDTT',
    'award_name=Lao động tiên tiến', 'decision=88 / QĐ-UBND', 'decided_on=2024-10-01', 'authority=Tỉnh Thử', `year=${d.year}`,
    'signer_title=Chủ tịch', 'signer=Nguyễn Văn Ký', ''].join('\n');
  assert.equal(sql(env.db, `SELECT payload FROM decision_nominees WHERE cert_code = '${x.certificate_code}'`), payload.trim());
  const sig = Buffer.from(sql(env.db, `SELECT signature FROM decision_nominees WHERE cert_code = '${x.certificate_code}'`), 'base64');
  const pub = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(k.public_key, 'base64')]), format: 'der', type: 'spki' });
  assert.ok(crypto.verify(null, Buffer.from(payload), pub, sig));
  // the secret half is not in the database in the clear
  const sealed = sql(env.db, `SELECT secret_box FROM signing_keys WHERE key_id = '${k.key_id}'`);
  assert.equal(Buffer.from(sealed, 'base64').length, 24 + 32 + 16);
});

test('revocation: the version and a reason are needed; the award records go; verification says revoked with the reason', async () => {
  const d = await decide(admin, [{ person_code: 'TT-003', award: 'GK' }], { date: '2024-11-11' });
  const code = d.nominees[0].certificate_code;
  const noReason = await admin.post(`/api/v1/decisions/${d.id}/revoke`, { json: { version: d.version } });
  assert.equal(noReason.status, 422);
  const stale = await admin.post(`/api/v1/decisions/${d.id}/revoke`, { json: { reason: 'Nhầm đối tượng', version: d.version + 5 } });
  assert.equal(stale.status, 409);
  assert.equal(stale.data.error.code, 'conflict');
  const ok = await admin.post(`/api/v1/decisions/${d.id}/revoke`, { json: { reason: 'Nhầm đối tượng', version: d.version } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.data.status, ok.data.revoke_reason, ok.data.version, ok.data.nominees[0].achievement_id], ['revoked', 'Nhầm đối tượng', d.version + 1, null]);
  const recs = await admin.get(`/api/v1/achievements?person=TT-003&year=${d.year}`);
  assert.ok(!recs.data.items.some((x) => x.value === 'GK'), recs.text);
  const v = await verify(code);
  assert.deepEqual([v.status, v.detail, v.reason], ['revoked', 'Nhầm đối tượng', 'Quyết định đã bị thu hồi']);
  assert.equal(v.award.recipient, 'Lê Thị Hoa');
  const page = await new Client(srv.base).get('/verify/' + code);
  assert.match(page.text, /data-status="revoked"/);
  assert.match(page.text, /Nhầm đối tượng/);
  const again = await admin.post(`/api/v1/decisions/${d.id}/revoke`, { json: { reason: 'Lần nữa', version: d.version + 1 } });
  assert.equal(again.status, 409);
  assert.equal(again.data.error.code, 'state');
  // the certificate of a revoked decision still downloads, marked so
  const { text } = await pdfText(admin, d.nominees[0].certificate_url, 'revoked.pdf');
  assert.match(text, /Đã thu hồi: Nhầm đối tượng/);
});

test('thidua verify: exit 0 and "valid" only for a valid certificate', async () => {
  const d = await decide(admin, [{ person_code: 'TT-001', award: 'GK' }], { date: '2024-11-20' });
  const code = d.nominees[0].certificate_code;
  let r = thidua(['verify', '--db', env.db, code]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^valid\n/);
  assert.match(r.stdout, /recipient\s+Nguyễn Thị Lan/);
  r = thidua(['verify', '--db', env.db, d.nominees[0].verify_url]);
  assert.equal(r.code, 0, 'the whole address is read too');
  // an officer corrects the civil servant's code: the certificate, which
  // prints the code decided, stays valid
  sql(env.db, `UPDATE people SET code = 'TT-001X' WHERE code = 'TT-001'`);
  r = thidua(['verify', '--db', env.db, code]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /recipient_code\s+TT-001\n/);
  sql(env.db, `UPDATE people SET code = 'TT-001' WHERE code = 'TT-001X'`);
  // the nominee's code rewritten behind the product's back
  sql(env.db, `UPDATE decision_nominees SET recipient_code = 'X' WHERE cert_code = '${code}'`);
  r = thidua(['verify', '--db', env.db, code]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^invalid: The record in the database was changed after it was signed: recipient_code/);
  sql(env.db, `UPDATE decision_nominees SET recipient_code = 'TT-001' WHERE cert_code = '${code}'`);
  assert.equal(thidua(['verify', '--db', env.db, code]).code, 0);
  // the award record moved to another person: that one's code shows, and differs
  const rec = sql(env.db, `SELECT achievement_id FROM decision_nominees WHERE cert_code = '${code}'`);
  const lan = sql(env.db, `SELECT person_id FROM achievements WHERE id = ${rec}`);
  sql(env.db, `UPDATE achievements SET person_id = (SELECT id FROM people WHERE code = 'TT-002') WHERE id = ${rec}`);
  r = thidua(['verify', '--db', env.db, code]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^invalid: The record in the database was changed after it was signed: recipient_code/);
  assert.match(r.stdout, /TT-002/);
  sql(env.db, `UPDATE achievements SET person_id = ${lan} WHERE id = ${rec}`);
  assert.equal(thidua(['verify', '--db', env.db, code]).code, 0);
  r = thidua(['verify', '--db', env.db, 'ABCDEFGHIJKLMNOPQRST']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^unknown: /);
  await admin.post(`/api/v1/decisions/${d.id}/revoke`, { json: { reason: 'Sai số quyết định', version: d.version } });
  r = thidua(['verify', '--db', env.db, code]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^revoked: The decision was revoked: Sai số quyết định/);
  assert.equal(thidua(['verify', '--db', env.db]).code, 2);
});

test('rights: deciding needs PERM_DECIDE over the authority; reading, a role over it', async () => {
  const rep = await as('thu.reporter');
  const r1 = await rep.post('/api/v1/decisions', { json: { authority_code: 'T-THU', number: 'R1', date: '2024-07-15', signer: 'A', signer_title: 'B', nominees: [{ person_code: 'TT-001', award: 'GK' }] } });
  assert.equal(r1.status, 403);
  const khac = await as('khac.officer');
  const r2 = await khac.post('/api/v1/decisions', { json: { authority_code: 'T-THU', number: 'R2', date: '2024-07-15', signer: 'A', signer_title: 'B', nominees: [{ person_code: 'TT-001', award: 'GK' }] } });
  assert.equal(r2.status, 403);
  // its own authority, but a nominee outside its units: that nominee is wrong (422 on it, was a bare 403)
  const r3 = await khac.post('/api/v1/decisions', { json: { authority_code: 'T-KHAC', number: 'R3', date: '2024-07-15', signer: 'A', signer_title: 'B', nominees: [{ person_code: 'TT-001', award: 'GK' }] } });
  assert.equal(r3.status, 422, r3.text);
  assert.deepEqual(r3.data.error.fields, { 'nominees[0]': 'Người này không thuộc các đơn vị của cơ quan ban hành quyết định' });
  const mine = await khac.post('/api/v1/decisions', { json: { authority_code: 'T-KHAC', number: 'R4', date: '2024-07-15', signer: 'A', signer_title: 'B', nominees: [{ person_code: 'KH-001', award: 'GK' }] } });
  assert.equal(mine.status, 201, mine.text);
  const officer = await as('thu.officer');
  const d = await decide(officer, [{ person_code: 'TT-002', award: 'GK' }], { date: '2024-12-01' });
  assert.equal((await khac.get(`/api/v1/decisions/${d.id}`)).status, 403);
  assert.equal((await khac.get(`/api/v1/decisions/${d.id}/certificates/1.pdf`)).status, 403);
  assert.equal((await khac.post(`/api/v1/decisions/${d.id}/revoke`, { json: { reason: 'x', version: 1 } })).status, 403);
  assert.ok(!(await khac.get('/api/v1/decisions')).data.items.some((x) => x.authority_code === 'T-THU'));
  const viewer = await as('vn.viewer');
  assert.equal((await viewer.get(`/api/v1/decisions/${d.id}`)).status, 200);
  assert.equal((await viewer.post(`/api/v1/decisions/${d.id}/revoke`, { json: { reason: 'x', version: 1 } })).status, 403);
  assert.equal((await new Client(srv.base).get('/api/v1/decisions')).status, 401);
});

test('from an approved proposal: its nominees; the proposal becomes decided with a step; a stale version is 409', async () => {
  const now = new Date().toISOString().slice(0, 19) + 'Z';
  sql(env.db, `INSERT INTO proposals (code, title, search, round, year, proposer_id, holder_id, stage, version, created_at, updated_at)
    VALUES ('DX-2024-000001', 'Đề nghị khen thưởng năm 2023', 'de nghi', 'year_end', 2023, ${ward.id}, ${province.id}, 'approved', 3, '${now}', '${now}')`);
  const pid = Number(sql(env.db, "SELECT id FROM proposals WHERE code = 'DX-2024-000001'"));
  const ids = Object.fromEntries(sql(env.db, "SELECT code || '=' || id FROM people WHERE code IN ('TT-001', 'TT-002')").split('\n').map((l) => l.split('=')));
  sql(env.db, `INSERT INTO proposal_nominees (proposal_id, person_id, award_code, position) VALUES (${pid}, ${ids['TT-001']}, 'LDTT', 1), (${pid}, ${ids['TT-002']}, 'LDTT', 2)`);
  const body = { proposal_id: pid, number: '300/QĐ-UBND', date: '2025-01-15', signer: 'Nguyễn Văn Ký', signer_title: 'Chủ tịch' };
  const stale = await admin.post('/api/v1/decisions', { json: { ...body, proposal_version: 2 } });
  assert.equal(stale.status, 409, stale.text);
  const r = await admin.post('/api/v1/decisions', { json: { ...body, proposal_version: 3 } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.data.proposal_id, r.data.proposal_code, r.data.authority_code, r.data.year], [pid, 'DX-2024-000001', 'T-THU', 2023]);
  // 0.3 × 2 340 000 each
  assert.deepEqual(r.data.nominees.map((x) => [x.recipient_code, x.bonus_vnd]), [['TT-001', 702000], ['TT-002', 702000]]);
  assert.equal(sql(env.db, `SELECT stage || ' ' || version FROM proposals WHERE id = ${pid}`), 'decided 4');
  assert.equal(sql(env.db, `SELECT action || ' ' || comment FROM proposal_steps WHERE proposal_id = ${pid}`), 'decide 300/QĐ-UBND');
  const twice = await admin.post('/api/v1/decisions', { json: { ...body, number: '301/QĐ-UBND' } });
  assert.equal(twice.status, 409);
  assert.equal(twice.data.error.code, 'state');
  assert.equal((await admin.post('/api/v1/decisions', { json: { ...body, proposal_id: 999999 } })).status, 404);
});

test('the pages: the list, a decision with its money and certificate links, the form and the revoke form', async () => {
  const b = new Client(srv.base);
  const login = await b.get('/login');
  assert.equal((await b.post('/login', { form: { login: 'thu.officer', password: testPassword('thu.officer'), next: '/', _csrf: csrfOf(login.text) } })).status, 303);
  const list = await b.get('/decisions');
  assert.equal(list.status, 200);
  assert.match(list.text, /Quyết định khen thưởng/);
  assert.match(list.text, /<form method="post" action="\/decisions"/);
  const created = await b.post('/decisions', {
    form: { _csrf: csrfOf(list.text), authority_code: '', number: '400/QĐ-UBND', date: '15/08/2024', year: '2019', signer: 'Nguyễn Văn Ký', signer_title: 'Chủ tịch',
      nominees: 'TT-001 LDTT\nW-THU TTLDXS\n' },
  });
  assert.equal(created.status, 303, created.text);
  const page = await b.get(created.headers.get('location'));
  assert.equal(page.status, 200);
  assert.match(page.text, /Quyết định 400\/QĐ-UBND/);
  assert.match(page.text, /702\.000 ₫/);
  assert.match(page.text, /3\.510\.000 ₫/);
  assert.match(page.text, /4\.212\.000 ₫/);
  assert.match(page.text, /href="\/decisions\/\d+\/certificates\/1\.pdf"/);
  assert.match(page.text, /href="\/verify\/[A-Z2-7]{20}"/);
  const bad = await b.post('/decisions', { form: { _csrf: csrfOf(list.text), authority_code: '', number: '400/QĐ-UBND', date: '15/08/2024', signer: 'A', signer_title: 'B', nominees: 'NOPE LDTT' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /Không có người hoặc đơn vị nào có mã này/);
  const id = created.headers.get('location').split('/').pop();
  const rv = await b.post(`/decisions/${id}/revoke`, { form: { _csrf: csrfOf(page.text), version: '1', reason: 'Ban hành nhầm' } });
  assert.equal(rv.status, 303);
  const after = await b.get(`/decisions/${id}`);
  assert.match(after.text, /Ban hành nhầm/);
  assert.doesNotMatch(after.text, /action="\/decisions\/\d+\/revoke"/);
  // the public page in English and Hindi
  const hi = await new Client(srv.base).get('/verify/ABCDEFGHIJKLMNOPQRST', { headers: { Cookie: 'lang=hi' } });
  assert.match(hi.text, /अज्ञात/);
});

test('the page form chooses the authority, the movement and the nominees with pickers: no code typed', async () => {
  const b = new Client(srv.base);
  const login = await b.get('/login');
  assert.equal((await b.post('/login', { form: { login: 'thu.officer', password: testPassword('thu.officer'), next: '/', _csrf: csrfOf(login.text) } })).status, 303);
  const list = await b.get('/decisions');
  const thu = sql(env.db, `SELECT id FROM units WHERE code = 'T-THU'`);
  // the authority picker, preselected on the officer's own deciding unit; three nominee rows of pickers and award choices
  assert.match(list.text, new RegExp(`name="authority_id"[^>]*>[\\s\\S]*?<option value="${thu}" selected`));
  for (const i of [0, 1, 2]) {
    assert.match(list.text, new RegExp(`name="n${i}_person_id"`));
    assert.match(list.text, new RegExp(`name="n${i}_unit_id"`));
    assert.match(list.text, new RegExp(`<select id="f-n${i}_award" name="n${i}_award">`));
  }
  assert.match(list.text, /<option value="LDTT">Lao động tiên tiến<\/option>/);
  assert.doesNotMatch(list.text, /name="authority_code"/);
  // more rows: the form again with what was typed, nothing issued
  const more = await b.post('/decisions', { form: { _csrf: csrfOf(list.text), rows: '3', more: '1', number: '401/QĐ-UBND', n0_award: 'LDTT' } });
  assert.equal(more.status, 200);
  assert.match(more.text, /name="n5_person_id"/);
  assert.doesNotMatch(more.text, /name="n6_person_id"/);
  assert.match(more.text, /<option value="LDTT" selected>/);
  assert.equal(sql(env.db, `SELECT count(*) FROM decisions WHERE number = '401/QĐ-UBND'`), '0');
  const person = sql(env.db, `SELECT id FROM people WHERE code = 'TT-001'`);
  const unit = sql(env.db, `SELECT id FROM units WHERE code = 'W-THU'`);
  const mv = sql(env.db, `SELECT id FROM movements ORDER BY id LIMIT 1`);
  const form = { _csrf: csrfOf(list.text), rows: '3', authority_id: String(thu), number: '401/QĐ-UBND', date: '16/08/2024', year: '2019',
    signer: 'Nguyễn Văn Ký', signer_title: 'Chủ tịch', n0_person_id: String(person), n0_award: 'LDTT', n1_unit_id: String(unit), n1_award: 'TTLDXS',
    n2_person_id: '', n2_unit_id: '', n2_award: '' };
  if (mv) form.movement_id = String(mv);
  // a row with a collective and no award: refused naming the collective, nothing issued
  const bad = await b.post('/decisions', { form: { ...form, n1_award: '' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<li>Phường Thử Nghiệm: Chọn hình thức khen thưởng<\/li>/);
  // what was typed stays: the year
  assert.match(bad.text, /<input id="f-year" name="year" inputmode="numeric"[^>]* value="2019"/);
  const created = await b.post('/decisions', { form });
  assert.equal(created.status, 303, created.text);
  const id = created.headers.get('location').split('/').pop();
  const d = (await admin.get(`/api/v1/decisions/${id}`)).data;
  assert.deepEqual(d.nominees.map((x) => [x.recipient_code, x.award]), [['TT-001', 'LDTT'], ['W-THU', 'TTLDXS']]);
  assert.equal(d.authority_code, 'T-THU');
});

test('a copy of the database without its master key serves and verifies, but issues nothing (409 with the reason)',
  { skip: onPg && 'a PostgreSQL database has no key file beside it (its master key comes from --keys or THIDUA_MASTER_KEY)' }, async () => {
  const copy = path.join(env.dir, 'copy.db');
  const b = thidua(['backup', copy, '--db', env.db]);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(!fs.existsSync(copy + '.key'));
  const s = await startServer(copy);
  try {
    assert.match(s.log(), /the master key .*copy\.db\.key is missing/);
    const c = new Client(s.base);
    await c.login('admin', env.adminPassword);
    const r = await c.post('/api/v1/decisions', { json: { authority_code: 'T-THU', number: 'COPY-1', date: '2024-07-15', signer: 'A', signer_title: 'B', nominees: [{ person_code: 'TT-002', award: 'GK' }], year: 1980 } });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.data.error.code, 'state');
    assert.match(r.data.error.message, /khóa chủ/);
    const code = sql(copy, "SELECT n.cert_code FROM decision_nominees n JOIN decisions d ON d.id = n.decision_id WHERE d.status = 'issued' ORDER BY n.id LIMIT 1");
    assert.equal((await new Client(s.base).get('/api/v1/verify/' + code)).data.status, 'valid');
  } finally {
    await s.stop();
  }
  assert.ok(!fs.existsSync(copy + '.key'), 'no new key was made for it');
});

test('every change is in the audit log, whose chain holds', async () => {
  const rows = sql(env.db, "SELECT action || ' ' || entity FROM audit_log WHERE entity IN ('decision', 'signing_key', 'proposal') ORDER BY id").split('\n');
  assert.ok(rows.includes('create signing_key'));
  assert.ok(rows.includes('create decision'));
  assert.ok(rows.includes('revoke decision'));
  assert.ok(rows.includes('decide proposal'));
  const r = thidua(['audit', 'verify', '--db', env.db]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('seed 002: the chairman of Sơn La\'s People\'s Committee awards the Bằng khen to 12 collectives and 15 individuals, every certificate valid', async () => {
  const demo = makeDb({ demo: true });
  const s = await startServer(demo.db);
  try {
    const c = new Client(s.base);
    await c.login('sonla.officer', demo.demoUsers['sonla.officer'].password);
    const list = await c.get('/api/v1/decisions?authority=T-SONLA');
    assert.equal(list.data.total, 1, list.text);
    const d = (await c.get(`/api/v1/decisions/${list.data.items[0].id}`)).data;
    assert.deepEqual([d.number, d.decided_on, d.authority_name, d.signer_title, d.movement_code], ['3125/QĐ-UBND', '2025-12-26', 'Ủy ban nhân dân tỉnh Sơn La', 'Chủ tịch', 'SL-CDS-2025']);
    assert.equal(d.nominees.filter((x) => x.subject === 'collective').length, 12);
    assert.equal(d.nominees.filter((x) => x.subject === 'person').length, 15);
    assert.ok(d.nominees.every((x) => x.award === 'BK_BO_TINH' && x.bonus === 'not_loaded'));
    assert.deepEqual([d.total_vnd, d.not_loaded], [0, 27]);
    assert.ok(d.nominees.some((x) => x.recipient_name === 'Sở Thông tin và Truyền thông'));
    assert.ok(d.nominees.some((x) => x.recipient_name === 'Lò Văn Thắng'));
    for (const x of d.nominees) {
      const v = await new Client(s.base).get('/api/v1/verify/' + x.certificate_code);
      assert.equal(v.data.status, 'valid', `${x.recipient_name}: ${v.text}`);
    }
    const r = thidua(['verify', '--db', demo.db, d.nominees[26].certificate_code]);
    assert.equal(r.code, 0, r.stdout);
  } finally {
    await s.stop();
  }
});
