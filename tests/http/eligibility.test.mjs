// Eligibility rules over HTTP: rule sets created through the API (a rule
// that does not parse is 422 with its line and column, overlapping dates
// 422, a stale version 409, only an officer or administrator at the top of
// the tree may write them), and GET /api/v1/eligibility with its exact shape
// and verdicts on records written with the sqlite3 shell (the achievements
// have no API of this branch yet), its 400/403/404, the rule change of 1 July
// 2025 chosen by the proposal's date, and the pages /rules, /rules/{id} and
// /eligibility; GET /api/v1/eligibility/scan (everyone of a subtree: counts,
// the people listed with their reasons, paging, 400/403/404) and the page's
// "everyone of the unit".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, mkUnit, mkPerson, sql } from './_util.mjs';

let env, srv, admin, u;
const en = { headers: { 'Accept-Language': 'en' } };

const RULES = {
  LDTT: 'rating at least good this year\nand manual “Chấp hành tốt chủ trương, chính sách; có đạo đức, lối sống tốt”',
  CSTDCS: 'title LDTT this year\nand (rating at least excellent this year or initiative at least grassroots this year)\n'
    + '# at most 15% of the unit\'s LDTT, rounded down\nand quota title CSTDCS at most 15% of title LDTT',
  TTLDXS: 'title TTLDTT this year\nand all members have rating at least completed\nand at least 70% of members have title LDTT\n'
    + 'and at least 1 member has title CSTDCS\nand no member has discipline at least warning',
  BEFORE: 'title CSTDCS for 6 consecutive years\nand initiative at least national in the last 6 years',
  AFTER: 'title CSTD_BO_TINH at least 2 times in the last 6 years\nand initiative at least national in the last 6 years',
};

const ok = (r, status) => { assert.equal(r.status, status, r.text); return r.data; };
async function ruleSet(c, award, rules, from, to = null, basis = 'Luật Thi đua, khen thưởng số 06/2022/QH15') {
  return ok(await c.post('/api/v1/rule-sets', { json: { award, legal_basis: basis, effective_from: from, effective_to: to, rules } }), 201);
}

let serial = 0;
// a fresh ward of Quảng Yên for one test, so that counts of members are the test's own
const mkWard = async (name) => mkUnit(admin, `W${++serial}`, name, 'ward', u.QY.id);
async function person(unit, name = 'Nguyễn Thị Lan') {
  return mkPerson(admin, { code: `CC-${++serial}`, full_name: name, gender: 'F', unit_id: unit.id });
}
// achievements: [person or unit, year, kind, value] rows, in one statement
function ach(rows) {
  const values = rows.map(([who, year, kind, value]) => {
    const pid = who.full_name ? who.id : 'NULL', uid = who.full_name ? 'NULL' : who.id;
    return `(${pid}, ${uid}, ${year}, '${kind}', '${value}', 'x', 'x')`;
  });
  sql(env.db, `INSERT INTO achievements (person_id, unit_id, year, kind, value, created_at, updated_at) VALUES ${values.join(', ')}`);
}
const check = (c, q, opts) => c.get('/api/v1/eligibility?' + new URLSearchParams(q).toString(), opts);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  u = {};
  u.QN = await mkUnit(admin, 'T-QN', 'Tỉnh Quảng Ninh', 'province');
  u.QY = await mkUnit(admin, 'QY', 'Thị xã Quảng Yên', 'district', u.QN.id);
  u.SL = await mkUnit(admin, 'T-SL', 'Tỉnh Sơn La', 'province');
  u.sets = {};
  for (const award of ['LDTT', 'CSTDCS', 'TTLDXS']) u.sets[award] = await ruleSet(admin, award, RULES[award], '2024-01-01');
  u.sets.before = await ruleSet(admin, 'CSTD_TOAN_QUOC', RULES.BEFORE, '2024-01-01', '2025-06-30',
    'Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP');
  u.sets.after = await ruleSet(admin, 'CSTD_TOAN_QUOC', RULES.AFTER, '2025-07-01', null,
    'Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 152/2025/NĐ-CP');
});

after(async () => { if (srv) await srv.stop(); });

// a ward with 20 LDTT in 2024 (the subject among them, rated excellent) and `others` CSTDCS besides the subject
async function quotaWard(others) {
  const ward = await mkWard('Phường Yên Giang');
  const subject = await person(ward, 'Trần Văn Bình');
  const rows = [[subject, 2024, 'title', 'LDTT'], [subject, 2024, 'rating', 'excellent']];
  for (let i = 0; i < 19; i++) {
    const p = await person(ward);
    rows.push([p, 2024, 'title', 'LDTT']);
    if (i < others) rows.push([p, 2024, 'title', 'CSTDCS']);
  }
  ach(rows);
  subject.ward = ward;
  return subject;
}

