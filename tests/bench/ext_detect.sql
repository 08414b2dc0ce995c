-- cloudtrail extension, detect: the MFA rule's alerts (one row per distinct event), their
-- event ids one per line. @SOURCE@ is the corpus path, or a named cloudtrail table made by
-- @SETUP@ when BENCH_THREADS asks for a thread count.
.bail on
.load @EXT@
@SETUP@
SELECT event_id FROM detect_mfa_deactivation(@SOURCE@) ORDER BY 1;
