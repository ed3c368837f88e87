// CSV and XLSX import and export on the command line: a file goes in whole or
// not at all, every rejected line is named (a worksheet row number in XLSX),
// re-importing changes nothing, and an export re-imports into the same data.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { makeDb, thidua, startServer, onPg } from '../lib/server.mjs';
import { copyDb, sql } from './_util.mjs';
import { xlsx } from '../lib/xlsx.mjs';

let env, dir, pristine;

const BOM = '\ufeff';
const GOOD_UNITS = BOM + [
  'code;name;kind;parent_code;active',
  'T-TTH;Tỉnh Thừa Thiên Huế;province;VN;1',
  'TTH-SNV;"Sở Nội vụ; tỉnh Thừa Thiên Huế";department;T-TTH;1',
  'TTH-SNV-TDKT;Phòng Thi đua – Khen thưởng;subunit;TTH-SNV;1',
  'TTH-SNV-TCCB;Phòng Tổ chức, Cán bộ;subunit;TTH-SNV;1',
  // a child before its parent: the import resolves the order itself
  'QY-P-YENGIANG;Phường Yên Giang;ward;QN-QUANGYEN;1',
  'QN-QUANGYEN;Thị xã Quảng Yên;district;T-QUANGNINH;1',
  'T-QUANGNINH;Tỉnh Quảng Ninh;province;VN;',
  'TP-DANANG;Thành phố Đà Nẵng;city;VN;1',
  'DN-CU;Đơn vị đã giải thể;agency;TP-DANANG;0',
].join('\r\n') + '\r\n';
const GOOD_UNITS_LINES = 9;

const GOOD_PEOPLE = [
  'code,full_name,gender,birth_year,unit_code,position,active',
  'CC-0001,Nguyễn Thị Lan,F,1985,T-TTH,"Trưởng phòng, ""Thi đua""",1',
  'CC-0002,Trần Văn Bình,M,,TTH-SNV,,1',
  'CC-0003,Lê Thị Cúc,F,1990,DN-CU,Chuyên viên,0',
  'CC-0004,Phạm Văn Đức,M,1975,QY-P-YENGIANG,Tổ trưởng,',
].join('\n') + '\n';

function write(name, text) {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

const count = (db, table) => Number(sql(db, `SELECT count(*) FROM ${table}`));

// Everything in the tables an import touches, as text (cheaper than an export).
const dump = (db) => sql(db, "SELECT code, name, kind, parent_id, path, depth, active, version FROM units ORDER BY id") + '\n--\n' +
  sql(db, "SELECT code, full_name, gender, birth_year, unit_id, position, active, version FROM people ORDER BY id");

// A new database as `thidua init` leaves it (a copy: init hashes a password, which is slow).
const freshDb = (name) => copyDb(pristine, name);

// No test depends on another: each imports into a database of its own, built
// as far as it needs (fresh → the good units file → the good people file)
// through the same imports the first tests assert.
function withUnits(name) {
  const db = freshDb(name);
  const f = write('units.csv', GOOD_UNITS);
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  return db;
}
function withPeople(name) {
  const db = withUnits(name);
  const f = write('people.csv', GOOD_PEOPLE);
  const r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  return db;
}

before(() => {
  env = makeDb();
  dir = env.dir;
  pristine = env.db; // only copied
});

test('a good units file with BOM, semicolons and CRLF imports: "N lines: N added"', () => {
  const db = freshDb('good-units.db');
  const f = write('units.csv', GOOD_UNITS);
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${f}: ${GOOD_UNITS_LINES} lines: ${GOOD_UNITS_LINES} added, 0 updated, 0 unchanged\n`);
  assert.equal(count(db, 'units'), 1 + GOOD_UNITS_LINES);
  // the first field of the header is "code", not "\ufeffcode"; values are exact
  assert.equal(sql(db, "SELECT name FROM units WHERE code = 'TTH-SNV'"), 'Sở Nội vụ; tỉnh Thừa Thiên Huế');
  assert.equal(sql(db, "SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'QY-P-YENGIANG'"), 'QN-QUANGYEN');
  assert.equal(sql(db, "SELECT active FROM units WHERE code = 'DN-CU'"), '0');
  assert.equal(sql(db, "SELECT active FROM units WHERE code = 'T-QUANGNINH'"), '1');
  const qy = sql(db, "SELECT CASE WHEN u.path = p.path || u.id || '/' THEN 1 ELSE 0 END FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'QY-P-YENGIANG'");
  assert.equal(qy, '1');
});

test('re-importing the same units file changes nothing: "0 added, 0 updated, N unchanged"', () => {
  const db = withUnits('units-again.db');
  const f = path.join(dir, 'units.csv'); // as withUnits wrote and imported it
  const before = dump(db);
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${f}: ${GOOD_UNITS_LINES} lines: 0 added, 0 updated, ${GOOD_UNITS_LINES} unchanged\n`);
  assert.equal(dump(db), before);
});

