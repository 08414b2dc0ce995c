/*
** detect_vtab.c: `detect_mfa_deactivation(source [, since [, until]])` and
** `detect(source [, since [, until]])`, one row per alert.
**
**   SELECT * FROM detect_mfa_deactivation('cases/acme/AWSLogs');
**   SELECT * FROM detect_mfa_deactivation('trail', '2026-03-01T00:00:00Z');
**   SELECT rule_name, event_name FROM detect('cases/acme/AWSLogs') WHERE pack = '2026-08-21';
**
** Both are one module: detect_mfa_deactivation runs the built-in rule (rule_mfa.c, with
** its prefilters), detect the supported rules of a pack (rules.c, KQL: `query`, and
** `threshold` and `new_terms` replayed after the scan by replay.c), all of them in one pass
** over the records, each query compiled once per scan.
**
** `source` is 'table:NAME', a table or view with the reader's columns (at least `record`),
** or 'path:PATH', a file, folder or glob that is read directly; without a prefix, whichever
** of the two exists (both is an error: see detectScanSource).
** `since` and `until` (a date and time in any form SQLite's date functions accept, or Unix
** seconds) bound the event time, inclusive.
**
** Every hit is collected first (alerts are few), then duplicates are merged and the rest
** sorted, so that the rows are the same whatever the source: one alert per event (same
** eventID, or same record text when it has none), the copy kept being the one from the
** first file in sorted order, rows ordered by event time, then event id. A threshold or
** new_terms rule's hits are candidates that replay.c turns into that rule's alerts.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdlib.h>
#include <string.h>
#include "detect_vtab.h"
#include "problem.h"
#include "record.h"
#include "replay.h"
#include "sessions_vtab.h"
#include "rule_mfa.h"
#include "rules.h"
#include "sha256.h"
#include "source.h"
#include "walk.h"

/* A table of this module: which of the two it is. */
typedef struct DetectVtab {
  DbVtab base;                   /* first: the shared helpers take a DbVtab */
  int bMfa;                      /* 1: detect_mfa_deactivation; 0: detect */
  const char *zFunc;             /* its name, for errors */
} DetectVtab;

typedef struct DetectCursor {
  sqlite3_vtab_cursor base;
  int bMfa;                      /* as the table's */
  const char *zFunc;
  RuleSet rules;                 /* the rules this scan runs */
  char *zPack;                   /* detect: the pack run, for the pack column */
  Alert *aAlert;
  int nAlert, nAlloc;
  int iAlert;                    /* the current row */
  Record rec;                    /* the current alert's record */
  JsonBuf buf;                   /* scratch */
  sqlite3_value *apArg[3];       /* source, since, until, for the hidden columns */
  sqlite3_int64 iReadSince;      /* with since: the earliest event time the rules need */
  ReplaySeen *pSeen;             /* new_terms combinations seen so far (replay_seen) */
  int bKeepAll;                  /* keep every candidate's text (the scan is a second one) */
  char **azFile;                 /* the source_file names of the alerts (they borrow them) */
  int nFile, nFileAlloc;
  int aDone[RULE_BITS_MAX];      /* scratch: the rules a worker found matching a record */
  SessRow *aSess;                /* origin columns: the credentials of the source ... */
  int nSess;
  int *aSessOrder;               /* ... by access_key_id (bsearch) */
} DetectCursor;

#define DETECT_SCHEMA \
  "CREATE TABLE x(alert_id TEXT, rule_id TEXT, rule_name TEXT, severity TEXT," \
  "risk_score INTEGER, tactic_id TEXT, tactic_name TEXT, technique_id TEXT," \
  "technique_name TEXT, event_time TEXT, event_epoch INTEGER, event_id TEXT," \
  "event_name TEXT, event_source TEXT, aws_region TEXT, account_id TEXT, actor TEXT," \
  "user_type TEXT, user_name TEXT, user_arn TEXT, access_key_id TEXT," \
  "mfa_authenticated INTEGER, source_address TEXT, source_ip TEXT, user_agent TEXT," \
  "target_user TEXT, mfa_serial TEXT, source_file TEXT, record TEXT," \
  "source HIDDEN, since HIDDEN, until HIDDEN"
#define DETECT_SCHEMA_MFA DETECT_SCHEMA ", origin_arn TEXT, origin_chain TEXT)"
/* detect(): the same columns, then the rule's type, what a threshold or new_terms alert
** adds, and the pack (hidden: filters) */
#define DETECT_SCHEMA_ALL DETECT_SCHEMA ", rule_type TEXT, group_count INTEGER," \
  "group_terms TEXT, group_from TEXT, new_terms TEXT, origin_arn TEXT, origin_chain TEXT," \
  "pack HIDDEN)"
#define DETECT_COL_ALERT_ID       0
#define DETECT_COL_RULE_ID        1
#define DETECT_COL_RULE_NAME      2
#define DETECT_COL_SEVERITY       3
#define DETECT_COL_RISK_SCORE     4
#define DETECT_COL_TACTIC_ID      5
#define DETECT_COL_TACTIC_NAME    6
#define DETECT_COL_TECHNIQUE_ID   7
#define DETECT_COL_TECHNIQUE_NAME 8
#define DETECT_COL_FIRST_RECORD   9        /* 9..28 come from the record (aRecordCol) */
#define DETECT_COL_SOURCE_IP      23
#define DETECT_COL_MFA_SERIAL     26
#define DETECT_COL_SOURCE_FILE    27
#define DETECT_COL_SOURCE         29
#define DETECT_COL_SINCE          30
#define DETECT_COL_UNTIL          31
#define DETECT_COL_RULE_TYPE      32
#define DETECT_COL_GROUP_COUNT    33
#define DETECT_COL_GROUP_TERMS    34
#define DETECT_COL_GROUP_FROM     35
#define DETECT_COL_NEW_TERMS      36
#define DETECT_COL_ORIGIN_ARN     37       /* detect_mfa_deactivation: 32 (see detectCol) */
#define DETECT_COL_ORIGIN_CHAIN   38
#define DETECT_COL_PACK           39
#define DETECT_MFA_SHIFT (DETECT_COL_ORIGIN_ARN - DETECT_COL_RULE_TYPE)
#define DETECT_IDX_ORIGIN         64       /* idxNum: the origin columns are read */

/* record_column() numbers of columns 9..28; -1 where detectColumn computes the value. */
static const int aRecordCol[] = {
  RF_eventTime, RD_event_epoch, RF_eventID, RF_eventName, RF_eventSource, RF_awsRegion,
  RD_account_id, RD_actor, RD_user_type, RD_user_name, RD_user_arn, RD_access_key_id,
  RD_mfa_authenticated, RF_sourceIPAddress, -1 /* source_ip */, RF_userAgent,
  RD_target_user, -1 /* mfa_serial */, -1 /* source_file */, RD_record
};

