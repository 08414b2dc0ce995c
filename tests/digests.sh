# cloudtrail_digests: log file integrity from digest files, on a tiny trail this test writes
# and signs itself (tests/make_digests.py: 4 log files, 3 chained digests, an RSA key made by
# the openssl command), then changed one way per folder:
#   good      as written: logs ok, digests ok, the two older signatures verified
#   nokey     as written, no public key given: every signature 'not verified'
#   altered   one log file's bytes changed (re-gzipped): altered
#   missing   one log file deleted: missing
#   extra     a log file no digest lists, inside a digest's window (unlisted) and after the
#             last window (uncovered)
#   chain     digest 2's previousDigestHashValue rewritten: its chain broken, its signature
#             invalid; digest 1 still verified (ok)
#   badsig    log 2 altered, digest 1 rewritten to list its new hash, and digests 2 and 3's
#             previousDigestHashValue fixed to match: the chain holds, the signatures of
#             digests 1 and 2 do not (3 is the newest: unverifiable); log 2 'unverified'
#   badsig without keys: every row looks fine, which is why the signatures matter
#   nosig     digest 1 signed by another key: its signature invalid
#   nodigest  digest 2 deleted: a missing row, the next one's chain 'previous missing', a gap
#             of 3600 s, and its log file no longer covered
#   damaged   a log file's gzip stream cut short: altered, and why
#   baddigest digest 2 not JSON: unreadable, the next one's chain broken, its log uncovered
#   nohash    digest 3 lists log 4 with a null hashValue: unreadable (which entry, where), log
#             4 uncovered, digest 2 then has no later digest naming it
#   nobucket  digest 2 lacks digestS3Bucket: unreadable; digest 3's gap measured from digest 1
#   copies    log 1's key also under second-download/, with other bytes: two rows for the
#             listing, the copy as written ok, the other altered (first the path in order)
#   named     digests naming a fingerprint other than the key's MD5: found by the key's file name
# and the generator's sample in data/AWSLogs with its public key: every log file ok but the one
# the S15 story deleted (missing), every signature but the newest of each chain verified.
set -u
LC_ALL=C
export LC_ALL
: "${EXT:=build/cloudtrail}"
py=/usr/bin/python3
for tool in "$py" openssl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool not found (it writes and signs the test trail)"
    exit 77
  fi
done
preload=${LD_PRELOAD-}
unset LD_PRELOAD
sq() {
  if [ -n "$preload" ]; then LD_PRELOAD=$preload sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
  else sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1; fi
}
t=build/tmp/digests
rm -rf "$t"
mkdir -p "$t"
"$py" tests/make_digests.py "$t" || exit 1

# file names shortened to their last part; a log's hashes to 8 characters (a digest's differ
# from run to run: they cover signatures made with a fresh key), and whether they are equal
Q="SELECT kind, replace(s3_object, rtrim(s3_object, replace(s3_object, '/', '')), '') AS name,
  status, chain, gap_seconds AS gap, signature,
  iif(kind='log', substr(hash_expected,1,8), '') AS expected,
  iif(kind='log', substr(hash_actual,1,8), '') AS actual,
  hash_expected=hash_actual AS same, coalesce(detail, '') AS detail"
for case in good nokey altered missing extra chain badsig badsig-nokey nosig nodigest damaged baddigest nohash nobucket copies; do
  keys="'$t/keys'"
  dir=$t/$case
  case $case in
    *nokey) keys=NULL; dir=$t/${case%nokey}; dir=${dir%-} ;;
  esac
  [ "$dir" = "$t/" ] && dir=$t/good
  echo "== $case"
  sq -header "$Q FROM cloudtrail_digests('$dir', $keys) ORDER BY kind DESC, s3_object, file"
done

echo "== every column of a log row and of a digest row (good)"
sq -line "SELECT * , path, public_keys FROM cloudtrail_digests('$t/good', '$t/keys')
  WHERE s3_object LIKE '%0130Z%' OR s3_object LIKE '%T020000Z%'
  ORDER BY kind" | sed -E 's/^( *hash_[a-z]+ = ).{64}$/\1<64 hex>/'

echo "== named: digests naming a fingerprint that is not the key's MD5; the key file named so"
sq "SELECT kind, status, signature, count(*) FROM cloudtrail_digests('$t/named',
    '$t/0123456789abcdef0123456789abcdef.pem') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
echo "== named, with the keys folder (the fingerprint names no key)"
sq "SELECT kind, status, signature, detail, count(*) FROM cloudtrail_digests('$t/named',
    '$t/keys') WHERE kind='digest' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
echo "== errors"
sq "SELECT count(*) FROM cloudtrail_digests('$t/nowhere')"
sq "SELECT count(*) FROM cloudtrail_digests('$t/good', '$t/nokeys')"
sq "SELECT count(*) FROM cloudtrail_digests('$t/good', '$t/good')"
sq "SELECT count(*) FROM cloudtrail_digests"
sq "SELECT count(*) FROM cloudtrail_digests(NULL)"

echo "== data/AWSLogs with data/public-keys (the generator signs with a demo key)"
sq "SELECT kind, status, chain, signature, count(*), min(gap_seconds), max(gap_seconds)
    FROM cloudtrail_digests('data/AWSLogs', 'data/public-keys') GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
sq "SELECT status, s3_object, digest FROM cloudtrail_digests('data/AWSLogs') WHERE status <> 'ok'"
echo "== data/: the same, checked without the extension (tests/tools/check_digests.py, openssl)"
"$py" tests/tools/check_digests.py data data/public-keys/*.pem
