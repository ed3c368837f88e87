// The administrator's review of the command line (session 6).
// C1: after a wrong command line (unknown option, missing value, wrong
//     number of arguments) the usage text goes to standard error with exit
//     status 2 (it went to standard output); --help keeps standard output
//     and exit 0. Every subcommand alike.
// C2: stray arguments a subcommand does not take are a usage error (they
//     were accepted silently: `thidua user list extra`, `thidua init extra`).
// C3: `thidua --help` names every kind import and export take, and the
//     usage lines of each command list every option its text describes
//     (serve left out --public-url, --keys, --outbox; init --keys).
// C4: init on PostgreSQL without --keys or THIDUA_MASTER_KEY says that it
//     made no master key and what to do (it said nothing); a --keys file
//     that cannot be made is exit 1; a SQLite database is made 0600.
// C5: the last active administrator cannot be disabled, nor its admin role revoked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, thidua, tmpdir } from '../lib/server.mjs';

let env;
before(() => { env = makeDb({ sqlite: true }); });

const help = (cmd) => {
  const r = thidua([cmd, '--help']);
  assert.deepEqual([r.code, r.stderr], [0, ''], cmd);
  assert.match(r.stdout, new RegExp(`^usage: thidua ${cmd}`), cmd);
  return r.stdout;
};

// every subcommand that takes --help, and the first line of its --help
const COMMANDS = ['serve', 'init', 'user', 'award', 'base-salary', 'import', 'export', 'backup', 'audit', 'demo',
  'migrate-db', 'verify', 'eligibility', 'remind'];

test('C1: --help of every subcommand is on standard output with exit 0', () => {
  for (const c of COMMANDS) help(c);
  const r = thidua(['--help']);
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.match(r.stdout, /^usage: thidua COMMAND/);
});

test('C1: a wrong command line puts the usage text on standard error, exit 2, nothing on standard output', () => {
  const nowhere = path.join(tmpdir(), 'none.db');
  const cases = [
    // [args, the message before the usage text]
    [['serve', '--bogus'], 'unknown option --bogus\n'],
    [['serve', '--listen'], 'option --listen needs a value\n'],
    [['init', '--bogus', '--db', nowhere], 'unknown option --bogus\n'],
    [['init', '--keys'], 'option --keys needs a value\n'],
    [['user'], ''],
    [['user', 'add', '--bogus'], 'unknown option --bogus\n'],
    [['user', 'frob', '--db', path.join(tmpdir(), 'none.db')], "unknown user command 'frob'\n"],
    [['user', 'add', '--login', 'x', '--password-file', '--db', env.db], 'option --password-file needs a value\n'],
    [['award'], ''],
    [['award', 'frob', '--db', env.db], ''],
    [['base-salary', 'list', '--amount'], 'option --amount needs a value\n'],
    [['import', 'units'], ''],
    [['import', 'units', 'f.csv', '--bogus'], 'unknown option --bogus\n'],
    [['export'], ''],
    [['export', 'units', '--out', '--db', env.db], 'option --out needs a value\n'],
    [['backup'], ''],
    [['backup', 'x.db', '--db'], 'option --db needs a value\n'],
    [['audit'], ''],
    [['audit', 'verify', '--bogus'], 'unknown option --bogus\n'],
    [['demo', '--bogus'], 'unknown option --bogus\n'],
    [['migrate-db'], ''],
    [['migrate-db', '--from', 'a.db', '--bogus'], 'unknown option --bogus\n'],
    [['verify'], ''],
    [['verify', '--bogus', 'CODE'], 'unknown option --bogus\n'],
    [['eligibility'], ''],
    [['eligibility', '--year'], 'option --year needs a value\n'],
    [['remind', '--bogus'], 'unknown option --bogus\n'],
    [['remind', 'extra'], ''],
  ];
  for (const [args, msg] of cases) {
    const r = thidua(args);
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', msg + help(args[0])], args.join(' '));
  }
  assert.equal(fs.existsSync(nowhere), false);
  let r = thidua(['version', 'extra']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'usage: thidua version\n']);
  r = thidua(['version', '--help']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'usage: thidua version\n', '']);
  r = thidua([]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^usage: thidua COMMAND/);
});