/* pAux is non-zero for detect_mfa_deactivation. */
static int detectConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                         sqlite3_vtab **ppVtab, char **pzErr){
  DetectVtab *p;
  int rc;
  (void)argc; (void)argv; (void)pzErr;
  rc = sqlite3_declare_vtab(db, pAux ? DETECT_SCHEMA_MFA : DETECT_SCHEMA_ALL);
  if( rc ) return rc;
  p = sqlite3_malloc64(sizeof(*p));
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  p->base.db = db;                     /* the db, to read table sources */
  p->bMfa = pAux!=0;
  p->zFunc = pAux ? "detect_mfa_deactivation" : "detect";
  *ppVtab = &p->base.base;
  return SQLITE_OK;
}

static int detectOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  DetectCursor *c = sqlite3_malloc64(sizeof(*c));
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->bMfa = ((DetectVtab*)pVtab)->bMfa;
  c->zFunc = ((DetectVtab*)pVtab)->zFunc;
  *ppCursor = &c->base;
  return SQLITE_OK;
}

/* Forget the alerts and candidates of a scan. */
static void detectResetAlerts(DetectCursor *c){
  int i;
  for(i=0; i<c->nAlert; i++) alert_free(&c->aAlert[i]);
  sqlite3_free(c->aAlert);
  c->aAlert = 0;
  c->nAlert = c->nAlloc = c->iAlert = 0;
  for(i=0; i<c->nFile; i++) sqlite3_free(c->azFile[i]);
  sqlite3_free(c->azFile);
  c->azFile = 0;
  c->nFile = c->nFileAlloc = 0;
  replay_seen_free(c->pSeen);
  c->pSeen = 0;
}

static void detectReset(DetectCursor *c){
  int i;
  detectResetAlerts(c);
  c->bKeepAll = 0;
  for(i=0; i<3; i++){
    sqlite3_value_free(c->apArg[i]);
    c->apArg[i] = 0;
  }
  rules_free(&c->rules);
  sqlite3_free(c->zPack);
  c->zPack = 0;
  record_set(&c->rec, 0, 0, 0, 0, 0);
  sessions_rows_free(c->aSess, c->nSess);
  sqlite3_free(c->aSessOrder);
  c->aSess = 0;
  c->aSessOrder = 0;
  c->nSess = 0;
}

/* The origin columns: the credentials of the same source, read in a pass of their own
** (cloudtrail_sessions' reader and chains), ordered by access key id for detectOrigin. */
static __thread const SessRow *sortSessRows;     /* for cmpSess, on this thread */
static int cmpSess(const void *pa, const void *pb){
  const char *a = sortSessRows[*(const int*)pa].azCol[SESS_COL_ACCESS_KEY_ID];
  const char *b = sortSessRows[*(const int*)pb].azCol[SESS_COL_ACCESS_KEY_ID];
  return strcmp(a ? a : "", b ? b : "");
}
static int detectSessions(DetectCursor *c, sqlite3 *db, const char *zSource){
  Sessions s;
  int i, rc = sessions_init(&s);
  if( rc==SQLITE_OK ) rc = sessions_read(c->base.pVtab, db, c->zFunc, zSource, &s);
  if( rc==SQLITE_OK ) rc = sessions_resolve(&s, &c->aSess, &c->nSess);
  sessions_clear(&s);
  if( rc ) return rc;
  c->aSessOrder = sqlite3_malloc64(sizeof(int)*(c->nSess+1));
  if( c->aSessOrder==0 ) return SQLITE_NOMEM;
  for(i=0; i<c->nSess; i++) c->aSessOrder[i] = i;
  sortSessRows = c->aSess;
  qsort(c->aSessOrder, c->nSess, sizeof(int), cmpSess);
  return SQLITE_OK;
}

/* The credential row of the current alert's access key (its record's
** userIdentity.accessKeyId, decoded) into *ppRow, 0 when it has none: SQLITE_OK or
** SQLITE_NOMEM (never a silent "no origin"). */
static int detectOrigin(DetectCursor *c, const SessRow **ppRow){
  size_t vs, ve;
  int lo = 0, hi = c->nSess-1;
  *ppRow = 0;
  if( c->aSessOrder==0 ) return SQLITE_OK;
  if( !c->rec.bIndexed ){
    record_index(c->rec.z, c->rec.s, c->rec.e, &c->rec.idx);
    c->rec.bIndexed = 1;
  }
  if( !record_ident_span(c->rec.z, c->rec.s, &c->rec.idx, RD_access_key_id, &vs, &ve)
   || c->rec.z[vs]!='"' ) return SQLITE_OK;
  if( json_decode_string(c->rec.z, vs, ve, &c->buf) ) return SQLITE_NOMEM;
  while( lo<=hi ){
    int mid = (lo+hi)/2;
    const char *z = c->aSess[c->aSessOrder[mid]].azCol[SESS_COL_ACCESS_KEY_ID];
    int cmp = strcmp(z ? z : "", c->buf.z);
    if( cmp==0 ){ *ppRow = &c->aSess[c->aSessOrder[mid]]; break; }
    if( cmp<0 ) lo = mid+1; else hi = mid-1;
  }
  return SQLITE_OK;
}

static int detectClose(sqlite3_vtab_cursor *cur){
  DetectCursor *c = (DetectCursor*)cur;
  detectReset(c);
  record_clear(&c->rec);
  json_buf_free(&c->buf);
  sqlite3_free(c);
  return SQLITE_OK;
}

/* zFile as the scan's own copy (records come file by file: the last name is reused). */
static const char *detectFileName(DetectCursor *c, const char *zFile){
  if( c->nFile>0 && strcmp(c->azFile[c->nFile-1], zFile)==0 ) return c->azFile[c->nFile-1];
  if( c->nFile>=c->nFileAlloc ){
    int nNew = c->nFileAlloc ? c->nFileAlloc*2 : 16;
    char **aNew = sqlite3_realloc64(c->azFile, nNew*sizeof(char*));
    if( aNew==0 ) return 0;
    c->azFile = aNew;
    c->nFileAlloc = nNew;
  }
  c->azFile[c->nFile] = sqlite3_mprintf("%s", zFile);
  return c->azFile[c->nFile] ? c->azFile[c->nFile++] : 0;
}

