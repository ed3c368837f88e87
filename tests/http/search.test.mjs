// People search by words over the API and the pages: every typed word starts
// a word of the name, in any order, without diacritics; the word index
// follows renames, imports (while the server runs) and deactivation; past
// 1000 matches the count stops and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, thidua, startServer, Client, onPg } from '../lib/server.mjs';
import { copyDb, mkPerson, snapshotDb, sql } from './_util.mjs';

// No test depends on another. They share one server with the people below,
// and leave its data as they found it; a test that renames, moves or imports
// people for good gets a server of its own on a copy of the same data (taken
// before any test ran: ownWorld), and builds there what it needs through the
// same calls and imports the other tests assert.
let env, srv, c, template;
const u = {};
const p = {};

const names = (r) => r.data.items.map((x) => x.full_name);
const searcher = (c) => (q, extra = '') => c.get('/api/v1/people?q=' + encodeURIComponent(q) + extra);
const search = (q, extra) => searcher(c)(q, extra);

function importPeople(lines, db = env.db) {
  const f = path.join(env.dir, `people-${Date.now()}-${Math.random()}.csv`);
  fs.writeFileSync(f, ['code,full_name,gender,birth_year,unit_code,position,active', ...lines].join('\n') + '\n');
  const r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
}

// The index rows of one person: "word unit active", in word order.
const wordRowsOf = (id, db) => sql(db, `SELECT word || ' ' || unit_id || ' ' || active FROM person_words WHERE person_id = ${id} ORDER BY word`).split('\n').filter(Boolean);
const wordRows = (id) => wordRowsOf(id, env.db);

before(async () => {
  env = makeDb();
  const units = path.join(env.dir, 'units.csv');
  fs.writeFileSync(units, 'code,name,kind,parent_code,active\nT-A,Tỉnh A,province,VN,1\nT-B,Tỉnh B,province,VN,1\n');
  assert.equal(thidua(['import', 'units', units, '--db', env.db]).code, 0);
  // 1003 people called Nguyễn Văn ...: more than the count goes to
  const bulk = [];
  for (let i = 0; i < 1003; i++) bulk.push(`BULK-${String(i).padStart(4, '0')},Nguyễn Văn Bình ${i},M,1980,T-B,,1`);
  importPeople(bulk);
  srv = await startServer(env.db);
  c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  u.a = (await c.get('/api/v1/units?q=t-a')).data.items[0];
  u.b = (await c.get('/api/v1/units?q=t-b')).data.items[0];
  p.an = await mkPerson(c, { code: 'S-1', full_name: 'Nguyễn Văn An', gender: 'M', unit_id: u.a.id });
  p.anh = await mkPerson(c, { code: 'S-2', full_name: 'Trần Thị Lan Anh', gender: 'F', unit_id: u.a.id });
  p.nguyen = await mkPerson(c, { code: 'S-3', full_name: 'Lê Văn Nguyên', gender: 'M', unit_id: u.a.id });
  p.hhen = await mkPerson(c, { code: 'S-4', full_name: 'H’Hen Niê', gender: 'F', unit_id: u.a.id });
  p.dang = await mkPerson(c, { code: 'S-5', full_name: 'Đặng Thùy Dương', gender: 'F', unit_id: u.a.id });
  template = snapshotDb(env.db, 'template.db');
});

// a server of the test's own on a copy of the data as before() left it (the
// same ids), stopped when the test ends
let worlds = 0;
async function ownWorld(t) {
  const db = copyDb(template, `own-${++worlds}.db`);
  const s = await startServer(db);
  t.after(() => s.stop());
  const k = new Client(s.base);
  await k.login('admin', env.adminPassword);
  return { db, c: k, search: searcher(k) };
}

