/*
** import.c: cloudtrail_import's work, and the SQL functions an import table's generated
** columns read.
**
** An import table keeps each record's exact bytes, compressed, in record_z; the columns
** the indexes, windows and rule prefilters use are stored as plain values, every other
** column of the `cloudtrail` table is a VIRTUAL generated column computed from record_z by
** cloudtrail_field() (record.c's column code on the inflated bytes), and `record` by
** cloudtrail_inflate(). The stored values are bound by the same code (record_column_bind on
** the record as the reader indexed it), so a stored column and the generated one it would
** have been cannot differ.
**
** record_z, format version 1:
**   byte 0      1
**   varint      the record's length in bytes (7 bits a byte, low first, at most 5 bytes)
**   the rest    raw DEFLATE (zlib, windowBits -15) with the preset dictionary of
**               record_dict.c
** A blob of another version, or one that does not inflate to exactly its length, is an
** error, never text.
**
** The import (import_run) reads a path with the reader (source.c), as `cloudtrail` does,
** and writes, in groups of whole files per transaction, each file's records and its row of
** the manifest NAME_files. See the README, "Case files: cloudtrail_import".
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>
#include "fields.h"
#include "import.h"
#include "json.h"
#include "record.h"
#include "sha256.h"
#include "source.h"
#include "split.h"

#define RZ_VERSION 1
#ifndef RZ_LEVEL
#define RZ_LEVEL   3             /* the last of zlib's fast levels: see the README, "Cost" */
#endif
#define RZ_MAX     ((size_t)1 << 31)

/* How long a group of files may run before it is committed, in ms (a file is never split). */
#define GROUP_MS 1000

struct ImportFns {
  z_stream inf;                  /* reused: inflateReset, never a new state per record */
  int bInf;
  z_stream def;
  int bDef;
  JsonBuf key;                   /* the blob whose record is cached */
  JsonBuf plain;                 /* its bytes */
  int bCached;
  Record rec;                    /* the cached record, indexed */
  JsonBuf out;                   /* compression output */
  JsonBuf cmp;                   /* a second record's bytes, for exact comparisons */
};

/* ---- record_z ---------------------------------------------------------------------- */

static int rz_compress(ImportFns *p, const char *z, size_t n){
  size_t k = 1, m = n;
  uLong nBound;
  int rc;
  if( n>=RZ_MAX ) return SQLITE_TOOBIG;
  if( !p->bDef ){
    memset(&p->def, 0, sizeof(p->def));
    if( deflateInit2(&p->def, RZ_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)!=Z_OK ){
      return SQLITE_NOMEM;
    }
    p->bDef = 1;
  }else if( deflateReset(&p->def)!=Z_OK ){
    return SQLITE_ERROR;
  }
  if( deflateSetDictionary(&p->def, record_dict_v1, record_dict_v1_len)!=Z_OK ) return SQLITE_ERROR;
  nBound = deflateBound(&p->def, (uLong)n);
  p->out.n = 0;
  if( json_buf_reserve(&p->out, (size_t)nBound + 8) ) return SQLITE_NOMEM;
  p->out.z[0] = RZ_VERSION;
  do{
    p->out.z[k++] = (char)((m & 0x7f) | (m>0x7f ? 0x80 : 0));
    m >>= 7;
  }while( m );
  p->def.next_in = (Bytef*)z;
  p->def.avail_in = (uInt)n;
  p->def.next_out = (Bytef*)p->out.z + k;
  p->def.avail_out = (uInt)nBound;
  rc = deflate(&p->def, Z_FINISH);
  if( rc!=Z_STREAM_END ) return SQLITE_ERROR;
  p->out.n = k + (size_t)p->def.total_out;
  return SQLITE_OK;
}

