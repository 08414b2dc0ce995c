/*
** files_vtab.c: `cloudtrail_files(path)`, the hygiene report: one row per file found.
**
**   SELECT status, count(*) FROM cloudtrail_files('cases/acme') GROUP BY 1;
**   SELECT file, error FROM cloudtrail_files('cases/acme') WHERE status<>'ok';
**
** Each file is read and split exactly as the cloudtrail table reads it, so `records` is
** the number of rows that file gives there.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "files_vtab.h"
#include "problem.h"
#include "record.h"
#include "source.h"

typedef struct FilesCursor {
  sqlite3_vtab_cursor base;
  Source src;
  char *zPath;                   /* the argument */
  char *zError;                  /* the current file's problem text */
  int eStatus;                   /* the current file's STATUS_* */
  sqlite3_int64 iRowid;
  int bEof;
} FilesCursor;

#define FILES_SCHEMA \
  "CREATE TABLE x(file TEXT, size INTEGER, compressed INTEGER, format TEXT," \
  "records INTEGER, status TEXT, error TEXT, account TEXT, region TEXT, file_time TEXT," \
  "path HIDDEN)"
#define FILES_COL_FILE        0
#define FILES_COL_SIZE        1
#define FILES_COL_COMPRESSED  2
#define FILES_COL_FORMAT      3
#define FILES_COL_RECORDS     4
#define FILES_COL_STATUS      5
#define FILES_COL_ERROR       6
#define FILES_COL_ACCOUNT     7
#define FILES_COL_REGION      8
#define FILES_COL_FILE_TIME   9
#define FILES_COL_PATH        10

static int filesConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                        sqlite3_vtab **ppVtab, char **pzErr){
  (void)pAux; (void)argc; (void)argv; (void)pzErr;
  return vtab_connect_db(db, FILES_SCHEMA, ppVtab);
}

static int filesOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  FilesCursor *c = sqlite3_malloc64(sizeof(*c));
  (void)pVtab;
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->bEof = 1;
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void filesReset(FilesCursor *c){
  source_close(&c->src);
  sqlite3_free(c->zPath);
  sqlite3_free(c->zError);
  c->zPath = 0;
  c->zError = 0;
  c->bEof = 1;
  c->iRowid = 0;
}

static int filesClose(sqlite3_vtab_cursor *cur){
  FilesCursor *c = (FilesCursor*)cur;
  filesReset(c);
  sqlite3_free(c);
  return SQLITE_OK;
}

/* Read the next file through to its end so that its counts and status are final. */
static int filesNext(sqlite3_vtab_cursor *cur){
  FilesCursor *c = (FilesCursor*)cur;
  int rc;
  sqlite3_free(c->zError);
  c->zError = 0;
  rc = source_next_file(&c->src);
  if( rc ) return source_vtab_error(&c->src, cur->pVtab, "cloudtrail_files", rc);
  if( c->src.bEof ){
    c->bEof = 1;
    return SQLITE_OK;
  }
  c->eStatus = source_status(&c->src);
  if( source_file(&c->src)->prob.n || source_file(&c->src)->zSkip ){
    c->zError = source_error_text(&c->src);
    if( c->zError==0 ) return SQLITE_NOMEM;
  }
  c->iRowid++;
  return SQLITE_OK;
}