const ok = (r, status) => { assert.equal(r.status, status, r.text); return r.data; };
// Nguyễn Văn An renamed Phạm Minh Châu and moved to B, as the rename test does
async function renamed(c) {
  ok(await c.patch('/api/v1/people/' + p.an.id, { json: { full_name: 'Phạm Minh Châu', version: 1 } }), 200);
  ok(await c.patch('/api/v1/people/' + p.an.id, { json: { unit_id: u.b.id, version: 2 } }), 200);
}
// Lê Văn Nguyên deactivated and back, as the deactivation test does
async function deactivatedAndBack(c) {
  ok(await c.patch('/api/v1/people/' + p.nguyen.id, { json: { active: false, version: 1 } }), 200);
  ok(await c.patch('/api/v1/people/' + p.nguyen.id, { json: { active: true, version: 2 } }), 200);
}
// the import of the import test: two new people, one renamed, one deactivated
const IMPORT = [
  'IMP-1,Võ Thị Sáu,F,1933,T-A,,1',
  'BULK-0007,Hồ Xuân Hương,F,1972,T-B,,1', // was Nguyễn Văn Bình 7
  'BULK-0008,Nguyễn Văn Bình 8,M,1980,T-B,,0', // deactivated
  'IMP-2,Tạ Văn Hai,M,1980,T-A,,1', // (a code twice in one file is refused: import.test.mjs)
];

after(async () => {
  if (srv) await srv.stop();
});

test('every word typed starts a word of the name: "nguyen va" finds Nguyễn Văn An and Lê Văn Nguyên', async () => {
  const r = await search('nguyen va', '&unit=' + u.a.id);
  assert.equal(r.status, 200);
  assert.deepEqual(names(r), ['Lê Văn Nguyên', 'Nguyễn Văn An']);
  assert.equal(r.data.total, 2);
  assert.equal(r.data.total_capped, false);
  assert.deepEqual(names(await search('ngu', '&unit=' + u.a.id)), ['Lê Văn Nguyên', 'Nguyễn Văn An']);
  // the middle of a word is not the start of one
  assert.equal((await search('guyen', '&unit=' + u.a.id)).data.total, 0);
});

test('words in any order, case and diacritics ignored, đ is d', async () => {
  assert.deepEqual(names(await search('anh lan tran')), ['Trần Thị Lan Anh']);
  assert.deepEqual(names(await search('TRẦN thị')), ['Trần Thị Lan Anh']);
  assert.deepEqual(names(await search('duong dang')), ['Đặng Thùy Dương']);
  assert.deepEqual(names(await search('Đặng Thuỳ')), ['Đặng Thùy Dương']);
  // punctuation separates words: H’Hen is "h hen"
  assert.deepEqual(names(await search('hen')), ['H’Hen Niê']);
  assert.deepEqual(names(await search("h'hen nie")), ['H’Hen Niê']);
});

test('a word that matches nothing finds no one, with an exact zero', async () => {
  for (const q of ['nguyen xyz', 'zzz', 'anh lan tran x']) {
    const r = await search(q);
    assert.equal(r.status, 200);
    assert.deepEqual(r.data, { items: [], total: 0, total_capped: false, limit: 50, offset: 0 });
  }
  // only separators: no search at all, the whole list
  const all = await search(' -- ', '&unit=' + u.a.id);
  assert.equal(all.data.total, 5);
});

test('past 1000 matches the total stops at 1000 with total_capped, and pages still come in name order', async () => {
  const r = await search('nguyen van', '&limit=3');
  assert.equal(r.data.total, 1000);
  assert.equal(r.data.total_capped, true);
  assert.deepEqual(names(r), ['Lê Văn Nguyên', 'Nguyễn Văn An', 'Nguyễn Văn Bình 0']);
  const next = await search('van nguyen', '&limit=3&offset=3');
  assert.deepEqual(names(next), ['Nguyễn Văn Bình 1', 'Nguyễn Văn Bình 10', 'Nguyễn Văn Bình 100']);
  assert.equal(next.data.total_capped, true);
  // a narrower search is counted exactly
  const few = await search('binh 100');
  assert.deepEqual(names(few), ['Nguyễn Văn Bình 100', 'Nguyễn Văn Bình 1000', 'Nguyễn Văn Bình 1001', 'Nguyễn Văn Bình 1002']);
  assert.equal(few.data.total, 4);
  assert.equal(few.data.total_capped, false);
  // lists without a search keep their exact count
  const list = await c.get('/api/v1/people?under=' + u.b.id + '&limit=1');
  assert.equal(list.data.total, 1003);
  assert.equal(list.data.total_capped, false);
});

