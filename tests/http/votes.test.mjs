// Votes (issue 11): secret-ballot rounds of a cluster or a council. The
// threshold at its edge over all members and over those present, the 20%
// quota at its edge, one ballot per voter, no result before the close (for
// the administrator too), the limit of choices, non-voters, receipts, a close
// racing ballots, the ballot table's schema (nothing links a ballot to its
// voter, on SQLite and PostgreSQL), a round from a proposal's nominees, people
// out of the organiser's scope refused as candidates, and the rounds of a
// cluster year: attached by its organiser only, shown only to their readers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, mkPerson, sql, loginAs } from './_util.mjs';
import { unzip } from '../lib/xlsx_edit.mjs';

const onPg = !!process.env.THIDUA_TEST_PG;
let env, srv, admin, org, hd = [], units = {};
const COUNCIL = Array.from({ length: 10 }, (_, i) => `hd.${String(i + 1).padStart(2, '0')}`);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const tw = await mkUnit(admin, 'TW-HD', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'agency');
  for (const [code, name] of [['T-THANHHOA', 'Tỉnh Thanh Hóa'], ['T-NGHEAN', 'Tỉnh Nghệ An'], ['T-HATINH', 'Tỉnh Hà Tĩnh'],
    ['T-QUANGBINH', 'Tỉnh Quảng Bình'], ['T-QUANGTRI', 'Tỉnh Quảng Trị'], ['T-HUE', 'Tỉnh Thừa Thiên Huế']]) {
    units[code] = await mkUnit(admin, code, name, 'province');
  }
  addUser(env.db, 'tw.officer', 'officer', 'TW-HD');
  addUser(env.db, 'ht.viewer', 'viewer', 'T-HATINH');
  addUser(env.db, 'qb.viewer', 'viewer', 'T-QUANGBINH');
  for (const l of COUNCIL) addUser(env.db, l, 'council', 'TW-HD');
  org = await as('tw.officer');
  hd = await Promise.all(COUNCIL.map((l) => as(l)));
  void tw;
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login);

async function round(body, by = org) {
  const r = await by.post('/api/v1/votes', { json: { voters: COUNCIL, ...body } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.status, 'draft');
  return r.data;
}

async function open(v) {
  const r = await org.post(`/api/v1/votes/${v.id}/open`);
  assert.equal(r.status, 200, r.text);
  return r.data;
}

async function cast(c, v, choices) {
  const r = await c.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.data.receipt, /^[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}$/);
  return r.data.receipt;
}

async function close(v) {
  const r = await org.post(`/api/v1/votes/${v.id}/close`);
  assert.equal(r.status, 200, r.text);
  const res = await org.get(`/api/v1/votes/${v.id}/result`);
  assert.equal(res.status, 200, res.text);
  return res.data;
}

const byLabel = (res) => Object.fromEntries(res.candidates.map((c) => [c.label, c]));

test('90% of all members: 9 yes of 10 passes, 8 fails; the result is hidden until the close, for the administrator too', async () => {
  const v = await round({ title: 'Suy tôn Chiến sĩ thi đua toàn quốc', threshold_pct: 90, base: 'all_members',
    candidates: [{ label: 'Nguyễn Văn An' }, { label: 'Trần Thị Bình' }] });
  assert.deepEqual(v.candidates.map((c) => c.label), ['Nguyễn Văn An', 'Trần Thị Bình']);
  assert.equal(v.candidates[0].yes, undefined);
  const [a, b] = v.candidates.map((c) => c.id);
  assert.equal((await hd[0].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [a] } })).status, 409, 'not open yet');
  await open(v);
  const receipts = [];
  for (let i = 0; i < 8; i++) receipts.push(await cast(hd[i], v, [a, b]));
  receipts.push(await cast(hd[8], v, [a]));
  receipts.push(await cast(hd[9], v, []));
  for (const c of [admin, org, hd[0]]) {
    const r = await c.get(`/api/v1/votes/${v.id}/result`);
    assert.equal(r.status, 409);
    assert.equal(r.data.error.code, 'state');
  }
  const mid = await admin.get(`/api/v1/votes/${v.id}`);
  assert.equal(mid.data.ballots, 10);
  assert.equal(mid.data.candidates[0].yes, undefined, 'no count before the close');
  const res = await close(v);
  assert.equal(res.voters, 10);
  assert.equal(res.ballots, 10);
  assert.equal(res.base_count, 10);
  assert.equal(res.threshold_pct, 90);
  assert.equal(res.quota, null);
  const c = byLabel(res);
  assert.deepEqual([c['Nguyễn Văn An'].yes, c['Nguyễn Văn An'].share, c['Nguyễn Văn An'].passed], [9, 90, true]);
  assert.deepEqual([c['Trần Thị Bình'].yes, c['Trần Thị Bình'].share, c['Trần Thị Bình'].passed], [8, 80, false]);
  // each receipt checks out after the close: the choices as cast, counted
  const r9 = await hd[8].get(`/api/v1/votes/${v.id}/receipts/${receipts[8]}`);
  assert.equal(r9.status, 200);
  assert.deepEqual(r9.data.choices, [{ id: a, label: 'Nguyễn Văn An' }]);
  assert.equal(r9.data.counted, true);
  const r10 = await hd[9].get(`/api/v1/votes/${v.id}/receipts/${receipts[9].toUpperCase()}`);
  assert.deepEqual(r10.data.choices, []);
  const r1 = await hd[0].get(`/api/v1/votes/${v.id}/receipts/${receipts[0]}`);
  assert.deepEqual(r1.data.choices.map((x) => x.id), [a, b]);
  assert.equal((await hd[0].get(`/api/v1/votes/${v.id}/receipts/00000-00000-00000-00000`)).status, 404);
  // after the close, no more ballots
  assert.equal((await hd[0].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [a] } })).status, 409);
});

