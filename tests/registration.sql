-- The extension registers exactly these modules and functions, and nothing else.
.open build/tmp/registration.db
CREATE TABLE before(kind TEXT, name TEXT);
INSERT INTO before SELECT 'function', name FROM pragma_function_list;
INSERT INTO before SELECT 'module', name FROM pragma_module_list;
.load @EXT@
SELECT 'module', name FROM pragma_module_list
 WHERE name NOT IN (SELECT name FROM before WHERE kind='module')
UNION ALL
SELECT 'function', name FROM pragma_function_list
 WHERE name NOT IN (SELECT name FROM before WHERE kind='function')
ORDER BY 1, 2;
-- Loading twice into one connection is harmless.
.load @EXT@
SELECT count(*) FROM cloudtrail('tests/fixtures/records_compact.json');
