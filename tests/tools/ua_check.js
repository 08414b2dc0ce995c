// uap-core's user-agent family (as Elastic's user_agent processor computes it) against the
// extension's user_agent.name (ext/useragent.c). Used by tests/user_agent.sh.
//
//   node ua_check.js strings OUT.json REAL.json gen|nogen YAML...
//        every user_agent_string of the YAML test files, the strings of REAL.json (a JSON
//        array; "-" for none) and, with gen, the generated shapes, deduplicated -> OUT.json
//   node ua_check.js compare STRINGS.json ANSWERS.json REGEXES.yaml LABEL [all]
//        evaluates REGEXES.yaml on each string and compares with the extension's answers
//        (ANSWERS: the name, or null): prints every string the extension names wrongly; with
//        "all", also every string uap-core puts in the list that the extension does not name
//        (else those are counted on file descriptor 3 only)
//
// The evaluation follows Elasticsearch's UserAgentParser: expressions in file order (flag
// "i" when regex_flag is i), the first that finds a match and yields a name wins; the name
// is family_replacement (its first "$1" replaced by group 1 when that group matched), else
// group 1; no name from any expression gives "Other".
'use strict';
const fs = require('fs');
const YAML = require(process.env.UA_YAML_MODULE);
const NAMES = ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Brave'];

// The tokens without which no expression can give one of the names: a name taken from a
// group is the string's own text, and each expression whose family_replacement is a name
// (or holds $1) must hold one of them, case-sensitively (ext/README.md relies on this).
const TOKENS = ['Chrome', 'Firefox', 'Safari', 'Edg', 'OPR', 'Opera', 'brave', 'Brave'];
function tokensHold(file) {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  return doc.user_agent_parsers.every(p => {
    const r = p.family_replacement == null ? null : String(p.family_replacement);
    if (r === null || (!NAMES.includes(r) && !r.includes('$1'))) return true;
    if (r.includes('$1') && !NAMES.some(n => n.includes(r.replace('$1', '')))) return true;
    return p.regex_flag !== 'i' && TOKENS.some(t => p.regex.includes(t));
  });
}

function parser(file) {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const pats = doc.user_agent_parsers.map(p => ({
    re: new RegExp(p.regex, p.regex_flag === 'i' ? 'i' : ''),
    rep: p.family_replacement == null ? null : String(p.family_replacement),
  }));
  return ua => {
    for (const p of pats) {
      const m = p.re.exec(ua);
      if (!m) continue;
      let name = null;
      if (p.rep !== null) {
        name = p.rep.includes('$1') && m.length > 1 && m[1] !== undefined
          ? p.rep.replace('$1', () => m[1]) : p.rep;
      } else if (m.length > 1 && m[1] !== undefined) {
        name = m[1];
      }
      if (name !== null) return name;
    }
    return 'Other';
  };
}