test('the people page says "1.000+" and that there are more', async () => {
  const r = await c.get('/people?q=nguyen+van', { headers: { 'Accept-Language': 'vi' } });
  assert.equal(r.status, 200);
  assert.match(r.text, /<p class="total" role="status">1\.000\+ người được tìm thấy \(hơn số này: hãy thu hẹp tìm kiếm để đếm chính xác\)<\/p>/);
  assert.match(r.text, /<span>1–50 \/ 1\.000\+<\/span>/);
  const en = await c.get('/people?q=binh+100', { headers: { 'Accept-Language': 'en' } });
  assert.match(en.text, /<p class="total" role="status">4 people found<\/p>/);
});

test('a rename takes the old words out of the index and puts the new ones in', async (t) => {
  const { c, db, search } = await ownWorld(t);
  const wordRows = (id) => wordRowsOf(id, db);
  assert.deepEqual(wordRows(p.an.id), [`an ${u.a.id} 1`, `nguyen ${u.a.id} 1`, `van ${u.a.id} 1`]);
  const r = await c.patch('/api/v1/people/' + p.an.id, { json: { full_name: 'Phạm Minh Châu', version: 1 } });
  assert.equal(r.status, 200);
  assert.deepEqual(wordRows(p.an.id), [`chau ${u.a.id} 1`, `minh ${u.a.id} 1`, `pham ${u.a.id} 1`]);
  assert.deepEqual(names(await search('nguyen va', '&unit=' + u.a.id)), ['Lê Văn Nguyên']);
  assert.deepEqual(names(await search('chau pham')), ['Phạm Minh Châu']);
  // a move to another unit moves the index rows with the person
  const m = await c.patch('/api/v1/people/' + p.an.id, { json: { unit_id: u.b.id, version: 2 } });
  assert.equal(m.status, 200);
  assert.deepEqual(wordRows(p.an.id), [`chau ${u.b.id} 1`, `minh ${u.b.id} 1`, `pham ${u.b.id} 1`]);
  assert.deepEqual(names(await search('chau', '&under=' + u.b.id)), ['Phạm Minh Châu']);
  assert.equal((await search('chau', '&under=' + u.a.id)).data.total, 0);
});

test('a deactivated person leaves the default search; active=all and active=false find them', async () => {
  const r = await c.patch('/api/v1/people/' + p.nguyen.id, { json: { active: false, version: 1 } });
  assert.equal(r.status, 200);
  assert.deepEqual(wordRows(p.nguyen.id), [`le ${u.a.id} 0`, `nguyen ${u.a.id} 0`, `van ${u.a.id} 0`]);
  assert.equal((await search('le van nguyen')).data.total, 0);
  assert.deepEqual(names(await search('le van nguyen', '&active=all')), ['Lê Văn Nguyên']);
  assert.deepEqual(names(await search('le van nguyen', '&active=false')), ['Lê Văn Nguyên']);
  const back = await c.patch('/api/v1/people/' + p.nguyen.id, { json: { active: true, version: 2 } });
  assert.equal(back.status, 200);
  assert.deepEqual(names(await search('le van nguyen')), ['Lê Văn Nguyên']);
});

test('an import while the server runs: new people are found, renamed ones by their new name only', async (t) => {
  const { db, search } = await ownWorld(t);
  importPeople(IMPORT, db);
  assert.equal((await search('ta van mot')).data.total, 0);
  assert.deepEqual(names(await search('ta van hai')), ['Tạ Văn Hai']);
  assert.deepEqual(names(await search('sau vo')), ['Võ Thị Sáu']);
  assert.deepEqual(names(await search('xuan huong')), ['Hồ Xuân Hương']);
  // "7" starts 7, 70-79 and 700-799: all but the renamed one
  const seven = await search('binh 7', '&limit=2');
  assert.deepEqual(names(seven), ['Nguyễn Văn Bình 70', 'Nguyễn Văn Bình 700']);
  assert.equal(seven.data.total, 110);
  const eight = await search('binh 8', '&limit=2');
  assert.deepEqual(names(eight), ['Nguyễn Văn Bình 80', 'Nguyễn Văn Bình 800']);
  assert.equal(eight.data.total, 110);
  assert.deepEqual(names(await search('binh 8', '&active=false')), ['Nguyễn Văn Bình 8']);
  const id = Number(sql(db, "SELECT id FROM people WHERE code = 'BULK-0007'"));
  assert.deepEqual(wordRowsOf(id, db), [`ho ${u.b.id} 1`, `huong ${u.b.id} 1`, `xuan ${u.b.id} 1`]);
});

