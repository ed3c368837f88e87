// Emulation clusters (issue 11): seed 001 replayed by the demo (the six
// North Central provinces ranked, Hà Tĩnh first; the 2024 rotation Thừa
// Thiên Huế leader, Hà Tĩnh deputy; the 2024 agreement signed by all six),
// and a cluster defined, scored and ranked over the API — self-scoring
// refused, the lock and the reopen, the mean and the trimmed mean, the bias
// report on a worked example, the agreement signature failing after a
// one-character change, the sheet exported and imported, the summary files,
// and the pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, sql, loginAs } from './_util.mjs';

let env, srv, admin, officer, repA, demo, demoSrv;
const units = {};

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  units.ORG = await mkUnit(admin, 'HD-TW', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'central');
  for (const [code, name] of [['P-A', 'Tỉnh An'], ['P-B', 'Tỉnh Bình'], ['P-C', 'Tỉnh Cường'], ['P-D', 'Tỉnh Dũng']])
    units[code] = await mkUnit(admin, code, name, 'province');
  addUser(env.db, 'tw.officer', 'officer', 'HD-TW');
  addUser(env.db, 'a.reporter', 'reporter', 'P-A');
  officer = await as('tw.officer');
  repA = await as('a.reporter');
});

after(async () => {
  if (srv) await srv.stop();
  if (demoSrv) await demoSrv.stop();
});

const as = (login) => loginAs(srv.base, login);

const put = (c, p, json) => c.req('PUT', p, { json });

// a cluster of the four provinces for 2023 with one criterion T (max 100)
async function cluster(code, year = { cross_mode: 'all', method: 'mean', trim: 1 }) {
  const c = await officer.post('/api/v1/clusters', { json: { code, name: 'Cụm ' + code, kind: 'cluster', organiser_code: 'HD-TW' } });
  assert.equal(c.status, 201, c.text);
  const y = await officer.post(`/api/v1/clusters/${c.data.id}/years`, {
    json: { year: 2023, members: ['P-A', 'P-B', 'P-C', 'P-D'], leader: 'P-A', deputy: 'P-B', ...year },
  });
  assert.equal(y.status, 201, y.text);
  const s = await put(officer, `/api/v1/clusters/${c.data.id}/years/2023/criteria`, {
    version: y.data.version, criteria: [{ code: 'T', title: 'Tổng hợp', kind: 'score', max: 100, evidence: 'Báo cáo năm' }],
  });
  assert.equal(s.status, 200, s.text);
  return { id: c.data.id, base: `/api/v1/clusters/${c.data.id}/years/2023` };
}

// the worked example of tests/unit/test_clusters.c (rows: scorer; columns: target)
const example = { 'P-A': { 'P-B': 80, 'P-C': 70, 'P-D': 90 }, 'P-B': { 'P-A': 85, 'P-C': 72, 'P-D': 88 },
  'P-C': { 'P-A': 60, 'P-B': 65, 'P-D': 70 }, 'P-D': { 'P-A': 86, 'P-B': 82, 'P-C': 74 } };

async function scoreAll(base) {
  for (const [scorer, row] of Object.entries(example))
    for (const [target, points] of Object.entries(row)) {
      const r = await put(admin, base + '/scorecards', { scorer, target, kind: 'cross', points: { T: points } });
      assert.equal(r.status, 201, r.text);
      const s = await admin.post(`/api/v1/scorecards/${r.data.id}/submit`, { json: { version: r.data.version } });
      assert.equal(s.status, 200, s.text);
    }
}

// the demo's database and server, made once for the tests that read it
async function demoAdmin() {
  if (!demoSrv) {
    demo = makeDb({ demo: true });
    demoSrv = await startServer(demo.db);
  }
  const c = new Client(demoSrv.base);
  await c.login('admin', demo.adminPassword);
  return c;
}

test('seed 001: the demo ranks the six North Central provinces, Hà Tĩnh first, and rotates the leadership for 2024', async () => {
  const c = await demoAdmin();
  const list = await c.get('/api/v1/clusters');
  const cl = list.data.items.find((x) => x.code === 'CUM-BTB');
  assert.ok(cl, 'the demo has the cluster CUM-BTB');
  assert.equal(cl.organiser.code, 'HDTDKT-TW');
  assert.deepEqual(cl.years, [2024]);
  const y23 = await c.get(`/api/v1/clusters/${cl.id}/years/2023`);
  assert.equal(y23.data.leader.code, 'T-QUANGTRI');
  assert.equal(y23.data.members.length, 6);
  assert.equal(y23.data.max_total, 100);
  const k = await c.get(`/api/v1/clusters/${cl.id}/years/2023/ranking`);
  assert.equal(k.status, 200);
  assert.deepEqual(k.data.ranking.map((x) => [x.place, x.unit.code, x.total]), [
    [1, 'T-HATINH', 99.8], [2, 'T-QUANGBINH', 96.35], [3, 'T-QUANGTRI', 95.85],
    [4, 'T-THANHHOA', 93.7], [5, 'T-NGHEAN', 93.2], [6, 'T-THUATHIENHUE', 92.4],
  ]);
  assert.equal(k.data.cards_submitted, 30);
  assert.equal(k.data.ranking[0].reason, 'points');
  // Nghệ An scored the others a little harshly, Thanh Hóa a little leniently: the bias report shows it
  const bias = Object.fromEntries(k.data.bias.map((b) => [b.scorer.code, b]));
  assert.equal(bias['T-NGHEAN'].mean_difference, -1.65);
  assert.equal(bias['T-THANHHOA'].mean_difference, 1.1);
  assert.ok(bias['T-NGHEAN'].z < -2 && bias['T-THANHHOA'].z > 1.3);
  // the rotation confirmed by the council: 2024 led by Thừa Thiên Huế, Hà Tĩnh deputy
  assert.equal(y23.data.rotation.leader.code, 'T-THUATHIENHUE');
  assert.equal(y23.data.rotation.deputy.code, 'T-HATINH');
  assert.ok(y23.data.rotation.confirmed_at);
  assert.match(y23.data.rotation.note, /Cờ thi đua cho tỉnh Hà Tĩnh.*Quảng Bình và tỉnh Quảng Trị/);
  const y24 = await c.get(`/api/v1/clusters/${cl.id}/years/2024`);
  assert.deepEqual([y24.data.leader.code, y24.data.deputy.code], ['T-THUATHIENHUE', 'T-HATINH']);
  const ag = await c.get(`/api/v1/clusters/${cl.id}/years/2024/agreement`);
  assert.deepEqual(ag.data.signatures.map((s) => s.status), Array(6).fill('valid'));
  assert.match(ag.data.payload, /^thidua-agreement\/1\ncluster=CUM-BTB\n/);
  // the year's page shows the ranking in Vietnamese
  const page = await c.get(`/clusters/${cl.id}/years/2023`);
  assert.equal(page.status, 200);
  const first = page.text.match(/<table class="list" id="ranking-table" tabindex="0">[\s\S]*?<tbody>\s*<tr><td class="num">1<\/td><td>([^<]+)<\/td>\s*<td class="num">([^<]+)<\/td>/);
  assert.deepEqual([first[1], first[2]], ['Tỉnh Hà Tĩnh', '99,8']);
  // the conference summary lists the votes held at the 2023 review: Hà Tĩnh passes for the Government flag,
  // Quảng Bình and Quảng Trị for the Prime Minister's certificate
  const section = page.text.slice(page.text.indexOf('id="h-votes"'));
  const rounds = [...section.matchAll(/<h3><a href="\/votes\/(\d+)">([^<]+)<\/a>/g)].map((m) => m[2]);
  assert.deepEqual(rounds, ['Cụm thi đua các tỉnh Bắc Trung Bộ — suy tôn Cờ thi đua của Chính phủ năm 2023',
    'Cụm thi đua các tỉnh Bắc Trung Bộ — đề nghị Bằng khen của Thủ tướng Chính phủ năm 2023']);
  const passed = [...section.slice(0, section.indexOf('</section>')).matchAll(/<tr><td>([^<]+)<\/td><td class="num">(\d+)<\/td><td class="num">[^<]+<\/td><td><span class="badge passed">/g)]
    .map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(passed, [['Tỉnh Hà Tĩnh', 5], ['Tỉnh Quảng Bình', 6], ['Tỉnh Quảng Trị', 5]]);
  const votes = (await c.get('/api/v1/votes')).data.items.filter((v) => v.cluster_year_id === y23.data.id);
  assert.equal(votes.length, 2);
  // the workbook has them too
  const xlsx = await c.get(`/api/v1/clusters/${cl.id}/years/2023/summary?format=xlsx`);
  assert.equal(xlsx.status, 200);
});

