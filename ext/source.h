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
typedef struct CopySet CopySet;

/* What a worker thread may hold of one slot (a file, or a batch of small files): this much
** as stored, this much decompressed and this much of record index. A larger file is read
** alone by the consuming thread when its turn comes (up to the 1 GiB limits), so memory in
** flight stays near 2 x threads x 3 x SOURCE_FILE_BUDGET plus one large file. */
#define SOURCE_FILE_BUDGET ((size_t)16 << 20)

/* A worker takes consecutive files of the walk as one batch, up to this many bytes as
** listed (a file larger than what is left still joins, and ends the batch) and at most
** SOURCE_BATCH_FILES files: for tiny files the cost of handing a file between threads
** (a lock, a wake-up, a wait) would otherwise exceed the cost of reading it. A batch lives
** in one slot, within the slot's budget above, so memory in flight is bounded as before. */
#define SOURCE_BATCH_BYTES ((size_t)64 << 10)
#define SOURCE_BATCH_FILES 256

/* How often, in milliseconds of work or waiting, the consuming thread asks SQLite whether
** the statement was interrupted (sqlite3_interrupt or a progress handler). */
#define SOURCE_POLL_MS 10

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
  SourceJob *pCur;               /* the batch being consumed, or NULL */
  int iFile;                     /* the file of pCur being consumed */
  int iItem;                     /* the next record of that file */
  int bEof;                      /* no more files */
  void *pDecompressor;           /* libdeflate state for work done on the caller's thread */
  pthread_t *aThread;
  int bMutex;                    /* mu, cvWork and cvDone are initialised */
  pthread_mutex_t mu;
  pthread_cond_t cvWork;         /* a job was queued, or stop */
  pthread_cond_t cvDone;         /* a job is done */
  int bStop;
  int bCancel;                   /* workers: stop the file in hand (read atomically) */
  sqlite3 *db;                   /* the scan's connection, for polling */
  sqlite3_stmt *pPoll;           /* a small statement stepped to observe an interrupt */
  long long iLastPoll;           /* when it last ran, in ms */
  int rcStop;                    /* SQLITE_INTERRUPT (or an error) once the poll said stop */
  int nPolls;                    /* polls made (for tests and measurements) */
  CopySet *pCopy;                /* counting deliveries of each eventID, or NULL */
  long long iCopyLo, iCopyHi;    /* the copy numbers wanted */
  long long iCopy;               /* the copy number of the record last returned */
  JsonBuf idBuf;                 /* scratch for an eventID's text */
  /* Asked on the consuming thread for each regular file the walk yields, before it is
  ** read: 1 leaves it out (cloudtrail_import: unchanged since the last import). */
  int (*xAdmit)(void *pCtx, const char *zPath);
  void *pAdmitCtx;
} Source;

int source_open(Source *p, const char *zArg, sqlite3 *db, sqlite3_vtab *pVtab,
                const char *zFunc, const Filter *pFilter, int nThread, int bStrict);
int source_next_file(Source *p);
int source_next_record(Source *p, const SplitItem **ppItem);
int source_count_copies(Source *p, long long iLo, long long iHi);
int source_next_record_ex(Source *p, const SplitItem **ppItem);
int source_item_position(const Source *p);
int source_poll(Source *p);
int source_records_before_problem(const Source *p);
SourceFile *source_file(const Source *p);
const char *source_bytes(const Source *p);
size_t source_bytes_n(const Source *p);
const char *source_raw(const Source *p, size_t *pn);
int source_status(const Source *p);
const char *source_status_name(int eStatus);
char *source_error_text(const Source *p);
int source_vtab_error(Source *p, sqlite3_vtab *pVtab, const char *zFunc, int rc);
int source_default_threads(void);
void source_close(Source *p);

#endif
