/*
** fuzz_common.h: helpers shared by the libFuzzer targets in tests/fuzz/.
**
** The extension's sources are compiled into each fuzzer with -DSQLITE_CORE, so the
** sqlite3ext.h macros are no-ops and the extension calls libsqlite3 directly. Each target
** opens one in-memory database (static, reused for every input) and registers the
** extension with sqlite3_cloudtrail_init().
**
** Every sqlite3 return code is checked. A clean SQL error (SQLITE_ERROR) is accepted only
** where the caller says an error is possible; anything else (SQLITE_MISUSE, SQLITE_NOMEM
** on a small input, SQLITE_INTERNAL, ...) and every broken invariant abort(), which
** libFuzzer reports as a crash with the input that caused it.
*/
#ifndef CLOUDTRAIL_FUZZ_COMMON_H
#define CLOUDTRAIL_FUZZ_COMMON_H
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

int sqlite3_cloudtrail_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

/* The one place a violation is reported: the message names the check, then abort(). */
__attribute__((noreturn, format(printf, 1, 2)))
static inline void fz_fail(const char *zFormat, ...){
  va_list ap;
  fprintf(stderr, "\n==FUZZ INVARIANT VIOLATION== ");
  va_start(ap, zFormat);
  vfprintf(stderr, zFormat, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  fflush(stderr);
  abort();
}

/* Environment problems (no temp dir, disk full) are not findings, but there is no way
** to go on either. */
__attribute__((noreturn))
static inline void fz_env_fail(const char *zWhat){
  fprintf(stderr, "fuzz harness: %s: %s\n", zWhat, strerror(errno));
  exit(2);
}

/* Known, reported bugs whose checks can be switched off so that fuzzing goes past them:
** CT_FUZZ_IGNORE_KNOWN=all, or a comma-separated list of the names used in the targets.
** By default every check is on, so a fix is verified and a regression caught. */
static inline int fz_ignore_known(const char *zName){
  const char *z = getenv("CT_FUZZ_IGNORE_KNOWN");
  size_t n = strlen(zName);
  if( z==0 || z[0]==0 ) return 0;
  if( strcmp(z, "all")==0 ) return 1;
  while( *z ){
    size_t k = strcspn(z, ",");
    if( k==n && memcmp(z, zName, n)==0 ) return 1;
    z += k;
    if( *z==',' ) z++;
  }
  return 0;
}

/* Does z[0..n) hold U+FFFD, the character invalid UTF-8 is repaired to? */
static inline int fz_has_fffd(const char *z, int n){
  int i;
  for(i=0; i+2<n; i++){
    if( (unsigned char)z[i]==0xEF && (unsigned char)z[i+1]==0xBF && (unsigned char)z[i+2]==0xBD ) return 1;
  }
  return 0;
}

static inline sqlite3 *fz_open_db(void){
  sqlite3 *db = 0;
  int rc = sqlite3_open(":memory:", &db);
  if( rc!=SQLITE_OK ) fz_fail("sqlite3_open: %d", rc);
  rc = sqlite3_cloudtrail_init(db, 0, 0);
  if( rc!=SQLITE_OK ) fz_fail("sqlite3_cloudtrail_init: %d %s", rc, sqlite3_errmsg(db));
  return db;
}

/* Valid UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF,
** no truncated sequence. Written independently of the extension's own check. */
static inline int fz_utf8_valid(const unsigned char *z, size_t n){
  size_t i = 0;
  while( i<n ){
    unsigned c = z[i];
    unsigned cp, need, k;
    if( c<0x80 ){ i++; continue; }
    if( c>=0xC2 && c<=0xDF ){ need = 1; cp = c & 0x1F; }
    else if( c>=0xE0 && c<=0xEF ){ need = 2; cp = c & 0x0F; }
    else if( c>=0xF0 && c<=0xF4 ){ need = 3; cp = c & 0x07; }
    else return 0;
    if( n-i<=need ) return 0;                         /* truncated sequence */
    for(k=1; k<=need; k++){
      if( (z[i+k] & 0xC0)!=0x80 ) return 0;
      cp = (cp<<6) | (z[i+k] & 0x3F);
    }
    if( need==2 && cp<0x800 ) return 0;               /* overlong */
    if( need==3 && (cp<0x10000 || cp>0x10FFFF) ) return 0;
    if( cp>=0xD800 && cp<=0xDFFF ) return 0;          /* surrogate */
    i += need+1;
  }
  return 1;
}

/* Characters as SQLite's length() counts them in valid UTF-8 text: up to the first NUL. */
static inline long long fz_utf8_chars(const unsigned char *z, size_t n){
  long long nChar = 0;
  size_t i;
  for(i=0; i<n && z[i]; i++){
    if( (z[i] & 0xC0)!=0x80 ) nChar++;
  }
  return nChar;
}

static inline void fz_write_file(const char *zPath, const void *pData, size_t nData){
  const char *p = pData;
  int fd = open(zPath, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600);
  if( fd<0 ) fz_env_fail(zPath);
  while( nData>0 ){
    ssize_t n = write(fd, p, nData);
    if( n<0 ){
      if( errno==EINTR ) continue;
      fz_env_fail(zPath);
    }
    p += n;
    nData -= (size_t)n;
  }
  if( close(fd)!=0 ) fz_env_fail(zPath);
}

static inline char *fz_mkdtemp(const char *zName){
  char zTmpl[256];
  const char *zBase = getenv("TMPDIR");
  char *z;
  if( zBase==0 || zBase[0]==0 ) zBase = "/tmp";
  snprintf(zTmpl, sizeof(zTmpl), "%s/%s.XXXXXX", zBase, zName);
  if( mkdtemp(zTmpl)==0 ) fz_env_fail("mkdtemp");
  z = strdup(zTmpl);
  if( z==0 ) fz_env_fail("strdup");
  return z;
}

static inline char *fz_join(const char *zA, const char *zB){
  size_t nA = strlen(zA), nB = strlen(zB);
  char *z = malloc(nA + nB + 2);
  if( z==0 ) fz_env_fail("malloc");
  memcpy(z, zA, nA);
  z[nA] = '/';
  memcpy(z+nA+1, zB, nB+1);
  return z;
}

static inline sqlite3_stmt *fz_prepare(sqlite3 *db, const char *zSql){
  sqlite3_stmt *p = 0;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &p, 0);
  if( rc!=SQLITE_OK || p==0 ) fz_fail("prepare %d (%s): %s", rc, sqlite3_errmsg(db), zSql);
  return p;
}

