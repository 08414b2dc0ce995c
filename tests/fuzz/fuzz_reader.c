/*
** fuzz_reader.c: the raw bytes of one file through the whole reader.
**
** Each input is written to a file (gzip or not, any format: the reader decides from the
** content) in a private temporary folder, then read by every table:
**
**   cloudtrail(file, 0, 1) and cloudtrail(folder, 0, 2)  aggregates; must be identical
**   SELECT *, json_valid(record) FROM cloudtrail(file)   every column of every row
**   cloudtrail_files(folder)                             the hygiene report
**   detect_mfa_deactivation(file)                        every column of every alert
**   cloudtrail(file, 1)                                  strict mode (an error is fine)
**
** A single file is always read on the caller's thread, so the threads=2 scan is given the
** folder that holds it: the workers then read it.
**
** Invariants (a violation aborts):
**   - no query but the strict one ever fails (a damaged file is a report, not an error);
**   - the threads=1 and threads=2 aggregates are identical;
**   - the aggregates equal what a SELECT * of the same scan adds up to;
**   - count(*) equals the `records` column of cloudtrail_files for the file;
**   - every text value is valid UTF-8, no value is a blob, json_valid(record) is 1;
**   - outcome is never NULL, record_index strictly increases, source_file is the file;
**   - the report is consistent: status ok/warning/skipped/partial/error against records and error,
**     size and compressed match the bytes, account/region/time come from the name;
**   - strict mode succeeds with every record exactly when the file is ok (or a digest),
**     and otherwise fails after at most `records` rows, naming the file;
**   - detect_mfa_deactivation returns as many alerts as the rule, written in SQL over
**     the same file's rows, finds distinct events;
**   - a constraint with a value from the file's first or last row gives the same count
**     pushed down to the table as hidden from it (README: pushdown never changes an answer).
*/
#include "fuzz_common.h"

static sqlite3 *db;
static char *zDir;                 /* the private folder */
static char *zSub;                 /* zDir/d: holds the one file */
static char *zFile;                /* zSub/<AWS-style name> */

static sqlite3_stmt *pAgg;         /* ?1 path, ?2 threads */
static sqlite3_stmt *pRows;        /* ?1 path */
static sqlite3_stmt *pFiles;       /* ?1 path */
static sqlite3_stmt *pDetect;      /* ?1 path */
static sqlite3_stmt *pRule;        /* ?1 path: the rule in SQL */
static sqlite3_stmt *pStrictCount; /* ?1 path */
static sqlite3_stmt *pStrictRows;  /* ?1 path */

/* Pushdown: a constraint with a value taken from one of the file's own rows, pushed and
** hidden from the table (a subquery with LIMIT -1): the answers must be the same. */
static const struct { const char *zCol, *zCond; } aPush[] = {
  { "eventName",   "eventName = ?2" },
  { "eventSource", "eventSource IN (?2, 'x')" },
  { "actor",       "actor = ?2" },
  { "user_name",   "user_name = ?2" },
  { "account_id",  "account_id = ?2" },
  { "eventID",     "eventID = ?2" },
  { "event_epoch", "event_epoch >= ?2" },
  { "event_epoch", "event_epoch < ?2" },
  { "eventTime",   "eventTime > ?2" },
};
#define N_PUSH ((int)(sizeof(aPush)/sizeof(aPush[0])))
static sqlite3_stmt *apPushed[N_PUSH], *apPlain[N_PUSH];
static int aiPushCol[N_PUSH];
static int bInputHasNul;           /* the current input holds a NUL byte */

#define FILE_NAME "111122223333_CloudTrail_us-east-1_20260302T1010Z_FuzzFuzzFuzzFuzz.json"

/* Column numbers of SELECT * FROM cloudtrail, looked up by name once. */
static int iColActor, iColUserName, iColOutcome, iColEpoch, iColMfa, iColTarget,
           iColIndex, iColRecord, iColFile, iColEventTime, iColReadOnly, iColMgmt, iColValid;

static void cleanup(void){
  if( zFile ) unlink(zFile);
  if( zSub ) rmdir(zSub);
  if( zDir ) rmdir(zDir);
}