test('criteria that take their points from a movement\'s results: Quảng Yên\'s 127 effective “Dân vận khéo” models and 7,366 billion VND', async () => {
  const c = await demoAdmin();
  const found = await c.get('/api/v1/clusters?q=bac%20trung%20bo');
  assert.deepEqual(found.data.items.map((x) => x.code), ['CUM-BTB']);
  const k = await c.post('/api/v1/clusters', { json: { code: 'KHOI-DVK', name: 'Khối dân vận', kind: 'bloc', organiser_code: 'VN' } });
  assert.equal(k.status, 201, k.text);
  const y = await c.post(`/api/v1/clusters/${k.data.id}/years`, { json: { year: 2024, members: ['QN-QUANGYEN', 'T-SONLA'], cross_mode: 'all' } });
  const base = `/api/v1/clusters/${k.data.id}/years/2024`;
  const bad = await c.req('PUT', base + '/criteria', { json: { version: y.data.version, criteria: [
    { code: 'R1', title: 'x', kind: 'score', max: 5, rule: { source: 'movement', movement: 'NO-SUCH', thresholds: [[1, 1]] } }] } });
  assert.equal(bad.status, 422);
  const s = await c.req('PUT', base + '/criteria', { json: { version: y.data.version, criteria: [
    { code: 'R1', title: 'Mô hình “Dân vận khéo” hiệu quả', kind: 'score', max: 5, rule: { source: 'movement', movement: 'DVK2024', thresholds: [[50, 2], [100, 4], [150, 5]] } },
    { code: 'R2', title: 'Nguồn lực huy động', kind: 'score', max: 5, rule: { source: 'movement', movement: 'DVK2024', metric: 'vnd', thresholds: [[1e9, 1], [5e9, 3], [1e10, 5]] } },
    { code: 'R3', title: 'Nhiệm vụ khoa học cấp tỉnh', kind: 'score', max: 5, rule: { source: 'indicator', indicator: 'st_tasks', thresholds: [[5, 2], [8, 5]] } },
    { code: 'M1', title: 'Tự đánh giá', kind: 'score', max: 5 },
  ] } });
  assert.equal(s.status, 200, s.text);
  // the points typed for R1 and R3 are ignored: 127 effective models reach 100 (4 points), 7,366 billion VND reach 5 billion (3);
  // Quảng Yên has no value of the indicator for 2024: 0
  const card = await c.req('PUT', base + '/scorecards', { json: { scorer: 'T-SONLA', target: 'QN-QUANGYEN', points: { R1: 1, R3: 2.5, M1: 4 } } });
  assert.equal(card.status, 201, card.text);
  assert.deepEqual(card.data.scores.map((x) => [x.criterion, x.points, x.from_rule]),
    [['R1', 4, true], ['R2', 3, true], ['R3', 0, true], ['M1', 4, false]]);
  assert.equal(card.data.total, 11);
  // Sơn La has no models in that movement, and its 8 provincial science tasks are the demo's 2025 figure, not 2024's: 0 points from data
  const other = await c.req('PUT', base + '/scorecards', { json: { scorer: 'QN-QUANGYEN', target: 'T-SONLA', points: { M1: 3 } } });
  assert.deepEqual(other.data.scores.map((x) => x.points), [0, 0, 0, 3]);
});

test('self-scoring is refused, a member scores only for its own unit, the sheet is checked', async () => {
  const { base } = await cluster('CUM-SELF');
  const self = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-A', kind: 'cross', points: { T: 90 } });
  assert.equal(self.status, 422);
  assert.equal(self.data.error.fields.target, 'Thành viên không chấm chéo cho chính mình: phiếu của chính mình là phiếu tự chấm');
  const other = await put(repA, base + '/scorecards', { scorer: 'P-B', target: 'P-C', kind: 'cross', points: { T: 90 } });
  assert.equal(other.status, 403);
  const over = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', points: { T: 100.5 } });
  assert.equal(over.status, 422);
  assert.ok(over.data.error.fields.T);
  const huge = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', points: { T: 1e300 } });
  assert.equal(huge.status, 422);
  const unknown = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', points: { X9: 1 } });
  assert.equal(unknown.status, 422);
  const own = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-A', kind: 'self', points: { T: 95.5 }, evidence: { T: 'Báo cáo số 12/BC-UBND' } });
  assert.equal(own.status, 201, own.text);
  assert.equal(own.data.total, 95.5);
  assert.deepEqual(own.data.scores, [{ criterion: 'T', points: 95.5, evidence: 'Báo cáo số 12/BC-UBND', from_rule: false }]);
  // the sheet is fixed once scoring started
  const y = await officer.get(base);
  const s = await put(officer, base + '/criteria', { version: y.data.version, criteria: [{ code: 'T', title: 'x', kind: 'score', max: 10 }] });
  assert.equal(s.status, 409);
  assert.equal(s.data.error.code, 'state');
});

