// Clusters against a hostile user (docs/CLUSTERS.md, "Who may do what"):
// an organiser's members are units of its scope (its parent unit's subtree),
// so no one reads another province's protected indicator values through a
// rule criterion; a member listed before that rule is not scored; a card is
// shown only to a reader of its scorer or target or to the organiser, and a
// rule's value only to a reader of the unit or the organiser. The texts of
// the sheet, the cards' evidence and the rotation's proposals are bounded
// and free of control characters; points with a third decimal or out of
// range are refused, never rounded; the criteria import reports every bad
// line and reads its numbers the Vietnamese way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, sql, loginAs } from './_util.mjs';

let env, srv, admin, twOfficer, aOfficer, aViewer;
const u = {};

const as = (login) => loginAs(srv.base, login);

const put = (c, p, json) => c.req('PUT', p, { json });

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  u.HD = await mkUnit(admin, 'HD-TW', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'central');
  u.PA = await mkUnit(admin, 'P-A', 'Tỉnh An', 'province');
  u.PB = await mkUnit(admin, 'P-B', 'Tỉnh Bình', 'province');
  u.BCD = await mkUnit(admin, 'PA-BCD', 'Ban Chỉ đạo tỉnh An', 'agency', u.PA.id);
  u.AS = await mkUnit(admin, 'PA-S', 'Sở Một tỉnh An', 'department', u.PA.id);
  u.BS = await mkUnit(admin, 'PB-S', 'Sở Một tỉnh Bình', 'department', u.PB.id);
  u.BT = await mkUnit(admin, 'PB-T', 'Sở Hai tỉnh Bình', 'department', u.PB.id);
  addUser(env.db, 'tw.officer', 'officer', 'HD-TW');
  addUser(env.db, 'a.officer', 'officer', 'PA-BCD');
  addUser(env.db, 'a.viewer', 'viewer', 'P-A');
  twOfficer = await as('tw.officer');
  aOfficer = await as('a.officer');
  aViewer = await as('a.viewer');
  const ind = await admin.post('/api/v1/indicators', { json: { code: 'dams', name_vi: 'Hồ đập lớn', name_en: 'Large dams', name_hi: 'Dams',
    kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'year' } });
  assert.equal(ind.status, 201, ind.text);
  for (const [unit, value] of [[u.BS, 5], [u.BT, 12], [u.AS, 7]]) {
    const v = await admin.post('/api/v1/indicator-values', { json: { unit_id: unit.id, period: '2030', values: [{ indicator: 'dams', value }] } });
    assert.equal(v.status, 200, v.text);
  }
});

after(async () => {
  if (srv) await srv.stop();
});

const SCOPE = 'Thành viên phải là đơn vị trong phạm vi của cơ quan tổ chức: đơn vị cấp trên của cơ quan tổ chức và các đơn vị trực thuộc';
const dams = { source: 'indicator', indicator: 'dams', thresholds: [[1, 0.01], [5, 0.05], [7, 0.07], [12, 0.12]] };
let local; // PA-BCD's cluster, its 2030 year
let texts; // CUM-TXT's 2031 year

