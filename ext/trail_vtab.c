/*
** trail_vtab.c: the `cloudtrail` virtual table, one row per CloudTrail record.
**
**   SELECT eventName, count(*) FROM cloudtrail('cases/acme/AWSLogs') GROUP BY 1;
**   CREATE VIRTUAL TABLE trail USING cloudtrail('cases/acme/AWSLogs');
**   CREATE VIRTUAL TABLE trail USING cloudtrail(path='cases/acme', strict=1);
**
** The path is a file, a directory (walked recursively in sorted order) or a glob where
** "**" matches any depth. Damaged input is skipped and reported by cloudtrail_files();
** with strict=1 the first problem is an SQL error instead.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "problem.h"
#include "record.h"
#include "filter.h"
#include "source.h"
#include "trail_vtab.h"

typedef struct TrailVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  char *zPath;                   /* path given to CREATE VIRTUAL TABLE, or NULL */
  int bStrict;                   /* strict=1 given to CREATE VIRTUAL TABLE */
  int nThread;                   /* threads=N, or 0 for the number of cores */
  long long iMaxDelay;           /* max_delivery_delay in seconds */
} TrailVtab;

typedef struct TrailCursor {
  sqlite3_vtab_cursor base;
  Source src;
  int bHaveFile;                 /* src holds a file whose records are being read */
  int bEof;
  int bStrict;
  char *zPath;                   /* the path this scan reads */
  const SplitItem *pItem;        /* the current record's place */
  int nFileRecords;              /* records of the current file handed out so far */
  Record rec;                    /* the current record */
  sqlite3_int64 iRowid;
  int nThread;                   /* this scan's options */
  long long iMaxDelay;
  Filter filter;                 /* the constraints pushed down to this scan */
} TrailCursor;

/* Columns 0..41 are record_column() numbers (RF_* then RD_*); the rest are here. */
#define TRAIL_SCHEMA \
  "CREATE TABLE x(" \
  "eventVersion TEXT, eventTime TEXT, eventSource TEXT, eventName TEXT, awsRegion TEXT," \
  "sourceIPAddress TEXT, userAgent TEXT, errorCode TEXT, errorMessage TEXT," \
  "requestParameters TEXT, responseElements TEXT, additionalEventData TEXT," \
  "requestID TEXT, eventID TEXT, readOnly INTEGER, resources TEXT, eventType TEXT," \
  "apiVersion TEXT, managementEvent INTEGER, recipientAccountId TEXT," \
  "serviceEventDetails TEXT, sharedEventID TEXT, vpcEndpointId TEXT, eventCategory TEXT," \
  "tlsDetails TEXT, sessionCredentialFromConsole TEXT, userIdentity TEXT," \
  "insightDetails TEXT," \
  "event_epoch INTEGER, user_type TEXT, user_arn TEXT, principal_id TEXT," \
  "access_key_id TEXT, invoked_by TEXT, session_issuer_arn TEXT, source_identity TEXT," \
  "mfa_authenticated INTEGER, user_name TEXT, account_id TEXT, actor TEXT, outcome TEXT," \
  "target_user TEXT," \
  "source_file TEXT, record_index INTEGER, record TEXT," \
  "path HIDDEN, strict HIDDEN, threads HIDDEN, max_delivery_delay HIDDEN)"
#define TRAIL_COL_LAST_DECODED  41
#define TRAIL_COL_SOURCE_FILE   42
#define TRAIL_COL_RECORD_INDEX  43
#define TRAIL_COL_RECORD        44
#define TRAIL_COL_PATH          45
#define TRAIL_COL_STRICT        46
#define TRAIL_COL_THREADS       47
#define TRAIL_COL_MAX_DELAY     48

#define DEFAULT_MAX_DELAY       86400     /* seconds: see README, "File pruning" */

static int trailDisconnect(sqlite3_vtab *pVtab){
  TrailVtab *p = (TrailVtab*)pVtab;
  sqlite3_free(p->zPath);
  sqlite3_free(p);
  return SQLITE_OK;
}

/* Is zArg "name=..." (spaces allowed around the name)? */
static int is_option(const char *zArg, const char *zEq, const char *zName){
  size_t n = strlen(zName);
  return sqlite3_strnicmp(zArg, zName, (int)n)==0
      && (zArg+n==zEq || (zArg[n]==' ' && zArg+n+strspn(zArg+n, " ")==zEq));
}

