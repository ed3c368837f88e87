// Two `thidua serve` processes on one PostgreSQL database behind nginx
// behave as one (docs/DEPLOY.md, "Several servers behind nginx"): a session
// and its CSRF token made by one server work on the other, failed logins are
// counted across both, uploaded files and every write are seen by both at
// once, the reply cache of one never answers with a reply older than a
// write the other acknowledged, two job workers never run one job twice, and
// when one server is killed with kill -9 nginx goes on through the other:
// every acknowledged write is there exactly once, the job the dead server
// was running is finished by the other (and a third server started
// meanwhile leaves it alone), and the audit chain verifies.
//
// The world (a throw-away PostgreSQL cluster, servers A and B, nginx) is
// built once for the file; each test builds the records it needs in it.
// Skipped as a whole when nginx or PostgreSQL's initdb is not installed
// (scripts/install-deps.sh test installs both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, Client, thidua, freePort, tmpdir, onPg } from '../lib/server.mjs';
import { csrfOf, setCookies, mkUnit, sleep } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

const NGINX = '/usr/sbin/nginx';
const PG_BIN = (() => {
  try {
    return fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => fs.existsSync(`${d}/initdb`)) || null;
  } catch { return null; }
})();
// The world is a cluster of this file's own whatever the suite's database:
// the HTTP suite on SQLite runs it, and the run on PostgreSQL (THIDUA_TEST_PG)
// would only repeat it.
const SKIP = !fs.existsSync(NGINX) ? `nginx is not installed (${NGINX}); scripts/install-deps.sh test installs it`
  : !PG_BIN ? 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); scripts/install-deps.sh test installs it'
  : onPg ? 'a PostgreSQL cluster of its own whatever THIDUA_TEST_PG says: the HTTP suite on SQLite runs it'
  : false;
const CLUSTER = path.resolve('scripts/pg-test-cluster.sh');
const JOB_LOCK_NS = 1952999780; // src/base/jobs.c: the advisory lock a running job's worker holds
const day = (offset) => officeDay(offset);

let uri = null, adminPassword, A = null, B = null, C = null, ngx = null;