test('an organiser makes members of its own scope only: another province\'s unit is refused, nothing stored; its province\'s units score each other', async () => {
  // the indicator module refuses the value to the officer of Tỉnh An's steering committee
  const fig = await aOfficer.get(`/api/v1/indicator-figures?indicator=dams&unit_id=${u.BS.id}&period=2030`);
  assert.equal(fig.status, 403);
  const c = await aOfficer.post('/api/v1/clusters', { json: { code: 'CUM-PA', name: 'Cụm của Ban Chỉ đạo', kind: 'cluster', organiser_code: 'PA-BCD' } });
  assert.equal(c.status, 201, c.text);
  const bad = await aOfficer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2030, members: ['PA-BCD', 'PB-S'], cross_mode: 'all' } });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.data.error.fields.members, SCOPE);
  assert.deepEqual((await aOfficer.get(`/api/v1/clusters/${c.data.id}`)).data.years, []);
  // the organiser's scope is its parent's subtree: Tỉnh An and its units
  const y = await aOfficer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2030, members: ['PA-BCD', 'PA-S'], cross_mode: 'all' } });
  assert.equal(y.status, 201, y.text);
  // a member changed to another province's unit is refused as well
  const moved = await aOfficer.req('PATCH', `/api/v1/clusters/${c.data.id}/years/2030`, { json: { version: y.data.version, members: ['PA-BCD', 'PB-T'] } });
  assert.equal(moved.status, 422, moved.text);
  assert.equal(moved.data.error.fields.members, SCOPE);
  const base = `/api/v1/clusters/${c.data.id}/years/2030`;
  const s = await put(aOfficer, base + '/criteria', { version: y.data.version, criteria: [{ code: 'R1', title: 'Hồ đập', kind: 'score', max: 10, rule: dams }] });
  assert.equal(s.status, 200, s.text);
  assert.deepEqual(s.data.members.map((m) => m.code), ['PA-BCD', 'PA-S']);
  // cross-scoring between the members goes on: PA-S's 7 reaches 7 (0,07)
  const card = await put(admin, base + '/scorecards', { scorer: 'PA-BCD', target: 'PA-S', kind: 'cross' });
  assert.equal(card.status, 201, card.text);
  assert.deepEqual(card.data.scores.map((x) => [x.criterion, x.points, x.from_rule]), [['R1', 0.07, true]]);
  local = { id: c.data.id, yearId: y.data.id, base };
});

