// Proposals, as the demo's administrator meets them: a nominee's
// eligibility badge, the export and the API say what the conditions under
// them say — asked now while the proposal is open (a record deleted or
// added since the last step counts), as recorded once it is decided; the
// new-proposal form keeps an invalid year as typed and lists every error;
// the system user is named in the reader's language in the history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeDb, startServer, Client, dbDir } from '../lib/server.mjs';
import { csrfOf, mkPerson, sql, thiduaAsync } from './_util.mjs';

let env, srv, admin;
const en = { headers: { 'Accept-Language': 'en' } };
const hi = { headers: { 'Accept-Language': 'hi' } };

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

async function browser() {
  const b = new Client(srv.base);
  const page = await b.get('/login');
  const r = await b.post('/login', { form: { login: 'admin', password: env.adminPassword, next: '/', _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303);
  return b;
}

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };
const unitId = async (code) => ok(await admin.get('/api/v1/units?q=' + encodeURIComponent(code))).items.find((u) => u.code === code).id;

// Quảng Yên's draft of the demo: Nguyễn Thị Thu Hà (QY-PNV-001) and Trần Văn Minh (QY-PNV-002) for Chiến sĩ thi đua cấp tỉnh 2023
async function qyDraft() {
  const list = ok(await admin.get(`/api/v1/proposals?proposer=${await unitId('QN-QUANGYEN')}&year=2023`));
  return list.items.find((x) => x.title.startsWith('Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh')).id;
}

// a nominee's row of the proposal's page: its badge (the text of the first
// span.badge of the eligibility cell) and its conditions (✓/✗/? and the text)
function rowOf(html, name) {
  const rows = html.split('<tr>').slice(1);
  const row = rows.find((r) => r.includes(`>${name}</a>`));
  assert.ok(row, `no row for ${name}`);
  const badge = row.match(/<span class="badge(?: ok| late)?">([^<]*)<\/span>/)[1];
  const conditions = [...row.matchAll(/<li class="(?:met|unmet|manual)">([✓✗?]) ([^<]*)/g)].map((m) => `${m[1]} ${m[2]}`);
  return { badge, conditions };
}

// the nominees' lines of the proposal's CSV export: name → eligibility column
async function exported(id, opts) {
  const r = await admin.get(`/proposals/${id}/export?format=csv`, opts);
  assert.equal(r.status, 200);
  const out = {};
  for (const cells of csvRows(r.text).slice(1)) out[cells[1]] = cells[5];
  return out;
}

// the rows of a CSV text (quoted cells with "" for a quote, no newline in a cell here)
function csvRows(text) {
  return text.replace(/^\uFEFF/, '').trim().split(/\r?\n/)
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')));
}

async function record(code, year, value) {
  const items = ok(await admin.get(`/api/v1/achievements?person=${code}&year=${year}`)).items;
  return items.find((x) => x.kind === 'title' && x.value === value);
}

test('a deleted record: Thu Hà\'s badge, export and API say "not eligible", as her conditions do, on the page and in the API', async () => {
  const id = await qyDraft();
  let page = await admin.get(`/proposals/${id}`);
  assert.equal(rowOf(page.text, 'Nguyễn Thị Thu Hà').badge, 'đủ điều kiện');
  // "Xóa" on her record Chiến sĩ thi đua cơ sở 2022 (52/QĐ-UBND)
  const rec = await record('QY-PNV-001', 2022, 'CSTDCS');
  assert.equal(rec.decision_no, '52/QĐ-UBND');
  assert.equal((await admin.req('DELETE', `/api/v1/achievements/${rec.id}?version=${rec.version}`)).status, 204);
  try {
    await deletedRecordSeen(id);
  } finally { // her record back, for the other tests
    const again = await admin.post('/api/v1/achievements', {
      json: { person_code: 'QY-PNV-001', year: 2022, kind: 'title', value: 'CSTDCS', decision_no: rec.decision_no, decided_on: rec.decided_on, authority: rec.authority },
    });
    assert.equal(again.status, 201, again.text);
  }
});

async function deletedRecordSeen(id) {
  const page = await admin.get(`/proposals/${id}`);
  const ha = rowOf(page.text, 'Nguyễn Thị Thu Hà');
  assert.equal(ha.badge, 'chưa đủ điều kiện');
  assert.equal(ha.conditions[0], '✗ Chiến sĩ thi đua cơ sở — 3 năm liên tục, 2021–2023');
  assert.match(page.text, /Chiến sĩ thi đua cơ sở: chưa có năm 2022/);
  assert.deepEqual(await exported(id), { 'Nguyễn Thị Thu Hà': 'chưa đủ điều kiện', 'Trần Văn Minh': 'chưa đủ điều kiện' });
  assert.deepEqual(await exported(id, en), { 'Nguyễn Thị Thu Hà': 'not eligible', 'Trần Văn Minh': 'not eligible' });

  const api = ok(await admin.get(`/api/v1/proposals/${id}`));
  const n = api.nominees.find((x) => x.person_code === 'QY-PNV-001');
  assert.equal(n.verdict, 'ineligible');
  assert.equal(n.eligibility.verdict, 'ineligible');
  assert.deepEqual(n.eligibility.conditions[0].facts, ['Đạt năm 2021, 2023', 'Chiến sĩ thi đua cơ sở: chưa có năm 2022']);
  // the API answers in the reader's language, as GET /api/v1/eligibility does
  const apiEn = ok(await admin.get(`/api/v1/proposals/${id}`, en));
  assert.deepEqual(apiEn.nominees.find((x) => x.person_code === 'QY-PNV-001').eligibility.conditions[0].facts,
    ['Held in 2021, 2023', 'Grassroots Emulation Fighter missing for 2022']);
}

test('an added record: Trần Văn Minh\'s badge, export and API say "eligible", as /eligibility does', async () => {
  const id = await qyDraft();
  let page = await admin.get(`/proposals/${id}`);
  assert.equal(rowOf(page.text, 'Trần Văn Minh').badge, 'chưa đủ điều kiện');
  const add = await admin.post('/api/v1/achievements', {
    json: { person_code: 'QY-PNV-002', year: 2022, kind: 'title', value: 'CSTDCS', decision_no: '52/QĐ-UBND', decided_on: '2022-12-20', authority: 'UBND thị xã Quảng Yên' },
  });
  assert.equal(add.status, 201, add.text);
  try {
    await addedRecordSeen(id);
  } finally { // his gap in 2022 back, for the other tests
    assert.equal((await admin.req('DELETE', `/api/v1/achievements/${add.data.id}?version=${add.data.version}`)).status, 204);
  }
});

async function addedRecordSeen(id) {
  const page = await admin.get(`/proposals/${id}`);
  const minh = rowOf(page.text, 'Trần Văn Minh');
  assert.equal(minh.badge, 'đủ điều kiện');
  assert.deepEqual(minh.conditions, ['✓ Chiến sĩ thi đua cơ sở — 3 năm liên tục, 2021–2023', '✓ Có sáng kiến được công nhận cấp bộ, tỉnh trở lên — ít nhất một lần trong 2021–2023']);
  assert.deepEqual(await exported(id), { 'Nguyễn Thị Thu Hà': 'đủ điều kiện', 'Trần Văn Minh': 'đủ điều kiện' });
  const api = ok(await admin.get(`/api/v1/proposals/${id}`));
  assert.deepEqual(api.nominees.map((x) => [x.person_code, x.verdict, x.eligibility.verdict]),
    [['QY-PNV-001', 'eligible', 'eligible'], ['QY-PNV-002', 'eligible', 'eligible']]);
  const elig = ok(await admin.get('/api/v1/eligibility?award=CSTD_BO_TINH&person=QY-PNV-002&year=2023&date=2025-06-01'));
  assert.equal(elig.verdict, 'eligible');
}

test('a decided proposal keeps the eligibility recorded when it was approved, badge and conditions alike, though the award it gave is now held', async () => {
  // a person of Quảng Yên's Phòng Nội vụ with Thu Hà's records: Chiến sĩ thi đua cơ sở 2021–2023, an initiative of provincial effect in 2023
  const pnv = await unitId('QY-PNV');
  const who = await mkPerson(admin, { code: 'QY-PNV-901', full_name: 'Đinh Thị Quyết', gender: 'F', unit_id: pnv });
  for (const [year, kind, value] of [[2021, 'title', 'CSTDCS'], [2022, 'title', 'CSTDCS'], [2023, 'title', 'CSTDCS'], [2023, 'initiative', 'province']])
    ok(await admin.post('/api/v1/achievements', { json: { person_code: who.code, year, kind, value } }), 201);
  let p = ok(await admin.post('/api/v1/proposals', { json: { title: 'Đề nghị tặng Chiến sĩ thi đua cấp tỉnh năm 2023 (đã quyết định)', round: 'year_end', year: 2023, proposer_code: 'QN-QUANGYEN' } }), 201);
  p = ok(await admin.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: who.code, award: 'CSTD_BO_TINH', version: p.version } }), 201);
  for (const action of ['submit', 'approve', 'approve', 'approve'])
    p = ok(await admin.post(`/api/v1/proposals/${p.id}/steps`, { json: { action, version: p.version } }));
  assert.equal(p.stage, 'approved');
  const d = await admin.post('/api/v1/decisions', { json: { proposal_id: p.id, number: '77/QĐ-UBND', date: '2024-03-20', signer: 'Nguyễn Văn Ký', signer_title: 'Chủ tịch' } });
  assert.equal(d.status, 201, d.text);
  // asked now, she holds the award for 2023: not eligible; the decision was taken on what the steps recorded
  assert.equal(ok(await admin.get(`/api/v1/eligibility?award=CSTD_BO_TINH&person=${who.code}&year=2023&date=2025-06-01`)).verdict, 'ineligible');
  const api = ok(await admin.get(`/api/v1/proposals/${p.id}`));
  assert.equal(api.stage, 'decided');
  assert.deepEqual(api.nominees.map((x) => [x.verdict, x.eligibility.verdict]), [['eligible', 'eligible']]);
  const page = await admin.get(`/proposals/${p.id}`);
  const row = rowOf(page.text, 'Đinh Thị Quyết');
  assert.equal(row.badge, 'đủ điều kiện');
  assert.deepEqual(row.conditions, ['✓ Chiến sĩ thi đua cơ sở — 3 năm liên tục, 2021–2023', '✓ Có sáng kiến được công nhận cấp bộ, tỉnh trở lên — ít nhất một lần trong 2021–2023']);
  assert.doesNotMatch(page.text, /Đã được tặng cho năm 2023/);
  // the check's time (UTC) as a date on the office's clock (+07:00)
  const at = sql(env.db, `SELECT checked_at FROM proposal_nominees WHERE proposal_id = ${p.id}`);
  const checked = new Date(Date.parse(at) + 7 * 3600e3).toISOString().slice(0, 10).split('-');
  assert.match(page.text, new RegExp(`<small class="checked-on">Kiểm tra ngày ${checked[2]}/${checked[1]}/${checked[0]}</small>`));
  assert.deepEqual(await exported(p.id), { 'Đinh Thị Quyết': 'đủ điều kiện' });
  // the recorded answer in the reader's language: English and Hindi readers do not get the office's Vietnamese
  const pageEn = rowOf((await admin.get(`/proposals/${p.id}`, en)).text, 'Đinh Thị Quyết');
  assert.equal(pageEn.badge, 'eligible');
  assert.deepEqual(pageEn.conditions, ['✓ Grassroots Emulation Fighter — 3 consecutive years, 2021–2023', '✓ An initiative recognised at the ministry or province level or higher — at least once in 2021–2023']);
  const pageHi = rowOf((await admin.get(`/proposals/${p.id}`, hi)).text, 'Đinh Thị Quyết');
  assert.deepEqual(pageHi.conditions, ['✓ जमीनी स्तर का अनुकरण योद्धा — लगातार 3 वर्ष, 2021–2023', '✓ मंत्रालय या प्रांत स्तर या उससे ऊपर मान्यता प्राप्त पहल — 2021–2023 में कम से कम एक बार']);
  const apiEn = ok(await admin.get(`/api/v1/proposals/${p.id}`, en));
  assert.deepEqual(apiEn.nominees[0].eligibility.conditions.map((c) => c.text), ['Grassroots Emulation Fighter — 3 consecutive years, 2021–2023', 'An initiative recognised at the ministry or province level or higher — at least once in 2021–2023']);
});

