/*
** import.h: cloudtrail_import, a case file in an ordinary table (import.c, import_vtab.c),
** and the SQL functions its generated columns read (case_read.c).
*/
#ifndef CLOUDTRAIL_IMPORT_H
#define CLOUDTRAIL_IMPORT_H
#include "sqlite3ext.h"

/* What one import did: the summary row. */
typedef struct ImportSummary {
  long long iImport;
  long long nFilesAdded, nFilesChanged, nFilesUnchanged, nFilesMissing, nFilesFailed;
  long long nRecordsAdded, nRecordsReplaced, nDuplicates;
  double rSeconds;
} ImportSummary;

typedef struct ImportFns ImportFns;   /* per connection: the functions' state (case_read.c) */

int import_run(ImportFns *pFns, sqlite3 *db, const char *zTarget, const char *zPath,
               int bVerify, ImportSummary *pSum, char **pzErr);
int import_functions_register(sqlite3 *db, ImportFns **ppFns);

/* case_read.c, for the import: lend the generated columns the bytes of the file whose rows
** are being written; forget a file whose bytes are replaced; read a stored record's bytes;
** the column number (RF_* / RD_*) of a cloudtrail column decoded from a record, or -1. */
void case_prime(ImportFns *p, sqlite3_int64 iCase, sqlite3_int64 iFile, const char *z,
                size_t n);
void case_unprime(ImportFns *p);
void case_discard(ImportFns *p, int bOn);
void case_forget(ImportFns *p, sqlite3_int64 iCase, sqlite3_int64 iFile);
const char *case_bytes(ImportFns *p, sqlite3 *db, sqlite3_int64 iCase, const char *zName,
                       sqlite3_int64 iFile, sqlite3_int64 iOff, sqlite3_int64 nLen,
                       const char **pz, int *pRc);
int case_column_number(const char *zName);
int import_vtab_register(sqlite3 *db);

#endif
