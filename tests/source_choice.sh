# Which source detect_mfa_deactivation(source) reads, when a database holds a table or view
# named like the case folder (a hostile .db hid every alert: the empty table was read
# instead of the folder, even with trusted_schema=OFF). 'table:NAME' forces a table or
# view, 'path:PATH' a file, folder or glob; a bare name that is both an existing table or
# view (in any attached schema) and an existing path (or a glob that matches) is an error
# naming both; only one of them: that one; neither: the path's error.
set -u
LC_ALL=C
export LC_ALL
: "${EXT:=build/cloudtrail}"
case $EXT in /*) ;; *) EXT=$PWD/$EXT ;; esac
preload=${LD_PRELOAD-}
unset LD_PRELOAD
# sq DB SQL...: sqlite3 on DB with the extension loaded, each SQL run even after an error
sq() {
  db=$1; shift
  for s in "$@"; do
    if [ -n "$preload" ]; then LD_PRELOAD=$preload sqlite3 -batch "$db" -cmd ".load $EXT" "$s" 2>&1
    else sqlite3 -batch "$db" -cmd ".load $EXT" "$s" 2>&1; fi
  done | sed 's/^/  /'
}
t=build/tmp/source_choice
rm -rf "$t"
mkdir -p "$t/case"
cp -R data/AWSLogs "$t/case/AWSLogs"
cd "$t" || exit 1
# The hostile database: made without the extension, as an attacker would.
sqlite3 hostile.db "CREATE TABLE \"case/AWSLogs\"(record TEXT, source_file TEXT);
  CREATE VIEW \"case/AWSLogs/**/*.json.gz\" AS SELECT NULL AS record;
  CREATE TABLE evil(record TEXT);
  INSERT INTO evil VALUES ('{\"eventName\":\"DeactivateMFADevice\",\"eventSource\":\"iam.amazonaws.com\",\"eventID\":\"e1\"}');"
sqlite3 other.db "CREATE TABLE \"case\"(record TEXT);"

for trusted in ON OFF; do
  echo "== hostile.db, trusted_schema=$trusted"
  p="PRAGMA trusted_schema=$trusted;"
  echo "   the folder's name, bare: ambiguous"
  sq hostile.db "$p SELECT count(*) FROM detect_mfa_deactivation('case/AWSLogs')"
  echo "   a glob named like a view that exists, bare: ambiguous"
  sq hostile.db "$p SELECT count(*) FROM detect_mfa_deactivation('case/AWSLogs/**/*.json.gz')"
  echo "   path: reads the folder (every alert), table: the table (none)"
  sq hostile.db "$p SELECT count(*) FROM detect_mfa_deactivation('path:case/AWSLogs')" \
                "$p SELECT count(*) FROM detect_mfa_deactivation('table:case/AWSLogs')" \
                "$p SELECT count(*) FROM detect_mfa_deactivation('path:case/AWSLogs/**/*.json.gz')"
  echo "   only a path (a glob that matches, a folder): read"
  sq hostile.db "$p SELECT count(*) FROM detect_mfa_deactivation('case/*/111122223333/**')" \
                "$p SELECT count(*) FROM detect_mfa_deactivation('case')"
  echo "   only a table: read (no folder 'evil' here)"
  sq hostile.db "$p SELECT count(*) FROM detect_mfa_deactivation('evil')"
  echo "   neither: the path's error; a prefix names the kind that is missing"
  sq hostile.db "$p SELECT count(*) FROM detect_mfa_deactivation('nope')" \
                "$p SELECT count(*) FROM detect_mfa_deactivation('case/*/nope')" \
                "$p SELECT count(*) FROM detect_mfa_deactivation('table:nope')" \
                "$p SELECT count(*) FROM detect_mfa_deactivation('path:evil')" \
                "$p SELECT count(*) FROM detect_mfa_deactivation('table:case')"
done
echo "== a table in an attached database, or in temp, counts too"
sq :memory: "ATTACH 'other.db' AS aux; SELECT count(*) FROM detect_mfa_deactivation('case')" \
            "CREATE TEMP TABLE \"case\"(record); SELECT count(*) FROM detect_mfa_deactivation('case')" \
            "ATTACH 'other.db' AS aux; SELECT count(*) FROM detect_mfa_deactivation('table:case')"
echo "== a table literally named 'table:x' or 'path:x' is reached with its prefix written twice"
sq :memory: "CREATE TABLE \"table:x\"(record); SELECT count(*) FROM detect_mfa_deactivation('table:table:x')"
