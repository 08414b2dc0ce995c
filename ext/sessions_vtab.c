/*
** sessions_vtab.c: `cloudtrail_sessions(source [, since [, until]])`, one row per credential
** (access key id) seen, with the chain of events that links it to the principal behind it.
**
**   SELECT access_key_id, origin_arn, hops, link FROM cloudtrail_sessions('cases/acme');
**   SELECT * FROM cloudtrail_sessions('table:trail', '2026-03-01', '2026-03-02');
**
** `source` is chosen as detect's is: 'path:PATH' (a file, folder or glob read directly),
** 'table:NAME' (a table or view with a `record` column), or a bare name that is one of the
** two (both is an error). since/until bound which credentials are listed (issued or used
** within, inclusive), never what is read: a chain needs the events before them. One pass
** over the records (sessions.c), then the rows.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "problem.h"
#include "record.h"
#include "sessions.h"
#include "sessions_vtab.h"
#include "source.h"
#include "walk.h"

#define SESS_FUNC "cloudtrail_sessions"

typedef struct SessCursor {
  sqlite3_vtab_cursor base;
  SessRow *aRow;
  int nRow, iRow;
  sqlite3_value *apArg[3];       /* source, since, until, for the hidden columns */
} SessCursor;

#define SESS_SCHEMA \
  "CREATE TABLE x(access_key_id TEXT, key_type TEXT, account_id TEXT, principal_arn TEXT," \
  "principal_type TEXT, role_arn TEXT, session_name TEXT, source_identity TEXT," \
  "federated_subject TEXT, federated_provider TEXT, on_behalf_of TEXT, issued_by TEXT," \
  "issued_event_id TEXT, issued_time TEXT, issuer_arn TEXT, parent_access_key_id TEXT," \
  "expires TEXT, first_used TEXT, last_used TEXT, event_count INTEGER, source_ips TEXT," \
  "source_ip_count INTEGER, used_after_expiry INTEGER, origin_arn TEXT, origin_type TEXT," \
  "hops INTEGER, chain TEXT, link TEXT, source HIDDEN, since HIDDEN, until HIDDEN)"
#define SESS_COL_SOURCE SESS_NCOL

static int sessConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                       sqlite3_vtab **ppVtab, char **pzErr){
  (void)pAux; (void)argc; (void)argv; (void)pzErr;
  return vtab_connect_db(db, SESS_SCHEMA, ppVtab);
}

static int sessOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  SessCursor *c = sqlite3_malloc64(sizeof(*c));
  (void)pVtab;
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void sessReset(SessCursor *c){
  int i;
  sessions_rows_free(c->aRow, c->nRow);
  c->aRow = 0;
  c->nRow = c->iRow = 0;
  for(i=0; i<3; i++){
    sqlite3_value_free(c->apArg[i]);
    c->apArg[i] = 0;
  }
}

