# Damaged corpora: a copy of data/AWSLogs with a random tenth of its log files damaged
# (fixed seed; tests/tools/damage_corpus.sh says how), read back with the extension.
#
# The reference is independent of the extension: the original files are decompressed with
# gzip and split with SQLite's own json_each(). Checks:
#   - every record of every undamaged file comes back identical, at the same record_index;
#   - every damaged file is reported (status partial or error, with an error text);
#   - salvage: a truncated file or a cut second member gives exactly the original's first K
#     records; garbage between records or one broken record costs only the records it
#     touches; after flipped bytes, how many records come back and how many are identical
#     (a flip inside deflate data can change what follows; the checksum flags the file);
#   - totals, the same rows with 1 and 3 threads, and the strict-mode error.
# The byte offsets of the member cuts come from the gzip program that recompressed them
# (gzip 1.12 on Debian 12); everything else is the committed sample's own bytes.
set -u
LC_ALL=C
export LC_ALL
: "${EXT:=build/cloudtrail}"
# Under `make asan-test` LD_PRELOAD holds the sanitizer runtimes: keep them for sqlite3
# (which loads the instrumented extension) and out of gzip, od and the other tools.
preload=${LD_PRELOAD-}
unset LD_PRELOAD
sq() {
  if [ -n "$preload" ]; then LD_PRELOAD=$preload sqlite3 "$@"; else sqlite3 "$@"; fi
}

tmp=build/tmp/damage
seed=${DAMAGE_SEED:-20261128}   # DAMAGE_SEED: try other seeds by hand; the .expected file pins this one
rm -rf "$tmp"
mkdir -p "$tmp"
sh tests/tools/damage_corpus.sh data/AWSLogs "$tmp" "$seed" || { echo "damage_corpus.sh failed"; exit 1; }

# the originals, decompressed, for the reference
(cd data/AWSLogs && find . -type f -path '*/CloudTrail/*' | sed 's|^\./||' | sort) | while read -r rel; do
  mkdir -p "$tmp/plain/$(dirname "$rel")"
  gzip -dc "data/AWSLogs/$rel" >"$tmp/plain/${rel%.gz}"
done

echo "seed $seed"
sq :memory: <<SQL
.load $EXT
.mode list
CREATE TABLE man(kind TEXT, f TEXT, what TEXT, n INTEGER, a INTEGER, b INTEGER);
.mode tabs
.import $tmp/manifest.tsv man
.mode list
-- the reference: the original records, split by SQLite's json_each, per (file, index)
CREATE TABLE ref AS
  SELECT substr(d.name, length('$tmp/plain/') + 1) || '.gz' AS f, CAST(j.key AS INTEGER) AS i, j.value AS record
    FROM fsdir('$tmp/plain') d, json_each(readfile(d.name), '\$.Records') j
   WHERE d.name LIKE '%.json';
CREATE TABLE fl AS
  SELECT substr(file, length('$tmp/AWSLogs/') + 1) AS f, * FROM cloudtrail_files('$tmp/AWSLogs');
CREATE TABLE got AS
  SELECT substr(source_file, length('$tmp/AWSLogs/') + 1) AS f, record_index AS i, record
    FROM cloudtrail('$tmp/AWSLogs');
CREATE INDEX ref_f ON ref(f, i);
CREATE INDEX got_f ON got(f, i);
-- a record came back identical when an original record of the same file has its text
CREATE VIEW got_x AS
  SELECT g.*, EXISTS(SELECT 1 FROM ref r WHERE r.f = g.f AND r.record = g.record) AS same,
         EXISTS(SELECT 1 FROM ref r WHERE r.f = g.f AND r.i = g.i AND r.record = g.record) AS same_at
    FROM got g;

SELECT printf('corpus: %d log files (%d records), %d digests; damaged: %d log files',
       (SELECT count(DISTINCT f) FROM ref), (SELECT count(*) FROM ref),
       (SELECT count(*) FROM fl WHERE format = 'digest'), (SELECT count(*) FROM man));
SELECT printf('damaged by kind: %s', group_concat(k, ', ')) FROM
  (SELECT kind || ' ' || count(*) AS k FROM man GROUP BY kind ORDER BY min(rowid));

SELECT '';
SELECT '== undamaged files';
SELECT printf('report: %s %s %d', format, status, count(*)) FROM fl
 WHERE f NOT IN (SELECT f FROM man) GROUP BY format, status ORDER BY format, status;
SELECT printf('%d log files, %d records: %d came back identical at the same record_index, %d missing, %d extra',
       count(DISTINCT r.f), count(*),
       sum(EXISTS(SELECT 1 FROM got g WHERE g.f = r.f AND g.i = r.i AND g.record = r.record)),
       sum(NOT EXISTS(SELECT 1 FROM got g WHERE g.f = r.f AND g.i = r.i)),
       (SELECT count(*) FROM got g WHERE g.f NOT IN (SELECT f FROM man)
           AND NOT EXISTS(SELECT 1 FROM ref r2 WHERE r2.f = g.f AND r2.i = g.i)))
  FROM ref r WHERE r.f NOT IN (SELECT f FROM man);