/* Keep the record [s,e) of z as an alert of rule iRule (c->rec holds it). */
static int detectAdd(DetectCursor *c, int iRule, const char *z, size_t s, size_t e,
                     unsigned flags, const FieldIndex *pIdx, const char *zFile,
                     sqlite3_int64 iIndex, int bEpoch, long long t, int bSince,
                     sqlite3_int64 iSince){
  Alert *a;
  const Rule *m = &c->rules.a[iRule];
  const char *zRuleId = m->zRuleId;
  int rc;
  if( c->nAlert>=c->nAlloc ){
    int nNew = c->nAlloc ? c->nAlloc*2 : 16;
    Alert *aNew = sqlite3_realloc64(c->aAlert, nNew*sizeof(Alert));
    if( aNew==0 ) return SQLITE_NOMEM;
    c->aAlert = aNew;
    c->nAlloc = nNew;
  }
  a = &c->aAlert[c->nAlert];
  memset(a, 0, sizeof(*a));
  a->iRule = iRule;
  a->iIndex = iIndex;
  a->bEpoch = bEpoch;
  a->iEpoch = t;
  a->flags = flags;
  a->nRecord = e-s;
  c->nAlert++;
  if( zFile && (a->zFile = detectFileName(c, zFile))==0 ) return SQLITE_NOMEM;
  rc = record_text(&c->rec, RF_eventID, &c->buf);
  if( rc<0 ) return SQLITE_NOMEM;
  if( rc>0 ){
    a->zEventId = sqlite3_malloc64(c->buf.n+1);
    if( a->zEventId==0 ) return SQLITE_NOMEM;
    memcpy(a->zEventId, c->buf.z, c->buf.n+1);
    a->nEventId = c->buf.n;
  }
  if( m->eKind!=RULE_QUERY ){
    /* a candidate: its values now, while the rule's query has them decoded */
    rc = replay_event_keys(m, &c->rec, a);
    if( rc ) return rc;
    if( m->eKind==RULE_NEW_TERMS && a->zEventId && !c->bKeepAll ){
      /* the text of a candidate that cannot alert is not kept: one before since, or one
      ** whose every combination had an earlier event within the history window. (The
      ** merge checks that no alert lacks its text, else the scan runs again keeping all.) */
      int bOld = replay_seen(&c->pSeen, iRule, m, a);
      if( bOld<0 ) return SQLITE_NOMEM;
      if( bOld || (bSince && t<iSince) ) return SQLITE_OK;
    }
  }
  if( alert_set_record(a, z+s, e-s, pIdx) ) return SQLITE_NOMEM;
  /* a candidate with an event id gets its id if it alerts (replay_alert_ids) */
  if( m->eKind!=RULE_QUERY && a->zEventId ) return SQLITE_OK;
  if( a->zEventId==0 && (flags & (JSON_F_HIGH|JSON_F_CTRL)) ){
    /* no eventID: the id comes from the record's text as the record column gives it (valid
    ** UTF-8, control bytes escaped), so a file and a table made from it agree */
    if( json_repair(a->zRecord, 0, a->nRecord, &c->buf) ) return SQLITE_NOMEM;
    replay_alert_id(zRuleId, 0, 0, c->buf.z, c->buf.n, a->zAlertId);
  }else{
    replay_alert_id(zRuleId, a->zEventId, a->nEventId, a->zRecord, a->nRecord, a->zAlertId);
  }
  return SQLITE_OK;
}

/* Run every rule of the scan on the record [s,e) of z, and keep an alert for each rule it
** matches within the time bounds. The record's ECS values are decoded once, on c->rec,
** and shared by all the rules. When a worker has evaluated the rules (pRun->bDone), its
** answer is taken as it is. */
static int detectRecord(DetectCursor *c, const char *z, size_t s, size_t e, unsigned flags,
                        const FieldIndex *pIdx, const RuleBits *pRun, const char *zFile,
                        sqlite3_int64 iIndex,
                        int bSince, sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil){
  long long t = 0;
  int bEpoch = -1, i, k, nCand = 0, rc, bDone = pRun && pRun->bDone;
  const int *aCand;
  if( c->bMfa && !rule_mfa_match(z, s, pIdx) ) return SQLITE_OK;
  record_set(&c->rec, z, s, e, flags, pIdx);
  if( bDone ){
    int w;
    for(w=0; w<RULE_BITS_MAX/64; w++){
      unsigned long long b = pRun->a[w];
      while( b ){
        c->aDone[nCand++] = w*64 + __builtin_ctzll(b);
        b &= b-1;
      }
    }
    aCand = c->aDone;
  }else{
    /* only the rules whose key the record's event.action/event.provider can satisfy */
    rc = rules_candidates(&c->rules, &c->rec, &aCand, &nCand);
    if( rc ) return rc;
  }
  for(k=0; k<nCand; k++){
    const Rule *m;
    i = aCand[k];
    m = &c->rules.a[i];
    if( !bDone && m->pExpr ){
      rc = kql_match(m->pExpr, &c->rec);
      if( rc<0 ) return SQLITE_NOMEM;
      if( rc==0 ) continue;
    }
    if( bEpoch<0 ) bEpoch = record_epoch(&c->rec, &t);   /* once, for the first match */
    if( m->eKind==RULE_QUERY ){
      if( (bSince || bUntil) && !bEpoch ) continue;
      if( (bSince && t<iSince) || (bUntil && t>iUntil) ) continue;
    }else{
      /* threshold, new_terms: a candidate for replay.c; events before since are its
      ** history; an event with no time cannot be placed in it */
      if( !bEpoch ) continue;
      if( (bSince && t<replay_since(m, iSince)) || (bUntil && t>iUntil) ) continue;
    }
    rc = detectAdd(c, i, z, s, e, flags, pIdx, zFile, iIndex, bEpoch, t, bSince, iSince);
    if( rc ) return rc;
  }
  return SQLITE_OK;
}