test('base present with 8 of 10 present: 8 yes is 100% and passes, 7 is 87.5% and fails; an absent member cannot vote', async () => {
  const v = await round({ title: 'Hội đồng xét Bằng khen', threshold_pct: 90, base: 'present',
    candidates: [{ label: 'Tập thể A' }, { label: 'Tập thể B' }] });
  const early = await org.post(`/api/v1/votes/${v.id}/open`);
  assert.equal(early.status, 409, 'who is present must be recorded first');
  const p = await org.post(`/api/v1/votes/${v.id}/present`, { json: { present: COUNCIL.slice(0, 8) } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.data.present, 8);
  await open(v);
  const [a, b] = v.candidates.map((c) => c.id);
  const absent = await hd[9].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [a] } });
  assert.equal(absent.status, 403);
  for (let i = 0; i < 7; i++) await cast(hd[i], v, [a, b]);
  await cast(hd[7], v, [a]);
  const res = await close(v);
  assert.equal(res.base_count, 8);
  assert.equal(res.present, 8);
  const c = byLabel(res);
  assert.deepEqual([c['Tập thể A'].yes, c['Tập thể A'].share, c['Tập thể A'].passed], [8, 100, true]);
  assert.deepEqual([c['Tập thể B'].yes, c['Tập thể B'].share, c['Tập thể B'].passed], [7, 87.5, false]);
});

test('a second ballot is 409, too many choices 422, a non-voter 403 (the organiser and the administrator too)', async () => {
  const v = await round({ title: 'Bình chọn cụm trưởng', threshold_pct: 50, base: 'all_members', max_choices: 1,
    candidates: [{ unit_code: 'T-HATINH' }, { unit_code: 'T-QUANGTRI' }] });
  assert.deepEqual(v.candidates.map((c) => [c.label, c.unit_code]), [['Tỉnh Hà Tĩnh', 'T-HATINH'], ['Tỉnh Quảng Trị', 'T-QUANGTRI']]);
  await open(v);
  const [a, b] = v.candidates.map((c) => c.id);
  const many = await hd[0].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [a, b] } });
  assert.equal(many.status, 422);
  assert.equal(many.data.error.fields.choices, 'Chọn quá số lượng cho phép của cuộc bỏ phiếu này');
  const other = await hd[0].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [999999] } });
  assert.equal(other.status, 422);
  await cast(hd[0], v, [a]);
  const again = await hd[0].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [b] } });
  assert.equal(again.status, 409);
  assert.equal(again.data.error.code, 'state');
  for (const c of [org, admin, await as('ht.viewer')]) {
    const r = await c.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [a] } });
    assert.equal(r.status, 403);
  }
  const mine = await hd[0].get(`/api/v1/votes/${v.id}`);
  assert.equal(mine.data.is_voter, true);
  assert.equal(mine.data.has_voted, true);
  // a voter who has not voted
  assert.equal((await hd[1].get(`/api/v1/votes/${v.id}`)).data.has_voted, false);
  // a council member outside the round cannot even read it: a reader of another unit
  const ht = await as('ht.viewer');
  assert.equal((await ht.get(`/api/v1/votes/${v.id}`)).status, 403);
  const list = await hd[1].get('/api/v1/votes');
  assert.ok(list.data.items.some((x) => x.id === v.id && x.is_voter && !x.has_voted));
  // only an organiser opens or closes
  assert.equal((await hd[0].post(`/api/v1/votes/${v.id}/close`)).status, 403);
});

test('a quota that lets nobody pass is refused: 0%, or 20% of 4 (0,8 rounds down to 0); 20% of 5 lets one', async () => {
  const body = { title: 'Cờ thi đua — hạn mức', threshold_pct: 60, base: 'all_members', candidates: [{ label: 'X' }, { label: 'Y' }] };
  const nobody = 'This quota lets nobody pass: its share of the count is less than one; leave it empty for no quota';
  for (const [pct, of] of [[0, 10], [20, 4]]) {
    const r = await org.post('/api/v1/votes', { json: { voters: COUNCIL, ...body, quota_pct: pct, quota_of: of }, headers: { 'Accept-Language': 'en' } });
    assert.equal(r.status, 422, `${pct}% of ${of}`);
    assert.deepEqual(r.data.error.fields, { quota_pct: nobody }, `${pct}% of ${of}`);
  }
  const vi = await org.post('/api/v1/votes', { json: { voters: COUNCIL, ...body, quota_pct: 20, quota_of: 4 }, headers: { 'Accept-Language': 'vi' } });
  assert.equal(vi.data.error.fields.quota_pct, 'Hạn mức này không cho ai đạt: phần của nó trên tổng số nhỏ hơn một; để trống nếu không có hạn mức');
  const one = await round({ ...body, quota_pct: 20, quota_of: 5 });
  assert.deepEqual([one.quota_pct, one.quota_of], [20, 5]);
});