test('GET /api/v1/eligibility: the shape and an exact verdict (the 3rd CSTDCS of 20 LDTT is within 15%)', async () => {
  const p = await quotaWard(2);
  const r = await check(admin, { award: 'CSTDCS', person: p.code, year: 2024 }, en);
  assert.deepEqual(ok(r, 200), {
    verdict: 'eligible',
    rule_set: { id: u.sets.CSTDCS.id, legal_basis: 'Luật Thi đua, khen thưởng số 06/2022/QH15', effective_from: '2024-01-01', effective_to: null },
    conditions: [
      { text: 'Advanced Worker — in 2024', met: true, facts: ['Held in 2024'] },
      { text: 'Rated “completed tasks excellently” or better — in 2024', met: true, facts: ['Rated “completed tasks excellently” or better in 2024'] },
      { text: 'An initiative recognised at the grassroots level or higher — in 2024', met: false,
        facts: ['An initiative recognised at the grassroots level or higher missing for 2024'] },
      { text: 'Grassroots Emulation Fighter: at most 15% of those in the unit who hold Advanced Worker — in 2024', met: true,
        facts: ['Advanced Worker in the unit: 20', 'Limit: 3 (15% of 20, rounded down)', 'Grassroots Emulation Fighter already in the unit: 2; with this one: 3'] },
    ],
  });
  // Vietnamese by default
  const vi = ok(await check(admin, { award: 'CSTDCS', person: p.code, year: 2024 }), 200);
  assert.equal(vi.conditions[0].text, 'Lao động tiên tiến — năm 2024');
  assert.deepEqual(vi.conditions[3].facts, ['Lao động tiên tiến trong đơn vị: 20', 'Giới hạn: 3 (15% của 20, làm tròn xuống)',
    'Chiến sĩ thi đua cơ sở đã có trong đơn vị: 2; tính cả trường hợp này: 3']);
});

test('who holds the award for the year already is ineligible, and that is said first: the single check, the page and the scan alike', async () => {
  const p = await quotaWard(2);
  assert.equal(ok(await check(admin, { award: 'CSTDCS', person: p.code, year: 2024 }, en), 200).verdict, 'eligible');
  const before = ok(await scanOf(admin, { award: 'CSTDCS', unit: p.ward.code, year: 2024 }, en), 200);
  assert.deepEqual(before.counts, { eligible: 1, ineligible: 19, manual: 0, people: 20 });
  // the title recorded for 2024 (a decision made elsewhere)
  ach([[p, 2024, 'title', 'CSTDCS']]);
  const one = ok(await check(admin, { award: 'CSTDCS', person: p.code, year: 2024 }, en), 200);
  assert.equal(one.verdict, 'ineligible');
  assert.deepEqual(one.conditions[0], { text: 'Grassroots Emulation Fighter not held for 2024 yet', met: false, facts: ['Already awarded for 2024'] });
  assert.equal(one.conditions.length, 5);
  const after = ok(await scanOf(admin, { award: 'CSTDCS', unit: p.ward.code, year: 2024 }, en), 200);
  assert.deepEqual([after.counts, after.total], [{ eligible: 0, ineligible: 20, manual: 0, people: 20 }, 0]);
  const no = ok(await scanOf(admin, { award: 'CSTDCS', unit: p.ward.code, year: 2024, verdict: 'ineligible', limit: 100 }, en), 200);
  const it = no.items.find((x) => x.person_code === p.code);
  assert.equal(it.verdict, 'ineligible');
  assert.deepEqual(it.conditions, one.conditions);
  // the page, in Vietnamese
  const page = await admin.get(`/eligibility?award=CSTDCS&unit_id=${p.ward.id}&person_id=${p.id}&year=2024`);
  assert.match(page.text, /Chưa được tặng Chiến sĩ thi đua cơ sở năm 2024/);
  assert.match(page.text, /Đã được tặng cho năm 2024/);
  assert.match(page.text, /<p class="verdict verdict-ineligible">/);
});

test('the 4th CSTDCS of 20 LDTT is over the quota, and the answer says the limit is 3', async () => {
  const p = await quotaWard(3);
  const d = ok(await check(admin, { award: 'CSTDCS', person: p.code, year: 2024 }, en), 200);
  assert.equal(d.verdict, 'ineligible');
  assert.deepEqual(d.conditions[3], {
    text: 'Grassroots Emulation Fighter: at most 15% of those in the unit who hold Advanced Worker — in 2024', met: false,
    facts: ['Advanced Worker in the unit: 20', 'Limit: 3 (15% of 20, rounded down)', 'Grassroots Emulation Fighter already in the unit: 3; with this one: 4',
      'Over the quota: the limit is 3'],
  });
});