test('submitted cards are locked; the organiser reopens one with a reason, audited; the deadline closes scoring', async () => {
  const { base } = await cluster('CUM-LOCK');
  const r = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', points: { T: 80.25 } });
  assert.equal(r.status, 201);
  assert.equal(r.data.kind, 'cross');
  const sub = await repA.post(`/api/v1/scorecards/${r.data.id}/submit`, { json: { version: r.data.version } });
  assert.equal(sub.data.status, 'submitted');
  const again = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', version: sub.data.version, points: { T: 70 } });
  assert.equal(again.status, 409);
  assert.equal(again.data.error.code, 'state');
  assert.equal((await repA.post(`/api/v1/scorecards/${r.data.id}/reopen`, { json: { version: sub.data.version, reason: 'x' } })).status, 403);
  assert.equal((await officer.post(`/api/v1/scorecards/${r.data.id}/reopen`, { json: { version: sub.data.version } })).status, 422);
  const re = await officer.post(`/api/v1/scorecards/${r.data.id}/reopen`, { json: { version: sub.data.version, reason: 'Tỉnh An nhập nhầm điểm' } });
  assert.equal(re.status, 200, re.text);
  assert.deepEqual([re.data.status, re.data.reopen_reason], ['draft', 'Tỉnh An nhập nhầm điểm']);
  assert.equal(sql(env.db, `SELECT note FROM audit_log WHERE entity = 'scorecard' AND entity_id = ${r.data.id} AND action = 'reopen'`), 'Tỉnh An nhập nhầm điểm');
  // a deadline in the past closes new cards (the reopened one stays open)
  const y = await officer.get(base);
  const d = await officer.patch(base, { json: { version: y.data.version, deadline: '2024-03-14' } });
  assert.equal(d.status, 200, d.text);
  const late = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-C', points: { T: 70 } });
  assert.equal(late.status, 409);
  assert.match(late.data.error.message, /Đã hết hạn chấm điểm/);
  const fix = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', version: re.data.version, points: { T: 82 } });
  assert.equal(fix.status, 200, fix.text);
  assert.equal(fix.data.total, 82);
});

test('the mean, the trimmed mean and the bias report on the worked example', async () => {
  const { id, base } = await cluster('CUM-BIAS');
  await scoreAll(base);
  let k = await admin.get(base + '/ranking');
  // means: D (90+88+70)/3, A (85+60+86)/3, B (80+65+82)/3, C (70+72+74)/3
  assert.deepEqual(k.data.ranking.map((x) => [x.place, x.unit.code, x.total]),
    [[1, 'P-D', 82.67], [2, 'P-A', 77], [3, 'P-B', 75.67], [4, 'P-C', 72]]);
  assert.deepEqual([k.data.cards_submitted, k.data.cards_expected], [12, 12]);
  // each card against the mean of the two other cards of its member; C is the harsh scorer
  assert.deepEqual(k.data.bias.map((b) => [b.scorer.code, b.targets, b.mean_difference, b.z]),
    [['P-A', 3, 4.83, 0.412], ['P-B', 3, 6.67, 0.569], ['P-C', 3, -20.17, -1.72], ['P-D', 3, 8.67, 0.739]]);
  // the trimmed mean drops each member's highest and lowest card
  const y = await officer.get(base);
  assert.equal((await officer.patch(base, { json: { version: y.data.version, method: 'trimmed', trim: 1 } })).status, 200);
  k = await admin.get(base + '/ranking');
  assert.deepEqual(k.data.ranking.map((x) => [x.unit.code, x.total, x.cards]), [['P-D', 88, 1], ['P-A', 85, 1], ['P-B', 80, 1], ['P-C', 72, 1]]);
  // the summary: a PDF with the chart and a workbook
  const pdf = await admin.get(base + '/summary?format=pdf');
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.ok(pdf.text.startsWith('%PDF-'));
  const xlsx = await admin.get(base + '/summary?format=xlsx');
  assert.equal(xlsx.status, 200);
  assert.ok(xlsx.text.startsWith('PK'));
  assert.equal((await admin.get(base + '/summary?format=doc')).status, 400);
  // the page of a year
  const page = await admin.get(`/clusters/${id}/years/2023`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<table class="list" id="bias" tabindex="0">[\s\S]*Tỉnh Cường<\/td><td class="num">3<\/td><td class="num">-20,17<\/td><td class="num">-1,720<\/td>/);
});

test('a signature fails after a one-character change to the agreement', async () => {
  const { base } = await cluster('CUM-SIGN');
  let y = await officer.get(base);
  const text = 'Các tỉnh cam kết thi đua hoàn thành xuất sắc nhiệm vụ năm 2023.';
  assert.equal((await officer.patch(base, { json: { version: y.data.version, agreement_title: 'Giao ước thi đua năm 2023', agreement_text: text } })).status, 200);
  assert.equal((await repA.post(base + '/agreement/signatures', { json: { unit: 'P-B' } })).status, 403);
  const s = await repA.post(base + '/agreement/signatures', { json: { unit: 'P-A' } });
  assert.equal(s.status, 201, s.text);
  assert.deepEqual(s.data.signatures.map((x) => [x.unit.code, x.login, x.status]), [['P-A', 'a.reporter', 'valid']]);
  assert.ok(s.data.payload.includes('\ntext=' + text + '\n'));
  const keys = await repA.get('/api/v1/agreement-keys');
  assert.deepEqual(keys.data.items.map((k) => [k.login, k.key_id]), [['a.reporter', s.data.signatures[0].key_id]]);
  // the keys are public: anyone can check a signature against a copy of them
  const anyone = await new Client(srv.base).get('/api/v1/agreement-keys');
  assert.equal(anyone.status, 200);
  assert.equal(anyone.data.items[0].public_key, s.data.signatures[0].public_key);
  y = await officer.get(base);
  assert.equal((await officer.patch(base, { json: { version: y.data.version, agreement_text: text.replace('2023.', '2023!') } })).status, 200);
  const after = await repA.get(base + '/agreement');
  assert.equal(after.data.signatures[0].status, 'changed');
  // the same check outside thidua, with node's own Ed25519: the signature holds over the text signed, not over the text now
  const key = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(anyone.data.items[0].public_key, 'base64')]), format: 'der', type: 'spki' });
  const sig = Buffer.from(s.data.signatures[0].signature, 'base64');
  assert.equal(crypto.verify(null, Buffer.from(s.data.payload), key, sig), true);
  assert.equal(crypto.verify(null, Buffer.from(after.data.payload), key, sig), false);
  assert.equal(after.data.payload, s.data.payload.replace('2023.\n', '2023!\n'));
  // signing again signs the agreement as it is now
  const again = await repA.post(base + '/agreement/signatures', { json: { unit: 'P-A' } });
  assert.equal(again.data.signatures[0].status, 'valid');
});