test('the new-proposal form keeps an invalid year as typed and lists every error at its top', async () => {
  const b = await browser();
  const form = await b.get('/proposals/new');
  const r = await b.post('/proposals', {
    form: { _csrf: csrfOf(form.text), proposer_id: String(await unitId('QN-QUANGYEN')), title: '', round: 'year_end', year: '20xx', summary: 'Thành tích' },
  });
  assert.equal(r.status, 422);
  assert.match(r.text, /<input id="f-year" name="year" value="20xx" required aria-invalid="true" aria-describedby="e-year">/);
  assert.match(r.text, /<p class="field-error" id="e-year">Phải là số nguyên<\/p>/);
  const summary = r.text.match(/<div class="error-summary error-msg" role="alert" id="error-summary">([\s\S]*?)<\/div>/)[1];
  assert.deepEqual([...summary.matchAll(/<li><a href="([^"]*)">([^<]*)<\/a><\/li>/g)].map((m) => [m[1], m[2]]),
    [['#f-year', 'Năm: Phải là số nguyên'], ['#f-title', 'Tên gọi: Bắt buộc nhập']]);
  assert.match(r.text, /<textarea id="f-summary" name="summary" rows="5">Thành tích<\/textarea>/);
  // a first visit still proposes this year (on the office's clock, +07:00)
  assert.match(form.text, new RegExp(`<input id="f-year" name="year" value="${new Date(Date.now() + 7 * 3600e3).getUTCFullYear()}" required>`));
});

