# A reporting script: Python's sqlite3 module loads the extension and reads every row,
# including text that was invalid UTF-8 in the file (Python raises on bad UTF-8, so the
# reader must have repaired it). Skips (exit 77) where /usr/bin/python3 is absent.
py=/usr/bin/python3
if [ ! -x "$py" ]; then
  echo "skipped: $py not found"
  exit 77
fi
mkdir -p build/tmp/python
printf '{"eventName":"Bad\377Byte","userAgent":"a\\u0000b"}\n{"eventName":"Next"}\n' >build/tmp/python/bytes.jsonl
# Under the sanitizer build, Python's own allocations at exit are not ours to report.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" - "$EXT" <<'PY'
import sqlite3, sys
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(sys.argv[1])
db.enable_load_extension(False)
for row in db.execute("SELECT format, records, status FROM cloudtrail_files('tests/fixtures/records.json.gz')"):
    print("files:", row)
for row in db.execute("SELECT eventName, user_name, outcome FROM cloudtrail('tests/fixtures/ndjson.jsonl')"):
    print("row:", row)
rows = db.execute("SELECT eventName, userAgent, record FROM cloudtrail('build/tmp/python/bytes.jsonl')").fetchall()
for row in rows:
    print("bytes:", row)
try:
    db.execute("SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/truncated.json.gz', 1)").fetchall()
except sqlite3.OperationalError as e:
    print("error:", e)
PY
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" - "$EXT" <<'PY'
import sqlite3, sys
# strict mode raises SQLITE_TOOBIG (Python's DataError) for a record over the length limit
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(sys.argv[1])
with open("build/tmp/python/long.jsonl", "w") as f:
    f.write('{"eventName":"Short"}\n{"eventName":"Long","userAgent":"%s"}\n{"eventName":"Next"}\n' % ("x" * 5000))
db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 4000)
try:
    db.execute("SELECT count(*) FROM cloudtrail('build/tmp/python/long.jsonl', 1)").fetchall()
except sqlite3.DataError as e:
    print("DataError:", e)
print("not strict:", db.execute("SELECT eventName FROM cloudtrail('build/tmp/python/long.jsonl')").fetchall())
PY