test('a collective: exactly 70% LDTT, all completing their tasks, one CSTDCS → eligible; a member below → not', async () => {
  const ward = await mkWard('Xã Liên Hòa');
  const rows = [[ward, 2024, 'title', 'TTLDTT']];
  const members = [];
  for (let i = 0; i < 10; i++) members.push(await person(ward));
  members.forEach((m, i) => {
    rows.push([m, 2024, 'rating', 'completed']);
    if (i < 7) rows.push([m, 2024, 'title', 'LDTT']);
  });
  rows.push([members[0], 2024, 'title', 'CSTDCS']);
  ach(rows);
  let d = ok(await check(admin, { award: 'TTLDXS', unit: ward.code, year: 2024 }, en), 200);
  assert.equal(d.verdict, 'eligible');
  assert.deepEqual(d.conditions.map((c) => [c.met, c.facts]), [
    [true, ['Held in 2024']], [true, ['10 of 10 members (100%)']], [true, ['7 of 10 members (70%)']],
    [true, ['1 of 10 members (10%)']], [true, ['0 of 10 members (0%)']],
  ]);
  assert.equal(d.conditions[2].text, 'Advanced Worker: at least 70% of the members — in 2024');
  ach([[members[9], 2024, 'discipline', 'warning']]);
  d = ok(await check(admin, { award: 'TTLDXS', unit: ward.code, year: 2024 }, en), 200);
  assert.equal(d.verdict, 'ineligible');
  assert.deepEqual(d.conditions[4], { text: 'Disciplined at the level of warning or above: no member — in 2024', met: false,
    facts: ['1 of 10 members (10%)', 'None is allowed'] });
});

test('a condition only a person can judge: the verdict is manual, its met is null', async () => {
  const ward = await mkWard('Phường Nam Hòa');
  const p = await person(ward);
  ach([[p, 2024, 'rating', 'good']]);
  const d = ok(await check(admin, { award: 'LDTT', person: p.code, year: 2024 }, en), 200);
  assert.equal(d.verdict, 'manual');
  assert.deepEqual(d.conditions[1], { text: 'Chấp hành tốt chủ trương, chính sách; có đạo đức, lối sống tốt', met: null, facts: ['To be judged by a person'] });
});

test('the rule change of 1 July 2025: the proposal’s date chooses the rule set, by default 31 December', async () => {
  const ward = await mkWard('Phường Phong Cốc');
  const p = await person(ward);
  const rows = [[p, 2022, 'title', 'CSTD_BO_TINH'], [p, 2024, 'initiative', 'national']];
  for (let y = 2020; y <= 2025; y++) rows.push([p, y, 'title', 'CSTDCS']);
  ach(rows);
  const before = ok(await check(admin, { award: 'CSTD_TOAN_QUOC', person: p.code, year: 2025, date: '2025-06-30' }, en), 200);
  assert.equal(before.verdict, 'eligible');
  assert.deepEqual(before.rule_set, { id: u.sets.before.id, legal_basis: 'Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP',
    effective_from: '2024-01-01', effective_to: '2025-06-30' });
  const afterIt = ok(await check(admin, { award: 'CSTD_TOAN_QUOC', person: p.code, year: 2025, date: '2025-07-01' }, en), 200);
  assert.equal(afterIt.verdict, 'ineligible');
  assert.equal(afterIt.rule_set.id, u.sets.after.id);
  assert.deepEqual(afterIt.conditions[0], { text: 'Ministry/Province Emulation Fighter — at least 2 times in 2020–2025', met: false,
    facts: ['Held in 2022', '1 times; 2 needed'] });
  const dflt = ok(await check(admin, { award: 'CSTD_TOAN_QUOC', person: p.code, year: 2025 }, en), 200);
  assert.equal(dflt.rule_set.id, u.sets.after.id);
  // before 2024 nothing is in force
  const none = await check(admin, { award: 'CSTD_TOAN_QUOC', person: p.code, year: 2023 }, en);
  assert.equal(none.status, 404);
  assert.equal(none.data.error.message, 'No rule set of National Emulation Fighter is in force on 31 Dec 2023: its rules apply from 1 Jan 2024');
});

