# File names that are not valid UTF-8, or that hold a backslash, in every table that shows
# them (cloudtrail.source_file, cloudtrail_files.file, detect_mfa_deactivation.source_file).
# A valid UTF-8 name without a backslash is shown as is; otherwise each invalid byte is
# \xHH and each backslash \\, so two names never collide and the bytes can be recovered.
# Before, 'bad<FF>.json' and 'bad<FE>.json' both showed as 'bad<U+FFFD>.json'.
set -u
LC_ALL=C
export LC_ALL
: "${EXT:=build/cloudtrail}"
py=/usr/bin/python3
if [ ! -x "$py" ]; then
  echo "skipped: $py not found (it decodes the names back to bytes)"
  exit 77
fi
preload=${LD_PRELOAD-}
unset LD_PRELOAD
sq() {
  if [ -n "$preload" ]; then LD_PRELOAD=$preload sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
  else sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1; fi
}
# an alert record whose eventID is $1
alert() {
  printf '{"eventVersion":"1.09","eventTime":"2026-03-02T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","eventID":"%s","userIdentity":{"type":"IAMUser","userName":"mallory"},"requestParameters":{"userName":"alice"}}\n' "$1"
}
t=build/tmp/file_names
rm -rf "$t"
mkdir -p "$t"
alert ff >"$t/$(printf 'bad\377.json')"
alert fe >"$t/$(printf 'bad\376.json')"
alert cut >"$t/$(printf 'caf\303.json')"              # a UTF-8 sequence cut short
alert utf8 >"$t/café.json"                              # valid UTF-8: as is
alert back >"$t/back\\slash.json"                       # a backslash: doubled
alert lookalike >"$t/bad\\xff.json"                     # ASCII that reads like an escape
mkdir "$t/$(printf 'dir\377')"
alert indir >"$t/$(printf 'dir\377')/x.json"

for q in "SELECT file AS n FROM cloudtrail_files('$t')" \
         "SELECT source_file AS n FROM cloudtrail('$t')" \
         "SELECT source_file AS n FROM detect_mfa_deactivation('$t')"; do
  echo "== $q"
  sq "SELECT printf('  %-24s %s', substr(n, length('$t/') + 1), hex(substr(CAST(n AS BLOB), length('$t/') + 1)))
        FROM ($q) ORDER BY 1"
  sq "SELECT printf('  %d names, %d distinct, all valid UTF-8 text: %d', count(*), count(DISTINCT n),
                    sum(n = CAST(CAST(n AS BLOB) AS TEXT)) = count(*))
        FROM ($q)"
done
echo "== the three tables show the same names"
sq "SELECT '  ' || count(*) FROM (
      SELECT file FROM cloudtrail_files('$t')
      INTERSECT SELECT source_file FROM cloudtrail('$t')
      INTERSECT SELECT source_file FROM detect_mfa_deactivation('$t'))"
echo "== reversible: decoding each shown name gives back the bytes on disk"
# Under the sanitizer build, Python's own allocations at exit are not ours to report.
LD_PRELOAD=$preload ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" - "$t" <<'PY' 2>&1
import os, re, sqlite3, sys
t = sys.argv[1]
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(os.environ.get("EXT", "build/cloudtrail"))
def decode(s):
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == "\\" and s[i+1] == "\\": out += b"\\"; i += 2
        elif s[i] == "\\" and s[i+1] == "x": out.append(int(s[i+2:i+4], 16)); i += 4
        else: out += s[i].encode(); i += 1
    return bytes(out)
shown = sorted(decode(f) for (f,) in db.execute("SELECT file FROM cloudtrail_files(?)", (t,)))
disk = sorted(os.path.join(os.fsencode(r), f) for r, _, fs in os.walk(os.fsencode(t)) for f in fs)
print("  %d names, decoded equal to the names on disk: %s" % (len(shown), shown == disk))
PY