test('the criteria sheet: a tree exported to XLSX, imported into another year; a bad line is refused with its number', async () => {
  const { id, base } = await cluster('CUM-SHEET');
  let y = await officer.get(base);
  const sheet = await put(officer, base + '/criteria', { version: y.data.version, criteria: [
    { code: 'I', title: 'Nhiệm vụ chính trị', kind: 'group' },
    { code: '1.1', title: 'Tăng trưởng kinh tế', kind: 'score', max: 10, parent: 'I', evidence: 'Báo cáo KT-XH' },
    { code: '1.2', title: 'Thu ngân sách', kind: 'score', max: 7.5, parent: 'I' },
    { code: 'T1', title: 'Mô hình mới', kind: 'bonus', max: 5 },
    { code: 'P1', title: 'Vi phạm', kind: 'penalty', max: 5 },
  ] });
  assert.equal(sheet.status, 200, sheet.text);
  assert.equal(sheet.data.max_total, 17.5);
  assert.deepEqual(sheet.data.criteria.map((c) => [c.code, c.max, c.depth, c.parent]),
    [['I', 17.5, 0, null], ['1.1', 10, 1, 'I'], ['1.2', 7.5, 1, 'I'], ['T1', 5, 0, null], ['P1', 5, 0, null]]);
  const bad = await put(officer, base + '/criteria', { version: sheet.data.version, criteria: [{ code: 'X', title: 'x', kind: 'score', max: 1, parent: 'NOPE' }] });
  assert.equal(bad.status, 422);
  // a running total: score and bonus points less penalties
  const card = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-C', points: { '1.1': 9.5, '1.2': 7, T1: 2, P1: 1.5 } });
  assert.equal(card.data.total, 17);
  // the export, imported into 2024 (made from 2023: members and sheet copied)
  const xlsx = await officer.get(`/api/v1/clusters/${id}/years/2023/criteria/export?format=xlsx`);
  assert.equal(xlsx.status, 200);
  const y24 = await officer.post(`/api/v1/clusters/${id}/years`, { json: { year: 2024 } });
  assert.equal(y24.status, 201, y24.text);
  assert.equal(y24.data.members.length, 4);
  assert.deepEqual(y24.data.criteria.map((c) => c.code), ['I', '1.1', '1.2', 'T1', 'P1']);
  const csv = 'code,parent,kind,title,max\nA,,group,Nhóm A,\nA.1,A,score,Một,"8,5"\nA.2,A,score,Hai,abc\n';
  const fd = new FormData();
  fd.append('version', String(y24.data.version));
  fd.append('file', new Blob([csv], { type: 'text/csv' }), 'sheet.csv');
  const refused = await officer.req('POST', `/api/v1/clusters/${id}/years/2024/criteria/import`, { raw: fd });
  assert.equal(refused.status, 422);
  assert.equal(refused.data.error.fields.file, 'dòng 4: điểm tối đa không phải là một số');
  const fd2 = new FormData();
  fd2.append('version', String(y24.data.version));
  fd2.append('file', new Blob([Buffer.from(await (await fetch(srv.base + `/api/v1/clusters/${id}/years/2023/criteria/export?format=xlsx`, { headers: { Authorization: 'Bearer ' + officer.token } })).arrayBuffer())]), 'sheet.xlsx');
  const imported = await officer.req('POST', `/api/v1/clusters/${id}/years/2024/criteria/import`, { raw: fd2 });
  assert.equal(imported.status, 200, imported.text);
  assert.deepEqual(imported.data.criteria.map((c) => [c.code, c.max, c.parent, c.evidence]),
    [['I', 17.5, null, null], ['1.1', 10, 'I', 'Báo cáo KT-XH'], ['1.2', 7.5, 'I', null], ['T1', 5, null, null], ['P1', 5, null, null]]);
});

test('the organiser decides a tie with a reason; the rotation is proposed and confirmed', async () => {
  const { id, base } = await cluster('CUM-TIE');
  // B and C get the same cards from everyone else
  for (const [scorer, target, points] of [['P-A', 'P-B', 80], ['P-A', 'P-C', 80], ['P-D', 'P-B', 70], ['P-D', 'P-C', 70]]) {
    const r = await put(admin, base + '/scorecards', { scorer, target, points: { T: points } });
    await admin.post(`/api/v1/scorecards/${r.data.id}/submit`, { json: { version: r.data.version } });
  }
  let k = await admin.get(base + '/ranking');
  assert.deepEqual(k.data.ranking.slice(0, 2).map((x) => [x.place, x.unit.code, x.reason]), [[1, 'P-B', 'tied'], [1, 'P-C', 'tied']]);
  assert.equal((await repA.post(base + '/tiebreaks', { json: { unit: 'P-C', order: 1, reason: 'x' } })).status, 403);
  k = await officer.post(base + '/tiebreaks', { json: { unit: 'P-C', order: 1, reason: 'Nhiều mô hình điển hình hơn' } });
  assert.equal(k.status, 200, k.text);
  await officer.post(base + '/tiebreaks', { json: { unit: 'P-B', order: 2, reason: 'Ít mô hình điển hình hơn' } });
  k = await admin.get(base + '/ranking');
  assert.deepEqual(k.data.ranking.slice(0, 2).map((x) => [x.place, x.unit.code, x.reason, x.decision]),
    [[1, 'P-C', 'organiser', 'Nhiều mô hình điển hình hơn'], [2, 'P-B', 'organiser', 'Ít mô hình điển hình hơn']]);
  // the leader (A's reporter) proposes, the organiser confirms
  let y = await officer.get(base);
  const p = await repA.post(base + '/rotation', { json: { version: y.data.version, leader: 'P-C', deputy: 'P-D', note: 'Đề nghị Bằng khen cho Tỉnh Cường' } });
  assert.equal(p.status, 200, p.text);
  assert.equal((await repA.post(base + '/rotation/confirm', { json: { version: p.data.version } })).status, 403);
  const c = await officer.post(base + '/rotation/confirm', { json: { version: p.data.version } });
  assert.equal(c.status, 200, c.text);
  y = await officer.get(`/api/v1/clusters/${id}/years/2024`);
  assert.deepEqual([y.data.leader.code, y.data.deputy.code, y.data.members.length], ['P-C', 'P-D', 4]);
  assert.equal((await officer.post(base + '/rotation/confirm', { json: { version: c.data.version } })).status, 409);
});

