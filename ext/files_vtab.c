/*
** files_vtab.c: `cloudtrail_files(path)`, the hygiene report: one row per file found.
**
**   SELECT status, count(*) FROM cloudtrail_files('cases/acme') GROUP BY 1;
**   SELECT file, error FROM cloudtrail_files('cases/acme') WHERE status<>'ok';
**   SELECT count(*) FROM cloudtrail_files('cases/acme', '2026-03-01', '2026-03-02') WHERE pruned;
**
** With since/until (Unix seconds or ISO-8601 text), `pruned` says whether a cloudtrail scan
** bounded to event times [since, until] skips the file by its delivery stamp (or folder)
** without reading it, with max_delivery_delay as that scan would use it.
**
** Each file is read and split exactly as the cloudtrail table reads it, so `records` is
** the number of rows that file gives there.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "files_vtab.h"
#include "filter.h"
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
  int bBounded;                  /* since or until was given: `pruned` is computed */
  Filter prune;                  /* the time bounds and delay a cloudtrail scan would use */
  sqlite3_value *apArg[3];       /* since, until, max_delivery_delay as given (for display) */
} FilesCursor;

#define FILES_SCHEMA \
  "CREATE TABLE x(file TEXT, size INTEGER, compressed INTEGER, format TEXT," \
  "records INTEGER, status TEXT, error TEXT, account TEXT, region TEXT, file_time TEXT," \
  "pruned INTEGER, path HIDDEN, since HIDDEN, until HIDDEN, max_delivery_delay HIDDEN)"
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
#define FILES_COL_PRUNED      10
#define FILES_COL_PATH        11
#define FILES_COL_SINCE       12
#define FILES_COL_UNTIL       13
#define FILES_COL_MAX_DELAY   14
#define FILES_POSITIONAL "cloudtrail_files(path, since, until, max_delivery_delay)"
#define DEFAULT_MAX_DELAY 86400           /* as the cloudtrail table's default */

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
  int i;
  source_close(&c->src);
  for(i=0; i<3; i++){ sqlite3_value_free(c->apArg[i]); c->apArg[i] = 0; }
  memset(&c->prune, 0, sizeof(c->prune));
  c->bBounded = 0;
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