/* Read the files behind a path, looking only at records that can match. */
static int detectScanPath(DetectCursor *c, const char *zPath,
                          int bSince, sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil){
  Source src;
  const SplitItem *pItem;
  Filter filter;
  int rc;
  /* For the MFA rule, workers drop every record the rule does not match, and every file
  ** whose bytes cannot hold one, so only hits come back here. */
  memset(&filter, 0, sizeof(filter));
  filter.bMfaRule = c->bMfa;
  filter.bLo = bSince;
  filter.iLo = bSince ? c->iReadSince : 0;    /* history before since (replay.c) */
  filter.bHi = bUntil;
  filter.iHi = iUntil;
  filter.iMaxDelay = 86400;      /* the cloudtrail table's default max_delivery_delay */
  /* detect: workers evaluate the rules and drop the records none matches (rules.c) */
  rc = rules_filter(&c->rules, &filter);
  if( rc ) return rc;
  rc = source_open(&src, zPath, ((DbVtab*)c->base.pVtab)->db, c->base.pVtab,
                   c->zFunc, &filter, source_default_threads(), 0);
  if( rc ){
    source_close(&src);
    return rc;
  }
  for(;;){
    rc = source_next_file(&src);
    if( rc ){
      rc = source_vtab_error(&src, c->base.pVtab, c->zFunc, rc);
      break;
    }
    if( src.bEof ) break;
    while( source_next_record(&src, &pItem) ){
      rc = detectRecord(c, source_bytes(&src), pItem->s, pItem->e, pItem->flags, &pItem->idx,
                     &pItem->run, source_file(&src)->zPath, pItem->iIndex, bSince, iSince, bUntil, iUntil);
      if( rc ) break;
    }
    if( rc ) break;
  }
  record_set(&c->rec, 0, 0, 0, 0, 0);
  source_close(&src);
  return rc;
}

/* Does zName name a table or view? Returns 1 and which optional columns it has. */
static int tableColumns(sqlite3 *db, const char *zName, int *pbRecord, int *pbFile,
                        int *pbIndex, int *pbName, int *pbSource, int *pRc){
  sqlite3_stmt *pStmt = 0;
  int bFound = 0;
  *pbRecord = *pbFile = *pbIndex = *pbName = *pbSource = 0;
  *pRc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_xinfo(?1)", -1, &pStmt, 0);
  if( *pRc ) return 0;
  sqlite3_bind_text(pStmt, 1, zName, -1, SQLITE_STATIC);
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    const char *zCol = (const char*)sqlite3_column_text(pStmt, 0);
    bFound = 1;
    if( zCol==0 ){ sqlite3_finalize(pStmt); *pRc = SQLITE_NOMEM; return 0; }
    if( sqlite3_stricmp(zCol, "record")==0 ) *pbRecord = 1;
    if( sqlite3_stricmp(zCol, "source_file")==0 ) *pbFile = 1;
    if( sqlite3_stricmp(zCol, "record_index")==0 ) *pbIndex = 1;
    if( sqlite3_stricmp(zCol, "eventName")==0 ) *pbName = 1;
    if( sqlite3_stricmp(zCol, "eventSource")==0 ) *pbSource = 1;
  }
  *pRc = sqlite3_finalize(pStmt);
  return *pRc ? 0 : bFound;
}

/* How deeply table sources are being read on this thread: a view that reads itself
** through this function (CREATE VIEW v AS SELECT * FROM detect_mfa_deactivation('v'))
** would otherwise recurse until the stack ran out. */
static __thread int nTableDepth;

/* The WHERE that reads only the rows the rule set's keys admit, from the table's eventName
** and eventSource columns (which hold what the reader decoded from each record's own bytes,
** as the keys are read): "" when some rule has no key or a needed column is missing (every
** row is read), " WHERE 0" when there is no rule; NULL when out of memory (*pRc says so, or
** is SQLITE_OK for a failed sqlite3_mprintf). An index on eventName makes it a lookup. */
static char *keysWhere(DetectCursor *c, int bName, int bSource, int *pRc){
  const FilterKeys *aKey = 0;
  const char *azCol[2] = { "eventName", "eventSource" };
  char *z;
  int k, i;
  *pRc = SQLITE_OK;
  if( c->bMfa ){
    return sqlite3_mprintf("%s", bName ?
        " WHERE eventName IN ('DeactivateMFADevice','DeleteVirtualMFADevice')" : "");
  }
  *pRc = rules_keys(&c->rules, &aKey);
  if( *pRc ) return 0;
  if( aKey==0 || (aKey[0].n && !bName) || (aKey[1].n && !bSource) ){
    return sqlite3_mprintf("%s", "");
  }
  if( aKey[0].n==0 && aKey[1].n==0 ) return sqlite3_mprintf(" WHERE 0");   /* no value */
  /* no constant "0 OR" in front: SQLite would then scan instead of using the index */
  z = sqlite3_mprintf(" WHERE");
  for(k=0; z && k<2; k++){
    if( aKey[k].n==0 ) continue;
    z = sqlite3_mprintf("%z%s %s IN (", z, k && aKey[0].n ? " OR" : "", azCol[k]);
    for(i=0; z && i<aKey[k].n; i++){
      z = sqlite3_mprintf("%z%s'%q'", z, i ? "," : "", aKey[k].az[i]);
    }
    if( z ) z = sqlite3_mprintf("%z)", z);
  }
  return z;
}