test('the history names the system user in the reader\'s language; the API keeps its login', async () => {
  const list = ok(await admin.get('/api/v1/proposals?year=2023&stage=board'));
  const id = list.items.find((p) => p.proposer_code === 'T-HATINH').id;
  const vi = await admin.get(`/proposals/${id}`);
  assert.match(vi.text, /<strong>đã trình<\/strong> bởi hệ thống, Tỉnh Hà Tĩnh/);
  assert.doesNotMatch(vi.text, /system/);
  const e = await admin.get(`/proposals/${id}`, en);
  assert.match(e.text, /<strong>submitted<\/strong> by the system, Tỉnh Hà Tĩnh/);
  const h = await admin.get(`/proposals/${id}`, hi);
  assert.match(h.text, /<strong>भेजा गया<\/strong> द्वारा सिस्टम, Tỉnh Hà Tĩnh/);
  assert.doesNotMatch(h.text, /\bsystem\b/);
  const api = ok(await admin.get(`/api/v1/proposals/${id}`));
  assert.deepEqual(api.steps.map((s) => [s.action, s.by]), [['submit', 'system']]);
  // a unit's history and an indicator value's: the same words
  const unit = sql(env.db, "SELECT entity_id FROM audit_log WHERE entity = 'unit' AND user_id IS NULL AND login = 'system' ORDER BY id LIMIT 1");
  const up = await admin.get(`/units/${unit}`);
  assert.equal(up.status, 200);
  assert.match(up.text, /<td>hệ thống<\/td>/);
  assert.doesNotMatch(up.text, /<td>system<\/td>/);
  // the demo's units were created by the demo loader, a unit moved by the command line names its operating-system user
  const demoUnit = sql(env.db, "SELECT entity_id FROM audit_log WHERE entity = 'unit' AND user_id IS NULL AND login = 'demo' ORDER BY id LIMIT 1");
  const du = await admin.get(`/units/${demoUnit}`);
  assert.match(du.text, /<td>dữ liệu mẫu<\/td>/);
  assert.doesNotMatch(du.text, /<td>demo<\/td>/);
  const csv = path.join(dbDir(env.db), 'cli-unit.csv');
  fs.writeFileSync(csv, 'code,name,kind,parent_code,active\nQY-CLI,Phòng Thử dòng lệnh,department,QN-QUANGYEN,1\n');
  const r = await thiduaAsync(BIN, ['import', 'units', csv, '--db', env.db]);
  assert.equal(r.code, 0, r.stderr);
  const cu = await admin.get(`/units/${await unitId('QY-CLI')}`, { headers: { 'Accept-Language': 'en' } });
  const who = process.env.USER || 'unknown';
  assert.ok(cu.text.includes(`<td>the command line (${who})</td>`), cu.text);
  const [code, uid, period] = sql(env.db, `SELECT i.code, h.unit_id, h.period FROM indicator_history h JOIN indicators i ON i.id = h.indicator_id
    WHERE h.user_id IS NULL ORDER BY h.id LIMIT 1`).split('|');
  const q = `indicator=${encodeURIComponent(code)}&unit_id=${uid}&period=${encodeURIComponent(period)}`;
  const ih = await admin.get(`/indicators/history?${q}`, hi);
  assert.equal(ih.status, 200, ih.text);
  assert.match(ih.text, /<td>सिस्टम<\/td>/);
  const ij = ok(await admin.get(`/api/v1/indicator-values/history?${q}`));
  assert.ok(ij.items.some((x) => x.user === 'system'), JSON.stringify(ij).slice(0, 300));
});