test('GET /api/v1/eligibility: 400 for bad parameters, 404 for unknown codes, 403 outside the readable subtree', async () => {
  const ward = await mkWard('Phường Minh Thành');
  const p = await person(ward);
  const bad = async (q, field) => {
    const r = await check(admin, q, en);
    assert.equal(r.status, 400, JSON.stringify(q) + r.text);
    if (field) assert.ok(r.data.error.fields[field], r.text);
    return r;
  };
  await bad({ person: p.code, year: 2024 }, 'award');
  await bad({ award: 'LDTT', year: 2024 }, 'person');
  await bad({ award: 'LDTT', person: p.code, unit: ward.code, year: 2024 }, 'unit');
  await bad({ award: 'LDTT', person: p.code }, 'year');
  await bad({ award: 'LDTT', person: p.code, year: 'two' }, 'year');
  await bad({ award: 'LDTT', person: p.code, year: 1800 }, 'year');
  await bad({ award: 'LDTT', person: p.code, year: 2024, date: '30/06/2025' }, 'date');
  // an award for collectives asked for a person
  const kind = await bad({ award: 'TTLDXS', person: p.code, year: 2024 });
  assert.deepEqual(kind.data, { error: { code: 'bad_request', message: 'This award is for collectives, not for individuals' } });
  for (const q of [{ award: 'NOPE', person: p.code, year: 2024 }, { award: 'LDTT', person: 'CC-NOPE', year: 2024 },
    { award: 'LDTT', unit: 'NOPE', year: 2024 }]) {
    const r = await check(admin, q, en);
    assert.equal(r.status, 404, JSON.stringify(q));
    assert.equal(r.data.error.code, 'not_found');
  }
  // a reporter of Sơn La may not look at a person of Quảng Yên; a viewer of Quảng Yên may
  const [rpw, vpw] = await Promise.all([addUserAsync(BIN, env.db, 'sl.reporter', 'reporter', 'T-SL'), addUserAsync(BIN, env.db, 'qy.viewer', 'viewer', 'QY')]);
  const reporter = new Client(srv.base), viewer = new Client(srv.base);
  await reporter.login('sl.reporter', rpw);
  await viewer.login('qy.viewer', vpw);
  const denied = await check(reporter, { award: 'LDTT', person: p.code, year: 2024 }, en);
  assert.equal(denied.status, 403);
  assert.equal(denied.data.error.code, 'forbidden');
  assert.equal((await check(reporter, { award: 'TTLDXS', unit: ward.code, year: 2024 }, en)).status, 403);
  assert.equal((await check(viewer, { award: 'LDTT', person: p.code, year: 2024 }, en)).status, 200);
  // without a login
  assert.equal((await check(new Client(srv.base), { award: 'LDTT', person: p.code, year: 2024 })).status, 401);
});

test('POST /api/v1/rule-sets: a malformed rule is 422 with its line, column and reason', async () => {
  const r = await admin.post('/api/v1/rule-sets', { ...en, json: { award: 'GK', legal_basis: 'Quyết định', effective_from: '2024-01-01',
    rules: 'rating at least good this year\r\nand title NOPE' } });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data, { error: { code: 'validation', message: 'Some fields are not valid',
    fields: { rules: 'Line 2, column 11: Unknown award code “NOPE”' },
    rule_error: { line: 2, column: 11, reason: 'Unknown award code “NOPE”' } } });
  // in Vietnamese, and a syntax error counted in characters after Vietnamese words
  const vi = await admin.post('/api/v1/rule-sets', { json: { award: 'GK', legal_basis: 'Quyết định', effective_from: '2024-01-01',
    rules: 'manual “Tiếng Việt” title LDTT' } });
  assert.equal(vi.status, 422);
  assert.deepEqual(vi.data.error.rule_error, { line: 1, column: 21, reason: 'Cần “and” hoặc “or” giữa hai điều kiện, nhưng gặp “title”' });
  assert.equal(vi.data.error.fields.rules, 'Dòng 1, cột 21: Cần “and” hoặc “or” giữa hai điều kiện, nhưng gặp “title”');
  // other fields at fault: no rule_error
  const missing = await admin.post('/api/v1/rule-sets', { ...en, json: { award: 'NOPE', effective_from: '2024-13-01', rules: 'title LDTT' } });
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.data.error.fields, { award: 'No award has this code', legal_basis: 'Is required', effective_from: 'Is not a date (YYYY-MM-DD)' });
  assert.equal(missing.data.error.rule_error, undefined);
});

