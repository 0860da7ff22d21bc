// Validates answers tgmux gave against the schemas of its OpenAPI document
// (tests/openapi_test.cpp, and the answers of the whole end-to-end suite).
//
//   node validate.mjs SAMPLES.json
//
// SAMPLES.json: {"document": <the /openapi.json served>, "samples": [{method, path,
// status, content_type, body}, ...]} with `path` as requested (no query) and `body`
// the answer's text. Prints one line per sample that does not match, and a summary;
// exits 1 when any does not, 2 on bad input.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const doc = input.document;
if (!doc || !doc.paths || !Array.isArray(input.samples)) {
  console.error("validate.mjs: expected {document, samples}");
  process.exit(2);
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, "openapi.json");

const escape = (s) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const resolve = (pointer) =>
  pointer.split("/").slice(1).reduce((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);

// The documented path a requested one falls under: the template with the most literal segments.
function templateOf(path) {
  const parts = path.split("/");
  let best = null;
  let bestLiterals = -1;
  for (const template of Object.keys(doc.paths)) {
    const want = template.split("/");
    if (want.length !== parts.length) continue;
    let literals = 0;
    const fits = want.every((segment, i) => {
      if (/^\{[^}]+\}$/.test(segment)) return parts[i] !== "";
      literals++;
      return segment === parts[i];
    });
    if (fits && literals > bestLiterals) {
      best = template;
      bestLiterals = literals;
    }
  }
  return best;
}

const validators = new Map();
function validatorFor(pointer) {
  if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: "openapi.json#" + pointer }));
  return validators.get(pointer);
}

// The router's own answers to what no route takes: a problem, 404 for an unknown path, 405 for a known one.
function checkUnrouted(sample, expected, why) {
  if (sample.status !== expected) return why;
  if ((sample.content_type || "").split(";")[0].trim() !== "application/problem+json") return "not a problem+json answer";
  const validate = validatorFor("/components/schemas/Problem");
  return validate(JSON.parse(sample.body)) ? null : ajv.errorsText(validate.errors, { dataVar: "body" });
}

function check(sample) {
  const template = templateOf(sample.path);
  if (!template) return checkUnrouted(sample, 404, "no documented path");
  const method = sample.method.toLowerCase();
  const opPointer = `/paths/${escape(template)}/${method}`;
  const op = resolve(opPointer);
  if (!op) return checkUnrouted(sample, 405, `${template} documents no ${method.toUpperCase()}`);
  const status = String(sample.status);
  let responsePointer = `${opPointer}/responses/${status}`;
  if (!op.responses?.[status]) {
    if (status.startsWith("2")) return `status ${status} is not documented for ${method.toUpperCase()} ${template}`;
    if (!op.responses?.default) return `status ${status} is not documented and there is no default`;
    responsePointer = `${opPointer}/responses/default`;
  }
  let response = resolve(responsePointer);
  if (response?.$ref) {
    responsePointer = response.$ref.slice(1);
    response = resolve(responsePointer);
  }
  const mediaType = (sample.content_type || "").split(";")[0].trim();
  if (!response.content) return sample.body === "" ? null : `status ${status} is documented without a body`;
  if (!response.content[mediaType]) {
    return `content type ${mediaType || "(none)"} is not documented (documented: ${Object.keys(response.content).join(", ")})`;
  }
  if (!mediaType.endsWith("json")) return null;
  let body;
  try {
    body = JSON.parse(sample.body);
  } catch {
    return "the body is not JSON";
  }
  const validate = validatorFor(`${responsePointer}/content/${escape(mediaType)}/schema`);
  if (validate(body)) return null;
  return ajv.errorsText(validate.errors, { dataVar: "body" }) + "  body: " + sample.body.slice(0, 300);
}

let failed = 0;
const routes = new Set();
for (const sample of input.samples) {
  let problem;
  try {
    problem = check(sample);
  } catch (e) {
    problem = "validator error: " + e.message;
  }
  routes.add(`${sample.method} ${templateOf(sample.path) ?? sample.path}`);
  if (problem) {
    failed++;
    console.log(`MISMATCH ${sample.method} ${sample.path} ${sample.status}: ${problem}`);
  }
}
console.log(`${input.samples.length - failed} passed, ${failed} failed (answers of ${routes.size} routes)`);
process.exit(failed ? 1 : 0);
