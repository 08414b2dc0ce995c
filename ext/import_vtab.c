/*
** import_vtab.c: `cloudtrail_import(name, path [, verify])`, one summary row.
**
**   SELECT * FROM cloudtrail_import('events', 'cases/acme');
**   SELECT * FROM cloudtrail_import('aux.events', 'cases/acme', 1);   -- hash every file
**
** The work is import.c's: this file is the table-valued function around it. It writes to
** the connection's database, so it is direct-only: no view or trigger can run it.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "import.h"
#include "problem.h"

typedef struct ImpVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  ImportFns *pFns;
} ImpVtab;

typedef struct ImpCursor {
  sqlite3_vtab_cursor base;
  int bEof;
  ImportSummary sum;
} ImpCursor;

#define IMP_COL_NAME   10
#define IMP_COL_PATH   11
#define IMP_COL_VERIFY 12

static int impConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr){
  ImpVtab *p;
  int rc;
  (void)argc; (void)argv; (void)pzErr;
  rc = sqlite3_declare_vtab(db, "CREATE TABLE x(import_id INTEGER, files_added INTEGER, "
    "files_changed INTEGER, files_unchanged INTEGER, files_missing INTEGER, "
    "files_failed INTEGER, records_added INTEGER, records_replaced INTEGER, "
    "duplicates_skipped INTEGER, seconds REAL, name HIDDEN, path HIDDEN, verify HIDDEN)");
  if( rc ) return rc;
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  p = sqlite3_malloc64(sizeof(*p));
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  p->db = db;
  p->pFns = pAux;
  *ppVtab = &p->base;
  return SQLITE_OK;
}

static int impDisconnect(sqlite3_vtab *pVtab){
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

static int impOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  ImpCursor *c = sqlite3_malloc64(sizeof(*c));
  (void)pVtab;
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->bEof = 1;
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static int impClose(sqlite3_vtab_cursor *cur){
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* idxNum bits: 1 name, 2 path, 4 verify (in that order in argv). */
static int impBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  int aiArg[3] = {-1, -1, -1}, i, n = 0;
  (void)pVtab;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
    int k = pC->iColumn - IMP_COL_NAME;
    if( k<0 || k>2 || pC->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( !pC->usable ) return SQLITE_CONSTRAINT;
    aiArg[k] = i;
  }
  pInfo->idxNum = 0;
  for(i=0; i<3; i++){
    if( aiArg[i]<0 ) continue;
    pInfo->aConstraintUsage[aiArg[i]].argvIndex = ++n;
    pInfo->aConstraintUsage[aiArg[i]].omit = 1;
    pInfo->idxNum |= 1<<i;
  }
  pInfo->estimatedCost = 1e9;
  pInfo->estimatedRows = 1;
  return SQLITE_OK;
}

static int impFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                     int argc, sqlite3_value **argv){
  ImpCursor *c = (ImpCursor*)cur;
  ImpVtab *p = (ImpVtab*)cur->pVtab;
  sqlite3_value *aArg[3] = {0, 0, 0};
  const char *zName, *zPath;
  char *zErr = 0;
  int i = 0, k, bVerify = 0, rc;
  (void)idxStr; (void)argc;
  c->bEof = 1;
  for(k=0; k<3; k++){
    if( idxNum & (1<<k) ) aArg[k] = argv[i++];
  }
  if( aArg[0]==0 || aArg[1]==0 ){
    return vtab_error(cur->pVtab, "cloudtrail_import: needs a table name and a path: "
                      "cloudtrail_import('events', 'cases/acme')");
  }
  zName = (const char*)sqlite3_value_text(aArg[0]);
  zPath = (const char*)sqlite3_value_text(aArg[1]);
  if( sqlite3_value_type(aArg[0])!=SQLITE_TEXT || sqlite3_value_type(aArg[1])!=SQLITE_TEXT ){
    return vtab_error(cur->pVtab, "cloudtrail_import: the table name and the path are text");
  }
  if( zName==0 || zPath==0 ) return SQLITE_NOMEM;
  if( aArg[2] ){
    if( sqlite3_value_type(aArg[2])!=SQLITE_INTEGER
     || (sqlite3_value_int64(aArg[2])!=0 && sqlite3_value_int64(aArg[2])!=1) ){
      return vtab_error(cur->pVtab, "cloudtrail_import: verify must be 0 or 1");
    }
    bVerify = sqlite3_value_int(aArg[2]);
  }
  rc = import_run(p->pFns, p->db, zName, zPath, bVerify, &c->sum, &zErr);
  if( rc ){
    if( zErr ){
      sqlite3_free(cur->pVtab->zErrMsg);
      cur->pVtab->zErrMsg = zErr;
    }
    return rc;
  }
  sqlite3_free(zErr);
  c->bEof = 0;
  return SQLITE_OK;
}

static int impNext(sqlite3_vtab_cursor *cur){
  ((ImpCursor*)cur)->bEof = 1;
  return SQLITE_OK;
}

static int impEof(sqlite3_vtab_cursor *cur){
  return ((ImpCursor*)cur)->bEof;
}

static int impColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  const ImportSummary *s = &((ImpCursor*)cur)->sum;
  switch( i ){
    case 0: sqlite3_result_int64(ctx, s->iImport); break;
    case 1: sqlite3_result_int64(ctx, s->nFilesAdded); break;
    case 2: sqlite3_result_int64(ctx, s->nFilesChanged); break;
    case 3: sqlite3_result_int64(ctx, s->nFilesUnchanged); break;
    case 4: sqlite3_result_int64(ctx, s->nFilesMissing); break;
    case 5: sqlite3_result_int64(ctx, s->nFilesFailed); break;
    case 6: sqlite3_result_int64(ctx, s->nRecordsAdded); break;
    case 7: sqlite3_result_int64(ctx, s->nRecordsReplaced); break;
    case 8: sqlite3_result_int64(ctx, s->nDuplicates); break;
    case 9: sqlite3_result_double(ctx, s->rSeconds); break;
    default: break;
  }
  return SQLITE_OK;
}

static int impRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  (void)cur;
  *pRowid = 1;
  return SQLITE_OK;
}

static sqlite3_module impModule = {
  0,                  /* iVersion */
  0,                  /* xCreate: eponymous only, no CREATE VIRTUAL TABLE */
  impConnect,         /* xConnect */
  impBestIndex,       /* xBestIndex */
  impDisconnect,      /* xDisconnect */
  0,                  /* xDestroy */
  impOpen,            /* xOpen */
  impClose,           /* xClose */
  impFilter,          /* xFilter */
  impNext,            /* xNext */
  impEof,             /* xEof */
  impColumn,          /* xColumn */
  impRowid,           /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* The functions cloudtrail_record, cloudtrail_field and cloudtrail_source (case_read.c), and
** the table-valued function, which shares their per-connection state. */
int import_vtab_register(sqlite3 *db){
  ImportFns *pFns = 0;
  int rc = import_functions_register(db, &pFns);
  if( rc ) return rc;
  return sqlite3_create_module(db, "cloudtrail_import", &impModule, pFns);
}