// The shapes ext/useragent.c names, and near misses, from a fixed list of parts.
function generated() {
  const plats = [
    'Windows NT 10.0; Win64; x64', 'Windows NT 6.1; WOW64', 'Windows NT 6.3', 'Windows NT 10.0',
    'Macintosh; Intel Mac OS X 10_15_7', 'Macintosh; Intel Mac OS X 14_4', 'Macintosh; Intel Mac OS X 10.15',
    'X11; Linux x86_64', 'X11; Ubuntu; Linux x86_64', 'X11; Fedora; Linux x86_64', 'X11; Linux i686',
    'X11; CrOS x86_64 14541.0.0', 'Windows NT 10.0; x64', 'Macintosh', 'X11',
    // mobile and other platforms: families outside the list, or strings outside the shapes
    'Linux; Android 10; K', 'iPhone; CPU iPhone OS 17_4 like Mac OS X', 'Windows Phone 10.0',
    'X11; Linux x86_64; wv', 'Windows NT 10.0; Win64; x64; Mobile', 'compatible; Googlebot/2.1',
    'iPad; CPU OS 16_0 like Mac OS X',
  ];
  const wk = ['537.36', '605.1.15'];
  const tails = [
    c => `Chrome/${c} Safari/537.36`, c => `Chrome/${c} Safari/537.36 Edg/${c}`,
    c => `Chrome/${c} Safari/537.36 Edge/18.19582`, c => `Chrome/${c} Safari/537.36 OPR/109.0.0.0`,
    c => `Chrome/${c} Safari/537.36 OPR/109.0`, c => `Chrome/${c} Mobile Safari/537.36`,
    c => `Chrome/${c} Safari/537.36 Vivaldi/6.6.3271.61`, c => `Chrome/${c} YaBrowser/24.1.0.0 Safari/537.36`,
    c => `Chrome/${c} Electron/28.2.0 Safari/537.36`, c => `HeadlessChrome/${c} Safari/537.36`,
    c => `SamsungBrowser/24.0 Chrome/${c} Safari/537.36`, c => `Chrome/${c} Safari/537.36 Brave/1.64`,
    c => `brave/1.64.113 Chrome/${c} Safari/537.36`, c => `Version/4.0 Chrome/${c} Safari/537.36`,
    c => `Chrome/${c} Safari/537.36 Slack/4.36.140`, c => `Chrome/${c} Safari/537.36 bingbot/2.0`,
    c => 'Version/17.4 Safari/605.1.15', c => 'Version/17.4.1 Safari/605.1.15', c => 'Safari/605.1.15',
    c => 'Version/17.4 Mobile/15E148 Safari/604.1', c => `CriOS/${c} Mobile/15E148 Safari/604.1`,
  ];
  const out = [];
  for (const p of plats) {
    for (const w of wk) for (const t of tails) for (const c of ['123.0.0.0', '67.0.3396.99', '124.0']) {
      const ua = `Mozilla/5.0 (${p}) AppleWebKit/${w} (KHTML, like Gecko) ${t(c)}`;
      out.push(ua, `[${ua}]`);
    }
    for (const rv of ['124.0', '109.0', '60.0']) for (const f of [`Firefox/${rv}`, 'Firefox/115.0.1',
      'Firefox/124.0a1', 'Firefox/124.0b3', `Firefox/${rv} Waterfox/6.0`, `Firefox/${rv} Thunderbird/115.0`]) {
      const ua = `Mozilla/5.0 (${p}; rv:${rv}) Gecko/20100101 ${f}`;
      out.push(ua, `[${ua}]`);
    }
  }
  for (const ua of ['aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/iam.list-users',
    'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11 cfg/retry-mode#legacy Botocore/1.34.0',
    'aws-sdk-js/3.540.0 ua/2.1 os/Windows_NT#10.0 lang/js md/browser#Chrome_123.0.0.0 api/secrets-manager#3.540.0',
    'AWS Internal', 'console.amazonaws.com', 'signin.amazonaws.com', 'Chrome Browser',
    'Safari/19618.1.15.11.14 CFNetwork/1494.0.7 Darwin/23.4.0', 'Chrome/123.0.0.0', 'Firefox/124.0']) out.push(ua);
  return out;
}

if (process.argv[2] === 'strings') {
  const [out, real, gen, ...yamls] = process.argv.slice(3);
  const seen = new Set();
  const add = s => { if (typeof s === 'string') seen.add(s); };
  for (const y of yamls) {
    for (const c of (YAML.parse(fs.readFileSync(y, 'utf8')).test_cases || [])) add(c.user_agent_string);
  }
  if (real !== '-') for (const l of JSON.parse(fs.readFileSync(real, 'utf8'))) add(l);
  if (gen === 'gen') for (const g of generated()) add(g);
  fs.writeFileSync(out, JSON.stringify([...seen]));
} else if (process.argv[2] === 'compare') {
  const [stringsFile, answersFile, regexes, label, all] = process.argv.slice(3);
  const strings = JSON.parse(fs.readFileSync(stringsFile, 'utf8'));
  const answers = JSON.parse(fs.readFileSync(answersFile, 'utf8'));
  const family = parser(regexes);
  if (answers.length !== strings.length) throw new Error('answers and strings differ in length');
  let named = 0, wrong = 0, missed = 0, inList = 0;
  const missedBy = {};
  strings.forEach((ua, i) => {
    const f = family(ua), mine = answers[i];
    if (mine !== null) {
      named++;
      if (mine !== f) { wrong++; console.log(`${label}: named ${mine}, uap-core says ${f}: ${ua}`); }
    }
    if (NAMES.includes(f)) {
      inList++;
      if (mine === null) {
        missed++;
        missedBy[f] = (missedBy[f] || 0) + 1;
        if (all) console.log(`${label}: not named, uap-core says ${f}: ${ua}`);
      }
    }
  });
  console.log(`${label}: ${wrong === 0 ? 'every' : 'NOT every'} string the extension names has that family`);
  fs.writeSync(3, `${label}: ${strings.length} strings; ${named} named by the extension, ${wrong} wrongly; ` +
    `${inList} in the list for uap-core, ${missed} of them not named ${JSON.stringify(missedBy)}\n`);
  if (all) console.log(`${label}: ${missed === 0 ? 'every' : 'NOT every'} string uap-core puts in the list is named`);
  console.log(`${label}: ${tokensHold(regexes) ? 'every' : 'NOT every'} expression that can give a name needs one of ${TOKENS.join(' ')}`);
}
