#!/bin/sh
# Workers read small files in batches (ext/source.c): a folder of 700 small files, damaged
# ones among them, read with threads=1, 2 and 4 must give the same rows in the same order,
# the same cloudtrail_files rows and the same strict-mode error. The folder is made so that
# every batching path runs: hundreds of tiny files (many files per batch), files of 100 KB
# (a file larger than a batch ends it), files that inflate to 1 MiB each from 1 KB (a
# batch's decompressed bytes pass the 16 MiB slot budget: the batch ends early and the
# files not reached are queued again), one that inflates to 20 MiB (over a worker's budget
# alone: the consuming thread reads it), empty files, and the damaged fixtures (problems
# stay with their own file, records before a problem are kept).
[ -x /usr/bin/python3 ] || { echo "no /usr/bin/python3"; exit 77; }
set -u
LC_ALL=C
export LC_ALL
D=build/tmp/batches
O=build/tmp/batches.out
rm -rf "$D" "$O" && mkdir -p "$D" "$O" || exit 1
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" /usr/bin/python3 - "$D" tests/fixtures/damaged <<'PY' || exit 1
import gzip, os, shutil, sys
d, damaged = sys.argv[1], sys.argv[2]
def rec(i, pad=0):
    r = '{"eventVersion":"1.09","eventTime":"2026-03-02T10:%02d:%02dZ","eventName":"E%d",' \
        '"eventID":"id-%d"' % (i // 60 % 60, i % 60, i % 7, i)
    if pad: r += ',"pad":"' + 'x' * pad + '"'
    return r + '}'
def put(name, text, gz=True):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode()
    if gz: data = gzip.compress(data, mtime=0)
    with open(path, 'wb') as f: f.write(data)
n = 0
def records(k, pad=0):
    global n
    out = []
    for _ in range(k):
        out.append(rec(n % 5000, pad))   # ids repeat after 5000: copies across files
        n += 1
    return '{"Records":[' + ','.join(out) + ']}'
damaged_files = sorted(os.listdir(damaged))
for f in range(700):
    folder = 'f%d' % (f // 100)
    name = '%s/t%04d.json.gz' % (folder, f)
    if f % 50 == 37:                                  # a damaged fixture, as it is
        src = damaged_files[(f // 50) % len(damaged_files)]
        shutil.copy(os.path.join(damaged, src), os.path.join(d, folder, 't%04d-%s' % (f, src)))
        continue
    if f % 97 == 60:
        put('%s/t%04d.json' % (folder, f), '', gz=False)  # an empty file
        continue
    if 200 <= f < 240:                               # 1 KB that inflates to 1 MiB
        put(name, records(1, pad=1 << 20))
    elif f == 300:                                   # over a worker's budget alone
        put(name, records(20, pad=1 << 20))
    elif f % 40 == 11:                               # 100 KB plain: larger than a batch
        put('%s/t%04d.json' % (folder, f), records(1000), gz=False)
    else:
        put(name, records(1 + f % 5))
PY
# Under `make asan-test` LD_PRELOAD holds the sanitizer runtimes: only sqlite3 gets them.
# q SQL: sqlite3 with the extension; its errors after its rows (not interleaved)
q() { sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>"$O/stderr"; cat "$O/stderr"; }
rows='SELECT source_file, record_index, eventID, eventName, length(record), copy'
files="SELECT file, size, compressed, format, records, status, coalesce(error, '-') FROM cloudtrail_files('$D')"
for t in 1 2 4; do
  q "CREATE VIRTUAL TABLE temp.ct USING cloudtrail('$D', threads=$t);
     $rows FROM ct;" >"$O/rows.$t"
  q "CREATE VIRTUAL TABLE temp.ct USING cloudtrail('$D', threads=$t);
     SELECT source_file, record_index FROM ct WHERE eventName = 'E3';
     SELECT count(*), sum(copy) FROM ct WHERE copy >= 2;" >"$O/pushed.$t"
  q "CREATE VIRTUAL TABLE temp.ct USING cloudtrail('$D', strict=1, threads=$t);
     SELECT source_file, record_index FROM ct;" >"$O/strict.$t"
done
q "$files;" >"$O/files"
echo "== threads=1: rows, and what the files report"
q "CREATE VIRTUAL TABLE temp.ct USING cloudtrail('$D', threads=1);
   SELECT count(*), count(DISTINCT source_file), sum(length(record)) FROM ct;"
q "SELECT status, count(*), sum(records) FROM cloudtrail_files('$D') GROUP BY status ORDER BY status;"
echo "== files that are not ok"
grep -v '|ok|-$' "$O/files"
echo "== the large files (one batch each, or read by the consuming thread)"
grep -E 't0300|t0011|t0200|t0239' "$O/files"
echo "== threads=2 and 4 against threads=1"
for t in 2 4; do
  for w in rows pushed strict; do
    if cmp -s "$O/$w.1" "$O/$w.$t"; then echo "threads=$t $w: same"; else echo "threads=$t $w: DIFFERENT"; diff "$O/$w.1" "$O/$w.$t" | head -5; fi
  done
done
echo "== rows, pushed and strict (threads=1)"
wc -l <"$O/rows.1"
head -3 "$O/pushed.1"; tail -1 "$O/pushed.1"
wc -l <"$O/strict.1"; tail -2 "$O/strict.1"
[ -n "${KEEP:-}" ] || rm -rf "$D" "$O"