static int column_named(sqlite3_stmt *p, const char *zName){
  int i;
  for(i=0; i<sqlite3_column_count(p); i++){
    if( strcmp(sqlite3_column_name(p, i), zName)==0 ) return i;
  }
  fz_fail("no column %s", zName);
  return -1;
}

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv){
  int i;
  (void)pArgc; (void)pArgv;
  db = fz_open_db();
  zDir = fz_mkdtemp("cloudtrail_fuzz_reader");
  zSub = fz_join(zDir, "d");
  if( mkdir(zSub, 0700)!=0 ) fz_env_fail("mkdir");
  zFile = fz_join(zSub, FILE_NAME);
  atexit(cleanup);
  pAgg = fz_prepare(db,
      "SELECT count(*), sum(length(record)), count(actor), count(user_name), count(outcome),"
      " count(event_epoch), count(mfa_authenticated), count(target_user), max(record_index)"
      " FROM cloudtrail(?1, 0, ?2)");
  pRows = fz_prepare(db, "SELECT *, json_valid(record) AS fuzz_json_valid FROM cloudtrail(?1, 0, 1)");
  pFiles = fz_prepare(db, "SELECT * FROM cloudtrail_files(?1)");
  pDetect = fz_prepare(db, "SELECT * FROM detect_mfa_deactivation(?1)");
  pRule = fz_prepare(db,
      "SELECT count(DISTINCT CASE WHEN eventID IS NOT NULL AND eventID<>''"
      "   AND coalesce(json_type(record, '$.eventID'), 'text')='text'"
      "   THEN 'e:'||eventID ELSE 'r:'||record END)"
      " FROM cloudtrail(?1, 0, 1)"
      " WHERE +eventSource='iam.amazonaws.com'"
      "   AND +eventName IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')"
      "   AND (errorCode IS NULL OR errorCode=''"
      "        OR (coalesce(json_type(record, '$.errorCode'), '') IN ('object', 'array')"
      "            AND json_extract(record, '$.errorCode') IN ('{}', '[]')))"
      "   AND (errorMessage IS NULL OR errorMessage=''"
      "        OR (coalesce(json_type(record, '$.errorMessage'), '') IN ('object', 'array')"
      "            AND json_extract(record, '$.errorMessage') IN ('{}', '[]')))");
  pStrictCount = fz_prepare(db, "SELECT count(*) FROM cloudtrail(?1, 1)");
  pStrictRows = fz_prepare(db, "SELECT record_index FROM cloudtrail(?1, 1)");
  iColActor = column_named(pRows, "actor");
  iColUserName = column_named(pRows, "user_name");
  iColOutcome = column_named(pRows, "outcome");
  iColEpoch = column_named(pRows, "event_epoch");
  iColMfa = column_named(pRows, "mfa_authenticated");
  iColTarget = column_named(pRows, "target_user");
  iColIndex = column_named(pRows, "record_index");
  iColRecord = column_named(pRows, "record");
  iColFile = column_named(pRows, "source_file");
  iColEventTime = column_named(pRows, "eventTime");
  iColReadOnly = column_named(pRows, "readOnly");
  iColMgmt = column_named(pRows, "managementEvent");
  iColValid = column_named(pRows, "fuzz_json_valid");
  for(i=0; i<N_PUSH; i++){
    /* max_delivery_delay 0: the file's AWS-style name says nothing about its content */
    char *zSql = sqlite3_mprintf("SELECT count(*), total(record_index) FROM cloudtrail(?1, 0, 1, 0)"
                                 " WHERE %s", aPush[i].zCond);
    apPushed[i] = fz_prepare(db, zSql);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("SELECT count(*), total(record_index) FROM"
                           " (SELECT * FROM cloudtrail(?1, 0, 1) LIMIT -1) WHERE %s", aPush[i].zCond);
    apPlain[i] = fz_prepare(db, zSql);
    sqlite3_free(zSql);
    aiPushCol[i] = column_named(pRows, aPush[i].zCol);
  }
  if( sqlite3_column_count(pRows)!=46 ) fz_fail("SELECT * has %d columns, not 45", sqlite3_column_count(pRows)-1);
  return 0;
}

/* One aggregate row: 9 values, NULL as a flag. */
typedef struct Agg {
  sqlite3_int64 a[9];
  int bNull[9];
} Agg;

