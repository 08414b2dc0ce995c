# data/generate.c and its data stories (data/stories/*.tsv, data/README.md "Data stories"):
#   - a fresh run writes the committed sample: the same file names, the same records
#     (compared decompressed, so that another zlib's compressed bytes do not matter);
#   - without the stories (--no-stories) every log file it writes is in the sample with
#     the same records: the stories only add records and files, they never move the others;
#   - the role-chain story (data/stories/s14-role-chain.tsv) writes exactly these records,
#     and its links hold: each session key issued by an AssumeRole is used by records of that
#     session (principalId = assumedRoleId), the two copies of the cross-account call share a
#     sharedEventID and a requestID, and its keys and IDs appear nowhere else;
#   - a story's `deleted` part (data/stories/s15-deleted-log.tsv) is listed by a digest, not
#     written; the others are;
#   - a story file's mistakes stop the generator with the file name and the line.
# It never loads the extension, so `make asan-test` (the extension built with sanitizers,
# preloaded) would only run it again: skipped (77) there.
case "${LD_PRELOAD-}" in *asan*|*ubsan*) echo "skipped: never loads the extension"; exit 77 ;; esac
set -u
LC_ALL=C
export LC_ALL
unset LD_PRELOAD   # the generator and gzip are not the extension: no sanitizer runtimes
T=build/tmp/generate_stories
rm -rf $T && mkdir -p $T
make -s build/generate >/dev/null || exit 1   # rebuilt when data/generate.c changed
# the decompressed text of every file under $1/AWSLogs, as "name<TAB>md5" lines, sorted
digest() {
  (cd "$1" && find AWSLogs -type f | sort | while read -r f; do
    printf '%s\t%s\n' "$f" "$(gzip -dc "$f" | md5sum | cut -c1-32)"; done)
}
build/generate $T/with >$T/with.out || exit 1
sed "s|$T/with|OUT|" $T/with.out
digest $T/with >$T/with.sums
digest data >$T/data.sums
if cmp -s $T/with.sums $T/data.sums; then
  echo "fresh run = committed sample: $(wc -l <$T/data.sums) files, same names and records"
else
  echo "fresh run differs from the committed sample (make data):"; diff $T/data.sums $T/with.sums | head
fi
# the records of scenario 14 (the role chain), one per line after the file that holds it
records() { # $1: a folder holding AWSLogs; every record on its own line, after its file's name
  (cd "$1" && find AWSLogs -path '*/CloudTrail/*' -type f | sort | while read -r f; do
    { gzip -dc "$f"; echo; } | sed -e 's/^{"Records":\[//' -e 's/\]}$//' -e 's/,{"eventVersion"/\n{"eventVersion"/g' |
      sed "s|^|${f##*/}	|"; done)
}
records $T/with >$T/with.records
S14='"eventID":"00000000-0000-4000-8000-00000014'
echo "scenario 14 (data/stories/s14-role-chain.tsv):"
grep "$S14" $T/with.records | sort -t'	' -k1,1 -s | while IFS='	' read -r f rec; do
  printf '%s\n  %s\n' "$f" "$rec"; done
