#!/bin/sh
# tools/report.py, the incident report: rendered for the sample (from the folder and from a case
# file), then opened in headless Chromium (tests/tools/browse.py: one browser, every page): a
# screenshot of each page, no console message on any page, every alert id in the index, one
# timeline mark per event of the alert's 24-hour windows (counted in the DOM against the views'
# rows from sqlite3), the exports against the views; then a hostile record (markup, </script>,
# bidi overrides, 100 KB strings) rendered and checked: everything escaped.
# Skipped (77) without /usr/bin/python3 or chromium, and under `make asan-test`: Python and
# Chromium must not run with the sanitizer runtimes preloaded, and the report adds no C code.
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "skipped: $py not found"; exit 77; fi
if ! command -v chromium >/dev/null 2>&1; then echo "skipped: chromium not found"; exit 77; fi
case "${LD_PRELOAD-}" in *asan*|*ubsan*) echo "skipped: under the sanitizer preload"; exit 77 ;; esac
D=build/tmp/report
rm -rf $D && mkdir -p $D/control
sq() { sqlite3 -bail :memory: -cmd ".load $EXT" "CREATE VIRTUAL TABLE temp.trail USING cloudtrail('$1')" \
         -cmd ".read sql/investigate.sql" "$2"; }
# per alert: its rows in mfa_alert_window_24h and in mfa_alert_window_24h_origin
COUNTS="WITH w AS (SELECT alert_id, count(*) AS n FROM mfa_alert_window_24h GROUP BY 1),
  o AS (SELECT alert_id, count(*) AS n FROM mfa_alert_window_24h_origin GROUP BY 1)
  SELECT a.alert_id, coalesce(w.n, 0), coalesce(o.n, 0)
    FROM mfa_deactivation_alerts a LEFT JOIN w USING (alert_id) LEFT JOIN o USING (alert_id)
   ORDER BY a.alert_id"

# marks DIR: for each alert of $D/counts, its marks in DIR/ALERT.dom.html against the rows
marks() {
  ok=0; n=0
  while IFS='|' read -r id w o; do
    m=$(grep -o 'class="mark ' "$1/$id.dom.html" 2>/dev/null | wc -l)
    n=$((n + 1))
    if [ "$m" = $((w + o)) ]; then ok=$((ok + 1)); else echo "  $id: $m marks, $w + $o rows"; fi
  done <$D/counts
  echo "$ok of $n pages"
}

# pngs DIR: every screenshot a 1280x2000 PNG with more than a blank page's pixels in it
pngs() {
  "$py" - "$1" <<'PY'
import glob, struct, sys, zlib
good = 0
files = sorted(glob.glob(sys.argv[1] + "/*.png"))
for f in files:
    data = open(f, "rb").read()
    w, h = struct.unpack(">II", data[16:24]) if data[:8] == b"\x89PNG\r\n\x1a\n" else (0, 0)
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    # a blank page filters to a few byte values; a page with text and marks to many
    if (w, h) == (1280, 2000) and len(set(zlib.decompress(idat))) > 64:
        good += 1
    else:
        print("  not a page:", f, w, h)
print("%d of %d screenshots are 1280x2000 PNGs with content" % (good, len(files)))
PY
}