static void run_agg(const char *zPath, int nThread, Agg *pOut){
  int i;
  fz_bind_text(pAgg, 1, zPath, -1);
  fz_bind_int64(pAgg, 2, nThread);
  if( fz_step(pAgg, 0, "aggregate scan")!=SQLITE_ROW ) fz_fail("aggregate scan: no row");
  for(i=0; i<9; i++){
    int t = sqlite3_column_type(pAgg, i);
    if( t!=SQLITE_NULL && t!=SQLITE_INTEGER ) fz_fail("aggregate %d has type %d", i, t);
    pOut->bNull[i] = t==SQLITE_NULL;
    pOut->a[i] = sqlite3_column_int64(pAgg, i);
  }
  if( fz_step(pAgg, 0, "aggregate scan")!=SQLITE_DONE ) fz_fail("aggregate scan: two rows");
  fz_reset(pAgg);
}

static void agg_compare(const Agg *x, const Agg *y, const char *zWhat){
  int i;
  for(i=0; i<9; i++){
    if( x->bNull[i]!=y->bNull[i] || (!x->bNull[i] && x->a[i]!=y->a[i]) ){
      fz_fail("%s: aggregate %d differs: %s%lld vs %s%lld", zWhat, i,
              x->bNull[i] ? "NULL " : "", (long long)x->a[i],
              y->bNull[i] ? "NULL " : "", (long long)y->a[i]);
    }
  }
}

/* SELECT * over the file: check every value, and add up what the aggregate query says. */
static void run_rows(Agg *pOut, FzRows *pKeep){
  int rc, i, nCol = sqlite3_column_count(pRows);
  long long nRow = 0, nLen = 0, iPrev = -1;
  memset(pOut, 0, sizeof(*pOut));
  fz_bind_text(pRows, 1, zFile, -1);
  while( (rc = fz_step(pRows, 0, "SELECT * scan"))==SQLITE_ROW ){
    const unsigned char *zRec;
    long long iIndex;
    for(i=0; i<nCol; i++) fz_check_column(pRows, i, "SELECT * scan");
    nRow++;
    if( sqlite3_column_type(pRows, iColRecord)!=SQLITE_TEXT ) fz_fail("record is not text");
    zRec = sqlite3_column_text(pRows, iColRecord);
    nLen += fz_utf8_chars(zRec, (size_t)sqlite3_column_bytes(pRows, iColRecord));
    if( sqlite3_column_int(pRows, iColValid)!=1 ){
      fz_fail("json_valid(record) is 0 for row %lld: %.300s", nRow, zRec);
    }
    if( sqlite3_column_type(pRows, iColOutcome)==SQLITE_NULL ) fz_fail("outcome is NULL");
    if( sqlite3_column_type(pRows, iColEpoch)!=SQLITE_NULL
     && sqlite3_column_type(pRows, iColEventTime)!=SQLITE_TEXT ){
      fz_fail("event_epoch without a text eventTime");
    }
    for(i=0; i<3; i++){
      int iCol = i==0 ? iColMfa : i==1 ? iColReadOnly : iColMgmt;
      if( sqlite3_column_type(pRows, iCol)!=SQLITE_NULL ){
        sqlite3_int64 v = sqlite3_column_int64(pRows, iCol);
        if( sqlite3_column_type(pRows, iCol)!=SQLITE_INTEGER || (v!=0 && v!=1) ){
          fz_fail("column %s is not NULL, 0 or 1", sqlite3_column_name(pRows, iCol));
        }
      }
    }
    if( sqlite3_column_type(pRows, iColFile)!=SQLITE_TEXT
     || strcmp((const char*)sqlite3_column_text(pRows, iColFile), zFile)!=0 ){
      fz_fail("source_file is not the file");
    }
    if( sqlite3_column_type(pRows, iColIndex)!=SQLITE_INTEGER ) fz_fail("record_index not an integer");
    iIndex = sqlite3_column_int64(pRows, iColIndex);
    if( iIndex<=iPrev ) fz_fail("record_index %lld after %lld", iIndex, iPrev);
    iPrev = iIndex;
    if( sqlite3_column_type(pRows, iColActor)!=SQLITE_NULL ) pOut->a[2]++;
    if( sqlite3_column_type(pRows, iColUserName)!=SQLITE_NULL ) pOut->a[3]++;
    if( sqlite3_column_type(pRows, iColOutcome)!=SQLITE_NULL ) pOut->a[4]++;
    if( sqlite3_column_type(pRows, iColEpoch)!=SQLITE_NULL ) pOut->a[5]++;
    if( sqlite3_column_type(pRows, iColMfa)!=SQLITE_NULL ) pOut->a[6]++;
    if( sqlite3_column_type(pRows, iColTarget)!=SQLITE_NULL ) pOut->a[7]++;
    if( nRow==1 ) fz_rows_add(pKeep, pRows);
    else if( pKeep->nRow<2 ) fz_rows_add(pKeep, pRows);
    else{
      /* keep the latest row as the second */
      FzRows one;
      memset(&one, 0, sizeof(one));
      fz_rows_add(&one, pRows);
      for(i=0; i<nCol; i++){
        int k = nCol + i;
        free(pKeep->azText[k]);
        pKeep->aType[k] = one.aType[i];
        pKeep->aInt[k] = one.aInt[i];
        pKeep->azText[k] = one.azText[i];
        pKeep->anText[k] = one.anText[i];
        one.azText[i] = 0;
      }
      fz_rows_clear(&one);
    }
  }
  fz_reset(pRows);
  pOut->a[0] = nRow;
  pOut->a[1] = nLen;
  pOut->bNull[1] = nRow==0;
  pOut->a[8] = iPrev;
  pOut->bNull[8] = nRow==0;
}