test('the pages: the list, a cluster, the scoring form taking Vietnamese numbers', async () => {
  const { id } = await cluster('CUM-PAGE');
  const list = await repA.get('/clusters');
  assert.equal(list.status, 200);
  assert.match(list.text, /<a href="\/clusters\/\d+">Cụm CUM-PAGE<\/a>/);
  assert.equal((await repA.get(`/clusters/${id}`)).status, 200);
  const form = await repA.get(`/clusters/${id}/years/2023/score?scorer=${units['P-A'].id}&target=${units['P-D'].id}`);
  assert.equal(form.status, 200);
  assert.match(form.text, /<output id="running-total" aria-live="polite">0<\/output>/);
  const post = await repA.post(`/clusters/${id}/years/2023/score`, { form: {
    scorer: units['P-A'].id, target: units['P-D'].id, kind: 'cross', version: 0, 'points.T': '88,5', 'evidence.T': 'Biên bản', do: 'save' } });
  assert.equal(post.status, 303, post.text);
  const card = await repA.get(`/api/v1/clusters/${id}/years/2023/scorecards`);
  assert.deepEqual(card.data.items.map((c) => [c.scorer.code, c.target.code, c.total, c.status]), [['P-A', 'P-D', 88.5, 'draft']]);
  const shown = await repA.get(`/clusters/${id}/years/2023/score?scorer=${units['P-A'].id}&target=${units['P-D'].id}`);
  assert.match(shown.text, /value="88,5"/);
  assert.match(shown.text, /<output id="running-total" aria-live="polite">88,5<\/output>/);
});

test('a cluster renamed with its version (a stale one is 409), a sheet copied from another year, a card read back', async () => {
  const { id, base } = await cluster('CUM-MISC');
  const c = await officer.get(`/api/v1/clusters/${id}`);
  assert.deepEqual([c.data.kind, c.data.organiser.code, c.data.years], ['cluster', 'HD-TW', [2023]]);
  const r = await officer.patch(`/api/v1/clusters/${id}`, { json: { version: c.data.version, name: 'Khối các tỉnh', kind: 'bloc' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.name, r.data.kind, r.data.version], ['Khối các tỉnh', 'bloc', c.data.version + 1]);
  const stale = await officer.patch(`/api/v1/clusters/${id}`, { json: { version: c.data.version, name: 'x' } });
  assert.equal(stale.status, 409);
  assert.equal((await repA.patch(`/api/v1/clusters/${id}`, { json: { version: r.data.version, name: 'x' } })).status, 403);
  // 2022 made empty, then given 2023's sheet
  const y22 = await officer.post(`/api/v1/clusters/${id}/years`, { json: { year: 2022, members: ['P-A', 'P-B'] } });
  assert.equal(y22.status, 201, y22.text);
  assert.deepEqual(y22.data.criteria, []);
  const cp = await officer.post(`/api/v1/clusters/${id}/years/2022/criteria/copy`, { json: { version: y22.data.version, from_year: 2023 } });
  assert.equal(cp.status, 200, cp.text);
  assert.deepEqual(cp.data.criteria.map((x) => [x.code, x.max, x.evidence]), [['T', 100, 'Báo cáo năm']]);
  const none = await officer.post(`/api/v1/clusters/${id}/years/2022/criteria/copy`, { json: { version: cp.data.version, from_year: 2019 } });
  assert.equal(none.status, 422);
  const dup = await officer.post(`/api/v1/clusters/${id}/years`, { json: { year: 2022 } });
  assert.equal(dup.status, 409);
  const card = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-D', points: { T: 66.6 } });
  const got = await repA.get(`/api/v1/scorecards/${card.data.id}`);
  assert.deepEqual([got.data.scorer.code, got.data.target.code, got.data.kind, got.data.status, got.data.total], ['P-A', 'P-D', 'cross', 'draft', 66.6]);
  assert.equal((await repA.get('/api/v1/scorecards/999999')).status, 404);
});

test('the organiser\'s forms: a cluster, its first year with the members picked, the settings, a signature, the rotation', async () => {
  const made = await officer.post('/clusters', { form: { code: 'CUM-FORM', name: 'Cụm qua biểu mẫu', kind: 'bloc', organiser_id: units.ORG.id } });
  assert.equal(made.status, 303, made.text);
  const id = Number(made.headers.get('location').match(/^\/clusters\/(\d+)$/)[1]);
  const body = new URLSearchParams([['year', '2.025'], ['members', String(units['P-A'].id)], ['members', String(units['P-B'].id)], ['members', String(units['P-C'].id)]]);
  let r = await officer.req('POST', `/clusters/${id}`, { raw: body.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), `/clusters/${id}/years/2025`);
  let y = await officer.get(`/api/v1/clusters/${id}/years/2025`);
  assert.deepEqual(y.data.members.map((m) => m.code), ['P-A', 'P-B', 'P-C']);
  r = await officer.post(`/clusters/${id}/years/2025`, { form: { what: 'settings', version: y.data.version, leader: units['P-B'].id, deputy: units['P-C'].id,
    cross_mode: 'leader', method: 'leader', trim: '0', deadline: '31/12/2025', agreement_text: 'Giao ước năm 2025' } });
  assert.equal(r.status, 303, r.text);
  y = await officer.get(`/api/v1/clusters/${id}/years/2025`);
  assert.deepEqual([y.data.leader.code, y.data.deputy.code, y.data.cross_mode, y.data.method, y.data.deadline, y.data.agreement.text],
    ['P-B', 'P-C', 'leader', 'leader', '2025-12-31', 'Giao ước năm 2025']);
  // a deputy that is the leader is refused on the page, which shows why
  r = await officer.post(`/clusters/${id}/years/2025`, { form: { what: 'settings', version: y.data.version, leader: units['P-B'].id, deputy: units['P-B'].id } });
  assert.equal(r.status, 422);
  assert.match(r.text, /Cụm phó không thể đồng thời là cụm trưởng/);
  // the reporter of a member signs on the page
  r = await repA.post(`/clusters/${id}/years/2025`, { form: { what: 'sign', unit: units['P-A'].id } });
  assert.equal(r.status, 303, r.text);
  const page = await repA.get(`/clusters/${id}/years/2025`);
  assert.match(page.text, /<table class="list" id="signatures" tabindex="0">[\s\S]*Tỉnh An<\/td><td>a.reporter<\/td>[\s\S]*hợp lệ/);
  // the organiser proposes and confirms the rotation on the page
  r = await officer.post(`/clusters/${id}/years/2025`, { form: { what: 'rotation', version: y.data.version, leader: units['P-C'].id, deputy: units['P-A'].id } });
  assert.equal(r.status, 303, r.text);
  r = await officer.post(`/clusters/${id}/years/2025`, { form: { what: 'confirm', version: y.data.version + 1 } });
  assert.equal(r.status, 303, r.text);
  y = await officer.get(`/api/v1/clusters/${id}/years/2026`);
  assert.deepEqual([y.data.leader.code, y.data.deputy.code, y.data.method], ['P-C', 'P-A', 'leader']);
  // a viewer of the page cannot act
  assert.equal((await repA.post(`/clusters/${id}/years/2025`, { form: { what: 'confirm', version: 1 } })).status, 403);
});

test('evidence files: the scorer attaches a PDF to an open card, the organiser downloads it, a submitted card takes none', async () => {
  const { base } = await cluster('CUM-FILE');
  const card = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', points: { T: 75 } });
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const upload = async (c) => {
    const fd = new FormData();
    fd.append('file', new Blob([pdf], { type: 'application/pdf' }), 'bien-ban.pdf');
    return c.req('POST', `/api/v1/scorecards/${card.data.id}/files`, { raw: fd });
  };
  const r = await upload(repA);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.data.name, r.data.mime], ['bien-ban.pdf', 'application/pdf']);
  const list = await officer.get(`/api/v1/scorecards/${card.data.id}/files`);
  assert.deepEqual(list.data.items.map((f) => f.name), ['bien-ban.pdf']);
  const dl = await officer.get(`/api/v1/files/${r.data.id}`);
  assert.equal(dl.status, 200);
  assert.ok(dl.text.startsWith('%PDF-'));
  assert.equal((await upload(officer)).status, 403); // the organiser does not score for Tỉnh An
  const page = await repA.get(`/clusters/${card.data.cluster_id}/years/2023/score?scorer=${units['P-A'].id}&target=${units['P-B'].id}`);
  assert.match(page.text, new RegExp(`<a href="/files/${r.data.id}">bien-ban.pdf</a>`));
  const sub = await repA.post(`/api/v1/scorecards/${card.data.id}/submit`, { json: { version: card.data.version } });
  assert.equal(sub.status, 200);
  const late = await upload(repA);
  assert.equal(late.status, 409);
  assert.equal(late.data.error.code, 'state');
});

