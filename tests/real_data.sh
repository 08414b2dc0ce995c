# Read all of ../shared/data/real (about 34,600 public CloudTrail records in every shape)
# and check each file's record count against its row in MANIFEST.csv.
# Skips (exit 77) where that folder is absent.
real=../shared/data/real
if [ ! -f "$real/MANIFEST.csv" ]; then
  echo "skipped: $real not found"
  exit 77
fi
sqlite3 :memory: <<SQL
.load $EXT
.import --csv $real/MANIFEST.csv manifest
CREATE TABLE found AS SELECT * FROM cloudtrail_files('$real');
-- every file with a count in the manifest gives exactly that many records
SELECT 'files with a manifest count', count(*) FROM manifest WHERE records <> '';
SELECT 'records in the manifest', sum(records) FROM manifest WHERE records <> '';
SELECT 'files whose count differs', count(*) FROM manifest m
  LEFT JOIN found f ON f.file = '$real/' || m.local_path
 WHERE m.records <> '' AND (f.records IS NULL OR f.records <> CAST(m.records AS INTEGER));
SELECT 'records the table returns', count(*) FROM cloudtrail('$real');
-- what the rest is: the manifest itself, indexes, licences, and the malformed doc blocks
SELECT 'not counted by the manifest', format, status, count(*), sum(records) FROM found
 WHERE file NOT IN (SELECT '$real/' || local_path FROM manifest WHERE records <> '')
 GROUP BY format, status ORDER BY format, status;
SQL
sqlite3 :memory: <<SQL
.load $EXT
-- The rule over all of it: Elastic's two MFA test records and StreamAlert's two
-- DeactivateMFADevice cases, which share one placeholder eventID and so are one event;
-- TrailDiscover's DeactivateMFADevice failed (AccessDenied) and does not alert.
SELECT replace(source_file, '$real/', ''), event_name, event_id, actor, target_user
  FROM detect_mfa_deactivation('$real');
SQL
