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
#include <stdlib.h>
#include <string.h>
#include "problem.h"
#include "record.h"
#include "filter.h"
#include "involves.h"
#include "source.h"
#include "group.h"
#include "trail_vtab.h"

typedef struct TrailVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  char *zPath;                   /* path given to CREATE VIRTUAL TABLE, or NULL */
  int bStrict;                   /* strict=1 given to CREATE VIRTUAL TABLE */
  int nThread;                   /* threads=N, or 0 for the number of cores */
  long long iMaxDelay;           /* max_delivery_delay in seconds */
  int abGiven[4];                /* path, strict, threads, max_delivery_delay were given */
  int bStored;                   /* a table of a database's schema (not TEMP, not eponymous) */
  int bCreated;                  /* options were given to CREATE VIRTUAL TABLE */
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
  int bGroup;                    /* rows come out grouped (GROUP BY; group.c) */
  Grouper grp;
  JsonBuf aText[GROUP_MAX_COL];  /* a row's group column values while it is noted */
  sqlite3_value *apConst[RF_COUNT];  /* a pushed exact "column = text": every row's value */
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
  "path HIDDEN, strict HIDDEN, threads HIDDEN, max_delivery_delay HIDDEN, copy INTEGER HIDDEN)"
#define TRAIL_COL_LAST_DECODED  41
#define TRAIL_COL_SOURCE_FILE   42
#define TRAIL_COL_RECORD_INDEX  43
#define TRAIL_COL_RECORD        44
#define TRAIL_COL_PATH          45
#define TRAIL_COL_STRICT        46
#define TRAIL_COL_THREADS       47
#define TRAIL_COL_MAX_DELAY     48
/* Hidden, so that SELECT * does not ask for it: counting copies reads every file of the
** walk (no pruning, no byte prefilter). Last, so it is never taken for an option. */
#define TRAIL_COL_COPY          49

/* The table-valued form takes its options by position, as hidden columns. */
#define TRAIL_POSITIONAL "cloudtrail(path, strict, threads, max_delivery_delay)"

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