test('the criteria sheet edited on the page: added under a group and at the top, edited, moved, removed; stale and started sheets refused', async () => {
  const { id, base } = await cluster('CUM-EDIT');
  const page = `/clusters/${id}/years/2023`;
  let y = (await officer.get(base)).data;
  const form = (what, fields, version = y.version) => officer.post(page, { form: { what, version, ...fields } });
  // a group at the top, then a criterion under it, its maximum typed the Vietnamese way
  let r = await form('criterion', { c_code: 'G', c_title: 'Công tác phối hợp', c_kind: 'group', c_parent: '' });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), `${page}#criteria`);
  y = (await officer.get(base)).data;
  r = await form('criterion', { c_code: 'G.1', c_title: 'Phối hợp liên tỉnh', c_kind: 'score', c_parent: 'G', c_max: '2,5', c_evidence: 'Biên bản' });
  assert.equal(r.status, 303, r.text);
  y = (await officer.get(base)).data;
  assert.deepEqual(y.criteria.map((c) => [c.code, c.parent, c.kind, c.max, c.depth, c.evidence]),
    [['T', null, 'score', 100, 0, 'Báo cáo năm'], ['G', null, 'group', 2.5, 0, null], ['G.1', 'G', 'score', 2.5, 1, 'Biên bản']]);
  assert.equal(y.max_total, 102.5);
  // a bonus item with a maximum of 1.000 points, then edited: renamed, 1,5 points, its evidence
  r = await form('criterion', { c_code: 'B', c_title: 'Thưởng', c_kind: 'bonus', c_max: '1.000' });
  assert.equal(r.status, 303, r.text);
  y = (await officer.get(base)).data;
  assert.equal(y.criteria.find((c) => c.code === 'B').max, 1000);
  r = await form('criterion', { orig: 'B', c_code: 'B1', c_title: 'Điểm thưởng sáng kiến', c_kind: 'bonus', c_max: '1,5', c_evidence: 'Quyết định công nhận' });
  assert.equal(r.status, 303, r.text);
  y = (await officer.get(base)).data;
  assert.deepEqual(y.criteria.map((c) => c.code), ['T', 'G', 'G.1', 'B1']);
  assert.deepEqual(y.criteria[3], { ...y.criteria[3], title: 'Điểm thưởng sáng kiến', kind: 'bonus', max: 1.5, evidence: 'Quyết định công nhận' });
  // the edit form shows the criterion's values the reader's way
  const shown = await officer.get(`${page}?edit=B1`);
  assert.match(shown.text, /<input id="f-c_max" name="c_max" inputmode="decimal" value="1,5">/);
  assert.match(shown.text, /<td class="num" id="criteria-total">102,5<\/td>/);
  // the group moves up above T, taking G.1 with it; then B1 is removed
  r = await form('criterion_up', { orig: 'G' });
  assert.equal(r.status, 303, r.text);
  y = (await officer.get(base)).data;
  assert.deepEqual(y.criteria.map((c) => [c.code, c.depth]), [['G', 0], ['G.1', 1], ['T', 0], ['B1', 0]]);
  r = await form('criterion_remove', { orig: 'B1' });
  assert.equal(r.status, 303, r.text);
  y = (await officer.get(base)).data;
  assert.deepEqual(y.criteria.map((c) => c.code), ['G', 'G.1', 'T']);
  // the same checks as the API's PUT: a code taken, a maximum not a number, a stale version, a reporter
  r = await form('criterion', { c_code: 'T', c_title: 'Trùng', c_kind: 'score', c_max: '5' });
  assert.equal(r.status, 422);
  assert.match(r.text, /Hai tiêu chí trùng mã|same code/);
  r = await form('criterion', { c_code: 'X', c_title: 'x', c_kind: 'score', c_max: '1.5' });
  assert.equal(r.status, 422);
  assert.match(r.text, /<p class="field-error" id="e-c_max">/);
  r = await form('criterion', { c_code: 'X', c_title: 'x', c_kind: 'score', c_max: '5' }, y.version - 1);
  assert.equal(r.status, 409);
  r = await repA.post(page, { form: { what: 'criterion', version: y.version, c_code: 'X', c_title: 'x', c_kind: 'score', c_max: '5' } });
  assert.equal(r.status, 403);
  assert.equal((await officer.get(base)).data.version, y.version);
  // once a card exists the sheet is fixed, on the page as over the API
  const card = await put(repA, base + '/scorecards', { scorer: 'P-A', target: 'P-B', points: { T: 50 } });
  assert.equal(card.status, 201, card.text);
  r = await form('criterion', { c_code: 'X', c_title: 'x', c_kind: 'score', c_max: '5' });
  assert.equal(r.status, 422);
  assert.match(r.text, /Scoring has started|Đã bắt đầu chấm điểm|bắt đầu chấm/);
  assert.doesNotMatch((await officer.get(page)).text, /id="criterion-form"/);
});

