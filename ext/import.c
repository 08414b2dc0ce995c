/*
** import.c: cloudtrail_import's work.
**
** An import table keeps each source file's bytes once, in NAME_content (content_store: the
** gzip file as read, or the plain bytes gzipped here), and each row where its record lies in
** them (file_id, record_offset, record_length). The columns the indexes, windows and rule
** prefilters use are stored as plain values; every other column of the `cloudtrail` table is
** a VIRTUAL generated column that case_read.c's functions compute from the stored bytes. The
** stored values are bound by the same code (record_column_bind on the record as the reader
** indexed it), so a stored column and the generated one it would have been cannot differ.
**
** The import (import_run) reads a path with the reader (source.c), as `cloudtrail` does,
** and writes, in groups of whole files per transaction, each file's bytes, its records and
** its row of the manifest NAME_files. See the README, "Case files: cloudtrail_import".
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <libdeflate.h>
#include "fields.h"
#include "import.h"
#include "json.h"
#include "record.h"
#include "sha256.h"
#include "source.h"
#include "split.h"

/* How long a group of files may run before it is committed, in ms (a file is never split). */
#define GROUP_MS 1000

/* libdeflate's level for the bytes of a file the import must compress itself (plain JSON,
** or a gzip file whose own stream could not be kept: see content_store). */
#define CONTENT_LEVEL 6

/* ---- the import ---------------------------------------------------------------------- */

/* The cloudtrail table's visible columns, in order: stored (a plain value the import
** writes) or generated from the stored bytes (case_read.c). */
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
  sqlite3_int64 iCase;           /* the number the generated columns name the table by */
  int bTriggers;                 /* a trigger is on NAME: it may read NEW's generated columns */
  sqlite3_stmt *pIns, *pFindId, *pFindNoid, *pDelRow, *pLoser, *pDelFile, *pFileNew,
               *pFileSet, *pUnchanged, *pContent, *pDelContent;
  struct libdeflate_compressor *pComp;
  JsonBuf comp;                  /* a file's bytes compressed by content_store */
  JsonBuf id;                    /* an eventID's text */
  Record rec;                    /* the record being put, as the reader indexed it */
  int aiStored[N_COL];           /* the INSERT's ?5, ?6 ...: case_column_number() of each stored
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
  int rcReset = sqlite3_reset(pStmt);     /* the step's error code (reset once: a second
                                          ** reset returns SQLITE_OK) */
  if( rc==SQLITE_DONE || rc==SQLITE_ROW ) return SQLITE_OK;
  return imp_sqlerr(p, rcReset ? rcReset : rc);
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

/* The case number of an existing table NAME, from its generated columns' SQL. */
static int case_id_read(Import *p){
  static const char zMark[] = "cloudtrail_record(";
  sqlite3_stmt *pStmt = 0;
  const char *z = 0;
  int rc = imp_prepare(p, &pStmt, "SELECT sql FROM \"%w\".sqlite_schema WHERE type='table' "
                       "AND name=?1 COLLATE NOCASE", p->zSchema);
  if( rc ) return rc;
  sqlite3_bind_text(pStmt, 1, p->zName, -1, SQLITE_STATIC);
  if( sqlite3_step(pStmt)==SQLITE_ROW ) z = (const char*)sqlite3_column_text(pStmt, 0);
  if( z ) z = strstr(z, zMark);
  p->iCase = z ? strtoll(z + sizeof(zMark) - 1, 0, 10) : 0;
  rc = sqlite3_finalize(pStmt);
  if( rc ) return imp_sqlerr(p, rc);
  if( p->iCase<=0 ){
    return imp_err(p, SQLITE_ERROR, "cloudtrail_import: '%s' exists and is not an import "
                   "table of this version (its record column is not cloudtrail_record)", p->zName);
  }
  return SQLITE_OK;
}