/* A whole number from min to max, or -1. */
static long long option_int(const char *z, long long iMin, long long iMax){
  long long v = 0;
  if( *z==0 ) return -1;
  for(; *z; z++){
    if( *z<'0' || *z>'9' || v>iMax ) return -1;
    v = v*10 + (*z-'0');
  }
  return v<iMin || v>iMax ? -1 : v;
}

/* Options: a leading quoted path, path=..., strict=0|1, threads=N, max_delivery_delay=S. */
static int trailParseArg(TrailVtab *p, const char *zArg, char **pzErr){
  const char *zEq = strchr(zArg, '=');
  char *zVal = 0;
  long long v;
  int rc;
  if( zEq==0 || zArg[0]=='\'' || zArg[0]=='"' ){
    if( p->zPath ){
      *pzErr = sqlite3_mprintf("cloudtrail: more than one path");
      return SQLITE_ERROR;
    }
    return vtab_dequote(zArg, &p->zPath);
  }
  rc = vtab_dequote(zEq+1 + strspn(zEq+1, " "), &zVal);
  if( rc ) return rc;
  if( is_option(zArg, zEq, "path") ){
    if( p->zPath ){
      sqlite3_free(zVal);
      *pzErr = sqlite3_mprintf("cloudtrail: more than one path");
      return SQLITE_ERROR;
    }
    p->zPath = zVal;
    return SQLITE_OK;
  }
  rc = SQLITE_ERROR;
  if( is_option(zArg, zEq, "strict") ){
    if( (v = option_int(zVal, 0, 1))<0 ){
      *pzErr = sqlite3_mprintf("cloudtrail: strict must be 0 or 1, not '%s'", zVal);
    }else{
      p->bStrict = (int)v;
      rc = SQLITE_OK;
    }
  }else if( is_option(zArg, zEq, "threads") ){
    if( (v = option_int(zVal, 1, 64))<0 ){
      *pzErr = sqlite3_mprintf("cloudtrail: threads must be from 1 to 64, not '%s'", zVal);
    }else{
      p->nThread = (int)v;
      rc = SQLITE_OK;
    }
  }else if( is_option(zArg, zEq, "max_delivery_delay") ){
    if( (v = option_int(zVal, 0, 366*86400))<0 ){
      *pzErr = sqlite3_mprintf("cloudtrail: max_delivery_delay must be seconds from 0 to "
                               "31622400, not '%s'", zVal);
    }else{
      p->iMaxDelay = v;
      rc = SQLITE_OK;
    }
  }else{
    *pzErr = sqlite3_mprintf("cloudtrail: unknown option '%.*s'", (int)(zEq-zArg), zArg);
  }
  sqlite3_free(zVal);
  if( rc && *pzErr==0 ) rc = SQLITE_NOMEM;          /* the message itself could not be made */
  return rc;
}

/* Both xCreate and xConnect: the module is eponymous (cloudtrail('path')) and can also
** be created as a named table. */
static int trailConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                        sqlite3_vtab **ppVtab, char **pzErr){
  TrailVtab *p;
  int rc, i;
  (void)pAux;
  rc = sqlite3_declare_vtab(db, TRAIL_SCHEMA);
  if( rc ) return rc;
  p = sqlite3_malloc64(sizeof(*p));
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  p->db = db;
  p->iMaxDelay = DEFAULT_MAX_DELAY;
  for(i=3; i<argc; i++){
    rc = trailParseArg(p, argv[i], pzErr);
    if( rc ){
      trailDisconnect(&p->base);
      return rc;
    }
  }
  *ppVtab = &p->base;
  return SQLITE_OK;
}

static int trailOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  TrailCursor *c = sqlite3_malloc64(sizeof(*c));
  (void)pVtab;
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->bEof = 1;
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void trailReset(TrailCursor *c){
  source_close(&c->src);
  filter_clear(&c->filter);
  record_clear(&c->rec);
  sqlite3_free(c->zPath);
  c->zPath = 0;
  c->bHaveFile = 0;
  c->bEof = 1;
  c->iRowid = 0;
}

static int trailClose(sqlite3_vtab_cursor *cur){
  TrailCursor *c = (TrailCursor*)cur;
  trailReset(c);
  sqlite3_free(c);
  return SQLITE_OK;
}