test('criteria that take their points from an indicator: the value entered for the member and the cluster\'s year gives the points on the cards and in the ranking', async () => {
  const ind = await admin.post('/api/v1/indicators', { json: { code: 'ctt_tasks', name_vi: 'Nhiệm vụ chuyển đổi số', name_en: 'Digital tasks',
    name_hi: 'Digital tasks', kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'year' } });
  assert.equal(ind.status, 201, ind.text);
  for (const [code, value, period] of [['P-A', 120, '2023'], ['P-B', 40, '2023'], ['P-D', 80, '2023'], ['P-C', 500, '2022']]) {
    const e = await admin.post('/api/v1/indicator-values', { json: { unit_id: units[code].id, period, values: [{ indicator: 'ctt_tasks', value }] } });
    assert.equal(e.status, 200, e.text);
  }
  const { id, base } = await cluster('CUM-IND');
  let y = (await officer.get(base)).data;
  // the rule made on the page: thresholds typed the Vietnamese way
  const bad = await officer.post(`/clusters/${id}/years/2023`, { form: { what: 'criterion', version: y.version, c_code: 'CS', c_title: 'x', c_kind: 'score',
    c_max: '10', c_source: 'indicator:ctt_tasks', c_thresholds: '50 = 4\n100 = 12' } });
  assert.equal(bad.status, 422);
  let r = await officer.post(`/clusters/${id}/years/2023`, { form: { what: 'criterion', version: y.version, c_code: 'CS', c_title: 'Nhiệm vụ chuyển đổi số',
    c_kind: 'score', c_max: '10', c_source: 'indicator:ctt_tasks', c_thresholds: '50 = 4,5\r\n1.00 = 1\n' } });
  assert.equal(r.status, 422, 'a threshold not written the Vietnamese way');
  r = await officer.post(`/clusters/${id}/years/2023`, { form: { what: 'criterion', version: y.version, c_code: 'CS', c_title: 'Nhiệm vụ chuyển đổi số',
    c_kind: 'score', c_max: '10', c_source: 'indicator:ctt_tasks', c_thresholds: '50 = 4,5\r\n100 = 10\n' } });
  assert.equal(r.status, 303, r.text);
  y = (await officer.get(base)).data;
  assert.deepEqual(y.criteria[1].rule, { source: 'indicator', indicator: 'ctt_tasks', thresholds: [[50, 4.5], [100, 10]] });
  assert.equal(y.max_total, 110);
  // its edit form shows the rule as it was typed
  const shown = await officer.get(`/clusters/${id}/years/2023?edit=CS`);
  assert.match(shown.text, /<option value="indicator:ctt_tasks" selected>ctt_tasks — Nhiệm vụ chuyển đổi số<\/option>/);
  assert.match(shown.text, /<textarea id="f-c_thresholds" name="c_thresholds" rows="4" placeholder="[^"]*">50 = 4,5\n100 = 10\n<\/textarea>/);
  // the API refuses an unknown indicator, a quarterly one, and an indicator rule without thresholds
  const q = await admin.post('/api/v1/indicators', { json: { code: 'ctt_quarter', name_vi: 'Theo quý', name_en: 'Quarterly', name_hi: 'Quarterly',
    kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'quarter' } });
  assert.equal(q.status, 201, q.text);
  for (const rule of [{ source: 'indicator', indicator: 'no_such', thresholds: [[1, 1]] }, { source: 'indicator', indicator: 'ctt_quarter', thresholds: [[1, 1]] },
    { source: 'indicator', indicator: 'ctt_tasks' }]) {
    const p = await put(officer, base + '/criteria', { version: y.version, criteria: [{ code: 'CS', title: 'x', kind: 'score', max: 10, rule }] });
    assert.equal(p.status, 422, p.text);
  }
  // P-A 120 ≥ 100: 10 points; P-B 40 < 50: 0; P-D 80 ≥ 50: 4,5; P-C's value is 2022's: 0 (points typed for CS are ignored)
  const want = { 'P-A': 10, 'P-B': 0, 'P-C': 0, 'P-D': 4.5 };
  for (const [scorer, target, t] of [['P-B', 'P-A', 80], ['P-A', 'P-B', 70], ['P-A', 'P-C', 60], ['P-A', 'P-D', 75]]) {
    const c = await put(admin, base + '/scorecards', { scorer, target, kind: 'cross', points: { T: t, CS: 7 } });
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(c.data.scores.map((x) => [x.criterion, x.points, x.from_rule]), [['T', t, false], ['CS', want[target], true]]);
    assert.equal(c.data.total, t + want[target]);
    assert.equal((await admin.post(`/api/v1/scorecards/${c.data.id}/submit`, { json: { version: c.data.version } })).status, 200);
  }
  // the card shows the value the points came from
  const cardPage = await officer.get(`/clusters/${id}/years/2023/score?scorer=${units['P-A'].id}&target=${units['P-D'].id}`);
  assert.match(cardPage.text, /<small class="rule-hint">Lấy từ ctt_tasks: 80<\/small>/);
  const noValue = await officer.get(`/clusters/${id}/years/2023/score?scorer=${units['P-A'].id}&target=${units['P-C'].id}`);
  assert.match(noValue.text, /<small class="rule-hint">Lấy từ ctt_tasks: Không có dữ liệu<\/small>/);
  const k = await officer.get(base + '/ranking');
  assert.deepEqual(k.data.ranking.map((w) => [w.unit.code, w.place, w.total, w.criteria.CS]),
    [['P-A', 1, 90, 10], ['P-D', 2, 79.5, 4.5], ['P-B', 3, 70, 0], ['P-C', 4, 60, 0]]);
});