// one statement through psql; its rows as text (|-separated columns)
function psql(sql) {
  return execFileSync(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', uri, '-c', sql], { encoding: 'utf8' }).trim();
}

// nginx as a plain process of this user: its own prefix, config, pid, logs
// and temp paths in a temp directory, in the foreground (daemon off), one
// process (master_process off) so that killing it stops it all. The
// upstream is the one of docs/nginx.conf.
async function startNginx(ports) {
  const dir = tmpdir('thidua-nginx-');
  fs.mkdirSync(path.join(dir, 'tmp'));
  const port = await freePort();
  const conf = (allTemps) => `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    log_format up '$request_method $request_uri $status upstream=$upstream_addr $upstream_status';
    access_log ${dir}/access.log up;
    client_body_temp_path ${dir}/tmp/body;
${(allTemps ? ['proxy', 'fastcgi', 'uwsgi', 'scgi'] : ['proxy']).map((m) => `    ${m}_temp_path ${dir}/tmp/${m};`).join('\n')}
    upstream thidua {
${ports.map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
        keepalive 16;
    }
    server {
        listen 127.0.0.1:${port};
        client_max_body_size 20m;
        location / {
            proxy_pass http://thidua;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 10s;
            proxy_connect_timeout 2s;
        }
    }
}
`;
  const file = path.join(dir, 'nginx.conf');
  const check = () => {
    try {
      execFileSync(NGINX, ['-t', '-q', '-p', dir + '/', '-e', dir + '/error.log', '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      return null;
    } catch (e) { return String(e.stderr); }
  };
  fs.writeFileSync(file, conf(true));
  if (check()) { // nginx-light has no fastcgi, uwsgi or scgi module
    fs.writeFileSync(file, conf(false));
    const err = check();
    if (err) throw new Error('nginx -t: ' + err);
  }
  const child = spawn(NGINX, ['-p', dir + '/', '-e', dir + '/error.log', '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 10000; ;) {
    try { if ((await fetch(base + '/healthz')).ok) break; } catch { /* not yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('nginx did not start: ' + out + (fs.existsSync(dir + '/error.log') ? fs.readFileSync(dir + '/error.log', 'utf8') : ''));
    }
    await sleep(50);
  }
  return {
    base, dir,
    accessLog: () => fs.readFileSync(path.join(dir, 'access.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  if (SKIP) return;
  uri = execFileSync(CLUSTER, ['start'], { encoding: 'utf8' }).trim();
  const init = thidua(['init', '--db', uri]);
  assert.equal(init.code, 0, init.stderr);
  adminPassword = init.stdout.match(/^admin password: (\S+)$/m)[1];
  const demo = thidua(['demo', '--db', uri]);
  assert.equal(demo.code, 0, demo.stderr);
  // each server names its connections, so that the test can see which one holds a job
  [A, B] = await Promise.all([
    startServer(uri + '&application_name=thidua-a', ['--reply-cache', '1']),
    startServer(uri + '&application_name=thidua-b', ['--reply-cache', '1']),
  ]);
  ngx = await startNginx([A.port, B.port]);
});

after(async () => {
  if (SKIP) return;
  const errors = [];
  for (const stop of [() => ngx?.stop(), () => A?.stop(), () => B?.stop(), () => C?.stop(), () => uri && execFileSync(CLUSTER, ['stop', uri])]) {
    try { await stop(); } catch (e) { errors.push(e); }
  }
  if (errors.length) throw errors[0];
});

// an admin client of each door, sharing one bearer token made through nginx
async function admins() {
  const via = new Client(ngx.base);
  await via.login('admin', adminPassword);
  const a = new Client(A.base), b = new Client(B.base);
  a.token = b.token = via.token;
  return { via, a, b };
}

test('a write through server A is read at once through server B and through nginx', { skip: SKIP }, async () => {
  const { via, a, b } = await admins();
  const u = await mkUnit(a, 'CL-RW', 'Văn phòng Cụm máy chủ', 'agency');
  let r = await b.get(`/api/v1/units/${u.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.data.code, 'CL-RW');
  assert.equal(r.data.name, 'Văn phòng Cụm máy chủ');
  assert.equal(r.data.version, 1);
  // nginx sends consecutive requests to both servers: both answer the same
  for (let i = 0; i < 4; i++) {
    r = await via.get(`/api/v1/units/${u.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.data.name, 'Văn phòng Cụm máy chủ');
  }
  // the other way: B changes it, A reads the change and the new version
  r = await b.patch(`/api/v1/units/${u.id}`, { json: { name: 'Văn phòng Cụm máy chủ (đổi tên)', version: 1 } });
  assert.equal(r.status, 200, r.text);
  r = await a.get(`/api/v1/units/${u.id}`);
  assert.equal(r.data.name, 'Văn phòng Cụm máy chủ (đổi tên)');
  assert.equal(r.data.version, 2);
  // a stale version is refused whichever server gets it
  r = await a.patch(`/api/v1/units/${u.id}`, { json: { name: 'Cũ', version: 1 } });
  assert.equal(r.status, 409);
  const upstreams = new Set(ngx.accessLog().split('\n').filter((l) => l.includes(`/api/v1/units/${u.id} 200`)).map((l) => l.split('upstream=')[1].split(' ')[0]));
  assert.deepEqual([...upstreams].sort(), [`127.0.0.1:${A.port}`, `127.0.0.1:${B.port}`].sort(), 'nginx used both servers');
});

test('a session made by server A works on server B, with the CSRF token A gave; a logout on B ends it on A', { skip: SKIP }, async () => {
  const br = new Client(A.base);
  let r = await br.get('/login?next=/units');
  assert.equal(r.status, 200);
  const pre = setCookies(r).find((s) => s.startsWith('tdpre=')).slice(6, 70);
  r = await br.post('/login', { form: { login: 'admin', password: adminPassword, next: '/units', _csrf: pre } });
  assert.equal(r.status, 303);
  const sid = setCookies(r).find((s) => s.startsWith('tdsid=')).slice(6, 70);
  assert.match(sid, /^[0-9a-f]{64}$/);
  const page = await br.get('/units'); // on A
  assert.equal(page.status, 200);
  const csrf = csrfOf(page.text);
  br.base = B.base;
  r = await br.get('/api/v1/me');
  assert.equal(r.status, 200);
  assert.equal(r.data.login, 'admin');
  // B checks the token A put in the page
  r = await br.post('/api/v1/units', { json: { code: 'CL-CSRF', name: 'Tạo qua B bằng phiên của A', kind: 'agency', parent_id: 1 }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(r.status, 201, r.text);
  r = await br.post('/api/v1/units', { json: { code: 'CL-CSRF2', name: 'Không có mã CSRF', kind: 'agency', parent_id: 1 } });
  assert.equal(r.status, 403);
  assert.equal(r.data.error.code, 'csrf');
  r = await br.post('/api/v1/units', { json: { code: 'CL-CSRF3', name: 'Mã CSRF sai', kind: 'agency', parent_id: 1 }, headers: { 'X-CSRF-Token': 'f'.repeat(64) } });
  assert.equal(r.status, 403);
  // the form page of B carries the same token (one session, one token)
  assert.equal(csrfOf((await br.get('/units')).text), csrf);
  r = await br.post('/logout', { form: { _csrf: csrf } });
  assert.equal(r.status, 303);
  const old = new Client(A.base);
  old.cookies.tdsid = sid;
  r = await old.get('/api/v1/me');
  assert.equal(r.status, 401, 'the session ended on B is gone on A');
});

test('failed logins are counted across both servers', { skip: SKIP }, async () => {
  const c = new Client(A.base);
  const from = { headers: { 'X-Forwarded-For': '192.0.2.61' } };
  for (let i = 0; i < 6; i++) {
    c.base = i % 2 ? B.base : A.base;
    const r = await c.post('/api/v1/login', { json: { login: 'cl.ghost', password: 'sai-' + i }, ...from });
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  // five free attempts, the sixth failure sets a 2 s wait: both servers make the next one wait
  for (const base of [A.base, B.base]) {
    c.base = base;
    const r = await c.post('/api/v1/login', { json: { login: 'cl.ghost', password: 'sai-7' }, ...from });
    assert.equal(r.status, 429, base);
    assert.ok(['1', '2'].includes(r.headers.get('retry-after')), r.headers.get('retry-after'));
  }
});

test('the reply cache of server B never answers with a reply older than a write acknowledged by server A', { skip: SKIP }, async () => {
  const { a, b } = await admins();
  const parent = await mkUnit(a, 'CL-RC', 'Tỉnh Bộ Nhớ Đệm Cụm', 'province');
  const list = `/api/v1/units?parent=${parent.id}&limit=100&sort=code`;
  const page = `/units/${parent.id}`;
  for (let i = 0; i < 12; i++) {
    // B's two workers both have the list and the unit page cached
    let before = null;
    for (let k = 0; k < 4; k++) {
      const r = await b.get(list);
      assert.equal(r.status, 200);
      assert.equal(r.data.total, i);
      if (before) assert.equal(r.headers.get('etag'), before);
      before = r.headers.get('etag');
      assert.equal((await b.get(page)).status, 200);
    }
    const code = `CL-RC-${String(i).padStart(2, '0')}`;
    await mkUnit(a, code, `Xã Đệm ${i}`, 'commune', parent.id);
    // at once, on every worker of B: the new unit, a new ETag, no 304 for the old one
    for (let k = 0; k < 4; k++) {
      const r = await b.get(list);
      assert.equal(r.data.total, i + 1, `after ${code}, request ${k}`);
      assert.equal(r.data.items.at(-1).code, code);
      assert.notEqual(r.headers.get('etag'), before);
      assert.equal((await b.get(list, { headers: { 'If-None-Match': before } })).status, 200);
      assert.ok((await b.get(page)).text.includes(`Xã Đệm ${i}`), `the unit page of B shows ${code}`);
    }
  }
  // a rename on A, and the unit page B had cached shows the new name
  const u = (await b.get(list)).data.items[0];
  const r = await a.patch(`/api/v1/units/${u.id}`, { json: { name: 'Xã Đổi Tên Qua A', version: u.version } });
  assert.equal(r.status, 200, r.text);
  assert.ok((await b.get(`/units/${u.id}`)).text.includes('Xã Đổi Tên Qua A'));
  assert.ok((await b.get(page)).text.includes('Xã Đổi Tên Qua A'));
});

test('a file uploaded through server A is downloaded through server B', { skip: SKIP }, async () => {
  const { a, b } = await admins();
  const mv = await launchedMovement(a, 'CLF');
  const pdf = Buffer.from('%PDF-1.4\n% cluster\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const fd = new FormData();
  fd.append('file', new Blob([pdf], { type: 'application/pdf' }), 'quyet-dinh.pdf');
  const r = await a.req('POST', `/api/v1/movements/${mv.id}/files`, { raw: fd });
  assert.equal(r.status, 201, r.text);
  const got = await fetch(`${B.base}/api/v1/files/${r.data.id}`, { headers: { Authorization: 'Bearer ' + b.token } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'application/pdf');
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(pdf), 'the same bytes');
  assert.deepEqual((await b.get(`/api/v1/movements/${mv.id}/files`)).data.items.map((x) => x.name), ['quyet-dinh.pdf']);
});

// a launched movement of a district with three communes, all registered
async function launchedMovement(c, code) {
  const root = await mkUnit(c, code, `Huyện ${code}`, 'district');
  for (let i = 0; i < 3; i++) await mkUnit(c, `${code}-${i}`, `Xã ${code} ${i}`, 'commune', root.id);
  let r = await c.post('/api/v1/movements', {
    json: { code, title: `Phong trào ${code}`, kind: 'regular', authority_code: code, starts_on: day(-10), ends_on: day(300),
      register_by: day(30), scope: [code], fields: ['economy'] },
  });
  assert.equal(r.status, 201, r.text);
  r = await c.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  const mv = r.data;
  const j = await c.waitJob(await upload(c, mv, 'registrations', `unit_code,pledge\n${code}-0,Một\n${code}-1,Hai\n${code}-2,Ba\n`));
  assert.equal(j.status, 'done', JSON.stringify(j));
  return mv;
}

function upload(c, mv, kind, text) {
  const fd = new FormData();
  fd.append('file', new Blob([text], { type: 'text/csv' }), `${kind}.csv`);
  return c.req('POST', `/api/v1/movements/${mv.id}/import/${kind}`, { raw: fd });
}

const doneLines = (log) => [...log.matchAll(/\bjob (\d+) \S+ done\b/g)].map((m) => Number(m[1]));

test('the job workers of both servers never run one job twice', { skip: SKIP }, async () => {
  const { a, b } = await admins();
  const mv = await launchedMovement(a, 'CLJ');
  // ten exports queued through both servers at once: both workers claim from the same table
  const posted = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    (i % 2 ? b : a).post(`/api/v1/movements/${mv.id}/exports`, { json: { what: 'registrations', format: 'csv' } })));
  const ids = posted.map((r) => { assert.equal(r.status, 202, r.text); return r.data.id; });
  for (const r of posted) assert.equal((await a.waitJob(r)).status, 'done');
  assert.equal(psql(`SELECT count(*) FROM jobs WHERE id IN (${ids}) AND status = 'done' AND attempts = 1`), '10');
  // each job ran on exactly one server
  const ran = [...doneLines(A.log()), ...doneLines(B.log())].filter((id) => ids.includes(id));
  assert.deepEqual(ran.sort((x, y) => x - y), [...ids].sort((x, y) => x - y));
  // and no job is left marked as running without a worker
  assert.equal(psql(`SELECT count(*) FROM jobs WHERE status = 'running'`), '0');
});

test('a job whose worker loses its database connection is finished once, by one of the workers', { skip: SKIP }, async (t) => {
  const { a, b } = await admins();
  const mv = await launchedMovement(a, 'CLC');
  const N = 6000;
  const lines = ['code,unit_code,title,field'];
  for (let i = 0; i < N; i++) lines.push(`CLC-M${String(i).padStart(5, '0')},CLC-${i % 3},Mô hình ${i},economy`);
  const queued = await upload(a, mv, 'models', lines.join('\n') + '\n');
  assert.equal(queued.status, 202, queued.text);
  const jobId = queued.data.id;
  // past its first batch: PostgreSQL ends the connection of the worker that holds the job
  let ended = '';
  for (const deadline = Date.now() + 60000; !ended && Date.now() < deadline; await sleep(20)) {
    const p = (await b.get(`/api/v1/jobs/${jobId}`)).data;
    assert.notEqual(p.status, 'done', 'the import must still run (make N larger)');
    if (p.status !== 'running' || p.progress.done === 0) continue;
    const holder = psql(`SELECT a.pid || ' ' || a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = ${JOB_LOCK_NS} AND l.objid = ${jobId} AND l.objsubid = 2`);
    if (!holder) continue;
    const [pid, name] = holder.split(' ');
    assert.equal(psql(`SELECT pg_terminate_backend(${pid})`), 't');
    ended = name;
  }
  assert.match(ended, /^thidua-[ab]$/);
  const j = await b.waitJob(queued, { timeout: 240000 });
  // ended once, by one server (its log line follows the status)
  const ends = () => [...doneLines(A.log()), ...doneLines(B.log())].filter((id) => id === jobId).length;
  for (let i = 0; i < 100 && !ends(); i++) await sleep(50);
  assert.equal(ends(), 1);
  const said = (srv) => srv.log().split('\n').filter((l) => l.includes(`job ${jobId}`)).map((l) => l.replace(/^\S+ \S+ /, '')).join('; ');
  t.diagnostic(`${ended}'s worker lost its connection; A: ${said(A)} | B: ${said(B)}`);
  assert.equal(j.status, 'done', JSON.stringify(j));
  // Every line once, none refused. Open question (the notes of 2026-11-30):
  // now and then the second run counted some hundred lines "unchanged"
  // instead of "inserted" (5 746 + 254, 5 737 + 263, 5 619 + 381, 5 907 + 93),
  // the models all there; the one log captured said "93 as staged": rows the
  // first run wrote outside its batch's transaction. Staging and progress now
  // refuse to be written outside one (models_stage, job_progress); the
  // servers' lines in the diagnostic above say if it still happens.
  const detail = `${JSON.stringify(j.result)}; attempts ${psql(`SELECT attempts FROM jobs WHERE id = ${jobId}`)}; models ${psql(`SELECT count(*) FROM models WHERE movement_id = ${mv.id}`)}`;
  assert.deepEqual([j.result.lines, j.result.inserted + j.result.unchanged, j.result.updated, j.result.rejected], [N, N, 0, 0], detail);
  if (j.result.unchanged) t.diagnostic(`counted unchanged: ${detail}`);
  // a worker whose connection ended while it waited between two batches
  // connects again and may finish its run before any worker finds the job
  // without its mark (attempts 1); otherwise the job ran again (attempts 2)
  const attempts = psql(`SELECT attempts FROM jobs WHERE id = ${jobId}`);
  assert.ok(attempts === '2' || (attempts === '1' && doneLines(ended === 'thidua-a' ? A.log() : B.log()).includes(jobId)), `attempts ${attempts}`);
  assert.equal(psql(`SELECT count(*) || ' ' || count(DISTINCT code) FROM models WHERE movement_id = ${mv.id}`), `${N} ${N}`);
  assert.equal(psql(`SELECT count(*) FROM model_staging WHERE job_id = ${jobId}`), '0');
  assert.equal(psql(`SELECT count(*) FROM jobs WHERE status = 'running'`), '0');
  // both servers still answer
  assert.equal((await a.get('/healthz')).status, 200);
  assert.equal((await b.get('/healthz')).status, 200);
});

test('kill -9 of server A in the middle of writes through nginx: B goes on, every acknowledged write is there once, A\'s job is finished by B, the audit chain verifies', { skip: SKIP }, async (t) => {
  const { via, a, b } = await admins();
  const parent = await mkUnit(a, 'CL-K', 'Cục Chịu Lỗi', 'agency');
  // concurrent writes straight to both servers: one chain, whoever writes
  const pairs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    (i % 2 ? b : a).post('/api/v1/units', { json: { code: `CL-P-${String(i).padStart(2, '0')}`, name: `Đơn vị song song ${i}`, kind: 'subunit', parent_id: parent.id } })));
  assert.deepEqual(pairs.map((r) => r.status), Array(20).fill(201));
  let v = thidua(['audit', 'verify', '--db', uri]);
  assert.equal(v.code, 0, v.stdout + v.stderr);

  // a models import queued through A: A's worker is woken at once and takes it
  const mv = await launchedMovement(a, 'CLK');
  const N = 12000;
  const lines = ['code,unit_code,title,field'];
  for (let i = 0; i < N; i++) lines.push(`CLK-M${String(i).padStart(5, '0')},CLK-${i % 3},Mô hình ${i},economy`);
  const queued = await upload(a, mv, 'models', lines.join('\n') + '\n');
  assert.equal(queued.status, 202, queued.text);
  const jobId = queued.data.id;
  // running on A (its connection holds the job's lock) and past its first batch
  let holder = '', progress = null;
  for (const deadline = Date.now() + 60000; Date.now() < deadline; await sleep(20)) {
    progress = (await b.get(`/api/v1/jobs/${jobId}`)).data;
    holder = psql(`SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = ${JOB_LOCK_NS} AND l.objid = ${jobId} AND l.objsubid = 2`);
    if (progress.status !== 'queued' && progress.status !== 'running') break;
    if (progress.status === 'running' && progress.progress.done > 0 && holder) break;
  }
  assert.equal(progress.status, 'running', `the import must still run when its server is killed (make N larger): ${JSON.stringify(progress)}`);
  // A's worker is woken at once, but B's polling can be first on a loaded machine:
  // whichever runs the job is the one killed ("A" below), the other goes on ("B")
  assert.ok(holder === 'thidua-a' || holder === 'thidua-b', holder);
  const [runner, other, otherClient, otherName] = holder === 'thidua-a' ? [A, B, b, 'thidua-b'] : [B, A, a, 'thidua-a'];

  // writes through nginx from three clients at once, each one request at a time; A is killed
  // after the 15th acknowledgement, while the other clients' requests are on their way
  const acked = [], existed = [], failures = [], busy = [];
  let killedAt = 0, killed = null;
  const post = async (code, name) => {
    try {
      const r = await fetch(`${via.base}/api/v1/units`, {
        method: 'POST', headers: { Authorization: 'Bearer ' + via.token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ code, name, kind: 'subunit', parent_id: parent.id }),
      });
      return { status: r.status, text: await r.text(), retryAfter: r.headers.get('retry-after') };
    } catch (e) { return { status: 0, text: String(e.cause?.code || e.message) }; }
  };
  const codes = Array.from({ length: 60 }, (_, i) => `CL-K-${String(i).padStart(2, '0')}`);
  const client = async (w) => {
    for (let i = w; i < 60; i += 3) {
      const code = codes[i], name = `Đơn vị chịu lỗi ${i}`;
      for (let attempt = 0; ; attempt++) {
        const sentAt = Date.now();
        const r = await post(code, name);
        if (r.status === 201) { acked.push(code); break; }
        // sent again after no answer: a 422 for the code means the first copy was
        // committed before A died, without being acknowledged
        if (attempt > 0 && r.status === 422 && JSON.parse(r.text).error.fields?.code) { existed.push(code); break; }
        // the documented answer of a server whose writers' lock stayed taken past its
        // lock timeout (B finishing A's 12 000-line import in its one final transaction,
        // slow on a loaded machine): nothing written, try again after Retry-After
        if (r.status === 503 && r.retryAfter && JSON.parse(r.text).error.code === 'busy' && busy.length < 30) {
          busy.push({ code, sentAfterKill: killedAt ? sentAt - killedAt : null });
          attempt--;
          await sleep(1000 * Math.min(Number(r.retryAfter) || 1, 2));
          continue;
        }
        failures.push({ code, attempt, status: r.status, text: r.text.slice(0, 80), sentAfterKill: killedAt ? sentAt - killedAt : null });
        assert.ok(attempt < 5, `${code}: ${JSON.stringify(failures)}`);
        await sleep(100);
      }
      if (acked.length >= 15 && !killed) { killedAt = Date.now(); killed = runner.kill9(); }
    }
  };
  await Promise.all([0, 1, 2].map(client));
  assert.ok(killed, 'A was killed');
  assert.equal((await killed).signal, 'SIGKILL');
  t.diagnostic(`${acked.length} acknowledged, ${existed.length} committed but not acknowledged, failed attempts: ${JSON.stringify(failures)}, `
    + `503 busy then sent again: ${JSON.stringify(busy)}`);
  // only what was on its way when A died may have failed (no answer, or nginx's 502);
  // everything sent later went through B
  for (const f of failures) {
    assert.ok([0, 502, 504].includes(f.status), JSON.stringify(failures));
    assert.ok(f.sentAfterKill === null || f.sentAfterKill < 1000, JSON.stringify(failures));
  }
  assert.ok(failures.length <= 3, JSON.stringify(failures));
  assert.equal(acked.length + existed.length, 60);
  // every code once, every acknowledged one among them, read through B
  const r = await otherClient.get(`/api/v1/units?parent=${parent.id}&limit=500&sort=code`);
  assert.equal(r.status, 200);
  const stored = r.data.items.map((x) => x.code).filter((c) => c.startsWith('CL-K-'));
  assert.deepEqual(stored, codes);
  for (const code of acked) assert.equal(stored.filter((c) => c === code).length, 1, code);
  const names = r.data.items.filter((x) => x.code.startsWith('CL-K-')).map((x) => x.name);
  assert.deepEqual(names, codes.map((_, i) => `Đơn vị chịu lỗi ${i}`));
  assert.equal(r.data.total, 80);
  // and through nginx too (only B is left)
  assert.equal((await via.get(`/api/v1/units?parent=${parent.id}&limit=1`)).data.total, 80);

  // A's job: B's worker finds it running without its lock, queues it again and runs it
  const lockHolder = () => psql(`SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = ${JOB_LOCK_NS} AND l.objid = ${jobId} AND l.objsubid = 2`);
  // (on a loaded machine B may have run it to the end before this looks: A is dead and
  // C not started yet, so a job done at its second attempt was B's)
  const jobStatus = () => psql(`SELECT status || ' ' || attempts FROM jobs WHERE id = ${jobId}`);
  for (const deadline = Date.now() + 60000; lockHolder() !== otherName && jobStatus() !== 'done 2' && Date.now() < deadline;) await sleep(20);
  assert.ok(lockHolder() === otherName || jobStatus() === 'done 2', `B runs the job: ${lockHolder()} ${jobStatus()}`);
  // a server starting meanwhile leaves the job B is running alone
  C = await startServer(uri + '&application_name=thidua-c');
  const j = await otherClient.waitJob(queued, { timeout: 240000 });
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.deepEqual([j.result.lines, j.result.inserted, j.result.updated, j.result.rejected], [N, N, 0, 0]);
  assert.equal(psql(`SELECT attempts FROM jobs WHERE id = ${jobId}`), '2');
  assert.equal(psql(`SELECT count(*) FROM models WHERE movement_id = ${mv.id}`), String(N));
  assert.equal(psql(`SELECT count(DISTINCT code) FROM models WHERE movement_id = ${mv.id}`), String(N));
  assert.equal(psql(`SELECT count(*) FROM model_staging WHERE job_id = ${jobId}`), '0');
  // (the worker logs a job's end after its last transaction, which the status showed first)
  for (let i = 0; i < 100 && !doneLines(other.log()).includes(jobId); i++) await sleep(50);
  assert.ok(doneLines(other.log()).includes(jobId), 'B ran the job to its end');
  assert.match(other.log(), new RegExp(`job ${jobId}: its worker is gone \\(server stopped or disconnected\\); queued again`));
  assert.doesNotMatch(C.log(), /its worker is gone/);

  v = thidua(['audit', 'verify', '--db', uri]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /^audit log intact: \d+ rows\n$/);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE entity = 'unit' AND action = 'create' AND after LIKE '%"CL-K-%'`), '60');
});
