-- cloudtrail extension on the imported case file (sqlite3 -readonly build/bench/case.db):
-- the MFA rule's alerts from the table `trail`, event ids one per line (as ext_detect.sql).
.bail on
.load @EXT@
SELECT event_id FROM detect_mfa_deactivation('table:trail') ORDER BY 1;