/* In strict mode, the current file's first problem (or skip reason) is the error, raised
** after the records that came before it. */
static int trailStrictCheck(TrailCursor *c, int bFileDone){
  SourceFile *f = source_file(&c->src);
  char *zText;
  int rc;
  if( !c->bStrict ) return SQLITE_OK;
  if( f->prob.n ){
    if( !bFileDone && c->nFileRecords<source_records_before_problem(&c->src) ) return SQLITE_OK;
  }else if( !bFileDone || source_status(&c->src)!=STATUS_SKIPPED || f->eFormat==FMT_DIGEST ){
    return SQLITE_OK;
  }
  zText = source_error_text(&c->src);
  if( zText==0 ) return SQLITE_NOMEM;
  if( f->prob.n==0 ){
    rc = vtab_error(c->base.pVtab, "cloudtrail: '%s' is not a CloudTrail log: %s", f->zPath, zText);
  }else if( f->prob.eAt==PROBLEM_NO_OFFSET ){
    rc = vtab_error(c->base.pVtab, "cloudtrail: '%s': %s", f->zPath, zText);
  }else{
    rc = vtab_error(c->base.pVtab, "cloudtrail: '%s' %s", f->zPath, zText);
  }
  sqlite3_free(zText);
  if( rc==SQLITE_ERROR && f->prob.n ) rc = f->prob.rc;
  return rc;
}

/* Move to the next record, opening files as needed. */
static int trailAdvance(TrailCursor *c){
  int rc;
  for(;;){
    if( c->bHaveFile ){
      int bGot;
      rc = trailStrictCheck(c, 0);
      if( rc ) return rc;
      bGot = source_next_record(&c->src, &c->pItem);
      if( bGot ){
        const SplitItem *it = c->pItem;
        record_set(&c->rec, source_bytes(&c->src), it->s, it->e, it->flags, &it->idx);
        c->nFileRecords++;
        c->iRowid++;
        return SQLITE_OK;
      }
      rc = trailStrictCheck(c, 1);
      if( rc ) return rc;
      c->bHaveFile = 0;
    }
    record_set(&c->rec, 0, 0, 0, 0, 0);
    rc = source_next_file(&c->src);
    if( rc ) return source_vtab_error(&c->src, c->base.pVtab, "cloudtrail", rc);
    if( c->src.bEof ){
      c->bEof = 1;
      return SQLITE_OK;
    }
    c->bHaveFile = 1;
    c->nFileRecords = 0;
  }
}

static int trailNext(sqlite3_vtab_cursor *cur){
  return trailAdvance((TrailCursor*)cur);
}

static int trailColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  TrailCursor *c = (TrailCursor*)cur;
  if( i<=TRAIL_COL_LAST_DECODED ) return record_column(&c->rec, i, ctx);
  switch( i ){
    case TRAIL_COL_SOURCE_FILE:
      return record_result_name(ctx, source_file(&c->src)->zPath);
      break;
    case TRAIL_COL_RECORD_INDEX:
      sqlite3_result_int(ctx, c->pItem->iIndex);
      break;
    case TRAIL_COL_RECORD:
      return record_column(&c->rec, RD_record, ctx);
    case TRAIL_COL_PATH:
      return record_result_name(ctx, c->zPath);
      break;
    case TRAIL_COL_STRICT:
      sqlite3_result_int(ctx, c->bStrict);
      break;
    case TRAIL_COL_THREADS:
      sqlite3_result_int(ctx, c->nThread);
      break;
    case TRAIL_COL_MAX_DELAY:
      sqlite3_result_int64(ctx, c->iMaxDelay);
      break;
  }
  return SQLITE_OK;
}

static int trailRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  *pRowid = ((TrailCursor*)cur)->iRowid;
  return SQLITE_OK;
}

static int trailEof(sqlite3_vtab_cursor *cur){
  return ((TrailCursor*)cur)->bEof;
}

/* The columns whose constraints a scan can use, and what it knows them as. */
typedef struct PushCol {
  int iCol;                      /* the table's column */
  int iField;                    /* RF_* or FX_* for the filter */
  const char *zName;             /* for idxStr */
  int bExact;                    /* the filter compares exactly what the column returns */
} PushCol;

