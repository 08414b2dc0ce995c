// A small KQL ("kuery") -> DuckDB SQL translator for the benchmark (tests/bench/run.sh):
// DuckDB runs the same Elastic rules as this extension's detect(), as SQL over read_json.
//
// It translates a rule only when every field it reads is a plain raw CloudTrail field (or
// event.outcome, as its CASE expression), with the ECS semantics ext/README.md gives them:
// keyword values exact and case-sensitive, a wildcard * any run of characters, `f:*` exists,
// `not` holds when the field is absent, drop-empty ("" is absent). Anything else (flattened
// request parameters, ranges, ip CIDR blocks, arrays such as related.user) leaves the rule
// untranslated: run.sh prints how many were translated, and checks that DuckDB's alerts equal
// the extension's for those rules before any time counts.
//
// `r` is one record: the Records STRUCT of duckdb.mjs, with userIdentity, requestParameters,
// responseElements, errorCode and errorMessage typed JSON.

// A JSON member as text, drop-empty: '' and null are absent (NULL).
const js = (col, path) => `nullif(${col} ->> '${path}', '')`;
const vc = (col) => `nullif(CAST(${col} AS VARCHAR), '')`;
// errorCode / errorMessage typed JSON: a string's value, else the JSON text; empty -> NULL
const jv = (col) => `(CASE WHEN coalesce(CAST(${col} AS VARCHAR), 'null') IN ('null', '""', '{}', '[]') THEN NULL ELSE ${col} ->> '$' END)`;

const UI = 'r.userIdentity';
const FIELDS = {
  'event.action': vc('r.eventName'),
  'event.provider': vc('r.eventSource'),
  'cloud.region': vc('r.awsRegion'),
  'source.address': vc('r.sourceIPAddress'),
  'user_agent.original': vc('r.userAgent'),
  'event.id': vc('r.eventID'),
  'aws.cloudtrail.error_code': jv('r.errorCode'),
  'aws.cloudtrail.error_message': jv('r.errorMessage'),
  'aws.cloudtrail.user_identity.type': js(UI, '$.type'),
  'aws.cloudtrail.user_identity.arn': js(UI, '$.arn'),
  'aws.cloudtrail.user_identity.access_key_id': js(UI, '$.accessKeyId'),
  'aws.cloudtrail.user_identity.invoked_by': js(UI, '$.invokedBy'),
  'aws.cloudtrail.user_identity.session_context.session_issuer.type': js(UI, '$.sessionContext.sessionIssuer.type'),
  'aws.cloudtrail.user_identity.session_context.session_issuer.arn': js(UI, '$.sessionContext.sessionIssuer.arn'),
  'user.id': js(UI, '$.principalId'),
  'data_stream.dataset': `'aws.cloudtrail'`,
  'event.dataset': `'aws.cloudtrail'`,
  'event.module': `'aws'`,
  // ConsoleLogin: responseElements.ConsoleLogin lower-cased; else failure when errorCode or
  // errorMessage holds something, else success
  'event.outcome': `(CASE WHEN r.eventName = 'ConsoleLogin' AND ${js('r.responseElements', '$.ConsoleLogin')} IS NOT NULL
       THEN lower(r.responseElements ->> '$.ConsoleLogin')
       WHEN ${jv('r.errorCode')} IS NOT NULL OR ${jv('r.errorMessage')} IS NOT NULL THEN 'failure'
       ELSE 'success' END)`,
};

class Untranslatable extends Error {}

