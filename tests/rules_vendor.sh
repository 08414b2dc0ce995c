# The vendored rule packs (ext/rules/elastic-aws/) are the reference copy in
# ../shared/rules/elastic-aws/, byte for byte: the same files, each unchanged, with the same
# LICENSE.txt and NOTICE.txt (our README.md is the one file of our own). Skips (exit 77)
# where ../shared is absent.
S=../shared/rules/elastic-aws
V=ext/rules/elastic-aws
[ -d $S ] || { echo "no $S"; exit 77; }
cmp $S/LICENSE.txt $V/LICENSE.txt && echo "LICENSE.txt: same"
for p in 2024-04-18 2026-08-21; do
  same=0
  for f in $S/$p/*; do
    n=$(basename "$f")
    if [ ! -f "$V/$p/$n" ]; then echo "$p/$n: not vendored"
    elif cmp -s "$f" "$V/$p/$n"; then same=$((same+1))
    else echo "$p/$n: differs"; fi
  done
  for f in $V/$p/*; do
    [ -f "$S/$p/$(basename "$f")" ] || echo "$p/$(basename "$f"): not in the reference copy"
  done
  echo "$p: $same files the same ($(ls $V/$p/*.toml | wc -l) .toml, NOTICE.txt: $(cmp -s $S/$p/NOTICE.txt $V/$p/NOTICE.txt && echo same))"
done
ls $V