static const PushCol aPush[] = {
  { RF_eventName,          RF_eventName,          "eventName",          1 },
  { RF_eventSource,        RF_eventSource,        "eventSource",        1 },
  { RF_awsRegion,          RF_awsRegion,          "awsRegion",          1 },
  { RF_recipientAccountId, RF_recipientAccountId, "recipientAccountId", 1 },
  { RF_eventID,            RF_eventID,            "eventID",            1 },
  { RD_account_id,         FX_account_id,         "account_id",         0 },
  { RD_actor,              FX_actor,              "actor",              0 },
  { RD_user_name,          FX_user_name,          "user_name",          0 },
};
#define N_PUSH ((int)(sizeof(aPush)/sizeof(aPush[0])))

/* Narrow the filter's event_epoch bounds by "<op> r" (op is zOp[0..nOp)). Event times
** are whole seconds, so bounds are rounded inward. */
static void epoch_bound(Filter *f, const char *zOp, size_t nOp, double r, int *pbNone){
  const double rMax = 4611686018427387904.0;     /* 2^62: beyond any time */
  long long lo, hi;
  if( r>rMax ) r = rMax;
  if( r<-rMax ) r = -rMax;
  lo = (long long)r;                           /* truncated toward zero */
  if( (double)lo>r ) lo--;                     /* lo = floor(r) */
  hi = (double)lo==r ? lo : lo+1;              /* hi = ceil(r) */
  if( nOp==1 && zOp[0]=='>' ){ lo = lo+1; hi = 0; }
  else if( nOp==2 && zOp[0]=='>' ){ lo = hi; hi = 0; }
  else if( nOp==1 && zOp[0]=='<' ){ hi = hi-1; lo = 0; }
  else if( nOp==2 && zOp[0]=='<' ){ hi = lo; lo = 0; }
  else{
    if( lo!=hi ) *pbNone = 1;                  /* = a fraction: never */
  }
  if( zOp[0]=='>' || zOp[0]=='=' ){
    if( !f->bLo || lo>f->iLo ) f->iLo = lo;
    f->bLo = 1;
  }
  if( zOp[0]=='<' || zOp[0]=='=' ){
    if( !f->bHi || hi<f->iHi ) f->iHi = hi;
    f->bHi = 1;
  }
}

