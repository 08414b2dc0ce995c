-- cloudtrail extension, detect(): the MFA rule of the 2024-04-18 pack alone (rule_id
-- pushed down), its alert event ids one per line: the same answer as detect_mfa_deactivation.
.bail on
.load @EXT@
@SETUP@
SELECT event_id FROM detect(@SOURCE@)
 WHERE pack = '2024-04-18' AND rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958' ORDER BY 1;
