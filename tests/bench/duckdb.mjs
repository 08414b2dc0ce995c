// The DuckDB side of the benchmark (tests/bench/run.sh): one question per process, so
// that its wall time and peak RSS compare with one sqlite3 shell process per question.
//
//   node tests/bench/duckdb.mjs QUESTION CORPUS_DIR
//
// QUESTION is one of
//   version   DuckDB's version
//   startup   SELECT 1 (the cost of starting node and DuckDB)
//   detect    the event ids of the MFA rule's alerts, one per line, sorted
//   count     eventName|count, one line per eventName, sorted
//   select    CREATE TABLE t AS (every record, one column per CloudTrail field) in an
//             in-memory database, then its row count
//   rules     node duckdb.mjs rules CORPUS_DIR RULES_JSON: the rules of RULES_JSON
//             ([{rule_id, query}], KQL) that kql2sql.mjs translates, run as SQL in one pass:
//             rule_id|event_id per alert, sorted
//   translated  node duckdb.mjs translated RULES_JSON: the ids of the rules kql2sql.mjs
//             translates, one per line (no DuckDB involved)
//
// The log files are read as gzip JSON with read_json() and a typed STRUCT for the Records
// array, then unnested: one row per record. CloudTrail (and build/generate) writes each log
// file as one line, {"Records":[...]}, so format='newline_delimited' reads it: DuckDB's
// fastest reader here ('auto' and 'unstructured' take about 1.5 times the CPU). The glob takes CloudTrail/ only, never
// CloudTrail-Digest/. Threads: BENCH_DUCKDB_THREADS (default 2).
//
// It is run with NODE_PATH unset; the package is found from build/bench/node (see run.sh).

import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { translate, rulesSql } from './kql2sql.mjs';

const [question, corpus] = process.argv.slice(2);
const nodeDir = process.env.BENCH_NODE_DIR || 'build/bench/node';
const require = createRequire(path.resolve(nodeDir, 'package.json'));

// CloudTrail's record fields (the AWS "CloudTrail record contents" page). Strings as
// VARCHAR, booleans as BOOLEAN, nested objects and arrays as JSON text.
const FIELDS = [
  ['eventVersion', 'VARCHAR'], ['userIdentity', 'JSON'], ['eventTime', 'VARCHAR'],
  ['eventSource', 'VARCHAR'], ['eventName', 'VARCHAR'], ['awsRegion', 'VARCHAR'],
  ['sourceIPAddress', 'VARCHAR'], ['userAgent', 'VARCHAR'], ['errorCode', 'VARCHAR'],
  ['errorMessage', 'VARCHAR'], ['requestParameters', 'JSON'], ['responseElements', 'JSON'],
  ['additionalEventData', 'JSON'], ['requestID', 'VARCHAR'], ['eventID', 'VARCHAR'],
  ['readOnly', 'BOOLEAN'], ['resources', 'JSON'], ['eventType', 'VARCHAR'],
  ['apiVersion', 'VARCHAR'], ['managementEvent', 'BOOLEAN'], ['recipientAccountId', 'VARCHAR'],
  ['serviceEventDetails', 'JSON'], ['sharedEventID', 'VARCHAR'], ['vpcEndpointId', 'VARCHAR'],
  ['eventCategory', 'VARCHAR'], ['tlsDetails', 'JSON'], ['sessionCredentialFromConsole', 'VARCHAR'],
  ['insightDetails', 'JSON'],
];

const sqlString = (s) => "'" + String(s).replace(/'/g, "''") + "'";

// overrides: field types to change for one question.
function records(overrides = {}) {
  const struct = FIELDS.map(([n, t]) => `${n} ${overrides[n] || t}`).join(', ');
  const glob = path.join(corpus, 'AWSLogs', '*', 'CloudTrail', '**', '*.json.gz');
  return `(SELECT unnest(Records) AS r FROM read_json(${sqlString(glob)},
            format = 'newline_delimited', records = true, compression = 'gzip',
            columns = {'Records': ${sqlString(`STRUCT(${struct})[]`)}}))`;
}

// The rule, as detect_mfa_deactivation applies it: eventSource and eventName compared
// exactly (case-sensitive; JSON escapes are decoded by the reader), and success means
// neither errorCode nor errorMessage holds anything but null, "", {} or []. Typed as JSON,
// DuckDB gives those four as NULL, '""', '{}', '[]' (and the string "{}" as '"{}"', which is
// a value), so the test is exact. One row per distinct eventID (a record CloudTrail
// delivered twice alerts once).
const detectSql = () => `
  SELECT DISTINCT r.eventID AS event_id
    FROM ${records({ errorCode: 'JSON', errorMessage: 'JSON' })}
   WHERE r.eventSource = 'iam.amazonaws.com'
     AND r.eventName IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
     AND coalesce(CAST(r.errorCode AS VARCHAR), 'null') IN ('null', '""', '{}', '[]')
     AND coalesce(CAST(r.errorMessage AS VARCHAR), 'null') IN ('null', '""', '{}', '[]')
   ORDER BY 1`;

const countSql = () => `
  SELECT r.eventName AS name, count(*) AS n FROM ${records()}
   GROUP BY 1 ORDER BY 1`;

const selectSql = () => `CREATE TABLE t AS SELECT unnest(r) FROM ${records()}`;

const cell = (v) => (v === null || v === undefined ? '' : String(v));

async function main() {
  if (question === 'translated') {
    const { translated } = translate(JSON.parse(fs.readFileSync(corpus, 'utf8')));
    process.stdout.write(translated.map((t) => t.rule_id + '\n').join(''));
    return;
  }
  if (!question || (question !== 'version' && question !== 'startup' && !corpus)) {
    console.error('usage: node duckdb.mjs version|startup|detect|count|select CORPUS_DIR');
    process.exit(2);
  }
  const { DuckDBInstance } = require('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const threads = Number(process.env.BENCH_DUCKDB_THREADS || 2);
  await con.run(`SET threads = ${threads}`);
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRows();
  let out = [];
  switch (question) {
    case 'version':
      out = (await rows('SELECT version()')).map((r) => cell(r[0]));
      break;
    case 'startup':
      out = (await rows('SELECT 1')).map((r) => cell(r[0]));
      break;
    case 'detect':
      out = (await rows(detectSql())).map((r) => cell(r[0]));
      break;
    case 'count':
      out = (await rows(countSql())).map((r) => `${cell(r[0])}|${cell(r[1])}`);
      break;
    case 'rules': {
      const rulesFile = process.argv[4];
      const { translated } = translate(JSON.parse(fs.readFileSync(rulesFile, 'utf8')));
      const sql = rulesSql(records({ errorCode: 'JSON', errorMessage: 'JSON' }), translated);
      out = (await rows(sql)).map((r) => `${cell(r[0])}|${cell(r[1])}`);
      break;
    }
    case 'select':
      await con.run(selectSql());
      out = (await rows('SELECT count(*) FROM t')).map((r) => cell(r[0]));
      break;
    default:
      console.error(`duckdb.mjs: unknown question '${question}'`);
      process.exit(2);
  }
  process.stdout.write(out.length ? out.join('\n') + '\n' : '');
  con.closeSync?.();
  instance.closeSync?.();
}

main().catch((e) => {
  console.error(`duckdb.mjs ${question}: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
