// The vote bench: one round of N voters (10 000 by default), each casting
// a ballot over HTTP with its own API token, CONNS at a time; then the close
// (the tally and the rewrite of the ballots in key order) and the result.
//
//   node bench/votes.mjs [build/release/thidua]      (bench/run.sh runs it last)
//
// Environment: BENCH_VOTERS=10000, BENCH_VOTE_CONNS=32, BENCH_VOTE_CANDIDATES=6.
// The voters and their tokens are written straight into a new SQLite
// database (an argon2 login each would measure the password hashing, not the
// vote). Prints one summary line; fails only when something does not work.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(process.argv[2] || 'build/release/thidua');
const N = Number(process.env.BENCH_VOTERS || 10000);
const CONNS = Number(process.env.BENCH_VOTE_CONNS || 32);
const NCAND = Number(process.env.BENCH_VOTE_CANDIDATES || 6);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thidua-votes-bench-'));
const db = path.join(dir, 'votes.db');
const fail = (m) => { console.error('bench votes: FAILED: ' + m); process.exit(1); };

const init = execFileSync(BIN, ['init', '--db', db], { encoding: 'utf8' });
const adminPw = init.match(/^admin password: (\S+)$/m)[1];

// the voters: users with a council role on the root unit and a token each
const tokens = [];
const now = Math.floor(Date.now() / 1000);
let sqlText = 'BEGIN;\n';
for (let i = 0; i < N; i++) {
  const login = `bv.${String(i).padStart(5, '0')}`;
  const token = crypto.randomBytes(32).toString('hex');
  const hash = crypto.createHash('sha256').update(token).digest('hex');
  tokens.push(token);
  sqlText += `INSERT INTO users (login, full_name, password_hash, created_at, updated_at) VALUES ('${login}', 'Thành viên ${i}', '!', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');\n`;
  sqlText += `INSERT INTO user_roles (user_id, role, unit_id) VALUES (last_insert_rowid(), 'council', (SELECT min(id) FROM units));\n`;
  sqlText += `INSERT INTO api_tokens (hash, user_id, name, created_at, expires_at) VALUES ('${hash}', (SELECT id FROM users WHERE login = '${login}'), 'bench', ${now}, ${now + 86400});\n`;
}
sqlText += 'COMMIT;\n';
execFileSync('sqlite3', [db], { input: sqlText });

const port = await new Promise((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const srv = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(base + '/healthz')).ok) break; } catch { /* not yet */ }
  if (i > 200) fail('the server did not start');
  await new Promise((r) => setTimeout(r, 50));
}
const call = async (method, p, body, token) => {
  const r = await fetch(base + p, { method, headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token }, body: body && JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, data: text ? JSON.parse(text) : null, text };
};
try {
  const login = await fetch(base + '/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: adminPw }) });
  const admin = (await login.json()).token;
  let t0 = performance.now();
  const voters = Array.from({ length: N }, (_, i) => `bv.${String(i).padStart(5, '0')}`);
  const candidates = Array.from({ length: NCAND }, (_, i) => ({ label: `Ứng viên ${i + 1}` }));
  const created = await call('POST', '/api/v1/votes', { title: 'Bench', threshold_pct: 50, base: 'all_members', voters, candidates, max_choices: 2 }, admin);
  if (created.status !== 201) fail('create: ' + created.text);
  const tCreate = performance.now() - t0;
  const id = created.data.id;
  const ids = created.data.candidates.map((c) => c.id);
  if ((await call('POST', `/api/v1/votes/${id}/open`, null, admin)).status !== 200) fail('open');
  // each voter chooses the candidates of its index: a known tally
  const want = new Array(NCAND).fill(0);
  const choiceOf = (i) => [ids[i % NCAND], ids[(i * 7 + 1) % NCAND]].filter((x, k, a) => a.indexOf(x) === k);
  for (let i = 0; i < N; i++) for (const c of choiceOf(i)) want[ids.indexOf(c)]++;
  let next = 0, errors = 0;
  t0 = performance.now();
  await Promise.all(Array.from({ length: CONNS }, async () => {
    for (let i = next++; i < N; i = next++) {
      const r = await call('POST', `/api/v1/votes/${id}/ballots`, { choices: choiceOf(i) }, tokens[i]);
      if (r.status !== 201) { errors++; if (errors < 5) console.error(r.status, r.text); }
    }
  }));
  const tCast = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const closed = await call('POST', `/api/v1/votes/${id}/close`, null, admin);
  const tClose = performance.now() - t0;
  if (closed.status !== 200) fail('close: ' + closed.text);
  t0 = performance.now();
  const res = await call('GET', `/api/v1/votes/${id}/result`, null, admin);
  const tResult = performance.now() - t0;
  if (errors) fail(`${errors} ballots refused`);
  if (res.data.ballots !== N || res.data.candidates.some((c, k) => c.yes !== want[k])) fail('the tally is not the ballots cast');
  console.log(`votes: ${N} voters, ${NCAND} candidates: create ${tCreate.toFixed(0)} ms; ${N} ballots over HTTP with ${CONNS} connections ` +
    `in ${tCast.toFixed(2)} s (${(N / tCast).toFixed(0)} ballots/s, one write transaction each); close (tally + rewrite in key order) ` +
    `${tClose.toFixed(0)} ms; result ${tResult.toFixed(1)} ms`);
} finally {
  srv.kill('SIGTERM');
  await new Promise((r) => srv.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}
