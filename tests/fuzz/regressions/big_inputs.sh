#!/bin/sh
# Reproduce the findings whose inputs are too large for the fuzzers' corpora (and the one
# that needs SQL rather than an input), against a built extension:
#
#   sh tests/fuzz/regressions/big_inputs.sh [build/cloudtrail.so]
#
# Each case prints what the extension does; the expected behaviour is in the comment.
# Scratch files go to build/fuzz/big/ (about 10 MB; 1 GB for a moment).
set -u
EXT=${1:-build/cloudtrail.so}
EXT=${EXT%.so}
cd "$(dirname "$0")/../../.." || exit 1
D=build/fuzz/big
mkdir -p "$D/bomb" "$D/many"
q() { /usr/bin/time -f "    (%e s, peak RSS %M KiB)" sqlite3 :memory: -cmd ".load $EXT" "$1" 2>&1 | sed 's/^/    /'; }

# 1. A gzip file that inflates to more than 1 GiB (5 MB of zeros, gzip -1). Expected: a row
#    with status error/partial and "decompressed data exceeds 1 GiB", the other file's row
#    too. Found: the whole query fails with "out of memory" (gzip.c grow() asks
#    json_buf_reserve() for 1 GiB + 1 bytes, which rounds up to a 2 GiB allocation that
#    SQLite refuses).
[ -f "$D/bomb/a.json.gz" ] || head -c 1100M /dev/zero | gzip -1 > "$D/bomb/a.json.gz"
cp tests/fixtures/records_compact.json "$D/bomb/b.json"
echo "1. gzip member inflating past 1 GiB:"
q "SELECT file, status, records, error FROM cloudtrail_files('$D/bomb')"

# 1b. The same for a plain file of 1 GiB - 1000 bytes (under the 1 GiB limit): after the
#    read, source.c read_file() asks json_buf_reserve() for 64 KiB more, which doubles the
#    1 GiB buffer to 2 GiB. Expected: the file's row (skipped: binary). Found: "out of
#    memory" for the whole query. (1 GB of disk in build/fuzz/big/plain, removed after.)
mkdir -p "$D/plain"
head -c $((1073741824-1000)) /dev/zero > "$D/plain/a.json"
cp tests/fixtures/records_compact.json "$D/plain/b.json"
echo "1b. a plain file just under 1 GiB:"
q "SELECT file, size, status, records, error FROM cloudtrail_files('$D/plain')"
rm -f "$D/plain/a.json"

# 2. A 341 KB .json.gz holding 8 million tiny records (144 MB of JSON). Expected: the
#    records, or a per-file problem. Found: 280 bytes of index per record are kept for the
#    whole file (source.c keep_item: SplitItem with its FieldIndex): about 1.3 GB, then the
#    array's next doubling passes SQLite's 2 GB allocation limit and the whole query fails
#    with "out of memory". Four such files read by 2 threads take 5 GB.
if [ ! -f "$D/many/m1.json.gz" ]; then
  { printf '{"Records":['; yes '{"eventName":"x"},' | head -n 7999999 | tr -d '\n'
    printf '{"eventName":"x"}]}'; } | gzip -9 > "$D/many/m1.json.gz"
fi
echo "2. 8 million records in one small gzip file:"
q "SELECT count(*) FROM cloudtrail('$D/many/m1.json.gz', 0, 1)"

# 3. A view over detect_mfa_deactivation() naming itself. Expected: an SQL error. Found
#    (fixed in 2a5e267):
#    detectFilter -> detectScanTable -> sqlite3_step -> detectFilter ... until the stack
#    overflows (SIGSEGV).
echo "3. detect_mfa_deactivation over a view of itself:"
q "CREATE TEMP VIEW v AS SELECT * FROM detect_mfa_deactivation('v'); SELECT count(*) FROM v;"

# 4. Resynchronisation after damage re-validates from every candidate '{' to wherever its
#    parse fails; nesting (bounded at 1000 levels) makes that up to ~1000 times the file.
#    A 12 KB .json.gz (10 MB of JSON: a bad first element, then 990 levels of
#    ',{"a":[1,1,...' each 10 KB, never closed) takes about 11 s of CPU (clang -O2); the
#    time grows linearly with the size at that depth (1 GiB: hours). The same happens to
#    NDJSON lines that each open an array ('{"k":[1,1,...,' per line: 10 MB, 14 s).
#    Expected: time linear in the size of the file.
if [ ! -f "$D/resync.json.gz" ]; then
  { printf '{"Records":[!'
    flat=$(yes 1 | head -n 5000 | paste -sd, -)
    i=0; while [ $i -lt 990 ]; do printf ',{"a":[%s' "$flat"; i=$((i+1)); done
  } | gzip -9 > "$D/resync.json.gz"
fi
echo "4. resynchronisation in a damaged, deeply nested file:"
q "SELECT records, status, error FROM cloudtrail_files('$D/resync.json.gz')"