/* Is zWord one of the space-separated words of zList? */
static int one_of(const char *zWord, const char *zList){
  size_t n = strlen(zWord);
  while( *zList ){
    size_t k = strcspn(zList, " ");
    if( k==n && memcmp(zList, zWord, n)==0 ) return 1;
    zList += k;
    while( *zList==' ' ) zList++;
  }
  return 0;
}

static void run_pushdown(const FzRows *pKeep){
  int iRow, i;
  for(iRow=0; iRow<pKeep->nRow; iRow++){
    for(i=0; i<N_PUSH; i++){
      int k = iRow*pKeep->nCol + aiPushCol[i], j;
      sqlite3_int64 n[2];
      double t[2];
      sqlite3_stmt *ap[2];
      ap[0] = apPushed[i];
      ap[1] = apPlain[i];
      if( pKeep->aType[k]!=SQLITE_TEXT && pKeep->aType[k]!=SQLITE_INTEGER ) continue;
      /* reported: a value holding U+FFFD (an invalid byte, repaired) is searched for as is */
      if( pKeep->aType[k]==SQLITE_TEXT && fz_ignore_known("pushdown-invalid-utf8")
       && fz_has_fffd(pKeep->azText[k], pKeep->anText[k]) ) continue;
      /* reported: a raw NUL cuts the derived identity columns short (cJSON), and the
      ** byte search then looks for a string that is not in the file */
      if( bInputHasNul && fz_ignore_known("pushdown-cjson-nul")
       && (strcmp(aPush[i].zCol, "actor")==0 || strcmp(aPush[i].zCol, "user_name")==0
           || strcmp(aPush[i].zCol, "account_id")==0) ) continue;
      /* reported: a value holding NUL (from \u0000) never matches a record with escapes */
      if( pKeep->aType[k]==SQLITE_TEXT && fz_ignore_known("pushdown-nul")
       && memchr(pKeep->azText[k], 0, (size_t)pKeep->anText[k]) ) continue;
      for(j=0; j<2; j++){
        fz_bind_text(ap[j], 1, zFile, -1);
        if( pKeep->aType[k]==SQLITE_TEXT ) fz_bind_text(ap[j], 2, pKeep->azText[k], pKeep->anText[k]);
        else fz_bind_int64(ap[j], 2, pKeep->aInt[k]);
        if( fz_step(ap[j], 0, aPush[i].zCond)!=SQLITE_ROW ) fz_fail("pushdown: no row");
        n[j] = sqlite3_column_int64(ap[j], 0);
        t[j] = sqlite3_column_double(ap[j], 1);
        fz_reset(ap[j]);
      }
      if( n[0]!=n[1] || t[0]!=t[1] ){
        char z[256];
        fz_fail("pushdown changes the answer: WHERE %s, ?2 = %s: %lld rows pushed, %lld not",
                aPush[i].zCond, fz_cell_text(pKeep, k, z, sizeof(z)), (long long)n[0], (long long)n[1]);
      }
    }
  }
}

typedef struct Report {
  long long nRecords;
  char zStatus[16];
  char zFormat[16];
  int bError;
} Report;