static int sessClose(sqlite3_vtab_cursor *cur){
  sessReset((SessCursor*)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* since/until: NULL (no bound), Unix seconds, or a date and time SQLite's unixepoch() reads
** (or eventTime's own forms); anything else is an error naming the argument. */
static int sessTimeArg(sqlite3_vtab *pVtab, sqlite3 *db, sqlite3_value *v, const char *zWhich,
                       int *pbSet, long long *piOut){
  int eType = v ? sqlite3_value_type(v) : SQLITE_NULL;
  const char *z;
  *pbSet = 0;
  if( eType==SQLITE_NULL ) return SQLITE_OK;
  if( eType==SQLITE_INTEGER ){
    *pbSet = 1;
    *piOut = sqlite3_value_int64(v);
    return SQLITE_OK;
  }
  z = (const char*)sqlite3_value_text(v);
  if( z==0 ) return SQLITE_NOMEM;
  if( eType==SQLITE_TEXT ){
    sqlite3_stmt *pStmt = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT unixepoch(?1)", -1, &pStmt, 0);
    if( rc==SQLITE_OK ){
      sqlite3_bind_text(pStmt, 1, z, -1, SQLITE_STATIC);
      if( sqlite3_step(pStmt)==SQLITE_ROW && sqlite3_column_type(pStmt, 0)==SQLITE_INTEGER ){
        *pbSet = 1;
        *piOut = sqlite3_column_int64(pStmt, 0);
      }
      rc = sqlite3_finalize(pStmt);
    }
    if( rc ) return rc;
    if( *pbSet==0 && record_parse_time(z, strlen(z), piOut) ) *pbSet = 1;
    if( *pbSet ) return SQLITE_OK;
  }
  return vtab_error(pVtab, SESS_FUNC ": %s must be a date and time "
                    "(any form SQLite's date functions accept) or Unix seconds, not '%s'", zWhich, z);
}

/* Read the files behind a path (strict off: damaged records are skipped, as detect does;
** cloudtrail_files names them). */
static int sessScanPath(sqlite3_vtab *pVtab, const char *zFunc, Sessions *pS,
                        const char *zPath){
  Source src;
  const SplitItem *pItem;
  int rc = source_open(&src, zPath, ((DbVtab*)pVtab)->db, pVtab, zFunc, 0,
                       source_default_threads(), 0);
  if( rc ){
    source_close(&src);
    return rc;
  }
  for(;;){
    rc = source_next_file(&src);
    if( rc ){
      rc = source_vtab_error(&src, pVtab, zFunc, rc);
      break;
    }
    if( src.bEof ) break;
    while( source_next_record(&src, &pItem) ){
      rc = sessions_add(pS, source_bytes(&src), pItem->s, pItem->e, &pItem->idx);
      if( rc ) break;
    }
    if( rc ) break;
  }
  source_close(&src);
  return rc;
}

/* How deeply table sources are being read on this thread (a view over this function that
** it reads would otherwise recurse until the stack ran out). */
static __thread int nSessDepth;

static int sessScanTable(sqlite3_vtab *pVtab, const char *zFunc, Sessions *pS, sqlite3 *db,
                         const char *zName){
  sqlite3_stmt *pStmt = 0;
  char *zSql;
  int rc;
  if( nSessDepth>=8 ) return vtab_error(pVtab, "%s: '%s' reads itself", zFunc, zName);
  zSql = sqlite3_mprintf("SELECT record FROM \"%w\"", zName);
  if( zSql==0 ) return SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  sqlite3_free(zSql);
  if( rc==SQLITE_NOMEM ) return rc;
  if( rc ) return vtab_error(pVtab, "%s: cannot read '%s': %s", zFunc, zName, sqlite3_errmsg(db));
  nSessDepth++;
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
    if( start>=n || z[start]!='{' ) continue;         /* not a record */
    end = record_parse(z, n, start, &flags, &idx);
    if( end==(size_t)-1 ) continue;
    rc = sessions_add(pS, z, start, end, &idx);
    if( rc ) break;
  }
  nSessDepth--;
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  if( rc && rc!=SQLITE_NOMEM && pVtab->zErrMsg==0 ){
    vtab_error(pVtab, "%s: reading '%s': %s", zFunc, zName, sqlite3_errmsg(db));
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/* Is zName a table or view, and has it a record column? */
static int sessTable(sqlite3 *db, const char *zName, int *pbRecord, int *pRc){
  sqlite3_stmt *pStmt = 0;
  int bFound = 0;
  *pbRecord = 0;
  *pRc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_xinfo(?1)", -1, &pStmt, 0);
  if( *pRc ) return 0;
  sqlite3_bind_text(pStmt, 1, zName, -1, SQLITE_STATIC);
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    const char *zCol = (const char*)sqlite3_column_text(pStmt, 0);
    bFound = 1;
    if( zCol && sqlite3_stricmp(zCol, "record")==0 ) *pbRecord = 1;
  }
  *pRc = sqlite3_finalize(pStmt);
  return *pRc ? 0 : bFound;
}

int sessions_read(sqlite3_vtab *pVtab, sqlite3 *db, const char *zFunc, const char *zArg,
                  Sessions *pS){
  const char *zName = zArg;
  int eKind = 0, bTable, bRecord, bPath = 0, rc;
  if( strncmp(zArg, "table:", 6)==0 ){ eKind = 1; zName = zArg+6; }
  else if( strncmp(zArg, "path:", 5)==0 ){ eKind = 2; zName = zArg+5; }
  if( eKind==2 ) return sessScanPath(pVtab, zFunc, pS, zName);
  bTable = sessTable(db, zName, &bRecord, &rc);
  if( rc ) return rc==SQLITE_NOMEM ? rc : vtab_error(pVtab,
      "%s: cannot look up table '%s': %s", zFunc, zName, sqlite3_errmsg(db));
  if( eKind==1 && !bTable ) return vtab_error(pVtab, "%s: no table or view named '%s'", zFunc, zName);
  if( eKind==0 && bTable ){
    rc = walk_exists(zName, &bPath);
    if( rc ) return rc;
    if( bPath ){
      return vtab_error(pVtab, "%s: '%s' is both a table or view and a path: "
                        "write 'table:%s' for the table or 'path:%s' for the files",
                        zFunc, zName, zName, zName);
    }
  }
  if( !bTable ) return sessScanPath(pVtab, zFunc, pS, zName);
  if( !bRecord ){
    return vtab_error(pVtab, "%s: '%s' has no record column "
                      "(it needs the cloudtrail table's columns)", zFunc, zName);
  }
  return sessScanTable(pVtab, zFunc, pS, db, zName);
}

/* idxNum bits: 1 source, 2 since, 4 until (in that order in argv). */
static int sessFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                      int argc, sqlite3_value **argv){
  SessCursor *c = (SessCursor*)cur;
  sqlite3 *db = ((DbVtab*)cur->pVtab)->db;
  sqlite3_value *aArg[3] = {0, 0, 0};
  Sessions s;
  const char *zSource;
  int i = 0, k, rc;
  (void)idxStr; (void)argc;
  sessReset(c);
  for(k=0; k<3; k++){
    if( idxNum & (1<<k) ) aArg[k] = argv[i++];
  }
  if( aArg[0]==0 ){
    return vtab_error(cur->pVtab, SESS_FUNC ": missing source argument: "
                      SESS_FUNC "('folder or table')");
  }
  for(k=0; k<3; k++){
    if( aArg[k] && (c->apArg[k] = sqlite3_value_dup(aArg[k]))==0 ) return SQLITE_NOMEM;
  }
  if( sqlite3_value_type(aArg[0])==SQLITE_NULL ) return SQLITE_OK;      /* NULL: no rows */
  if( sqlite3_value_type(aArg[0])!=SQLITE_TEXT ){
    return vtab_error(cur->pVtab, SESS_FUNC ": source must be a path or a table name (text)");
  }
  rc = sessions_init(&s);
  if( rc==SQLITE_OK ) rc = sessTimeArg(cur->pVtab, db, aArg[1], "since", &s.bSince, &s.iSince);
  if( rc==SQLITE_OK ) rc = sessTimeArg(cur->pVtab, db, aArg[2], "until", &s.bUntil, &s.iUntil);
  if( rc==SQLITE_OK ){
    zSource = (const char*)sqlite3_value_text(aArg[0]);
    rc = zSource ? sessions_read(cur->pVtab, db, SESS_FUNC, zSource, &s) : SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ) rc = sessions_resolve(&s, &c->aRow, &c->nRow);
  sessions_clear(&s);
  return rc;
}

static int sessNext(sqlite3_vtab_cursor *cur){
  ((SessCursor*)cur)->iRow++;
  return SQLITE_OK;
}

static int sessEof(sqlite3_vtab_cursor *cur){
  SessCursor *c = (SessCursor*)cur;
  return c->iRow>=c->nRow;
}

static int sessColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  SessCursor *c = (SessCursor*)cur;
  const SessRow *r = &c->aRow[c->iRow];
  switch( i ){
    case SESS_COL_EVENT_COUNT:     sqlite3_result_int64(ctx, r->nEvent); return SQLITE_OK;
    case SESS_COL_SOURCE_IP_COUNT: sqlite3_result_int64(ctx, r->nIp); return SQLITE_OK;
    case SESS_COL_HOPS:            sqlite3_result_int(ctx, r->nHop); return SQLITE_OK;
    case SESS_COL_USED_AFTER_EXP:
      if( r->eAfter>=0 ) sqlite3_result_int(ctx, r->eAfter);
      return SQLITE_OK;
  }
  if( i>=SESS_COL_SOURCE && i<SESS_COL_SOURCE+3 ){
    if( c->apArg[i-SESS_COL_SOURCE] ) sqlite3_result_value(ctx, c->apArg[i-SESS_COL_SOURCE]);
    return SQLITE_OK;
  }
  if( i>=0 && i<SESS_NCOL && r->azCol[i] ){
    sqlite3_result_text(ctx, r->azCol[i], -1, SQLITE_TRANSIENT);
  }
  return SQLITE_OK;
}

static int sessRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  *pRowid = ((SessCursor*)cur)->iRow + 1;
  return SQLITE_OK;
}