/* Check NAME, NAME_files, NAME_imports and NAME_content: each an import table or absent. *pbNew: NAME
** had to be created. */
static int tables_check(Import *p, int *pbNew){
  static const char *const azSuffix[] = { "", "_files", "_imports", "_content" };
  static const char *const azCol[] = { "record_offset", "sha256", "import_id", "plain_size" };
  char zType[16];
  int i, rc, nFound = 0;
  *pbNew = 0;
  for(i=0; i<4; i++){
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
  if( nFound>0 && nFound<4 ){
    return imp_err(p, SQLITE_ERROR, "cloudtrail_import: '%s' is not a whole import table "
                   "(one of %s, %s_files, %s_imports, %s_content is missing)", p->zName,
                   p->zName, p->zName, p->zName, p->zName);
  }
  *pbNew = nFound==0;
  return nFound ? case_id_read(p) : SQLITE_OK;
}

static int tables_create(Import *p){
  char *zCols = 0, *zArgs;
  int i, rc;
  /* the case number: how the generated columns find this table's bytes in whichever
  ** schema the case file is attached as (case_read.c) */
  sqlite3_randomness(sizeof(p->iCase), &p->iCase);
  p->iCase &= 0x7fffffffffffffffLL;
  if( p->iCase==0 ) p->iCase = 1;
  zArgs = sqlite3_mprintf("%lld, %Q, file_id, record_offset, record_length", p->iCase, p->zName);
  if( zArgs==0 ) return SQLITE_NOMEM;
  for(i=0; i<N_COL; i++){
    if( aCol[i].bStored ){
      zCols = sqlite3_mprintf("%z\"%w\" %s,\n", zCols, aCol[i].zName, aCol[i].zType);
    }else{
      zCols = sqlite3_mprintf("%z\"%w\" %s AS (cloudtrail_field(%s, '%s')) VIRTUAL,\n",
                              zCols, aCol[i].zName, aCol[i].zType, zArgs, aCol[i].zName);
    }
    if( zCols==0 ){ sqlite3_free(zArgs); return SQLITE_NOMEM; }
  }
  rc = imp_exec(p,
    "CREATE TABLE \"%w\".\"%w\"(\n%s"
    "source_file TEXT AS (cloudtrail_source(%lld, %Q, file_id)) VIRTUAL,\n"
    "record_index INTEGER,\n"
    "record TEXT AS (cloudtrail_record(%s)) VIRTUAL,\n"
    "file_id INTEGER NOT NULL,\nrecord_offset INTEGER NOT NULL,\n"
    "record_length INTEGER NOT NULL);\n"
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
    "seconds REAL, version TEXT);\n"
    /* encoding 'file': bytes are the file as read (a gzip stream; its SHA-256 is the
    ** manifest's); 'plain': a gzip stream of the bytes the records index into, written by
    ** the import. Either inflates to plain_size bytes. */
    "CREATE TABLE \"%w\".\"%w_content\"(file_id INTEGER PRIMARY KEY, encoding TEXT NOT NULL, "
    "plain_size INTEGER NOT NULL, bytes BLOB NOT NULL);",
    p->zSchema, p->zName, zCols, p->iCase, p->zName, zArgs,
    p->zSchema, p->zName, p->zName, p->zSchema, p->zName, p->zName,
    p->zSchema, p->zName, p->zName, p->zSchema, p->zName, p->zSchema, p->zName,
    p->zSchema, p->zName);
  sqlite3_free(zCols);
  sqlite3_free(zArgs);
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

/* Is a trigger on NAME (in its schema, or a TEMP trigger)? */
static int triggers_check(Import *p){
  sqlite3_stmt *pStmt = 0;
  int rc = imp_prepare(p, &pStmt, "SELECT 1 FROM \"%w\".sqlite_schema WHERE type='trigger' "
                       "AND tbl_name=?1 COLLATE NOCASE UNION ALL SELECT 1 FROM temp.sqlite_schema "
                       "WHERE type='trigger' AND tbl_name=?1 COLLATE NOCASE", p->zSchema);
  if( rc ) return rc;
  sqlite3_bind_text(pStmt, 1, p->zName, -1, SQLITE_STATIC);
  p->bTriggers = sqlite3_step(pStmt)==SQLITE_ROW;
  rc = sqlite3_finalize(pStmt);
  return rc ? imp_sqlerr(p, rc) : SQLITE_OK;
}

static int stmts_prepare(Import *p){
  char *zNames = 0, *zVals = 0;
  int i, rc;
  for(i=0; i<N_COL; i++){
    if( !aCol[i].bStored ) continue;
    zNames = sqlite3_mprintf("%z\"%w\",", zNames, aCol[i].zName);
    zVals = sqlite3_mprintf("%z?%d,", zVals, 5+p->nStored);
    if( zNames==0 || zVals==0 ){ sqlite3_free(zNames); sqlite3_free(zVals); return SQLITE_NOMEM; }
    p->aiStored[p->nStored++] = case_column_number(aCol[i].zName);
  }
  rc = imp_prepare(p, &p->pIns, "INSERT OR IGNORE INTO \"%w\".\"%w\"(%srecord_offset, "
                   "record_length, record_index, file_id) VALUES(%s?1, ?2, ?3, ?4)",
                   p->zSchema, p->zName, zNames, zVals);
  sqlite3_free(zNames);
  sqlite3_free(zVals);
  /* +?1, not ?1: with a bare parameter SQLite re-prepares the statement at every new value
  ** (it may decide the partial index's use), which costs more than the look-up */
  /* the path from the manifest, not the generated source_file: the import runs inside
  ** its own transaction, where the functions' path cache would be read again and again */
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pFindId, "SELECT r.rowid, f.path, "
    "r.record_index, r.file_id FROM \"%w\".\"%w\" r JOIN \"%w\".\"%w_files\" f USING (file_id) "
    "WHERE r.eventID=+?1 AND r.eventID<>''", p->zSchema, p->zName, p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pFindNoid, "SELECT r.rowid, f.path, "
    "r.record_index, r.file_id, r.record_offset, r.record_length FROM \"%w\".\"%w\" r "
    "JOIN \"%w\".\"%w_files\" f USING (file_id) WHERE r.event_epoch IS ?1 "
    "AND r.eventName IS ?2 AND (r.eventID IS NULL OR r.eventID='')",
    p->zSchema, p->zName, p->zSchema, p->zName);
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
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pContent, "INSERT INTO \"%w\".\"%w_content\"("
    "file_id, encoding, plain_size, bytes) VALUES(?1, ?2, ?3, ?4)", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = imp_prepare(p, &p->pDelContent, "DELETE FROM \"%w\".\"%w_content\" "
    "WHERE file_id=?1", p->zSchema, p->zName);
  if( rc==SQLITE_OK ) rc = triggers_check(p);
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

/* INSERT OR IGNORE the record it (indexed in p->rec) of file iFile: sqlite3_changes()
** says whether the row went in. SQLite computes every generated column of a row it inserts
** and, with no trigger to read them, throws them away: they are not decoded (case_discard);
** with a trigger, they find the file's bytes lent to them (case_prime, in import_file). */
static int insert_row(Import *p, const SplitItem *it, long long iFile){
  int i, rc;
  sqlite3_bind_int64(p->pIns, 1, (sqlite3_int64)it->s);
  sqlite3_bind_int64(p->pIns, 2, (sqlite3_int64)(it->e - it->s));
  sqlite3_bind_int(p->pIns, 3, it->iIndex);
  sqlite3_bind_int64(p->pIns, 4, iFile);
  for(i=0; i<p->nStored; i++){
    rc = record_column_bind(&p->rec, p->aiStored[i], p->pIns, 5+i);
    if( rc ) return rc;
  }
  case_discard(p->pFns, !p->bTriggers);
  rc = imp_run(p, p->pIns);
  case_discard(p->pFns, 0);
  return rc;
}

/* Offer the record it of bytes z (file iFile, shown as zFile)
** to the table: the copy of an event with the smallest (source_file, record_index) keeps
** the row, whatever the order of imports. *peDone says what happened. */
static int put_record(Import *p, const char *z, const SplitItem *it, const char *zFile,
                      long long iFile, int *peDone){
  Record *r = &p->rec;
  sqlite3_stmt *pFind;
  size_t s = it->s, e = it->e;
  long long iOld = -1, iOldFile = 0;
  int rc, bId, iIndex = it->iIndex;
  *peDone = PUT_ADDED;
  /* the record as the reader indexed it: the values `cloudtrail` shows, by record.c's code,
  ** which cloudtrail_field() runs on the inflated bytes too */
  record_set(r, z, s, e, it->flags, &it->idx);
  bId = event_id(p, r, &rc);
  if( rc ) return rc;
  /* the row goes in first: an event not seen yet (the common case) costs no look-up; the
  ** unique index on eventID refuses a copy (INSERT OR IGNORE), which is then looked up */
  if( bId ){
    rc = insert_row(p, it, iFile);
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
      const char *zBytes = 0, *zErr;
      int rcB;
      if( (size_t)sqlite3_column_int64(pFind, 5)!=e-s ) continue;
      zErr = case_bytes(p->pFns, p->db, p->iCase, p->zName, sqlite3_column_int64(pFind, 3),
                        sqlite3_column_int64(pFind, 4), (sqlite3_int64)(e-s), &zBytes, &rcB);
      if( zErr ){
        long long iRow = sqlite3_column_int64(pFind, 0);
        sqlite3_reset(pFind);
        return rcB==SQLITE_NOMEM ? rcB : imp_err(p, rcB, "cloudtrail_import: row %lld: %s",
                                                 iRow, zErr);
      }
      if( memcmp(zBytes, z+s, e-s)!=0 ) continue;
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
  rc = insert_row(p, it, iFile);
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

/* Keep the file's bytes in NAME_content, once: the file as read when it is a gzip stream,
** read whole, that inflated without a problem (those bytes: the manifest's SHA-256 is
** theirs); else the bytes the records index into, compressed here (plain JSON, or a file
** whose damage the reader worked around: its own stream might inflate differently). */
static int content_store(Import *p, Source *src, long long iFile, int bWhole){
  SourceFile *f = source_file(src);
  const char *zPlain = source_bytes(src);
  size_t nPlain = source_bytes_n(src), nRaw;
  const char *zRaw = source_raw(src, &nRaw);
  sqlite3_stmt *q = p->pContent;
  sqlite3_bind_int64(q, 1, iFile);
  sqlite3_bind_int64(q, 3, (sqlite3_int64)nPlain);
  if( bWhole && f->bCompressed && f->prob.n==0 ){
    sqlite3_bind_text(q, 2, "file", -1, SQLITE_STATIC);
    sqlite3_bind_blob64(q, 4, zRaw, nRaw, SQLITE_STATIC);
  }else{
    size_t nBound, nOut;
    if( p->pComp==0 ) p->pComp = libdeflate_alloc_compressor(CONTENT_LEVEL);
    if( p->pComp==0 ) return SQLITE_NOMEM;
    nBound = libdeflate_gzip_compress_bound(p->pComp, nPlain);
    p->comp.n = 0;
    if( json_buf_reserve(&p->comp, nBound) ) return SQLITE_NOMEM;
    nOut = libdeflate_gzip_compress(p->pComp, zPlain, nPlain, p->comp.z, nBound);
    if( nOut==0 ) return imp_err(p, SQLITE_ERROR, "cloudtrail_import: compression failed");
    sqlite3_bind_text(q, 2, "plain", -1, SQLITE_STATIC);
    sqlite3_bind_blob64(q, 4, p->comp.z, nOut, SQLITE_STATIC);
  }
  return imp_run(p, q);
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
    sqlite3_bind_int64(p->pDelContent, 1, iFile);
    rc = imp_run(p, p->pDelContent);
    if( rc ) goto done;
    case_forget(p->pFns, p->iCase, iFile);
    p->sum.nFilesChanged++;
  }else{
    sqlite3_bind_text(p->pFileNew, 1, zShow, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p->pFileNew, 2, p->iImport);
    rc = imp_run(p, p->pFileNew);
    if( rc ) goto done;
    iFile = sqlite3_last_insert_rowid(p->db);
    p->sum.nFilesAdded++;
  }
  if( f->nRecords>0 ){
    rc = content_store(p, src, iFile, bHash);
    if( rc ) goto done;
  }
  case_prime(p->pFns, p->iCase, iFile, source_bytes(src), source_bytes_n(src));
  rc = file_records(p, src, zShow, iFile, &nAdded, &nDup, 0);
  case_unprime(p->pFns);
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
        case_prime(p->pFns, p->iCase, iFile, source_bytes(&src), source_bytes_n(&src));
        if( rc==SQLITE_OK ) rc = file_records(p, &src, zCopy, iFile, &nAdded, &nDup, 1);
        case_unprime(p->pFns);
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
  sqlite3_finalize(p->pContent);
  sqlite3_finalize(p->pDelContent);
  if( p->pComp ) libdeflate_free_compressor(p->pComp);
  json_buf_free(&p->comp);
  for(i=0; i<p->nMan; i++) sqlite3_free(p->aMan[i].zPath);
  sqlite3_free(p->aMan);
  for(i=0; i<p->nSeen; i++) sqlite3_free(p->aSeen[i].zPath);
  sqlite3_free(p->aSeen);
  sqlite3_free(p->zSchema);
  sqlite3_free(p->zName);
  json_buf_free(&p->id);
  record_clear(&p->rec);
}

/* The eventID index takes its rows in random order: with SQLite's default page cache
** (2 MiB) most inserts miss it and go to the OS (measured on 500k events: 21.4 s, 18.3 s
** with 64 MiB). Raise the schema's cache to 64 MiB for the import; *pnWas: the setting to
** restore, 0 when it was left alone. */
static int cache_grow(Import *p, long long *pnWas){
  sqlite3_stmt *pStmt = 0;
  long long n = 0;
  int rc = imp_prepare(p, &pStmt, "PRAGMA \"%w\".cache_size", p->zSchema);
  *pnWas = 0;
  if( rc ) return rc;
  if( sqlite3_step(pStmt)==SQLITE_ROW ) n = sqlite3_column_int64(pStmt, 0);
  rc = sqlite3_finalize(pStmt);
  if( rc ) return imp_sqlerr(p, rc);
  /* negative: KiB; positive: pages (16384 of SQLite's default 4 KiB) */
  if( (n<0 && n>-65536) || (n>0 && n<16384) ){
    rc = imp_exec(p, "PRAGMA \"%w\".cache_size=-65536", p->zSchema);
    if( rc==SQLITE_OK ) *pnWas = n;
  }
  return rc;
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
  long long nCacheWas = 0;
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
  rc = cache_grow(p, &nCacheWas);
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
  if( nCacheWas ) imp_exec(p, "PRAGMA \"%w\".cache_size=%lld", p->zSchema, nCacheWas);
  *pSum = p->sum;
  *pzErr = p->zErr;
  p->zErr = 0;
  import_free(p);
  return rc;
}