test('rule sets: overlapping dates refused, a stale version 409, only an officer or admin at the top writes', async () => {
  const first = await ruleSet(admin, 'GK', 'rating at least good this year', '2024-01-01');
  assert.equal(first.version, 1);
  assert.equal(first.award_name, 'Giấy khen');
  assert.equal(first.effective_to, null);
  const overlap = await admin.post('/api/v1/rule-sets', { ...en, json: { award: 'GK', legal_basis: 'x', effective_from: '2025-01-01', rules: 'title LDTT' } });
  assert.equal(overlap.status, 422);
  assert.deepEqual(overlap.data.error.fields, { effective_from: 'Overlaps the dates of another rule set of this award' });
  // end the first at 2024, then a second fits
  const ended = ok(await admin.patch(`/api/v1/rule-sets/${first.id}`, { json: { version: 1, effective_to: '2024-12-31' } }), 200);
  assert.equal(ended.version, 2);
  assert.equal(ended.effective_to, '2024-12-31');
  const stale = await admin.patch(`/api/v1/rule-sets/${first.id}`, { json: { version: 1, rules: 'title LDTT' } });
  assert.equal(stale.status, 409);
  assert.equal(stale.data.error.code, 'conflict');
  const noVersion = await admin.patch(`/api/v1/rule-sets/${first.id}`, { ...en, json: { rules: 'title LDTT' } });
  assert.equal(noVersion.status, 422);
  assert.ok(noVersion.data.error.fields.version);
  const broken = await admin.patch(`/api/v1/rule-sets/${first.id}`, { ...en, json: { version: 2, rules: 'title LDTT or' } });
  assert.equal(broken.status, 422);
  assert.deepEqual(broken.data.error.rule_error, { line: 1, column: 14,
    reason: 'Expected a condition (title, rating, initiative, no, at least, more than, all, quota, after, manual, person or collective), found the end of the rule' });
  const second = await ruleSet(admin, 'GK', 'rating at least excellent this year', '2025-01-01');
  const list = ok(await admin.get('/api/v1/rule-sets?award=GK'), 200);
  assert.deepEqual(list.items.map((x) => [x.id, x.effective_from, x.effective_to, x.version]),
    [[first.id, '2024-01-01', '2024-12-31', 2], [second.id, '2025-01-01', null, 1]]);
  assert.deepEqual(ok(await admin.get(`/api/v1/rule-sets/${second.id}`), 200), second);
  assert.equal((await admin.get('/api/v1/rule-sets?award=NOPE')).status, 404);
  assert.equal((await admin.get('/api/v1/rule-sets/999999')).status, 404);
  // an officer of a province may not write the country's rules; a viewer at the top neither; an officer at the top may
  const [opw, vpw, tpw] = await Promise.all([addUserAsync(BIN, env.db, 'qn.officer', 'officer', 'T-QN'),
    addUserAsync(BIN, env.db, 'top.viewer', 'viewer', 'VN'), addUserAsync(BIN, env.db, 'top.officer', 'officer', 'VN')]);
  const officer = new Client(srv.base), viewer = new Client(srv.base), top = new Client(srv.base);
  await officer.login('qn.officer', opw);
  await viewer.login('top.viewer', vpw);
  await top.login('top.officer', tpw);
  const body = { award: 'BK_BO_TINH', legal_basis: 'Quy định của tỉnh', effective_from: '2024-01-01', rules: 'rating at least excellent for 2 consecutive years' };
  assert.equal((await officer.post('/api/v1/rule-sets', { json: body })).status, 403);
  assert.equal((await officer.patch(`/api/v1/rule-sets/${second.id}`, { json: { version: 1, legal_basis: 'x' } })).status, 403);
  assert.equal((await viewer.post('/api/v1/rule-sets', { json: body })).status, 403);
  const created = await top.post('/api/v1/rule-sets', { json: body });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('location'), `/api/v1/rule-sets/${created.data.id}`);
  // everyone logged in reads them
  assert.equal((await officer.get(`/api/v1/rule-sets/${created.data.id}`)).status, 200);
  // every change is audited
  const audits = sql(env.db, `SELECT action FROM audit_log WHERE entity = 'rule_set' AND entity_id = ${first.id} ORDER BY id`);
  assert.deepEqual(audits.split('\n'), ['create', 'update']);
});