test('a quota that lets nobody pass is refused on the form at its box, what was typed kept, and by an edit through the API', async () => {
  const nobody = 'Hạn mức này không cho ai đạt: phần của nó trên tổng số nhỏ hơn một; để trống nếu không có hạn mức';
  const ids = COUNCIL.slice(0, 3).map((l) => sql(env.db, `SELECT id FROM users WHERE login = '${l}'`));
  for (const [pct, of] of [['0', '10'], ['20', '4']]) {
    const body = new URLSearchParams([['unit_id', String(units['T-HATINH'].id)], ['title', 'Cờ thi đua — hạn mức'], ['threshold_pct', '60'],
      ['base', 'all_members'], ['quota_pct', pct], ['quota_of', of], ...ids.map((i) => ['voter_ids', i]), ['labels', 'X\nY']]);
    const r = await admin.req('POST', '/votes', { raw: body.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 422, `${pct}% of ${of}`);
    assert.ok(r.text.includes(`<input id="f-quota_pct" name="quota_pct" inputmode="decimal" value="${pct}" aria-invalid="true" aria-describedby="e-quota_pct">`), `${pct}% of ${of}`);
    assert.ok(r.text.includes(`<p class="field-error" id="e-quota_pct">${nobody}</p>`), `${pct}% of ${of}`);
  }
  // a draft edited to 0%: refused, the round unchanged
  const v = await round({ title: 'Cờ thi đua — hạn mức sửa', threshold_pct: 60, base: 'all_members', candidates: [{ label: 'X' }, { label: 'Y' }], quota_pct: 20, quota_of: 5 });
  const r = await org.patch(`/api/v1/votes/${v.id}`, { json: { version: v.version, quota_pct: 0, quota_of: 5 } });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, { quota_pct: nobody });
  const now = (await org.get(`/api/v1/votes/${v.id}`)).data;
  assert.deepEqual([now.quota_pct, now.quota_of, now.version], [20, 5, v.version]);
});

test('a quota of 20% of 10 lets 2 pass: 2 pass within it; a third is over it; a tie at the edge is reported; 20% of 14 is still 2', async () => {
  const five = COUNCIL.slice(0, 5);
  async function quotaRound(title, quotaOf, yes) {
    const v = await round({ title, threshold_pct: 60, base: 'all_members', voters: five, quota_pct: 20, quota_of: quotaOf,
      candidates: [{ label: 'X' }, { label: 'Y' }, { label: 'Z' }] });
    await open(v);
    const ids = v.candidates.map((c) => c.id);
    for (let i = 0; i < 5; i++) await cast(hd[i], v, ids.filter((_, k) => i < yes[k]));
    return close(v);
  }
  const within = await quotaRound('Cờ thi đua của Chính phủ — trong hạn mức', 10, [5, 4, 2]);
  assert.deepEqual(within.quota, { pct: 20, of: 10, limit: 2, passing: 2, ok: true, tie: false });
  assert.deepEqual(within.candidates.map((c) => [c.label, c.yes, c.passed, c.over_quota]), [['X', 5, true, false], ['Y', 4, true, false], ['Z', 2, false, false]]);
  const over = await quotaRound('Cờ thi đua của Chính phủ — vượt hạn mức', 14, [5, 4, 3]);
  assert.deepEqual(over.quota, { pct: 20, of: 14, limit: 2, passing: 3, ok: false, tie: false });
  assert.deepEqual(over.candidates.map((c) => [c.label, c.yes, c.threshold_met, c.passed, c.over_quota]),
    [['X', 5, true, true, false], ['Y', 4, true, true, false], ['Z', 3, true, false, true]]);
  const tie = await quotaRound('Cờ thi đua của Chính phủ — bằng phiếu', 10, [5, 4, 4]);
  assert.deepEqual(tie.quota, { pct: 20, of: 10, limit: 2, passing: 3, ok: false, tie: true });
  assert.deepEqual(tie.candidates.map((c) => [c.label, c.passed, c.quota_tie]), [['X', true, false], ['Y', false, true], ['Z', false, true]]);
  const fifteen = await quotaRound('Cờ thi đua của Chính phủ — 15 tập thể', 15, [5, 4, 3]);
  assert.deepEqual([fifteen.quota.limit, fifteen.quota.ok], [3, true]);
  assert.deepEqual(fifteen.candidates.map((c) => c.passed), [true, true, true]);
});

test('a close racing ballots: every ballot answered 201 is counted, every other is refused with 409', async () => {
  const v = await round({ title: 'Đóng khi đang bỏ phiếu', threshold_pct: 50, base: 'all_members', candidates: [{ label: 'A' }] });
  await open(v);
  const a = v.candidates[0].id;
  await cast(hd[0], v, [a]);
  const answers = await Promise.all([
    ...hd.slice(1).map((c) => c.post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [a] } })),
    org.post(`/api/v1/votes/${v.id}/close`),
  ]);
  const ballots = answers.slice(0, 9).map((r) => r.status);
  assert.equal(answers[9].status, 200, answers[9].text);
  assert.ok(ballots.every((s) => s === 201 || s === 409), ballots.join(','));
  const counted = 1 + ballots.filter((s) => s === 201).length;
  const res = (await org.get(`/api/v1/votes/${v.id}/result`)).data;
  assert.equal(res.ballots, counted);
  assert.equal(res.candidates[0].yes, counted);
  assert.equal(Number(sql(env.db, `SELECT count(*) FROM vote_cast WHERE round_id = ${v.id}`)), counted);
  assert.equal(Number(sql(env.db, `SELECT count(*) FROM vote_ballots WHERE round_id = ${v.id}`)), counted);
});

