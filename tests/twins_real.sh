# The pushdown property test (tests/twins.py) on the public corpus in ../shared/data/real,
# and the queries that showed region pruning changing answers on the SANS lab's logs, where
# IAM, STS and sign-in events with awsRegion us-east-1 are delivered in us-west-1 files.
# Skips (exit 77) where that folder or /usr/bin/python3 is absent.
py=/usr/bin/python3
real=../shared/data/real
if [ ! -f "$real/MANIFEST.csv" ] || [ ! -x "$py" ]; then
  echo "skipped: $real or $py not found"
  exit 77
fi
sans=$real/suzaku-sans504-s3-ransomware-lab
sqlite3 :memory: <<SQL
.load $EXT
SELECT 'iam in us-east-1, pushed', count(*) FROM cloudtrail('$sans')
 WHERE eventSource = 'iam.amazonaws.com' AND awsRegion = 'us-east-1';
SELECT 'iam in us-east-1, +awsRegion', count(*) FROM cloudtrail('$sans')
 WHERE eventSource = 'iam.amazonaws.com' AND +awsRegion = 'us-east-1';
SELECT 'ConsoleLogin in us-east-1, pushed', count(*) FROM cloudtrail('$sans')
 WHERE eventName = 'ConsoleLogin' AND awsRegion = 'us-east-1';
SELECT 'ConsoleLogin in us-east-1, +awsRegion', count(*) FROM cloudtrail('$sans')
 WHERE eventName = 'ConsoleLogin' AND +awsRegion = 'us-east-1';
SQL
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" tests/twins.py "$EXT" 8 25 real=$real
