#!/bin/sh
# A cloudtrail table stored in a database file reads files only while trusted_schema is ON:
# a hostile .db cannot make a query read a folder its author chose.
D=build/tmp/stored
rm -rf $D && mkdir -p $D
sqlite3 $D/hostile.db -cmd ".load $EXT" \
  "CREATE VIRTUAL TABLE evidence USING cloudtrail('tests/fixtures/object.json');
   CREATE VIRTUAL TABLE cloudtrail USING cloudtrail;" 2>&1
echo "-- trusted_schema OFF: the stored tables do not read files"
sqlite3 $D/hostile.db -cmd ".load $EXT" -cmd "PRAGMA trusted_schema=OFF" \
  "SELECT count(*) FROM evidence" 2>&1
sqlite3 $D/hostile.db -cmd ".load $EXT" -cmd "PRAGMA trusted_schema=OFF" \
  "SELECT count(*) FROM cloudtrail('tests/fixtures/array.json')" 2>&1
echo "-- the same in an attached database"
sqlite3 :memory: -cmd ".load $EXT" -cmd "PRAGMA trusted_schema=OFF" \
  -cmd "ATTACH '$D/hostile.db' AS h" "SELECT count(*) FROM h.evidence" 2>&1
echo "-- eponymous use and TEMP tables always work"
sqlite3 $D/hostile.db -cmd ".load $EXT" -cmd "PRAGMA trusted_schema=OFF" \
  "SELECT count(*) FROM temp.cloudtrail('tests/fixtures/array.json');
   CREATE VIRTUAL TABLE temp.mine USING cloudtrail('tests/fixtures/array.json');
   SELECT count(*) FROM mine;" 2>&1
sqlite3 :memory: -cmd ".load $EXT" -cmd "PRAGMA trusted_schema=OFF" \
  "SELECT count(*) FROM cloudtrail('tests/fixtures/array.json')" 2>&1
echo "-- trusted_schema ON (the default): the database's author is trusted"
sqlite3 $D/hostile.db -cmd ".load $EXT" "SELECT count(*) FROM evidence" 2>&1
