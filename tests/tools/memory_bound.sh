#!/bin/sh
# Peak memory of a scan over files that are each far over a worker's budget: sparse files
# (holes read as NUL bytes) and gzip bombs whose trailer lies about their size. Before the
# budget, peak RSS grew as threads x file size; now such files are read one at a time by
# the consuming thread. Usage: tests/tools/memory_bound.sh [build/cloudtrail]
set -eu
EXT=${1:-build/cloudtrail}
D=build/membound
MB=${MEMBOUND_MB:-512}
if [ ! -f "$D/.done-$MB" ]; then
  rm -rf "$D" && mkdir -p "$D/sparse" "$D/bomb"
  for i in 1 2 3 4; do truncate -s ${MB}M "$D/sparse/s$i.json"; done
  head -c ${MB}M /dev/zero | gzip -1 >"$D/bomb/b1.json.gz"
  # a lying trailer: ISIZE says 100 bytes
  python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[-4:]=(100).to_bytes(4,'little'); open(p,'wb').write(b)" "$D/bomb/b1.json.gz"
  for i in 2 3 4; do cp "$D/bomb/b1.json.gz" "$D/bomb/b$i.json.gz"; done
  touch "$D/.done-$MB"
fi
for kind in sparse bomb; do
  for t in 1 2 4; do
    /usr/bin/time -f "%M %e" -o build/membound.txt sqlite3 :memory: -cmd ".load $EXT" \
      "SELECT count(*) FROM cloudtrail('$D/$kind', 0, $t)" >/dev/null 2>&1 || true
    echo "$kind: 4 files of $MB MiB (plain), threads=$t: peak RSS $(cut -d' ' -f1 build/membound.txt) KiB, $(cut -d' ' -f2 build/membound.txt) s"
  done
done