/* Read the records of a table or view. The rule is evaluated on each record's own text,
** exactly as for files; the keys' WHERE only spares reading the rest. */
static int detectScanTable(DetectCursor *c, sqlite3 *db, const char *zName, int bFile,
                           int bIndex, int bName, int bSource,
                           int bSince, sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil){
  sqlite3_stmt *pStmt = 0;
  char *zSql, *zWhere;
  int rc;
  if( nTableDepth>=8 ){
    return vtab_error(c->base.pVtab, "%s: '%s' reads itself", c->zFunc, zName);
  }
  zWhere = keysWhere(c, bName, bSource, &rc);
  if( zWhere==0 ) return rc ? rc : SQLITE_NOMEM;
  zSql = sqlite3_mprintf(
      "SELECT record, %s, %s FROM \"%w\"%s", bFile ? "source_file" : "NULL",
      bIndex ? "record_index" : "NULL", zName, zWhere);
  sqlite3_free(zWhere);
  if( zSql==0 ) return SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  sqlite3_free(zSql);
  if( rc==SQLITE_NOMEM ) return rc;
  if( rc ){
    return vtab_error(c->base.pVtab, "detect_mfa_deactivation: cannot read '%s': %s",
                      zName, sqlite3_errmsg(db));
  }
  nTableDepth++;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *z = (const char*)sqlite3_column_text(pStmt, 0);
    size_t n = (size_t)sqlite3_column_bytes(pStmt, 0), start, end;
    FieldIndex idx;
    unsigned flags = 0;
    if( z==0 ){
      if( sqlite3_column_type(pStmt, 0)!=SQLITE_NULL ){ rc = SQLITE_NOMEM; break; }
      continue;
    }
    start = json_ws(z, n, 0);
    if( start>=n || z[start]!='{' ) continue;         /* not a record: nothing to match */
    end = record_parse(z, n, start, &flags, &idx);
    if( end==(size_t)-1 || (c->bMfa && !rule_mfa_maybe(z, start, end)) ) continue;
    rc = detectRecord(c, z, start, end, flags, &idx, 0,
                   (const char*)sqlite3_column_text(pStmt, 1),
                   sqlite3_column_type(pStmt, 2)==SQLITE_NULL ? -1 : sqlite3_column_int64(pStmt, 2),
                   bSince, iSince, bUntil, iUntil);
    if( rc ) break;
  }
  nTableDepth--;
  record_set(&c->rec, 0, 0, 0, 0, 0);
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  if( rc && rc!=SQLITE_NOMEM && c->base.pVtab->zErrMsg==0 ){
    const char *zMsg = sqlite3_errmsg(db);
    size_t nFunc = strlen(c->zFunc);
    if( strncmp(zMsg, c->zFunc, nFunc)==0 && zMsg[nFunc]==':' ){
      vtab_error(c->base.pVtab, "%s", zMsg);     /* already says what and where */
    }else{
      vtab_error(c->base.pVtab, "%s: reading '%s': %s", c->zFunc, zName, zMsg);
    }
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/* Which source `zArg` names, and read it. 'table:NAME' is a table or view (in any attached
** schema), 'path:PATH' a file, folder or glob. Without a prefix, a name that is both an
** existing table or view and an existing path (or a glob that matches) is an error: a
** database file that holds a table named like the case folder must not decide, silently,
** what is read. Only one of them: that one. Neither: the path's own error. */
static int detectScanSource(DetectCursor *c, sqlite3 *db, const char *zArg,
                            int bSince, sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil){
  int bTable, bRecord, bFile, bIndex, bName, bSource, bPath = 0, rc;
  const char *zName = zArg;
  int eKind = 0;                   /* 1: table: prefix, 2: path: prefix, 0: neither */
  if( strncmp(zArg, "table:", 6)==0 ){ eKind = 1; zName = zArg+6; }
  else if( strncmp(zArg, "path:", 5)==0 ){ eKind = 2; zName = zArg+5; }
  if( eKind==2 ) return detectScanPath(c, zName, bSince, iSince, bUntil, iUntil);
  bTable = tableColumns(db, zName, &bRecord, &bFile, &bIndex, &bName, &bSource, &rc);
  if( rc ) return rc==SQLITE_NOMEM ? rc : vtab_error(c->base.pVtab,
      "%s: cannot look up table '%s': %s", c->zFunc, zName, sqlite3_errmsg(db));
  if( eKind==1 && !bTable ){
    return vtab_error(c->base.pVtab, "%s: no table or view named '%s'", c->zFunc, zName);
  }
  if( eKind==0 && bTable ){
    rc = walk_exists(zName, &bPath);      /* only then: not a table means the path anyway */
    if( rc ) return rc;
    if( bPath ){
      return vtab_error(c->base.pVtab, "%s: '%s' is both a table or view "
                        "and a path: write 'table:%s' for the table or 'path:%s' for the files",
                        c->zFunc, zName, zName, zName);
    }
  }
  if( !bTable ) return detectScanPath(c, zName, bSince, iSince, bUntil, iUntil);
  if( !bRecord ){
    return vtab_error(c->base.pVtab, "%s: '%s' has no record column "
                      "(it needs the cloudtrail table's columns)", c->zFunc, zName);
  }
  return detectScanTable(c, db, zName, bFile, bIndex, bName, bSource,
                         bSince, iSince, bUntil, iUntil);
}

/* Same rule and event? (The alert id is a function of both: the rule and the event id,
** else the record's text; a candidate's id waits for its alert, so ids are compared only
** for events without one.) */
static int cmpEvent(const Alert *a, const Alert *b){
  int r;
  if( a->iRule!=b->iRule ) return a->iRule<b->iRule ? -1 : 1;
  if( (a->zEventId==0)!=(b->zEventId==0) ) return a->zEventId==0 ? -1 : 1;
  if( a->zEventId==0 ) return strcmp(a->zAlertId, b->zAlertId);
  r = memcmp(a->zEventId, b->zEventId, a->nEventId<b->nEventId ? a->nEventId : b->nEventId);
  if( r ) return r;
  return a->nEventId<b->nEventId ? -1 : a->nEventId>b->nEventId;
}

/* Order for merging duplicates: rule and event, then first file in sorted order. */
static int cmpDup(const void *pa, const void *pb){
  const Alert *a = pa, *b = pb;
  int r = cmpEvent(a, b);
  if( r ) return r;
  if( a->zFile && b->zFile && (r = strcmp(a->zFile, b->zFile))!=0 ) return r;
  if( (a->zFile==0)!=(b->zFile==0) ) return a->zFile==0 ? 1 : -1;
  return a->iIndex<b->iIndex ? -1 : a->iIndex>b->iIndex;
}

/* Output order: event time (unknown first, as SQL sorts NULL), event id, alert id. */
static int cmpOut(const void *pa, const void *pb){
  return alert_cmp(pa, pb);
}

/* One alert per rule and event (the copy from the first file); threshold and new_terms
** candidates become their rules' alerts (replay.c); then the rows' order. */
/* An alert's place in the de-duplication sort: a hash of its rule and event first, so that
** most comparisons need not read the alert. */
typedef struct DupKey {
  unsigned long long h;
  const Alert *a;
} DupKey;

static int cmpDupKey(const void *pa, const void *pb){
  const DupKey *x = pa, *y = pb;
  if( x->h!=y->h ) return x->h<y->h ? -1 : 1;
  return cmpDup(x->a, y->a);
}

static int detectMerge(DetectCursor *c, int bSince, sqlite3_int64 iSince, int bUntil,
                       sqlite3_int64 iUntil){
  int i, n = 0, rc;
  if( c->nAlert>1 ){
    DupKey *aKey = sqlite3_malloc64(sizeof(DupKey)*c->nAlert);
    Alert *aNew = sqlite3_malloc64(sizeof(Alert)*c->nAlert);
    if( aKey==0 || aNew==0 ){
      sqlite3_free(aKey);
      sqlite3_free(aNew);
      return SQLITE_NOMEM;
    }
    for(i=0; i<c->nAlert; i++){
      const Alert *a = &c->aAlert[i];
      aKey[i].h = (a->zEventId ? replay_hash(a->zEventId, a->nEventId)
                   : replay_hash(a->zAlertId, strlen(a->zAlertId)) ^ 1)
                  * 31 + (unsigned long long)a->iRule;
      aKey[i].a = a;
    }
    qsort(aKey, c->nAlert, sizeof(DupKey), cmpDupKey);
    /* the first of each run of one rule and event is kept */
    for(i=0; i<c->nAlert; i++){
      if( n>0 && cmpEvent(&aNew[n-1], aKey[i].a)==0 ){
        alert_free((Alert*)aKey[i].a);
        continue;
      }
      aNew[n++] = *aKey[i].a;
    }
    sqlite3_free(aKey);
    sqlite3_free(c->aAlert);
    c->aAlert = aNew;
    c->nAlloc = c->nAlert;
  }else{
    n = c->nAlert;
  }
  c->nAlert = n;
  rc = replay_run(&c->rules, &c->aAlert, &c->nAlert, &c->nAlloc, bSince, iSince, bUntil, iUntil);
  if( rc ) return rc;
  for(i=0; i<c->nAlert; i++){
    if( c->aAlert[i].zRecord==0 ) return SQLITE_ABORT;     /* a text not kept: scan again */
  }
  replay_alert_ids(&c->rules, c->aAlert, c->nAlert);
  if( c->nAlert>1 ) qsort(c->aAlert, c->nAlert, sizeof(Alert), cmpOut);
  return SQLITE_OK;
}

/* since/until: NULL (no bound); a number, Unix seconds; or text in any form SQLite's date
** functions accept ('2026-03-03', '2026-03-03 12:00:00', '2026-03-03T12:00:00Z', ...), asked
** of SQLite itself, or else in a form eventTime may take (the reader's own parser: a 't', a
** '+0100' offset). Event times are whole seconds, so a bound with a fraction of a second
** rounds inward. Anything else (a blob too) is an error quoting the value. */
static int timeArg(DetectCursor *c, sqlite3 *db, sqlite3_value *v, const char *zWhich,
                   int bUpper, int *pbSet, sqlite3_int64 *piOut){
  sqlite3_stmt *pStmt = 0;
  const char *z, *q;
  long long t;
  int eType = v ? sqlite3_value_type(v) : SQLITE_NULL;   /* before any conversion */
  int bFrac = 0, rc;
  *pbSet = 0;
  if( eType==SQLITE_NULL ) return SQLITE_OK;
  if( eType==SQLITE_INTEGER ){
    *pbSet = 1;
    *piOut = sqlite3_value_int64(v);
    return SQLITE_OK;
  }
  if( eType==SQLITE_FLOAT ){
    double d = sqlite3_value_double(v);
    if( d>-9.0e18 && d<9.0e18 ){          /* also false for NaN */
      sqlite3_int64 i = (sqlite3_int64)d;  /* toward zero */
      if( (double)i!=d && !bUpper && d>0 ) i++;
      if( (double)i!=d && bUpper && d<0 ) i--;
      *pbSet = 1;
      *piOut = i;
      return SQLITE_OK;
    }
  }
  z = (const char*)sqlite3_value_text(v);
  if( z==0 ) return SQLITE_NOMEM;
  if( eType==SQLITE_TEXT ){
    /* unixepoch() rounds down to the second; %f shows whether a fraction was cut */
    rc = sqlite3_prepare_v2(db, "SELECT unixepoch(?1), "
                            "CAST(strftime('%f', ?1) AS REAL) > CAST(strftime('%S', ?1) AS INTEGER)",
                            -1, &pStmt, 0);
    if( rc==SQLITE_OK ){
      sqlite3_bind_text(pStmt, 1, z, -1, SQLITE_STATIC);
      if( sqlite3_step(pStmt)==SQLITE_ROW && sqlite3_column_type(pStmt, 0)==SQLITE_INTEGER ){
        *pbSet = 1;
        *piOut = sqlite3_column_int64(pStmt, 0);
        bFrac = sqlite3_column_int(pStmt, 1);
      }
      rc = sqlite3_finalize(pStmt);
    }
    if( rc==SQLITE_NOMEM ) return rc;
    if( rc ){
      return vtab_error(c->base.pVtab, "%s: %s: %s", c->zFunc, zWhich, sqlite3_errmsg(db));
    }
    if( *pbSet==0 && record_parse_time(z, strlen(z), &t) ){
      *pbSet = 1;
      *piOut = t;                          /* the seconds, any fraction cut */
      for(q=strchr(z, '.'); q && *++q>='0' && *q<='9'; ) bFrac |= *q!='0';
    }
    if( *pbSet ){
      if( bFrac && !bUpper ) (*piOut)++;
      return SQLITE_OK;
    }
  }
  return vtab_error(c->base.pVtab, "%s: %s must be a date and time "
                    "(any form SQLite's date functions accept) or Unix seconds, not %s'%s'",
                    c->zFunc, zWhich, eType==SQLITE_BLOB ? "the blob " : "", z);
}

/*
** idxNum bits, set by detectBestIndex:
**   1: argv[] holds source
**   2: argv[] holds since (after source)
**   4: argv[] holds until (after since)
**   8: argv[] holds pack (detect)
**  16: argv[] holds rule_id (detect)
**  32: ... as an IN list, all at once (sqlite3_vtab_in)
*/
static int detectFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                        int argc, sqlite3_value **argv){
  DetectCursor *c = (DetectCursor*)cur;
  DbVtab *p = (DbVtab*)cur->pVtab;
  sqlite3_value *aArg[5] = {0, 0, 0, 0, 0};
  sqlite3_int64 iSince = 0, iUntil = 0;
  int bSince, bUntil, i = 0, k, rc;
  const char *zSource;
  (void)idxStr; (void)argc;
  detectReset(c);
  for(k=0; k<5; k++){
    if( idxNum & (1<<k) ) aArg[k] = argv[i++];
  }
  if( aArg[0]==0 ){
    return vtab_error(cur->pVtab, "%s: missing source argument: %s('folder or table')",
                      c->zFunc, c->zFunc);
  }
  for(k=0; k<3; k++){
    if( aArg[k] && (c->apArg[k] = sqlite3_value_dup(aArg[k]))==0 ) return SQLITE_NOMEM;
  }
  if( sqlite3_value_type(aArg[0])==SQLITE_NULL ) return SQLITE_OK;   /* NULL: no rows */
  for(k=3; k<5; k++){                  /* pack = NULL, rule_id = NULL: no rows */
    if( k==4 && (idxNum & 32) ) continue;                 /* an IN list: see below */
    if( aArg[k] && sqlite3_value_type(aArg[k])==SQLITE_NULL ) return SQLITE_OK;
  }
  if( c->bMfa ){
    rc = rules_load_builtin(&c->rules);
  }else{
    const char *zPack = aArg[3] ? (const char*)sqlite3_value_text(aArg[3]) : RULES_DEFAULT_PACK;
    const char **azId = 0;
    int nId = -1;
    char *zErr = 0;
    if( zPack==0 ) return SQLITE_NOMEM;
    c->zPack = sqlite3_mprintf("%s", zPack);
    if( c->zPack==0 ) return SQLITE_NOMEM;
    rc = SQLITE_OK;
    if( aArg[4] ){
      /* rule_id = X, or rule_id IN (...) given all at once (idxNum 32): those rules only,
      ** in one pass (NULLs in the list name no rule) */
      sqlite3_value *v = 0;
      int nAlloc = 0;
      nId = 0;
      if( idxNum & 32 ) rc = sqlite3_vtab_in_first(aArg[4], &v); else v = aArg[4];
      while( rc==SQLITE_OK && v ){
        const char *z = (const char*)sqlite3_value_text(v);
        if( z==0 && sqlite3_value_type(v)!=SQLITE_NULL ){ rc = SQLITE_NOMEM; break; }
        if( z ){
          if( nId>=nAlloc ){
            const char **aNew;
            nAlloc = nAlloc ? nAlloc*2 : 8;
            aNew = sqlite3_realloc64((void*)azId, sizeof(char*)*nAlloc);
            if( aNew==0 ){ rc = SQLITE_NOMEM; break; }
            azId = aNew;
          }
          azId[nId++] = z;                /* valid until the next sqlite3_vtab_in_next */
          if( (idxNum & 32) && (azId[nId-1] = sqlite3_mprintf("%s", z))==0 ){
            rc = SQLITE_NOMEM;
            break;
          }
        }
        if( !(idxNum & 32) ) break;
        rc = sqlite3_vtab_in_next(aArg[4], &v);
      }
      if( rc==SQLITE_DONE ) rc = SQLITE_OK;
    }
    if( rc==SQLITE_OK ) rc = rules_load_queries(zPack, azId, nId, &c->rules, &zErr);
    if( rc==SQLITE_ERROR ){
      vtab_error(cur->pVtab, "%s: %s", c->zFunc, zErr ? zErr : "cannot load the rules");
    }
    sqlite3_free(zErr);
    if( idxNum & 32 ){
      for(k=0; k<nId; k++) sqlite3_free((void*)azId[k]);
    }
    sqlite3_free((void*)azId);
  }
  if( rc ) return rc;
  rc = timeArg(c, p->db, aArg[1], "since", 0, &bSince, &iSince);
  if( rc==SQLITE_OK ) rc = timeArg(c, p->db, aArg[2], "until", 1, &bUntil, &iUntil);
  if( rc ) return rc;
  c->iReadSince = iSince;
  for(k=0; k<c->rules.n; k++){
    sqlite3_int64 t = replay_since(&c->rules.a[k], iSince);
    if( t<c->iReadSince ) c->iReadSince = t;
  }
  zSource = (const char*)sqlite3_value_text(aArg[0]);
  if( zSource==0 ) return SQLITE_NOMEM;
  rc = detectScanSource(c, p->db, zSource, bSince, iSince, bUntil, iUntil);
  if( rc==SQLITE_OK ) rc = detectMerge(c, bSince, iSince, bUntil, iUntil);
  if( rc==SQLITE_ABORT ){
    /* a new_terms alert whose text the first scan judged it would never need (only when
    ** two copies of one event id differ): once more, keeping every candidate's text */
    detectResetAlerts(c);
    c->bKeepAll = 1;
    rc = detectScanSource(c, p->db, zSource, bSince, iSince, bUntil, iUntil);
    if( rc==SQLITE_OK ) rc = detectMerge(c, bSince, iSince, bUntil, iUntil);
  }
  if( rc ) return rc;
  if( (idxNum & DETECT_IDX_ORIGIN) && c->nAlert>0 ){
    rc = detectSessions(c, p->db, zSource);
    if( rc ) return rc;
  }
  if( c->nAlert>0 ){
    Alert *a = &c->aAlert[0];
    record_set(&c->rec, a->zRecord, 0, a->nRecord, a->flags, a->pIdx);
  }
  return SQLITE_OK;
}