static int sessBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  int aiArg[3] = {-1, -1, -1}, abSeen[3] = {0, 0, 0}, i, k, n = 0;
  (void)pVtab;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    k = pC->iColumn - SESS_COL_SOURCE;
    if( k<0 || k>2 ) continue;
    abSeen[k] = 1;
    if( pC->usable && pC->op==SQLITE_INDEX_CONSTRAINT_EQ ) aiArg[k] = i;
  }
  for(k=0; k<3; k++){
    if( abSeen[k] && aiArg[k]<0 ) return SQLITE_CONSTRAINT;   /* try another join order */
  }
  pInfo->idxNum = 0;
  for(k=0; k<3; k++){
    if( aiArg[k]<0 ) continue;
    pInfo->aConstraintUsage[aiArg[k]].argvIndex = ++n;
    pInfo->aConstraintUsage[aiArg[k]].omit = 1;
    pInfo->idxNum |= 1<<k;
  }
  if( aiArg[0]<0 ){
    pInfo->estimatedCost = 1e300;            /* no source: xFilter says so if used */
    return SQLITE_OK;
  }
  pInfo->estimatedCost = 1e6;
  pInfo->estimatedRows = 100;
  return SQLITE_OK;
}

static sqlite3_module sessModule = {
  0,                  /* iVersion */
  0,                  /* xCreate: table-valued function only */
  sessConnect,        /* xConnect */
  sessBestIndex,      /* xBestIndex */
  vtab_disconnect,    /* xDisconnect */
  0,                  /* xDestroy */
  sessOpen,           /* xOpen */
  sessClose,          /* xClose */
  sessFilter,         /* xFilter */
  sessNext,           /* xNext */
  sessEof,            /* xEof */
  sessColumn,         /* xColumn */
  sessRowid,          /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* Not innocuous: given a path it reads files (see trail_vtab_register). */
int sessions_vtab_register(sqlite3 *db){
  return sqlite3_create_module(db, SESS_FUNC, &sessModule, 0);
}