test('the ballot table holds nothing that links a ballot to its voter: its columns, keys and indexes, its order, the audit log', async () => {
  const cols = onPg
    ? sql(env.db, "SELECT column_name || ':' || data_type || ':' || coalesce(column_default, '') FROM information_schema.columns WHERE table_name = 'vote_ballots' ORDER BY ordinal_position").split('\n')
    : sql(env.db, "SELECT name || ':' || type || ':' || coalesce(dflt_value, '') FROM pragma_table_info('vote_ballots') ORDER BY cid").split('\n');
  assert.deepEqual(cols, onPg ? ['round_id:bigint:', 'receipt_hash:text:', 'choices:text:'] : ['round_id:INTEGER:', 'receipt_hash:TEXT:', 'choices:TEXT:']);
  const indexes = onPg
    ? sql(env.db, "SELECT indexdef FROM pg_indexes WHERE tablename = 'vote_ballots'").split('\n')
    : sql(env.db, "SELECT coalesce(sql, name) FROM sqlite_master WHERE tbl_name IN ('vote_ballots', 'vote_cast') AND type IN ('index', 'trigger')").split('\n').filter(Boolean);
  // the key alone: on SQLite the table is its key's b-tree (no other index, no trigger)
  assert.deepEqual(indexes, onPg ? ['CREATE UNIQUE INDEX vote_ballots_pkey ON public.vote_ballots USING btree (round_id, receipt_hash)'] : []);
  if (onPg) {
    assert.equal(sql(env.db, "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname IN ('vote_ballots', 'vote_cast') AND NOT t.tgisinternal"), '0');
  } else {
    // WITHOUT ROWID: no integer key in the order of insertion
    assert.match(sql(env.db, "SELECT sql FROM sqlite_master WHERE name = 'vote_ballots'"), /PRIMARY KEY \(round_id, receipt_hash\)\n\) WITHOUT ROWID/);
    assert.throws(() => sql(env.db, 'SELECT rowid FROM vote_ballots'), /no such column: rowid/);
  }
  // who voted: the round and the user, no time, no link
  const castCols = onPg
    ? sql(env.db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'vote_cast' ORDER BY ordinal_position")
    : sql(env.db, "SELECT name FROM pragma_table_info('vote_cast') ORDER BY cid");
  assert.deepEqual(castCols.split('\n'), ['round_id', 'user_id']);

  // a closed round's rows sit in the order of their keys, written by the close
  const v = await round({ title: 'Thứ tự phiếu', threshold_pct: 50, base: 'all_members', candidates: [{ label: 'A' }, { label: 'B' }] });
  await open(v);
  for (let i = 9; i >= 0; i--) await cast(hd[i], v, [v.candidates[i % 2].id]);
  await close(v);
  const stored = sql(env.db, `SELECT receipt_hash FROM vote_ballots WHERE round_id = ${v.id}`).split('\n');
  assert.equal(stored.length, 10);
  assert.deepEqual(stored, [...stored].sort());
  const voted = sql(env.db, `SELECT user_id FROM vote_cast WHERE round_id = ${v.id}`).split('\n').map(Number);
  assert.deepEqual(voted, [...voted].sort((x, y) => x - y));
  if (onPg) {
    // every row carries the close's transaction, ballots and markers alike, and sits in key order
    assert.equal(sql(env.db, `SELECT count(DISTINCT xmin::text) FROM (SELECT xmin FROM vote_ballots WHERE round_id = ${v.id} UNION ALL SELECT xmin FROM vote_cast WHERE round_id = ${v.id}) x`), '1');
    const byCtid = sql(env.db, `SELECT receipt_hash FROM vote_ballots WHERE round_id = ${v.id} ORDER BY ctid`).split('\n');
    assert.deepEqual(byCtid, [...byCtid].sort());
  }
  // the audit log records the round's create, open and close — no ballot; the close lists who voted, by login
  const actions = sql(env.db, `SELECT action FROM audit_log WHERE entity = 'vote' AND entity_id = ${v.id} ORDER BY id`).split('\n');
  assert.deepEqual(actions, ['create', 'open', 'close']);
  const closing = sql(env.db, `SELECT after FROM audit_log WHERE entity = 'vote' AND entity_id = ${v.id} AND action = 'close'`);
  assert.ok(!/receipt|"choices"/.test(closing), closing);
  assert.match(closing, /"login":"hd.01","present":false,"voted":true/);
});