test('a changed line updates the unit in place', () => {
  const db = withUnits('units-changed.db');
  const f = write('units-changed.csv', 'code,name,kind,parent_code\nTP-DANANG,TP. Đà Nẵng,city,VN\n');
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${f}: 1 lines: 0 added, 1 updated, 0 unchanged\n`);
  assert.equal(sql(db, "SELECT name || '|' || version FROM units WHERE code = 'TP-DANANG'"), 'TP. Đà Nẵng|2');
});

const BAD_UNITS = [
  'code,name,kind,parent_code',
  'OK-1,Đơn vị tốt,agency,VN',
  'BAD-KIND,Đơn vị lạ,galaxy,VN',
  'BAD-NAME,,agency,VN',
  'BAD-PARENT,Đơn vị mồ côi,agency,NOPE',
  'BQ,"Đơn vị" lạ,agency,VN',
  'OK-2,Đơn vị tốt 2,agency,OK-1',
].join('\n') + '\n';

test('a units file with bad lines exits 1, names each line and reason, and imports nothing', () => {
  const db = withUnits('bad-units.db');
  const unitsBefore = dump(db);
  const auditBefore = count(db, 'audit_log');
  const f = write('bad-units.csv', BAD_UNITS);
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.includes('line 3: kind: Is not a known kind of unit'), r.stderr);
  assert.ok(lines.includes('line 4: name: Is required'), r.stderr);
  assert.ok(lines.includes("line 5: parent_code: no unit has the code 'NOPE'"), r.stderr);
  assert.ok(lines.includes('line 6: text after a closing quote in field 2'), r.stderr);
  assert.ok(!/line [27]:/.test(r.stderr), 'good lines are not reported');
  assert.match(lines[lines.length - 1], new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: nothing imported: 4 of \\d+ lines rejected$`));
  assert.equal(dump(db), unitsBefore);
  assert.equal(sql(db, "SELECT count(*) FROM units WHERE code IN ('OK-1', 'OK-2', 'BQ')"), '0');
  assert.equal(count(db, 'audit_log'), auditBefore);
});

test('the rejection summary counts every data line of the file, the broken one too', () => {
  const db = withUnits('bad-units-summary.db');
  // 6 data lines, 4 of them rejected
  const f = write('bad-units.csv', BAD_UNITS);
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.endsWith(`${f}: nothing imported: 4 of 6 lines rejected\n`), r.stderr);
});

test('an unclosed quote is reported with its line and nothing is imported', () => {
  const db = withUnits('unclosed.db');
  const n = count(db, 'units');
  const f = write('unclosed.csv', 'code,name,kind,parent_code\nOK-1,Đơn vị tốt,agency,VN\nOK-3,"Đơn vị chưa đóng,agency,VN\nOK-4,Đơn vị,agency,VN\n');
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes('line 3: a quoted field opened here is never closed'), r.stderr);
  assert.equal(count(db, 'units'), n);
});

