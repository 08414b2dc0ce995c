/*
** problem.c: record and describe the problems met in one file.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdarg.h>
#include <string.h>
#include "problem.h"

void problem_reset(Problem *p){
  memset(p, 0, sizeof(*p));
}

static void problem_first(Problem *p, long long iOff, int eAt, const char *zFormat, va_list ap){
  sqlite3_vsnprintf((int)sizeof(p->zMsg), p->zMsg, zFormat, ap);
  p->iOff = iOff;
  p->eAt = eAt;
  p->rc = SQLITE_ERROR;
}

/* Damage: bytes that could not be read as written; records may be lost. The first damage
** replaces a note as the problem shown: it is the one a responder must see first. */
void problem_add(Problem *p, long long iOff, int eAt, const char *zFormat, ...){
  p->n++;
  if( p->nDamage++ == 0 ){
    va_list ap;
    va_start(ap, zFormat);
    problem_first(p, iOff, eAt, zFormat, ap);
    va_end(ap);
  }
}

/* A note: irregular bytes that cost no record (the file's status is then "warning"). */
void problem_note(Problem *p, long long iOff, int eAt, const char *zFormat, ...){
  if( p->n++ == 0 ){
    va_list ap;
    va_start(ap, zFormat);
    problem_first(p, iOff, eAt, zFormat, ap);
    va_end(ap);
  }
}

/* "byte 4096: malformed JSON in record 12 (and 2 more problems)" */
char *problem_text(const Problem *p){
  const char *zMore = "";
  char zBuf[48];
  if( p->n==0 ) return 0;
  if( p->n>1 ){
    sqlite3_snprintf(sizeof(zBuf), zBuf, " (and %d more problem%s)", p->n-1, p->n>2 ? "s" : "");
    zMore = zBuf;
  }
  switch( p->eAt ){
    case PROBLEM_AT_FILE:
      return sqlite3_mprintf("byte %lld: %s%s", p->iOff, p->zMsg, zMore);
    case PROBLEM_AT_PLAIN:
      return sqlite3_mprintf("byte %lld of the decompressed data: %s%s", p->iOff, p->zMsg, zMore);
    default:
      return sqlite3_mprintf("%s%s", p->zMsg, zMore);
  }
}

/* xConnect of a table-valued function that keeps only its connection (a DbVtab). */
int vtab_connect_db(sqlite3 *db, const char *zSchema, sqlite3_vtab **ppVtab){
  DbVtab *p;
  int rc = sqlite3_declare_vtab(db, zSchema);
  if( rc ) return rc;
  p = sqlite3_malloc64(sizeof(*p));
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  p->db = db;
  *ppVtab = &p->base;
  return SQLITE_OK;
}

int vtab_disconnect(sqlite3_vtab *pVtab){
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

/* Set the table's error message (freeing the old one). Returns SQLITE_ERROR, or
** SQLITE_NOMEM when the message itself could not be made. */
int vtab_error(sqlite3_vtab *pVtab, const char *zFormat, ...){
  va_list ap;
  sqlite3_free(pVtab->zErrMsg);
  va_start(ap, zFormat);
  pVtab->zErrMsg = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  return pVtab->zErrMsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Remove SQL quoting ('x', "x", with doubled quotes inside) from a CREATE VIRTUAL TABLE
** argument. *pzOut is sqlite3_malloc'd. */
int vtab_dequote(const char *zIn, char **pzOut){
  size_t n = strlen(zIn), i, j;
  char q = zIn[0];
  char *z = sqlite3_malloc64(n+1);
  if( z==0 ) return SQLITE_NOMEM;
  if( n>=2 && (q=='\'' || q=='"') && zIn[n-1]==q ){
    for(i=1, j=0; i<n-1; i++){
      z[j++] = zIn[i];
      if( zIn[i]==q && zIn[i+1]==q ) i++;
    }
    z[j] = 0;
  }else{
    memcpy(z, zIn, n+1);
  }
  *pzOut = z;
  return SQLITE_OK;
}
