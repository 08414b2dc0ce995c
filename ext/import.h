/*
** import.h: cloudtrail_import, a case file in an ordinary table (import.c, import_vtab.c),
** and the SQL functions its generated columns read: cloudtrail_inflate, cloudtrail_field.
*/
#ifndef CLOUDTRAIL_IMPORT_H
#define CLOUDTRAIL_IMPORT_H
#include "sqlite3ext.h"

/* record_dict.c: the preset dictionary of record_z format version 1. */
extern const unsigned char *const record_dict_v1;
extern const unsigned record_dict_v1_len;

/* What one import did: the summary row. */
typedef struct ImportSummary {
  long long iImport;
  long long nFilesAdded, nFilesChanged, nFilesUnchanged, nFilesMissing, nFilesFailed;
  long long nRecordsAdded, nRecordsReplaced, nDuplicates;
  double rSeconds;
} ImportSummary;

typedef struct ImportFns ImportFns;   /* per connection: the functions' state (import.c) */

int import_run(ImportFns *pFns, sqlite3 *db, const char *zTarget, const char *zPath,
               int bVerify, ImportSummary *pSum, char **pzErr);
int import_functions_register(sqlite3 *db, ImportFns **ppFns);
int import_vtab_register(sqlite3 *db);

#endif
