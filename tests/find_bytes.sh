#!/bin/sh
# The byte search that rules files out before their records are read (filter.c find_pos:
# 64 places a step with AVX2 or SSE2, then 16, then one by one) finds a value wherever it
# lies in the file. 320 files, each one record whose wanted values come last, after a pad of
# 0..159 bytes: each value ends at every offset from a 64-byte block's start, in the blocks
# the vector loops take and in the tail they leave to the byte loop. Every other file holds
# a decoy that differs in its last byte. Each pushed query must give what its twin with the
# constraint kept from the reader (+column) gives: 80 rows (160 for the actors, who are in
# both kinds of file).
set -u
. tests/tools/sanitized_sqlite3.sh           # sql: sqlite3 with the sanitizers, if given
d=build/tmp/find_bytes
rm -rf "$d" && mkdir -p "$d/logs" || exit 1
k=0
while [ $k -lt 160 ]; do
  pad=$(printf "%${k}s" "" | tr ' ' x)
  if [ $((k % 2)) = 0 ]; then u=b; n=FindMe; m=DeactivateMFADevice; else u=c; n=FindMf; m=DeactivateMFADevicf; fi
  # a file each: the search runs on a file's bytes
  printf '{"Records":[{"eventTime":"2026-03-01T10:00:00Z","eventSource":"iam.amazonaws.com","pad":"%s","userIdentity":{"type":"IAMUser","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/%s"},"eventID":"%s-%03d","rn":"%s","eventName":"%s"}]}' \
    "$pad" "$u" "$n" "$k" "$m" "$n" >"$d/logs/f$k.json"
  # and the MFA names last, for detect's search
  printf '{"Records":[{"eventTime":"2026-03-01T10:00:00Z","eventSource":"iam.amazonaws.com","pad":"%s","userIdentity":{"type":"IAMUser","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/%s"},"eventID":"m-%03d","eventName":"%s"}]}' \
    "$pad" "$u" "$k" "$m" >"$d/logs/m$k.json"
  k=$((k + 1))
done
sql :memory: <<SQL
.load $EXT
.mode list
CREATE VIRTUAL TABLE temp.t USING cloudtrail('$d/logs');
SELECT 'eventName =', (SELECT count(*) FROM t WHERE eventName = 'FindMe'),
       (SELECT count(*) FROM t WHERE +eventName = 'FindMe');
SELECT 'eventName IN', (SELECT count(*) FROM t WHERE eventName IN ('FindMe', 'FindMx')),
       (SELECT count(*) FROM t WHERE +eventName IN ('FindMe', 'FindMx'));
-- two ARNs with a common beginning: one pass for the beginning, then each compared
SELECT 'actor IN', (SELECT count(*) FROM t WHERE actor IN ('arn:aws:iam::111122223333:user/b',
                                                           'arn:aws:iam::111122223333:user/x')),
       (SELECT count(*) FROM t WHERE +actor IN ('arn:aws:iam::111122223333:user/b',
                                                'arn:aws:iam::111122223333:user/x'));
SELECT 'involves', (SELECT count(*) FROM t WHERE cloudtrail_involves(record,
         '{"actor":["arn:aws:iam::111122223333:user/b","arn:aws:iam::111122223333:user/y"]}')),
       (SELECT count(*) FROM t WHERE +actor IN ('arn:aws:iam::111122223333:user/b',
                                                'arn:aws:iam::111122223333:user/y'));
SELECT 'detect', (SELECT count(*) FROM detect_mfa_deactivation('$d/logs')),
       (SELECT count(*) FROM t WHERE +eventName IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
                                 AND +eventSource = 'iam.amazonaws.com' AND outcome = 'success');
SQL
