# json.c's fast path (fast_skip) at its edges: nesting at and past its 64 levels, repeated
# keys at every depth and spelled differently, objects past the key stack's 32 fixed entries
# and past 64 keys (the hash index), an escape, UTF-8, invalid UTF-8 or a control byte only
# in a record's last value, literals and numbers good and bad, syntax damage inside nesting,
# a literal that ends the data. The fast path only ever proves a plain object valid and
# otherwise leaves the record to the full validator, so every row, problem, byte offset and
# note below is the full validator's (this output was the same before the fast path
# existed). Fixtures: tests/tools/fast_path_fixtures.py. Skips (exit 77) without python3.
py=/usr/bin/python3
[ -x "$py" ] || { echo "skipped: $py not found"; exit 77; }
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
export ASAN_OPTIONS
dir=build/tmp/fast_path
rm -rf "$dir" && mkdir -p "$dir"
"$py" tests/tools/fast_path_fixtures.py "$dir" || exit 1
sqlite3 :memory: <<SQL
.load $EXT
.mode list
.print -- each file: status, records, problems
SELECT replace(file, '$dir/', ''), format, status, records, error
  FROM cloudtrail_files('$dir') ORDER BY file;
.print -- each record: where it came from, its eventName, what the index found
SELECT replace(source_file, '$dir/', ''), record_index, eventName, awsRegion, userAgent,
       readOnly, length(record), length(requestParameters)
  FROM cloudtrail('$dir') ORDER BY source_file, record_index;
.print -- count by eventName (one group for two spellings of GetObject)
SELECT eventName, count(*) FROM cloudtrail('$dir') GROUP BY 1 ORDER BY 1;
.print -- the same rows on the caller's thread alone
SELECT count(*), sum(length(record)) FROM cloudtrail('$dir', 0, 1);
.print -- strict: the first problem is the error
SELECT count(*) FROM cloudtrail('$dir/bad_exp.json', 1);
SQL