/* Check option k (1 strict, 2 threads, 3 max_delivery_delay) written as zVal: its value,
** or -1 with *pzErr set to the same message in both forms. */
static long long option_value(int k, const char *zVal, char **pzErr){
  long long v;
  switch( k ){
    case 1:
      if( (v = option_int(zVal, 0, 1))<0 ){
        *pzErr = sqlite3_mprintf("cloudtrail: strict must be 0 or 1, not '%s'", zVal);
      }
      return v;
    case 2:
      if( (v = option_int(zVal, 1, 64))<0 ){
        *pzErr = sqlite3_mprintf("cloudtrail: threads must be from 1 to 64, not '%s'", zVal);
      }
      return v;
    default:
      if( (v = option_int(zVal, 0, 366*86400))<0 ){
        *pzErr = sqlite3_mprintf("cloudtrail: max_delivery_delay must be seconds from 0 to "
                                 "31622400, not '%s'", zVal);
      }
      return v;
  }
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
    p->abGiven[0] = 1;
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
    p->abGiven[0] = 1;
    return SQLITE_OK;
  }
  rc = SQLITE_ERROR;
  if( is_option(zArg, zEq, "strict") ){
    if( (v = option_value(1, zVal, pzErr))>=0 ){
      p->bStrict = (int)v;
      p->abGiven[1] = 1;
      rc = SQLITE_OK;
    }
  }else if( is_option(zArg, zEq, "threads") ){
    if( (v = option_value(2, zVal, pzErr))>=0 ){
      p->nThread = (int)v;
      p->abGiven[2] = 1;
      rc = SQLITE_OK;
    }
  }else if( is_option(zArg, zEq, "max_delivery_delay") ){
    if( (v = option_value(3, zVal, pzErr))>=0 ){
      p->iMaxDelay = v;
      p->abGiven[3] = 1;
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
  /* The eponymous table is connected with no arguments under its own name; any other
  ** table outside TEMP was written into a database file by whoever made it. */
  p->bStored = sqlite3_stricmp(argv[1], "temp")!=0
            && !(argc==3 && sqlite3_stricmp(argv[2], argv[0])==0);
  p->bCreated = argc>3;
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
  group_init(&c->grp);
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void trailReset(TrailCursor *c){
  int k;
  source_close(&c->src);
  group_free(&c->grp);
  group_init(&c->grp);
  for(k=0; k<GROUP_MAX_COL; k++) json_buf_free(&c->aText[k]);
  for(k=0; k<RF_COUNT; k++){
    sqlite3_value_free(c->apConst[k]);
    c->apConst[k] = 0;
  }
  c->bGroup = 0;
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
    if( !bFileDone && source_item_position(&c->src)<source_records_before_problem(&c->src) ){
      return SQLITE_OK;
    }
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
      rc = source_next_record_ex(&c->src, &c->pItem);
      if( rc!=SQLITE_ROW && rc!=SQLITE_DONE ) return rc;
      if( rc==SQLITE_ROW ){
        const SplitItem *it = c->pItem;
        /* strict: a record after the file's first problem raises it instead */
        rc = trailStrictCheck(c, 0);
        if( rc ) return rc;
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
    if( c->bGroup ){
      const SourceFile *f = source_file(&c->src);
      group_file(&c->grp, f->zPath, f->nSize);
    }
  }
}

/* A grouping error: the grouper's message, or the code alone. */
static int trailGroupError(TrailCursor *c, int rc){
  if( c->grp.zErr ){
    rc = vtab_error(c->base.pVtab, "%s", c->grp.zErr);
    sqlite3_free(c->grp.zErr);
    c->grp.zErr = 0;
  }
  return rc==SQLITE_OK ? SQLITE_ERROR : rc;
}

/* One pass over the files (the source is open): each row's group noted, the groups ready. */
static int trailGroupScan(TrailCursor *c){
  GroupVal aVal[GROUP_MAX_COL];
  int rc, k;
  for(;;){
    rc = trailAdvance(c);
    if( rc ) return rc;
    if( c->bEof ) break;
    rc = group_row_wanted(&c->grp);
    if( rc<0 ) return trailGroupError(c, SQLITE_NOMEM);
    if( rc==0 ) continue;
    for(k=0; k<c->grp.nCol; k++){
      rc = record_column_value(&c->rec, c->grp.aiCol[k], &c->aText[k], &aVal[k].eType, &aVal[k].i);
      if( rc ) return rc;
      aVal[k].z = c->aText[k].z;
      aVal[k].n = c->aText[k].n;
    }
    rc = group_row(&c->grp, aVal);
    if( rc ) return trailGroupError(c, rc);
  }
  rc = group_end_pass(&c->grp);
  if( rc ) return trailGroupError(c, rc);
  /* the rows now come from the grouper; the files are done with */
  source_close(&c->src);
  c->bHaveFile = 0;
  c->bEof = 0;
  return SQLITE_OK;
}

/* The next grouped row; past a pass's last group, the next pass over the files. */
static int trailGroupStep(TrailCursor *c){
  TrailVtab *p = (TrailVtab*)c->base.pVtab;
  int rc;
  group_next(&c->grp);
  while( group_eof(&c->grp) ){
    if( !group_more_passes(&c->grp) ){
      c->bEof = 1;
      return SQLITE_OK;
    }
    rc = group_begin_pass(&c->grp);
    if( rc ) return rc;
    c->iRowid = 0;
    rc = source_open(&c->src, c->zPath, p->db, c->base.pVtab, "cloudtrail", &c->filter,
                     c->nThread, c->bStrict);
    if( rc ) return rc;
    rc = trailGroupScan(c);
    if( rc ) return rc;
    group_next(&c->grp);
  }
  return SQLITE_OK;
}

static int trailNext(sqlite3_vtab_cursor *cur){
  TrailCursor *c = (TrailCursor*)cur;
  if( c->bGroup ) return trailGroupStep(c);
  return trailAdvance(c);
}

/* Column i of a grouped row: one of the group's values, the value an exact pushed
** equality gives every row, or an option. */
static int trailGroupColumn(TrailCursor *c, sqlite3_context *ctx, int i){
  GroupVal v;
  int k;
  for(k=0; k<c->grp.nCol && c->grp.aiCol[k]!=i; k++){}
  if( k==c->grp.nCol && i<RF_COUNT && c->apConst[i] ){
    sqlite3_result_value(ctx, c->apConst[i]);
    return SQLITE_OK;
  }
  if( k==c->grp.nCol ){
    /* xBestIndex grouped only queries that use no other column */
    return vtab_error(c->base.pVtab, "cloudtrail: column %d read from grouped rows", i);
  }
  group_value(&c->grp, k, &v);
  if( v.eType==SQLITE_TEXT ) sqlite3_result_text64(ctx, v.z, v.n, SQLITE_TRANSIENT, SQLITE_UTF8);
  else if( v.eType==SQLITE_INTEGER ) sqlite3_result_int64(ctx, v.i);
  return SQLITE_OK;
}

static int trailColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  TrailCursor *c = (TrailCursor*)cur;
  if( c->bGroup && i<TRAIL_COL_PATH ) return trailGroupColumn(c, ctx, i);
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
    case TRAIL_COL_COPY:
      sqlite3_result_int64(ctx, c->src.iCopy);
      break;
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
  TrailCursor *c = (TrailCursor*)cur;
  if( c->bGroup ){
    sqlite3_int64 iRowid;
    int rc = group_rowid(&c->grp, &iRowid);
    if( rc ) return trailGroupError(c, rc);
    *pRowid = iRowid;
    return SQLITE_OK;
  }
  *pRowid = c->iRowid;
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

/* A hidden argument of the table-valued form, checked as CREATE VIRTUAL TABLE checks it:
** *pv is its value. Returns SQLITE_OK, or an error with the same message. */
static int hidden_value(sqlite3_vtab *pVtab, int k, sqlite3_value *v, long long *pv){
  char *zErr = 0;
  int bBlob = sqlite3_value_type(v)==SQLITE_BLOB;
  const char *zVal = (const char*)sqlite3_value_text(v);
  if( zVal==0 ) return SQLITE_NOMEM;
  if( bBlob ) zVal = "(a blob)";
  *pv = option_value(k, zVal, &zErr);
  if( *pv>=0 ) return SQLITE_OK;
  if( zErr==0 ) return SQLITE_NOMEM;
  sqlite3_free(pVtab->zErrMsg);
  pVtab->zErrMsg = zErr;
  return SQLITE_ERROR;
}

/* Narrow [*pLo, *pHi] of the copy column by "<op> v" when v is a number. */
static void copy_bound(const char *zOp, size_t nOp, sqlite3_value *v, long long *pLo,
                       long long *pHi, int *pbNone){
  int t = sqlite3_value_type(v);
  double r;
  long long lo, hi;
  if( t==SQLITE_NULL ){ *pbNone = 1; return; }
  if( t!=SQLITE_INTEGER && t!=SQLITE_FLOAT ) return;   /* SQLite compares it itself */
  r = sqlite3_value_double(v);
  if( r>9e18 ) r = 9e18;
  if( r<-9e18 ) r = -9e18;
  lo = (long long)r;
  if( (double)lo>r ) lo--;                     /* floor */
  hi = (double)lo==r ? lo : lo+1;              /* ceil */
  if( nOp==1 && zOp[0]=='>' ){ if( lo+1>*pLo ) *pLo = lo+1; }
  else if( nOp==2 && zOp[0]=='>' ){ if( hi>*pLo ) *pLo = hi; }
  else if( nOp==1 && zOp[0]=='<' ){ if( hi-1<*pHi ) *pHi = hi-1; }
  else if( nOp==2 && zOp[0]=='<' ){ if( lo<*pHi ) *pHi = lo; }
  else if( lo!=hi ){ *pbNone = 1; }
  else{ if( lo>*pLo ) *pLo = lo; if( lo<*pHi ) *pHi = lo; }
}

/*
** idxStr names what each argv[] entry is, one comma-separated token per entry, in order:
**   path, strict, threads, max_delivery_delay       the hidden arguments
**   <column>= <column>IN                            a string equality, or an IN list
**   event_epoch> event_epoch>= event_epoch< event_epoch<= event_epoch=
**   eventTime> eventTime>= eventTime< eventTime<=     (text, checked on records only)
**   copy> copy>= copy< copy<= copy= copyIN           bounds on the copy number
**   involves                                        cloudtrail_involves(record, identities)
** idxNum bit 1: the path is among them; bit 2: the query uses `copy`, so this scan counts
** the deliveries of every eventID (no pruning, no byte prefilter); idxNum>>2, when not 0,
** is 1 + the hidden argument (0 path ... 3 max_delivery_delay) written as name=value.
*/
static int trailFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  TrailCursor *c = (TrailCursor*)cur;
  TrailVtab *p = (TrailVtab*)cur->pVtab;
  const char *zPath = p->zPath, *zTok = idxStr ? idxStr : "";
  int i = 0, rc, bNone = 0;
  long long v2, iCopyLo = 1, iCopyHi = (long long)1 << 62;
  static const char *azOpt[] = { "path", "strict", "threads", "max_delivery_delay" };
  trailReset(c);
  if( (idxNum>>2) & 7 ){
    return vtab_error(cur->pVtab, "cloudtrail: the table-valued form takes options by position, "
                      TRAIL_POSITIONAL "; name=value works only in CREATE VIRTUAL TABLE (%s is "
                      "read but not given)", azOpt[((idxNum>>2)&7)-1]);
  }
  if( p->bStored ){
    int bTrusted = 1;
    sqlite3_db_config(p->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &bTrusted);
    if( !bTrusted ){
      return vtab_error(cur->pVtab, "cloudtrail: a cloudtrail table stored in a database file "
        "reads files only with PRAGMA trusted_schema=ON; to read a folder, use "
        "cloudtrail('folder') or CREATE VIRTUAL TABLE temp.name USING cloudtrail(...)");
    }
  }
  c->bStrict = p->bStrict;
  c->nThread = p->nThread ? p->nThread : source_default_threads();
  c->iMaxDelay = p->iMaxDelay;
  for(i=0; i<argc && *zTok && *zTok!=';'; i++){
    size_t n = strcspn(zTok, ",;");
    sqlite3_value *v = argv[i];
    int eType = sqlite3_value_type(v), k;
#define TOK(z) (n==strlen(z) && memcmp(zTok, z, n)==0)
    if( TOK("path") ){
      if( eType==SQLITE_NULL ) bNone = 1;                 /* NULL argument: no rows */
      zPath = (const char*)sqlite3_value_text(v);
      if( zPath==0 && eType!=SQLITE_NULL ) return SQLITE_NOMEM;
    }else if( TOK("strict") || TOK("threads") || TOK("max_delivery_delay") ){
      int kOpt = TOK("strict") ? 1 : TOK("threads") ? 2 : 3;
      if( eType==SQLITE_NULL ){
        bNone = 1;
      }else{
        rc = hidden_value(cur->pVtab, kOpt, v, &v2);
        if( rc ) return rc;
        if( kOpt==1 ) c->bStrict = (int)v2;
        if( kOpt==2 ) c->nThread = (int)v2;
        if( kOpt==3 ) c->iMaxDelay = v2;
      }
    }else if( n>=5 && memcmp(zTok, "copy", 4)==0 && (zTok[4]=='<' || zTok[4]=='>'
                                                    || zTok[4]=='=' || zTok[4]=='I') ){
      if( zTok[4]=='I' ){
        /* an IN list: bounded by its smallest and largest numbers */
        long long lo = (long long)1 << 62, hi = 0;
        int bAll = 1, rcIn;
        sqlite3_value *pVal = 0;
        for(rcIn = sqlite3_vtab_in_first(v, &pVal); rcIn==SQLITE_OK && pVal;
            rcIn = sqlite3_vtab_in_next(v, &pVal)){
          long long a = 1, b = (long long)1 << 62;
          int bNo = 0;
          if( sqlite3_value_type(pVal)!=SQLITE_INTEGER && sqlite3_value_type(pVal)!=SQLITE_FLOAT
           && sqlite3_value_type(pVal)!=SQLITE_NULL ) bAll = 0;
          copy_bound("=", 1, pVal, &a, &b, &bNo);
          if( bNo || a>b ) continue;
          if( a<lo ) lo = a;
          if( b>hi ) hi = b;
        }
        if( rcIn!=SQLITE_OK && rcIn!=SQLITE_DONE ) return rcIn;
        if( bAll ){
          if( lo>iCopyLo ) iCopyLo = lo;
          if( hi<iCopyHi ) iCopyHi = hi;
        }
      }else{
        copy_bound(zTok+4, n-4, v, &iCopyLo, &iCopyHi, &bNone);
      }
    }else if( TOK("involves") ){
      /* cloudtrail_involves(record, identities): the reader keeps only their events */
      char *zErr = 0;
      rc = involves_parse(p->db, v, &c->filter.pWho, &zErr);
      if( rc ){
        if( zErr ){
          rc = vtab_error(cur->pVtab, "%s", zErr);
          sqlite3_free(zErr);
        }
        return rc;
      }
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
            rc = filter_add_str(&c->filter, aPush[k].iField, i, zVal, (size_t)sqlite3_value_bytes(pVal));
            if( rc ) return rc;
            nAdded++;
            if( !bIn && aPush[k].bExact && t==SQLITE_TEXT && aPush[k].iCol<RF_COUNT ){
              /* every row this scan keeps has this text in the column (grouped rows say so) */
              sqlite3_value_free(c->apConst[aPush[k].iCol]);
              c->apConst[aPush[k].iCol] = sqlite3_value_dup(pVal);
              if( c->apConst[aPush[k].iCol]==0 ) return SQLITE_NOMEM;
            }
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
  if( idxNum & 32 ){
    /* grouped output: ";" then the GROUP BY columns, each "a" or "d" (ascending) */
    const char *z = idxStr ? strchr(idxStr, ';') : 0;
    Grouper *g = &c->grp;
    for(z = z ? z+1 : 0; z && *z && g->nCol<GROUP_MAX_COL; ){
      char *zEnd;
      long iCol = strtol(z, &zEnd, 10);
      g->aiCol[g->nCol] = (int)iCol;
      g->abDesc[g->nCol] = *zEnd=='d';
      g->nCol++;
      z = zEnd + 1;
      if( *z==',' ) z++;
    }
    c->bGroup = g->nCol>0;
  }
  if( bNone || iCopyLo>iCopyHi ) return SQLITE_OK;
  if( zPath==0 ){
    return vtab_error(cur->pVtab, "cloudtrail: missing path argument: cloudtrail('folder')");
  }
  c->filter.iMaxDelay = c->iMaxDelay;
  c->zPath = sqlite3_mprintf("%s", zPath);
  if( c->zPath==0 ) return SQLITE_NOMEM;
  rc = source_open(&c->src, zPath, p->db, cur->pVtab, "cloudtrail", &c->filter, c->nThread,
                   c->bStrict);
  if( rc==SQLITE_OK && (idxNum & 2) ) rc = source_count_copies(&c->src, iCopyLo, iCopyHi);
  if( rc ) return rc;
  c->bEof = 0;
  if( c->bGroup ){
    rc = trailGroupScan(c);
    if( rc ) return rc;
    return trailGroupStep(c);
  }
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

/* Can this scan hand out its rows grouped? A GROUP BY (sqlite3_vtab_distinct() 1) on
** columns of few distinct values (a type, a name, a region, an account: never an id, a
** time or an address), when the query reads no other column but the options and those
** with an exact pushed equality on text (mConst: every kept row has that value): the
** grouped rows carry only their group's values. */
static int group_plan(sqlite3_index_info *pInfo, sqlite3_uint64 mConst){
  static const int aOk[] = {
    RF_eventVersion, RF_eventSource, RF_eventName, RF_awsRegion, RF_errorCode, RF_readOnly,
    RF_eventType, RF_apiVersion, RF_managementEvent, RF_recipientAccountId, RF_eventCategory,
    RD_user_type, RD_invoked_by, RD_mfa_authenticated, RD_user_name, RD_account_id, RD_outcome
  };
  sqlite3_uint64 mAllowed = ((sqlite3_uint64)1 << TRAIL_COL_PATH)
    | ((sqlite3_uint64)1 << TRAIL_COL_STRICT) | ((sqlite3_uint64)1 << TRAIL_COL_THREADS)
    | ((sqlite3_uint64)1 << TRAIL_COL_MAX_DELAY);
  int j, k;
  mAllowed |= mConst;
  if( pInfo->nOrderBy<1 || pInfo->nOrderBy>GROUP_MAX_COL ) return 0;
  if( sqlite3_vtab_distinct(pInfo)!=1 ) return 0;
  for(j=0; j<pInfo->nOrderBy; j++){
    int iCol = pInfo->aOrderBy[j].iColumn;
    for(k=0; k<(int)(sizeof(aOk)/sizeof(aOk[0])) && aOk[k]!=iCol; k++){}
    if( k==(int)(sizeof(aOk)/sizeof(aOk[0])) ) return 0;
    mAllowed |= (sqlite3_uint64)1 << iCol;
  }
  return (pInfo->colUsed & ~mAllowed)==0;
}

static int trailBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  TrailVtab *p = (TrailVtab*)pVtab;
  static const struct { int iCol; const char *zName; } aHidden[] = {
    { TRAIL_COL_PATH, "path" }, { TRAIL_COL_STRICT, "strict" },
    { TRAIL_COL_THREADS, "threads" }, { TRAIL_COL_MAX_DELAY, "max_delivery_delay" }
  };
  char *zIdx = 0;
  int aiHidden[4] = {-1, -1, -1, -1}, abSeen[4] = {0, 0, 0, 0}, i, k, n = 0, bCopy = 0;
  int iMisused = -1, nStrPushed = 0, bInvolves = 0;
  sqlite3_uint64 mConst = 0;           /* columns with an exact "= text" the scan checks */
  double rRows = 1e6;
  if( pInfo->colUsed & ((sqlite3_uint64)1 << TRAIL_COL_COPY) ) bCopy = 1;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    if( pC->iColumn==TRAIL_COL_COPY ) bCopy = 1;
    for(k=0; k<4; k++){
      if( pC->iColumn!=aHidden[k].iCol ) continue;
      abSeen[k] = 1;
      if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) aiHidden[k] = i;
    }
  }
  for(k=0; k<4; k++){
    /* cloudtrail('x', strict=1) reaches us as a term "strict = (strict=1)" that SQLite
    ** never offers (its right side reads this table), only as a use of the column: an
    ** option read but neither given by position nor at CREATE is that mistake. xFilter
    ** says so if this plan runs (an OR's terms are planned alone, without arguments). */
    if( !abSeen[k] && !p->bCreated && iMisused<0
     && (pInfo->colUsed & ((sqlite3_uint64)1 << aHidden[k].iCol)) ){
      iMisused = k;
    }
  }
  for(k=0; k<4; k++){
    /* an argument that is given, but not yet known: try another join order */
    if( abSeen[k] && aiHidden[k]<0 ) return SQLITE_CONSTRAINT;
  }
  pInfo->idxNum = iMisused>=0 ? 4*(iMisused+1) : 0;
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
  if( aiHidden[0]>=0 ) pInfo->idxNum |= 1;
  if( bCopy ) pInfo->idxNum |= 2;
  /* The constraints a scan checks before building rows. */
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    const char *zOp = 0, *zColl;
    sqlite3_value *pRhs = 0;
    if( !pC->usable ) continue;
    zColl = sqlite3_vtab_collation(pInfo, i);
    if( pC->iColumn==TRAIL_COL_COPY ){
      /* bounds skip records before rows are built; SQLite still checks each value */
      if( pC->op==SQLITE_INDEX_CONSTRAINT_EQ && sqlite3_vtab_in(pInfo, i, 1) ){
        zOp = "IN";
      }else{
        zOp = range_op(pC->op, 1);
        if( zOp==0 ) continue;
      }
      pInfo->aConstraintUsage[i].argvIndex = ++n;
      zIdx = sqlite3_mprintf("%z%s%s%s", zIdx, n>1 ? "," : "", "copy", zOp);
      if( zIdx==0 ) return SQLITE_NOMEM;
      continue;
    }
    if( pC->op==SQLITE_INDEX_CONSTRAINT_FUNCTION ){
      /* cloudtrail_involves(record, ...), the first only: exact, so SQLite need not call it */
      if( pC->iColumn!=TRAIL_COL_RECORD || bInvolves ) continue;
      bInvolves = 1;
      pInfo->aConstraintUsage[i].argvIndex = ++n;
      pInfo->aConstraintUsage[i].omit = 1;
      zIdx = sqlite3_mprintf("%z%s%s", zIdx, n>1 ? "," : "", "involves");
      if( zIdx==0 ) return SQLITE_NOMEM;
      rRows /= 20;
      continue;
    }
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
      if( nStrPushed>=FILTER_MAX_STR ) continue;          /* the rest: SQLite checks them */
      nStrPushed++;
      if( sqlite3_vtab_in(pInfo, i, 1) ){
        zOp = "IN";
      }else{
        zOp = "=";
        /* exact, so SQLite need not check it again, when the value is text */
        if( aPush[k].bExact && sqlite3_vtab_rhs_value(pInfo, i, &pRhs)==SQLITE_OK
         && pRhs && sqlite3_value_type(pRhs)==SQLITE_TEXT ){
          pInfo->aConstraintUsage[i].omit = 1;
          mConst |= (sqlite3_uint64)1 << pC->iColumn;
        }
      }
      pInfo->aConstraintUsage[i].argvIndex = ++n;
      zIdx = sqlite3_mprintf("%z%s%s%s", zIdx, n>1 ? "," : "", aPush[k].zName, zOp);
      rRows /= 20;
    }
    if( zIdx==0 ) return SQLITE_NOMEM;
  }
  if( !bCopy && group_plan(pInfo, mConst) ){
    /* the rows come grouped, so SQLite's GROUP BY needs no sorter (group.c) */
    int j;
    zIdx = sqlite3_mprintf("%z;", zIdx);
    for(j=0; zIdx && j<pInfo->nOrderBy; j++){
      zIdx = sqlite3_mprintf("%z%s%d%c", zIdx, j ? "," : "", pInfo->aOrderBy[j].iColumn,
                             pInfo->aOrderBy[j].desc ? 'd' : 'a');
    }
    if( zIdx==0 ) return SQLITE_NOMEM;
    pInfo->idxNum |= 32;
    pInfo->orderByConsumed = 1;
  }
  pInfo->idxStr = zIdx;
  pInfo->needToFreeIdxStr = 1;
  /* Every file is still opened (unless pruned); constraints mostly save building rows. */
  pInfo->estimatedRows = (sqlite3_int64)(rRows<1 ? 1 : rRows);
  pInfo->estimatedCost = 1e6 + rRows;
  return SQLITE_OK;
}

/* cloudtrail_involves(record, identities) becomes a constraint the reader applies. */
static int trailFindFunction(sqlite3_vtab *pVtab, int nArg, const char *zName,
                             void (**pxFunc)(sqlite3_context*, int, sqlite3_value**),
                             void **ppArg){
  (void)pVtab;
  if( nArg==2 && sqlite3_stricmp(zName, "cloudtrail_involves")==0 ){
    *pxFunc = involves_func;
    *ppArg = 0;
    return SQLITE_INDEX_CONSTRAINT_FUNCTION;
  }
  return 0;
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
  trailFindFunction,  /* xFindFunction */
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
