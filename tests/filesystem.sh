# File-system edge cases: links (loops, outside the tree, dangling), permissions (as root
# and as an unprivileged user), FIFOs and devices (never opened, so never a hang), 100,000
# files in one folder (count and peak memory), a very long path, unusual names, and files
# that vanish between two queries or during a scan.
#
# For each case: what cloudtrail_files reports (file relative to the case's folder, status,
# records, error) and how many rows cloudtrail() gives. Every sqlite3 runs under
# `timeout`, so a read that blocks shows up as "TIMED OUT" instead of hanging the suite.
#
# Needs root (CI runs as root): root ignores permissions, so the unreadable cases are also
# run as user 65534 (setpriv, or runuser -u nobody).
set -u
LC_ALL=C
export LC_ALL
: "${EXT:=build/cloudtrail}"
case $EXT in /*) ;; *) EXT=$PWD/$EXT ;; esac
if [ "$(id -u)" != 0 ]; then
  echo "skipped: run as root (it compares what root and an unprivileged user can read)"
  exit 77
fi
# Under `make asan-test` LD_PRELOAD holds the sanitizer runtimes: only sqlite3 gets them.
preload=${LD_PRELOAD-}
unset LD_PRELOAD
# sq SECONDS ARGS...: sqlite3 with the extension loaded, killed after SECONDS
sq() {
  t=$1; shift
  if [ -n "$preload" ]; then
    timeout "$t" env LD_PRELOAD="$preload" sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
  else
    timeout "$t" sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
  fi
  rc=$?
  [ "$rc" = 124 ] && echo "TIMED OUT"
  return 0
}
# sqlq TEXT: TEXT as an SQL string literal
sqlq() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}
# show PATH: the report and the row count for PATH (run from the case's folder)
show() {
  p=$(sqlq "$1")
  sq 10 "SELECT printf('  %s | %s | %d | %s', replace(file, char(10), '\\n'), status, records, coalesce(error, '-'))
           FROM cloudtrail_files($p) ORDER BY file" \
        "SELECT printf('  cloudtrail(): %d rows', count(*)) FROM cloudtrail($p)" |
    sed 's/\xff/\\xff/g'
}
rec() {
  printf '{"eventVersion":"1.09","eventTime":"2026-03-02T10:00:00Z","eventName":"%s","eventID":"%s"}\n' "$1" "$1"
}

top=$PWD
base=build/tmp/filesystem
rm -rf "$base"
mkdir -p "$base"
cd "$base" || exit 1

echo "== a symlink loop inside the tree (loop/a -> .), and a link to itself (loop/self -> self)"
mkdir loop
rec Loop >loop/r.json
ln -s . loop/a
ln -s self loop/self
show loop
echo "   the loop given as the path (loop/a/a/a): the argument itself is followed"
show loop/a/a/a

echo "== links out of the tree: to a folder (not followed) and to a file (read)"
mkdir outside links
rec Outside >outside/o.json
rec Inside >links/in.json
ln -s ../outside links/outdir
ln -s ../outside/o.json links/outfile.json
show links
echo "   the link to the folder given as the path"
show links/outdir
echo "   strict mode over the folder"
sq 10 "SELECT count(*) FROM cloudtrail('links', 1)"

echo "== a dangling symlink"
mkdir dangling
rec Kept >dangling/ok.json
ln -s nowhere.json dangling/gone.json
show dangling
echo "   the dangling link given as the path"
show dangling/gone.json

echo "== FIFOs and devices: never opened (each under timeout 10)"
mkdir special
rec Beside >special/ok.json
mkfifo special/pipe.json
ln -s pipe.json special/link-to-pipe.json
ln -s /dev/null special/link-to-null.json
echo "   a folder holding a FIFO, a link to it and a link to /dev/null"
show special
echo "   the FIFO given as the path"
show special/pipe.json
echo "   /dev/null given as the path"
show /dev/null
echo "   a glob that matches the FIFO"
show 'special/pipe*'
echo "   strict mode over the folder"
sq 10 "SELECT count(*) FROM cloudtrail('special', 1)"

echo "== names: spaces, quotes, UTF-8, invalid UTF-8, glob characters, a newline"
mkdir names
rec Space >"names/with space.json"
rec Quotes >"names/it's \"quoted\".json"
rec Utf8 >"names/café 日本.json"
rec Invalid >"names/$(printf 'bad\377name').json"
rec Glob >"names/star*[1]?.json"
rec Newline >"names/new
line.json"
mkdir "names/dir with 'quote'"
rec InDir >"names/dir with 'quote'/x.json"
show names
echo "   each file given as the path (records each, in name order; a name with glob characters"
echo "   is always a glob, so its literal '*', '?', '[' and ']' are written as classes: '[*]')"
for f in names/*.json; do
  p=$(sqlq "$(printf '%s' "$f" | sed 's/[][*?]/[&]/g')")
  sq 10 "SELECT records FROM cloudtrail_files($p)"
done | tr '\n' ' ' | sed 's/^/  /; s/ $//'
echo
echo "   that name unescaped is a pattern its own name does not match"
sq 10 "SELECT count(*) FROM cloudtrail_files('names/star*[1]?.json')"
echo "   the names as returned, byte for byte (hex of the part after names/)"
sq 10 "SELECT '  ' || hex(substr(CAST(file AS BLOB), 7)) FROM cloudtrail_files('names') ORDER BY file"
echo "   the invalid UTF-8 byte of that name comes back as the text \\xff, so that every client can read it"
sq 10 "SELECT '  ' || (SELECT count(*) FROM cloudtrail_files('names') WHERE file = 'names/bad\\xffname.json')"
echo "   a folder with spaces and quotes given as the path"
show "names/dir with 'quote'"

echo "== a long path: 31 nested folders of 99 bytes (the file's path is over 3,000 bytes)"
long=long
i=0
while [ $i -lt 31 ]; do
  long=$long/$(printf 'd%02d' $i)$(printf '%096d' 0)
  i=$((i + 1))
done
mkdir -p "$long"
rec Deep >"$long/deep.json"
sq 10 "SELECT printf('  a file of %d bytes of path | %s | %d | %s', length(file), status, records, coalesce(error, '-')) FROM cloudtrail_files('long')" \
      "SELECT printf('  cloudtrail(): %d rows', count(*)) FROM cloudtrail('long')"
echo "   and 45 folders deep (over PATH_MAX, 4,096 bytes): reported, not silently lost"
# No call may name a path longer than PATH_MAX, so the chain is built from the bottom up,
# each step naming two 99-byte folders at most.
(
  cd long || exit 1
  mkdir deeper
  i=44
  cur=$(printf 'e%02d' $i)$(printf '%096d' 0)
  mkdir "$cur" && rec TooDeep >"$cur/toodeep.json"
  while [ $i -gt 0 ]; do
    i=$((i - 1))
    up=$(printf 'e%02d' $i)$(printf '%096d' 0)
    mkdir step && mv "$cur" step/ && mv step "$up" || exit 1
    cur=$up
  done
  mv "$cur" deeper/
)
sq 10 "SELECT printf('  %d bytes of path, ending in %s... | %s | %d | %s', length(file), substr(file, length(file) - 98, 3), status, records, coalesce(error, '-')) FROM cloudtrail_files('long/deeper')" \
      "SELECT printf('  cloudtrail(): %d rows', count(*)) FROM cloudtrail('long/deeper')"

echo "== 100,000 files of one record in one folder"
mkdir many
(cd many && awk 'BEGIN {
  for (i = 0; i < 100000; i++) {
    f = sprintf("f%06d.json", i)
    printf "{\"eventVersion\":\"1.09\",\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventName\":\"E%d\",\"eventID\":\"%d\"}\n", i % 7, i > f
    close(f)
  }
}')
# peak RSS of the scans alone (a query that keeps 100,000 distinct values would measure
# SQLite, and under ASan its quarantine of freed memory). With GNU time when it is
# installed; else (it is not in a minimal Debian) sqlite3 waits on a FIFO once the scan is
# done, while this script reads its VmHWM (the same peak) from /proc.
peak_run() {   # peak_run QUERY: prints the query's output, sets $kib
  if [ -x /usr/bin/time ]; then
    if [ -n "$preload" ]; then
      timeout 300 env LD_PRELOAD="$preload" /usr/bin/time -f %M -o mem.txt sqlite3 -batch :memory: -cmd ".load $EXT" "$1" 2>&1
    else
      timeout 300 /usr/bin/time -f %M -o mem.txt sqlite3 -batch :memory: -cmd ".load $EXT" "$1" 2>&1
    fi
    kib=$(tail -n 1 mem.txt)
  else
    rm -f ready release && mkfifo ready release
    hold="SELECT 1 WHERE writefile('ready', 'x') + writefile('release', 'x') < 0"
    if [ -n "$preload" ]; then
      LD_PRELOAD="$preload" sqlite3 -batch :memory: -cmd ".load $EXT" "$1" "$hold" >mem.out 2>&1 &
    else
      sqlite3 -batch :memory: -cmd ".load $EXT" "$1" "$hold" >mem.out 2>&1 &
    fi
    pid=$!
    timeout 300 cat ready >/dev/null
    kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    timeout 10 cat release >/dev/null
    wait "$pid"
    cat mem.out
    rm -f ready release mem.out
  fi
}
for q in "SELECT printf('  cloudtrail_files: %d files, %d records, status %s', count(*), sum(records), group_concat(DISTINCT status)) FROM cloudtrail_files('many')" \
         "SELECT printf('  cloudtrail(): %d rows', count(*)) FROM cloudtrail('many')"; do
  peak_run "$q"
  if [ "${kib:-x}" -lt 65536 ] 2>/dev/null; then echo "  peak RSS under 64 MiB: yes"; else echo "  peak RSS under 64 MiB: NO (${kib:-unknown} KiB)"; fi
done
sq 300 "SELECT printf('  %d distinct eventIDs, files %s to %s, each record from its own file: %s', count(DISTINCT eventID), min(source_file), max(source_file),
               CASE WHEN sum(source_file = printf('many/f%06d.json', eventID)) = count(*) THEN 'yes' ELSE 'NO' END) FROM cloudtrail('many')"
rm -rf many

echo "== permissions: a file and a folder with mode 000, a folder with r but no x (644)"
# in a world-readable temporary folder, so that user 65534 can reach it wherever the
# repository is; only the three entries below are closed
perm=$(mktemp -d "${TMPDIR:-/tmp}/cloudtrail-fs.XXXXXX") || exit 1
trap 'chmod -R u+rwx "$perm" 2>/dev/null; rm -rf "$perm"' EXIT
chmod 755 "$perm"
cp "$EXT.so" "$perm/cloudtrail.so"
chmod 644 "$perm/cloudtrail.so"
mkdir "$perm/perms" "$perm/perms/locked" "$perm/perms/noexec"
rec Open >"$perm/perms/open.json"
rec Secret >"$perm/perms/secret.json"
rec Locked >"$perm/perms/locked/inner.json"
rec NoExec >"$perm/perms/noexec/x.json"
chmod 644 "$perm/perms/open.json" "$perm/perms/locked/inner.json" "$perm/perms/noexec/x.json"
chmod 755 "$perm/perms"
chmod 000 "$perm/perms/secret.json" "$perm/perms/locked"
chmod 644 "$perm/perms/noexec"
cd "$perm" || exit 1
EXT=$perm/cloudtrail
echo "   as root (permissions do not apply)"
show perms
if command -v setpriv >/dev/null 2>&1; then
  asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
elif command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
  asuser="runuser -u nobody --"
else
  asuser=""
fi
if [ -z "$asuser" ]; then
  echo "   as an unprivileged user: not run (neither setpriv nor runuser is installed)"
else
  echo "   as user 65534"
  # shellcheck disable=SC2086
  nobody() {
    if [ -n "$preload" ]; then
      timeout 10 $asuser env LD_PRELOAD="$preload" sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
    else
      timeout 10 $asuser sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
    fi
    [ $? = 124 ] && echo "TIMED OUT"
    return 0
  }
  nobody "SELECT printf('  %s | %s | %d | %s', file, status, records, coalesce(error, '-')) FROM cloudtrail_files('perms') ORDER BY file" \
         "SELECT printf('  cloudtrail(): %d rows', count(*)) FROM cloudtrail('perms')"
  echo "   the unreadable file, and the unreadable folder, given as the path"
  nobody "SELECT printf('  %s | %s | %d | %s', file, status, records, coalesce(error, '-')) FROM cloudtrail_files('perms/secret.json')"
  nobody "SELECT count(*) FROM cloudtrail('perms/locked')"
  echo "   strict mode: the first problem in walk order is the error"
  nobody "SELECT count(*) FROM cloudtrail('perms', 1)"
  echo "   a glob that cannot reach inside perms/locked ('*' stays in one folder)"
  nobody "SELECT printf('  %s | %s | %d | %s', file, status, records, coalesce(error, '-')) FROM cloudtrail_files('perms/*.json') ORDER BY file"
  nobody "SELECT count(*) FROM cloudtrail('perms/*.json', 1)"
fi
cd "$top/$base" || exit 1

echo "== a file removed between two queries"
mkdir between
rec A >between/a.json
rec B >between/b.json
show between
rm between/b.json
show between
echo "   the removed file given as the path"
show between/b.json

echo "== a file removed during a scan, after its folder was listed"
# The folder's 200 names are listed when the scan starts, and the read-ahead takes at most
# 2 batches per thread; each file here is padded past SOURCE_BATCH_BYTES (64 KiB), so a
# batch holds one file and the read-ahead at most 2 files per thread (128 at 64 threads),
# as small files would not be (batches of many). On the first file's row the query hands control
# to a helper through a FIFO; the helper deletes the last file, then opens a second FIFO,
# which is what the query waits for. So the deletion happens, every time, after the
# listing and before the scan reaches that file.
vanish_scan() {   # vanish_scan QUERY-TEMPLATE: @ is replaced by the sync expression
  rm -rf vanish
  mkdir vanish
  i=0
  pad=$(head -c 70000 /dev/zero | tr '\0' x)
  while [ $i -lt 200 ]; do
    printf '{"eventVersion":"1.09","eventName":"V%d","eventID":"V%d","pad":"%s"}\n' $i $i "$pad" \
      >"vanish/$(printf 'v%03d' $i).json"
    i=$((i + 1))
  done
  rm -f go done && mkfifo go done
  timeout 20 sh -c 'cat go >/dev/null; rm vanish/v199.json; cat done >/dev/null' &
  helper=$!
  sync="(writefile('go', 'x') + writefile('done', 'x'))"
  sq 20 "$(printf '%s' "$1" | sed "s/@/$sync/")"
  wait $helper
  ls vanish | wc -l | sed 's/^ */  files left: /'
}
echo "   cloudtrail_files (default threads)"
vanish_scan "SELECT printf('  %s | %s | %d | %s', file, status, records, coalesce(error, '-')) FROM cloudtrail_files('vanish')
              WHERE CASE WHEN file = 'vanish/v000.json' THEN @ ELSE 1 END AND (status <> 'ok' OR file IN ('vanish/v000.json', 'vanish/v198.json'))"
for threads in 1 4; do
  echo "   cloudtrail(), threads=$threads: the rows, and the last file read"
  vanish_scan "SELECT printf('  %d rows, last %s', count(*), max(source_file)) FROM cloudtrail('vanish', 0, $threads)
                WHERE CASE WHEN record_index = 0 AND source_file = 'vanish/v000.json' THEN @ ELSE 1 END"
done
rm -rf vanish go done
