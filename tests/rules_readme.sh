# The README's "Unsupported rules" table is what tests/tools/rules_table.sh prints now: the
# lines between its rules_table markers equal the generated table.
T=build/tmp/rules_readme
mkdir -p $T
sed -n '/^<!-- rules_table: begin -->$/,/^<!-- rules_table: end -->$/p' README.md | sed '1d;$d' >$T/readme.md
sh tests/tools/rules_table.sh "$EXT" >$T/generated.md || exit 1
if diff -u $T/readme.md $T/generated.md; then
  echo "README table: $(grep -c '^| 20' $T/readme.md) unsupported rules, as generated"
fi
