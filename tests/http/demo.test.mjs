// The demo data set (data/demo/units.csv, compiled in): it loads, its users
// log in with their printed passwords, search and scope work on real names.
// Skipped while the binary has no demo data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, startServer, Client, thidua } from '../lib/server.mjs';

const HAVE = fs.existsSync(path.resolve('data/demo/units.csv'));
let env, srv, admin, reporter;

before(async () => {
  if (!HAVE) return;
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  reporter = new Client(srv.base);
  const qy = env.demoUsers['quangyen.reporter'];
  assert.ok(qy, 'thidua demo printed the user quangyen.reporter');
  await Promise.all([admin.login('admin', env.adminPassword), reporter.login('quangyen.reporter', qy.password)]);
});

after(async () => {
  if (srv) await srv.stop();
});

const opts = { skip: HAVE ? false : 'data/demo/units.csv does not exist yet' };

async function byCode(code) {
  const r = await admin.get('/api/v1/units?active=all&limit=500&q=' + encodeURIComponent(code));
  const hit = r.data.items.find((x) => x.code === code);
  assert.ok(hit, `unit ${code} exists`);
  return hit;
}

test('thidua demo loads and prints its users with their roles', opts, () => {
  assert.deepEqual([env.demoUsers['sonla.officer'].role, env.demoUsers['sonla.officer'].unit], ['officer', 'T-SONLA']);
  assert.deepEqual([env.demoUsers['quangyen.reporter'].role, env.demoUsers['quangyen.reporter'].unit], ['reporter', 'QN-QUANGYEN']);
  assert.deepEqual([env.demoUsers['camau.viewer'].role, env.demoUsers['camau.viewer'].unit], ['viewer', 'T-CAMAU']);
  for (const u of Object.values(env.demoUsers)) assert.match(u.password, /^\S{8,}$/);
});

test('demo: the curated units are there, under the right parents', opts, async () => {
  assert.equal((await byCode('TP-DANANG')).name, 'Thành phố Đà Nẵng');
  const qy = await byCode('QN-QUANGYEN');
  assert.equal(qy.name, 'Thị xã Quảng Yên');
  assert.equal(qy.parent_code, 'T-QUANGNINH');
  const ql = await admin.get('/api/v1/units?q=quang%20ninh&kind=province');
  assert.deepEqual(ql.data.items.map((x) => x.name), ['Tỉnh Quảng Ninh']);
});

test('demo: Thị xã Quảng Yên has at least 34 units below it', opts, async () => {
  const qy = await byCode('QN-QUANGYEN');
  const r = await admin.get(`/api/v1/units?under=${qy.id}&limit=1`);
  assert.ok(r.data.total >= 34, `${r.data.total} units below QN-QUANGYEN`);
});

test('demo: search without diacritics finds Đà Nẵng and Thừa Thiên Huế', opts, async () => {
  const dn = await admin.get('/api/v1/units?q=da%20nang&kind=city');
  assert.deepEqual(dn.data.items.map((x) => x.name), ['Thành phố Đà Nẵng']);
  const hue = await admin.get('/api/v1/units?q=thua%20thien%20hue&kind=province');
  assert.deepEqual(hue.data.items.map((x) => x.name), ['Tỉnh Thừa Thiên Huế']);
});

test('demo: the Quảng Yên reporter sees exactly the people of Quảng Yên', opts, async () => {
  const qy = await byCode('QN-QUANGYEN');
  const all = await admin.get(`/api/v1/people?under=${qy.id}&limit=1`);
  const mine = await reporter.get('/api/v1/people?limit=1');
  assert.equal(mine.status, 200);
  assert.ok(all.data.total > 0);
  assert.equal(mine.data.total, all.data.total);
  const sl = await byCode('T-SONLA');
  const other = await reporter.get(`/api/v1/people?under=${sl.id}`);
  assert.equal(other.status, 403);
});

test('demo: the audit log of the demo data is intact', opts, () => {
  const r = thidua(['audit', 'verify', '--db', env.db]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^audit log intact: \d+ rows\n$/);
});

