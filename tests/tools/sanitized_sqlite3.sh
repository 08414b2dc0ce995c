# Sourced by tests: under make asan-test the sanitizers are preloaded into every program
# the test runs, and each tool other than sqlite3 (which loads the extension and needs them)
# would pay their start-up, about 80 ms a call here. After this, only `sql` (sqlite3 with
# the preload the test was given) has them.
PRE=${LD_PRELOAD:-}
unset LD_PRELOAD
sql() { LD_PRELOAD="$PRE" sqlite3 "$@"; }
