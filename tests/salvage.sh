# Salvage and irregular bytes (issue 8): for each fixture made by tests/tools/salvage_fixtures.py,
# the file's status, its problem text and the eventIDs returned; then two invariants over all
# fixtures: every returned record is byte-identical to an intact original record of that
# fixture (nothing invented or glued), and every original record that no damage touched is
# returned. Skips (exit 77) where /usr/bin/python3 is absent.
set -u
py=/usr/bin/python3
[ -x "$py" ] || { echo "skipped: $py not found"; exit 77; }
: "${EXT:=build/cloudtrail}"
preload=${LD_PRELOAD-}
unset LD_PRELOAD
sq() { if [ -n "$preload" ]; then LD_PRELOAD=$preload sqlite3 "$@"; else sqlite3 "$@"; fi; }
tmp=build/tmp/salvage
rm -rf "$tmp"; mkdir -p "$tmp"
"$py" tests/tools/salvage_fixtures.py "$tmp/f" || exit 1
sq :memory: <<SQL
.load $EXT
CREATE TABLE man(f TEXT, eid TEXT, hex TEXT, lost INTEGER, repaired TEXT);
.mode tabs
.import $tmp/manifest.tsv man
.mode list
CREATE TABLE fl AS SELECT substr(file, length('$tmp/f/') + 1) AS f, * FROM cloudtrail_files('$tmp/f');
CREATE TABLE got AS SELECT substr(source_file, length('$tmp/f/') + 1) AS f, eventID, record FROM cloudtrail('$tmp/f');
SELECT f, format, status, coalesce(error, ''),
       (SELECT coalesce(group_concat(eventID, ' '), '') FROM got g WHERE g.f = fl.f) FROM fl ORDER BY f;
SELECT '== invented or changed records (none expected)';
SELECT g.f, g.eventID FROM got g
 WHERE NOT EXISTS (SELECT 1 FROM man m WHERE m.f = g.f AND m.lost = 0
                     AND hex(CAST(g.record AS BLOB)) IN (m.hex, m.repaired));
SELECT '== intact records lost (none expected)';
SELECT m.f, m.eid FROM man m
 WHERE m.lost = 0 AND NOT EXISTS (SELECT 1 FROM got g WHERE g.f = m.f AND g.eventID = m.eid);
SQL