# console DIR: the pages whose console said anything
console() {
  bad=0; n=0
  for c in "$1"/*.console; do
    n=$((n + 1))
    if [ -s "$c" ]; then bad=$((bad + 1)); head -n 5 "$c" | sed "s|^|  $(basename "$c" .console): |" | cut -c1-300; fi
  done
  echo "$bad of $n pages with console messages"
}

echo "-- the sample, from the folder (--tz Europe/Berlin --csv --jsonl)"
sq data/AWSLogs "$COUNTS" >$D/counts
"$py" tools/report.py data/AWSLogs -o $D/sample --ext "$EXT" --keys data/public-keys --tz Europe/Berlin --csv --jsonl \
  | sed "s|$D/||"
# the control: a page with a script error, which the console check must see
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body><p>x</p><script>no_such_function()</script></body></html>\n' >$D/control/broken.html
"$py" tests/tools/browse.py $D/browse $D/sample/*.html $D/control/broken.html || echo "browse failed"
printf 'the console check sees the broken control page: '; [ -s $D/browse/broken.console ] && echo yes || echo no
rm -f $D/browse/broken.*
console $D/browse
pngs $D/browse
found=0
for id in $(cut -d'|' -f1 $D/counts); do grep -q "$id" $D/browse/index.dom.html && found=$((found + 1)); done
echo "alert ids in the index: $found of $(wc -l <$D/counts)"
printf 'timeline marks = 24-hour window + origin rows: '; marks $D/browse
printf 'times in UTC and Europe/Berlin: '
grep -c '2026-03-02 22:31:05 UTC+00:00 / 2026-03-02 23:31:05 Europe/Berlin UTC+01:00' $D/sample/6aeef3e4-*.html
printf 'the investigation guide rendered (headings, nested list, link): '
grep -c '<h5>Possible investigation steps</h5>' $D/sample/6aeef3e4-*.html
cat $D/sample/6aeef3e4-*.html | tr -d '\n' | grep -o 'gain context:<ul><li>Identify the account role'

grep -o '<a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html">official documentation</a>' $D/sample/6aeef3e4-*.html
printf 'coverage of the followed alert: '
grep -c 'missing AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T2300Z_fzB2cTg6g3otWnSA.json.gz' $D/sample/6aeef3e4-*.html
echo "exports: rows in the files = rows of the views"
for v in window_48h:mfa_alert_window_48h window_24h:mfa_alert_window_24h scope_24h:mfa_alert_scope_24h \
         other_alerts_48h:mfa_alert_other_alerts_48h window_24h_origin:mfa_alert_window_24h_origin; do
  rows=$(sq data/AWSLogs "SELECT count(*) FROM ${v#*:}")
  jsonl=$(cat $D/sample/*."${v%%:*}".jsonl | wc -l)
  csv=$("$py" -c 'import csv, glob, sys; print(sum(1 for f in glob.glob(sys.argv[1]) for _ in csv.DictReader(open(f, newline=""))))' "$D/sample/*.${v%%:*}.csv")
  echo "  ${v#*:}: $rows rows, jsonl $jsonl, csv $csv"
done

echo "-- the sample, from a case file (table events, read-only)"
sqlite3 $D/case.db -cmd ".load $EXT" "SELECT files_added, records_added FROM cloudtrail_import('events', 'data/AWSLogs')" >/dev/null
"$py" tools/report.py $D/case.db --table events -o $D/case --ext "$EXT" | sed "s|$D/||"
printf 'timeline marks = the folder'"'"'s rows: '
for f in $D/case/*.html; do cp "$f" "$D/case/$(basename "$f" .html).dom.html"; done
marks $D/case
# the evidence: the case file's manifest hashed the same bytes Python hashes in the folder
same=0
for id in $(cut -d'|' -f1 $D/counts); do
  a=$(grep -o 'SHA-256 of the file</dt><dd><code>[0-9a-f]*' $D/sample/$id.html)
  b=$(grep -o 'SHA-256 of the file</dt><dd><code>[0-9a-f]*' $D/case/$id.html)
  [ -n "$a" ] && [ "$a" = "$b" ] && same=$((same + 1))
done
echo "the file's SHA-256, the manifest's = hashlib's: $same of $(wc -l <$D/counts)"

echo "-- a hostile record"
H=$D/hostile/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02
mkdir -p $H
"$py" - "$H" <<'PY'
import json, sys
long = "A" * 100000
evil = ('<script>alert(1)</script></script><img src=x onerror=alert(2)>"><img src=x '
        "onerror=alert(3)>'><svg onload=alert(4)>\u202eevil\u2066x\u2069")
def event(n, name, user, **more):
    e = {"eventVersion": "1.08", "eventTime": "2026-03-02T12:%02d:00Z" % n,
         "userIdentity": {"type": "IAMUser", "principalId": "AIDAHOSTILE" + evil,
                          "arn": "arn:aws:iam::111122223333:user/" + user,
                          "accountId": "111122223333", "accessKeyId": "AKIAHOSTILE00000000%d" % (n % 2),
                          "userName": user},
         "eventSource": "iam.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
         "sourceIPAddress": evil, "userAgent": evil + long, "eventID": "hostile-%d" % n,
         "eventType": "AwsApiCall", "recipientAccountId": "111122223333"}
    e.update(more)
    return e
actor, target = "mallory" + evil, "victim" + evil + long
records = [
    event(1, "ListUsers", actor, errorCode=evil, errorMessage=evil + long),
    event(2, "DeactivateMFADevice", actor,
          requestParameters={"userName": target, "serialNumber": "arn:aws:iam::111122223333:mfa/" + evil}),
    event(3, "GetObject" + evil, target, eventSource="s3.amazonaws.com" + evil,
          requestParameters={"bucketName": evil + long}),
]
with open(sys.argv[1] + "/111122223333_CloudTrail_us-east-1_20260302T1200Z_<img src=x onerror=alert(5)>.json", "w") as f:
    json.dump({"Records": records}, f, ensure_ascii=False)
PY
sq $D/hostile "$COUNTS" >$D/counts
"$py" tools/report.py $D/hostile -o $D/hostile-report --ext "$EXT" --csv --jsonl | sed "s|$D/||"
"$py" tests/tools/browse.py $D/hostile-browse $D/hostile-report/*.html || echo "browse failed"
console $D/hostile-browse
pngs $D/hostile-browse
printf 'timeline marks = 24-hour window + origin rows: '; marks $D/hostile-browse
"$py" - $D/hostile-report $D/hostile-browse <<'PY'
import glob, re, sys
pages = {f: open(f, encoding="utf-8").read() for f in sorted(glob.glob(sys.argv[1] + "/*.html"))}
doms = {f: open(f, encoding="utf-8").read() for f in sorted(glob.glob(sys.argv[2] + "/*.dom.html"))}
alert = next(t for f, t in pages.items() if not f.endswith("index.html"))
count = lambda s, texts: sum(t.count(s) for t in texts.values())
print("raw <img, <svg onload in the HTML:", count("<img", pages), count("<svg onload", pages))
print("raw <script, </script> in the HTML:", count("<script", pages), count("</script>", pages),
      "(the index's own filter)")
print("<img, <script elements in the DOM:", count("<img", doms), count("<script", doms))
print("bidi controls in the HTML:", sum(len(re.findall("[\u202a-\u202e\u2066-\u2069]", t)) for t in pages.values()),
      "shown as \\u202e:", "yes" if "\\u202eevil\\u2066x\\u2069" in alert else "no")
titles = re.findall(r"<title>(.*?)</title>", alert, re.S)
print("hover texts:", len(titles) - 1, "longest under 2,000 characters:",
      "yes" if max(len(t) for t in titles) < 2000 else "no")
pre = alert[alert.index("<pre>"):alert.index("</pre>")]
print("the record whole in its <pre> (userAgent and userName, 100 KB each):",
      "yes" if pre.count("A" * 100000) == 2 else "no")
print("the hostile file name escaped in the evidence:",
      "yes" if "_20260302T1200Z_&lt;img src=x onerror=alert(5)&gt;.json" in alert else "no")
PY