test('demo: Quảng Yên’s Dân vận khéo 2024 — 32 units, 138 models, the report 004 figures', opts, async () => {
  const mv = (await admin.get('/api/v1/movements/DVK2024')).data;
  assert.equal(mv.status, 'closed');
  assert.equal(mv.registrations, 32);
  assert.equal(mv.models, 138);
  assert.equal(mv.authority_code, 'QY-BDV');
  const d = (await admin.get('/api/v1/movements/DVK2024/dashboard')).data;
  assert.equal(d.registrations, 32);
  assert.deepEqual(
    { ...d.models },
    { total: 138, registered: 0, effective: 127, not_effective: 11, typical: 14, replications: 8 },
  );
  assert.deepEqual(d.fields.map((f) => [f.field, f.models]), [
    ['economy', 27], ['culture_society', 38], ['defence_security', 29], ['political_system', 23], ['digital_transformation', 21],
  ]);
  // a reader from another province sees only their own scope: every number,
  // replications included (issue 8, defect 9: they used to show 8)
  const cm = new Client(srv.base);
  await cm.login('camau.viewer', env.demoUsers['camau.viewer'].password);
  const far = (await cm.get('/api/v1/movements/DVK2024/dashboard')).data;
  assert.equal(far.registrations, 0);
  assert.deepEqual({ ...far.models }, { total: 0, registered: 0, effective: 0, not_effective: 0, typical: 0, replications: 0 });
  assert.ok(far.metrics.every((x) => !x.value), JSON.stringify(far.metrics));
  // and within the filters: the replications of economy models only
  const eco = (await admin.get('/api/v1/movements/DVK2024/dashboard?field=economy')).data;
  assert.equal(eco.models.replications, 1);
  const total = (code) => d.metrics.find((m) => m.code === code).value;
  assert.equal(total('vnd'), 7366000000);
  assert.equal(total('households'), 10897);
  assert.equal(total('children'), 34);
  const yg = d.units.find((x) => x.code === 'QY-P-YENGIANG');
  assert.equal(yg.results_subtree.vnd, 1257000000);
  assert.equal(d.units.find((x) => x.code === 'QN-QUANGYEN').results_subtree.vnd, 7366000000);
  assert.equal(d.units.find((x) => x.code === 'QY-HLHPN').results.vnd, 661000000);
  // the named models, exactly
  const model = async (code) => (await admin.get('/api/v1/movements/DVK2024/models?q=' + code)).data.items.find((m) => m.code === code);
  const houses = await model('DVK24-006');
  assert.equal(houses.results.vnd, 1030000000);
  assert.equal(houses.results.items, 16);
  assert.equal(houses.results.area_m2, 1200);
  const reports = (await admin.get(`/api/v1/models/${houses.id}/reports`)).data.items;
  assert.deepEqual(reports.map((r) => r.results.vnd), [180000000, 200000000, 300000000, 350000000]);
  assert.equal(reports[0].results.items, 16);
  const dx = await model('DVK24-007');
  assert.deepEqual(dx.results, { sim4g_pct: 96, qr_fee_pct: 100, portal_pay_pct: 89.5, cashless_social_pct: 89.7, cashless_beneficiaries_pct: 86.4, cashless_pensioners_pct: 87.6 });
  assert.deepEqual((await model('DVK24-055')).results, { vnd: 75000000, length_m: 120 });
  const lanes = await model('DVK24-056');
  assert.equal(lanes.results.vnd, 352000000);
  assert.equal(lanes.results.length_m, 326);
  const godmother = await model('DVK24-097');
  assert.deepEqual(godmother.results, { vnd: 481000000, households: 223, children: 28 });
  assert.equal(godmother.typical, true);
  // the public page lists the 14 typical examples without login
  const pub = await new Client(srv.base).get('/api/v1/public/typical?movement=DVK2024&limit=50');
  assert.equal(pub.data.total, 14);
  assert.equal((await new Client(srv.base).get('/api/v1/public/typical?movement=DVK2027')).status, 404); // a draft
});