static int filesColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  FilesCursor *c = (FilesCursor*)cur;
  const SourceFile *f = source_file(&c->src);
  switch( i ){
    case FILES_COL_FILE:
      return record_result_name(ctx, f->zPath);
      break;
    case FILES_COL_SIZE:
      sqlite3_result_int64(ctx, f->nSize);
      break;
    case FILES_COL_COMPRESSED:
      sqlite3_result_int(ctx, f->bCompressed);
      break;
    case FILES_COL_FORMAT:
      sqlite3_result_text(ctx, split_format_name(f->eFormat), -1, SQLITE_STATIC);
      break;
    case FILES_COL_RECORDS:
      sqlite3_result_int(ctx, f->nRecords);
      break;
    case FILES_COL_STATUS:
      sqlite3_result_text(ctx, source_status_name(c->eStatus), -1, SQLITE_STATIC);
      break;
    case FILES_COL_ERROR:
      if( c->zError ) sqlite3_result_text(ctx, c->zError, -1, SQLITE_TRANSIENT);
      break;
    case FILES_COL_ACCOUNT:
      if( f->name.zAccount[0] ) sqlite3_result_text(ctx, f->name.zAccount, -1, SQLITE_TRANSIENT);
      break;
    case FILES_COL_REGION:
      if( f->name.zRegion[0] ) sqlite3_result_text(ctx, f->name.zRegion, -1, SQLITE_TRANSIENT);
      break;
    case FILES_COL_FILE_TIME:
      if( f->name.zTime[0] ) sqlite3_result_text(ctx, f->name.zTime, -1, SQLITE_TRANSIENT);
      break;
    case FILES_COL_PATH:
      return record_result_name(ctx, c->zPath);
      break;
  }
  return SQLITE_OK;
}

static int filesRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  *pRowid = ((FilesCursor*)cur)->iRowid;
  return SQLITE_OK;
}

static int filesEof(sqlite3_vtab_cursor *cur){
  return ((FilesCursor*)cur)->bEof;
}

/* idxNum 1: argv[0] is the path. Anything else is refused in xBestIndex. */
static int filesFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  FilesCursor *c = (FilesCursor*)cur;
  const char *zPath;
  int rc;
  (void)idxStr; (void)argc;
  filesReset(c);
  if( idxNum!=1 ){
    return vtab_error(cur->pVtab, "cloudtrail_files: missing path argument: cloudtrail_files('folder')");
  }
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return SQLITE_OK;
  zPath = (const char*)sqlite3_value_text(argv[0]);
  if( zPath==0 ) return SQLITE_NOMEM;
  c->zPath = sqlite3_mprintf("%s", zPath);
  if( c->zPath==0 ) return SQLITE_NOMEM;
  rc = source_open(&c->src, zPath, ((DbVtab*)cur->pVtab)->db, cur->pVtab, "cloudtrail_files",
                   0, source_default_threads(), 0);
  if( rc ) return rc;
  c->bEof = 0;
  return filesNext(cur);
}

static int filesBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  int iPath = -1, bPathSeen = 0, i;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    if( pC->iColumn!=FILES_COL_PATH ) continue;
    bPathSeen = 1;
    if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) iPath = i;
  }
  (void)pVtab;
  if( bPathSeen && iPath<0 ) return SQLITE_CONSTRAINT;
  if( iPath<0 ){
    /* No path: say so in xFilter if this plan is used. Not an error here, because
    ** SQLite also asks about the terms of an OR on their own, without the argument. */
    pInfo->idxNum = 0;
    pInfo->estimatedCost = 1e300;
    return SQLITE_OK;
  }
  pInfo->aConstraintUsage[iPath].argvIndex = 1;
  pInfo->aConstraintUsage[iPath].omit = 1;
  pInfo->idxNum = 1;
  pInfo->estimatedCost = 1e5;
  pInfo->estimatedRows = 1000;
  return SQLITE_OK;
}

static sqlite3_module filesModule = {
  0,                  /* iVersion */
  0,                  /* xCreate: table-valued function only */
  filesConnect,       /* xConnect */
  filesBestIndex,     /* xBestIndex */
  vtab_disconnect,    /* xDisconnect */
  0,                  /* xDestroy */
  filesOpen,          /* xOpen */
  filesClose,         /* xClose */
  filesFilter,        /* xFilter */
  filesNext,          /* xNext */
  filesEof,           /* xEof */
  filesColumn,        /* xColumn */
  filesRowid,         /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* Not innocuous: it reads files (see trail_vtab_register). */
int files_vtab_register(sqlite3 *db){
  return sqlite3_create_module(db, "cloudtrail_files", &filesModule, 0);
}