/*
** idxStr names what each argv[] entry is, one comma-separated token per entry, in order:
**   path, strict, threads, max_delivery_delay       the hidden arguments
**   <column>= <column>IN                            a string equality, or an IN list
**   event_epoch> event_epoch>= event_epoch< event_epoch<= event_epoch=
**   eventTime> eventTime>= eventTime< eventTime<=     (text, checked on records only)
** idxNum is 1 when the path is among them.
*/
static int trailFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  TrailCursor *c = (TrailCursor*)cur;
  TrailVtab *p = (TrailVtab*)cur->pVtab;
  const char *zPath = p->zPath, *zTok = idxStr ? idxStr : "";
  int i = 0, rc, bNone = 0;
  (void)idxNum;
  trailReset(c);
  c->bStrict = p->bStrict;
  c->nThread = p->nThread ? p->nThread : source_default_threads();
  c->iMaxDelay = p->iMaxDelay;
  for(i=0; i<argc && *zTok; i++){
    size_t n = strcspn(zTok, ",");
    sqlite3_value *v = argv[i];
    int eType = sqlite3_value_type(v), k;
#define TOK(z) (n==strlen(z) && memcmp(zTok, z, n)==0)
    if( TOK("path") ){
      if( eType==SQLITE_NULL ) bNone = 1;                 /* NULL argument: no rows */
      zPath = (const char*)sqlite3_value_text(v);
    }else if( TOK("strict") ){
      if( eType==SQLITE_NULL ) bNone = 1;
      c->bStrict = sqlite3_value_int(v)!=0;
    }else if( TOK("threads") ){
      if( eType==SQLITE_NULL ) bNone = 1;
      c->nThread = sqlite3_value_int(v);
      if( c->nThread<1 ) c->nThread = 1;
    }else if( TOK("max_delivery_delay") ){
      if( eType==SQLITE_NULL ) bNone = 1;
      c->iMaxDelay = sqlite3_value_int64(v);
      if( c->iMaxDelay<0 ) c->iMaxDelay = 0;
    }else if( n>9 && memcmp(zTok, "eventTime", 9)==0 ){
      /* text bounds only; SQLite checks every eventTime comparison itself anyway */
      if( eType==SQLITE_TEXT ){
        int op = TOK("eventTime>") ? FILTER_GT : TOK("eventTime>=") ? FILTER_GE
               : TOK("eventTime<") ? FILTER_LT : FILTER_LE;
        rc = filter_add_time_text(&c->filter, op, (const char*)sqlite3_value_text(v),
                                  (size_t)sqlite3_value_bytes(v));
        if( rc ) return rc;
      }else if( eType==SQLITE_NULL ){
        bNone = 1;
      }
    }else if( n>11 && memcmp(zTok, "event_epoch", 11)==0 ){
      /* only numbers bound the epoch here; SQLite checks every range itself anyway */
      if( eType==SQLITE_INTEGER || eType==SQLITE_FLOAT ){
        epoch_bound(&c->filter, zTok+11, n-11, sqlite3_value_double(v), &bNone);
      }else if( eType==SQLITE_NULL ){
        bNone = 1;                                /* a comparison with NULL is never true */
      }
    }else{
      for(k=0; k<N_PUSH; k++){
        size_t nName = strlen(aPush[k].zName);
        if( n>nName && memcmp(zTok, aPush[k].zName, nName)==0 ) break;
      }
      if( k<N_PUSH ){
        int bIn = zTok[strlen(aPush[k].zName)]=='I';
        int nAdded = 0, rcIn = SQLITE_OK;
        sqlite3_value *pVal = v;
        if( bIn ) rcIn = sqlite3_vtab_in_first(v, &pVal);
        while( rcIn==SQLITE_OK && pVal ){
          int t = sqlite3_value_type(pVal);
          /* a NULL or a blob never equals the column's text */
          if( t!=SQLITE_NULL && t!=SQLITE_BLOB ){
            const char *zVal = (const char*)sqlite3_value_text(pVal);
            if( zVal==0 ) return SQLITE_NOMEM;
            rc = filter_add_str(&c->filter, aPush[k].iField, zVal, (size_t)sqlite3_value_bytes(pVal));
            if( rc ) return rc;
            nAdded++;
          }
          if( !bIn ) break;
          rcIn = sqlite3_vtab_in_next(v, &pVal);
        }
        if( rcIn!=SQLITE_OK && rcIn!=SQLITE_DONE ) return rcIn;
        if( nAdded==0 ) bNone = 1;
      }
    }
#undef TOK
    zTok += n;
    if( *zTok==',' ) zTok++;
  }
  if( bNone ) return SQLITE_OK;
  if( zPath==0 ){
    return vtab_error(cur->pVtab, "cloudtrail: missing path argument: cloudtrail('folder')");
  }
  c->filter.iMaxDelay = c->iMaxDelay;
  c->zPath = sqlite3_mprintf("%s", zPath);
  if( c->zPath==0 ) return SQLITE_NOMEM;
  rc = source_open(&c->src, zPath, p->db, cur->pVtab, "cloudtrail", &c->filter, c->nThread,
                   c->bStrict);
  if( rc ) return rc;
  c->bEof = 0;
  return trailAdvance(c);
}

/* idxStr's spelling of a range operator (and of = when bEq), or NULL. */
static const char *range_op(int op, int bEq){
  switch( op ){
    case SQLITE_INDEX_CONSTRAINT_GT: return ">";
    case SQLITE_INDEX_CONSTRAINT_GE: return ">=";
    case SQLITE_INDEX_CONSTRAINT_LT: return "<";
    case SQLITE_INDEX_CONSTRAINT_LE: return "<=";
    case SQLITE_INDEX_CONSTRAINT_EQ: return bEq ? "=" : 0;
  }
  return 0;
}

