# ext/toml.c on its own (tests/tools/toml_dump.c): the TOML forms the reader accepts, as
# JSON, and the errors it gives for bad files made here, each naming the file and the line.
# tomllib refuses every file refused here too, except float, inf, date and overflow (values no
# rule file has, refused on purpose) and deep (a nesting limit of 64).
# Built with cc against the system SQLite (with ASan and UBSan when EXT is the ASan build).
T=build/tmp/toml
rm -rf $T && mkdir -p $T
SAN=""
case "$EXT" in *asan*) SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" ;; esac
# the compiler is not ours to check: no sanitizer preloaded into it (make asan-test)
# shellcheck disable=SC2086
LD_PRELOAD= ${CC:-cc} -std=c99 -g -O1 -Wall -Wextra -Werror -Wshadow -Wformat=2 $SAN -DSQLITE_CORE \
  -D_GNU_SOURCE -Iext -o $T/toml_dump tests/tools/toml_dump.c ext/toml.c -lsqlite3 || exit 1
f() { printf "$2" >"$T/$1"; }   # f NAME TEXT (printf escapes)

echo "== accepted"
f forms.toml '# a comment\n[a]\nbare-key_1 = "basic \\"q\\" \\\\ \\t \\u00e9 \\U0001F600"\n"quoted key" = '"'"'literal \\no escape'"'"'\nint = [0, -17, +42, 1_000, 0xff, 0o17, 0b101, 9223372036854775807, -9223372036854775808]\nbool = [true, false]\nnested = [ [1, 2], ["x", [ ] ], ]\ninline = { x = 1, y.z = "dotted" }\n[a.b]\nmulti = """\nline one \\\n    continued\nquotes: "" \\"""\n"""\nend = """ends with quotes"""""\nlit = '"'''"'\nkeeps \\ and "" as written\n'"'''"'\n[[t]]\nn = 1\n[[t]]\nn = 2\n[[t.sub]]\nm = 3\n[x.y]\n[x]\nz = 1  # a table created on the way may be defined later\n'
f crlf.toml 'a = """\r\nx\r\ny"""\r\nb = 1\r\n'
f empty.toml ''
f comments.toml '# only\n\n   # comments\n'
f dotted_sub.toml '[fruit]\napple.color = "red"\n[fruit.apple.texture]\nsmooth = true\n'
$T/toml_dump $T/forms.toml $T/crlf.toml $T/empty.toml $T/comments.toml $T/dotted_sub.toml

echo "== refused"
f dup_key.toml 'a = 1\nb = 2\na = 3\n'
f dup_table.toml '[a]\nx = 1\n[b]\n[a]\n'
f value_then_table.toml 'a = 1\n[a]\n'
f table_then_array.toml '[a]\n[[a]]\n'
f inline_extended.toml 'a = {b = 1}\na.c = 2\n'
f dotted_header.toml '[fruit]\napple.color = "red"\n[fruit.apple]\n'
f header_dotted.toml '[a.b]\n[a]\nb.c = 1\n'
f unterminated.toml 'a = 1\nb = """\nnever\nclosed\n'
f unterminated_one.toml 'a = "open\n'
f bad_escape.toml 'a = "x\\qy"\n'
f bad_unicode.toml 'a = "\\uD800"\n'
f float.toml 'a = 1\npi = 3.14\n'
f inf.toml 'a = inf\n'
f date.toml 'd = 2024-04-18\n'
f bad_utf8.toml 'a = "ok"\nb = "\377"\n'
f control.toml 'a = "tab\tok"\nb = "bell\007"\n'
f control_literal.toml 'a = '"'"'x\001'"'"'\n'
f no_equals.toml 'a 1\n'
f no_value.toml 'a =\n'
f overflow.toml 'a = 9223372036854775808\n'
f leading_zero.toml 'a = 012\n'
f underscore.toml 'a = 1__0\n'
f array_open.toml 'a = [1,\n2\n'
f array_sep.toml 'a = [1 2]\n'
f after_value.toml 'a = "x" y\n'
f lone_cr.toml 'a = 1\rb = 2\n'
f quotes.toml 'a = """x""""""\n'
f bad_key.toml '= 1\n'
f multiline_key.toml '"""k""" = 1\n'
f header_open.toml '[a\nx = 1\n'
f aot_open.toml '[[a]\n'
f bom.toml '\357\273\277k = "v"'
f deep.toml "a = $(printf '%.0s[' $(seq 70))$(printf '%.0s]' $(seq 70))\n"
$T/toml_dump $T/dup_key.toml $T/dup_table.toml $T/value_then_table.toml $T/table_then_array.toml \
  $T/inline_extended.toml $T/dotted_header.toml $T/header_dotted.toml $T/unterminated.toml \
  $T/unterminated_one.toml $T/bad_escape.toml $T/bad_unicode.toml $T/float.toml $T/inf.toml \
  $T/date.toml $T/bad_utf8.toml $T/control.toml $T/control_literal.toml $T/no_equals.toml \
  $T/no_value.toml $T/overflow.toml $T/leading_zero.toml $T/underscore.toml $T/array_open.toml \
  $T/array_sep.toml $T/after_value.toml $T/lone_cr.toml $T/quotes.toml $T/bad_key.toml \
  $T/multiline_key.toml $T/header_open.toml $T/aot_open.toml $T/bom.toml $T/deep.toml