test('criteria that take their points from a composite index: each member department\'s score for the year', async () => {
  const s1 = await mkUnit(admin, 'PA-S1', 'Sở Một', 'department', units['P-A'].id);
  const s2 = await mkUnit(admin, 'PA-S2', 'Sở Hai', 'department', units['P-A'].id);
  const ind = await admin.post('/api/v1/indicators', { json: { code: 'ix_online', name_vi: 'Dịch vụ công trực tuyến', name_en: 'Online services',
    name_hi: 'Online services', kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'year' } });
  assert.equal(ind.status, 201, ind.text);
  for (const [u, value] of [[s1, 150], [s2, 50]])
    assert.equal((await admin.post('/api/v1/indicator-values', { json: { unit_id: u.id, period: '2023', values: [{ indicator: 'ix_online', value }] } })).status, 200);
  const ix = await admin.post('/api/v1/indexes', { json: { code: 'IX-SO', name_vi: 'Chỉ số sở', name_en: 'Index', name_hi: 'Index', scope_id: units['P-A'].id,
    unit_kind: 'department', total_points: 100, criteria: [
      { code: 'A', name_vi: 'A', name_en: 'A', name_hi: 'A', points: 100 },
      { code: 'A1', name_vi: 'A1', name_en: 'A1', name_hi: 'A1', points: 100, parent: 'A', indicator: 'ix_online', method: 'linear', lo: 0, hi: 200 }] } });
  assert.equal(ix.status, 201, ix.text);
  const rk = await admin.get(`/api/v1/indexes/${ix.data.id}/ranking?year=2023`);
  assert.deepEqual(rk.data.items.map((x) => [x.code, x.score]), [['PA-S1', 75], ['PA-S2', 25]]);
  const c = await officer.post('/api/v1/clusters', { json: { code: 'KHOI-SO', name: 'Khối các sở', kind: 'bloc', organiser_code: 'HD-TW' } });
  const y = await officer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2023, members: ['PA-S1', 'PA-S2'], cross_mode: 'all', method: 'mean' } });
  const base = `/api/v1/clusters/${c.data.id}/years/2023`;
  const s = await put(officer, base + '/criteria', { version: y.data.version, criteria: [
    { code: 'IX', title: 'Chỉ số sở', kind: 'score', max: 8, rule: { source: 'index', index: 'IX-SO', thresholds: [[50, 5], [70, 8]] } }] });
  assert.equal(s.status, 200, s.text);
  assert.equal((await put(officer, base + '/criteria', { version: s.data.version, criteria: [
    { code: 'IX', title: 'x', kind: 'score', max: 8, rule: { source: 'index', index: 'NO-SUCH', thresholds: [[50, 5]] } }] })).status, 422);
  // PA-S1 75 ≥ 70: 8 points; PA-S2 25 < 50: 0
  for (const [scorer, target, pts] of [['PA-S2', 'PA-S1', 8], ['PA-S1', 'PA-S2', 0]]) {
    const card = await put(admin, base + '/scorecards', { scorer, target, kind: 'cross', points: {} });
    assert.equal(card.status, 201, card.text);
    assert.deepEqual(card.data.scores.map((x) => [x.criterion, x.points, x.from_rule]), [['IX', pts, true]]);
    assert.equal((await admin.post(`/api/v1/scorecards/${card.data.id}/submit`, { json: { version: card.data.version } })).status, 200);
  }
  const k = await officer.get(base + '/ranking');
  assert.deepEqual(k.data.ranking.map((w) => [w.unit.code, w.place, w.total, w.criteria.IX]), [['PA-S1', 1, 8, 8], ['PA-S2', 2, 0, 0]]);
});

test('a stale settings form of a cluster year says someone else changed the year and that nothing was saved (409, not a bare error)', async () => {
  const made = await officer.post('/clusters', { form: { code: 'CUM-STALE', name: 'Cụm sửa cùng lúc', kind: 'bloc', organiser_id: units.ORG.id } });
  assert.equal(made.status, 303, made.text);
  const id = Number(made.headers.get('location').match(/^\/clusters\/(\d+)$/)[1]);
  const body = new URLSearchParams([['year', '2025'], ['members', String(units['P-A'].id)], ['members', String(units['P-B'].id)], ['members', String(units['P-C'].id)]]);
  let r = await officer.req('POST', `/clusters/${id}`, { raw: body.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 303, r.text);
  const y = await officer.get(`/api/v1/clusters/${id}/years/2025`);
  const settings = (leader, deputy) => ({ what: 'settings', version: y.data.version, leader, deputy, cross_mode: 'leader', method: 'leader', trim: '0',
    deadline: '31/12/2025', agreement_text: 'Giao ước năm 2025' });
  r = await officer.post(`/clusters/${id}/years/2025`, { form: settings(units['P-B'].id, units['P-C'].id) });
  assert.equal(r.status, 303, r.text);
  // the same form, opened before that change, sent again
  r = await officer.post(`/clusters/${id}/years/2025`, { form: settings(units['P-C'].id, units['P-A'].id) });
  assert.equal(r.status, 409);
  assert.match(r.text, new RegExp(`<p>Người khác đã thay đổi năm này sau khi bạn mở trang; hiện là phiên bản ${y.data.version + 1}\\. `
    + 'Chưa có gì được lưu: hãy xem các thiết lập hiện tại bên dưới và thực hiện lại thay đổi của bạn\\.</p>'));
  const now = await officer.get(`/api/v1/clusters/${id}/years/2025`);
  assert.deepEqual([now.data.leader.code, now.data.deputy.code], ['P-B', 'P-C']);
});