static void run_files(const uint8_t *data, size_t size, Report *pRep){
  int rc, i, nRow = 0;
  fz_bind_text(pFiles, 1, zSub, -1);
  while( (rc = fz_step(pFiles, 0, "cloudtrail_files"))==SQLITE_ROW ){
    const char *zStatus, *zFormat;
    for(i=0; i<sqlite3_column_count(pFiles); i++) fz_check_column(pFiles, i, "cloudtrail_files");
    nRow++;
    if( strcmp((const char*)sqlite3_column_text(pFiles, 0), zFile)!=0 ) fz_fail("files: wrong file");
    if( sqlite3_column_int64(pFiles, 1)!=(sqlite3_int64)size ) fz_fail("files: size %lld, not %zu",
        (long long)sqlite3_column_int64(pFiles, 1), size);
    if( sqlite3_column_int(pFiles, 2)!=(size>=2 && data[0]==0x1f && data[1]==0x8b) ){
      fz_fail("files: compressed is wrong");
    }
    zFormat = (const char*)sqlite3_column_text(pFiles, 3);
    if( zFormat==0 || !one_of(zFormat, "records array ndjson object eventbridge digest insight unknown") ){
      fz_fail("files: format '%s'", zFormat ? zFormat : "NULL");
    }
    pRep->nRecords = sqlite3_column_int64(pFiles, 4);
    if( sqlite3_column_type(pFiles, 4)!=SQLITE_INTEGER || pRep->nRecords<0 ) fz_fail("files: records");
    zStatus = (const char*)sqlite3_column_text(pFiles, 5);
    if( zStatus==0 ) fz_fail("files: status NULL");
    snprintf(pRep->zStatus, sizeof(pRep->zStatus), "%s", zStatus);
    snprintf(pRep->zFormat, sizeof(pRep->zFormat), "%s", zFormat);
    pRep->bError = sqlite3_column_type(pFiles, 6)!=SQLITE_NULL;
    if( strcmp(zStatus, "ok")==0 ){
      if( pRep->bError ) fz_fail("files: status ok with an error");
    }else if( strcmp(zStatus, "warning")==0 ){
      /* notes only: every record came back, and the report says what was irregular */
      if( !pRep->bError ) fz_fail("files: warning without error text");
    }else if( strcmp(zStatus, "partial")==0 ){
      if( !pRep->bError || pRep->nRecords==0 ) fz_fail("files: partial without error or records");
    }else if( strcmp(zStatus, "error")==0 ){
      if( !pRep->bError || pRep->nRecords!=0 ) fz_fail("files: error without error text, or with records");
    }else if( strcmp(zStatus, "skipped")==0 ){
      if( pRep->nRecords!=0 ) fz_fail("files: skipped with records");
      if( !pRep->bError && strcmp(zFormat, "digest")!=0 ) fz_fail("files: skipped without a reason");
    }else{
      fz_fail("files: status '%s'", zStatus);
    }
    if( strcmp(zFormat, "unknown")==0 && pRep->nRecords!=0 ) fz_fail("files: unknown format with records");
    if( sqlite3_column_type(pFiles, 7)!=SQLITE_TEXT
     || strcmp((const char*)sqlite3_column_text(pFiles, 7), "111122223333")!=0 ) fz_fail("files: account");
    if( sqlite3_column_type(pFiles, 8)!=SQLITE_TEXT
     || strcmp((const char*)sqlite3_column_text(pFiles, 8), "us-east-1")!=0 ) fz_fail("files: region");
    if( sqlite3_column_type(pFiles, 9)!=SQLITE_TEXT
     || strcmp((const char*)sqlite3_column_text(pFiles, 9), "2026-03-02T10:10:00Z")!=0 ) fz_fail("files: file_time");
  }
  fz_reset(pFiles);
  if( nRow!=1 ) fz_fail("cloudtrail_files: %d rows for one file", nRow);
}

static long long run_detect(void){
  int rc, i;
  long long n = 0;
  fz_bind_text(pDetect, 1, zFile, -1);
  while( (rc = fz_step(pDetect, 0, "detect_mfa_deactivation"))==SQLITE_ROW ){
    const char *zId;
    for(i=0; i<sqlite3_column_count(pDetect); i++) fz_check_column(pDetect, i, "detect_mfa_deactivation");
    zId = (const char*)sqlite3_column_text(pDetect, 0);
    if( zId==0 || strlen(zId)!=36 || zId[14]!='8' ) fz_fail("detect: alert_id '%s'", zId ? zId : "NULL");
    if( sqlite3_column_type(pDetect, 28)!=SQLITE_TEXT ) fz_fail("detect: record is not text");
    n++;
  }
  fz_reset(pDetect);
  return n;
}

