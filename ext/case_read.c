/*
** case_read.c: the SQL functions an import table's generated columns read.
**
** A case file keeps each source file's bytes once, in NAME_content (case_write in import.c),
** and each row says where its record lies in them: file_id, record_offset, record_length.
** The columns the indexes, windows and rule prefilters use are stored as plain values; every
** other column of the `cloudtrail` table is a VIRTUAL generated column:
**
**   cloudtrail_record(CASE, 'NAME', file_id, record_offset, record_length)     the record
**   cloudtrail_field(CASE, 'NAME', file_id, record_offset, record_length, 'C') column C
**   cloudtrail_source(CASE, 'NAME', file_id)                                    source_file
**
** CASE is a random number the table was created with: it finds the schema that holds this
** table (a case file may be attached under any name, beside another case's table of the
** same name), checked against the table's own SQL. A file's bytes are inflated once into a
** per-connection cache (least recently used out past CACHE_BYTES) and stay valid while the
** schema's data version stands (SQLITE_FCNTL_DATA_VERSION: any commit, by any connection,
** ends it). A row's columns share one parse of its record. Stored bytes that do not inflate
** cleanly to the size recorded, or a span that is not exactly one JSON object, are an
** error, never text.
**
** The functions are declared deterministic and innocuous (generated columns need both, and
** PRAGMA trusted_schema=off allows them): for a given row their answer is the record the
** import wrote, which nothing but another import of that file replaces.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include "fields.h"
#include "gzip.h"
#include "import.h"
#include "json.h"
#include "record.h"

#define CACHE_SLOTS 64
#define CACHE_BYTES ((size_t)128 << 20)

/* One file's plain bytes, inflated from NAME_content. */
typedef struct CacheFile {
  sqlite3_int64 iCase, iFile;
  char *zDb;                     /* the schema it was read from (NULL: slot empty) */
  unsigned uVersion;             /* that schema's data version then */
  unsigned long long iUse;       /* for least-recently-used */
  JsonBuf plain;
} CacheFile;

/* Where a case's table lives, found once. */
typedef struct CaseWhere {
  sqlite3_int64 iCase;
  char *zName;
  char *zDb;
  struct CaseWhere *pNext;
} CaseWhere;

struct ImportFns {
  void *pDec;                    /* libdeflate decompressor */
  CacheFile aFile[CACHE_SLOTS];
  unsigned long long iClock;
  CaseWhere *pWhere;
  /* the import's own file, lent while its rows are written */
  sqlite3_int64 iPrimeCase, iPrimeFile;
  const char *zPrime;
  size_t nPrime;
  /* the record last parsed: its bytes' owner and span */
  const char *zRecBase;
  size_t iRecOff, nRecLen;
  int bRec;
  Record rec;
  int bDiscard;                  /* the import's INSERT is running: see case_discard */
  char *zMsg;                    /* the last error's text, naming the file */
  /* source_file: the manifest's paths by file_id, of one case at one data version */
  sqlite3_int64 iPathCase;
  char *zPathDb;
  unsigned uPathVersion;
  char **azPath;                 /* azPath[file_id - iPathMin], NULL where none */
  sqlite3_int64 iPathMin, nPath;
};

/* ---- finding the case's schema ---------------------------------------------------- */

/* Does schema zDb hold table zName created with case number iCase? */
static int case_in_schema(sqlite3 *db, const char *zDb, sqlite3_int64 iCase,
                          const char *zName, int *pRc){
  char *zSql = sqlite3_mprintf("SELECT instr(sql, 'cloudtrail_record(%lld,') FROM \"%w\".sqlite_schema "
                               "WHERE type='table' AND name=?1", iCase, zDb);
  sqlite3_stmt *pStmt = 0;
  int bYes = 0, rc;
  *pRc = SQLITE_OK;
  if( zSql==0 ){ *pRc = SQLITE_NOMEM; return 0; }
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  sqlite3_free(zSql);
  if( rc==SQLITE_NOMEM ){ *pRc = rc; return 0; }
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(pStmt, 1, zName, -1, SQLITE_STATIC);
    if( sqlite3_step(pStmt)==SQLITE_ROW ) bYes = sqlite3_column_int(pStmt, 0)>0;
    rc = sqlite3_finalize(pStmt);
    if( rc==SQLITE_NOMEM ) *pRc = rc;
  }
  return bYes;
}

