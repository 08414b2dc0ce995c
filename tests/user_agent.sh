#!/bin/sh
# user_agent.name (ext/useragent.c) against uap-core's own regular expressions, evaluated
# here as Elasticsearch's user_agent processor evaluates them (tests/tools/ua_check.js).
#
# Fetched into build/uap/ (kept between runs) with the ordinary clients:
#   npm:  uap-core@0.18.0 (regexes.yaml) and the `yaml` package (to read it)
#   apt:  Debian's uap-core package (its regexes.yaml, 0.16.0 in bookworm, and its test
#         strings: tests/test_ua.yaml and test_resources/*.yaml, about 20,000 strings)
# Skips (77) without node/npm or when either cannot be fetched; the real logs
# (../shared/data/real) are used when present (the note says).
#
# Checked: every string the extension names (Chrome, Firefox ...) has that family for
# uap-core (every corpus, both versions); every real-log string that uap-core puts in the
# list is named. Strings outside the extension's shapes that uap-core still puts in the
# list (the approximation ext/README.md states) are counted in the note. Also: every
# expression that can give one of the names needs one of the tokens the README lists.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "skipped: no node/npm"; exit 77; }
# node and npm run without the sanitizer preloads of make asan-test (not our code).
node(){ env -u LD_PRELOAD node "$@"; }
npm(){ env -u LD_PRELOAD npm "$@"; }
dir=build/uap
mkdir -p "$dir"
if [ ! -f "$dir/uap-core-0.18.0/regexes.yaml" ] || [ ! -d "$dir/node_modules/yaml" ]; then
  ( cd "$dir" && npm pack --silent uap-core@0.18.0 >/dev/null 2>&1 \
    && mkdir -p uap-core-0.18.0 && tar -xzf uap-core-0.18.0.tgz -C uap-core-0.18.0 --strip-components=1 \
    && npm install --silent --no-save --no-package-lock --prefix . yaml >/dev/null 2>&1 ) \
    || { echo "skipped: npm could not fetch uap-core@0.18.0 and yaml"; exit 77; }
fi
if [ ! -d "$dir/deb/usr/share/uap-core" ]; then
  ( cd "$dir" && rm -f uap-core_*.deb && apt-get download uap-core >/dev/null 2>&1 \
    && dpkg-deb -x uap-core_*.deb deb ) \
    || { rm -rf "$dir/deb"; echo "skipped: apt-get could not fetch Debian's uap-core"; exit 77; }
fi
export UA_YAML_MODULE="$PWD/$dir/node_modules/yaml"
tmp=build/tmp/user_agent
mkdir -p "$tmp"
check="node tests/tools/ua_check.js"

# The extension's answers for a JSON array of strings, in order (null: not named).
answers(){
  sqlite3 :memory: ".load $EXT" "SELECT json_group_array(json_extract(ecs_field('user_agent.name',
      json_object('eventName', 'x', 'userAgent', value)), '\$[0]'))
    FROM (SELECT value FROM json_each(readfile('$1')) ORDER BY key)" >"$2"
}

# 1. The userAgent values of the real logs, plus generated browser strings.
real=../shared/data/real
if [ -d "$real" ]; then
  sqlite3 :memory: ".load $EXT" "SELECT json_group_array(ua) FROM (SELECT DISTINCT
      json_extract(record, '\$.userAgent') AS ua FROM cloudtrail('$real')
      WHERE json_type(record, '\$.userAgent') = 'text' ORDER BY 1)" >"$tmp/real.json"
  echo "real logs: $(node -e "console.log(require('./$tmp/real.json').length)") distinct user agents" >&3
else
  echo '[]' >"$tmp/real.json"; echo "real logs: absent" >&3
fi
$check strings "$tmp/real-only.json" "$tmp/real.json" nogen
answers "$tmp/real-only.json" "$tmp/real-only.ans"
$check compare "$tmp/real-only.json" "$tmp/real-only.ans" "$dir/uap-core-0.18.0/regexes.yaml" "real logs, uap-core 0.18.0" all
$check strings "$tmp/gen.json" - gen
answers "$tmp/gen.json" "$tmp/gen.ans"
$check compare "$tmp/gen.json" "$tmp/gen.ans" "$dir/uap-core-0.18.0/regexes.yaml" "generated, uap-core 0.18.0"

# 2. uap-core's own test strings (Debian's package), with both versions' expressions.
deb=$dir/deb/usr/share/uap-core
$check strings "$tmp/corpus.json" - nogen "$deb/tests/test_ua.yaml" "$deb"/test_resources/*_strings.yaml \
  "$deb/test_resources/pgts_browser_list.yaml"
answers "$tmp/corpus.json" "$tmp/corpus.ans"
$check compare "$tmp/corpus.json" "$tmp/corpus.ans" "$dir/uap-core-0.18.0/regexes.yaml" "uap-core test strings, 0.18.0"
$check compare "$tmp/corpus.json" "$tmp/corpus.ans" "$deb/regexes.yaml" "uap-core test strings, Debian's regexes"
