# On real logs (the public SANS S3-ransomware lab in ../shared/data/real): IAM, STS and
# sign-in events with awsRegion us-east-1 sit in us-west-1 files, so a pushed constraint
# on awsRegion must not prune by the folder's region. Each query is compared with its
# +column twin (no pushdown). Skips (exit 77) where that folder is absent.
real=../shared/data/real/suzaku-sans504-s3-ransomware-lab
if [ ! -d "$real" ]; then
  echo "skipped: $real not found"
  exit 77
fi
sqlite3 :memory: <<SQL
.load $EXT
SELECT 'iam in us-east-1', count(*), (SELECT count(*) FROM cloudtrail('$real') WHERE eventSource = 'iam.amazonaws.com' AND +awsRegion = 'us-east-1')
  FROM cloudtrail('$real') WHERE eventSource = 'iam.amazonaws.com' AND awsRegion = 'us-east-1';
SELECT 'ConsoleLogin in us-east-1', count(*), (SELECT count(*) FROM cloudtrail('$real') WHERE eventName = 'ConsoleLogin' AND +awsRegion = 'us-east-1')
  FROM cloudtrail('$real') WHERE eventName = 'ConsoleLogin' AND awsRegion = 'us-east-1';
SELECT 'by account', count(*), (SELECT count(*) FROM cloudtrail('$real') WHERE +recipientAccountId IN (SELECT DISTINCT recipientAccountId FROM cloudtrail('$real')))
  FROM cloudtrail('$real') WHERE recipientAccountId IN (SELECT DISTINCT recipientAccountId FROM cloudtrail('$real'));
SQL