static long long run_rule_sql(void){
  long long n;
  fz_bind_text(pRule, 1, zFile, -1);
  if( fz_step(pRule, 0, "rule in SQL")!=SQLITE_ROW ) fz_fail("rule in SQL: no row");
  n = sqlite3_column_int64(pRule, 0);
  fz_reset(pRule);
  return n;
}

static void run_strict(const Report *pRep){
  int rc, rc2, bShouldPass;
  long long nRow = 0, nCount = -1;
  /* count(*): SQLITE_ROW with the count, or the error */
  fz_bind_text(pStrictCount, 1, zFile, -1);
  rc = fz_step(pStrictCount, 1, "strict count");   /* (SQLITE_TOOBIG needs a 1 GB record) */
  if( rc==SQLITE_ROW ) nCount = sqlite3_column_int64(pStrictCount, 0);
  fz_reset(pStrictCount);
  /* row by row: how many come before the error */
  fz_bind_text(pStrictRows, 1, zFile, -1);
  while( (rc2 = fz_step(pStrictRows, 1, "strict scan"))==SQLITE_ROW ) nRow++;
  if( rc2==SQLITE_ERROR ){
    const char *zMsg = sqlite3_errmsg(db);
    char zWant[600];
    snprintf(zWant, sizeof(zWant), "cloudtrail: '%s'", zFile);
    if( strncmp(zMsg, zWant, strlen(zWant))!=0 ) fz_fail("strict: error does not name the file: %s", zMsg);
    if( !fz_utf8_valid((const unsigned char*)zMsg, strlen(zMsg)) ) fz_fail("strict: error not UTF-8");
  }
  fz_reset(pStrictRows);
  if( (rc==SQLITE_ROW)!=(rc2==SQLITE_DONE) ) fz_fail("strict: count(*) and the row scan disagree");
  bShouldPass = strcmp(pRep->zStatus, "ok")==0
             || (strcmp(pRep->zStatus, "skipped")==0 && strcmp(pRep->zFormat, "digest")==0);
  if( bShouldPass ){
    if( rc2!=SQLITE_DONE ) fz_fail("strict: fails on a file whose status is %s", pRep->zStatus);
    if( nRow!=pRep->nRecords || nCount!=pRep->nRecords ){
      fz_fail("strict: %lld rows (count %lld), the report says %lld", nRow, nCount, pRep->nRecords);
    }
  }else{
    if( rc2!=SQLITE_ERROR ) fz_fail("strict: no error on a file whose status is %s", pRep->zStatus);
    if( nRow>pRep->nRecords ) fz_fail("strict: %lld rows before the error, report says %lld records",
                                      nRow, pRep->nRecords);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  Agg agg1, agg2, rows;
  FzRows keep;
  Report rep;
  long long nAlert, nRule;
  fz_write_file(zFile, data, size);
  bInputHasNul = size>0 && memchr(data, 0, size)!=0;

  run_agg(zFile, 1, &agg1);
  run_agg(zSub, 2, &agg2);
  agg_compare(&agg1, &agg2, "threads=1 (file) vs threads=2 (folder)");

  memset(&keep, 0, sizeof(keep));
  run_rows(&rows, &keep);
  agg_compare(&agg1, &rows, "aggregate query vs SELECT * of the same scan");
  run_pushdown(&keep);
  fz_rows_clear(&keep);

  memset(&rep, 0, sizeof(rep));
  run_files(data, size, &rep);
  if( rep.nRecords!=agg1.a[0] ){
    fz_fail("count(*) is %lld, cloudtrail_files says %lld records", (long long)agg1.a[0], rep.nRecords);
  }

  nAlert = run_detect();
  nRule = run_rule_sql();
  if( nAlert!=nRule
   && !(fz_ignore_known("detect-event-id-nul")       /* reported: eventIDs cut at a NUL */
        && (memchr(data, 0, size) || memmem(data, size, "\\u0000", 6))) ){
    fz_fail("detect_mfa_deactivation gives %lld alerts, the rule in SQL finds %lld events",
            nAlert, nRule);
  }

  run_strict(&rep);
  return 0;
}
