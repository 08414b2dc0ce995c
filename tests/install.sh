# make install / make uninstall. Always: into a DESTDIR staging folder, checking each file,
# that the library's folder is one the dynamic loader searches by itself (so `.load
# cloudtrail` finds it by name), and that uninstall leaves no file behind. Only as root with
# CI=true (CI's fresh machine): a real install, `.load cloudtrail` by bare name from the
# sqlite3 shell and from /usr/bin/python3, then a real uninstall. That part prints nothing
# when it passes (so the expected output is the same either way) and says on file
# descriptor 3 (a note from tests/run.sh) whether it ran or why it was skipped.
set -u
LC_ALL=C
export LC_ALL
# The install is of the plain build; keep the sanitizer runtimes out of make and cc.
unset LD_PRELOAD
note() {
  { echo "$*" >&3; } 2>/dev/null || echo "note: $*" >&2
}
if ! command -v make >/dev/null 2>&1 || ! command -v install >/dev/null 2>&1; then
  echo "skipped: make or install(1) not found"
  exit 77
fi
mk() {
  make -s --no-print-directory "$@" >build/tmp/install/make.log 2>&1 || { echo "make $* failed:"; cat build/tmp/install/make.log; }
}
multiarch=$(${CC:-cc} -print-multiarch 2>/dev/null)
libdir=/usr/lib${multiarch:+/$multiarch}
t=build/tmp/install
rm -rf "$t"
mkdir -p "$t"
stage=$PWD/$t/stage

echo "== make install DESTDIR=stage: the files (the multiarch triplet shown as <multiarch>)"
mk install DESTDIR="$stage"
(cd "$stage" && find . -type f -printf '%m %p\n' | sort) |
  sed "s|${multiarch:-@none@}|<multiarch>|; s|^|  |"
echo "   the library and the SQL files are the built ones, byte for byte"
cmp "$stage$libdir/cloudtrail.so" build/cloudtrail.so && echo "  cloudtrail.so: same"
for f in sql/*.sql; do
  cmp "$stage/usr/local/share/cloudtrail/$(basename "$f")" "$f" && echo "  $(basename "$f"): same"
done
echo "   the staged library loads (by its path) and registers its tables"
sqlite3 -batch :memory: -cmd ".load $stage$libdir/cloudtrail" \
  "SELECT '  ' || group_concat(name, ' ') FROM (SELECT name FROM pragma_module_list
    WHERE name LIKE 'cloudtrail%' OR name LIKE 'detect%' ORDER BY name)" 2>&1
echo "   the library's folder is in the dynamic loader's own search path (no ld.so.cache needed:"
echo "   ldconfig caches only lib*.so names)"
LD_DEBUG=libs sqlite3 -batch :memory: ".load cloudtrail_no_such_extension" 2>&1 |
  grep -m 1 'system search path' | tr ':\t' '\n\n' | grep -qx "$libdir" &&
  echo "  $libdir" | sed "s|${multiarch:-@none@}|<multiarch>|"
echo "== make uninstall DESTDIR=stage: files left"
mk uninstall DESTDIR="$stage"
(cd "$stage" && find . -type f | sed 's/^/  /')
echo "  (end)"

# The real install: only where it cannot harm (root on CI's fresh machine).
if [ "$(id -u)" != 0 ] || [ "${CI:-}" != true ]; then
  note "real install skipped (needs root and CI=true): .load cloudtrail by bare name from sqlite3 and python3 not checked"
  exit 0
fi
if [ -e "$libdir/cloudtrail.so" ]; then
  note "real install skipped: $libdir/cloudtrail.so already exists"
  exit 0
fi
mk install
top=$PWD
cd /tmp || exit 1
r=$(sqlite3 -batch :memory: -cmd ".load cloudtrail" "SELECT count(*) FROM cloudtrail_rules WHERE pack = 'builtin'" 2>&1)
[ "$r" = 1 ] || echo "sqlite3 .load cloudtrail after make install: $r"
checked="sqlite3 shell"
if [ -x /usr/bin/python3 ]; then
  r=$(/usr/bin/python3 -c '
import sqlite3
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension("cloudtrail")
print(db.execute("SELECT count(*) FROM cloudtrail_rules WHERE pack = ?", ("builtin",)).fetchone()[0])' 2>&1)
  [ "$r" = 1 ] || echo "python3 load_extension('cloudtrail') after make install: $r"
  checked="$checked, /usr/bin/python3"
fi
[ -f /usr/local/share/cloudtrail/investigate.sql ] || echo "investigate.sql not installed"
cd "$top" || exit 1
mk uninstall
[ -e "$libdir/cloudtrail.so" ] && echo "$libdir/cloudtrail.so left after make uninstall"
[ -e /usr/local/share/cloudtrail ] && echo "/usr/local/share/cloudtrail left after make uninstall"
r=$(cd /tmp && sqlite3 -batch :memory: ".load cloudtrail" 2>&1)
case $r in *"cannot open shared object"*) ;; *) echo ".load cloudtrail after make uninstall: $r" ;; esac
note "real install checked: make install, .load cloudtrail by bare name ($checked), make uninstall"
