# mfa_alert_coverage (sql/investigate.sql): do CloudTrail's digests vouch for every log file
# of each MFA alert's span (48 h before the alert to 25 h after)?
#   sample     data/AWSLogs with its public key: the digests start at 2026-03-02T00:00Z, so no
#              span is covered (uncovered_seconds: the hours before the first digest, and after
#              the last one for the later alerts); the file S15 deleted (us-east-1, delivered
#              at 23:00Z on 03-02) is `missing` in the span of every alert of account
#              111122223333 that reaches it, and nowhere else
#   covered    the same, with one digest row added per account and region that covers the
#              week around the sample: every span covered (0 seconds), the missing file still
#              counted
#   gap        a copy of the sample without the us-east-1 digest that lists the deleted file:
#              its 6 hours uncovered in 111122223333/us-east-1, its log files `uncovered`
#              (other), the deleted file seen nowhere (no digest names it)
#   altered    the sample's rows, that digest marked altered: its 6 hours uncovered, its log
#              files still counted by status
#   own trail  the digests tests/make_digests.py writes and signs (111122223333, us-east-1,
#              three hours of 03-02), with digest 2 deleted: its hour is a hole inside the span
set -u
LC_ALL=C
export LC_ALL
: "${EXT:=build/cloudtrail}"
preload=${LD_PRELOAD-}
unset LD_PRELOAD
sq() {
  if [ -n "$preload" ]; then LD_PRELOAD=$preload sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
  else sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1; fi
}
# sqlite3 options, then the trail, the views and trail_digests of the sample, then $@
sqs() {
  opt=$1; shift
  sq "$opt" "CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');" ".read sql/investigate.sql" \
    "CREATE TEMP TABLE trail_digests AS SELECT * FROM cloudtrail_digests('data/AWSLogs', 'data/public-keys');" "$@"
}
# the demo alert's rows in full; the others summed per account and region
DEMO="SELECT * FROM mfa_alert_coverage WHERE alert_id LIKE '6aeef3e4%';"
ALL="SELECT account, region, count(*) AS alerts, sum(covered) AS covered,
  min(uncovered_seconds) AS min_unc, max(uncovered_seconds) AS max_unc, sum(digests) AS digests,
  sum(logs) AS logs, sum(ok) AS ok, sum(missing) AS missing, sum(altered) AS altered,
  sum(unlisted) AS unlisted, sum(unverified) AS unverified, sum(other) AS other
  FROM mfa_alert_coverage GROUP BY 1, 2 ORDER BY 1, 2;"
WEEK="INSERT INTO trail_digests(kind, account, region, status, s3_object, start_time, end_time)
  SELECT DISTINCT 'digest', account, region, 'ok', 'AWSLogs/' || account || '/CloudTrail-Digest/'
         || region || '/2026/02/25/' || account || '_CloudTrail-Digest_' || region
         || '_week_' || region || '_20260310T000000Z.json.gz',
         '2026-02-25T00:00:00Z', '2026-03-10T00:00:00Z'
    FROM trail_digests WHERE kind = 'digest';"
# the us-east-1 digest of account 111122223333 that lists the deleted file
THAT="kind = 'digest' AND account = '111122223333' AND region = 'us-east-1'
  AND s3_object IN (SELECT digest FROM trail_digests WHERE status = 'missing')"

echo "== sample: the demo alert"
sqs -line "$DEMO"
echo "== sample: every alert, per account and region"
sqs -header "$ALL"
echo "== covered: one more digest covers the week"
sqs -header "$WEEK" "$ALL"
echo "== gap: a copy of data/AWSLogs without the digest that lists the deleted file"
g=build/tmp/investigate_coverage_gap
rm -rf "$g" && mkdir -p "$g" && cp -R data/AWSLogs "$g/" || exit 1
gone=$(sq "SELECT file FROM cloudtrail_digests('data/AWSLogs') WHERE kind = 'digest' AND s3_object IN
  (SELECT digest FROM cloudtrail_digests('data/AWSLogs') WHERE status = 'missing')")
echo "${gone##*/}"
rm "$g/${gone#data/}" || exit 1
sq -header "CREATE VIRTUAL TABLE temp.trail USING cloudtrail('$g/AWSLogs');" ".read sql/investigate.sql" \
  "CREATE TEMP TABLE trail_digests AS SELECT * FROM cloudtrail_digests('$g/AWSLogs', 'data/public-keys');" \
  "$ALL"
echo "== altered: that digest marked altered"
sqs -header "UPDATE trail_digests SET status = 'altered' WHERE $THAT;" \
  "SELECT alert_id, account, region, covered, uncovered_seconds, digests, logs, ok, missing
     FROM mfa_alert_coverage WHERE alert_id LIKE '6aeef3e4%' AND region = 'us-east-1';"

echo "== own trail: make_digests.py's, digest 2 deleted"
py=/usr/bin/python3
if [ -x "$py" ] && command -v openssl >/dev/null 2>&1; then
  t=build/tmp/investigate_coverage
  rm -rf "$t" && mkdir -p "$t"
  "$py" tests/make_digests.py "$t" || exit 1
  sq -header "CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');" \
    ".read sql/investigate.sql" \
    "CREATE TEMP TABLE trail_digests AS SELECT * FROM cloudtrail_digests('$t/nodigest', '$t/keys');" \
    "SELECT alert_id, account, region, trails, span_start, span_end, digests, uncovered_seconds,
            covered, logs, ok, other, files
       FROM mfa_alert_coverage WHERE alert_id LIKE '6aeef3e4%';" |
    sed "s|$t/||g"
  echo "own trail ran" >&3
else
  echo "(skipped: python3 or openssl missing)"
  echo "own trail skipped: python3 or openssl missing" >&3
fi
echo "== no trail_digests table"
sq "CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');" ".read sql/investigate.sql" \
  "SELECT count(*) FROM mfa_alert_coverage;"
