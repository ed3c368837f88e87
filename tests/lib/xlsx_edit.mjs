// Reading and editing a workbook the product wrote (libxlsxwriter), as a
// user fills a downloaded template offline: unzip it, change cells of the
// first worksheet, zip it again with every other part as it was.
import zlib from 'node:zlib';
import { zip } from './xlsx.mjs';

// the zip's entries, { name: Buffer }, from its central directory
export function unzip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip');
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(data, data + csize);
    out[name] = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

const unesc = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const colIndex = (ref) => [...ref.match(/^[A-Z]+/)[0]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
const colName = (i) => (i >= 26 ? colName(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));

function sharedStrings(entries) {
  const x = entries['xl/sharedStrings.xml'];
  if (!x) return [];
  return [...x.toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => unesc([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
}

const CELL = /<c r="([A-Z]+)(\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

// the first worksheet's rows as { rowNumber: [text, ...] } (numbers as their text, '' for a gap)
export function readSheet(buf) {
  const entries = unzip(buf);
  const ss = sharedStrings(entries);
  const rows = {};
  for (const m of entries['xl/worksheets/sheet1.xml'].toString('utf8').matchAll(CELL)) {
    const [, col, row, attrs, body = ''] = m;
    const v = body.match(/<v>([\s\S]*?)<\/v>/);
    let text = '';
    if (/t="s"/.test(attrs)) text = v ? ss[Number(v[1])] : '';
    else if (/t="inlineStr"/.test(attrs)) text = unesc([...body.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''));
    else text = v ? unesc(v[1]) : '';
    (rows[row] ??= [])[colIndex(col)] = text;
  }
  for (const r of Object.keys(rows)) rows[r] = Array.from(rows[r], (v) => v ?? '');
  return rows;
}

// the workbook with cells changed: edits { 'F3': 'text' | number | null (removed) }
export function editSheet(buf, edits) {
  const entries = unzip(buf);
  let xml = entries['xl/worksheets/sheet1.xml'].toString('utf8');
  const byRow = {};
  for (const [ref, v] of Object.entries(edits)) (byRow[ref.match(/\d+$/)[0]] ??= {})[ref] = v;
  for (const [row, cells] of Object.entries(byRow)) {
    const re = new RegExp(`<row r="${row}"([^>]*?)(?:/>|>([\\s\\S]*?)</row>)`);
    const m = xml.match(re);
    const have = {};
    if (m) for (const c of (m[2] ?? '').matchAll(CELL)) have[c[1] + c[2]] = c[0];
    for (const [ref, v] of Object.entries(cells)) {
      if (v === null) delete have[ref];
      else have[ref] = typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
    }
    const body = Object.keys(have).sort((a, b) => colIndex(a) - colIndex(b)).map((k) => have[k]).join('');
    const attrs = (m ? m[1] : '').replace(/\s*spans="[^"]*"/, '');
    const rowXml = `<row r="${row}"${attrs}>${body}</row>`;
    if (m) xml = xml.replace(re, rowXml);
    else {
      // a new row: before the first row with a higher number, or at the end of sheetData
      const later = [...xml.matchAll(/<row r="(\d+)"/g)].find((r) => Number(r[1]) > Number(row));
      xml = later ? xml.slice(0, later.index) + rowXml + xml.slice(later.index) : xml.replace('</sheetData>', rowXml + '</sheetData>');
    }
  }
  const out = {};
  for (const [name, data] of Object.entries(entries)) out[name] = name === 'xl/worksheets/sheet1.xml' ? xml : data;
  return zip(out);
}

// an Excel date serial (days since 1899-12-30) for YYYY-MM-DD, as a date typed in a cell is stored
export const excelDate = (iso) => Math.round((Date.parse(iso + 'T00:00:00Z') - Date.UTC(1899, 11, 30)) / 86400e3);
export { colName };