static int trailBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  TrailVtab *p = (TrailVtab*)pVtab;
  static const struct { int iCol; const char *zName; } aHidden[] = {
    { TRAIL_COL_PATH, "path" }, { TRAIL_COL_STRICT, "strict" },
    { TRAIL_COL_THREADS, "threads" }, { TRAIL_COL_MAX_DELAY, "max_delivery_delay" }
  };
  char *zIdx = 0;
  int aiHidden[4] = {-1, -1, -1, -1}, abSeen[4] = {0, 0, 0, 0}, i, k, n = 0;
  double rRows = 1e6;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    for(k=0; k<4; k++){
      if( pC->iColumn!=aHidden[k].iCol ) continue;
      abSeen[k] = 1;
      if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) aiHidden[k] = i;
    }
  }
  for(k=0; k<4; k++){
    /* an argument that is given, but not yet known: try another join order */
    if( abSeen[k] && aiHidden[k]<0 ) return SQLITE_CONSTRAINT;
  }
  pInfo->idxNum = 0;
  if( aiHidden[0]<0 && p->zPath==0 ){
    /* No path: xFilter says so if this plan is used. Not an error here, because SQLite
    ** also asks about the terms of an OR on their own, without the argument. */
    pInfo->estimatedCost = 1e300;
    return SQLITE_OK;
  }
  for(k=0; k<4; k++){
    if( aiHidden[k]<0 ) continue;
    pInfo->aConstraintUsage[aiHidden[k]].argvIndex = ++n;
    pInfo->aConstraintUsage[aiHidden[k]].omit = 1;
    zIdx = sqlite3_mprintf("%z%s%s", zIdx, n>1 ? "," : "", aHidden[k].zName);
    if( zIdx==0 ) return SQLITE_NOMEM;
  }
  if( aiHidden[0]>=0 ) pInfo->idxNum = 1;
  /* The constraints a scan checks before building rows. */
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    const char *zOp = 0, *zColl;
    sqlite3_value *pRhs = 0;
    if( !pC->usable ) continue;
    zColl = sqlite3_vtab_collation(pInfo, i);
    if( (pC->iColumn==RF_eventTime && (zColl==0 || sqlite3_stricmp(zColl, "BINARY")==0))
     || pC->iColumn==RD_event_epoch ){
      int bTime = pC->iColumn==RF_eventTime;
      zOp = range_op(pC->op, !bTime);
      if( zOp==0 ) continue;
      pInfo->aConstraintUsage[i].argvIndex = ++n;
      zIdx = sqlite3_mprintf("%z%s%s%s", zIdx, n>1 ? "," : "", bTime ? "eventTime" : "event_epoch", zOp);
      rRows /= 4;
    }else{
      for(k=0; k<N_PUSH && aPush[k].iCol!=pC->iColumn; k++){}
      if( k>=N_PUSH || pC->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
      if( zColl && sqlite3_stricmp(zColl, "BINARY")!=0 ) continue;
      if( sqlite3_vtab_in(pInfo, i, 1) ){
        zOp = "IN";
      }else{
        zOp = "=";
        /* exact, so SQLite need not check it again, when the value is text */
        if( aPush[k].bExact && sqlite3_vtab_rhs_value(pInfo, i, &pRhs)==SQLITE_OK
         && pRhs && sqlite3_value_type(pRhs)==SQLITE_TEXT ){
          pInfo->aConstraintUsage[i].omit = 1;
        }
      }
      pInfo->aConstraintUsage[i].argvIndex = ++n;
      zIdx = sqlite3_mprintf("%z%s%s%s", zIdx, n>1 ? "," : "", aPush[k].zName, zOp);
      rRows /= 20;
    }
    if( zIdx==0 ) return SQLITE_NOMEM;
  }
  pInfo->idxStr = zIdx;
  pInfo->needToFreeIdxStr = 1;
  /* Every file is still opened (unless pruned); constraints mostly save building rows. */
  pInfo->estimatedRows = (sqlite3_int64)(rRows<1 ? 1 : rRows);
  pInfo->estimatedCost = 1e6 + rRows;
  return SQLITE_OK;
}

static sqlite3_module trailModule = {
  0,                  /* iVersion */
  trailConnect,       /* xCreate: also usable as CREATE VIRTUAL TABLE */
  trailConnect,       /* xConnect */
  trailBestIndex,     /* xBestIndex */
  trailDisconnect,    /* xDisconnect */
  trailDisconnect,    /* xDestroy: nothing is stored */
  trailOpen,          /* xOpen */
  trailClose,         /* xClose */
  trailFilter,        /* xFilter */
  trailNext,          /* xNext */
  trailEof,           /* xEof */
  trailColumn,        /* xColumn */
  trailRowid,         /* xRowid */
  0,                  /* xUpdate: read-only */
  0,                  /* xBegin */
  0,                  /* xSync */
  0,                  /* xCommit */
  0,                  /* xRollback */
  0,                  /* xFindFunction */
  0,                  /* xRename */
  0,                  /* xSavepoint */
  0,                  /* xRelease */
  0,                  /* xRollbackTo */
  0                   /* xShadowName */
};

/* Not innocuous: it reads files. A database's own views and triggers cannot use it when
** PRAGMA trusted_schema is off, so opening a hostile .db cannot read files through it. */
int trail_vtab_register(sqlite3 *db){
  return sqlite3_create_module(db, "cloudtrail", &trailModule, 0);
}