/* Would a cloudtrail scan bounded by c->prune skip this file unread: by its own name's
** delivery stamp, or by a date folder on its way down from the path? 1 or 0; -1 when out
** of memory (never a silent "not pruned"). */
static int files_pruned(const FilesCursor *c, const SourceFile *f){
  size_t nRoot = strlen(c->zPath), i;
  char *z;
  int bPruned = 0;
  if( filter_prune_file(&c->prune, &f->name) ) return 1;
  if( strncmp(f->zPath, c->zPath, nRoot)!=0 ) return 0;      /* a glob: folders not pruned */
  z = sqlite3_mprintf("%s", f->zPath);
  if( z==0 ) return -1;
  for(i=nRoot+1; z[i] && !bPruned; i++){
    if( z[i]!='/' ) continue;
    z[i] = 0;
    bPruned = filter_prune_dir(&c->prune, z);
    z[i] = '/';
  }
  sqlite3_free(z);
  return bPruned;
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
    case FILES_COL_PRUNED:
      if( c->bBounded ){
        int bPruned = files_pruned(c, f);
        if( bPruned<0 ) return SQLITE_NOMEM;
        sqlite3_result_int(ctx, bPruned);
      }
      break;
    case FILES_COL_PATH:
      return record_result_name(ctx, c->zPath);
      break;
    case FILES_COL_SINCE:
    case FILES_COL_UNTIL:
    case FILES_COL_MAX_DELAY:
      if( c->apArg[i-FILES_COL_SINCE] ) sqlite3_result_value(ctx, c->apArg[i-FILES_COL_SINCE]);
      else if( i==FILES_COL_MAX_DELAY ) sqlite3_result_int(ctx, DEFAULT_MAX_DELAY);
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

/* A time bound: Unix seconds or text SQLite's own parser reads as an ISO-8601 time. */
static int files_time(sqlite3_vtab *pVtab, const char *zName, sqlite3_value *v, long long *pT){
  int t = sqlite3_value_type(v);
  const char *z;
  if( t==SQLITE_INTEGER || t==SQLITE_FLOAT ){
    double r = sqlite3_value_double(v);
    if( r>-1e15 && r<1e15 ){
      *pT = (long long)r;
      if( (double)*pT>r ) (*pT)--;
      return SQLITE_OK;
    }
  }
  z = (const char*)sqlite3_value_text(v);
  if( z==0 && t!=SQLITE_NULL ) return SQLITE_NOMEM;
  if( t==SQLITE_TEXT && record_parse_time(z, (size_t)sqlite3_value_bytes(v), pT) ) return SQLITE_OK;
  return vtab_error(pVtab, "cloudtrail_files: %s must be Unix seconds or an ISO-8601 time, not '%s'",
                    zName, z ? z : "");
}

/* idxNum bit 1: argv[0] is the path; bits 2, 4, 8: since, until, max_delivery_delay follow
** in that order; idxNum>>4, when not 0, is 1 + the option written as name=value. */
static int filesFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  static const char *azOpt[] = { "path", "since", "until", "max_delivery_delay" };
  FilesCursor *c = (FilesCursor*)cur;
  const char *zPath;
  int rc, k, iArg = 1;
  (void)idxStr; (void)argc;
  filesReset(c);
  if( idxNum>>4 ){
    return vtab_error(cur->pVtab, "cloudtrail_files: the table-valued form takes options by "
                      "position, " FILES_POSITIONAL " (%s is read but not given)",
                      azOpt[(idxNum>>4)-1]);
  }
  if( (idxNum & 1)==0 ){
    return vtab_error(cur->pVtab, "cloudtrail_files: missing path argument: cloudtrail_files('folder')");
  }
  c->prune.iMaxDelay = DEFAULT_MAX_DELAY;
  for(k=0; k<3; k++){
    sqlite3_value *v;
    long long t;
    if( (idxNum & (2<<k))==0 ) continue;
    v = argv[iArg++];
    c->apArg[k] = sqlite3_value_dup(v);
    if( c->apArg[k]==0 ) return SQLITE_NOMEM;
    if( sqlite3_value_type(v)==SQLITE_NULL ) return SQLITE_OK;   /* no rows */
    if( k<2 ){
      rc = files_time(cur->pVtab, azOpt[k+1], v, &t);
      if( rc ) return rc;
      if( k==0 ){ c->prune.bLo = 1; c->prune.iLo = t; }
      else{ c->prune.bHi = 1; c->prune.iHi = t; }
      c->bBounded = 1;
    }else{
      const char *z = (const char*)sqlite3_value_text(v);
      if( z==0 ) return SQLITE_NOMEM;
      t = -1;
      if( sqlite3_value_type(v)==SQLITE_INTEGER ) t = sqlite3_value_int64(v);
      if( t<0 || t>366*86400 ){
        return vtab_error(cur->pVtab, "cloudtrail_files: max_delivery_delay must be seconds "
                          "from 0 to 31622400, not '%s'", z);
      }
      c->prune.iMaxDelay = t;
    }
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
  int ai[4] = {-1, -1, -1, -1}, abSeen[4] = {0, 0, 0, 0}, i, k, n = 0, iMisused = -1;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    k = pC->iColumn - FILES_COL_PATH;
    if( k<0 || k>3 ) continue;
    abSeen[k] = 1;
    if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) ai[k] = i;
  }
  (void)pVtab;
  for(k=0; k<4; k++){
    if( abSeen[k] && ai[k]<0 ) return SQLITE_CONSTRAINT;
    /* name=value in the table-valued form: see trail_vtab.c */
    if( !abSeen[k] && iMisused<0 && (pInfo->colUsed & ((sqlite3_uint64)1 << (FILES_COL_PATH+k))) ){
      iMisused = k;
    }
  }
  pInfo->idxNum = iMisused>=0 ? 16*(iMisused+1) : 0;
  if( ai[0]<0 ){
    /* No path: say so in xFilter if this plan is used. Not an error here, because
    ** SQLite also asks about the terms of an OR on their own, without the argument. */
    pInfo->estimatedCost = 1e300;
    return SQLITE_OK;
  }
  for(k=0; k<4; k++){
    if( ai[k]<0 ) continue;
    pInfo->aConstraintUsage[ai[k]].argvIndex = ++n;
    pInfo->aConstraintUsage[ai[k]].omit = 1;
    pInfo->idxNum |= 1<<k;
  }
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