test('a file whose header lacks the required columns is refused on line 1', () => {
  const db = withUnits('noheader.db');
  const f = write('noheader.csv', 'ma,ten,loai\nX,Y,agency\n');
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.startsWith('line 1: the header must name the columns code, name and kind'), r.stderr);
});

test('a good people file imports, and re-importing it changes nothing', () => {
  const db = withUnits('people.db');
  const f = write('people.csv', GOOD_PEOPLE);
  const r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${f}: 4 lines: 4 added, 0 updated, 0 unchanged\n`);
  // where the time went, on standard error (its figures are not checked: timing)
  assert.match(r.stderr, /^time [0-9.]+ s: lines [0-9.]+ s \(checked, stored\), word index [0-9.]+ s, indexes (built again|\(kept row by row\)) [0-9.]+ s, commit [0-9.]+ s$/m);
  assert.equal(sql(db, "SELECT coalesce(CAST(birth_year AS TEXT), 'NULL') || '|' || coalesce(position, 'NULL') FROM people WHERE code = 'CC-0002'"), 'NULL|NULL');
  assert.equal(sql(db, "SELECT active FROM people WHERE code = 'CC-0003'"), '0');
  const again = thidua(['import', 'people', f, '--db', db]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, `${f}: 4 lines: 0 added, 0 updated, 4 unchanged\n`);
});

test('a code twice in one file into an empty table: refused with both lines, nothing stored (review 6A, D1)', () => {
  const db = withUnits('people-twice.db');
  const audit = count(db, 'audit_log');
  const f = write('people-twice.csv', [
    'code,full_name,gender,birth_year,unit_code,position,active',
    'CC-0001,Nguyễn Thị Lan,F,1985,T-TTH,Chuyên viên,1',
    'CC-0002,Trần Văn Bình,M,,TTH-SNV,,1',
    'CC-0001,Nguyễn Thị Hoa,F,1986,T-TTH,Trưởng phòng,1',
  ].join('\n') + '\n');
  const r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  // the later line used to overwrite the earlier one without a word
  assert.equal(r.stderr, `line 4: code: CC-0001 is on line 2 too; a code may appear once in a file\n${f}: nothing imported: 1 of 3 lines rejected\n`);
  assert.equal(count(db, 'people'), 0);
  assert.equal(sql(db, 'SELECT count(*) FROM person_words'), '0');
  assert.equal(sql(db, 'SELECT count(*) FROM person_word_counts WHERE people > 0'), '0');
  assert.equal(count(db, 'audit_log'), audit);
});

test('a people import is audited by one row for the file: its SHA-256 and the ranges of the ids it created', () => {
  const db = freshDb('audit-people.db');
  const units = write('audit-units.csv', GOOD_UNITS);
  assert.equal(thidua(['import', 'units', units, '--db', db]).code, 0);
  const indexes = () => sql(db, onPg ? "SELECT indexname FROM pg_indexes WHERE tablename = 'people' ORDER BY indexname"
    : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people' ORDER BY name").split('\n').join(' ');
  const before = indexes();
  const f = write('audit-people.csv', GOOD_PEOPLE);
  const rowsBefore = count(db, 'audit_log');
  const r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(count(db, 'audit_log'), rowsBefore + 1);
  const row = JSON.parse(sql(db, 'SELECT after FROM audit_log ORDER BY id DESC LIMIT 1'));
  const sha = crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  const ids = sql(db, "SELECT min(id) || ' ' || max(id) FROM people").split(' ').map(Number);
  assert.deepEqual(row, { file_sha256: sha, lines: 4, created: 4, updated: 0, unchanged: 0, created_ids: [ids] });
  assert.equal(sql(db, "SELECT action || ' ' || entity FROM audit_log ORDER BY id DESC LIMIT 1"), 'import person');
  // the secondary indexes, dropped for a file bigger than the table, are all back
  assert.equal(indexes(), before);
  if (!onPg) assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
  // an update is still audited person by person, with the record before and after
  const changed = write('audit-people-2.csv', GOOD_PEOPLE.replace('Trần Văn Bình', 'Trần Văn Bính'));
  assert.equal(thidua(['import', 'people', changed, '--db', db]).code, 0);
  const name = (col) => (onPg ? `(CAST(${col} AS json)->>'full_name')` : `json_extract(${col}, '$.full_name')`);
  const upd = sql(db, `SELECT action || ' ' || ${name('before')} || ' > ' || ${name('after')} FROM audit_log ORDER BY id DESC LIMIT 1`);
  assert.equal(upd, 'update Trần Văn Bình > Trần Văn Bính');
  const v = thidua(['audit', 'verify', '--db', db]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
});

test('a people file with an unknown unit_code and a bad gender names the lines and imports nothing', () => {
  const db = withPeople('bad-people.db');
  const peopleBefore = dump(db);
  const f = write('bad-people.csv', [
    'code,full_name,gender,birth_year,unit_code',
    'CC-0010,Phạm Văn Mười,M,1980,T-TTH',
    'CC-0011,Võ Thị Mười Một,F,1981,NOPE',
    'CC-0012,Đỗ Văn Mười Hai,Q,1982,T-TTH',
    'CC-0001,Nguyễn Thị Lan (sửa),F,1985,T-TTH',
  ].join('\n') + '\n');
  const r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.includes('line 3: unit_code: no unit has this code'), r.stderr);
  assert.ok(lines.includes('line 4: gender: must be M, F or X'), r.stderr);
  assert.ok(!/line [25]:/.test(r.stderr), 'good lines are not reported');
  assert.ok(r.stderr.endsWith(`${f}: nothing imported: 2 of 4 lines rejected\n`), r.stderr);
  assert.equal(dump(db), peopleBefore);
  assert.equal(sql(db, "SELECT count(*) FROM people WHERE code = 'CC-0010'"), '0');
});

test('CSV exports re-import into a fresh database byte for byte', () => {
  const db = withPeople('export-csv.db');
  const u1 = thidua(['export', 'units', '--db', db]);
  const p1 = thidua(['export', 'people', '--db', db]);
  assert.equal(u1.code, 0);
  assert.equal(p1.code, 0);
  // the command line writes Vietnamese headers by default, after the UTF-8 BOM (tests/http/exports.test.mjs has every language)
  assert.ok(u1.stdout.startsWith(BOM + 'Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Đang hoạt động (1 hoặc 0)\r\n'));
  assert.ok(p1.stdout.startsWith(BOM + '"Mã số cán bộ, công chức",Họ và tên,"Giới tính (M, F hoặc X)",Năm sinh,Mã đơn vị,Chức vụ,Đang hoạt động (1 hoặc 0)\r\n'));
  const fresh = { db: freshDb('roundtrip.db') };
  const fu = write('export-units.csv', u1.stdout);
  const fp = write('export-people.csv', p1.stdout);
  const iu = thidua(['import', 'units', fu, '--db', fresh.db]);
  assert.equal(iu.code, 0, iu.stderr);
  const ip = thidua(['import', 'people', fp, '--db', fresh.db]);
  assert.equal(ip.code, 0, ip.stderr);
  assert.equal(thidua(['export', 'units', '--db', fresh.db]).stdout, u1.stdout);
  assert.equal(thidua(['export', 'people', '--db', fresh.db]).stdout, p1.stdout);
});

test('export --format xlsx --out F writes a zip (starts with "PK")', () => {
  const db = withPeople('export-xlsx.db');
  for (const what of ['units', 'people']) {
    const out = path.join(dir, what + '.xlsx');
    const r = thidua(['export', what, '--format', 'xlsx', '--out', out, '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    const head = fs.readFileSync(out).subarray(0, 4);
    assert.deepEqual([...head], [0x50, 0x4b, 0x03, 0x04]);
  }
});

test('XLSX exports re-import: unchanged into the same database, identical into a fresh one', () => {
  const db = withPeople('rt-xlsx.db');
  const csvUnits = thidua(['export', 'units', '--db', db]).stdout;
  const csvPeople = thidua(['export', 'people', '--db', db]).stdout;
  const nUnits = count(db, 'units') - 1;  // the export includes the root VN, which exists already
  const nPeople = count(db, 'people');
  const fu = path.join(dir, 'rt-units.xlsx');
  const fp = path.join(dir, 'rt-people.xlsx');
  assert.equal(thidua(['export', 'units', '--format', 'xlsx', '--out', fu, '--db', db]).code, 0);
  assert.equal(thidua(['export', 'people', '--format', 'xlsx', '--out', fp, '--db', db]).code, 0);
  const before = dump(db);
  const su = thidua(['import', 'units', fu, '--db', db]);
  assert.equal(su.code, 0, su.stderr);
  assert.equal(su.stdout, `${fu}: ${nUnits + 1} lines: 0 added, 0 updated, ${nUnits + 1} unchanged\n`);
  const sp = thidua(['import', 'people', fp, '--db', db]);
  assert.equal(sp.code, 0, sp.stderr);
  assert.equal(sp.stdout, `${fp}: ${nPeople} lines: 0 added, 0 updated, ${nPeople} unchanged\n`);
  assert.equal(dump(db), before);

  const fresh = freshDb('roundtrip-xlsx.db');
  const iu = thidua(['import', 'units', fu, '--db', fresh]);
  assert.equal(iu.code, 0, iu.stderr);
  assert.equal(iu.stdout, `${fu}: ${nUnits + 1} lines: ${nUnits} added, 0 updated, 1 unchanged\n`);
  const ip = thidua(['import', 'people', fp, '--db', fresh]);
  assert.equal(ip.code, 0, ip.stderr);
  assert.equal(ip.stdout, `${fp}: ${nPeople} lines: ${nPeople} added, 0 updated, 0 unchanged\n`);
  assert.equal(thidua(['export', 'units', '--db', fresh]).stdout, csvUnits);
  assert.equal(thidua(['export', 'people', '--db', fresh]).stdout, csvPeople);
  // numbers came back as the text they were: a birth year, no "1985.0"
  assert.equal(sql(fresh, "SELECT birth_year FROM people WHERE code = 'CC-0001'"), '1985');
});

test('an XLSX with bad rows names their worksheet row numbers and imports nothing', () => {
  const db = withUnits('bad-xlsx.db');
  const before = dump(db);
  const auditBefore = count(db, 'audit_log');
  const f = write('bad-units.xlsx', xlsx([
    [1, ['code', 'name', 'kind', 'parent_code']],
    [2, ['X-OK', 'Đơn vị tốt', 'agency', 'VN']],
    // row 3 is absent, row 4 leaves the name empty (a gap), row 6 names an unknown parent
    [4, ['X-NONAME', null, 'agency', 'VN']],
    [5, ['X-KIND', 'Đơn vị lạ', 'galaxy', 'VN']],
    [6, ['X-ORPHAN', 'Đơn vị mồ côi', 'agency', 'NOPE']],
    [8, ['X-OK2', 'Đơn vị tốt 2', 'agency', 'X-OK']],
  ]));
  const r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, [
    'line 4: name: Is required',
    'line 5: kind: Is not a known kind of unit',
    "line 6: parent_code: no unit has the code 'NOPE'",
    `${f}: nothing imported: 3 of 5 lines rejected`,
  ].join('\n') + '\n');
  assert.equal(dump(db), before);
  assert.equal(count(db, 'audit_log'), auditBefore);
});

test('a people XLSX with number cells imports them as text: 1985, 1 and 0', () => {
  const db = withUnits('people-numbers.db');
  const f = write('people-numbers.xlsx', xlsx([
    [1, ['code', 'full_name', 'gender', 'birth_year', 'unit_code', 'position', 'active']],
    [2, ['CC-0100', 'Hoàng Thị Thu', 'F', 1985, 'T-TTH', 'Chuyên viên chính', 1]],
    [3, ['CC-0101', 'Vũ Văn Hải', 'M', 1.97e3, 'T-TTH', null, 0]],
  ]));
  const r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${f}: 2 lines: 2 added, 0 updated, 0 unchanged\n`);
  assert.equal(sql(db, "SELECT code || '|' || birth_year || '|' || coalesce('''' || position || '''', 'NULL') || '|' || active FROM people WHERE code IN ('CC-0100', 'CC-0101') ORDER BY code").split('\n').join(';'),
    "CC-0100|1985|'Chuyên viên chính'|1;CC-0101|1970|NULL|0");
});