test('a member outside the scope listed before the rule is not scored, and no card of it is stored', async () => {
  // as a database made by an earlier version could hold it
  sql(env.db, `INSERT INTO cluster_members (cluster_year_id, unit_id) VALUES (${local.yearId}, ${u.BS.id})`);
  const r = await put(aOfficer, local.base + '/scorecards', { scorer: 'PA-BCD', target: 'PB-S', kind: 'cross' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.data.error.fields.target, SCOPE);
  const cards = await aOfficer.get(local.base + '/scorecards');
  assert.deepEqual(cards.data.items.map((x) => [x.scorer.code, x.target.code]), [['PA-BCD', 'PA-S']]);
});

test('a card is shown to a reader of its scorer or target, or the organiser; a rule\'s value to a reader of the unit, or the organiser', async () => {
  const c = await twOfficer.post('/api/v1/clusters', { json: { code: 'CUM-TW', name: 'Cụm các sở', kind: 'bloc', organiser_code: 'HD-TW' } });
  assert.equal(c.status, 201, c.text);
  const y = await twOfficer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2030, members: ['PA-S', 'PB-S', 'PB-T'], cross_mode: 'all' } });
  assert.equal(y.status, 201, y.text);
  const base = `/api/v1/clusters/${c.data.id}/years/2030`;
  assert.equal((await put(twOfficer, base + '/criteria', { version: y.data.version, criteria: [{ code: 'R1', title: 'Hồ đập', kind: 'score', max: 10, rule: dams }] })).status, 200);
  const bb = await put(admin, base + '/scorecards', { scorer: 'PB-S', target: 'PB-T', kind: 'cross' });
  const ab = await put(admin, base + '/scorecards', { scorer: 'PA-S', target: 'PB-S', kind: 'cross' });
  assert.deepEqual([bb.status, ab.status], [201, 201]);
  assert.deepEqual([bb.data.scores[0].points, ab.data.scores[0].points], [0.12, 0.05]);
  const page = (who, s, t) => who.get(`/clusters/${c.data.id}/years/2030/score?scorer=${s.id}&target=${t.id}`);
  // Tỉnh An's viewer reads neither Sở Một nor Sở Hai of Tỉnh Bình, nor organises: no card, on the page or over the API
  assert.equal((await page(aViewer, u.BS, u.BT)).status, 403);
  assert.equal((await aViewer.get(`/api/v1/scorecards/${bb.data.id}`)).status, 403);
  // nor its evidence: the list is 403, the file answers as an unknown one; the organiser downloads it
  const fd = new FormData();
  fd.append('file', new Blob([Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')], { type: 'application/pdf' }), 'bien-ban.pdf');
  const att = await admin.req('POST', `/api/v1/scorecards/${bb.data.id}/files`, { raw: fd });
  assert.equal(att.status, 201, att.text);
  assert.equal((await aViewer.get(`/api/v1/scorecards/${bb.data.id}/files`)).status, 403);
  assert.equal((await aViewer.get(`/api/v1/files/${att.data.id}`)).status, 404);
  assert.equal((await twOfficer.get(`/api/v1/files/${att.data.id}`)).status, 200);
  assert.deepEqual((await twOfficer.get(`/api/v1/scorecards/${bb.data.id}/files`)).data.items.map((f) => f.name), ['bien-ban.pdf']);
  // its own province's member scoring Tỉnh Bình's: the card, and the rule without Tỉnh Bình's value
  const own = await page(aViewer, u.AS, u.BS);
  assert.equal(own.status, 200);
  assert.match(own.text, /<small class="rule-hint">Lấy từ dams<\/small>/);
  assert.doesNotMatch(own.text, /Lấy từ dams: /);
  assert.equal((await aViewer.get(`/api/v1/scorecards/${ab.data.id}`)).status, 200);
  // the organiser and the administrator see the value
  for (const who of [twOfficer, admin]) {
    const p = await page(who, u.BS, u.BT);
    assert.equal(p.status, 200);
    assert.match(p.text, /<small class="rule-hint">Lấy từ dams: 12<\/small>/);
  }
});

test('the sheet\'s texts: a 200 000-character title, ESC and BEL refused with the criterion\'s code; nothing stored', async () => {
  const c = await twOfficer.post('/api/v1/clusters', { json: { code: 'CUM-TXT', name: 'Cụm văn bản', kind: 'cluster', organiser_code: 'HD-TW' } });
  const y = await twOfficer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2031, members: ['PA-S', 'PB-S'], cross_mode: 'all', leader: 'PA-S' } });
  assert.equal(y.status, 201, y.text);
  const base = `/api/v1/clusters/${c.data.id}/years/2031`;
  texts = base;
  const cases = [
    [{ title: 'x'.repeat(200000) }, 'Tên tiêu chí quá dài (tối đa 500 ký tự)'],
    [{ title: 'Tiêu chí \u001b[31mđỏ' }, 'Tên tiêu chí phải là một dòng, không chứa ký tự điều khiển'],
    [{ title: 'Hai\ndòng' }, 'Tên tiêu chí phải là một dòng, không chứa ký tự điều khiển'],
    [{ title: 'Tiêu chí', evidence: 'Báo cáo\u0007' }, 'Minh chứng tiêu chí yêu cầu không được chứa ký tự điều khiển (được xuống dòng)'],
    [{ title: 'Tiêu chí', evidence: 'é'.repeat(2001) }, 'Minh chứng tiêu chí yêu cầu quá dài (tối đa 2000 ký tự)'],
  ];
  cases.push([{ title: 'Tiêu chí', max: 2.555 }, 'Điểm tối đa của tiêu chí có tối đa hai chữ số thập phân']); // refused, never rounded to 2,56
  for (const [fields, msg] of cases) {
    const r = await put(twOfficer, base + '/criteria', { version: y.data.version, criteria: [{ code: 'C1', kind: 'score', max: 10, ...fields }] });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.data.error.fields, { C1: msg });
  }
  const same = await twOfficer.get(base);
  assert.deepEqual([same.data.version, same.data.criteria], [y.data.version, []]);
  // 500 characters of Vietnamese, and evidence on two lines, are fine
  const ok = await put(twOfficer, base + '/criteria', { version: y.data.version, criteria: [
    { code: 'C1', kind: 'score', max: 10, title: 'ệ'.repeat(500), evidence: 'Báo cáo năm\nBiên bản kiểm tra' }] });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.data.criteria[0].evidence, 'Báo cáo năm\nBiên bản kiểm tra');
});

