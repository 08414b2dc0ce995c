/*
** source.h: the files behind one scan, read ahead on worker threads.
**
** All three file-reading tables read through a Source: it walks the argument (pruning
** folders and files the scan's constraints rule out), and for each file reads it whole,
** decompresses gzip, splits the bytes into records and drops the records the constraints
** rule out. With threads, workers do that for the next few files while SQLite consumes
** the current one; files are always handed out in walk order, so the rows and their order
** are the same whatever the number of threads.
*/
#ifndef CLOUDTRAIL_SOURCE_H
#define CLOUDTRAIL_SOURCE_H
#include <pthread.h>
#include "filter.h"
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
#define STATUS_WARNING 4         /* every record came back, but the file has notes */

typedef struct SourceFile {
  char *zPath;                   /* the file's path */
  long long nSize;               /* bytes on disk */
  int bCompressed;               /* gzip magic found */
  int eFormat;                   /* FMT_* */
  int nRecords;                  /* records in the file (before any filtering) */
  const char *zSkip;             /* why no records could come from it, or NULL */
  Problem prob;                  /* damage met */
  S3Name name;                   /* what AWS's naming says */
} SourceFile;

typedef struct SourceJob SourceJob;

typedef struct Source {
  Walk walk;
  const Filter *pFilter;         /* constraints to apply, or NULL (borrowed) */
  int bStrict;                   /* keep every file's problems visible: no byte prefilter */
  size_t nMaxRecord;             /* SQLITE_LIMIT_LENGTH: longer records are problems */
  int nThread;                   /* worker threads; 0: everything on the caller's thread */
  SourceJob *aJob;               /* read-ahead slots */
  int nJob;
  long long iSeqNext;            /* sequence number of the next file walked */
  long long iSeqCur;             /* sequence number of the file being consumed */
  int bWalkDone;                 /* the walker has no more files */
  int rcWalk;                    /* SQLITE_EMPTY when a glob matched nothing */
  SourceJob *pCur;               /* the file being consumed, or NULL */
  int iItem;                     /* the next record of pCur */
  int bEof;                      /* no more files */
  void *pDecompressor;           /* libdeflate state for work done on the caller's thread */
  pthread_t *aThread;
  int bMutex;                    /* mu, cvWork and cvDone are initialised */
  pthread_mutex_t mu;
  pthread_cond_t cvWork;         /* a job was queued, or stop */
  pthread_cond_t cvDone;         /* a job is done */
  int bStop;
} Source;

int source_open(Source *p, const char *zArg, sqlite3 *db, sqlite3_vtab *pVtab,
                const char *zFunc, const Filter *pFilter, int nThread, int bStrict);
int source_next_file(Source *p);
int source_next_record(Source *p, const SplitItem **ppItem);
int source_records_before_problem(const Source *p);
SourceFile *source_file(const Source *p);
const char *source_bytes(const Source *p);
int source_status(const Source *p);
const char *source_status_name(int eStatus);
char *source_error_text(const Source *p);
int source_vtab_error(Source *p, sqlite3_vtab *pVtab, const char *zFunc, int rc);
int source_default_threads(void);
void source_close(Source *p);

#endif
