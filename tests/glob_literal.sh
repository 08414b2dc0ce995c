# Globs over names that hold glob characters (S3 keys may hold '*'): a file literally named
# '*.json.gz' and a folder literally named '**'. An argument with '*', '?' or '[' is always
# a glob and matches everything it matches, those names included ('*' matches '*'); a
# literal name is reached with a class ('[*]'). Before the fix, a pattern that was also
# an existing path read that one path alone.
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
# counts PATTERN: files, records and alerts the pattern gives
counts() {
  sq "SELECT printf('  files %d, records %d, alerts %d',
                    (SELECT count(*) FROM cloudtrail_files('$1')),
                    (SELECT count(*) FROM cloudtrail('$1')),
                    (SELECT count(*) FROM detect_mfa_deactivation('$1')))"
}
alert() {
  printf '{"Records":[{"eventVersion":"1.09","eventTime":"2026-03-02T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","awsRegion":"us-east-1","eventID":"%s","userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory"},"requestParameters":{"userName":"alice","serialNumber":"arn:aws:iam::111122223333:mfa/alice"}}]}' "$1" | gzip -n
}
t=build/tmp/glob_literal
rm -rf "$t"
mkdir -p "$t"
cp -R data/AWSLogs "$t/AWSLogs"
day=$t/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02

echo "== one folder's *.json.gz, before and after a file literally named '*.json.gz' appears"
counts "$day/*.json.gz"
alert literal-star >"$day/*.json.gz"
counts "$day/*.json.gz"
echo "   the literal name is among the files (relative to the folder)"
sq "SELECT '  ' || substr(file, length('$day/') + 1) FROM cloudtrail_files('$day/*.json.gz')
     WHERE instr(file, '_CloudTrail_') = 0"
echo "   the literal file alone, by a class: '[*].json.gz'"
counts "$day/[*].json.gz"

echo "== the whole tree by '**/*.json.gz', before and after a folder literally named '**'"
counts "$t/AWSLogs/**/*.json.gz"
mkdir "$t/AWSLogs/**"
alert literal-double-star >"$t/AWSLogs/**/*.json.gz"
counts "$t/AWSLogs/**/*.json.gz"
echo "   the literal folder alone, by classes: '[*][*]/[*].json.gz'"
counts "$t/AWSLogs/[*][*]/[*].json.gz"
