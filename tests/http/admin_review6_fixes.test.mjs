// The administrator's review 6A: imports and the command line.
// D1: a code twice in one units or people file is refused with both lines
//     (it used to let the later line overwrite the earlier one);
// D2: a CSV line with fewer or more fields than the header is refused (a
//     short line put a unit at the top of the tree without its parent);
// D3: a UTF-16 file is refused with a hint, not "a NUL byte";
// D4: an option without its value does not swallow the next option (the
//     command used to fall back to ./thidua.db); the message is followed by
//     the command's usage text on standard error (session 6, C1).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, thidua, dbDir } from '../lib/server.mjs';
import { sql } from './_util.mjs';

let env, dir;
const write = (name, text) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const units = () => sql(env.db, 'SELECT code, name, kind, COALESCE(parent_id, 0) FROM units ORDER BY code');
const people = () => sql(env.db, 'SELECT code, full_name, COALESCE(birth_year, 0) FROM people ORDER BY code');
const auditCount = () => sql(env.db, 'SELECT count(*) FROM audit_log');

before(() => {
  env = makeDb();
  dir = dbDir(env.db);
  const f = write('base.csv', 'code,name,kind,parent_code,active\nT-SONLA,Tỉnh Sơn La,province,VN,1\nSL-SYT,Sở Y tế,department,T-SONLA,1\n');
  const r = thidua(['import', 'units', f, '--db', env.db]);
  assert.equal(r.code, 0, r.stderr);
});

test('D1: a unit code twice in one file is refused with both line numbers, nothing imported', () => {
  const before = [units(), auditCount()];
  const f = write('dup-units.csv', 'code,name,kind,parent_code,active\nSL-D,Sở A,department,T-SONLA,1\nSL-X,Sở X,department,T-SONLA,1\nSL-D,Sở B,department,T-SONLA,1\n');
  const r = thidua(['import', 'units', f, '--db', env.db]);
  assert.deepEqual([r.code, r.stdout], [1, '']);
  assert.equal(r.stderr, `line 4: code: SL-D is on line 2 too; a code may appear once in a file\n${f}: nothing imported: 1 of 3 lines rejected\n`);
  assert.deepEqual([units(), auditCount()], before);
  // a code that exists already, once in the file, is still an update
  const g = write('one-update.csv', 'code,name,kind,parent_code,active\nSL-SYT,Sở Y tế tỉnh Sơn La,department,T-SONLA,1\n');
  const u = thidua(['import', 'units', g, '--db', env.db]);
  assert.deepEqual([u.code, u.stdout, u.stderr], [0, `${g}: 1 lines: 0 added, 1 updated, 0 unchanged\n`, '']);
});

test('D1: a person code twice in one file is refused with both line numbers, nothing imported', () => {
  const before = [people(), auditCount()];
  const f = write('dup-people.csv', [
    'code,full_name,gender,birth_year,unit_code,position,active',
    'CC1,Nguyễn Thị Lan,F,1985,SL-SYT,Chuyên viên,1',
    'CC2,Trần Văn Bình,M,1980,SL-SYT,,1',
    'CC1,Nguyễn Thị Lan Anh,F,1986,SL-SYT,,1',
    'CC2,Trần Văn Bình,M,1980,SL-SYT,,1',
  ].join('\n') + '\n');
  const r = thidua(['import', 'people', f, '--db', env.db]);
  assert.deepEqual([r.code, r.stdout], [1, '']);
  assert.equal(r.stderr, 'line 4: code: CC1 is on line 2 too; a code may appear once in a file\n' +
    'line 5: code: CC2 is on line 3 too; a code may appear once in a file\n' +
    `${f}: nothing imported: 2 of 4 lines rejected\n`);
  assert.deepEqual([people(), auditCount()], before);
  // the same file without the repeats goes in, and again changes nothing
  const g = write('people-ok.csv', 'code,full_name,gender,birth_year,unit_code,position,active\nCC1,Nguyễn Thị Lan,F,1985,SL-SYT,Chuyên viên,1\nCC2,Trần Văn Bình,M,1980,SL-SYT,,1\n');
  let ok = thidua(['import', 'people', g, '--db', env.db]);
  assert.deepEqual([ok.code, ok.stdout], [0, `${g}: 2 lines: 2 added, 0 updated, 0 unchanged\n`]);
  ok = thidua(['import', 'people', g, '--db', env.db]);
  assert.deepEqual([ok.code, ok.stdout], [0, `${g}: 2 lines: 0 added, 0 updated, 2 unchanged\n`]);
  assert.equal(people(), 'CC1|Nguyễn Thị Lan|1985\nCC2|Trần Văn Bình|1980');
});