/* The schema of case iCase's table zName: *pzDb (owned by p), or why not. */
static const char *case_where(ImportFns *p, sqlite3 *db, sqlite3_int64 iCase,
                              const char *zName, int bRecheck, const char **pzDb, int *pRc){
  CaseWhere *w;
  const char *zFound = 0;
  int i, nFound = 0;
  *pRc = SQLITE_OK;
  for(w=p->pWhere; w; w=w->pNext){
    if( w->iCase==iCase && strcmp(w->zName, zName)==0 ) break;
  }
  if( w && !bRecheck ){ *pzDb = w->zDb; return 0; }
  if( w && case_in_schema(db, w->zDb, iCase, zName, pRc) ){ *pzDb = w->zDb; return 0; }
  if( *pRc ) return "out of memory";
  for(i=0; sqlite3_db_name(db, i); i++){
    const char *zDb = sqlite3_db_name(db, i);
    if( case_in_schema(db, zDb, iCase, zName, pRc) ){ zFound = zDb; nFound++; }
    if( *pRc ) return "out of memory";
  }
  *pRc = SQLITE_ERROR;
  if( nFound==0 ) return "the case file's table is not attached to this connection";
  if( nFound>1 ) return "the same case file is attached more than once: detach the copy";
  if( w==0 ){
    w = sqlite3_malloc64(sizeof(*w));
    if( w==0 ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
    memset(w, 0, sizeof(*w));
    w->zName = sqlite3_mprintf("%s", zName);
    if( w->zName==0 ){ sqlite3_free(w); *pRc = SQLITE_NOMEM; return "out of memory"; }
    w->iCase = iCase;
    w->pNext = p->pWhere;
    p->pWhere = w;
  }
  sqlite3_free(w->zDb);
  w->zDb = sqlite3_mprintf("%s", zFound);
  if( w->zDb==0 ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  *pzDb = w->zDb;
  *pRc = SQLITE_OK;
  return 0;
}

static int data_version(sqlite3 *db, const char *zDb, unsigned *pV){
  return sqlite3_file_control(db, zDb, SQLITE_FCNTL_DATA_VERSION, pV);
}

/* ---- the file cache --------------------------------------------------------------- */

static void slot_clear(ImportFns *p, CacheFile *c){
  if( p->bRec && p->zRecBase==c->plain.z ) p->bRec = 0;
  sqlite3_free(c->zDb);
  c->zDb = 0;
  json_buf_free(&c->plain);
}

static void paths_clear(ImportFns *p){
  sqlite3_int64 i;
  for(i=0; i<p->nPath; i++) sqlite3_free(p->azPath[i]);
  sqlite3_free(p->azPath);
  sqlite3_free(p->zPathDb);
  p->azPath = 0;
  p->zPathDb = 0;
  p->nPath = 0;
  p->iPathCase = 0;
}

/* Load the manifest's paths of case iCase's table zName in zDb. NULL, or why not. */
static const char *paths_load(ImportFns *p, sqlite3 *db, const char *zDb, const char *zName,
                              sqlite3_int64 iCase, unsigned uVersion, int *pRc){
  sqlite3_stmt *pStmt = 0;
  sqlite3_int64 iMin = 0;
  char *zSql;
  int rc;
  paths_clear(p);
  zSql = sqlite3_mprintf("SELECT file_id, path FROM \"%w\".\"%w_files\" ORDER BY file_id",
                         zDb, zName);
  if( zSql==0 ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  sqlite3_free(zSql);
  if( rc ){ *pRc = rc; return rc==SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db); }
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    sqlite3_int64 iId = sqlite3_column_int64(pStmt, 0);
    const char *z = (const char*)sqlite3_column_text(pStmt, 1);
    if( p->nPath==0 ) iMin = iId;
    if( iId - iMin >= p->nPath ){
      /* file ids are dense (INTEGER PRIMARY KEY, never deleted): grow to this one */
      sqlite3_int64 nNew = (iId - iMin + 1)*2, i;
      char **aNew;
      if( iId - iMin > ((sqlite3_int64)1 << 26) ){ rc = SQLITE_TOOBIG; break; }
      aNew = sqlite3_realloc64(p->azPath, (sqlite3_uint64)nNew*sizeof(char*));
      if( aNew==0 ){ rc = SQLITE_NOMEM; break; }
      for(i=p->nPath; i<nNew; i++) aNew[i] = 0;
      p->azPath = aNew;
      p->nPath = nNew;
    }
    if( z ){
      p->azPath[iId - iMin] = sqlite3_mprintf("%s", z);
      if( p->azPath[iId - iMin]==0 ){ rc = SQLITE_NOMEM; break; }
    }
  }
  sqlite3_finalize(pStmt);
  if( rc!=SQLITE_DONE ){
    paths_clear(p);
    *pRc = rc==SQLITE_ROW ? SQLITE_ERROR : rc;
    return rc==SQLITE_NOMEM ? "out of memory" : rc==SQLITE_TOOBIG ? "file ids too sparse"
                            : "reading the manifest failed";
  }
  p->zPathDb = sqlite3_mprintf("%s", zDb);
  if( p->zPathDb==0 ){ paths_clear(p); *pRc = SQLITE_NOMEM; return "out of memory"; }
  p->iPathCase = iCase;
  p->iPathMin = iMin;
  p->uPathVersion = uVersion;
  *pRc = SQLITE_OK;
  return 0;
}

/* Forget what the cache holds of file iFile of case iCase (the import replaces it). */
void case_forget(ImportFns *p, sqlite3_int64 iCase, sqlite3_int64 iFile){
  int i;
  for(i=0; i<CACHE_SLOTS; i++){
    CacheFile *c = &p->aFile[i];
    if( c->zDb && c->iCase==iCase && c->iFile==iFile ) slot_clear(p, c);
  }
  (void)iFile;
  if( p->iPathCase==iCase ) paths_clear(p);   /* a path never changes; a file may be new */
}

void case_prime(ImportFns *p, sqlite3_int64 iCase, sqlite3_int64 iFile, const char *z,
                size_t n){
  p->iPrimeCase = iCase;
  p->iPrimeFile = iFile;
  p->zPrime = z;
  p->nPrime = n;
  p->bRec = 0;
}

/* SQLite computes every generated column of a row it inserts, then discards them when no
** index, constraint or trigger reads them (the import checks there is no trigger): while
** bOn, the functions answer NULL at once instead of decoding 26 values a row. */
void case_discard(ImportFns *p, int bOn){
  p->bDiscard = bOn;
}

void case_unprime(ImportFns *p){
  if( p->bRec && p->zRecBase==p->zPrime ) p->bRec = 0;
  p->zPrime = 0;
  p->nPrime = 0;
}

/* Read file iFile's stored bytes from zDb into slot c. NULL, or why not. */
static const char *slot_fill(ImportFns *p, sqlite3 *db, const char *zDb, const char *zName,
                             sqlite3_int64 iCase, sqlite3_int64 iFile, CacheFile *c, int *pRc){
  char *zSql;
  sqlite3_stmt *pStmt = 0;
  const char *zErr = 0;
  Problem prob;
  int rc;
  *pRc = SQLITE_ERROR;
  zSql = sqlite3_mprintf("SELECT encoding, plain_size, bytes FROM \"%w\".\"%w_content\" "
                         "WHERE file_id=?1", zDb, zName);
  if( zSql==0 ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  sqlite3_free(zSql);
  if( rc ){ *pRc = rc; return rc==SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db); }
  sqlite3_bind_int64(pStmt, 1, iFile);
  memset(&prob, 0, sizeof(prob));
  rc = sqlite3_step(pStmt);
  if( rc==SQLITE_ROW ){
    const unsigned char *a = sqlite3_column_blob(pStmt, 2);
    size_t nA = (size_t)sqlite3_column_bytes(pStmt, 2);
    sqlite3_int64 nPlain = sqlite3_column_int64(pStmt, 1);
    if( p->pDec==0 ) p->pDec = libdeflate_alloc_decompressor();
    if( p->pDec==0 ){
      *pRc = SQLITE_NOMEM; zErr = "out of memory";
    }else if( a==0 || !gzip_is_gzip(a, nA) ){
      zErr = "its stored bytes are not a gzip stream";
    }else if( (rc = gzip_inflate(p->pDec, a, nA, &c->plain, &prob))!=SQLITE_OK ){
      *pRc = rc; zErr = "out of memory";
    }else if( prob.n || (sqlite3_int64)c->plain.n!=nPlain ){
      zErr = "its stored bytes are damaged";
    }else{
      *pRc = SQLITE_OK;
    }
    problem_reset(&prob);
  }else if( rc==SQLITE_DONE ){
    zErr = "its bytes are not stored";
  }else{
    *pRc = rc; zErr = rc==SQLITE_NOMEM ? "out of memory" : "reading its bytes failed";
  }
  sqlite3_finalize(pStmt);
  if( *pRc ){ json_buf_free(&c->plain); return zErr; }
  c->zDb = sqlite3_mprintf("%s", zDb);
  if( c->zDb==0 ){ json_buf_free(&c->plain); *pRc = SQLITE_NOMEM; return "out of memory"; }
  c->iCase = iCase;
  c->iFile = iFile;
  data_version(db, zDb, &c->uVersion);
  return 0;
}

/* Why file iFile of table zName cannot be read, naming it (p->zMsg). */
static const char *file_error(ImportFns *p, const char *zName, sqlite3_int64 iFile,
                              const char *zWhy, int *pRc){
  if( *pRc==SQLITE_NOMEM ) return "out of memory";
  sqlite3_free(p->zMsg);
  p->zMsg = sqlite3_mprintf("%s file_id %lld (see %s_files): %s", zName, iFile, zName, zWhy);
  if( p->zMsg==0 ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  return p->zMsg;
}

/* The plain bytes of file iFile of case iCase's table zName: *pz, *pn. NULL, or why not. */
static const char *case_file(ImportFns *p, sqlite3 *db, sqlite3_int64 iCase, const char *zName,
                             sqlite3_int64 iFile, const char **pz, size_t *pn, int *pRc){
  CacheFile *c, *pFree = 0;
  const char *zDb, *zErr;
  size_t nHeld = 0;
  int i;
  *pRc = SQLITE_OK;
  if( p->zPrime && p->iPrimeCase==iCase && p->iPrimeFile==iFile ){
    *pz = p->zPrime;
    *pn = p->nPrime;
    return 0;
  }
  for(i=0; i<CACHE_SLOTS; i++){
    unsigned v;
    c = &p->aFile[i];
    if( c->zDb==0 || c->iCase!=iCase || c->iFile!=iFile ) continue;
    if( data_version(db, c->zDb, &v)==SQLITE_OK && v==c->uVersion ){
      c->iUse = ++p->iClock;
      *pz = c->plain.z;
      *pn = c->plain.n;
      return 0;
    }
    slot_clear(p, c);
  }
  zErr = case_where(p, db, iCase, zName, 1, &zDb, pRc);
  if( zErr ) return zErr;
  /* a slot: an empty one, else the least recently used; and room under the budget */
  for(i=0; i<CACHE_SLOTS; i++){
    c = &p->aFile[i];
    if( c->zDb==0 ){ if( pFree==0 ) pFree = c; continue; }
    nHeld += c->plain.nAlloc;
  }
  while( pFree==0 || (nHeld>CACHE_BYTES && nHeld>0) ){
    CacheFile *pOld = 0;
    for(i=0; i<CACHE_SLOTS; i++){
      c = &p->aFile[i];
      if( c->zDb && (pOld==0 || c->iUse<pOld->iUse) ) pOld = c;
    }
    if( pOld==0 ) break;
    nHeld -= pOld->plain.nAlloc;
    slot_clear(p, pOld);
    if( pFree==0 ) pFree = pOld;
  }
  c = pFree;
  zErr = slot_fill(p, db, zDb, zName, iCase, iFile, c, pRc);
  if( zErr ) return file_error(p, zName, iFile, zErr, pRc);
  c->iUse = ++p->iClock;
  *pz = c->plain.z;
  *pn = c->plain.n;
  return 0;
}

/* The bytes [iOff, iOff+nLen) of file iFile of case iCase's table zName: *pz. NULL, or
** why not. (The import compares records without an eventID byte for byte.) */
const char *case_bytes(ImportFns *p, sqlite3 *db, sqlite3_int64 iCase, const char *zName,
                       sqlite3_int64 iFile, sqlite3_int64 iOff, sqlite3_int64 nLen,
                       const char **pz, int *pRc){
  const char *z, *zErr;
  size_t n;
  zErr = case_file(p, db, iCase, zName, iFile, &z, &n, pRc);
  if( zErr ) return zErr;
  if( iOff<0 || nLen<0 || (sqlite3_uint64)iOff>n || (sqlite3_uint64)nLen>n-(size_t)iOff ){
    *pRc = SQLITE_ERROR;
    return file_error(p, zName, iFile, "the record's span lies outside the file", pRc);
  }
  *pz = z + iOff;
  return 0;
}

/* ---- the functions ---------------------------------------------------------------- */

static void fn_error(sqlite3_context *ctx, const char *zFunc, const char *zErr, int rc){
  char *z;
  if( rc==SQLITE_NOMEM ){ sqlite3_result_error_nomem(ctx); return; }
  z = sqlite3_mprintf("%s: %s", zFunc, zErr);
  if( z==0 ){ sqlite3_result_error_nomem(ctx); return; }
  sqlite3_result_error(ctx, z, -1);
  sqlite3_free(z);
}

/* The record of argv[0..4] (case, name, file_id, offset, length), parsed in p->rec. NULL, or
** why not; *pbNull when the row has no record (NULL arguments). */
static const char *case_record(ImportFns *p, sqlite3_context *ctx, sqlite3_value **argv,
                               int *pbNull, int *pRc){
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  const char *zName = (const char*)sqlite3_value_text(argv[1]);
  sqlite3_int64 iCase = sqlite3_value_int64(argv[0]);
  sqlite3_int64 iFile = sqlite3_value_int64(argv[2]);
  sqlite3_int64 iOff = sqlite3_value_int64(argv[3]);
  sqlite3_int64 nLen = sqlite3_value_int64(argv[4]);
  const char *z, *zErr;
  size_t n;
  int i;
  FieldIndex idx;
  unsigned flags = 0;
  *pbNull = 0;
  *pRc = SQLITE_ERROR;
  for(i=0; i<5; i++){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ){ *pbNull = 1; *pRc = SQLITE_OK; return 0; }
  }
  if( zName==0 ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  zErr = case_file(p, db, iCase, zName, iFile, &z, &n, pRc);
  if( zErr ) return zErr;
  if( p->bRec && p->zRecBase==z && p->iRecOff==(size_t)iOff && p->nRecLen==(size_t)nLen ){
    *pRc = SQLITE_OK;
    return 0;
  }
  p->bRec = 0;
  *pRc = SQLITE_ERROR;
  if( iOff<0 || nLen<2 || (sqlite3_uint64)iOff>n || (sqlite3_uint64)nLen>n-(size_t)iOff ){
    return file_error(p, zName, iFile, "the record's span lies outside the file", pRc);
  }
  if( z[iOff]!='{'
   || record_parse(z, (size_t)(iOff+nLen), (size_t)iOff, &flags, &idx)!=(size_t)(iOff+nLen) ){
    char zWhy[80];
    sqlite3_snprintf(sizeof(zWhy), zWhy, "the record at byte %lld is not one JSON object", iOff);
    return file_error(p, zName, iFile, zWhy, pRc);
  }
  record_set(&p->rec, z, (size_t)iOff, (size_t)(iOff+nLen), flags, &idx);
  p->zRecBase = z;
  p->iRecOff = (size_t)iOff;
  p->nRecLen = (size_t)nLen;
  p->bRec = 1;
  *pRc = SQLITE_OK;
  return 0;
}

/* cloudtrail_record(case, name, file_id, offset, length): the record's text, as the
** cloudtrail table's `record` column shows it. */
static void fnRecord(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  ImportFns *p = sqlite3_user_data(ctx);
  const char *zErr;
  int rc, bNull;
  (void)argc;
  if( p->bDiscard ) return;
  zErr = case_record(p, ctx, argv, &bNull, &rc);
  if( zErr ){ fn_error(ctx, "cloudtrail_record", zErr, rc); return; }
  if( bNull ) return;
  if( record_column(&p->rec, RD_record, ctx) ) sqlite3_result_error_nomem(ctx);
}

/* The derived columns' names, in RD_* order. */
static const char *const azDerived[] = {
  "event_epoch", "user_type", "user_arn", "principal_id", "access_key_id", "invoked_by",
  "session_issuer_arn", "source_identity", "mfa_authenticated", "user_name", "account_id",
  "actor", "outcome", "target_user", "record"
};

/* A column of the cloudtrail table decoded from the record (RF_* or RD_*), or -1. Called
** for every generated column of every row an INSERT writes: no string compare per name. */
int case_column_number(const char *zName){
  size_t n = strlen(zName);
  int k = fields_lookup(zName, n);
  if( k>=0 && k<RF_COUNT ) return k;
  for(k=0; k<(int)(sizeof(azDerived)/sizeof(azDerived[0])); k++){
    if( azDerived[k][0]==zName[0] && strcmp(azDerived[k], zName)==0 ) return RF_COUNT + k;
  }
  return -1;
}

/* cloudtrail_field(case, name, file_id, offset, length, 'column'): the value the
** cloudtrail table's column of that name shows for this record. (Not sqlite3_set_auxdata
** for the column's number: an INSERT's auxiliary data is dropped after every row, and the
** lookup costs less than its upkeep.) */
static void fnField(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  ImportFns *p = sqlite3_user_data(ctx);
  const char *zCol = (const char*)sqlite3_value_text(argv[5]);
  const char *zErr;
  int rc, iCol, bNull;
  (void)argc;
  if( p->bDiscard ) return;
  iCol = zCol ? case_column_number(zCol) : -1;
  if( iCol<0 ){
    char *z;
    if( zCol==0 && sqlite3_value_type(argv[5])!=SQLITE_NULL ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    z = sqlite3_mprintf("cloudtrail_field: no column '%s' is decoded from a record",
                        zCol ? zCol : "");
    if( z==0 ){ sqlite3_result_error_nomem(ctx); return; }
    sqlite3_result_error(ctx, z, -1);
    sqlite3_free(z);
    return;
  }
  zErr = case_record(p, ctx, argv, &bNull, &rc);
  if( zErr ){ fn_error(ctx, "cloudtrail_field", zErr, rc); return; }
  if( bNull ) return;
  if( record_column(&p->rec, iCol, ctx) ) sqlite3_result_error_nomem(ctx);
}

/* The loaded path of file iFile, or NULL. */
static const char *path_of(const ImportFns *p, sqlite3_int64 iFile){
  if( p->azPath==0 || iFile<p->iPathMin || iFile-p->iPathMin>=p->nPath ) return 0;
  return p->azPath[iFile-p->iPathMin];
}

/* cloudtrail_source(case, name, file_id): the file's path, from the manifest NAME_files
** (read whole once per data version: a row's path is one array look-up). */
static void fnSource(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  ImportFns *p = sqlite3_user_data(ctx);
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  const char *zName = (const char*)sqlite3_value_text(argv[1]);
  sqlite3_int64 iCase = sqlite3_value_int64(argv[0]);
  sqlite3_int64 iFile = sqlite3_value_int64(argv[2]);
  const char *zDb, *zErr;
  unsigned v = 0;
  int rc = SQLITE_ERROR;
  (void)argc;
  if( p->bDiscard ) return;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL || sqlite3_value_type(argv[2])==SQLITE_NULL ) return;
  if( zName==0 ){ sqlite3_result_error_nomem(ctx); return; }
  zErr = case_where(p, db, iCase, zName, 0, &zDb, &rc);
  if( zErr ){ fn_error(ctx, "cloudtrail_source", zErr, rc); return; }
  if( data_version(db, zDb, &v)!=SQLITE_OK ) v = 0;
  if( p->azPath==0 || p->iPathCase!=iCase || p->uPathVersion!=v || strcmp(p->zPathDb, zDb)!=0
   || path_of(p, iFile)==0 ){
    zErr = paths_load(p, db, zDb, zName, iCase, v, &rc);
    if( zErr ){ fn_error(ctx, "cloudtrail_source", zErr, rc); return; }
  }
  if( path_of(p, iFile)==0 ){
    rc = SQLITE_ERROR;
    zErr = file_error(p, zName, iFile, "the file is not in the manifest", &rc);
    fn_error(ctx, "cloudtrail_source", zErr, rc);
    return;
  }
  sqlite3_result_text(ctx, path_of(p, iFile), -1, SQLITE_TRANSIENT);
}

static void fns_free(void *pArg){
  ImportFns *p = pArg;
  int i;
  for(i=0; i<CACHE_SLOTS; i++) slot_clear(p, &p->aFile[i]);
  while( p->pWhere ){
    CaseWhere *w = p->pWhere;
    p->pWhere = w->pNext;
    sqlite3_free(w->zName);
    sqlite3_free(w->zDb);
    sqlite3_free(w);
  }
  if( p->pDec ) libdeflate_free_decompressor(p->pDec);
  paths_clear(p);
  sqlite3_free(p->zMsg);
  record_clear(&p->rec);
  sqlite3_free(p);
}

/* The three functions share one state per connection (the connection's mutex serialises
** them); it is freed with the last one registered. */
int import_functions_register(sqlite3 *db, ImportFns **ppFns){
  const int eFlags = SQLITE_UTF8|SQLITE_DETERMINISTIC|SQLITE_INNOCUOUS;
  ImportFns *p = sqlite3_malloc64(sizeof(*p));
  int rc;
  *ppFns = 0;
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  rc = sqlite3_create_function_v2(db, "cloudtrail_record", 5, eFlags, p, fnRecord, 0, 0, 0);
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function_v2(db, "cloudtrail_source", 3, eFlags, p, fnSource, 0, 0, 0);
  }
  if( rc ){ fns_free(p); return rc; }
  rc = sqlite3_create_function_v2(db, "cloudtrail_field", 6, eFlags, p, fnField, 0, 0, fns_free);
  if( rc ) return rc;                       /* fns_free has run */
  *ppFns = p;
  return SQLITE_OK;
}
