// Checks a response against docs/openapi.yaml: the operation is found by
// path template and method, the status must be listed (or a `default`
// response exist), a JSON body must match the response's schema (ajv, JSON
// Schema 2020-12 as OpenAPI 3.1 uses it) and the headers the document or
// HTTP require must be present. The client of tests/lib/server.mjs runs it
// on every response, so the whole HTTP suite checks the document.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const DOC_PATH = fileURLToPath(new URL('../../docs/openapi.yaml', import.meta.url));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const DOC_ID = 'https://thidua.invalid/openapi.json';

// headers HTTP (or the document's general rules) require for a status
const STATUS_HEADERS = { 201: ['Location'], 401: ['WWW-Authenticate'], 405: ['Allow'], 429: ['Retry-After'], 503: ['Retry-After'] };

const pointer = (parts) => '#' + parts.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');

// A copy of the document whose object schemas are closed: every object that
// lists `properties` and says nothing of `additionalProperties` gets
// `unevaluatedProperties: false`, so a field the server sends and the
// document does not describe is a mismatch too. The members of an `allOf`
// stay open at their top level (the `allOf` itself is closed, seeing the
// properties of all its members); a component used as such a member is
// referred to through an open copy, `NAME__open`.
export function closeObjects(doc) {
  doc = structuredClone(doc);
  const schemas = doc.components?.schemas || {};
  const openRefs = new Set();
  const isSchemaMap = (k) => k === 'properties' || k === 'patternProperties' || k === '$defs';
  const skip = (k) => k === 'example' || k === 'examples' || k === 'default' || k === 'enum' || k === 'const';
  function close(node, open) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const objectish = node.properties && typeof node.properties === 'object' || Array.isArray(node.allOf);
    if (objectish && !open && !('additionalProperties' in node) && !('unevaluatedProperties' in node)) node.unevaluatedProperties = false;
    for (const [k, v] of Object.entries(node)) {
      if (skip(k) || !v || typeof v !== 'object') continue;
      if (isSchemaMap(k)) { for (const sub of Object.values(v)) close(sub, false); continue; }
      if (k === 'allOf') {
        for (const m of v) {
          if (m && typeof m.$ref === 'string' && m.$ref.startsWith('#/components/schemas/')) {
            const name = m.$ref.slice('#/components/schemas/'.length);
            if (schemas[name] && (schemas[name].properties || schemas[name].allOf)) { openRefs.add(name); m.$ref += '__open'; }
          } else close(m, true);
        }
        continue;
      }
      if (Array.isArray(v)) { for (const m of v) close(m, false); continue; }
      close(v, false);
    }
  }
  const originals = structuredClone(schemas);
  for (const [k, v] of Object.entries(doc)) if (k !== 'components') close(v, false);
  for (const [k, v] of Object.entries(doc.components || {})) if (k !== 'schemas') close(v, false);
  for (const sch of Object.values(schemas)) close(sch, false);
  for (const name of openRefs) {
    const copy = structuredClone(originals[name]);
    close(copy, true);
    schemas[name + '__open'] = copy;
  }
  return doc;
}

