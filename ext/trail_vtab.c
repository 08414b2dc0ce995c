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
#include "source.h"
#include "trail_vtab.h"

typedef struct TrailVtab {
  sqlite3_vtab base;
  char *zPath;                   /* path given to CREATE VIRTUAL TABLE, or NULL */
  int bStrict;                   /* strict=1 given to CREATE VIRTUAL TABLE */
} TrailVtab;

typedef struct TrailCursor {
  sqlite3_vtab_cursor base;
  Source src;
  int bHaveFile;                 /* src holds a file whose records are being read */
  int bEof;
  int bStrict;
  char *zPath;                   /* the path this scan reads */
  SplitItem item;                /* the current record's place */
  Record rec;                    /* the current record */
  sqlite3_int64 iRowid;
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
  "path HIDDEN, strict HIDDEN)"
#define TRAIL_COL_LAST_DECODED  41
#define TRAIL_COL_SOURCE_FILE   42
#define TRAIL_COL_RECORD_INDEX  43
#define TRAIL_COL_RECORD        44
#define TRAIL_COL_PATH          45
#define TRAIL_COL_STRICT        46

static int trailDisconnect(sqlite3_vtab *pVtab){
  TrailVtab *p = (TrailVtab*)pVtab;
  sqlite3_free(p->zPath);
  sqlite3_free(p);
  return SQLITE_OK;
}

/* Options: a leading quoted path, path=..., strict=0|1. */
static int trailParseArg(TrailVtab *p, const char *zArg, char **pzErr){
  const char *zEq = strchr(zArg, '=');
  char *zVal = 0;
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
  if( (zEq-zArg==4 || (zEq-zArg>4 && zArg[4]==' ')) && sqlite3_strnicmp(zArg, "path", 4)==0 ){
    if( p->zPath ){
      sqlite3_free(zVal);
      *pzErr = sqlite3_mprintf("cloudtrail: more than one path");
      return SQLITE_ERROR;
    }
    p->zPath = zVal;
    return SQLITE_OK;
  }
  if( (zEq-zArg==6 || (zEq-zArg>6 && zArg[6]==' ')) && sqlite3_strnicmp(zArg, "strict", 6)==0 ){
    if( strcmp(zVal, "0")!=0 && strcmp(zVal, "1")!=0 ){
      *pzErr = sqlite3_mprintf("cloudtrail: strict must be 0 or 1, not '%s'", zVal);
      sqlite3_free(zVal);
      return SQLITE_ERROR;
    }
    p->bStrict = zVal[0]=='1';
    sqlite3_free(zVal);
    return SQLITE_OK;
  }
  sqlite3_free(zVal);
  *pzErr = sqlite3_mprintf("cloudtrail: unknown option '%.*s'", (int)(zEq-zArg), zArg);
  return SQLITE_ERROR;
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

/* In strict mode, the current file's first problem (or skip reason) is the error. */
static int trailStrictCheck(TrailCursor *c, int bFileDone){
  SourceFile *f = &c->src.file;
  char *zText;
  int rc;
  if( !c->bStrict ) return SQLITE_OK;
  if( f->prob.n==0 && !(bFileDone && source_status(&c->src)==STATUS_SKIPPED
                        && c->src.split.eFormat!=FMT_DIGEST) ){
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
  return rc;
}

/* Move to the next record, opening files as needed. */
static int trailAdvance(TrailCursor *c){
  int rc;
  for(;;){
    if( c->bHaveFile ){
      int bGot = source_next_record(&c->src, &c->item);
      rc = trailStrictCheck(c, !bGot);
      if( rc ) return rc;
      if( bGot ){
        record_set(&c->rec, source_bytes(&c->src), c->item.s, c->item.e, c->item.flags,
                   &c->item.idx);
        c->iRowid++;
        return SQLITE_OK;
      }
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
    rc = trailStrictCheck(c, 0);
    if( rc ) return rc;
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
      sqlite3_result_text(ctx, c->src.file.zPath, -1, SQLITE_TRANSIENT);
      break;
    case TRAIL_COL_RECORD_INDEX:
      sqlite3_result_int(ctx, c->item.iIndex);
      break;
    case TRAIL_COL_RECORD:
      return record_column(&c->rec, RD_record, ctx);
    case TRAIL_COL_PATH:
      sqlite3_result_text(ctx, c->zPath, -1, SQLITE_TRANSIENT);
      break;
    case TRAIL_COL_STRICT:
      sqlite3_result_int(ctx, c->bStrict);
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

/*
** idxNum bits, set by trailBestIndex:
**   1: argv[] holds the path (hidden column `path`)
**   2: argv[] holds strict, after the path when both are present
*/
static int trailFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  TrailCursor *c = (TrailCursor*)cur;
  TrailVtab *p = (TrailVtab*)cur->pVtab;
  const char *zPath = p->zPath;
  int i = 0, rc;
  (void)idxStr; (void)argc;
  trailReset(c);
  c->bStrict = p->bStrict;
  if( idxNum & 1 ){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return SQLITE_OK;   /* NULL: no rows */
    zPath = (const char*)sqlite3_value_text(argv[i++]);
    if( zPath==0 ) return SQLITE_NOMEM;
  }
  if( idxNum & 2 ){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return SQLITE_OK;
    c->bStrict = sqlite3_value_int(argv[i++])!=0;
  }
  if( zPath==0 ){
    return vtab_error(cur->pVtab, "cloudtrail: missing path argument: cloudtrail('folder')");
  }
  c->zPath = sqlite3_mprintf("%s", zPath);
  if( c->zPath==0 ) return SQLITE_NOMEM;
  rc = source_open(&c->src, zPath, cur->pVtab, "cloudtrail");
  if( rc ) return rc;
  c->bEof = 0;
  return trailAdvance(c);
}

static int trailBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  TrailVtab *p = (TrailVtab*)pVtab;
  int iPath = -1, iStrict = -1, bPathSeen = 0, i, n = 0;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    if( pC->iColumn==TRAIL_COL_PATH ){
      bPathSeen = 1;
      if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) iPath = i;
    }else if( pC->iColumn==TRAIL_COL_STRICT ){
      if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) iStrict = i;
    }
  }
  if( bPathSeen && iPath<0 ) return SQLITE_CONSTRAINT;   /* try another join order */
  pInfo->idxNum = 0;
  if( iPath<0 && p->zPath==0 ){
    /* No path: xFilter says so if this plan is used. Not an error here, because SQLite
    ** also asks about the terms of an OR on their own, without the argument. */
    pInfo->estimatedCost = 1e300;
    return SQLITE_OK;
  }
  if( iPath>=0 ){
    pInfo->aConstraintUsage[iPath].argvIndex = ++n;
    pInfo->aConstraintUsage[iPath].omit = 1;
    pInfo->idxNum |= 1;
  }
  if( iStrict>=0 ){
    pInfo->aConstraintUsage[iStrict].argvIndex = ++n;
    pInfo->aConstraintUsage[iStrict].omit = 1;
    pInfo->idxNum |= 2;
  }
  /* Every query reads every file: a scan is expensive whatever the plan. */
  pInfo->estimatedCost = 1e6;
  pInfo->estimatedRows = 100000;
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