// person_words and person_word_counts against a recomputation from people (as migration 008 builds them)
// (substr(search, 1, 0): an empty text of the column's collation, as PostgreSQL's recursive query wants)
const INSTR = onPg ? 'strpos' : 'instr';
const indexErrors = (db) => sql(db, `
    WITH RECURSIVE split(id, search, unit_id, active, word, rest) AS (
      SELECT id, search, unit_id, active, substr(search, 1, 0), search || ' ' FROM people
      UNION ALL SELECT id, search, unit_id, active, substr(rest, 1, ${INSTR}(rest, ' ') - 1), substr(rest, ${INSTR}(rest, ' ') + 1)
      FROM split WHERE rest <> ''),
    expect AS (SELECT DISTINCT word, search, id, unit_id, active FROM split WHERE word <> '')
    SELECT (SELECT count(*) FROM (SELECT * FROM expect EXCEPT SELECT word, search, person_id, unit_id, active FROM person_words) x)
         + (SELECT count(*) FROM (SELECT word, search, person_id, unit_id, active FROM person_words EXCEPT SELECT * FROM expect) y)
         + (SELECT count(*) FROM (SELECT word, count(*) AS n FROM person_words GROUP BY word) w
            LEFT JOIN person_word_counts k ON k.word = w.word WHERE k.people IS NULL OR k.people <> w.n)`);

test('the index holds exactly the words of every person, and the counts of people per word', async (t) => {
  // after the rename and move, the deactivation and the import of the tests above
  const { c, db } = await ownWorld(t);
  await renamed(c);
  await deactivatedAndBack(c);
  importPeople(IMPORT, db);
  assert.equal(indexErrors(db), '0');
  assert.equal(sql(db, "SELECT people FROM person_word_counts WHERE word = 'binh'"), '1002');
});

test('migration 008 indexes the people of an older database and makes punctuation a separator', async () => {
  const old = makeDb();
  const units = path.join(env.dir, 'm008-units.csv');
  fs.writeFileSync(units, 'code,name,kind,parent_code,active\nT-M,Tỉnh M,province,VN,1\n');
  assert.equal(thidua(['import', 'units', units, '--db', old.db]).code, 0);
  importPeople(['M-1,Nguyễn Văn An,M,1980,T-M,,1', "M-2,H'Hen Niê,F,1990,T-M,,1", 'M-3,Trần Thị Bé,F,1990,T-M,,0'], old.db);
  // back to version 7: no word tables, the old index, the old key of a name with an apostrophe (and no sort keys of 009)
  sql(old.db, `DROP TABLE person_words; DROP TABLE person_word_counts; DROP INDEX people_unit;
    CREATE INDEX people_unit ON people (unit_id, full_name);
    DROP INDEX people_sort; DROP INDEX people_unit_sort; DROP INDEX units_children; DROP TABLE sort_key_collator;
    ALTER TABLE people DROP COLUMN sort_key; ALTER TABLE units DROP COLUMN sort_key;
    ALTER TABLE movements DROP COLUMN sort_key; ALTER TABLE models DROP COLUMN sort_key;
    CREATE INDEX units_children ON units (parent_id, active, name);
    UPDATE people SET search = 'h''hen  nie' WHERE code = 'M-2'; DELETE FROM schema_migrations WHERE version IN (8, 9)`);
  const s = await startServer(old.db);
  try {
    const k = new Client(s.base);
    await k.login('admin', old.adminPassword);
    const hen = await k.get('/api/v1/people?q=hen');
    assert.deepEqual(hen.data.items.map((x) => x.code), ['M-2']);
    const an = await k.get('/api/v1/people?q=van%20ng');
    assert.deepEqual(an.data.items.map((x) => x.code), ['M-1']);
    const be = await k.get('/api/v1/people?q=be&active=false');
    assert.deepEqual(be.data.items.map((x) => x.code), ['M-3']);
    assert.equal(sql(old.db, "SELECT search FROM people WHERE code = 'M-2'"), 'h hen nie');
    assert.equal(sql(old.db, 'SELECT version FROM schema_migrations WHERE version = 8'), '8');
    assert.equal(indexErrors(old.db), '0');
    assert.equal(sql(old.db, 'SELECT count(*) FROM person_words'), '9');
  } finally {
    await s.stop();
  }
});