test('a card\'s evidence and points: 900 KB, \\u0001\\u001b, 10.004 and -0.004 refused with a field error, nothing stored; the rotation\'s proposals likewise', async () => {
  const base = texts;
  const POINTS = 'Điểm phải từ 0 đến điểm tối đa của tiêu chí, có tối đa hai chữ số thập phân';
  const cases = [
    [{ points: { C1: 5 }, evidence: { C1: 'x'.repeat(900 * 1024) } }, 'Minh chứng quá dài (tối đa 4000 ký tự)'],
    [{ points: { C1: 5 }, evidence: { C1: 'a\u0001\u001bb' } }, 'Minh chứng không được chứa ký tự điều khiển (được xuống dòng)'],
    [{ points: { C1: 10.004 } }, POINTS],
    [{ points: { C1: -0.004 } }, POINTS],
    [{ points: { C1: 10.01 } }, POINTS],
    [{ points: { C1: 9.995 } }, POINTS],
  ];
  for (const [body, msg] of cases) {
    const r = await put(admin, base + '/scorecards', { scorer: 'PA-S', target: 'PB-S', kind: 'cross', ...body });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.data.error.fields, { C1: msg });
  }
  assert.deepEqual((await admin.get(base + '/scorecards')).data.items, []);
  const ok = await put(admin, base + '/scorecards', { scorer: 'PA-S', target: 'PB-S', kind: 'cross', points: { C1: 9.99 }, evidence: { C1: 'Dòng một\nDòng hai' } });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.data.scores.map((x) => [x.points, x.evidence]), [[9.99, 'Dòng một\nDòng hai']]);
  // the rotation's proposals
  let y = (await twOfficer.get(base)).data;
  for (const [note, field] of [['x'.repeat(300000) + '\u0007', 'Các đề nghị quá dài (tối đa 4000 ký tự)'],
    ['Đề nghị\u0007', 'Các đề nghị không được chứa ký tự điều khiển (được xuống dòng)']]) {
    const r = await twOfficer.post(base + '/rotation', { json: { version: y.version, leader: 'PB-S', deputy: 'PA-S', note } });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.data.error.fields, { note: field });
  }
  y = (await twOfficer.get(base)).data;
  assert.deepEqual([y.rotation.leader, y.rotation.note], [null, null]);
  const r = await twOfficer.post(base + '/rotation', { json: { version: y.version, leader: 'PB-S', deputy: 'PA-S', note: 'Đề nghị một\nĐề nghị hai' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.rotation.note, 'Đề nghị một\nĐề nghị hai');
});

async function importSheet(base, version, csv) {
  const fd = new FormData();
  fd.append('version', String(version));
  fd.append('file', new Blob([csv], { type: 'text/csv' }), 'sheet.csv');
  return twOfficer.req('POST', base + '/criteria/import', { raw: fd });
}

