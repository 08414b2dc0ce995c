/*
** Rendering result rows as text for comparison, shared by the harness programs.
** Everything here lives on libc's heap, never on SQLite's: the out-of-memory harness fails
** SQLite's allocations and must not fail its own bookkeeping.
*/
#ifndef HARNESS_ROWS_H
#define HARNESS_ROWS_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Str { char *z; size_t n, nAlloc; } Str;

static void str_append(Str *s, const char *z, size_t n){
  if( s->n+n+1 > s->nAlloc ){
    size_t nNew = s->nAlloc ? s->nAlloc*2 : 4096;
    while( nNew < s->n+n+1 ) nNew *= 2;
    s->z = realloc(s->z, nNew);
    if( s->z==0 ){ fprintf(stderr, "harness: out of (real) memory\n"); abort(); }
    s->nAlloc = nNew;
  }
  memcpy(s->z+s->n, z, n);
  s->n += n;
  s->z[s->n] = 0;
}

static void str_printf(Str *s, const char *zFmt, ...){
  char buf[256];
  va_list ap;
  int n;
  va_start(ap, zFmt);
  n = vsnprintf(buf, sizeof(buf), zFmt, ap);
  va_end(ap);
  if( n>=(int)sizeof(buf) ) n = sizeof(buf)-1;
  str_append(s, buf, (size_t)n);
}

/* The current row, types included, without asking SQLite to convert (or allocate) anything. */
static void render_row(sqlite3_stmt *pStmt, Str *s){
  int i, n = sqlite3_column_count(pStmt);
  for(i=0; i<n; i++){
    if( i ) str_append(s, "|", 1);
    switch( sqlite3_column_type(pStmt, i) ){
      case SQLITE_NULL:    str_append(s, "NULL", 4); break;
      case SQLITE_INTEGER: str_printf(s, "i%lld", (long long)sqlite3_column_int64(pStmt, i)); break;
      case SQLITE_FLOAT:   str_printf(s, "f%.17g", sqlite3_column_double(pStmt, i)); break;
      case SQLITE_TEXT: {
        const unsigned char *z = sqlite3_column_text(pStmt, i);
        str_append(s, "t", 1);
        if( z ) str_append(s, (const char*)z, (size_t)sqlite3_column_bytes(pStmt, i));
        else str_append(s, "<NULL text pointer>", 19);
        break;
      }
      default: {
        const unsigned char *b = sqlite3_column_blob(pStmt, i);
        int k, nb = sqlite3_column_bytes(pStmt, i);
        str_append(s, "x", 1);
        for(k=0; b && k<nb; k++) str_printf(s, "%02x", b[k]);
        break;
      }
    }
  }
  str_append(s, "\n", 1);
}

#endif
