-- SQLite's own JSON functions, no extension: fsdir() lists the uncompressed copy,
-- readfile() reads each log file (never the CloudTrail-Digest ones), json_each() walks its
-- Records array. The rule as detect_mfa_deactivation applies it: eventSource and eventName
-- compared exactly (->> decodes JSON escapes); success when errorCode and errorMessage are
-- each absent, null, "", {} or [] (-> gives their JSON text, minified); one row per
-- distinct eventID.
.bail on
SELECT DISTINCT r.value ->> '$.eventID'
  FROM fsdir(@PLAIN@) AS f,
       json_each(readfile(f.name), '$.Records') AS r
 WHERE f.name GLOB '*/CloudTrail/*.json'
   AND r.value ->> '$.eventSource' = 'iam.amazonaws.com'
   AND r.value ->> '$.eventName' IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
   AND coalesce(r.value -> '$.errorCode', 'null') IN ('null', '""', '{}', '[]')
   AND coalesce(r.value -> '$.errorMessage', 'null') IN ('null', '""', '{}', '[]')
 ORDER BY 1;
