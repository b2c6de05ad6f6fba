// Checks that the OpenAPI document and the server's dispatcher agree, by asking the running
// server about every operation the document lists.
//  1. Without a key, every documented (method, path) must reach its route: secured operations
//     answer 401 invalid_api_key (authentication runs only after a route matched), removed ones
//     410 gone, public ones anything but 404/405. A 404 not_found or 405 here means the document
//     lists an operation the dispatcher does not have.
//  2. For every documented path, a method the document does not list must be a 405 whose Allow
//     header names exactly the documented methods (so the dispatcher has no undocumented ones).
//  3. With a key holding every scope, every operation's answer must be a status its document
//     entry lists, never a 5xx, and /api/v1 answers must be the {data, error, meta} envelope.
//  4. Every JSON answer (with or without a key) must match the schema the document gives for its
//     status (Ajv, JSON Schema 2020-12, formats checked).
// Path parameters are dummy UUIDs that name nothing. A control request to an unknown path must
// be a 404, proving the check can see one.
// Usage: GOATHERD_CHECK_KEY=tga_... node check_routes.mjs OPENAPI_FILE BASE_URL
import addFormats from 'ajv-formats';
import Ajv2020 from 'ajv/dist/2020.js';
import {readFile} from 'node:fs/promises';

const [file, base] = process.argv.slice(2);
const key = process.env.GOATHERD_CHECK_KEY;
if (!file || !base || !key) {
  console.error('usage: GOATHERD_CHECK_KEY=tga_... node check_routes.mjs OPENAPI_FILE BASE_URL');
  process.exit(2);
}
const doc = JSON.parse(await readFile(file, 'utf8'));
const kMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const failures = [];

// Component references become $defs so that each response schema compiles on its own.
const ajv = new Ajv2020({strict: false, allErrors: true});
addFormats(ajv);
const defs = JSON.parse(
    JSON.stringify(doc.components?.schemas ?? {}).replaceAll('"#/components/schemas/', '"#/$defs/'),
);
const validators = new Map();
function responseValidator(op, status) {
  const response = op.responses?.[String(status)] ?? op.responses?.default;
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) return null;
  if (!validators.has(schema)) {
    const text = JSON.stringify(schema).replaceAll('"#/components/schemas/', '"#/$defs/');
    validators.set(schema, ajv.compile({...JSON.parse(text), $defs: defs}));
  }
  return validators.get(schema);
}
let bodiesChecked = 0;
function checkBody(op, method, path, r) {
  const validate = responseValidator(op, r.status);
  if (!validate) return;
  bodiesChecked += 1;
  if (r.json === null) {
    fail(`documented as JSON but is not: ${describe(method, path, r)}`);
  } else if (!validate(r.json)) {
    fail(
        `body does not match its documented schema (${ajv.errorsText(validate.errors)}): ` +
        describe(method, path, r));
  }
}
const fail = (what) => failures.push(what);

function concretePath(template) {
  let n = 0;
  return template.replace(/\{[^}]+\}/g, () => {
    n += 1;
    return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  });
}

async function ask(method, path, {auth = false, body = undefined} = {}) {
  const headers = {};
  if (auth) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, {method: method.toUpperCase(), headers, body});
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Left null: callers that need JSON report it.
  }
  return {status: res.status, allow: res.headers.get('allow'), text, json};
}

function isEnvelope(json) {
  return (
      json !== null && typeof json === 'object' && !Array.isArray(json) &&
      Object.keys(json).sort().join(',') === 'data,error,meta');
}

function describe(method, path, r) {
  return `${method.toUpperCase()} ${path} -> ${r.status} ${r.text.slice(0, 200)}`;
}

const control = await ask('get', '/api/v1/no-such-endpoint-for-the-openapi-check');
if (control.status !== 404 || control.json?.meta?.code !== 'not_found') {
  fail(`control: ${describe('get', '/api/v1/no-such-endpoint-for-the-openapi-check', control)}`);
}

let checked = 0;
for (const [template, item] of Object.entries(doc.paths ?? {})) {
  const path = concretePath(template);
  const documented = kMethods.filter((m) => item[m]);
  for (const method of documented) {
    const op = item[method];
    const security = op.security ?? doc.security ?? [];
    const secured = security.length > 0 && !security.some((s) => Object.keys(s).length === 0);
    const listed = new Set(Object.keys(op.responses ?? {}));
    const body = op.requestBody ? '{}' : undefined;

    const anon = await ask(method, path, {body});
    checked += 1;
    if (anon.status === 405 || (anon.status === 404 && anon.json?.meta?.code === 'not_found')) {
      fail(`documented but not dispatched: ${describe(method, path, anon)}`);
    } else if (op.deprecated && anon.status === 410) {
      // A removed endpoint: 410 before authentication is its whole contract.
    } else if (secured && (anon.status !== 401 || anon.json?.meta?.code !== 'invalid_api_key')) {
      fail(`secured operation without a key, expected 401: ${describe(method, path, anon)}`);
    } else if (!secured && !listed.has(String(anon.status))) {
      fail(`public operation answered an undocumented status: ${describe(method, path, anon)}`);
    }

    checkBody(op, method, path, anon);

    const authed = await ask(method, path, {auth: true, body});
    checkBody(op, method, path, authed);
    if (authed.status >= 500) fail(`server error: ${describe(method, path, authed)}`);
    if (!listed.has(String(authed.status)) && !listed.has('default')) {
      fail(`status not in the document's responses: ${describe(method, path, authed)}`);
    }
    const enveloped = template.startsWith('/api/v1/') && template !== '/api/v1/openapi.json';
    if (enveloped && !isEnvelope(authed.json)) {
      fail(`not the {data, error, meta} envelope: ${describe(method, path, authed)}`);
    }
  }

  // The first common method the document does not list for this path.
  const other = ['get', 'put', 'patch', 'delete', 'post'].find((m) => !item[m]);
  if (other) {
    const r = await ask(other, path);
    const allow =
        (r.allow ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).sort();
    if (r.status !== 405 || allow.join(',') !== [...documented].sort().join(',')) {
      fail(
          `undocumented method should be 405 with Allow: ${documented.join(', ').toUpperCase()}; ` +
              `got Allow: ${r.allow}; ${describe(other, path, r)}`,
      );
    }
    if (template.startsWith('/api/v1/') && r.json?.meta?.code !== 'method_not_allowed') {
      fail(`405 outside the envelope or without meta.code: ${describe(other, path, r)}`);
    }
  }
}

if (checked === 0) fail('the document lists no operations');
if (failures.length) {
  console.error(`${failures.length} disagreement(s) between the document and the server:`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
console.log(
    `document and dispatcher agree on ${checked} operations; ${
        bodiesChecked} answers match their schemas`,
);