// Builds a checker for a parsed OpenAPI document. Paths not documented are
// checked only when they start with one of `prefixes` (the API's own space);
// there the only acceptable answer is the document's general rule for an
// unknown path: 404 in the error shape. `closed`: see closeObjects.
export function makeValidator(doc, { prefixes = ['/api/'], closed = true } = {}) {
  if (closed) doc = closeObjects(doc);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc, DOC_ID);
  const compiled = new Map();

  // follows local $refs ('#/components/...'); returns [object, its pointer parts]
  function deref(obj, parts) {
    for (let n = 0; obj && obj.$ref && n < 10; n++) {
      if (!obj.$ref.startsWith('#/')) throw new Error('only local $refs are supported: ' + obj.$ref);
      parts = obj.$ref.slice(2).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
      obj = parts.reduce((o, k) => (o == null ? o : o[k]), doc);
    }
    return [obj, parts];
  }

  const templates = Object.keys(doc.paths || {}).map((t) => {
    const names = [];
    const re = new RegExp('^' + t.split(/(\{[^}]+\})/).map((s) => {
      if (/^\{[^}]+\}$/.test(s)) { names.push(s.slice(1, -1)); return '([^/]+)'; }
      return s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    }).join('') + '$');
    return { template: t, re, params: names.length };
  }).sort((a, b) => a.params - b.params); // a literal path wins over a template

  function schemaCheck(parts, body) {
    const key = pointer(parts);
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile({ $ref: DOC_ID + key });
      compiled.set(key, v);
    }
    if (v(body)) return null;
    // one line per error, naming the field the document does not describe
    const seen = new Set();
    return v.errors.map((e) => {
      const extra = e.params?.unevaluatedProperty ?? e.params?.additionalProperty;
      const allowed = e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : '';
      return `body${e.instancePath} ${e.message}${extra !== undefined ? `: ${JSON.stringify(extra)}` : ''}${allowed}`;
    }).filter((t) => !seen.has(t) && seen.add(t)).join('; ');
  }

  function headerOf(headers, name) {
    if (!headers) return null;
    if (typeof headers.get === 'function') return headers.get(name);
    const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
    return k === undefined ? null : headers[k];
  }

  // The problems of one response, [] when it conforms. `path` may carry a
  // query string; `headers` is a fetch Headers or a plain object; `text`
  // the body as received.
  function check({ method, path, status, headers, text }) {
    const problems = [];
    const bare = path.split(/[?#]/)[0];
    const m = method.toLowerCase();
    const found = templates.find((t) => t.re.test(bare));
    const ctype = (headerOf(headers, 'Content-Type') || '').split(';')[0].trim().toLowerCase();
    const isHead = m === 'head';
    const hasBody = !isHead && text !== undefined && text !== null && text.length > 0;
    let body;
    let parsed = false;
    if (hasBody && /^application\/(.+\+)?json$/.test(ctype)) {
      try { body = JSON.parse(text); parsed = true; } catch (e) { problems.push(`the body is not valid JSON (${e.message})`); }
    }
    const errorShape = () => {
      if (!parsed) problems.push(`the body is not JSON in the error shape (Content-Type ${ctype || 'none'})`);
      else if (doc.components?.schemas?.Error) {
        const e = schemaCheck(['components', 'schemas', 'Error'], body);
        if (e) problems.push('the body does not match the Error schema: ' + e);
      }
    };
    const errorShapeIfBody = () => { if (hasBody) errorShape(); };
    if (!found) {
      if (!prefixes.some((p) => bare.startsWith(p))) return { skipped: true, problems };
      if (status === 404) errorShape();
      else problems.push(`the path is not documented in docs/openapi.yaml (only 404 may answer an unknown path, got ${status})`);
      return { operation: null, problems };
    }
    const item = deref(doc.paths[found.template], ['paths', found.template])[0];
    let opName = m;
    if (!item[m] && m === 'head' && item.get) opName = 'get'; // every GET also answers HEAD
    const operation = `${opName.toUpperCase()} ${found.template}`;
    if (!item[opName]) {
      // the document's general rule: a known path with another method is 405 with Allow
      if (status === 405) {
        errorShapeIfBody();
        if (!headerOf(headers, 'Allow')) problems.push('405 without an Allow header');
      } else {
        problems.push(`${method.toUpperCase()} is not documented for ${found.template} (only 405 may answer, got ${status})`);
      }
      return { operation, problems };
    }
    const responses = item[opName].responses || {};
    const code = String(status);
    const key = code in responses ? code : `${code[0]}XX` in responses ? `${code[0]}XX` : 'default' in responses ? 'default' : null;
    if (!key) {
      problems.push(`status ${status} is not listed (listed: ${Object.keys(responses).join(', ')})`);
      return { operation, problems };
    }
    const [resp, rparts] = deref(responses[key], ['paths', found.template, opName, 'responses', key]);
    // headers: what HTTP and the document's rules need, and what the document marks required
    for (const h of STATUS_HEADERS[status] || []) if (!headerOf(headers, h)) problems.push(`${status} without a ${h} header`);
    for (const [name, hobj] of Object.entries(resp.headers || {})) {
      const [h] = deref(hobj, []);
      if (h && h.required && !headerOf(headers, name)) problems.push(`the required header ${name} is missing`);
    }
    if (isHead || status === 204 || status === 304) return { operation, problems };
    const content = resp.content || {};
    const types = Object.keys(content);
    if (!types.length) {
      if (hasBody) problems.push(`a body was sent (${ctype || 'no Content-Type'}) where the document describes none`);
      return { operation, problems };
    }
    const match = (t) => {
      t = t.split(';')[0].trim().toLowerCase();
      if (t === ctype || t === '*/*') return true;
      return t.endsWith('/*') && ctype.startsWith(t.slice(0, -1));
    };
    const mt = types.find((t) => t.split(';')[0].trim().toLowerCase() === ctype) || types.find(match);
    if (!mt) {
      problems.push(`Content-Type ${ctype || 'none'} is not documented for ${status} (documented: ${types.join(', ')})`);
      return { operation, problems };
    }
    if (!content[mt].schema) return { operation, problems };
    if (!hasBody) {
      problems.push(`no body, but the document describes ${mt}`);
      return { operation, problems };
    }
    if (!parsed) {
      if (/json/.test(mt)) problems.push('a JSON body was expected');
      return { operation, problems };
    }
    const e = schemaCheck([...rparts, 'content', mt, 'schema'], body);
    if (e) problems.push('the body does not match the schema: ' + e);
    return { operation, problems };
  }

  return { check };
}

// docs/openapi.yaml as an object. Parsing the YAML took 0.45 s of CPU in
// every test process (170 of them in make test: 75 s of its ~1 070); its
// JSON is kept in the temporary directory under the hash of the text, so
// one process parses it and the others read JSON (5 ms). A file of another
// text has another name: a changed document is never read stale.
export function readDocument() {
  const text = fs.readFileSync(DOC_PATH, 'utf8');
  const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 32);
  const cache = path.join(os.tmpdir(), `thidua-openapi-${hash}.json`);
  try { return JSON.parse(fs.readFileSync(cache, 'utf8')); } catch { /* not yet, or half written by no one: rename is atomic */ }
  const doc = YAML.parse(text);
  const tmp = `${cache}.${process.pid}.tmp`;
  try { fs.writeFileSync(tmp, JSON.stringify(doc)); fs.renameSync(tmp, cache); } catch { /* a read-only temp: parse each time */ }
  return doc;
}

let shared = null;
// The validator of docs/openapi.yaml, read once per process.
export function documentValidator() {
  if (!shared) shared = makeValidator(readDocument());
  return shared;
}

// Throws when a response does not conform, naming method, path, status and
// the problems found.
export function assertConforms(validator, res) {
  const r = validator.check(res);
  // THIDUA_OPENAPI_SEEN=FILE: one line "OPERATION STATUS" per response checked
  // (what the suite covers: sort FILE | uniq -c)
  if (process.env.THIDUA_OPENAPI_SEEN && !r.skipped)
    fs.appendFileSync(process.env.THIDUA_OPENAPI_SEEN, `${r.operation || 'undocumented ' + res.path.split('?')[0]} ${res.status}\n`);
  if (r.problems.length) {
    const body = (res.text || '').length > 400 ? res.text.slice(0, 400) + '…' : res.text || '';
    const err = new Error(`response does not conform to docs/openapi.yaml: ${res.method.toUpperCase()} ${res.path} → ${res.status}`
      + (r.operation ? ` (operation ${r.operation})` : '') + ':\n  - ' + r.problems.join('\n  - ') + '\n  body: ' + body);
    err.code = 'ERR_OPENAPI_DRIFT';
    throw err;
  }
  return r;
}