SELECT '';
SELECT '== damaged files';
CREATE TABLE per AS
  SELECT m.rowid AS n, m.kind, m.f, m.what, m.n AS original, m.a, m.b,
         fl.status, fl.records, fl.error,
         (SELECT count(*) FROM got g WHERE g.f = m.f) AS recovered,
         (SELECT count(*) FROM got_x g WHERE g.f = m.f AND g.same) AS identical,
         (SELECT count(*) FROM got_x g WHERE g.f = m.f AND g.same_at) AS identical_at,
         (SELECT max(i) FROM got g WHERE g.f = m.f) AS last_index,
         (SELECT group_concat(i, ',') FROM (SELECT r.i FROM ref r WHERE r.f = m.f
             AND NOT EXISTS(SELECT 1 FROM got g WHERE g.f = r.f AND g.record = r.record) ORDER BY r.i)) AS missing,
         (SELECT group_concat(i, ',') FROM (SELECT g.i FROM got_x g WHERE g.f = m.f AND NOT g.same_at ORDER BY g.i)) AS moved
    FROM man m LEFT JOIN fl ON fl.f = m.f;
SELECT printf('%s %s', kind, replace(f, rtrim(f, replace(f, '/', '')), '')) || char(10) ||
       printf('  damage:  %s', what) || char(10) ||
       printf('  report:  %s, %d records, %s', status, records, error) || char(10) ||
       '  salvage: ' || CASE
         WHEN kind IN ('truncate', 'member') THEN
           printf('%d of %d records', recovered, original) ||
           CASE WHEN recovered = 0 THEN ': none (the data ends before the end of the first record)'
                WHEN recovered = identical_at AND last_index = recovered - 1
                THEN printf(': exactly the original''s first %d', recovered)
                ELSE printf(': NOT the original''s first records (%d identical at their index, last index %s)',
                            identical_at, last_index) END
         WHEN kind IN ('garbage', 'broken') THEN
           printf('%d of %d records, %d identical; lost: record %s', recovered, original, identical,
                  coalesce(missing, 'none')) ||
           CASE WHEN moved IS NULL THEN '; the others at their original record_index'
                ELSE '; not at their original record_index: ' || moved END
         ELSE
           printf('%d of %d records came back, %d identical to the original at their record_index',
                  recovered, original, identical_at)
       END
  FROM per ORDER BY n;

SELECT '';
SELECT '== checks';
SELECT printf('damaged files reported partial or error with an error text: %d of %d',
       sum(status IN ('partial', 'error') AND error <> ''), count(*)) FROM per;
SELECT printf('garbage and broken files: lost exactly the records the damage touched: %d of %d',
       sum(CASE kind WHEN 'broken' THEN missing = CAST(a AS TEXT) ELSE missing IS NULL OR missing IN (CAST(a AS TEXT), CAST(a + 1 AS TEXT), a || ',' || (a + 1)) END),
       count(*)) FROM per WHERE kind IN ('garbage', 'broken');
SELECT printf('files whose cloudtrail_files.records differs from their rows in cloudtrail(): %d',
       count(*)) FROM fl WHERE records <> (SELECT count(*) FROM got g WHERE g.f = fl.f);
SELECT printf('rows read with threads=1 and threads=3 that differ: %d', count(*)) FROM (
  SELECT source_file, record_index, record FROM cloudtrail('$tmp/AWSLogs', 0, 1)
  EXCEPT SELECT source_file, record_index, record FROM cloudtrail('$tmp/AWSLogs', 0, 3)
  UNION ALL
  SELECT source_file, record_index, record FROM cloudtrail('$tmp/AWSLogs', 0, 3)
  EXCEPT SELECT source_file, record_index, record FROM cloudtrail('$tmp/AWSLogs', 0, 1));

SELECT '';
SELECT '== totals';
SELECT printf('files damaged: %d', count(*)) FROM per;
SELECT printf('records in the damaged files: %d', sum(original)) FROM per;
SELECT printf('records recovered: %d', sum(recovered)) FROM per;
SELECT printf('records recovered identical: %d', sum(identical)) FROM per;
SELECT printf('all records returned: %d (of %d in the original corpus)', (SELECT count(*) FROM got), (SELECT count(*) FROM ref));
SQL

echo
echo "== strict mode: the first damaged file in walk order stops the query"
sq :memory: -cmd ".load $EXT" "SELECT count(*) FROM cloudtrail('$tmp/AWSLogs', 1)" 2>&1

exit 0
