// Validates an OpenAPI document file with two independent standard validators:
//  - @seriousme/openapi-schema-validator checks it against the official OpenAPI 3.1 JSON Schema
//    and then resolves every $ref (a dangling reference fails);
//  - @readme/openapi-parser adds the rules a JSON Schema cannot express (path parameters declared
//    for every template segment, unique operationIds, ...);
//  - neither looks inside Schema Objects, so each one is checked against the JSON Schema 2020-12
//    meta-schema (the dialect OpenAPI 3.1 uses) with Ajv.
// Usage: node validate.mjs FILE. Exit status 0 when valid, 1 with the errors on stderr otherwise.
import {compileErrors, validate as readmeValidate} from '@readme/openapi-parser';
import {Validator} from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import {readFile} from 'node:fs/promises';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs FILE');
  process.exit(2);
}
const text = await readFile(file, 'utf8');
let doc;
try {
  doc = JSON.parse(text);
} catch (e) {
  console.error(`${file}: not JSON: ${e.message}`);
  process.exit(1);
}
let failed = false;

// Validators accept 3.0 documents too; the contract is 3.1 specifically.
if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) {
  console.error(`openapi field is ${JSON.stringify(doc.openapi)}, expected 3.1.x`);
  failed = true;
}

const schemaValidator = new Validator();
const res = await schemaValidator.validate(structuredClone(doc));
if (!res.valid) {
  console.error('OpenAPI 3.1 schema validation failed:');
  console.error(JSON.stringify(res.errors, null, 2));
  failed = true;
} else {
  if (schemaValidator.version !== '3.1') {
    console.error(`validated as version ${schemaValidator.version}, expected 3.1`);
    failed = true;
  }
  try {
    schemaValidator.resolveRefs();
  } catch (e) {
    console.error(`unresolvable $ref: ${e.message}`);
    failed = true;
  }
}

const semantic = await readmeValidate(structuredClone(doc));
if (!semantic.valid) {
  console.error('@readme/openapi-parser validation failed:');
  console.error(compileErrors(semantic));
  failed = true;
}
for (const w of semantic.warnings ?? []) console.error(`warning: ${JSON.stringify(w)}`);

// Every place OpenAPI 3.1 puts a Schema Object (this document uses no callbacks or webhooks).
function* schemaObjects(d) {
  for (const [name, s] of Object.entries(d.components?.schemas ?? {})) {
    yield [`components.schemas.${name}`, s];
  }
  const content = function*(where, c) {
    for (const [type, media] of Object.entries(c ?? {})) {
      if (media.schema) yield [`${where}.content[${type}]`, media.schema];
    }
  };
  for (const [path, item] of Object.entries(d.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        if (p.schema) yield [`${where} parameter ${p.name}`, p.schema];
      }
      if (op.requestBody) yield* content(`${where} requestBody`, op.requestBody.content);
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        yield* content(`${where} response ${status}`, r.content);
        for (const [h, header] of Object.entries(r.headers ?? {})) {
          if (header.schema) yield [`${where} response ${status} header ${h}`, header.schema];
        }
      }
    }
  }
}
const ajv = new Ajv2020({strict: false, validateFormats: false});
let schemaCount = 0;
for (const [where, schema] of schemaObjects(doc)) {
  schemaCount += 1;
  if (!ajv.validateSchema(schema)) {
    console.error(`${where}: not a valid JSON Schema 2020-12: ${ajv.errorsText(ajv.errors)}`);
    failed = true;
  }
}
if (schemaCount === 0) {
  console.error('the document holds no Schema Objects');
  failed = true;
}

if (failed) process.exit(1);
const operations =
    Object.values(doc.paths ?? {})
        .reduce(
            (n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length,
            0,
        );
console.log(
    `valid OpenAPI ${doc.openapi}: ${Object.keys(doc.paths ?? {}).length} paths, ` +
        `${operations} operations, ${schemaCount} schemas`,
);