echo "scenario 14, its links:"
# $1: a sed expression with one group; prints that group of the record in $rec
field() { printf '%s\n' "$rec" | sed -n "s/$1/\1/p"; }
id='^{"eventVersion":"[^"]*","userIdentity":{"type":"'
grep "$S14" $T/with.records | cut -f2 | grep '"eventName":"AssumeRole"' | while read -r rec; do
  key=$(field '.*"credentials":{"accessKeyId":"\([^"]*\)".*')
  sess=$(field '.*"assumedRoleId":"\([^"]*\)".*')
  printf '  AssumeRole %s in %s by %s %s, key %s: issued %s to %s; %s records of that session signed with it\n' \
    "$(field '.*"eventID":"[^"]*\([^"]\{6\}\)".*')" "$(field '.*"recipientAccountId":"\([^"]*\)".*')" \
    "$(field "$id"'\([^"]*\)".*')" "$(field "$id"'[^"]*","principalId":"\([^"]*\)".*')" \
    "$(field "$id"'[^{}]*"accessKeyId":"\([^"]*\)".*' | grep . || echo none)" "$key" "$sess" \
    "$(grep -c "\"principalId\":\"$sess\",[^{}]*\"accessKeyId\":\"$key\"" $T/with.records)"
done
for k in ASIASSNAUZQ3WKWJRCQZ ASIAXGWB3UFCRRBUANDL 9f5a1b93-30d6-4640-a238-45b9a3df00db; do
  echo "  $k: in $(grep -c "$k" $T/with.records) records, $(grep "$k" $T/with.records | grep -vc "$S14") outside scenario 14"
done
echo "  eventIDs in more than one record: $(grep -o '"eventID":"[^"]*"' $T/with.records | sort | uniq -d | tr '\n' ' ')"
echo "  requestIDs in more than one record: $(grep -o '"requestID":"[^"]*"' $T/with.records | sort | uniq -d | tr '\n' ' ')"

build/generate $T/without --no-stories >$T/without.out || exit 1
sed "s|$T/without|OUT|" $T/without.out
digest $T/without >$T/without.sums
# log files: every one of the run without stories is in the sample, unchanged
grep '/CloudTrail/' $T/without.sums >$T/without.logs
grep '/CloudTrail/' $T/data.sums >$T/data.logs
echo "without stories: $(wc -l <$T/without.logs) log files, $(comm -23 $T/without.logs $T/data.logs | wc -l) not in the sample as they are"
echo "  in the sample only (the story's own files): $(comm -13 $T/without.logs $T/data.logs | cut -f1 | sed 's|.*/||' | tr '\n' ' ')"
# a digest holds the previous one's hash and signature: a change reaches its chain's end
echo "  digests that differ: $(grep -v '/CloudTrail/' $T/without.sums | comm -23 - $T/data.sums | wc -l)"

# mistakes in a story file
mkdir -p $T/bad
bad() { # $1: what; the rest: lines of the story file
  what=$1; shift
  printf '%s\n' "$@" >$T/bad/s.tsv
  printf '%s: ' "$what"
  build/generate $T/bad-out --stories $T/bad --no-digests 2>&1 >/dev/null | sed "s|$T/bad/||"
}
W='who	x	111122223333	bob	192.0.2.1	ua'
R='0+20:00:00	x	us-east-1	sts.amazonaws.com	GetCallerIdentity	true	-	-	-	-'
bad "no scenario line" "$W" "$R"
bad "bad time" 'scenario	2	80' "$W" "$(echo "$R" | sed 's/0+20:00:00/0+24:00:00/')"
bad "unknown identity" 'scenario	2	80' "$R"
bad "unknown account" 'scenario	2	80' 'who	x	999999999999	bob	192.0.2.1	ua'
bad "field count" 'scenario	2	80' "$W" "$(echo "$R" | cut -f1-9)"
bad "request not an object" 'scenario	2	80' "$W" "$(echo "$R" | sed 's/true	-/true	[1]/')"
bad "eventID taken" 'scenario	2	20' "$W" "$R"
bad "past NN 99" 'scenario	2	99' "$W" "$R" "$R"
S='session	s	111122223333	DeployRole	x	ASIAAAAAAAAAAAAAAAAA	0+20:00:00	false	-	192.0.2.1	ua'
bad "session key" 'scenario	2	80' "$(echo "$S" | sed 's/ASIAAAAA/AKIAAAAA/')"
bad "session mfa" 'scenario	2	80' "$(echo "$S" | sed 's/false/no/')"
bad "account of the caller's own account" 'scenario	2	80' "$S" 'account	a	111122223333	s'
bad "account of an unknown caller" 'scenario	2	80' 'account	a	444455556666	s'
bad "identity defined twice" 'scenario	2	80' "$W" "$W"
bad "unknown option" 'scenario	2	80' "$W" "$R	requestID=1"
bad "resources not an array" 'scenario	2	80' "$W" "$R	resources={}"
bad "deleted with a field" 'scenario	2	80' "$W" 'deleted	yes' "$R"

# a `deleted` part: its records go to a file of their own, listed by its digest (with the
# SHA-256 of the content it had), not written; the story's other records are written
mkdir -p $T/del
printf '%s\n' 'scenario	2	80' "$W" "$R" 'deleted' "$(echo "$R" | sed 's/20:00:00/20:01:00/')" >$T/del/s.tsv
build/generate $T/del-out --stories $T/del | sed "s|$T/del-out|OUT|"
echo "  story records written: $(find $T/del-out/AWSLogs -path '*/CloudTrail/*' -type f -exec gzip -dc {} + | grep -o '00000000-0000-4000-8000-00000002008[01]' | tr '\n' ' ')"
echo "  listed by the digests and absent: $(find $T/del-out/AWSLogs -path '*/CloudTrail-Digest/*' -type f -exec gzip -dc {} + |
  grep -o '"s3Object":"[^"]*"' | cut -d'"' -f4 | while read -r k; do [ -e "$T/del-out/$k" ] || echo "${k##*/}"; done)"
printf 'missing folder: '
build/generate $T/bad-out --stories $T/none 2>&1 >/dev/null | sed "s|$T/||"