static inline void fz_exec(sqlite3 *db, const char *zSql){
  char *zErr = 0;
  int rc = sqlite3_exec(db, zSql, 0, 0, &zErr);
  if( rc!=SQLITE_OK ) fz_fail("exec %d (%s): %s", rc, zErr ? zErr : "", zSql);
}

/* Is rc, from sqlite3_step(), acceptable? SQLITE_ROW/SQLITE_DONE always; SQLITE_ERROR
** only when bErrorOk. Returns rc. */
static inline int fz_step(sqlite3_stmt *p, int bErrorOk, const char *zWhat){
  int rc = sqlite3_step(p);
  if( rc==SQLITE_ROW || rc==SQLITE_DONE ) return rc;
  if( rc==SQLITE_ERROR && bErrorOk ) return rc;
  fz_fail("%s: sqlite3_step returned %d (%s), %s", zWhat, rc,
          sqlite3_errmsg(sqlite3_db_handle(p)),
          rc==SQLITE_ERROR ? "an error where none is possible" : "an impossible return code");
  return rc;
}

/* sqlite3_reset() returns the error of the last step again; only check it is not worse. */
static inline void fz_reset(sqlite3_stmt *p){
  int rc = sqlite3_reset(p);
  if( rc!=SQLITE_OK && rc!=SQLITE_ERROR ) fz_fail("sqlite3_reset returned %d", rc);
  rc = sqlite3_clear_bindings(p);
  if( rc!=SQLITE_OK ) fz_fail("sqlite3_clear_bindings returned %d", rc);
}

static inline void fz_bind_text(sqlite3_stmt *p, int i, const char *z, int n){
  int rc = sqlite3_bind_text(p, i, z, n, SQLITE_TRANSIENT);
  if( rc!=SQLITE_OK ) fz_fail("bind_text %d: %d", i, rc);
}

static inline void fz_bind_int64(sqlite3_stmt *p, int i, sqlite3_int64 v){
  int rc = sqlite3_bind_int64(p, i, v);
  if( rc!=SQLITE_OK ) fz_fail("bind_int64 %d: %d", i, rc);
}

/* Read column i of the current row as a client would, and check what every column of
** these tables must be: NULL, an integer or valid UTF-8 text (never a blob or a real).
** Returns the column's type. */
static inline int fz_check_column(sqlite3_stmt *p, int i, const char *zWhat){
  int t = sqlite3_column_type(p, i);
  switch( t ){
    case SQLITE_NULL:
    case SQLITE_INTEGER:
      (void)sqlite3_column_int64(p, i);
      break;
    case SQLITE_TEXT: {
      const unsigned char *z = sqlite3_column_text(p, i);
      int n = sqlite3_column_bytes(p, i);
      if( z==0 ) fz_fail("%s: column %d (%s): NULL text pointer", zWhat, i, sqlite3_column_name(p, i));
      if( !fz_utf8_valid(z, (size_t)n) ){
        fz_fail("%s: column %d (%s) is not valid UTF-8 (%d bytes)", zWhat, i,
                sqlite3_column_name(p, i), n);
      }
      break;
    }
    default:
      fz_fail("%s: column %d (%s) has type %d (blob or real)", zWhat, i,
              sqlite3_column_name(p, i), t);
  }
  return t;
}

