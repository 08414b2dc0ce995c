/*
** digests_vtab.c: `cloudtrail_digests(path [, public_keys])`, log file integrity from
** CloudTrail's digest files (digests.c does the work, all of it in xFilter).
**
**   SELECT status, count(*) FROM cloudtrail_digests('cases/acme') GROUP BY 1;
**   SELECT file, chain, gap_seconds, signature FROM cloudtrail_digests('cases/acme', 'keys/')
**    WHERE kind='digest';
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "digests.h"
#include "digests_vtab.h"
#include "problem.h"
#include "record.h"

#define DIG_FUNC "cloudtrail_digests"

typedef struct DigCursor {
  sqlite3_vtab_cursor base;
  DigestReport rep;
  int iRow;
  sqlite3_value *apArg[2];       /* path, public_keys, for the hidden columns */
} DigCursor;

#define DIG_SCHEMA \
  "CREATE TABLE x(kind TEXT, file TEXT, s3_object TEXT, account TEXT, region TEXT," \
  "status TEXT, digest TEXT, previous TEXT, start_time TEXT, end_time TEXT," \
  "hash_expected TEXT, hash_actual TEXT, chain TEXT, gap_seconds INTEGER, signature TEXT," \
  "detail TEXT, path HIDDEN, public_keys HIDDEN)"
#define DIG_COL_PATH 16

static int digConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr){
  (void)pAux; (void)argc; (void)argv; (void)pzErr;
  return vtab_connect_db(db, DIG_SCHEMA, ppVtab);
}

static int digOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  DigCursor *c = sqlite3_malloc64(sizeof(*c));
  (void)pVtab;
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void digReset(DigCursor *c){
  digests_free(&c->rep);
  sqlite3_value_free(c->apArg[0]);
  sqlite3_value_free(c->apArg[1]);
  c->apArg[0] = c->apArg[1] = 0;
  c->iRow = 0;
}

static int digClose(sqlite3_vtab_cursor *cur){
  digReset((DigCursor*)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* idxNum bit 1: argv holds the path; bit 2: then public_keys. */
static int digFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                     int argc, sqlite3_value **argv){
  DigCursor *c = (DigCursor*)cur;
  const char *zPath, *zKeys = 0;
  char *zErr = 0;
  int rc, i;
  (void)idxStr;
  digReset(c);
  if( (idxNum & 1)==0 ){
    return vtab_error(cur->pVtab, DIG_FUNC ": missing path argument: " DIG_FUNC "('folder')");
  }
  for(i=0; i<argc && i<2; i++){
    c->apArg[i] = sqlite3_value_dup(argv[i]);
    if( c->apArg[i]==0 ) return SQLITE_NOMEM;
  }
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return SQLITE_OK;     /* no rows */
  zPath = (const char*)sqlite3_value_text(argv[0]);
  if( zPath==0 ) return SQLITE_NOMEM;
  if( (idxNum & 2) && sqlite3_value_type(argv[1])!=SQLITE_NULL ){
    zKeys = (const char*)sqlite3_value_text(argv[1]);
    if( zKeys==0 ) return SQLITE_NOMEM;
  }
  rc = digests_run(zPath, zKeys, &c->rep, &zErr);
  if( rc==SQLITE_ERROR ){
    rc = vtab_error(cur->pVtab, DIG_FUNC ": %s", zErr ? zErr : "error");
  }
  sqlite3_free(zErr);
  return rc;
}

static int digNext(sqlite3_vtab_cursor *cur){
  ((DigCursor*)cur)->iRow++;
  return SQLITE_OK;
}

static int digEof(sqlite3_vtab_cursor *cur){
  DigCursor *c = (DigCursor*)cur;
  return c->iRow>=c->rep.n;
}

static void text(sqlite3_context *ctx, const char *z){
  if( z && z[0] ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static int digColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  DigCursor *c = (DigCursor*)cur;
  const DigestRow *r = &c->rep.a[c->iRow];
  switch( i ){
    case 0: text(ctx, r->eKind==DIGEST_KIND_LOG ? "log" : "digest"); break;
    case 1: if( r->zFile ) return record_result_name(ctx, r->zFile); break;
    case 2: return record_result_name(ctx, r->zKey);
    case 3: text(ctx, r->zAccount); break;
    case 4: text(ctx, r->zRegion); break;
    case 5: text(ctx, r->zStatus); break;
    case 6: if( r->zDigest ) return record_result_name(ctx, r->zDigest); break;
    case 7: text(ctx, r->zPrevious); break;
    case 8: text(ctx, r->zStart); break;
    case 9: text(ctx, r->zEnd); break;
    case 10: text(ctx, r->zExpected); break;
    case 11: text(ctx, r->zActual); break;
    case 12: text(ctx, r->zChain); break;
    case 13: if( r->bGap ) sqlite3_result_int64(ctx, r->iGap); break;
    case 14: text(ctx, r->zSignature); break;
    case 15: text(ctx, r->zDetail); break;
    default:
      if( c->apArg[i-DIG_COL_PATH] ) sqlite3_result_value(ctx, c->apArg[i-DIG_COL_PATH]);
      break;
  }
  return SQLITE_OK;
}

static int digRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  *pRowid = ((DigCursor*)cur)->iRow + 1;
  return SQLITE_OK;
}

static int digBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  int aiArg[2] = {-1, -1}, abSeen[2] = {0, 0}, i, k, n = 0;
  (void)pVtab;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    k = pC->iColumn - DIG_COL_PATH;
    if( k<0 || k>1 ) continue;
    abSeen[k] = 1;
    if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) aiArg[k] = i;
  }
  for(k=0; k<2; k++){
    if( abSeen[k] && aiArg[k]<0 ) return SQLITE_CONSTRAINT;   /* try another join order */
  }
  pInfo->idxNum = 0;
  for(k=0; k<2; k++){
    if( aiArg[k]<0 ) continue;
    pInfo->aConstraintUsage[aiArg[k]].argvIndex = ++n;
    pInfo->aConstraintUsage[aiArg[k]].omit = 1;
    pInfo->idxNum |= 1<<k;
  }
  if( aiArg[0]<0 ){
    pInfo->estimatedCost = 1e300;            /* no path: xFilter says so if used */
    return SQLITE_OK;
  }
  pInfo->estimatedCost = 1e6;
  pInfo->estimatedRows = 1000;
  return SQLITE_OK;
}

static sqlite3_module digModule = {
  0,                  /* iVersion */
  0,                  /* xCreate: table-valued function only */
  digConnect,         /* xConnect */
  digBestIndex,       /* xBestIndex */
  vtab_disconnect,    /* xDisconnect */
  0,                  /* xDestroy */
  digOpen,            /* xOpen */
  digClose,           /* xClose */
  digFilter,          /* xFilter */
  digNext,            /* xNext */
  digEof,             /* xEof */
  digColumn,          /* xColumn */
  digRowid,           /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* Not innocuous: it reads files (see trail_vtab_register). */
int digests_vtab_register(sqlite3 *db){
  return sqlite3_create_module(db, DIG_FUNC, &digModule, 0);
}