test('demo: the movement report prints as a 7-page PDF whose text has the title with its diacritics', opts, async () => {
  const r = await fetch(srv.base + '/movements/DVK2024/report.pdf', { headers: { Authorization: 'Bearer ' + admin.token } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="DVK2024.pdf"');
  const file = path.join(env.dir, 'report.pdf');
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  const { execFileSync } = await import('node:child_process');
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  assert.match(info, /^Pages:\s+7$/m);
  assert.match(info, /^Title:\s+Phong trào thi đua “Dân vận khéo” năm 2024$/m);
  const txt = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.ok(txt.includes('Phong trào thi đua “Dân vận khéo” năm 2024'));
  assert.ok(txt.includes('7.366.000.000'));
  assert.ok(txt.includes('Lan can chống đuối nước') || txt.includes('đuối nước'));
  // the report of a draft is found only by those who may run the movement:
  // not by a viewer elsewhere (Cà Mau), nor by a reporter of the authority's own
  // town; an officer above it (the central board) reads it
  const cm = new Client(srv.base);
  await cm.login('camau.viewer', env.demoUsers['camau.viewer'].password);
  const tw = new Client(srv.base);
  await tw.login('tw.officer', env.demoUsers['tw.officer'].password);
  const draft = (c) => fetch(srv.base + '/movements/DVK2027/report.pdf', { headers: { Authorization: 'Bearer ' + c.token } }).then((x) => x.status);
  assert.equal(await draft(cm), 404);
  assert.equal(await draft(reporter), 404);
  assert.equal(await draft(tw), 200);
});

test('demo: seed 001 — Hà Tĩnh proposed for the Government Emulation Flag, Quảng Bình and Quảng Trị for the Prime Minister\'s Certificate of Merit, with the Central board', opts, async () => {
  const r = await admin.get('/api/v1/proposals?year=2023&stage=board');
  assert.equal(r.status, 200);
  const got = [];
  for (const p of r.data.items) {
    const one = (await admin.get(`/api/v1/proposals/${p.id}`)).data;
    for (const n of one.nominees) {
      got.push(`${n.unit_code} ${n.award} ${one.holder_code}`);
      // a province is not judged by what only a person can hold: its council judges it
      if (n.award === 'BK_TTG') {
        assert.equal(n.verdict, 'manual', `${n.unit_code}: ${JSON.stringify(n.eligibility)}`);
        assert.deepEqual(n.eligibility.conditions.map((c) => [c.text, c.met]), [
          ['Đối với cá nhân', false],
          [n.eligibility.conditions[1].text, false],
          ['Đối với tập thể', true],
          ['Tiêu chuẩn tặng Bằng khen của Thủ tướng cho tập thể (Điều 73 Luật Thi đua, khen thưởng 2022): Hội đồng đối chiếu hồ sơ', null],
        ]);
        assert.deepEqual(n.eligibility.conditions[2].facts, ['Đang xét một tập thể']);
      }
    }
  }
  assert.deepEqual(got.sort(), ['T-HATINH CO_CP VN', 'T-QUANGBINH BK_TTG VN', 'T-QUANGTRI BK_TTG VN']);
  const ht = r.data.items.find((p) => p.proposer_code === 'T-HATINH');
  assert.equal(ht.title, 'Đề nghị tặng Cờ thi đua của Chính phủ năm 2023 cho tỉnh Hà Tĩnh');
  assert.match(ht.summary, /Đông Hà, 14\/3\/2024/);
});

test('demo: the achievement records of Quảng Yên\'s people, newest year first', opts, async () => {
  const r = await admin.get('/api/v1/achievements?person=QY-PNV-001');
  assert.equal(r.status, 200);
  assert.equal(r.data.items[0].person_name, 'Nguyễn Thị Thu Hà');
  const titles = r.data.items.filter((x) => x.kind === 'title' && x.value === 'CSTDCS').map((x) => x.year);
  assert.deepEqual(titles, [2023, 2022, 2021]);
});

test('demo: a movement\'s review proposes the owners of its 14 typical examples in Quảng Yên for the Giấy khen', opts, async () => {
  const mv = (await admin.get('/api/v1/movements/DVK2024')).data;
  const c = await admin.post('/api/v1/proposals', { json: { title: 'Đề nghị khen thưởng điển hình Dân vận khéo 2024', round: 'movement', year: 2024, proposer_code: 'QN-QUANGYEN', movement: 'DVK2024' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.data.movement_code, mv.code);
  const t = await admin.post(`/api/v1/proposals/${c.data.id}/typical`, { json: { award: 'GK', version: c.data.version } });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.data.nominees.length, 14);
  assert.ok(t.data.nominees.every((n) => n.award === 'GK' && n.subject === 'collective'));
  const again = await admin.post(`/api/v1/proposals/${c.data.id}/typical`, { json: { award: 'GK', version: t.data.version } });
  assert.equal(again.status, 200);
  assert.equal(again.data.nominees.length, 14, 'those already proposed are skipped');
});

test('demo: Quảng Yên\'s draft — each nominee\'s eligibility for Chiến sĩ thi đua cấp tỉnh, with the missing year said in words', opts, async () => {
  const r = await admin.get('/api/v1/proposals?proposer=' + (await byCode('QN-QUANGYEN')).id + '&stage=draft&year=2023');
  const p = (await admin.get(`/api/v1/proposals/${r.data.items.find((x) => x.title.startsWith('Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh')).id}`)).data;
  const by = Object.fromEntries(p.nominees.map((n) => [n.person_code, n]));
  assert.equal(by['QY-PNV-001'].verdict, 'eligible');
  assert.equal(by['QY-PNV-002'].verdict, 'ineligible');
  const chain = by['QY-PNV-002'].eligibility.conditions[0];
  assert.equal(chain.met, false);
  assert.deepEqual(chain.facts, ['Đạt năm 2021, 2023', 'Chiến sĩ thi đua cơ sở: chưa có năm 2022']);
  const page = await admin.get(`/proposals/${p.id}`);
  assert.match(page.text, /Chiến sĩ thi đua cơ sở: chưa có năm 2022/);
  const en = new Client(srv.base);
  await en.login('admin', env.adminPassword);
  const pageEn = await en.get(`/proposals/${p.id}`, { headers: { 'Accept-Language': 'en' } });
  assert.match(pageEn.text, /Chiến sĩ thi đua cơ sở|Grassroots Emulation Fighter/);
});

test('demo: seed 001\'s votes — the cluster votes Hà Tĩnh the Government Emulation Flag, Quảng Bình and Quảng Trị the Prime Minister\'s Certificate of Merit', opts, async () => {
  const rep = new Client(srv.base);
  await rep.login('hatinh.rep', env.demoUsers['hatinh.rep'].password);
  const list = (await rep.get('/api/v1/votes')).data.items;
  assert.deepEqual(list.map((v) => [v.status, v.ballots, v.voters, v.has_voted]), [['closed', 6, 6, true], ['closed', 6, 6, true]]);
  const passed = async (title) => {
    const v = list.find((x) => x.title.includes(title));
    const r = (await rep.get(`/api/v1/votes/${v.id}/result`)).data;
    return [r.candidates.filter((c) => c.passed).map((c) => [c.label, c.yes, c.share]), r.quota && [r.quota.limit, r.quota.ok]];
  };
  assert.deepEqual(await passed('Cờ thi đua của Chính phủ'), [[['Tỉnh Hà Tĩnh', 5, 83.33]], [1, true]]);
  assert.deepEqual(await passed('Bằng khen của Thủ tướng'), [[['Tỉnh Quảng Bình', 6, 100], ['Tỉnh Quảng Trị', 5, 83.33]], null]);
  const page = await rep.get(`/votes/${list.find((x) => x.title.includes('Cờ thi đua')).id}`);
  assert.match(page.text, /<td>Tỉnh Hà Tĩnh<\/td>\s*<td class="num">5<\/td>\s*<td class="num">83,33%<\/td>/);
});
