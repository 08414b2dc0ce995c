# An object that starts '{"Records":[' is one record when a string eventName follows its
# array, and a log file's container otherwise. The splitter reads such an object's
# elements before it knows (split.c `settle`), and when the answer is "one record" it takes
# back what it handed out (SPLIT_RETRACT): these files pin that nothing of the elements
# survives then (rows, counts, notes, strict mode), and that containers, damaged ones
# included, read as before. Fixtures are written here.
d=build/tmp/records_object
rm -rf $d && mkdir -p $d
r(){ printf '{"eventTime":"2026-03-03T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"%s","eventID":"%s"}' "$1" "$1"; }
A=$(r a a); B=$(r b b)
D='{"eventName":"d","eventID":"d","k":1,"k":2}'                   # an element with a note
# one record: the members after the array decide
printf '{"Records":[%s,%s],"eventName":"whole","eventID":"w1"}' "$A" "$B" >$d/r1_after.json
printf '{"Records":[%s,%s],"x":{"y":[1]},"eventName":"whole","eventID":"w2","eventName":5}' "$A" "$D" >$d/r2_notes.json
printf '{"Records":[],"eventName":"whole","eventID":"w3"}\n{"Records":[%s]}\n' "$B" >$d/r3_then_file.jsonl
printf '{"Records":[%s]}{"Records":[%s,%s,],"eventName":"whole","eventID":"w4"}' "$A" "$B" "$D" >$d/r4_second.json
printf '{"Records":[%s],"Records":[%s],"eventName":"whole","eventID":"w5"}' "$A" "$B" >$d/r5_twice.json
printf '{"Records":[%s,{"eventName":7}],"eventName":"whole","eventID":"w6"}' "$A" >$d/r6_not_record.json
printf '{"Records":[%s,{"eventName":"x" "y"}],"eventName":"whole","eventID":"w7"}' "$A" >$d/r7_damaged.json
# containers: no string eventName after the array (or the look-ahead cannot reach it)
printf '{"Records":[%s,%s],"eventName":5}' "$A" "$D" >$d/c1_number.json
printf '{"Records":[%s],"Records":[%s,],"eventName":"whole"}' "$A" "$B" >$d/c2_twice_comma.json
printf '{"Records":[%s,{"eventName":"x" "y"},%s],"z":1}' "$A" "$B" >$d/c3_damaged.json
printf '{"Records":[%s,%s' "$A" "$B" >$d/c4_cut.json
printf '{"Records":[%s],"x":[1,,2],"eventName":"whole"}' "$A" >$d/c5_bad_member.json
sqlite3 :memory: <<SQL
.load $EXT
SELECT substr(file, length('$d/') + 1), format, records, status, coalesce(error, '')
  FROM cloudtrail_files('$d') ORDER BY 1;
SELECT '== rows (1 and 2 threads agree: ' ||
  ((SELECT group_concat(source_file || record_index || eventID, ',') FROM cloudtrail('$d', 0, 1)) =
   (SELECT group_concat(source_file || record_index || eventID, ',') FROM cloudtrail('$d', 0, 2))) || ')';
SELECT substr(source_file, length('$d/') + 1), record_index, eventName, eventID, length(record)
  FROM cloudtrail('$d', 0, 1);
SELECT '== strict';
SELECT eventID FROM cloudtrail('$d/r2_notes.json', 1);
SELECT eventID FROM cloudtrail('$d/r1_after.json', 1);
SQL