test('C2: stray arguments are refused with the usage text, and nothing is done', () => {
  const dir = tmpdir();
  const fresh = path.join(dir, 'fresh.db');
  const absent = path.join(dir, 'absent.db');
  const cases = [
    ['user', 'list', 'extra', '--db', env.db],
    ['user', 'disable', 'admin', '--db', env.db],
    ['award', 'list', 'extra', '--db', env.db],
    ['base-salary', 'list', 'extra', '--db', env.db],
    ['init', 'extra', '--db', fresh],
    ['serve', 'extra', '--db', absent],
    ['demo', 'extra', '--db', absent],
    ['backup', path.join(dir, 'A.db'), path.join(dir, 'B.db'), '--db', env.db],
    ['audit', 'verify', 'extra', '--db', env.db],
    ['export', 'units', 'extra', '--db', env.db],
    ['import', 'units', 'a.csv', 'b.csv', '--db', env.db],
    ['verify', 'A', 'B', '--db', env.db],
    ['eligibility', 'extra', '--award', 'CSTDCS', '--unit', 'VN', '--year', '2024', '--db', env.db],
    ['migrate-db', 'extra', '--from', env.db, '--to', 'postgresql:'],
  ];
  for (const args of cases) {
    const r = thidua(args);
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', help(args[0])], args.join(' '));
  }
  for (const f of [fresh, absent, path.join(dir, 'A.db'), path.join(dir, 'B.db')]) assert.equal(fs.existsSync(f), false, f);
  // the admin is still enabled: "user disable admin" did not run without --login
  const r = thidua(['user', 'list', '--db', env.db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^admin +yes /m);
});

test('C3: thidua --help names every kind import and export take', () => {
  const top = thidua(['--help']).stdout.split('\n');
  assert.ok(top.includes("  import       import units, people, achievements, or a movement's registrations, models, results (XLSX, CSV)"), top.join('\n'));
  assert.ok(top.includes("  export       export units, people, or a movement's registrations, models, results, template (CSV, XLSX)"), top.join('\n'));
  // the kinds each usage names, each in the top-level line
  for (const cmd of ['import', 'export']) {
    const line = top.find((l) => l.startsWith(`  ${cmd} `));
    const kinds = [...help(cmd).matchAll(new RegExp(`thidua ${cmd} ([a-z|]+)`, 'g'))].flatMap((m) => m[1].split('|'));
    assert.ok(kinds.length >= 6, kinds.join(' '));
    for (const k of kinds) assert.match(line, new RegExp(`\\b${k}\\b`), `${cmd} ${k}`);
  }
});

test('C3: the usage lines of every command list each option its text describes', () => {
  for (const c of COMMANDS) {
    const text = help(c);
    const [synopsis, rest] = [text.slice(0, text.indexOf('\n\n')), text.slice(text.indexOf('\n\n'))];
    const options = new Set([...rest.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]).filter((o) => o !== '--help'));
    for (const o of options) assert.match(synopsis, new RegExp(`${o}\\b`), `${c}: ${o}`);
  }
  assert.equal(help('serve').split('\n\n')[0],
    'usage: thidua serve [--db PATH] [--listen HOST:PORT] [--threads N]\n' +
    '                    [--max-body BYTES] [--max-upload BYTES] [--max-conns N] [--timeout SECONDS]\n' +
    '                    [--utc-offset +HH:MM] [--unit-quota BYTES] [--reply-cache 1|0]\n' +
    '                    [--public-url URL] [--keys FILE] [--outbox DIR]');
  assert.equal(help('init').split('\n\n')[0], 'usage: thidua init [--db PATH] [--admin-password-file FILE] [--keys FILE]');
});

// C4 needs a PostgreSQL cluster of its own (scripts/pg-test-cluster.sh)
const PG = fs.existsSync('/usr/lib/postgresql') && fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
const CLUSTER = path.resolve('scripts/pg-test-cluster.sh');
let uri = null;
after(() => { if (uri) execFileSync(CLUSTER, ['stop', uri]); });

