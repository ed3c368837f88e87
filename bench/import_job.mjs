// The web import of models as a background job: N-line files (default
// 5 000, 20 000 and 100 000) posted to /api/v1/movements/{id}/import/models,
// timed from the POST to the job's end, with the longest write transaction
// the job held (its log line). Usage, from the repository:
//   THIDUA_BIN=$PWD/build/release/thidua node bench/import_job.mjs [N ...]
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, startServer, Client, thidua } from '../tests/lib/server.mjs';
import { mkUnit } from '../tests/http/_util.mjs';

const sizes = process.argv.slice(2).map(Number);
if (!sizes.length) sizes.push(5000, 20000, 100000);
const WARDS = 50;
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

const env = makeDb();
const srv = await startServer(env.db, ['--max-upload', String(64 << 20)]);
const admin = new Client(srv.base);
await admin.login('admin', env.adminPassword);
const root = await mkUnit(admin, 'BJ', 'Huyện', 'district');
for (let i = 0; i < WARDS; i++) await mkUnit(admin, `BJ-${i}`, `Xã ${i}`, 'commune', root.id);
let r = await admin.post('/api/v1/movements', {
  json: { code: 'BJOB', title: 'Bench', kind: 'regular', authority_code: 'BJ', starts_on: day(-10), ends_on: day(300),
    register_by: day(30), scope: ['BJ'], fields: ['economy'] },
});
r = await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
const mv = r.data;
const upload = (text) => {
  const fd = new FormData();
  fd.append('file', new Blob([text], { type: 'text/csv' }), 'm.csv');
  return admin.req('POST', `/api/v1/movements/${mv.id}/import/${text.startsWith('unit_code') ? 'registrations' : 'models'}`, { raw: fd });
};
const regs = ['unit_code,pledge'];
for (let i = 0; i < WARDS; i++) regs.push(`BJ-${i},x`);
await admin.waitJob(await upload(regs.join('\n') + '\n'));

for (const n of sizes) {
  const lines = ['code,unit_code,title,field'];
  for (let i = 0; i < n; i++) lines.push(`N${n}-${i},BJ-${i % WARDS},Mô hình thử số ${i} của đợt ${n},economy`);
  const t0 = Date.now();
  const j = await admin.waitJob(await upload(lines.join('\n') + '\n'));
  const ms = Date.now() - t0;
  await new Promise((res) => setTimeout(res, 3000));
  const log = srv.log().split('\n').filter((l) => l.includes('job ' + j.id + ':')).join(' / ');
  console.log(`${n} lines: ${j.status}, ${(ms / 1000).toFixed(2)} s from the POST to the end; ${log ? log.replace(/^.*info /, '') : ''}`);
}
const fin = await srv.stop();
// the command line runs the same import synchronously (CLI_LINES=0 skips it)
const cliLines = Number(process.env.CLI_LINES ?? 100000);
if (cliLines) {
  const lines = ['code,unit_code,title,field'];
  for (let i = 0; i < cliLines; i++) lines.push(`CLI-${i},BJ-${i % WARDS},Mô hình dòng lệnh số ${i},economy`);
  const file = path.join(env.dir, 'cli.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const t0 = Date.now();
  const r = thidua(['import', 'models', file, '--movement', 'BJOB', '--db', env.db]);
  console.log(`command line, ${cliLines} lines: exit ${r.code}, ${((Date.now() - t0) / 1000).toFixed(2)} s; ${(r.stdout + r.stderr).trim().split('\n').pop()}`);
}
if (process.env.BENCH_LOG) console.log(fin.log.split('\n').filter((l) => /job/.test(l)).join('\n'));