test('D2: a CSV line with fewer or more fields than the header is refused, no unit put at the top', () => {
  const before = [units(), auditCount()];
  const f = write('short-units.csv', 'code;name;kind;parent_code;active\nSL-E;Sở E;department\nSL-F;Sở F;department;T-SONLA;1;x\nSL-G;Sở G;department;T-SONLA;1\n');
  const r = thidua(['import', 'units', f, '--db', env.db]);
  assert.deepEqual([r.code, r.stdout], [1, '']);
  assert.equal(r.stderr,
    'line 2: 3 fields where the header has 5 (a field is missing, or a value holds the separator and is not quoted)\n' +
    'line 3: 6 fields where the header has 5 (a field is missing, or a value holds the separator and is not quoted)\n' +
    `${f}: nothing imported: 2 of 3 lines rejected\n`);
  assert.deepEqual([units(), auditCount()], before);
  assert.equal(sql(env.db, 'SELECT count(*) FROM units WHERE parent_id IS NULL'), '1');
  // people: the cause is named, not "unit_code: no unit has this code"
  const before2 = people();
  const g = write('short-people.csv', 'code,full_name,gender,birth_year,unit_code,position,active\nCC5,Nguyễn E,F,1985\n');
  const p = thidua(['import', 'people', g, '--db', env.db]);
  assert.equal(p.code, 1);
  assert.equal(p.stderr, `line 2: 4 fields where the header has 7 (a field is missing, or a value holds the separator and is not quoted)\n${g}: nothing imported: 1 of 1 lines rejected\n`);
  assert.equal(people(), before2);
  // blank lines are still skipped
  const h = write('blank.csv', 'code,name,kind,parent_code,active\n\nSL-G,Sở G,department,T-SONLA,1\n\n');
  const b = thidua(['import', 'units', h, '--db', env.db]);
  assert.deepEqual([b.code, b.stdout, b.stderr], [0, `${h}: 1 lines: 1 added, 0 updated, 0 unchanged\n`, '']);
});

test('D3: a UTF-16 file (Excel\'s Unicode Text) is refused with what to do', () => {
  const text = 'code,name,kind,parent_code,active\nSL-Y,Sở Tư pháp,department,T-SONLA,1\n';
  const f = path.join(dir, 'utf16.csv');
  fs.writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const before = units();
  const r = thidua(['import', 'units', f, '--db', env.db]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.split('\n')[0], 'the file is UTF-16 text, not UTF-8: save it as "CSV UTF-8 (comma delimited)" or as .xlsx');
  assert.doesNotMatch(r.stderr, /NUL/);
  assert.equal(units(), before);
});

test('D4: an option without its value is a usage error and does not fall back to ./thidua.db', () => {
  const cwdDb = path.join(process.cwd(), 'thidua.db');
  const had = fs.existsSync(cwdDb);
  let r = thidua(['user', 'add', '--login', 'y.officer', '--role', 'officer', '--unit', 'VN', '--password-file', '--db', env.db]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'option --password-file needs a value\n' + thidua(['user', '--help']).stdout]);
  r = thidua(['export', 'units', '--out', '--db', env.db]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'option --out needs a value\n' + thidua(['export', '--help']).stdout]);
  assert.equal(fs.existsSync(path.join(process.cwd(), '--db')), false);
  r = thidua(['user', 'email', '--login', 'admin', '--email', '--db=' + env.db]);
  assert.deepEqual([r.code, r.stderr], [2, 'option --email needs a value\n' + thidua(['user', '--help']).stdout]);
  assert.equal(fs.existsSync(cwdDb), had);
  // a value given with "=" may be anything, and "-" (standard input) is a value
  const pw = 'Mật-khẩu-tạm-7\n';
  r = thidua(['user', 'add', '--login', 'y.officer', '--role', 'officer', '--unit', 'VN', '--password-file', '-', '--db', env.db], { input: pw });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'added y.officer\n', '']);
});