/* A copy of every value of a result, to compare two queries that cannot be stepped side
** by side (the same statement run twice, or one whose rows must be collected first). */
typedef struct FzRows {
  int nCol, nRow, nAlloc;
  int *aType;
  sqlite3_int64 *aInt;
  char **azText;
  int *anText;
} FzRows;

static inline void fz_rows_clear(FzRows *r){
  int i;
  for(i=0; i<r->nRow*r->nCol; i++) free(r->azText[i]);
  free(r->aType); free(r->aInt); free(r->azText); free(r->anText);
  memset(r, 0, sizeof(*r));
}

static inline void fz_rows_add(FzRows *r, sqlite3_stmt *p){
  int i, k;
  if( r->nRow==0 ) r->nCol = sqlite3_column_count(p);
  if( (r->nRow+1)*r->nCol > r->nAlloc ){
    int nNew = r->nAlloc ? r->nAlloc*2 : 64;
    while( nNew < (r->nRow+1)*r->nCol ) nNew *= 2;
    r->aType = realloc(r->aType, nNew*sizeof(int));
    r->aInt = realloc(r->aInt, nNew*sizeof(sqlite3_int64));
    r->azText = realloc(r->azText, nNew*sizeof(char*));
    r->anText = realloc(r->anText, nNew*sizeof(int));
    if( !r->aType || !r->aInt || !r->azText || !r->anText ) fz_env_fail("realloc");
    r->nAlloc = nNew;
  }
  for(i=0; i<r->nCol; i++){
    k = r->nRow*r->nCol + i;
    r->aType[k] = sqlite3_column_type(p, i);
    r->aInt[k] = 0;
    r->azText[k] = 0;
    r->anText[k] = 0;
    if( r->aType[k]==SQLITE_INTEGER ) r->aInt[k] = sqlite3_column_int64(p, i);
    if( r->aType[k]==SQLITE_TEXT || r->aType[k]==SQLITE_BLOB ){
      const void *z = r->aType[k]==SQLITE_TEXT ? (const void*)sqlite3_column_text(p, i)
                                               : sqlite3_column_blob(p, i);
      int n = sqlite3_column_bytes(p, i);
      r->azText[k] = malloc((size_t)n+1);
      if( r->azText[k]==0 ) fz_env_fail("malloc");
      if( n ) memcpy(r->azText[k], z, (size_t)n);
      r->azText[k][n] = 0;
      r->anText[k] = n;
    }
    if( r->aType[k]==SQLITE_FLOAT ){
      double d = sqlite3_column_double(p, i);
      memcpy(&r->aInt[k], &d, sizeof(d));
    }
  }
  r->nRow++;
}

/* -1 when equal, else the first differing cell's index (row*nCol + col). */
static inline int fz_rows_diff(const FzRows *a, const FzRows *b, int bSkipCol, int iSkipCol){
  int i;
  if( a->nRow!=b->nRow ) return a->nRow < b->nRow ? a->nRow*a->nCol : b->nRow*b->nCol;
  if( a->nRow==0 ) return -1;
  if( a->nCol!=b->nCol ) return 0;
  for(i=0; i<a->nRow*a->nCol; i++){
    if( bSkipCol && i % a->nCol==iSkipCol ) continue;
    if( a->aType[i]!=b->aType[i] || a->aInt[i]!=b->aInt[i] || a->anText[i]!=b->anText[i]
     || (a->anText[i] && memcmp(a->azText[i], b->azText[i], (size_t)a->anText[i])!=0) ){
      return i;
    }
  }
  return -1;
}

static inline const char *fz_cell_text(const FzRows *r, int k, char *zBuf, size_t nBuf){
  if( k<0 || k>=r->nRow*r->nCol ) return "(missing)";
  switch( r->aType[k] ){
    case SQLITE_NULL: return "NULL";
    case SQLITE_INTEGER: snprintf(zBuf, nBuf, "%lld", (long long)r->aInt[k]); return zBuf;
    case SQLITE_TEXT: snprintf(zBuf, nBuf, "'%.*s'", r->anText[k] > 200 ? 200 : r->anText[k], r->azText[k]); return zBuf;
    default: snprintf(zBuf, nBuf, "(type %d, %d bytes)", r->aType[k], r->anText[k]); return zBuf;
  }
}

#endif