const sqlString = (s) => "'" + s.replace(/'/g, "''") + "'";

// KQL's grammar (kuery.peg), as ext/kql.c reads it: or < and < not, parentheses,
// field:value, field:(a or b and not c), quoted and unquoted values, * wildcards.
function parse(q) {
  let i = 0;
  const n = q.length;
  const space = () => { while (i < n && /\s/.test(q[i])) i++; };
  const word = (w) => {
    const s = q.slice(i, i + w.length);
    return s.toLowerCase() === w && i + w.length < n && /\s/.test(q[i + w.length]);
  };
  const binary = (w) => {      // spaces, the keyword, spaces: the end, or -1
    let j = i;
    if (j >= n || !/\s/.test(q[j])) return -1;
    while (j < n && /\s/.test(q[j])) j++;
    const s = q.slice(j, j + w.length);
    if (s.toLowerCase() !== w || j + w.length >= n || !/\s/.test(q[j + w.length])) return -1;
    j += w.length;
    while (j < n && /\s/.test(q[j])) j++;
    return j;
  };
  const special = (c) => '\\():<>"*{}'.includes(c);
  // a literal: { text, wild } where wild is a list of parts (strings and '*' markers)
  function literal() {
    const parts = [];
    let lit = '';
    let wild = false;
    if (q[i] === '"') {
      i++;
      while (i < n && q[i] !== '"') {
        if (q[i] === '\\' && i + 1 < n) {
          const d = q[i + 1];
          if (d === 'u') { lit += String.fromCharCode(parseInt(q.slice(i + 2, i + 6), 16)); i += 6; continue; }
          lit += d === 't' ? '\t' : d === 'r' ? '\r' : d === 'n' ? '\n' : d;
          i += 2;
          continue;
        }
        lit += q[i++];
      }
      if (i >= n) throw new Untranslatable('unterminated string');
      i++;
      return { parts: [lit], wild: false };
    }
    let end = 0;                 // trailing spaces are trimmed
    const out = [];
    while (i < n) {
      const c = q[i];
      if (c === '\\') {
        const d = q[i + 1];
        if (d && special(d)) { lit += d; i += 2; end = lit.length; continue; }
        if (/^(or|and|not)/i.test(q.slice(i + 1))) {
          const k = /^or/i.test(q.slice(i + 1)) ? 2 : 3;
          lit += q.slice(i + 1, i + 1 + k); i += 1 + k; end = lit.length; continue;
        }
        throw new Untranslatable('escape');
      }
      if (c === '*') { out.push(lit.slice(0, end)); out.push('*'); lit = ''; end = 0; wild = true; i++; continue; }
      if (special(c) || binary('or') >= 0 || binary('and') >= 0 || word('not')) break;
      lit += c;
      i++;
      if (!/\s/.test(c)) end = lit.length;
    }
    out.push(lit.slice(0, end));
    return { parts: out.filter((p) => p !== ''), wild };
  }
  function leaf(field, v) {
    const expr = FIELDS[field];
    if (expr === undefined) throw new Untranslatable(`field ${field}`);
    if (v.parts.length === 1 && v.parts[0] === '*') return `(${expr} IS NOT NULL)`;
    if (!v.wild) return `coalesce(${expr} = ${sqlString(v.parts.join(''))}, false)`;
    const like = v.parts.map((p) => (p === '*' ? '%' : p.replace(/[\\%_]/g, (m) => '\\' + m))).join('');
    return `coalesce(${expr} LIKE ${sqlString(like)} ESCAPE '\\', false)`;
  }
  function values(field) {
    space();
    if (q[i] === '(') {
      i++; space();
      const e = vor(field);
      space();
      if (q[i] !== ')') throw new Untranslatable('expected )');
      i++;
      return e;
    }
    return leaf(field, literal());
  }
  function vnot(field) {
    if (word('not')) { i += 3; space(); return `(NOT ${values(field)})`; }
    return values(field);
  }
  function vand(field) {
    const l = vnot(field);
    const j = binary('and');
    if (j >= 0) { i = j; return `(${l} AND ${vand(field)})`; }
    return l;
  }
  function vor(field) {
    const l = vand(field);
    const j = binary('or');
    if (j >= 0) { i = j; return `(${l} OR ${vor(field)})`; }
    return l;
  }
  function sub() {
    space();
    if (q[i] === '(') {
      i++; space();
      const e = or();
      space();
      if (q[i] !== ')') throw new Untranslatable('expected )');
      i++;
      return e;
    }
    const f = literal();
    if (f.wild) throw new Untranslatable('wildcard field');
    const field = f.parts.join('');
    space();
    if (q[i] !== ':') throw new Untranslatable('range or default field');
    i++;
    space();
    if (q[i] === '{') throw new Untranslatable('nested');
    return values(field);
  }
  function not() {
    space();
    if (word('not')) { i += 3; space(); return `(NOT ${sub()})`; }
    return sub();
  }
  function and() {
    const l = not();
    const j = binary('and');
    if (j >= 0) { i = j; return `(${l} AND ${and()})`; }
    return l;
  }
  function or() {
    const l = and();
    const j = binary('or');
    if (j >= 0) { i = j; return `(${l} OR ${or()})`; }
    return l;
  }
  space();
  if (i >= n) return 'true';
  const e = or();
  space();
  if (i < n) throw new Untranslatable(`trailing text at ${i}`);
  return e;
}

// rules: [{rule_id, query}] -> { translated: [{rule_id, sql}], skipped: [{rule_id, why}] }
export function translate(rules) {
  const translated = [];
  const skipped = [];
  for (const { rule_id: id, query } of rules) {
    try {
      translated.push({ rule_id: id, sql: parse(query) });
    } catch (e) {
      if (!(e instanceof Untranslatable)) throw e;
      skipped.push({ rule_id: id, why: e.message });
    }
  }
  return { translated, skipped };
}

// One pass: each record gives the list of the ids of the rules it matches, unnested.
export function rulesSql(records, translated) {
  const list = translated.map((t) => `CASE WHEN ${t.sql} THEN ${sqlString(t.rule_id)} END`).join(',\n      ');
  return `SELECT DISTINCT rule_id, event_id FROM (
    SELECT r.eventID AS event_id, unnest([
      ${list}]) AS rule_id
      FROM ${records})
   WHERE rule_id IS NOT NULL ORDER BY 1, 2`;
}