/* Inflate blob a[0..nA) into *pOut (NUL-terminated): NULL, or why it cannot be. */
static const char *rz_inflate(ImportFns *p, const unsigned char *a, size_t nA, JsonBuf *pOut,
                              int *pRc){
  size_t n = 0, k = 1;
  int sh = 0, rc;
  *pRc = SQLITE_ERROR;
  if( nA<2 ) return "record_z is not a compressed record (too short)";
  if( a[0]!=RZ_VERSION ) return "record_z has an unknown format version";
  for(;;){
    if( k>=nA || k>5 ) return "record_z is corrupt (length)";
    n |= (size_t)(a[k] & 0x7f) << sh;
    sh += 7;
    if( (a[k++] & 0x80)==0 ) break;
  }
  if( n>=RZ_MAX ) return "record_z is corrupt (length)";
  if( !p->bInf ){
    memset(&p->inf, 0, sizeof(p->inf));
    if( inflateInit2(&p->inf, -15)!=Z_OK ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
    p->bInf = 1;
  }else if( inflateReset(&p->inf)!=Z_OK ){
    return "record_z: inflateReset failed";
  }
  if( inflateSetDictionary(&p->inf, record_dict_v1, record_dict_v1_len)!=Z_OK ){
    return "record_z: inflateSetDictionary failed";
  }
  pOut->n = 0;
  if( json_buf_reserve(pOut, n+2) ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  p->inf.next_in = (Bytef*)a + k;
  p->inf.avail_in = (uInt)(nA - k);
  p->inf.next_out = (Bytef*)pOut->z;
  p->inf.avail_out = (uInt)(n + 1);              /* one more: a longer stream is caught */
  rc = inflate(&p->inf, Z_FINISH);
  if( rc!=Z_STREAM_END || p->inf.total_out!=n || p->inf.avail_in!=0 ){
    return "record_z is corrupt";
  }
  pOut->n = n;
  pOut->z[n] = 0;
  *pRc = SQLITE_OK;
  return 0;
}

/* Make bytes z[0..n), whose blob is a[0..nA), the cached record: validated and indexed as
** the reader validates a record. NULL, or why not. */
static const char *fns_set(ImportFns *p, const unsigned char *a, size_t nA, int *pRc){
  JsonCapture cap;
  JsonError err;
  FieldIndex idx;
  unsigned flags = 0;
  const char *z = p->plain.z;
  size_t n = p->plain.n;
  p->bCached = 0;
  *pRc = SQLITE_ERROR;
  memset(&idx, 0, sizeof(idx));
  cap.xMap = fields_lookup;
  cap.aS = idx.aS;
  cap.aE = idx.aE;
  cap.iBase = 0;
  if( n==0 || z[0]!='{' || json_skip_capture(z, n, 0, &flags, &err, &cap)!=n ){
    return "record_z does not hold one JSON object";
  }
  idx.bNoDupKey = (flags & JSON_F_DUPKEY)==0;
  p->key.n = 0;
  if( json_buf_reserve(&p->key, nA+1) ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  memcpy(p->key.z, a, nA);
  p->key.n = nA;
  record_set(&p->rec, z, 0, n, flags, &idx);
  p->bCached = 1;
  *pRc = SQLITE_OK;
  return 0;
}

/* The record of blob v, from the cache when it is the last one asked for. */
static const char *fns_load(ImportFns *p, sqlite3_value *v, int *pRc){
  const unsigned char *a = sqlite3_value_blob(v);
  size_t nA = (size_t)sqlite3_value_bytes(v);
  const char *zErr;
  *pRc = SQLITE_ERROR;
  if( sqlite3_value_type(v)!=SQLITE_BLOB ) return "record_z must be a blob";
  if( a==0 ){ *pRc = SQLITE_NOMEM; return "out of memory"; }
  if( p->bCached && p->key.n==nA && memcmp(p->key.z, a, nA)==0 ){
    *pRc = SQLITE_OK;
    return 0;
  }
  p->bCached = 0;
  zErr = rz_inflate(p, a, nA, &p->plain, pRc);
  if( zErr ) return zErr;
  return fns_set(p, a, nA, pRc);
}

/* Make the blob the import is about to write (f->out), whose record the reader indexed as
** it, the cached record: SQLite computes every generated column of a row it inserts, and
** each call then finds the record decoded. fns_forget() before z goes away. */
static int fns_prime(ImportFns *p, const char *z, const SplitItem *it){
  p->bCached = 0;
  p->key.n = 0;
  if( json_buf_reserve(&p->key, p->out.n+1) ) return SQLITE_NOMEM;
  memcpy(p->key.z, p->out.z, p->out.n);
  p->key.n = p->out.n;
  record_set(&p->rec, z, it->s, it->e, it->flags, &it->idx);
  p->bCached = 1;
  return SQLITE_OK;
}

static void fns_forget(ImportFns *p){
  p->bCached = 0;
  record_set(&p->rec, 0, 0, 0, 0, 0);
}

static void fn_error(sqlite3_context *ctx, const char *zFunc, const char *zErr, int rc){
  char *z;
  if( rc==SQLITE_NOMEM ){ sqlite3_result_error_nomem(ctx); return; }
  z = sqlite3_mprintf("%s: %s", zFunc, zErr);
  if( z==0 ){ sqlite3_result_error_nomem(ctx); return; }
  sqlite3_result_error(ctx, z, -1);
  sqlite3_free(z);
}

/* cloudtrail_inflate(record_z): the record's text as the cloudtrail table's `record`
** column shows it. */
static void fnInflate(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  ImportFns *p = sqlite3_user_data(ctx);
  const char *zErr;
  int rc;
  (void)argc;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return;
  zErr = fns_load(p, argv[0], &rc);
  if( zErr ){ fn_error(ctx, "cloudtrail_inflate", zErr, rc); return; }
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
static int column_number(const char *zName){
  size_t n = strlen(zName);
  int k = fields_lookup(zName, n);
  if( k>=0 && k<RF_COUNT ) return k;
  for(k=0; k<(int)(sizeof(azDerived)/sizeof(azDerived[0])); k++){
    if( azDerived[k][0]==zName[0] && strcmp(azDerived[k], zName)==0 ) return RF_COUNT + k;
  }
  return -1;
}

/* cloudtrail_field(record_z, 'name'): the value the cloudtrail table's column of that name
** shows for this record. (Not sqlite3_set_auxdata for the name's number: an INSERT's
** auxiliary data is dropped after every row, and the lookup costs less than its upkeep.) */
static void fnField(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  ImportFns *p = sqlite3_user_data(ctx);
  const char *zName = (const char*)sqlite3_value_text(argv[1]);
  const char *zErr;
  int rc, iCol;
  (void)argc;
  iCol = zName ? column_number(zName) : -1;
  if( iCol<0 ){
    char *z;
    if( zName==0 && sqlite3_value_type(argv[1])!=SQLITE_NULL ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    z = sqlite3_mprintf("cloudtrail_field: no column '%s' is decoded from a record",
                        zName ? zName : "");
    if( z==0 ){ sqlite3_result_error_nomem(ctx); return; }
    sqlite3_result_error(ctx, z, -1);
    sqlite3_free(z);
    return;
  }
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return;
  zErr = fns_load(p, argv[0], &rc);
  if( zErr ){ fn_error(ctx, "cloudtrail_field", zErr, rc); return; }
  if( record_column(&p->rec, iCol, ctx) ) sqlite3_result_error_nomem(ctx);
}

static void fns_free(void *pArg){
  ImportFns *p = pArg;
  if( p->bInf ) inflateEnd(&p->inf);
  if( p->bDef ) deflateEnd(&p->def);
  json_buf_free(&p->key);
  json_buf_free(&p->plain);
  json_buf_free(&p->out);
  json_buf_free(&p->cmp);
  record_clear(&p->rec);
  sqlite3_free(p);
}

/* Both functions share one state per connection (the connection's mutex serialises
** them); it is freed with the second function, registered last. Pure and deterministic:
** INNOCUOUS, so that generated columns work with PRAGMA trusted_schema=off. */
int import_functions_register(sqlite3 *db, ImportFns **ppFns){
  const int eFlags = SQLITE_UTF8|SQLITE_DETERMINISTIC|SQLITE_INNOCUOUS;
  ImportFns *p = sqlite3_malloc64(sizeof(*p));
  int rc;
  *ppFns = 0;
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  rc = sqlite3_create_function_v2(db, "cloudtrail_inflate", 1, eFlags, p, fnInflate, 0, 0, 0);
  if( rc ){ fns_free(p); return rc; }
  rc = sqlite3_create_function_v2(db, "cloudtrail_field", 2, eFlags, p, fnField, 0, 0, fns_free);
  if( rc ) return rc;                       /* fns_free has run */
  *ppFns = p;
  return SQLITE_OK;
}

/* ---- the import ---------------------------------------------------------------------- */

/* The cloudtrail table's visible columns, in order: stored (a plain value the import
** writes) or generated from record_z. */
typedef struct ImpCol { const char *zName, *zType; int bStored; } ImpCol;
static const ImpCol aCol[] = {
  {"eventVersion","TEXT",0}, {"eventTime","TEXT",1}, {"eventSource","TEXT",1},
  {"eventName","TEXT",1}, {"awsRegion","TEXT",1}, {"sourceIPAddress","TEXT",1},
  {"userAgent","TEXT",1}, {"errorCode","TEXT",1}, {"errorMessage","TEXT",0},
  {"requestParameters","TEXT",0}, {"responseElements","TEXT",0},
  {"additionalEventData","TEXT",0}, {"requestID","TEXT",0}, {"eventID","TEXT",1},
  {"readOnly","INTEGER",1}, {"resources","TEXT",0}, {"eventType","TEXT",0},
  {"apiVersion","TEXT",0}, {"managementEvent","INTEGER",0}, {"recipientAccountId","TEXT",0},
  {"serviceEventDetails","TEXT",0}, {"sharedEventID","TEXT",0}, {"vpcEndpointId","TEXT",0},
  {"eventCategory","TEXT",0}, {"tlsDetails","TEXT",0}, {"sessionCredentialFromConsole","TEXT",0},
  {"userIdentity","TEXT",0}, {"insightDetails","TEXT",0},
  {"event_epoch","INTEGER",1}, {"user_type","TEXT",1}, {"user_arn","TEXT",0},
  {"principal_id","TEXT",0}, {"access_key_id","TEXT",1}, {"invoked_by","TEXT",0},
  {"session_issuer_arn","TEXT",0}, {"source_identity","TEXT",0},
  {"mfa_authenticated","INTEGER",0}, {"user_name","TEXT",1}, {"account_id","TEXT",1},
  {"actor","TEXT",1}, {"outcome","TEXT",1}, {"target_user","TEXT",1},
};
#define N_COL ((int)(sizeof(aCol)/sizeof(aCol[0])))

/* A file of the manifest, as this import found it. */
typedef struct ManFile {
  char *zPath;                   /* as source_file shows it */
  long long iId;
  long long nSize, iMtimeNs;
  char zSha[65];                 /* "" when none */
  int bMissing;                  /* status 'missing' */
  int bSeen;                     /* the walk yielded it */
} ManFile;

/* A file the walk yielded and the import reads: its stat before it was read. */
typedef struct Seen {
  char *zPath;                   /* as walked */
  int bStat;
  long long nSize, iMtimeNs;
} Seen;

typedef struct Import {
  sqlite3 *db;
  ImportFns *pFns;
  char *zSchema;                 /* "main" or the qualifier given */
  char *zName;
  int bVerify;
  int bOwnTxn;                   /* autocommit at the start: BEGIN/COMMIT; else SAVEPOINTs */
  int bInGroup;
  long long tGroup;
  ManFile *aMan; int nMan;       /* sorted by path */
  Seen *aSeen; int nSeen, nSeenAlloc, iSeen;
  int rcAdmit;                   /* an error met in the admit callback */
  long long iImport;
  int bDeleted;                  /* some file's rows were deleted: reconcile */
  sqlite3_stmt *pIns, *pFindId, *pFindNoid, *pDelRow, *pLoser, *pDelFile, *pFileNew,
               *pFileSet, *pUnchanged;
  JsonBuf id;                    /* an eventID's text */
  Record rec;                    /* the record being put, as the reader indexed it */
  int aiStored[N_COL];           /* the INSERT's ?5, ?6 ...: column_number() of each stored
                                 ** column, resolved once */
  int nStored;
  ImportSummary sum;
  char *zErr;
} Import;

static long long now_ms(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec*1000 + ts.tv_nsec/1000000;
}

static int imp_err(Import *p, int rc, const char *zFormat, ...){
  va_list ap;
  if( p->zErr==0 ){
    va_start(ap, zFormat);
    p->zErr = sqlite3_vmprintf(zFormat, ap);
    va_end(ap);
  }
  return rc ? rc : SQLITE_ERROR;
}

/* An SQL error of the connection, as the import's. */
static int imp_sqlerr(Import *p, int rc){
  if( rc==SQLITE_NOMEM ) return rc;
  return imp_err(p, rc, "cloudtrail_import: %s", sqlite3_errmsg(p->db));
}

static int imp_exec(Import *p, const char *zFormat, ...){
  va_list ap;
  char *zSql;
  int rc;
  va_start(ap, zFormat);
  zSql = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  if( zSql==0 ) return SQLITE_NOMEM;
  rc = sqlite3_exec(p->db, zSql, 0, 0, 0);
  sqlite3_free(zSql);
  return rc ? imp_sqlerr(p, rc) : SQLITE_OK;
}

static int imp_prepare(Import *p, sqlite3_stmt **pp, const char *zFormat, ...){
  va_list ap;
  char *zSql;
  int rc;
  va_start(ap, zFormat);
  zSql = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  if( zSql==0 ) return SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(p->db, zSql, -1, pp, 0);
  sqlite3_free(zSql);
  return rc ? imp_sqlerr(p, rc) : SQLITE_OK;
}

/* Step a statement that returns no row, and reset it. */
static int imp_run(Import *p, sqlite3_stmt *pStmt){
  int rc = sqlite3_step(pStmt);
  sqlite3_reset(pStmt);
  if( rc==SQLITE_DONE || rc==SQLITE_ROW ) return SQLITE_OK;
  rc = sqlite3_reset(pStmt);
  return imp_sqlerr(p, rc ? rc : SQLITE_ERROR);
}

/* ---- transactions: whole files in groups ---- */

static int group_begin(Import *p){
  int rc;
  if( p->bInGroup ) return SQLITE_OK;
  rc = imp_exec(p, p->bOwnTxn ? "BEGIN IMMEDIATE" : "SAVEPOINT cloudtrail_import");
  if( rc==SQLITE_OK ){
    p->bInGroup = 1;
    p->tGroup = now_ms();
  }
  return rc;
}

static int group_commit(Import *p){
  int rc;
  if( !p->bInGroup ) return SQLITE_OK;
  rc = imp_exec(p, p->bOwnTxn ? "COMMIT" : "RELEASE cloudtrail_import");
  if( rc==SQLITE_OK ) p->bInGroup = 0;
  return rc;
}

/* Undo the group in hand. Errors here are not reported over the one that caused it. */
static void group_abort(Import *p){
  if( !p->bInGroup ) return;
  p->bInGroup = 0;
  if( p->bOwnTxn ){
    if( sqlite3_get_autocommit(p->db)==0 ) sqlite3_exec(p->db, "ROLLBACK", 0, 0, 0);
  }else{
    sqlite3_exec(p->db, "ROLLBACK TO cloudtrail_import; RELEASE cloudtrail_import", 0, 0, 0);
  }
}

/* ---- walk order ---- */

/* Compare two paths in the order the walk yields them: folder by folder, names by their
** bytes (a '/' before any other byte), as `copy` and `detect` keep the first copy. */
static int path_cmp(const char *a, const char *b){
  const unsigned char *x = (const unsigned char*)a, *y = (const unsigned char*)b;
  while( *x && *x==*y ){ x++; y++; }
  if( *x==*y ) return 0;
  if( *x=='/' ) return -1;
  if( *y=='/' ) return 1;
  return *x<*y ? -1 : 1;
}

/* ---- the manifest in memory ---- */

static int man_cmp(const void *a, const void *b){
  return strcmp(((const ManFile*)a)->zPath, ((const ManFile*)b)->zPath);
}

static ManFile *man_find(Import *p, const char *zPath){
  ManFile key;
  key.zPath = (char*)zPath;
  return p->nMan ? bsearch(&key, p->aMan, (size_t)p->nMan, sizeof(ManFile), man_cmp) : 0;
}

static int man_load(Import *p){
  sqlite3_stmt *pStmt = 0;
  int rc, nAlloc = 0;
  rc = imp_prepare(p, &pStmt, "SELECT file_id, path, size, mtime_ns, sha256, status "
                   "FROM \"%w\".\"%w_files\"", p->zSchema, p->zName);
  if( rc ) return rc;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    ManFile *m;
    const char *zPath = (const char*)sqlite3_column_text(pStmt, 1);
    const char *zSha = (const char*)sqlite3_column_text(pStmt, 4);
    const char *zStatus = (const char*)sqlite3_column_text(pStmt, 5);
    if( zPath==0 ) continue;
    if( p->nMan>=nAlloc ){
      int nNew = nAlloc ? nAlloc*2 : 64;
      ManFile *aNew = sqlite3_realloc64(p->aMan, (sqlite3_uint64)nNew*sizeof(ManFile));
      if( aNew==0 ){ rc = SQLITE_NOMEM; break; }
      p->aMan = aNew;
      nAlloc = nNew;
    }
    m = &p->aMan[p->nMan];
    memset(m, 0, sizeof(*m));
    m->zPath = sqlite3_mprintf("%s", zPath);
    if( m->zPath==0 ){ rc = SQLITE_NOMEM; break; }
    p->nMan++;
    m->iId = sqlite3_column_int64(pStmt, 0);
    m->nSize = sqlite3_column_type(pStmt, 2)==SQLITE_NULL ? -1 : sqlite3_column_int64(pStmt, 2);
    m->iMtimeNs = sqlite3_column_type(pStmt, 3)==SQLITE_NULL ? -1 : sqlite3_column_int64(pStmt, 3);
    if( zSha && strlen(zSha)==64 ) memcpy(m->zSha, zSha, 65);
    m->bMissing = zStatus && strcmp(zStatus, "missing")==0;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  if( rc && rc!=SQLITE_NOMEM ) rc = imp_sqlerr(p, rc);
  sqlite3_finalize(pStmt);
  if( rc==SQLITE_OK && p->nMan>1 ) qsort(p->aMan, (size_t)p->nMan, sizeof(ManFile), man_cmp);
  return rc;
}

/* The source's admit callback: stat each regular file before it is read; leave out a
** file whose size and mtime match the manifest (unless verifying). */
static int imp_admit(void *pCtx, const char *zPath){
  Import *p = pCtx;
  struct stat st;
  int bStat = stat(zPath, &st)==0;
  long long iNs = bStat ? (long long)st.st_mtim.tv_sec*1000000000LL + st.st_mtim.tv_nsec : -1;
  Seen *s;
  if( bStat && !p->bVerify && p->nMan ){
    char *zShow = record_name_text(zPath);
    ManFile *m;
    if( zShow==0 ){ p->rcAdmit = SQLITE_NOMEM; return 0; }
    m = man_find(p, zShow);
    sqlite3_free(zShow);
    if( m && !m->bMissing && m->zSha[0] && m->nSize==(long long)st.st_size && m->iMtimeNs==iNs ){
      m->bSeen = 1;
      p->sum.nFilesUnchanged++;
      return 1;
    }
  }
  if( p->nSeen>=p->nSeenAlloc ){
    int nNew = p->nSeenAlloc ? p->nSeenAlloc*2 : 64;
    Seen *aNew = sqlite3_realloc64(p->aSeen, (sqlite3_uint64)nNew*sizeof(Seen));
    if( aNew==0 ){ p->rcAdmit = SQLITE_NOMEM; return 0; }
    p->aSeen = aNew;
    p->nSeenAlloc = nNew;
  }
  s = &p->aSeen[p->nSeen];
  s->zPath = sqlite3_mprintf("%s", zPath);
  if( s->zPath==0 ){ p->rcAdmit = SQLITE_NOMEM; return 0; }
  p->nSeen++;
  s->bStat = bStat;
  s->nSize = bStat ? (long long)st.st_size : -1;
  s->iMtimeNs = iNs;
  return 0;
}

/* The stat taken before zPath was read, or NULL (not a regular file). */
static Seen *seen_find(Import *p, const char *zPath){
  int i;
  for(i=p->iSeen; i<p->nSeen; i++){
    if( strcmp(p->aSeen[i].zPath, zPath)==0 ){
      p->iSeen = i+1;
      return &p->aSeen[i];
    }
  }
  return 0;
}

static void sha_hex(const char *z, size_t n, char zOut[65]){
  Sha256 h;
  unsigned char a[32];
  int i;
  sha256_init(&h);
  sha256_update(&h, z, n);
  sha256_final(&h, a);
  for(i=0; i<32; i++){
    zOut[2*i] = "0123456789abcdef"[a[i]>>4];
    zOut[2*i+1] = "0123456789abcdef"[a[i]&15];
  }
  zOut[64] = 0;
}

/* ---- tables ---- */

/* 1 when table zTab exists in the schema (*pzType its type), 0 when not. */
static int obj_type(Import *p, const char *zTab, char *zType, int *pRc){
  sqlite3_stmt *pStmt = 0;
  int bFound = 0;
  *pRc = imp_prepare(p, &pStmt, "SELECT type FROM \"%w\".sqlite_schema WHERE name=?1 "
                     "COLLATE NOCASE AND type IN ('table','view','index','trigger')",
                     p->zSchema);
  if( *pRc ) return 0;
  sqlite3_bind_text(pStmt, 1, zTab, -1, SQLITE_STATIC);
  if( sqlite3_step(pStmt)==SQLITE_ROW ){
    const char *z = (const char*)sqlite3_column_text(pStmt, 0);
    sqlite3_snprintf(16, zType, "%s", z ? z : "");
    bFound = 1;
  }
  *pRc = sqlite3_finalize(pStmt);
  if( *pRc ) *pRc = imp_sqlerr(p, *pRc);
  return bFound;
}

static int has_column(Import *p, const char *zTab, const char *zCol, int *pRc){
  sqlite3_stmt *pStmt = 0;
  int bFound = 0;
  *pRc = imp_prepare(p, &pStmt, "SELECT 1 FROM pragma_table_xinfo(?1, ?2) WHERE name=?3");
  if( *pRc ) return 0;
  sqlite3_bind_text(pStmt, 1, zTab, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 2, p->zSchema, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 3, zCol, -1, SQLITE_STATIC);
  bFound = sqlite3_step(pStmt)==SQLITE_ROW;
  *pRc = sqlite3_finalize(pStmt);
  if( *pRc ) *pRc = imp_sqlerr(p, *pRc);
  return bFound;
}

/* Check NAME, NAME_files and NAME_imports: each an import table or absent. *pbNew: NAME
** had to be created. */
static int tables_check(Import *p, int *pbNew){
  static const char *const azSuffix[] = { "", "_files", "_imports" };
  static const char *const azCol[] = { "record_z", "sha256", "import_id" };
  char zType[16];
  int i, rc, nFound = 0;
  *pbNew = 0;
  for(i=0; i<3; i++){
    char *zTab = sqlite3_mprintf("%s%s", p->zName, azSuffix[i]);
    int bFound;
    if( zTab==0 ) return SQLITE_NOMEM;
    bFound = obj_type(p, zTab, zType, &rc);
    if( rc==SQLITE_OK && bFound ){
      if( strcmp(zType, "table")!=0 ){
        rc = imp_err(p, SQLITE_ERROR, "cloudtrail_import: '%s' exists and is a %s, not an "
                     "import table", zTab, zType);
      }else if( !has_column(p, zTab, azCol[i], &rc) && rc==SQLITE_OK ){
        rc = imp_err(p, SQLITE_ERROR, "cloudtrail_import: '%s' exists and is not an import "
                     "table (it has no %s column)", zTab, azCol[i]);
      }
      nFound++;
    }
    sqlite3_free(zTab);
    if( rc ) return rc;
  }
  if( nFound>0 && nFound<3 ){
    return imp_err(p, SQLITE_ERROR, "cloudtrail_import: '%s' is not a whole import table "
                   "(one of %s, %s_files, %s_imports is missing)", p->zName, p->zName,
                   p->zName, p->zName);
  }
  *pbNew = nFound==0;
  return SQLITE_OK;
}

static int tables_create(Import *p){
  char *zCols = 0;
  int i, rc;
  for(i=0; i<N_COL; i++){
    if( aCol[i].bStored ){
      zCols = sqlite3_mprintf("%z\"%w\" %s,\n", zCols, aCol[i].zName, aCol[i].zType);
    }else{
      zCols = sqlite3_mprintf("%z\"%w\" %s AS (cloudtrail_field(record_z,'%s')) VIRTUAL,\n",
                              zCols, aCol[i].zName, aCol[i].zType, aCol[i].zName);
    }
    if( zCols==0 ) return SQLITE_NOMEM;
  }
  rc = imp_exec(p,
    "CREATE TABLE \"%w\".\"%w\"(\n%s"
    "source_file TEXT,\nrecord_index INTEGER,\n"
    "record TEXT AS (cloudtrail_inflate(record_z)) VIRTUAL,\n"
    "record_z BLOB NOT NULL,\nfile_id INTEGER NOT NULL);\n"
    /* the de-duplication keys, needed while loading */
    "CREATE UNIQUE INDEX \"%w\".\"%w_event\" ON \"%w\"(eventID) WHERE eventID<>'';\n"
    "CREATE INDEX \"%w\".\"%w_noid\" ON \"%w\"(event_epoch, eventName) "
    "WHERE eventID IS NULL OR eventID='';\n"
    "CREATE INDEX \"%w\".\"%w_file\" ON \"%w\"(file_id);\n"
    "CREATE TABLE \"%w\".\"%w_files\"(file_id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, "
    "size INTEGER, mtime REAL, mtime_ns INTEGER, sha256 TEXT, status TEXT, error TEXT, "
    "format TEXT, records INTEGER, imported INTEGER, duplicates INTEGER, import_id INTEGER, "
    "first_import_id INTEGER, changed INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE \"%w\".\"%w_imports\"(import_id INTEGER PRIMARY KEY, started TEXT, "
    "finished TEXT, path TEXT, verify INTEGER, files_added INTEGER, files_changed INTEGER, "
    "files_unchanged INTEGER, files_missing INTEGER, files_failed INTEGER, "
    "records_added INTEGER, records_replaced INTEGER, duplicates_skipped INTEGER, "
    "seconds REAL, version TEXT);",
    p->zSchema, p->zName, zCols,
    p->zSchema, p->zName, p->zName, p->zSchema, p->zName, p->zName,
    p->zSchema, p->zName, p->zName, p->zSchema, p->zName, p->zSchema, p->zName);
  sqlite3_free(zCols);
  return rc;
}

/* The indexes the investigation views use: after the first bulk load (faster), and kept. */
static int indexes_create(Import *p){
  return imp_exec(p,
    "CREATE INDEX IF NOT EXISTS \"%w\".\"%w_actor\" ON \"%w\"(actor, event_epoch);\n"
    "CREATE INDEX IF NOT EXISTS \"%w\".\"%w_user\" ON \"%w\"(user_name, account_id, event_epoch);\n"
    "CREATE INDEX IF NOT EXISTS \"%w\".\"%w_key\" ON \"%w\"(access_key_id, event_epoch);\n"
    "CREATE INDEX IF NOT EXISTS \"%w\".\"%w_time\" ON \"%w\"(event_epoch);\n"
    "CREATE INDEX IF NOT EXISTS \"%w\".\"%w_name\" ON \"%w\"(eventName, event_epoch);",
    p->zSchema, p->zName, p->zName, p->zSchema, p->zName, p->zName,
    p->zSchema, p->zName, p->zName, p->zSchema, p->zName, p->zName,
    p->zSchema, p->zName, p->zName);
}

static int stmts_prepare(Import *p){
  char *zNames = 0, *zVals = 0;
  int i, rc;
  for(i=0; i<N_COL; i++){
    if( !aCol[i].bStored ) continue;
    zNames = sqlite3_mprintf("%z\"%w\",", zNames, aCol[i].zName);
    zVals = sqlite3_mprintf("%z?%d,", zVals, 5+p->nStored);
    if( zNames==0 || zVals==0 ){ sqlite3_free(zNames); sqlite3_free(zVals); return SQLITE_NOMEM; }
    p->aiStored[p->nStored++] = column_number(aCol[i].zName);
  }
  rc = imp_prepare(p, &p->pIns, "INSERT OR IGNORE INTO \"%w\".\"%w\"(%ssource_file, record_index, "
                   "record_z, file_id) VALUES(%s?2, ?3, ?1, ?4)", p->zSchema, p->zName, zNames, zVals);
  sqlite3_free(zNames);
  sqlite3_free(zVals);
  /* +?1, not ?1: with a bare parameter SQLite re-prepares the statement at every new value
  ** (it may decide the partial index's use), which costs more than the look-up */
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pFindId, "SELECT rowid, source_file, "
    "record_index, file_id FROM \"%w\".\"%w\" WHERE eventID=+?1 AND eventID<>''",
    p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pFindNoid, "SELECT rowid, source_file, "
    "record_index, file_id, record_z FROM \"%w\".\"%w\" WHERE event_epoch IS ?1 "
    "AND eventName IS ?2 AND (eventID IS NULL OR eventID='')", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pDelRow, "DELETE FROM \"%w\".\"%w\" "
    "WHERE rowid=?1", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pLoser, "UPDATE \"%w\".\"%w_files\" "
    "SET imported=imported-1, duplicates=duplicates+1 WHERE file_id=?1", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pDelFile, "DELETE FROM \"%w\".\"%w\" "
    "WHERE file_id=?1", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pFileNew, "INSERT INTO \"%w\".\"%w_files\"("
    "path, import_id, first_import_id, imported, duplicates) VALUES(?1, ?2, ?2, 0, 0)",
    p->zSchema, p->zName);
  /* ?9: 1 when the content changed (counted), 0 for a new file */
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pFileSet, "UPDATE \"%w\".\"%w_files\" SET "
    "size=?2, mtime=?3/1e9, mtime_ns=?3, sha256=?4, status=?5, error=?6, format=?7, "
    "records=?8, imported=?10, duplicates=?11, import_id=?12, changed=changed+?9 "
    "WHERE file_id=?1", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pUnchanged, "UPDATE \"%w\".\"%w_files\" SET "
    "size=?2, mtime=?3/1e9, mtime_ns=?3, status=?4, error=?5 WHERE file_id=?1",
    p->zSchema, p->zName);
  return rc;
}

/* ---- records ---- */

/* The eventID as the eventID column shows it (as source.c counts copies): 1 in p->id,
** 0 when there is none (absent, null or ""). */
static int event_id(Import *p, Record *r, int *pRc){
  size_t s, e;
  const char *z = r->z;
  *pRc = SQLITE_OK;
  p->id.n = 0;
  if( !record_field(r, RF_eventID, &s, &e) || z[s]=='n' ) return 0;
  if( z[s]=='"' ){
    if( json_decode_string(z, s, e, &p->id) ){ *pRc = SQLITE_NOMEM; return 0; }
  }else if( r->flags & (JSON_F_HIGH|JSON_F_CTRL) ){
    if( json_repair(z, s, e, &p->id) ){ *pRc = SQLITE_NOMEM; return 0; }
  }else{
    if( json_buf_reserve(&p->id, e-s+1) ){ *pRc = SQLITE_NOMEM; return 0; }
    memcpy(p->id.z, z+s, e-s);
    p->id.n = e-s;
  }
  return p->id.n>0;
}

/* What put_record did with a record. */
#define PUT_ADDED    1           /* no row had the event */
#define PUT_REPLACED 2           /* it replaced a copy that sorts later */
#define PUT_SKIPPED  3           /* a copy that sorts earlier has the row */
#define PUT_PRESENT  4           /* this very record has the row already */

/* INSERT OR IGNORE the record it of bytes z (compressed in f->out, indexed in p->rec):
** sqlite3_changes() says whether the row went in. */
static int insert_row(Import *p, const char *z, const SplitItem *it, const char *zFile,
                      long long iFile){
  ImportFns *f = p->pFns;
  int i, rc;
  sqlite3_bind_blob64(p->pIns, 1, f->out.z, f->out.n, SQLITE_STATIC);
  sqlite3_bind_text(p->pIns, 2, zFile, -1, SQLITE_STATIC);
  sqlite3_bind_int(p->pIns, 3, it->iIndex);
  sqlite3_bind_int64(p->pIns, 4, iFile);
  for(i=0; i<p->nStored; i++){
    rc = record_column_bind(&p->rec, p->aiStored[i], p->pIns, 5+i);
    if( rc ) return rc;
  }
  rc = fns_prime(f, z, it);
  if( rc==SQLITE_OK ) rc = imp_run(p, p->pIns);
  fns_forget(f);
  return rc;
}

/* Offer the record it of bytes z (file iFile, shown as zFile)
** to the table: the copy of an event with the smallest (source_file, record_index) keeps
** the row, whatever the order of imports. *peDone says what happened. */
static int put_record(Import *p, const char *z, const SplitItem *it, const char *zFile,
                      long long iFile, int *peDone){
  ImportFns *f = p->pFns;
  Record *r = &p->rec;
  sqlite3_stmt *pFind;
  const char *zErr;
  size_t s = it->s, e = it->e;
  long long iOld = -1, iOldFile = 0;
  int rc, bId, iIndex = it->iIndex;
  *peDone = PUT_ADDED;
  rc = rz_compress(f, z+s, e-s);
  if( rc ) return rc==SQLITE_NOMEM ? rc : imp_err(p, rc, "cloudtrail_import: deflate failed");
  /* the record as the reader indexed it: the values `cloudtrail` shows, by record.c's code,
  ** which cloudtrail_field() runs on the inflated bytes too */
  record_set(r, z, s, e, it->flags, &it->idx);
  bId = event_id(p, r, &rc);
  if( rc ) return rc;
  /* the row goes in first: an event not seen yet (the common case) costs no look-up; the
  ** unique index on eventID refuses a copy (INSERT OR IGNORE), which is then looked up */
  if( bId ){
    rc = insert_row(p, z, it, zFile, iFile);
    if( rc ) return rc;
    if( sqlite3_changes(p->db)>0 ) return SQLITE_OK;
  }
  /* both lookups compare with the values the stored columns get: the same code's */
  if( bId ){
    pFind = p->pFindId;
    rc = record_column_bind(r, RF_eventID, pFind, 1);
  }else{
    pFind = p->pFindNoid;
    rc = record_column_bind(r, RD_event_epoch, pFind, 1);
    if( rc==SQLITE_OK ) rc = record_column_bind(r, RF_eventName, pFind, 2);
  }
  if( rc ) return rc;
  while( (rc = sqlite3_step(pFind))==SQLITE_ROW ){
    const char *zOld = (const char*)sqlite3_column_text(pFind, 1);
    int iOldIndex = sqlite3_column_int(pFind, 2), c;
    if( !bId ){
      /* the same record only when its bytes are the same */
      const unsigned char *a = sqlite3_column_blob(pFind, 4);
      size_t nA = (size_t)sqlite3_column_bytes(pFind, 4);
      int rcI;
      zErr = rz_inflate(f, a ? a : (const unsigned char*)"", nA, &f->cmp, &rcI);
      if( zErr ){
        long long iRow = sqlite3_column_int64(pFind, 0);
        sqlite3_reset(pFind);
        return rcI==SQLITE_NOMEM ? rcI : imp_err(p, rcI, "cloudtrail_import: row %lld: %s",
                                                 iRow, zErr);
      }
      if( f->cmp.n!=e-s || memcmp(f->cmp.z, z+s, e-s)!=0 ) continue;
    }
    c = zOld ? path_cmp(zFile, zOld) : -1;
    if( c==0 ) c = iIndex<iOldIndex ? -1 : iIndex>iOldIndex ? 1 : 0;
    if( c==0 ){ *peDone = PUT_PRESENT; break; }
    if( c>0 ){ *peDone = PUT_SKIPPED; break; }
    iOld = sqlite3_column_int64(pFind, 0);
    iOldFile = sqlite3_column_int64(pFind, 3);
    *peDone = PUT_REPLACED;
    break;
  }
  sqlite3_reset(pFind);
  if( rc!=SQLITE_ROW && rc!=SQLITE_DONE ) return imp_sqlerr(p, rc);
  if( *peDone==PUT_SKIPPED || *peDone==PUT_PRESENT ) return SQLITE_OK;
  if( *peDone==PUT_REPLACED ){
    sqlite3_bind_int64(p->pDelRow, 1, iOld);
    rc = imp_run(p, p->pDelRow);
    if( rc ) return rc;
    sqlite3_bind_int64(p->pLoser, 1, iOldFile);
    rc = imp_run(p, p->pLoser);
    if( rc ) return rc;
  }
  rc = insert_row(p, z, it, zFile, iFile);
  if( rc==SQLITE_OK && sqlite3_changes(p->db)==0 ){
    /* the look-up found no copy, or deleted it: no index can refuse the row */
    rc = imp_err(p, SQLITE_ERROR, "cloudtrail_import: '%s' record %d was not written",
                 zFile, iIndex);
  }
  return rc;
}

/* ---- files ---- */

/* Read the current file's records into the table (file id iFile, shown as zShow):
** counts of rows added and records skipped as copies. */
static int file_records(Import *p, Source *src, const char *zShow, long long iFile,
                        long long *pnAdded, long long *pnDup, int bReconcile){
  const SplitItem *it;
  int rc, eDone;
  while( (rc = source_next_record_ex(src, &it))==SQLITE_ROW ){
    rc = put_record(p, source_bytes(src), it, zShow, iFile, &eDone);
    if( rc ) return rc;
    if( eDone==PUT_SKIPPED ){
      if( !bReconcile ){ (*pnDup)++; p->sum.nDuplicates++; }
    }else if( eDone!=PUT_PRESENT ){
      (*pnAdded)++;
      if( bReconcile ) (*pnDup)--;
      if( eDone==PUT_REPLACED ) p->sum.nRecordsReplaced++;
      else p->sum.nRecordsAdded++;
    }
    if( (it->iIndex & 255)==255 && (rc = source_poll(src))!=SQLITE_OK ) return rc;
  }
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

/* Bind a file's status, error and format as the manifest shows them. */
static int bind_status(Import *p, sqlite3_stmt *pStmt, int iStatus, int iError, int iFormat,
                       Source *src, int bWalkFile){
  SourceFile *f = source_file(src);
  char *zText = source_error_text(src);
  int eStatus = source_status(src);
  (void)p;
  if( !bWalkFile && eStatus==STATUS_OK ) eStatus = STATUS_ERROR;
  sqlite3_bind_text(pStmt, iStatus, source_status_name(eStatus), -1, SQLITE_STATIC);
  if( zText ) sqlite3_bind_text(pStmt, iError, zText, -1, sqlite3_free);
  else if( f->prob.n || f->zSkip ) return SQLITE_NOMEM;
  else sqlite3_bind_null(pStmt, iError);
  if( iFormat ) sqlite3_bind_text(pStmt, iFormat, split_format_name(f->eFormat), -1, SQLITE_STATIC);
  return SQLITE_OK;
}

/* One file of the walk: unchanged, new or changed. */
static int import_file(Import *p, Source *src){
  SourceFile *f = source_file(src);
  Seen *s = seen_find(p, f->zPath);
  char *zShow = record_name_text(f->zPath);
  ManFile *m;
  char zSha[65];
  size_t nRaw;
  const char *zRaw = source_raw(src, &nRaw);
  long long iFile, nAdded = 0, nDup = 0, nSize = -1, iNs = -1;
  int rc, bHash, bChanged = 0;
  if( zShow==0 ) return SQLITE_NOMEM;
  m = man_find(p, zShow);
  if( m ) m->bSeen = 1;
  if( s && s->bStat ){ nSize = s->nSize; iNs = s->iMtimeNs; }
  /* the hash of the bytes the records came from: only when the file was read whole */
  bHash = s && s->bStat && (long long)nRaw==f->nSize && f->nSize==nSize;
  zSha[0] = 0;
  if( bHash ) sha_hex(zRaw, nRaw, zSha);
  rc = group_begin(p);
  if( rc ) goto done;
  if( m && bHash && strcmp(m->zSha, zSha)==0 ){
    /* unchanged content: a new mtime, or verified */
    sqlite3_bind_int64(p->pUnchanged, 1, m->iId);
    sqlite3_bind_int64(p->pUnchanged, 2, nSize);
    sqlite3_bind_int64(p->pUnchanged, 3, iNs);
    rc = bind_status(p, p->pUnchanged, 4, 5, 0, src, s!=0);
    if( rc==SQLITE_OK ) rc = imp_run(p, p->pUnchanged);
    if( rc==SQLITE_OK ) p->sum.nFilesUnchanged++;
    goto done;
  }
  if( m ){
    iFile = m->iId;
    bChanged = 1;
    sqlite3_bind_int64(p->pDelFile, 1, iFile);
    rc = imp_run(p, p->pDelFile);
    if( rc ) goto done;
    if( sqlite3_changes(p->db)>0 ) p->bDeleted = 1;
    p->sum.nFilesChanged++;
  }else{
    sqlite3_bind_text(p->pFileNew, 1, zShow, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p->pFileNew, 2, p->iImport);
    rc = imp_run(p, p->pFileNew);
    if( rc ) goto done;
    iFile = sqlite3_last_insert_rowid(p->db);
    p->sum.nFilesAdded++;
  }
  rc = file_records(p, src, zShow, iFile, &nAdded, &nDup, 0);
  if( rc ) goto done;
  if( source_status(src)==STATUS_ERROR || s==0 ) p->sum.nFilesFailed++;
  sqlite3_bind_int64(p->pFileSet, 1, iFile);
  if( nSize>=0 ) sqlite3_bind_int64(p->pFileSet, 2, nSize); else sqlite3_bind_null(p->pFileSet, 2);
  if( iNs>=0 ) sqlite3_bind_int64(p->pFileSet, 3, iNs); else sqlite3_bind_null(p->pFileSet, 3);
  if( zSha[0] ) sqlite3_bind_text(p->pFileSet, 4, zSha, 64, SQLITE_STATIC);
  else sqlite3_bind_null(p->pFileSet, 4);
  rc = bind_status(p, p->pFileSet, 5, 6, 7, src, s!=0);
  if( rc ) goto done;
  sqlite3_bind_int(p->pFileSet, 8, f->nRecords);
  sqlite3_bind_int(p->pFileSet, 9, bChanged);
  sqlite3_bind_int64(p->pFileSet, 10, nAdded);
  sqlite3_bind_int64(p->pFileSet, 11, nDup);
  sqlite3_bind_int64(p->pFileSet, 12, p->iImport);
  rc = imp_run(p, p->pFileSet);
done:
  sqlite3_free(zShow);
  return rc;
}

/* Is the manifest's path one the walk of zArg would yield? */
static int in_scope(const Walk *w, const char *zPath){
  size_t n = strlen(w->zArg);
  if( w->zGlob ) return walk_glob_match(w->zGlob, zPath);
  if( w->bSingle ) return strcmp(zPath, w->zArg)==0;
  return strncmp(zPath, w->zArg, n)==0 && (zPath[n]=='/' || (n>0 && w->zArg[n-1]=='/'));
}

/* Files that were in the folder and are gone: status missing, their rows kept. */
static int mark_missing(Import *p, const Walk *w){
  sqlite3_stmt *pStmt = 0;
  int i, rc;
  rc = imp_prepare(p, &pStmt, "UPDATE \"%w\".\"%w_files\" SET status='missing' "
                   "WHERE file_id=?1", p->zSchema, p->zName);
  for(i=0; rc==SQLITE_OK && i<p->nMan; i++){
    ManFile *m = &p->aMan[i];
    if( m->bSeen || !in_scope(w, m->zPath) ) continue;
    p->sum.nFilesMissing++;
    if( m->bMissing ) continue;
    sqlite3_bind_int64(pStmt, 1, m->iId);
    rc = imp_run(p, pStmt);
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/* After a file's rows were deleted, copies of its events that other files hold (skipped
** then as duplicates) must come back: read every file with duplicates again and offer its
** records (put_record keeps the smallest copy). Costs a read of those files. */
static int reconcile(Import *p){
  sqlite3_stmt *pList = 0, *pUpd = 0;
  int rc;
  rc = imp_prepare(p, &pList, "SELECT file_id, path, sha256 FROM \"%w\".\"%w_files\" "
                   "WHERE duplicates>0 AND status<>'missing' ORDER BY path", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &pUpd, "UPDATE \"%w\".\"%w_files\" SET "
    "imported=imported+?2, duplicates=duplicates+?3 WHERE file_id=?1", p->zSchema, p->zName);
  while( rc==SQLITE_OK && (rc = sqlite3_step(pList))==SQLITE_ROW ){
    long long iFile = sqlite3_column_int64(pList, 0), nAdded = 0, nDup = 0;
    const char *zPath = (const char*)sqlite3_column_text(pList, 1);
    const char *zSha = (const char*)sqlite3_column_text(pList, 2);
    char *zCopy = sqlite3_mprintf("%s", zPath ? zPath : "");
    char zNow[65];
    sqlite3_vtab dummy;
    Source src;
    size_t nRaw;
    const char *zRaw;
    if( zCopy==0 ){ rc = SQLITE_NOMEM; break; }
    memset(&dummy, 0, sizeof(dummy));
    rc = source_open(&src, zCopy, p->db, &dummy, "cloudtrail_import", 0, 1, 0);
    sqlite3_free(dummy.zErrMsg);              /* gone since the manifest: nothing to offer */
    if( rc && rc!=SQLITE_NOMEM ) rc = SQLITE_OK;
    if( rc==SQLITE_OK && src.aJob ) rc = source_next_file(&src);
    if( rc==SQLITE_OK && src.aJob && !src.bEof ){
      zRaw = source_raw(&src, &nRaw);
      sha_hex(zRaw, nRaw, zNow);
      /* only the content the manifest describes */
      if( zSha && strcmp(zSha, zNow)==0 ){
        rc = group_begin(p);
        if( rc==SQLITE_OK ) rc = file_records(p, &src, zCopy, iFile, &nAdded, &nDup, 1);
        if( rc==SQLITE_OK && nAdded ){
          sqlite3_bind_int64(pUpd, 1, iFile);
          sqlite3_bind_int64(pUpd, 2, nAdded);
          sqlite3_bind_int64(pUpd, 3, nDup);
          rc = imp_run(p, pUpd);
        }
        if( rc==SQLITE_OK && now_ms()-p->tGroup>GROUP_MS ) rc = group_commit(p);
      }
    }
    source_close(&src);
    sqlite3_free(zCopy);
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  sqlite3_finalize(pList);
  sqlite3_finalize(pUpd);
  return rc;
}

static void import_free(Import *p){
  int i;
  sqlite3_finalize(p->pIns);
  sqlite3_finalize(p->pFindId);
  sqlite3_finalize(p->pFindNoid);
  sqlite3_finalize(p->pDelRow);
  sqlite3_finalize(p->pLoser);
  sqlite3_finalize(p->pDelFile);
  sqlite3_finalize(p->pFileNew);
  sqlite3_finalize(p->pFileSet);
  sqlite3_finalize(p->pUnchanged);
  for(i=0; i<p->nMan; i++) sqlite3_free(p->aMan[i].zPath);
  sqlite3_free(p->aMan);
  for(i=0; i<p->nSeen; i++) sqlite3_free(p->aSeen[i].zPath);
  sqlite3_free(p->aSeen);
  sqlite3_free(p->zSchema);
  sqlite3_free(p->zName);
  json_buf_free(&p->id);
  record_clear(&p->rec);
}

/* Import zPath into table zTarget ('NAME' or 'SCHEMA.NAME'). On error, *pzErr may hold
** the message (sqlite3_malloc'd). */
int import_run(ImportFns *pFns, sqlite3 *db, const char *zTarget, const char *zPath,
               int bVerify, ImportSummary *pSum, char **pzErr){
  Import imp, *p = &imp;
  sqlite3_vtab dummy;            /* source_open writes its errors here */
  Source src;
  const char *zDot = strchr(zTarget, '.');
  long long t0 = now_ms();
  int rc, bNew = 0, bSrc = 0;
  memset(p, 0, sizeof(*p));
  memset(&src, 0, sizeof(src));
  *pzErr = 0;
  p->db = db;
  p->pFns = pFns;
  p->bVerify = bVerify;
  p->bOwnTxn = sqlite3_get_autocommit(db);
  p->zSchema = zDot ? sqlite3_mprintf("%.*s", (int)(zDot-zTarget), zTarget)
                    : sqlite3_mprintf("main");
  p->zName = sqlite3_mprintf("%s", zDot ? zDot+1 : zTarget);
  if( p->zSchema==0 || p->zName==0 ){ rc = SQLITE_NOMEM; goto done; }
  if( p->zName[0]==0 ){
    rc = imp_err(p, SQLITE_ERROR, "cloudtrail_import: the table name is empty");
    goto done;
  }
  rc = tables_check(p, &bNew);
  if( rc ) goto done;
  rc = group_begin(p);
  if( rc==SQLITE_OK && bNew ) rc = tables_create(p);
  if( rc==SQLITE_OK ) rc = stmts_prepare(p);
  if( rc==SQLITE_OK ) rc = imp_exec(p, "INSERT INTO \"%w\".\"%w_imports\"(started, path, "
    "verify) VALUES(strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'), %Q, %d)",
    p->zSchema, p->zName, zPath, bVerify);
  if( rc ) goto done;
  p->iImport = sqlite3_last_insert_rowid(db);
  rc = man_load(p);
  if( rc ) goto done;
  rc = group_commit(p);      /* the import's row stays, finished NULL, if it goes no further */
  if( rc ) goto done;
  memset(&dummy, 0, sizeof(dummy));
  rc = source_open(&src, zPath, db, &dummy, "cloudtrail_import", 0, source_default_threads(), 0);
  bSrc = 1;
  if( rc ){
    if( dummy.zErrMsg ) rc = imp_err(p, rc, "%s", dummy.zErrMsg);
    sqlite3_free(dummy.zErrMsg);
    goto done;
  }
  src.xAdmit = imp_admit;
  src.pAdmitCtx = p;
  for(;;){
    rc = source_next_file(&src);
    if( rc==SQLITE_OK && p->rcAdmit ) rc = p->rcAdmit;
    if( rc==SQLITE_EMPTY ){
      rc = imp_err(p, SQLITE_ERROR, "cloudtrail_import: no files match '%s'", src.walk.zGlob);
    }
    if( rc || src.bEof ) break;
    rc = import_file(p, &src);
    if( rc ) break;
    if( now_ms()-p->tGroup>GROUP_MS ){
      rc = group_commit(p);
      if( rc ) break;
    }
  }
  if( rc ) goto done;
  rc = group_begin(p);
  if( rc==SQLITE_OK ) rc = mark_missing(p, &src.walk);
  if( rc==SQLITE_OK && p->bDeleted ) rc = reconcile(p);
  if( rc==SQLITE_OK ) rc = group_begin(p);
  if( rc==SQLITE_OK ) rc = indexes_create(p);
  p->sum.iImport = p->iImport;
  p->sum.rSeconds = (double)(now_ms()-t0)/1000.0;
  if( rc==SQLITE_OK ) rc = imp_exec(p, "UPDATE \"%w\".\"%w_imports\" SET "
    "finished=strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'), files_added=%lld, "
    "files_changed=%lld, files_unchanged=%lld, files_missing=%lld, files_failed=%lld, "
    "records_added=%lld, records_replaced=%lld, duplicates_skipped=%lld, seconds=%.3f "
    "WHERE import_id=%lld", p->zSchema, p->zName, p->sum.nFilesAdded, p->sum.nFilesChanged,
    p->sum.nFilesUnchanged, p->sum.nFilesMissing, p->sum.nFilesFailed, p->sum.nRecordsAdded,
    p->sum.nRecordsReplaced, p->sum.nDuplicates, p->sum.rSeconds, p->iImport);
  if( rc==SQLITE_OK ) rc = group_commit(p);
done:
  if( rc ) group_abort(p);
  if( bSrc ) source_close(&src);
  *pSum = p->sum;
  *pzErr = p->zErr;
  p->zErr = 0;
  import_free(p);
  return rc;
}