static int detectNext(sqlite3_vtab_cursor *cur){
  DetectCursor *c = (DetectCursor*)cur;
  c->iAlert++;
  if( c->iAlert<c->nAlert ){
    Alert *a = &c->aAlert[c->iAlert];
    record_set(&c->rec, a->zRecord, 0, a->nRecord, a->flags, a->pIdx);
  }
  return SQLITE_OK;
}

static int detectEof(sqlite3_vtab_cursor *cur){
  DetectCursor *c = (DetectCursor*)cur;
  return c->iAlert>=c->nAlert;
}

/* detect_mfa_deactivation's origin columns follow its hidden ones (32, 33): as detect's. */
static int detectCol(const sqlite3_vtab *pVtab, int i){
  return ((const DetectVtab*)pVtab)->bMfa && i>=DETECT_COL_RULE_TYPE ? i + DETECT_MFA_SHIFT : i;
}

static int detectColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  DetectCursor *c = (DetectCursor*)cur;
  const Alert *a = &c->aAlert[c->iAlert];
  const Rule *m;
  i = detectCol(cur->pVtab, i);
  if( i==DETECT_COL_ORIGIN_ARN || i==DETECT_COL_ORIGIN_CHAIN ){
    const SessRow *pRow;
    const char *z;
    if( detectOrigin(c, &pRow) ) return SQLITE_NOMEM;
    z = pRow ? pRow->azCol[i==DETECT_COL_ORIGIN_ARN ? SESS_COL_ORIGIN_ARN : SESS_COL_CHAIN] : 0;
    if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  if( i==DETECT_COL_PACK ){
    if( c->zPack ) sqlite3_result_text(ctx, c->zPack, -1, SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  m = &c->rules.a[a->iRule];
  switch( i ){
    case DETECT_COL_ALERT_ID:
      sqlite3_result_text(ctx, a->zAlertId, -1, SQLITE_TRANSIENT);
      return SQLITE_OK;
    case DETECT_COL_RULE_ID:        sqlite3_result_text(ctx, m->zRuleId, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_RULE_NAME:      sqlite3_result_text(ctx, m->zName, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_SEVERITY:       sqlite3_result_text(ctx, m->zSeverity, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_RISK_SCORE:     sqlite3_result_int(ctx, m->iRiskScore); return SQLITE_OK;
    case DETECT_COL_TACTIC_ID:      sqlite3_result_text(ctx, m->zTacticId, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_TACTIC_NAME:    sqlite3_result_text(ctx, m->zTacticName, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_TECHNIQUE_ID:   sqlite3_result_text(ctx, m->zTechniqueId, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_TECHNIQUE_NAME: sqlite3_result_text(ctx, m->zTechniqueName, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_RULE_TYPE:      sqlite3_result_text(ctx, m->zType, -1, SQLITE_TRANSIENT); return SQLITE_OK;
    case DETECT_COL_GROUP_COUNT:
      if( a->zTerms ) sqlite3_result_int64(ctx, a->iCount);
      return SQLITE_OK;
    case DETECT_COL_GROUP_FROM:
      if( a->zTerms ){
        char zTime[32];
        replay_time_text(a->iFrom, zTime);
        sqlite3_result_text(ctx, zTime, -1, SQLITE_TRANSIENT);
      }
      return SQLITE_OK;
    case DETECT_COL_GROUP_TERMS:
    case DETECT_COL_NEW_TERMS: {
      /* values as the record holds them, repaired to valid UTF-8 as every text column */
      const char *zJson = i==DETECT_COL_GROUP_TERMS ? a->zTerms : a->zNewTerms;
      size_t n;
      if( zJson==0 ) return SQLITE_OK;
      n = strlen(zJson);
      if( !json_utf8_valid(zJson, n) ){
        if( json_utf8_repair(zJson, n, &c->buf) ) return SQLITE_NOMEM;
        sqlite3_result_text64(ctx, c->buf.z, c->buf.n, SQLITE_TRANSIENT, SQLITE_UTF8);
      }else{
        sqlite3_result_text64(ctx, zJson, n, SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      return SQLITE_OK;
    }
    case DETECT_COL_SOURCE_IP: {
      int rc = record_text(&c->rec, RF_sourceIPAddress, &c->buf);
      if( rc<0 ) return SQLITE_NOMEM;
      if( rc>0 && rule_is_ip(c->buf.z, c->buf.n) ){
        sqlite3_result_text(ctx, c->buf.z, (int)c->buf.n, SQLITE_TRANSIENT);
      }
      return SQLITE_OK;
    }
    case DETECT_COL_MFA_SERIAL:
      return record_request_param(&c->rec, "serialNumber", ctx);
    case DETECT_COL_SOURCE_FILE:
      if( a->zFile ) return record_result_name(ctx, a->zFile);
      return SQLITE_OK;
    case DETECT_COL_SOURCE:
    case DETECT_COL_SINCE:
    case DETECT_COL_UNTIL:
      if( c->apArg[i-DETECT_COL_SOURCE] ) sqlite3_result_value(ctx, c->apArg[i-DETECT_COL_SOURCE]);
      return SQLITE_OK;
  }
  if( i>=DETECT_COL_FIRST_RECORD && i<DETECT_COL_SOURCE ){
    return record_column(&c->rec, aRecordCol[i-DETECT_COL_FIRST_RECORD], ctx);
  }
  return SQLITE_OK;
}

static int detectRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  *pRowid = ((DetectCursor*)cur)->iAlert + 1;
  return SQLITE_OK;
}

static int detectBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  int aiArg[5] = {-1, -1, -1, -1, -1}, abSeen[3] = {0, 0, 0}, i, k, n = 0, bRuleIn = 0;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    if( !((DetectVtab*)pVtab)->bMfa && pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ
     && (pC->iColumn==DETECT_COL_PACK || pC->iColumn==DETECT_COL_RULE_ID)
     && sqlite3_stricmp(sqlite3_vtab_collation(pInfo, i), "BINARY")==0 ){
      /* detect: only the rules of that pack, or that rule, are loaded (exact strcmp: a
      ** NOCASE comparison is left to SQLite, over every rule of the default pack). An IN
      ** list on rule_id is taken all at once: one pass for its rules; on pack, one scan
      ** per pack (each value must load its own pack) */
      if( pC->iColumn==DETECT_COL_RULE_ID ) bRuleIn = sqlite3_vtab_in(pInfo, i, 1);
      aiArg[pC->iColumn==DETECT_COL_PACK ? 3 : 4] = i;
      continue;
    }
    k = pC->iColumn - DETECT_COL_SOURCE;
    if( k<0 || k>2 ) continue;
    abSeen[k] = 1;
    if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) aiArg[k] = i;
  }
  for(k=0; k<3; k++){
    if( abSeen[k] && aiArg[k]<0 ) return SQLITE_CONSTRAINT;   /* try another join order */
  }
  pInfo->idxNum = 0;
  {
    /* the origin columns cost a pass of their own: only when they are read */
    int iArn = ((DetectVtab*)pVtab)->bMfa ? DETECT_COL_ORIGIN_ARN - DETECT_MFA_SHIFT
                                          : DETECT_COL_ORIGIN_ARN;
    if( pInfo->colUsed & ((sqlite3_uint64)3 << iArn) ) pInfo->idxNum |= DETECT_IDX_ORIGIN;
  }
  for(k=0; k<5; k++){
    if( aiArg[k]<0 ) continue;
    pInfo->aConstraintUsage[aiArg[k]].argvIndex = ++n;
    /* pack and rule_id are checked again by SQLite (the column gives the same value) */
    pInfo->aConstraintUsage[aiArg[k]].omit = k<3;
    pInfo->idxNum |= 1<<k;
    if( k==4 && bRuleIn ) pInfo->idxNum |= 32;
  }
  if( aiArg[0]<0 ){
    /* No source: xFilter says so if this plan is used (see trailBestIndex). */
    pInfo->estimatedCost = 1e300;
    return SQLITE_OK;
  }
  pInfo->estimatedCost = 1e6;
  pInfo->estimatedRows = 10;
  return SQLITE_OK;
}

static sqlite3_module detectModule = {
  0,                  /* iVersion */
  0,                  /* xCreate: table-valued function only */
  detectConnect,      /* xConnect */
  detectBestIndex,    /* xBestIndex */
  vtab_disconnect,    /* xDisconnect */
  0,                  /* xDestroy */
  detectOpen,         /* xOpen */
  detectClose,        /* xClose */
  detectFilter,       /* xFilter */
  detectNext,         /* xNext */
  detectEof,          /* xEof */
  detectColumn,       /* xColumn */
  detectRowid,        /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* Not innocuous: given a path it reads files (see trail_vtab_register). */
int detect_vtab_register(sqlite3 *db){
  static int bMfa = 1;           /* pAux: non-zero for detect_mfa_deactivation */
  int rc = sqlite3_create_module(db, "detect_mfa_deactivation", &detectModule, &bMfa);
  if( rc==SQLITE_OK ) rc = sqlite3_create_module(db, "detect", &detectModule, 0);
  return rc;
}