test('an unreadable XLSX is refused with one clear line and nothing imported', () => {
  const db = withUnits('unreadable.db');
  const before = dump(db);
  const cases = [
    ['not-a-zip.xlsx', Buffer.from('PK\x03\x04 but nothing after'), /^the file is not a readable XLSX workbook: Not a zip archive$/],
    ['broken-sheet.xlsx', xlsx([], { sheet: '<worksheet><sheetData><row r="1"><c><v>1</v></row></sheetData></worksheet>' }),
      /^line 1: the file is not a readable XLSX workbook: xl\/worksheets\/sheet1\.xml line 1: .+$/],
  ];
  for (const [name, bytes, want] of cases) {
    const f = write(name, bytes);
    const r = thidua(['import', 'units', f, '--db', db]);
    assert.equal(r.code, 1, name);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0], want);
    assert.match(lines[1], /: nothing imported: /);
  }
  assert.equal(dump(db), before);
});

test('the audit log is intact after the imports', () => {
  // units and people added, then a unit updated
  const db = withPeople('audit.db');
  const changed = thidua(['import', 'units', write('units-changed.csv', 'code,name,kind,parent_code\nTP-DANANG,TP. Đà Nẵng,city,VN\n'), '--db', db]);
  assert.equal(changed.code, 0, changed.stderr);
  const r = thidua(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stdout, `audit log intact: ${count(db, 'audit_log')} rows\n`);
});

