#!/bin/sh
# valgrind memcheck over representative queries: the reader (1 and 2 threads, pushdown),
# grouped output (GROUP BY), the hygiene report, damaged files, detect on a path and on a table, the views.
# Any memory error or definite leak fails (exit 1). Run from the repository root, after make.
set -u
EXT=${1:-build/cloudtrail}
VG="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --fair-sched=yes"
fail=0; n=0
run() {   # run NAME SQL...
  name=$1; shift
  n=$((n+1))
  $VG sqlite3 :memory: -cmd ".load $EXT" "$@" >build/tmp/valgrind-$name.out 2>&1
  # 9 is valgrind's own code: a memory error or a definite leak. A query that ends in an SQL
  # error (the strict scan below does, by design) is not a failure here.
  if [ $? != 9 ]; then
    echo "ok   valgrind $name"
  else
    echo "FAIL valgrind $name"; tail -n 30 build/tmp/valgrind-$name.out | sed 's/^/    /'; fail=$((fail+1))
  fi
}
mkdir -p build/tmp
run reader "SELECT count(*), sum(length(record)), count(actor), count(user_name), count(outcome), count(event_epoch) FROM cloudtrail('data/AWSLogs', 0, 1)" \
           "SELECT count(*), count(target_user), count(mfa_authenticated) FROM cloudtrail('data/AWSLogs', 0, 2)"
run pushdown "SELECT count(*) FROM cloudtrail('data/AWSLogs') WHERE eventName IN ('GetObject', 'ConsoleLogin') AND event_epoch > 1772500000 AND actor = 'arn:aws:iam::111122223333:user/alice'" \
             "SELECT count(*) FROM cloudtrail('data/AWSLogs') WHERE eventTime >= '2026-03-03' AND awsRegion = 'us-east-1'"
run grouped "SELECT eventName, readOnly, count(*), min(rowid), max(rowid) FROM cloudtrail('data/AWSLogs') GROUP BY eventName, readOnly" \
            "SELECT eventSource, eventName, count(*) FROM cloudtrail('data/AWSLogs') WHERE eventSource = 'iam.amazonaws.com' GROUP BY eventName"
run fixtures "SELECT * FROM cloudtrail('tests/fixtures')" "SELECT * FROM cloudtrail_files('tests/fixtures')"
run damaged "SELECT count(*), sum(length(record)) FROM cloudtrail('data/damaged')" "SELECT * FROM cloudtrail_files('data/damaged')" \
            "SELECT count(*) FROM cloudtrail('tests/fixtures/damaged', 1)"
run detect "SELECT * FROM detect_mfa_deactivation('data/AWSLogs')" \
           "CREATE TEMP TABLE m AS SELECT * FROM cloudtrail('tests/fixtures/rule')" "SELECT * FROM detect_mfa_deactivation('m')" \
           "SELECT * FROM cloudtrail_rules"
run views "CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs')" ".read sql/investigate.sql" \
          "SELECT count(*) FROM mfa_alert_window_48h" "SELECT count(*) FROM mfa_alert_scope_24h"
echo "valgrind: $((n-fail)) passed, $fail failed"
[ "$fail" = 0 ]