test('C4: init on PostgreSQL without --keys says it made no master key and what to do', { skip: !PG && 'PostgreSQL is not installed' }, () => {
  uri = execFileSync(CLUSTER, ['start'], { encoding: 'utf8' }).trim();
  const saved = process.env.THIDUA_MASTER_KEY;
  delete process.env.THIDUA_MASTER_KEY;
  try {
    const r = thidua(['init', '--db', uri]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      `created ${uri}`,
      'master key: none (award decisions cannot be signed until every server is given one:',
      '  serve --keys FILE, a file of 64 hexadecimal digits made once, or THIDUA_MASTER_KEY; docs/DEPLOY.md)',
    ]);
    assert.match(lines[3], /^admin password: \S+$/);
    assert.equal(lines.length, 5);
    assert.equal(r.stderr, '');
  } finally {
    if (saved !== undefined) process.env.THIDUA_MASTER_KEY = saved;
  }
});

test('C4: init on SQLite still makes PATH.key and says so', () => {
  const db = path.join(tmpdir(), 'k.db');
  // the key comes from the environment when THIDUA_MASTER_KEY is set (the suite on PostgreSQL sets it)
  const saved = process.env.THIDUA_MASTER_KEY;
  delete process.env.THIDUA_MASTER_KEY;
  let r;
  try {
    r = thidua(['init', '--db', db]);
  } finally {
    if (saved !== undefined) process.env.THIDUA_MASTER_KEY = saved;
  }
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').slice(0, 2), [`created ${db}`, `master key: file ${db}.key`]);
  assert.equal(fs.statSync(`${db}.key`).mode & 0o777, 0o600);
  // the database too holds password hashes: its owner's only, whatever the umask
  assert.equal(fs.statSync(db).mode & 0o777, 0o600);
});

test('C4: init whose --keys file cannot be made says so and exits 1, the database made and its password given', () => {
  const dir = tmpdir();
  const db = path.join(dir, 'nokey.db');
  const key = path.join(dir, 'no-such-dir', 'k');
  const r = thidua(['init', '--db', db, '--keys', key]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `cannot create the master key ${key}: No such file or directory\n`);
  assert.match(r.stdout, new RegExp(`^created ${db}\\nadmin password: \\S+\\n$`));
  assert.equal(fs.existsSync(db), true);
});

test('C5: the last active administrator cannot be disabled nor lose the role; once another is granted admin, it can', () => {
  const dir = tmpdir();
  const db = path.join(dir, 'admins.db');
  assert.equal(thidua(['init', '--db', db]).code, 0);
  let r = thidua(['user', 'disable', '--login', 'admin', '--db', db]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'cannot disable admin: the last active administrator (grant admin to another user first)\n']);
  // with a second role, the admin role itself is what cannot go
  assert.equal(thidua(['user', 'grant', '--login', 'admin', '--role', 'viewer', '--unit', 'VN', '--db', db]).code, 0);
  r = thidua(['user', 'revoke', '--login', 'admin', '--role', 'admin', '--unit', 'VN', '--db', db]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'cannot revoke admin from admin: the last active administrator (grant admin to another user first)\n']);
  const pf = path.join(dir, 'second.pw');
  fs.writeFileSync(pf, 'Qv8#tLm2pZxr\n');
  r = thidua(['user', 'add', '--login', 'second.admin', '--role', 'admin', '--unit', 'VN', '--password-file', pf, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  r = thidua(['user', 'revoke', '--login', 'admin', '--role', 'admin', '--unit', 'VN', '--db', db]);
  assert.deepEqual([r.code, r.stdout], [0, 'revoked the role admin on VN from admin\n']);
  r = thidua(['user', 'disable', '--login', 'admin', '--db', db]);
  assert.deepEqual([r.code, r.stdout], [0, 'disabled admin; their sessions and tokens are revoked\n']);
  // now second.admin is the last one
  r = thidua(['user', 'disable', '--login', 'second.admin', '--db', db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^cannot disable second\.admin: the last active administrator/);
});
