/*
** source.h: the files behind one scan, read one at a time.
**
** Both tables read through a Source: it walks the argument, reads each file whole into a
** reused buffer, decompresses gzip, and splits the bytes into records.
*/
#ifndef CLOUDTRAIL_SOURCE_H
#define CLOUDTRAIL_SOURCE_H
#include "json.h"
#include "problem.h"
#include "s3path.h"
#include "split.h"
#include "walk.h"

/* File status, as the hygiene report names them (source_status_name). */
#define STATUS_OK      0
#define STATUS_SKIPPED 1
#define STATUS_PARTIAL 2
#define STATUS_ERROR   3

typedef struct SourceFile {
  const char *zPath;             /* owned by the walker; valid until the next file */
  long long nSize;               /* bytes on disk */
  int bCompressed;               /* gzip magic found */
  int nRecords;                  /* records handed out so far */
  const char *zSkip;             /* why no records could come from it, or NULL */
  Problem prob;                  /* damage met so far */
  S3Name name;                   /* what AWS's naming says */
} SourceFile;

typedef struct Source {
  Walk walk;
  JsonBuf raw;                   /* the file as stored */
  JsonBuf plain;                 /* decompressed bytes (gzip files only) */
  void *pDecompressor;           /* libdeflate state, made once per scan */
  Splitter split;
  SourceFile file;
  int bEof;                      /* no more files */
} Source;

int source_open(Source *p, const char *zArg, sqlite3_vtab *pVtab, const char *zFunc);
int source_next_file(Source *p);
int source_next_record(Source *p, SplitItem *pItem);
const char *source_bytes(const Source *p);
int source_status(const Source *p);
const char *source_status_name(int eStatus);
char *source_error_text(const Source *p);
int source_vtab_error(Source *p, sqlite3_vtab *pVtab, const char *zFunc, int rc);
void source_close(Source *p);

#endif