test('a round from a proposal\'s nominees; the proposal\'s page shows the result that backs it', async () => {
  const pr = await admin.post('/api/v1/proposals', { json: { title: 'Đề nghị Bằng khen của Thủ tướng 2023', round: 'year_end', year: 2023, proposer_code: 'T-QUANGBINH' } });
  assert.equal(pr.status, 201, pr.text);
  const n = await admin.post(`/api/v1/proposals/${pr.data.id}/nominees`, { json: { unit_code: 'T-QUANGBINH', award: 'BK_TTG', version: pr.data.version } });
  assert.equal(n.status, 201, n.text);
  const v = await round({ title: 'Suy tôn Bằng khen của Thủ tướng', threshold_pct: 90, base: 'all_members', proposal: pr.data.id }, admin);
  assert.equal(v.proposal_id, pr.data.id);
  assert.equal(v.candidates.length, 1);
  assert.equal(v.candidates[0].nominee_id, n.data.nominees[0].id);
  assert.equal(v.candidates[0].unit_code, 'T-QUANGBINH');
  assert.equal(v.candidates[0].label, 'Tỉnh Quảng Bình — Bằng khen của Thủ tướng Chính phủ');
  assert.equal((await admin.post(`/api/v1/votes/${v.id}/open`)).status, 200);
  for (const c of hd) await cast(c, v, [v.candidates[0].id]);
  assert.equal((await admin.post(`/api/v1/votes/${v.id}/close`)).status, 200);
  const res = (await admin.get(`/api/v1/votes/${v.id}/result`)).data;
  assert.deepEqual([res.candidates[0].yes, res.candidates[0].share, res.candidates[0].passed], [10, 100, true]);
  const page = await admin.get(`/proposals/${pr.data.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Suy tôn Bằng khen của Thủ tướng<\/a>/);
  assert.match(page.text, /Tỉnh Quảng Bình — Bằng khen của Thủ tướng Chính phủ: 10 \(100%\) — đạt/);
  // the province's viewer reads its proposal, not the council's round nor its tally
  const qb = await (await as('qb.viewer')).get(`/proposals/${pr.data.id}`);
  assert.equal(qb.status, 200);
  assert.ok(qb.text.includes('Đề nghị Bằng khen của Thủ tướng 2023'));
  assert.ok(!qb.text.includes('Suy tôn Bằng khen của Thủ tướng'));
  assert.ok(!qb.text.includes(': 10 (100%)'));
});

test('bad input: a threshold above 100 or with three decimals, an unknown login, an unknown unit, no candidates', async () => {
  const bad = async (body) => {
    const r = await org.post('/api/v1/votes', { json: { title: 'X', threshold_pct: 90, base: 'all_members', voters: COUNCIL, candidates: [{ label: 'A' }], ...body } });
    assert.equal(r.status, 422, r.text);
    return r.data.error.fields;
  };
  assert.ok((await bad({ threshold_pct: 101 })).threshold_pct);
  assert.ok((await bad({ threshold_pct: 66.667 })).threshold_pct);
  assert.ok((await bad({ voters: ['nobody'] })).voters);
  assert.ok((await bad({ candidates: [{ unit_code: 'NOPE' }] })).candidates);
  assert.ok((await bad({ candidates: [] })).candidates);
  assert.ok((await bad({ base: 'quorum' })).base);
  const ok = await org.post('/api/v1/votes', { json: { title: 'Hai phần ba', threshold_pct: 66.67, base: 'all_members', voters: COUNCIL, candidates: [{ label: 'A' }] } });
  assert.equal(ok.status, 201);
  assert.equal(ok.data.threshold_pct, 66.67);
  // a council member may vote but not organise
  const r = await hd[0].post('/api/v1/votes', { json: { title: 'X', threshold_pct: 90, base: 'all_members', voters: COUNCIL, candidates: [{ label: 'A' }] } });
  assert.equal(r.status, 403);
});

test('a draft round is edited over the API with its version: 409 when stale, 409 once opened; the same checks as the creation', async () => {
  const v = await round({ title: 'Bình chọn cụm trưởng', threshold_pct: 50, base: 'all_members', candidates: [{ unit_code: 'T-HATINH' }, { label: 'Tỉnh khác' }] });
  const p = (body) => org.patch(`/api/v1/votes/${v.id}`, { json: body });
  let r = await p({ version: v.version, title: 'Suy tôn Cờ thi đua của Chính phủ', threshold_pct: 66.67, max_choices: 2, quota_pct: 20, quota_of: 10,
    voters: COUNCIL.slice(0, 6), candidates: [{ unit_code: 'T-HATINH' }, { unit_code: 'T-QUANGBINH' }, { unit_code: 'T-QUANGTRI' }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.title, r.data.threshold_pct, r.data.max_choices, r.data.quota_pct, r.data.quota_of, r.data.voters, r.data.version, r.data.status],
    ['Suy tôn Cờ thi đua của Chính phủ', 66.67, 2, 20, 10, 6, v.version + 1, 'draft']);
  assert.deepEqual(r.data.candidates.map((c) => c.unit_code), ['T-HATINH', 'T-QUANGBINH', 'T-QUANGTRI']);
  // only what is given changes: no limit, no quota, base present
  const r2 = await p({ version: r.data.version, max_choices: null, quota_pct: null, base: 'present' });
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual([r2.data.max_choices, r2.data.quota_pct, r2.data.quota_of, r2.data.base, r2.data.voters, r2.data.candidates.length], [null, null, null, 'present', 6, 3]);
  assert.equal((await p({ version: r.data.version, title: 'cũ' })).status, 409, 'stale version');
  for (const bad of [{ threshold_pct: 101 }, { max_choices: 4 }, { voters: ['nobody'] }, { candidates: [] }, { quota_pct: 20 }, { title: '' }]) {
    const b = await p({ version: r2.data.version, ...bad });
    assert.equal(b.status, 422, JSON.stringify(bad) + ' ' + b.text);
  }
  assert.equal((await hd[0].patch(`/api/v1/votes/${v.id}`, { json: { version: r2.data.version, title: 'x' } })).status, 403);
  // the voters kept keep their "present" mark
  assert.equal((await org.post(`/api/v1/votes/${v.id}/present`, { json: { present: COUNCIL.slice(0, 4) } })).status, 200);
  const cur = (await org.get(`/api/v1/votes/${v.id}`)).data;
  const r3 = await p({ version: cur.version, voters: COUNCIL.slice(2, 8) });
  assert.equal(r3.status, 200, r3.text);
  assert.deepEqual([r3.data.voters, r3.data.present], [6, 2]);
  const opened = await open(r3.data);
  const late = await p({ version: opened.version, title: 'x' });
  assert.equal(late.status, 409);
  assert.equal(late.data.error.code, 'state');
  const audit = sql(env.db, `SELECT count(*) FROM audit_log WHERE entity = 'vote' AND entity_id = ${v.id} AND action = 'update'`);
  assert.equal(audit, '3');
});

test('the pages: a round made with person candidates from the person picker and edited on its page; a proposal\'s nominees ticked', async () => {
  const ward = await mkUnit(admin, 'HT-P1', 'Phường Bắc Hà', 'ward', units['T-HATINH'].id);
  const lan = await mkPerson(admin, { full_name: 'Nguyễn Thị Lan', gender: 'F', unit_id: ward.id, code: 'HT-0001' });
  const minh = await mkPerson(admin, { full_name: 'Lê Văn Minh', gender: 'M', unit_id: ward.id, code: 'HT-0002' });
  const ids = await Promise.all(COUNCIL.slice(0, 3).map(async (l) => sql(env.db, `SELECT id FROM users WHERE login = '${l}'`)));
  // Hà Tĩnh's officer, who may read its people (the picker offers no others)
  addUser(env.db, 'ht.officer', 'officer', 'T-HATINH');
  const hto = await as('ht.officer');
  const form = await hto.get('/votes/new');
  assert.match(form.text, /name="people_unit"/);
  const body = new URLSearchParams([['unit_id', String(units['T-HATINH'].id)], ['title', 'Suy tôn Chiến sĩ thi đua'],
    ['threshold_pct', '66,5'], ['base', 'all_members'], ...ids.map((i) => ['voter_ids', i]), ['candidate_people', String(lan.id)], ['candidate_people', String(minh.id)],
    ['labels', 'Người thứ ba']]);
  let r = await hto.req('POST', '/votes', { raw: body.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 303, r.text);
  const id = Number(r.headers.get('location').match(/^\/votes\/(\d+)$/)[1]);
  let v = (await hto.get(`/api/v1/votes/${id}`)).data;
  assert.deepEqual(v.candidates.map((c) => [c.label, c.person_code]), [['Nguyễn Thị Lan', 'HT-0001'], ['Lê Văn Minh', 'HT-0002'], ['Người thứ ba', null]]);
  assert.deepEqual([v.threshold_pct, v.voters], [66.5, 3]);
  // the round's page: the edit form, filled
  const page = await hto.get(`/votes/${id}`);
  assert.match(page.text, /<form method="post" action="\/votes\/\d+" class="card wide" id="edit-vote">/);
  assert.match(page.text, /<input id="f-threshold_pct" name="threshold_pct" inputmode="decimal" value="66,5" required>/);
  assert.match(page.text, /<textarea id="f-labels" name="labels" rows="4">Người thứ ba\n<\/textarea>/);
  // edited: Minh dropped, a unit added, at most 1 choice, 90%
  const edit = new URLSearchParams([['what', 'edit'], ['version', String(v.version)], ['title', 'Suy tôn Chiến sĩ thi đua toàn quốc'], ['threshold_pct', '90'],
    ['base', 'all_members'], ['max_choices', '1'], ['quota_pct', ''], ['quota_of', ''], ...ids.map((i) => ['voter_ids', i]),
    ['candidate_people', String(lan.id)], ['candidate_units', String(units['T-HATINH'].id)], ['labels', '']]);
  r = await hto.req('POST', `/votes/${id}`, { raw: edit.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 303, r.text);
  v = (await hto.get(`/api/v1/votes/${id}`)).data;
  assert.deepEqual([v.title, v.threshold_pct, v.max_choices, v.candidates.map((c) => c.label)],
    ['Suy tôn Chiến sĩ thi đua toàn quốc', 90, 1, ['Tỉnh Hà Tĩnh', 'Nguyễn Thị Lan']]);
  // a stale form is 409; a bad one shows why, keeping what was typed
  r = await hto.req('POST', `/votes/${id}`, { raw: edit.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 409);
  edit.set('version', String(v.version));
  edit.set('threshold_pct', '90,555');
  r = await hto.req('POST', `/votes/${id}`, { raw: edit.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 422);
  assert.match(r.text, /value="90,555"/);
  // from a proposal: its nominees are boxes, all ticked; unticking one leaves the other
  const pr = await admin.post('/api/v1/proposals', { json: { title: 'Đề nghị Bằng khen 2024', round: 'year_end', year: 2024, proposer_code: 'T-HATINH' } });
  let n = await admin.post(`/api/v1/proposals/${pr.data.id}/nominees`, { json: { unit_code: 'T-HATINH', award: 'BK_TTG', version: pr.data.version } });
  assert.equal(n.status, 201, n.text);
  n = await admin.post(`/api/v1/proposals/${pr.data.id}/nominees`, { json: { person_code: 'HT-0001', award: 'BK_TTG', version: n.data.version } });
  assert.equal(n.status, 201, n.text);
  const noms = n.data.nominees.map((x) => x.id);
  const nf = await admin.get(`/votes/new?proposal=${pr.data.id}`);
  assert.equal((nf.text.match(/<input type="checkbox" name="candidate_nominees" value="\d+" checked>/g) || []).length, 2);
  const fromProp = new URLSearchParams([['unit_id', String(sql(env.db, "SELECT id FROM units WHERE code = 'TW-HD'"))], ['title', 'Bằng khen'], ['threshold_pct', '90'],
    ['base', 'all_members'], ...ids.map((i) => ['voter_ids', i]), ['proposal', String(pr.data.id)], ['candidate_nominees', ''], ['candidate_nominees', String(noms[1])]]);
  r = await admin.req('POST', '/votes', { raw: fromProp.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 303, r.text);
  const pid = Number(r.headers.get('location').match(/^\/votes\/(\d+)$/)[1]);
  const pv = (await admin.get(`/api/v1/votes/${pid}`)).data;
  assert.deepEqual(pv.candidates.map((c) => [c.nominee_id, c.person_code]), [[noms[1], 'HT-0001']]);
  // none ticked: refused, not all of them
  fromProp.delete('candidate_nominees');
  fromProp.append('candidate_nominees', '');
  r = await admin.req('POST', '/votes', { raw: fromProp.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 422);
});

test('a person the organiser may not read is refused as an unknown code (API create and edit, the form): no name shown, nothing stored', async () => {
  const hoa = await mkPerson(admin, { full_name: 'Phan Thị Hoa', gender: 'F', unit_id: (await mkUnit(admin, 'HT-P9', 'Phường Nam Hà', 'ward', units['T-HATINH'].id)).id, code: 'HT-0901' });
  await mkPerson(admin, { full_name: 'Hoàng Văn Mạnh', gender: 'M', unit_id: (await mkUnit(admin, 'QB-P9', 'Phường Đồng Phú', 'ward', units['T-QUANGBINH'].id)).id, code: 'QB-0901' });
  addUser(env.db, 'qb.officer', 'officer', 'T-QUANGBINH');
  const qb = await as('qb.officer');
  // the officer of Quảng Bình may not read Hà Tĩnh's people
  assert.equal((await qb.get(`/api/v1/people/${hoa.id}`)).status, 403);
  const title = 'Suy tôn ngoài phạm vi';
  const create = (candidates) => qb.post('/api/v1/votes', { json: { title, threshold_pct: 50, base: 'all_members', voters: ['hd.01'], candidates } });
  const unknown = await create([{ person_code: 'HT-9999' }]);
  assert.equal(unknown.status, 422, unknown.text);
  assert.deepEqual(unknown.data.error.fields, { candidates: 'Không có người nào có mã này' });
  for (const candidates of [[{ person_code: 'HT-0901' }], [{ label: 'Ứng viên', person_code: 'HT-0901' }], [{ unit_code: 'T-QUANGBINH' }, { person_code: 'HT-0901' }]]) {
    const r = await create(candidates);
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.data, unknown.data, 'the same answer as an unknown code');
    assert.ok(!r.text.includes('Phan Thị Hoa'));
  }
  // the form (the person picker's ids): the same answer as an unknown id, the name nowhere on the page
  const voter = sql(env.db, "SELECT id FROM users WHERE login = 'hd.01'");
  const form = (person) => qb.req('POST', '/votes', { raw: new URLSearchParams([['unit_id', String(units['T-QUANGBINH'].id)], ['title', title], ['threshold_pct', '50'],
    ['base', 'all_members'], ['voter_ids', voter], ['candidate_people', String(person)], ['labels', '']]).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  for (const person of [hoa.id, 999999]) {
    const r = await form(person);
    assert.equal(r.status, 422, r.text);
    assert.match(r.text, /Không có đơn vị hoặc cá nhân này/);
    assert.ok(!r.text.includes('Phan Thị Hoa'));
  }
  assert.equal(sql(env.db, `SELECT count(*) FROM vote_rounds WHERE title = '${title}'`), '0');
  // their own province's person is a candidate, with the name
  const ok = await create([{ person_code: 'QB-0901' }]);
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.data.candidates.map((c) => [c.label, c.person_code]), [['Hoàng Văn Mạnh', 'QB-0901']]);
  // an edit cannot add one either: the round keeps its candidates
  const edit = await qb.patch(`/api/v1/votes/${ok.data.id}`, { json: { version: ok.data.version, candidates: [{ person_code: 'QB-0901' }, { person_code: 'HT-0901' }] } });
  assert.equal(edit.status, 422, edit.text);
  assert.deepEqual(edit.data, unknown.data);
  const kept = (await qb.get(`/api/v1/votes/${ok.data.id}`)).data;
  assert.deepEqual([kept.version, kept.candidates.map((c) => c.person_code)], [ok.data.version, ['QB-0901']]);
  assert.equal(sql(env.db, `SELECT count(*) FROM vote_candidates WHERE person_id = ${hoa.id}`), '0');
  // a round the administrator prepared for Quảng Bình with Hà Tĩnh's person: its officer may keep that candidate when editing
  const byAdmin = await admin.post('/api/v1/votes', { json: { title: 'Suy tôn liên tỉnh', unit_code: 'T-QUANGBINH', threshold_pct: 50, base: 'all_members',
    voters: ['hd.01'], candidates: [{ person_code: 'HT-0901' }] } });
  assert.equal(byAdmin.status, 201, byAdmin.text);
  assert.equal(byAdmin.data.candidates[0].label, 'Phan Thị Hoa');
  const keep = await qb.patch(`/api/v1/votes/${byAdmin.data.id}`, { json: { version: byAdmin.data.version, candidates: [{ person_code: 'HT-0901' }, { person_code: 'QB-0901' }] } });
  assert.equal(keep.status, 200, keep.text);
  assert.deepEqual(keep.data.candidates.map((c) => c.label), ['Phan Thị Hoa', 'Hoàng Văn Mạnh']);
});

test('a round held at a cluster year: only the cluster\'s organiser attaches one; the year\'s page and summary show a round only to its readers', async () => {
  const cl = await org.post('/api/v1/clusters', { json: { code: 'CUM-BTB-V', name: 'Cụm Bắc Trung Bộ (bỏ phiếu)', kind: 'cluster', organiser_code: 'TW-HD' } });
  assert.equal(cl.status, 201, cl.text);
  const y = await org.post(`/api/v1/clusters/${cl.data.id}/years`, { json: { year: 2023, members: ['T-HATINH', 'T-QUANGBINH', 'T-QUANGTRI'],
    leader: 'T-HATINH', deputy: 'T-QUANGBINH', cross_mode: 'all', method: 'mean', trim: 1 } });
  assert.equal(y.status, 201, y.text);
  const cy = y.data.id;
  addUser(env.db, 'qt.officer', 'officer', 'T-QUANGTRI');
  const qt = await as('qt.officer');
  const ht = await as('ht.viewer');
  // an officer who runs votes but does not organise the cluster: 403, nothing stored; the form from the year refused too
  const title = 'Bỏ phiếu gắn vào cụm của người khác';
  const foreign = await qt.post('/api/v1/votes', { json: { title, threshold_pct: 50, base: 'all_members', voters: ['hd.01'], candidates: [{ unit_code: 'T-QUANGTRI' }], cluster_year_id: cy } });
  assert.equal(foreign.status, 403, foreign.text);
  assert.deepEqual(foreign.data.error, { code: 'forbidden', message: 'Nằm ngoài phạm vi đơn vị bạn được phép làm việc' });
  assert.equal(sql(env.db, `SELECT count(*) FROM vote_rounds WHERE title = '${title}' OR cluster_year_id = ${cy}`), '0');
  assert.equal((await qt.get(`/votes/new?cluster_year=${cy}`)).status, 403);
  assert.equal((await org.get(`/votes/new?cluster_year=${cy}`)).status, 200);
  assert.equal((await org.get('/votes/new?cluster_year=999999')).status, 404);
  const missing = await org.post('/api/v1/votes', { json: { title, threshold_pct: 50, base: 'all_members', voters: ['hd.01'], candidates: [{ label: 'A' }], cluster_year_id: 999999 } });
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.data.error.fields, { cluster_year_id: 'Không có bản ghi này' });
  // the organiser holds two rounds there: one of the council, one Hà Tĩnh's viewer votes in
  const council = await round({ title: 'Suy tôn Cờ thi đua (hội đồng)', threshold_pct: 50, base: 'all_members', voters: COUNCIL.slice(0, 3),
    candidates: [{ unit_code: 'T-HATINH' }, { unit_code: 'T-QUANGBINH' }], cluster_year_id: cy });
  assert.equal(council.cluster_year_id, cy);
  await open(council);
  for (let i = 0; i < 3; i++) await cast(hd[i], council, [council.candidates[i % 2].id]);
  await close(council);
  const members = await round({ title: 'Bình chọn cụm trưởng (thành viên)', threshold_pct: 50, base: 'all_members', voters: ['ht.viewer', 'hd.01'],
    candidates: [{ unit_code: 'T-QUANGTRI' }], cluster_year_id: cy });
  await open(members);
  await cast(ht, members, [members.candidates[0].id]);
  await close(members);
  assert.equal((await ht.get(`/api/v1/votes/${council.id}`)).status, 403);
  assert.equal((await ht.get(`/api/v1/votes/${council.id}/result`)).status, 403);
  assert.equal((await ht.get(`/api/v1/votes/${members.id}/result`)).status, 200);
  // the year's page: each reader sees the rounds they may read, with their tally
  const section = async (c) => {
    const page = await c.get(`/clusters/${cl.data.id}/years/2023`);
    assert.equal(page.status, 200);
    const s = page.text.slice(page.text.indexOf('id="h-votes"'), page.text.indexOf('</section>', page.text.indexOf('id="h-votes"')));
    return { rounds: [...s.matchAll(/<h3><a href="\/votes\/(\d+)">([^<]+)<\/a>/g)].map((m) => m[2]),
      rows: [...s.matchAll(/<tr><td>([^<]+)<\/td><td class="num">(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]),
      empty: s.includes('Hội nghị này chưa tổ chức bỏ phiếu.'), hold: s.includes(`href="/votes/new?cluster_year=${cy}"`),
      // the rounds held that the reader may not read are counted, not passed off as none
      held: (s.match(/Hội nghị này đã tổ chức (\d+) cuộc bỏ phiếu; kết quả chỉ hiển thị cho người bỏ phiếu và cơ quan tổ chức\./) || [])[1] || null };
  };
  assert.deepEqual(await section(org), { rounds: ['Suy tôn Cờ thi đua (hội đồng)', 'Bình chọn cụm trưởng (thành viên)'],
    rows: [['Tỉnh Hà Tĩnh', 2], ['Tỉnh Quảng Bình', 1], ['Tỉnh Quảng Trị', 1]], empty: false, hold: true, held: null });
  assert.deepEqual(await section(ht), { rounds: ['Bình chọn cụm trưởng (thành viên)'], rows: [['Tỉnh Quảng Trị', 1]], empty: false, hold: false, held: null });
  assert.deepEqual(await section(qt), { rounds: [], rows: [], empty: false, hold: false, held: '2' });
  // the conference summary (workbook) likewise
  const strings = async (c) => {
    const r = await fetch(`${srv.base}/api/v1/clusters/${cl.data.id}/years/2023/summary?format=xlsx`, { headers: { Authorization: 'Bearer ' + c.token } });
    assert.equal(r.status, 200);
    return unzip(Buffer.from(await r.arrayBuffer()))['xl/sharedStrings.xml'].toString('utf8');
  };
  const all = await strings(org);
  assert.ok(all.includes('Suy tôn Cờ thi đua (hội đồng)') && all.includes('Bình chọn cụm trưởng (thành viên)'));
  const mine = await strings(ht);
  assert.ok(!mine.includes('Suy tôn Cờ thi đua (hội đồng)') && mine.includes('Bình chọn cụm trưởng (thành viên)'));
  assert.ok((await strings(qt)).includes('Hội nghị này đã tổ chức 2 cuộc bỏ phiếu; kết quả chỉ hiển thị cho người bỏ phiếu và cơ quan tổ chức.'));
});