test('the criteria import reports every bad line with its number, and stores nothing', async () => {
  const c = await twOfficer.post('/api/v1/clusters', { json: { code: 'CUM-IMP', name: 'Cụm nhập', kind: 'cluster', organiser_code: 'HD-TW' } });
  const y = await twOfficer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2031, members: ['PA-S', 'PB-S'] } });
  const base = `/api/v1/clusters/${c.data.id}/years/2031`;
  const csv = 'code,parent,kind,title,max,evidence\n' +
    'A,,group,Nhóm A,,\n' +
    'A.1,A,score,Một,"8,5",\n' +
    'A.2,A,score,Hai,abc,\n' +
    'A.3,X,score,Ba,5,\n' +
    'A.4,A,score,"Bốn\u0007",5,\n' +
    'A.1,A,score,Trùng,5,\n' +
    'A.5,A,score,Năm,"2,555",\n' +
    'A.6,A,score,Sáu,1.125,\n' +
    'A.7,A,score,Bảy,5,"Báo cáo\u001b"\n' +
    `A.8,A,score,${'y'.repeat(501)},5,\n`;
  const r = await importSheet(base, y.data.version, csv);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.data.error.fields.file, [
    'dòng 4: điểm tối đa không phải là một số',
    'dòng 5: Tiêu chí cha phải là một nhóm được liệt kê trước nó',
    'dòng 6: Tên tiêu chí phải là một dòng, không chứa ký tự điều khiển',
    'dòng 7: Hai tiêu chí trùng mã',
    'dòng 8: điểm tối đa có quá hai chữ số thập phân',
    'dòng 9: điểm tối đa không rõ nghĩa: viết hàng nghìn không có dấu chấm (1125) và phần thập phân bằng dấu phẩy (1,5)',
    'dòng 10: Minh chứng tiêu chí yêu cầu không được chứa ký tự điều khiển (được xuống dòng)',
    'dòng 11: Tên tiêu chí quá dài (tối đa 500 ký tự)',
  ].join('\n'));
  const same = await twOfficer.get(base);
  assert.deepEqual([same.data.version, same.data.criteria], [y.data.version, []]);
  // on the year's page, the reasons one a line
  const fd = new FormData();
  fd.append('what', 'import');
  fd.append('version', String(y.data.version));
  fd.append('file', new Blob([csv], { type: 'text/csv' }), 'sheet.csv');
  const page = await twOfficer.req('POST', `/clusters/${c.data.id}/years/2031`, { raw: fd });
  assert.equal(page.status, 422);
  assert.match(page.text, /<li class="import-errors">dòng 4: điểm tối đa không phải là một số\ndòng 5: /);
  // a file without the header's columns, and an empty one
  const noHeader = await importSheet(base, y.data.version, 'a,b\n1,2\n');
  assert.deepEqual([noHeader.status, noHeader.data.error.fields.file], [422, 'dòng 1: dòng tiêu đề phải có các cột mã, loại và tên tiêu chí']);
  const empty = await importSheet(base, y.data.version, '\n');
  assert.deepEqual([empty.status, empty.data.error.fields.file], [422, 'Tệp không có nội dung']);
});

test('the criteria import reads numbers the Vietnamese way: 1.000 is one thousand; a plain decimal (a number cell, the export) is kept', async () => {
  const c = await twOfficer.post('/api/v1/clusters', { json: { code: 'CUM-NUM', name: 'Cụm số', kind: 'cluster', organiser_code: 'HD-TW' } });
  const y = await twOfficer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2031, members: ['PA-S', 'PB-S'] } });
  const base = `/api/v1/clusters/${c.data.id}/years/2031`;
  const csv = 'code,kind,title,max\n' +
    'N1,score,Một nghìn,1.000\n' +
    'N2,score,Nghìn rưỡi,"1.500,5"\n' +
    'N3,score,Nửa,"0,5"\n' +
    'N4,score,Số thập phân,2.5\n' +
    'N5,score,Một triệu,1.000.000\n' +
    'N6,score,Mười hai nghìn rưỡi,12.500\n' +
    'N7,score,Mười,10\n';
  const r = await importSheet(base, y.data.version, csv);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.criteria.map((x) => [x.code, x.max]),
    [['N1', 1000], ['N2', 1500.5], ['N3', 0.5], ['N4', 2.5], ['N5', 1000000], ['N6', 12500], ['N7', 10]]);
  // the CSV export read back gives the same sheet
  const exp = await twOfficer.get(base + '/criteria/export?format=csv');
  assert.equal(exp.status, 200);
  const again = await importSheet(base, r.data.version, exp.text);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.data.criteria.map((x) => [x.code, x.max]), r.data.criteria.map((x) => [x.code, x.max]));
});