test('the pages: /rules lists the rule sets, /rules/{id} shows a parse error at its line and column, /eligibility answers', async () => {
  const list = await admin.get('/rules');
  assert.equal(list.status, 200);
  assert.match(list.text, /<h2>Chiến sĩ thi đua toàn quốc <span class="code">CSTD_TOAN_QUOC<\/span><\/h2>/);
  assert.match(list.text, /Nghị định 152\/2025\/NĐ-CP/);
  assert.match(list.text, new RegExp(`<a href="/rules/${u.sets.after.id}">`));
  assert.match(list.text, /<a class="button" href="\/rules\/new\?award=LDTT">/);
  const page = await admin.get(`/rules/${u.sets.CSTDCS.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<textarea id="f-rules" name="rules"[^>]*>\ntitle LDTT this year\nand \(rating/);
  // a form post with a rule that does not parse: 422, the message and a caret under the column, nothing saved
  const form = new URLSearchParams({ version: String(u.sets.CSTDCS.version), legal_basis: u.sets.CSTDCS.legal_basis, effective_from: '2024-01-01',
    effective_to: '', rules: 'title LDTT this year\r\nand rating at least great', active: '1' });
  const bad = await admin.req('POST', `/rules/${u.sets.CSTDCS.id}`, { raw: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<p>Dòng 2, cột 21: Mức xếp loại “great” không hợp lệ: dùng excellent/);
  assert.match(bad.text, /<pre class="rule-error" aria-hidden="true">and rating at least great\n {20}\^<\/pre>/);
  assert.match(bad.text, /<textarea [^>]*aria-invalid="true"[^>]*>\ntitle LDTT this year\nand rating at least great<\/textarea>/);
  assert.equal(ok(await admin.get(`/api/v1/rule-sets/${u.sets.CSTDCS.id}`), 200).rules, RULES.CSTDCS);
  // the eligibility page, with the unit and person chosen by id (the pickers post ids)
  const ward = await mkWard('Phường Hà An');
  const p = await person(ward, 'Lê Thị Hoa');
  ach([[p, 2024, 'rating', 'good']]);
  const empty = await admin.get('/eligibility');
  assert.equal(empty.status, 200);
  assert.match(empty.text, /data-url="\/pick\/units\?for=read"/);
  const answer = await admin.get(`/eligibility?award=LDTT&unit_id=${ward.id}&person_id=${p.id}&year=2024`);
  assert.equal(answer.status, 200);
  assert.match(answer.text, /<h2 id="verdict">Lao động tiên tiến · Lê Thị Hoa · 2024<\/h2>/);
  assert.match(answer.text, /<p class="verdict verdict-manual"><b>Đủ điều kiện nếu người xét duyệt xác nhận các điều kiện cần đánh giá<\/b><\/p>/);
  assert.match(answer.text, /<li><p><span class="stage stage-launched">Đạt<\/span> Xếp loại “hoàn thành tốt nhiệm vụ” trở lên — năm 2024<\/p>/);
  const wrong = await admin.get(`/eligibility?award=TTLDXS&unit_id=${ward.id}&person_id=${p.id}&year=2024`);
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /Danh hiệu, hình thức này dành cho tập thể, không dành cho cá nhân/);
});

// a district of Quảng Ninh with two wards: two eligible for CSTD_BO_TINH in 2024, one with a gap year, one without records, one inactive
async function scanDistrict() {
  if (!u.setBO) u.setBO = await ruleSet(admin, 'CSTD_BO_TINH', 'title CSTDCS for 3 consecutive years\nand initiative at least province in the last 3 years', '2024-01-01');
  const district = await mkUnit(admin, `SC${++serial}`, 'Huyện Cô Tô', 'district', u.QN.id);
  const w1 = await mkUnit(admin, `SC${++serial}`, 'Thị trấn Cô Tô', 'ward', district.id);
  const w2 = await mkUnit(admin, `SC${++serial}`, 'Xã Thanh Lân', 'commune', district.id);
  const lan = await person(w1, 'Nguyễn Thị Lan'), binh = await person(w1, 'Trần Văn Bình');
  const cuong = await person(w2, 'Lê Văn Cường'), dung = await person(w2, 'Phạm Thị Dung'), gone = await person(w2, 'Vũ Thị Giang');
  const rows = [[lan, 2023, 'initiative', 'province'], [binh, 2022, 'title', 'CSTDCS'], [binh, 2024, 'title', 'CSTDCS'], [binh, 2024, 'initiative', 'national'],
    [dung, 2024, 'initiative', 'national'], [gone, 2023, 'initiative', 'province']];
  for (const p of [lan, dung, gone]) for (let y = 2022; y <= 2024; y++) rows.push([p, y, 'title', 'CSTDCS']);
  ach(rows);
  sql(env.db, `UPDATE people SET active = 0 WHERE id = ${gone.id}`);
  return { district, w1, w2, lan, binh, cuong, dung };
}
const scanOf = (c, q, opts) => c.get('/api/v1/eligibility/scan?' + new URLSearchParams(q).toString(), opts);

test('GET /api/v1/eligibility/scan: everyone of a subtree, the counts, the eligible with their reasons, paged', async () => {
  const d = await scanDistrict();
  const r = ok(await scanOf(admin, { award: 'CSTD_BO_TINH', unit: d.district.code, year: 2024 }, en), 200);
  assert.deepEqual(r, {
    award: 'CSTD_BO_TINH', year: 2024, unit: { id: d.district.id, code: d.district.code, name: 'Huyện Cô Tô' },
    rule_set: { id: u.setBO.id, legal_basis: 'Luật Thi đua, khen thưởng số 06/2022/QH15', effective_from: '2024-01-01', effective_to: null },
    counts: { eligible: 2, ineligible: 2, manual: 0, people: 4 },
    items: [
      { person_code: d.lan.code, full_name: 'Nguyễn Thị Lan', unit_code: d.w1.code, unit_name: 'Thị trấn Cô Tô', verdict: 'eligible', conditions: [
        { text: 'Grassroots Emulation Fighter — 3 consecutive years, 2022–2024', met: true, facts: ['Held in 2022–2024'] },
        { text: 'An initiative recognised at the ministry or province level or higher — at least once in 2022–2024', met: true,
          facts: ['An initiative at the ministry or province level or higher in 2023'] }] },
      { person_code: d.dung.code, full_name: 'Phạm Thị Dung', unit_code: d.w2.code, unit_name: 'Xã Thanh Lân', verdict: 'eligible', conditions: [
        { text: 'Grassroots Emulation Fighter — 3 consecutive years, 2022–2024', met: true, facts: ['Held in 2022–2024'] },
        { text: 'An initiative recognised at the ministry or province level or higher — at least once in 2022–2024', met: true,
          facts: ['An initiative at the ministry or province level or higher in 2024'] }] },
    ],
    total: 2, limit: 50, offset: 0,
  });
  // each person's answer is the single check's
  for (const it of r.items) {
    const one = ok(await check(admin, { award: 'CSTD_BO_TINH', person: it.person_code, year: 2024 }, en), 200);
    assert.deepEqual(one.conditions, it.conditions);
  }
  // the ineligible, with the gap year in words
  const no = ok(await scanOf(admin, { award: 'CSTD_BO_TINH', unit: d.district.code, year: 2024, verdict: 'ineligible' }, en), 200);
  assert.equal(no.total, 2);
  assert.deepEqual(no.items.map((x) => [x.full_name, x.verdict]), [['Trần Văn Bình', 'ineligible'], ['Lê Văn Cường', 'ineligible']]);
  assert.deepEqual(no.items[0].conditions[0], { text: 'Grassroots Emulation Fighter — 3 consecutive years, 2022–2024', met: false,
    facts: ['Held in 2022, 2024', 'Grassroots Emulation Fighter missing for 2023'] });
  // one ward; a page of one from the second
  const w2 = ok(await scanOf(admin, { award: 'CSTD_BO_TINH', unit: d.w2.code, year: 2024 }, en), 200);
  assert.deepEqual(w2.counts, { eligible: 1, ineligible: 1, manual: 0, people: 2 });
  const page = ok(await scanOf(admin, { award: 'CSTD_BO_TINH', unit: d.district.code, year: 2024, limit: 1, offset: 1 }, en), 200);
  assert.deepEqual([page.total, page.limit, page.offset, page.items.map((x) => x.full_name)], [2, 1, 1, ['Phạm Thị Dung']]);
  assert.deepEqual(page.counts, { eligible: 2, ineligible: 2, manual: 0, people: 4 });
  // Vietnamese by default
  const vi = ok(await scanOf(admin, { award: 'CSTD_BO_TINH', unit: d.district.code, year: 2024, limit: 1 }), 200);
  assert.equal(vi.items[0].conditions[0].text, 'Chiến sĩ thi đua cơ sở — 3 năm liên tục, 2022–2024');
  // a manual condition: LDTT is eligible if a person confirms; nobody here is rated, so all are ineligible
  const ldtt = ok(await scanOf(admin, { award: 'LDTT', unit: d.district.code, year: 2024 }, en), 200);
  assert.deepEqual([ldtt.counts, ldtt.total, ldtt.items], [{ eligible: 0, ineligible: 4, manual: 0, people: 4 }, 0, []]);
});

test('GET /api/v1/eligibility/scan: 400 for bad parameters, 404 for unknown codes, 403 outside the readable subtree', async () => {
  const d = await scanDistrict();
  const q = { award: 'CSTD_BO_TINH', unit: d.district.code, year: 2024 };
  const bad = async (over, field) => {
    const params = { ...q, ...over };
    for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
    const r = await scanOf(admin, params, en);
    assert.equal(r.status, 400, JSON.stringify(params) + r.text);
    if (field) assert.ok(r.data.error.fields[field], r.text);
    return r;
  };
  await bad({ award: undefined }, 'award');
  await bad({ unit: undefined }, 'unit');
  await bad({ year: undefined }, 'year');
  await bad({ year: 1800 }, 'year');
  await bad({ verdict: 'maybe' }, 'verdict');
  await bad({ limit: 0 }, 'limit');
  await bad({ offset: -1 }, 'offset');
  await bad({ date: '31/12/2024' }, 'date');
  const kind = await bad({ award: 'TTLDXS' });
  assert.deepEqual(kind.data, { error: { code: 'bad_request', message: 'This award is for collectives, not for individuals' } });
  for (const over of [{ award: 'NOPE' }, { unit: 'NOPE' }, { year: 2023 }]) {
    const r = await scanOf(admin, { ...q, ...over }, en);
    assert.equal(r.status, 404, JSON.stringify(over));
    assert.equal(r.data.error.code, 'not_found');
  }
  // a viewer of one ward may scan the ward, not the district; a reporter of Sơn La neither
  const [vpw, rpw] = await Promise.all([addUserAsync(BIN, env.db, `w.viewer${serial}`, 'viewer', d.w1.code), addUserAsync(BIN, env.db, `sl.rep${serial}`, 'reporter', 'T-SL')]);
  const viewer = new Client(srv.base), reporter = new Client(srv.base);
  await viewer.login(`w.viewer${serial}`, vpw);
  await reporter.login(`sl.rep${serial}`, rpw);
  const denied = await scanOf(viewer, q, en);
  assert.equal(denied.status, 403);
  assert.equal(denied.data.error.code, 'forbidden');
  assert.equal((await scanOf(reporter, q, en)).status, 403);
  const own = ok(await scanOf(viewer, { ...q, unit: d.w1.code }, en), 200);
  assert.deepEqual(own.counts, { eligible: 1, ineligible: 1, manual: 0, people: 2 });
  assert.equal((await scanOf(new Client(srv.base), q)).status, 401);
});

test('the page /eligibility: everyone of the unit, the counts as links, the eligible with their reasons, the other verdicts', async () => {
  const d = await scanDistrict();
  const base = `/eligibility?award=CSTD_BO_TINH&unit_id=${d.district.id}&year=2024&everyone=1`;
  const page = await admin.get(base);
  assert.equal(page.status, 200);
  assert.match(page.text, /<h2 id="everyone">Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh · Huyện Cô Tô · 2024<\/h2>/);
  assert.match(page.text, /Số cán bộ được xét: <b>4<\/b>/);
  const href = base.replace(/&/g, '&amp;').replace(/[?]/g, '\\?');
  assert.match(page.text, new RegExp(`<li class="verdict-eligible"><a href="${href}&amp;verdict=eligible" aria-current="true">Đủ điều kiện: <b>2</b></a></li>`));
  assert.match(page.text, /<li class="verdict-ineligible"><a href="[^"]*verdict=ineligible">Không đủ điều kiện: <b>2<\/b><\/a><\/li>/);
  // the two eligible, in the order of their units, each with the conditions
  const names = [...page.text.matchAll(/<li><p><b>([^<]+)<\/b> <span class="code">/g)].map((m) => m[1]);
  assert.deepEqual(names, ['Nguyễn Thị Lan', 'Phạm Thị Dung']);
  assert.match(page.text, /<li><p><span class="stage stage-launched">Đạt<\/span> Chiến sĩ thi đua cơ sở — 3 năm liên tục, 2022–2024<\/p>/);
  // the ineligible, in English
  const no = await admin.get(`${base}&verdict=ineligible`, en);
  assert.equal(no.status, 200);
  assert.deepEqual([...no.text.matchAll(/<li><p><b>([^<]+)<\/b> <span class="code">/g)].map((m) => m[1]), ['Trần Văn Bình', 'Lê Văn Cường']);
  assert.match(no.text, /<li>Grassroots Emulation Fighter missing for 2023<\/li>/);
  // an award for collectives: 400 with the reason on the page
  const wrong = await admin.get(`/eligibility?award=TTLDXS&unit_id=${d.district.id}&year=2024&everyone=1`);
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /Danh hiệu, hình thức này dành cho tập thể, không dành cho cá nhân/);
  // the form offers it
  const form = await admin.get('/eligibility');
  assert.match(form.text, /<button type="submit" class="button" name="everyone" value="1">Kiểm tra tất cả cán bộ của đơn vị<\/button>/);
});
