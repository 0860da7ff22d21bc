// Validates answers tgmux gave against the schemas of its OpenAPI document
// (tests/openapi_test.cpp, and the answers of the whole end-to-end suite).
//
//   node validate.mjs SAMPLES.json
//
// SAMPLES.json: {"document": <the /openapi.json served>, "samples": [{method, path,
// status, content_type, body}, ...]} with `path` as requested (no query) and `body`
// the answer's text; with "skip_undocumented_paths": true, answers for paths the
// document does not have (pages for browsers) are left unchecked, not expected to be
// 404s. Prints one line per sample that does not match, and a summary; exits 1 when
// any does not, 2 on bad input.
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

const skipUndocumented = input.skip_undocumented_paths === true;
let skipped = 0;

function check(sample) {
  const template = templateOf(sample.path);
  if (!template && skipUndocumented) {
    skipped++;
    return null;
  }
  if (!template) return checkUnrouted(sample, 404, "no documented path");
  // CORS preflights: the router answers them for every route; they are not operations.
  if (sample.method === "OPTIONS" && sample.status === 204 && sample.body === "") return null;
  const method = sample.method.toLowerCase();
  const opPointer = `/paths/${escape(template)}/${method}`;
  const op = resolve(opPointer);
  if (!op) {
    // A body over the server's limit is refused before the method is looked at.
    return checkUnrouted(sample, sample.status === 413 ? 413 : 405, `${template} documents no ${method.toUpperCase()}`);
  }
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
  // The most specific documented media type: exact, then a range (image/*, */*).
  const documentedType = [mediaType, mediaType.split("/")[0] + "/*", "*/*"].find((t) => response.content[t]);
  if (!documentedType) {
    return `content type ${mediaType || "(none)"} is not documented (documented: ${Object.keys(response.content).join(", ")})`;
  }
  if (documentedType !== mediaType) return null;  // a file's own bytes, not JSON of ours
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
const mismatches = new Map();  // one line per route, status and problem, with how often it was seen
for (const sample of input.samples) {
  let problem;
  try {
    problem = check(sample);
  } catch (e) {
    problem = "validator error: " + e.message;
  }
  const template = templateOf(sample.path);
  if (template || !skipUndocumented) routes.add(`${sample.method} ${template ?? sample.path}`);
  if (problem) {
    failed++;
    const key = `${sample.method} ${template ?? sample.path} ${sample.status}: ${problem.split("  body: ")[0]}`;
    const seen = mismatches.get(key);
    if (seen) seen.count++;
    else mismatches.set(key, { count: 1, line: `MISMATCH ${sample.method} ${sample.path} ${sample.status}: ${problem}` });
  }
}
for (const { count, line } of mismatches.values()) console.log(count > 1 ? `${line}  (${count} answers)` : line);
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.keys(item).filter((k) => ["get", "put", "post", "patch", "delete"].includes(k)).map((k) => `${k.toUpperCase()} ${path}`));
const unanswered = operations.filter((op) => !routes.has(op));
if (skipUndocumented) console.log(`operations never answered: ${unanswered.join(", ") || "none"}`);
const checked = input.samples.length - skipped;
console.log(`${checked - failed} passed, ${failed} failed (answers of ${routes.size} routes; ` +
  `${operations.length - unanswered.length} of the ${operations.length} documented operations)` +
  (skipped ? `; ${skipped} answers for undocumented paths not checked` : ""));
process.exit(failed ? 1 : 0);
