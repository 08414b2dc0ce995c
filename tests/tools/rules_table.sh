#!/bin/sh
# tests/tools/rules_table.sh [EXTENSION]: the rules of cloudtrail_rules the extension cannot
# run, with the reason, as a Markdown table (the README's "Unsupported rules" table; to
# refresh it, replace the lines between its rules_table markers with this output).
# EXTENSION defaults to build/cloudtrail (run `make` first). Run from the repository root.
EXT=${1:-${EXT:-build/cloudtrail}}
sqlite3 -batch -noheader -list :memory: -cmd ".load $EXT" "
SELECT '| pack | rule | type | reason |' UNION ALL SELECT '|---|---|---|---|' UNION ALL
SELECT * FROM (
  SELECT '| ' || pack || ' | ' || replace(name, '|', '\\|') || ' (\`' || file || '\`) | ' || type ||
         ' | ' || replace(unsupported_reason, '|', '\\|') || ' |'
    FROM cloudtrail_rules WHERE NOT supported ORDER BY pack, unsupported_reason, name, file);
SELECT '';
SELECT count(*) || ' of ' || (SELECT count(*) FROM cloudtrail_rules WHERE pack <> 'builtin') ||
       ' rules of the packs are not supported (' ||
       (SELECT group_concat(n, ', ') FROM (SELECT pack || ': ' || count(*) AS n
          FROM cloudtrail_rules WHERE NOT supported GROUP BY pack ORDER BY pack)) || ').'
  FROM cloudtrail_rules WHERE NOT supported;"
