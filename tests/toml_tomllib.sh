# ext/toml.c against Python's tomllib on every embedded rule file: the whole parsed document
# (every key, value, type and the order of keys) must be the same (tests/tools/toml_compare.py
# over tests/tools/toml_dump.c's JSON). Skips (exit 77) where /usr/bin/python3 is absent.
py=/usr/bin/python3
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"   # Python itself, under make asan-test
export ASAN_OPTIONS
[ -x $py ] || { echo "no /usr/bin/python3"; exit 77; }
$py -c 'import tomllib' 2>/dev/null || { echo "python3 has no tomllib (3.11+)"; exit 77; }
T=build/tmp/toml_tomllib
rm -rf $T && mkdir -p $T
SAN=""
case "$EXT" in *asan*) SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" ;; esac
# the compiler is not ours to check: no sanitizer preloaded into it (make asan-test)
# shellcheck disable=SC2086
LD_PRELOAD= ${CC:-cc} -std=c99 -g -O1 -Wall -Wextra -Werror -Wshadow -Wformat=2 $SAN -DSQLITE_CORE \
  -D_GNU_SOURCE -Iext -o $T/toml_dump tests/tools/toml_dump.c ext/toml.c -lsqlite3 || exit 1
for p in 2024-04-18 2026-08-21; do
  ASAN_OPTIONS=detect_leaks=1 $T/toml_dump ext/rules/elastic-aws/$p/*.toml >$T/$p.txt || exit 1
  printf '%s: ' $p
  $py tests/tools/toml_compare.py $T/$p.txt ext/rules/elastic-aws/$p/*.toml
done
