#!/bin/sh
# Build the seed corpora of the cloudtrail fuzzers:
#
#   tests/fuzz/seeds.sh OUTDIR
#
# makes OUTDIR/corpus-fuzz_reader, OUTDIR/corpus-fuzz_record and OUTDIR/corpus-fuzz_args
# from data/ (a handful of .json.gz files, plain decompressed copies, records as NDJSON
# lines), tests/fixtures (every file) and tests/fuzz/regressions/<target>/ (inputs that
# once found a bug). Run from anywhere; existing corpus folders are added to, never
# emptied. Needs gzip; uses jq, when installed, to cut records out of the sample.
set -eu
OUT=${1:?usage: seeds.sh OUTDIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/tests/fixtures
DATA=$ROOT/data
REG=$ROOT/tests/fuzz/regressions
R=$OUT/corpus-fuzz_reader
C=$OUT/corpus-fuzz_record
A=$OUT/corpus-fuzz_args
mkdir -p "$R" "$C" "$A"

# a name for a file's path: fixtures/damaged/x.json -> fixtures_damaged_x.json
flat() { printf '%s' "$1" | sed "s|^$ROOT/||; s|/|_|g"; }

# --- fuzz_reader: whole files -----------------------------------------------------------
if [ -d "$FIX" ]; then
  find "$FIX" -type f | while IFS= read -r f; do cp "$f" "$R/$(flat "$f")"; done
fi
if [ -d "$DATA/AWSLogs" ]; then
  # the five smallest log files, one digest, and plain copies of three of them
  logs=$(find "$DATA/AWSLogs" -type f -path '*/CloudTrail/*' -name '*.json.gz' -exec ls -S {} + | tail -n 5)
  for f in $logs; do cp "$f" "$R/$(flat "$f")"; done
  n=0
  for f in $logs; do
    n=$((n+1)); [ $n -le 3 ] || break
    gzip -dc "$f" > "$R/$(flat "$f" | sed 's/\.gz$//').plain"
  done
  d=$(find "$DATA/AWSLogs" -type f -path '*/CloudTrail-Digest/*' | sort | head -n 1)
  [ -z "$d" ] || cp "$d" "$R/$(flat "$d")"
  if command -v jq >/dev/null 2>&1; then
    f=$(echo "$logs" | tail -n 1)
    gzip -dc "$f" | jq -c '.Records[]' | head -n 12 > "$R/sample_records.ndjson" || true
    gzip -dc "$f" | jq -c '.Records' > "$R/sample_records.array.json" || true
    gzip -dc "$f" | jq -c '.Records[0:3][] | {"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","detail":.}' \
      > "$R/sample_eventbridge.ndjson" || true
  fi
fi
if [ -d "$DATA/damaged" ]; then
  find "$DATA/damaged" -type f -size -8k | while IFS= read -r f; do cp "$f" "$R/$(flat "$f")"; done
fi

# --- fuzz_record: one record (one line) per input ----------------------------------------
i=0
for f in $(find "$FIX" -type f \( -name '*.jsonl' -o -name '*.log' \) 2>/dev/null | sort); do
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    i=$((i+1))
    printf '%s' "$line" > "$C/fixture_line_$i"
  done < "$f"
done
if command -v jq >/dev/null 2>&1 && [ -d "$DATA/AWSLogs" ]; then
  # one record per event name from the sample, and every MFA scenario record
  tmp=$OUT/.records.$$
  find "$DATA/AWSLogs" -type f -path '*/CloudTrail/*' -name '*.json.gz' | sort | head -n 60 \
    | while IFS= read -r f; do gzip -dc "$f" | jq -c '.Records[]' 2>/dev/null || true; done > "$tmp"
  jq -c -s 'unique_by(.eventName)[]' "$tmp" > "$tmp.u" 2>/dev/null || true
  grep 'MFADevice' "$tmp" | head -n 20 >> "$tmp.u" || true
  i=0
  while IFS= read -r line; do
    i=$((i+1))
    printf '%s' "$line" > "$C/sample_record_$i"
  done < "$tmp.u"
  rm -f "$tmp" "$tmp.u"
fi

# --- fuzz_args: mode byte, variant byte, NUL-separated pieces -----------------------------
# (see fuzz_args.c: 0 cloudtrail(), 1 cloudtrail_files(), 2 detect, 3 CREATE VIRTUAL TABLE,
#  4 glob match, 5 pushdown, 6 detect bounds)
s=0
seed() { s=$((s+1)); printf "$1" > "$A/seed_$s"; }
seed '\000\000'
seed '\000\000records_compact.json'
seed '\000\000**/*.json.gz'
seed '\000\000AWSLogs/**/us-east-1/**'
seed '\000\000*.json'
seed '\000\000glob/a*b.json'
seed '\000\000glob/[x].json'
seed '\000\000glob/q?.json'
seed '\000\000nonexistent*'
seed '\000\000rule/'
seed '\000\003rule\0001\0002\00086400'
seed '\000\003damaged\0001\0003\0000'
seed '\000\002\000\0000\0004'
seed '\000\216AWSLogs\000x\0002'
seed '\001\000AWSLogs'
seed '\001\000'
seed '\001\000unknown/*'
seed '\001\001'
seed '\002\000rule'
seed '\002\004t_rec'
seed '\002\004v_trail'
seed '\002\004norec'
seed '\002\005t_mixed\0002026-03-02T00:00:00Z'
seed '\002\002rule\0002026-03-02T00:00:00Z\0002026-03-03T00:00:00Z'
seed '\002\046\000yesterday\0001772446200'
seed "\\003\\000'rule'"
seed "\\003\\001path='rule'\\000strict=1"
seed "\\003\\002threads=2\\000'AWSLogs'\\000max_delivery_delay=0"
seed '\003\000path = "damaged"'
seed '\003\000strict=2'
seed '\003\000bogus=1'
seed "\\003\\001'a'\\000'b'"
seed "\\003\\004'rule'\\000\\000\\000damaged"
seed '\003\000rule/*.jsonl'
seed '\004\000AWSLogs/**/*.json.gz\000AWSLogs/1/CloudTrail/x.json.gz'
seed '\004\000*a*b\000aab'
seed '\004\000[a-c]?\000bx'
seed '\004\000[!a]*\000b/c'
seed '\004\000a/**/b\000a/b'
seed '\004\000**/\000x/y/z'
seed '\005\000\000DeactivateMFADevice'
seed '\005\000\001\000DeactivateMFADevice\000GetObject'
seed '\005\000\003\000us-east-1'
seed '\005\000\004\000us-east-1\000eu-west-1'
seed '\005\001\014\0001772446200'
seed '\005\005\021\0001772446200\0001772500000'
seed '\005\002\015\0001772446200.5'
seed '\005\000\022\0002026-03-02T12'
seed '\005\000\026\0002026-03-02T12\0002026-03-03 '
seed '\005\101\016\0001772446200'
seed '\005\000\010\000arn:aws:iam::111122223333:user/alice'
seed '\005\000\012\000alice'
seed '\005\000\031\000111122223333\000444455556666'
seed '\006\000\000'
seed '\006\000\0002026-03-02T00:00:00Z\0002026-03-02T23:59:59Z'
seed '\006\005\0001772446200\0001772500000'
seed '\006\000\000not a time'

# --- inputs that found bugs ---------------------------------------------------------------
for t in fuzz_reader fuzz_record fuzz_args; do
  if [ -d "$REG/$t" ]; then
    for f in "$REG/$t"/*; do
      [ -f "$f" ] || continue
      cp "$f" "$OUT/corpus-$t/regression_$(basename "$f")"
    done
  fi
done

for t in fuzz_reader fuzz_record fuzz_args; do
  echo "corpus-$t: $(ls "$OUT/corpus-$t" | wc -l) files"
done
