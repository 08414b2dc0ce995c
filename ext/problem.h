/*
** problem.h: what went wrong in one file, and where.
**
** A file keeps one problem in full (the one strict mode raises and the hygiene report
** shows: its first damage, else its first note) and counts the rest. A problem is either damage (problem_add: records
** may have been lost) or a note (problem_note: every record came back, but the bytes
** are irregular: a duplicate key, a raw control character, invalid UTF-8 ...).
*/
#ifndef CLOUDTRAIL_PROBLEM_H
#define CLOUDTRAIL_PROBLEM_H
#include "sqlite3ext.h"

/* Which bytes an offset counts. */
#define PROBLEM_AT_FILE    0     /* the file as stored (also gzip damage, in compressed bytes) */
#define PROBLEM_AT_PLAIN   1     /* the decompressed stream of a gzip file */
#define PROBLEM_NO_OFFSET  2     /* the whole file: cannot open, not CloudTrail, ... */

typedef struct Problem {
  int n;                         /* how many problems this file has had */
  int nDamage;                   /* how many of them are damage (the rest are notes) */
  long long iOff;                /* offset of the one shown */
  int eAt;                       /* PROBLEM_AT_... of the one shown */
  int rc;                        /* the SQLite error code strict mode raises for it */
  char zMsg[200];                /* the shown one's text */
} Problem;

void problem_reset(Problem *p);
void problem_add(Problem *p, long long iOff, int eAt, const char *zFormat, ...);
void problem_note(Problem *p, long long iOff, int eAt, const char *zFormat, ...);
char *problem_text(const Problem *p);          /* sqlite3_mprintf'd; NULL when none */

/* A table-valued function's table: the connection is all it keeps. */
typedef struct DbVtab {
  sqlite3_vtab base;
  sqlite3 *db;
} DbVtab;
int vtab_connect_db(sqlite3 *db, const char *zSchema, sqlite3_vtab **ppVtab);
int vtab_disconnect(sqlite3_vtab *pVtab);

/* Helpers for the virtual tables' error messages and arguments. */
int vtab_error(sqlite3_vtab *pVtab, const char *zFormat, ...);
int vtab_dequote(const char *zIn, char **pzOut);
#endif