test('a very deep chain of units keeps every path consistent, or is refused with a line number', () => {
  const db = freshDb('deep.db');
  const rows = ['code,name,kind,parent_code'];
  for (let i = 0; i < 200; i++) rows.push(`D${i},Cấp ${i},subunit,${i ? 'D' + (i - 1) : 'VN'}`);
  const f = write('deep.csv', rows.join('\n') + '\n');
  const r = thidua(['import', 'units', f, '--db', db]);
  if (r.code === 0) {
    // a unit's path is its parent's path plus its own id
    const bad = sql(db, "SELECT u.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.path != p.path || u.id || '/'");
    assert.equal(bad, '', 'units whose path does not extend their parent\'s');
  } else {
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^line \d+: /m);
    assert.equal(count(db, 'units'), 1);
  }
});

test('an import while the server runs goes through the WAL (SQLite): the server keeps answering and sees the new units', async () => {
  const live = makeDb();
  const srv = await startServer(live.db);
  try {
    const lines = ['code,name,kind,parent_code,active'];
    for (let i = 1; i <= 300; i++) lines.push(`LIVE-${i},Xã Thử ${i},commune,VN,1`);
    const f = path.join(live.dir, 'live.csv');
    fs.writeFileSync(f, lines.join('\n') + '\n');
    const r = thidua(['import', 'units', f, '--db', live.db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /300 lines: 300 added, 0 updated, 0 unchanged/);
    const h = await fetch(srv.base + '/healthz');
    assert.equal(h.status, 200);
    if (!onPg) assert.equal(sql(live.db, 'PRAGMA journal_mode').trim(), 'wal');
    assert.equal(sql(live.db, "SELECT count(*) FROM units WHERE code LIKE 'LIVE-%'").trim(), '300');
  } finally {
    await srv.stop();
  }
});
