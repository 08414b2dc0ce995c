/*
** source.c: read the files of a scan into memory, ahead of the consumer (see source.h).
**
** Each read-ahead slot (a job) holds a batch: consecutive files of the walk, up to
** SOURCE_BATCH_BYTES as listed (or SOURCE_BATCH_FILES files), one after another in the
** slot's buffers: their bytes, their decompressed copies and the places of the records
** kept. A worker takes a whole batch at a time, so a folder of tiny files costs one
** hand-over (a lock, a wake-up, a wait) per batch, not per file, and the workers keep
** ahead of the consumer. Buffers are reused from batch to batch and dropped after an
** unusually large one, and there are at most two slots per thread, so memory stays flat
** however many files a folder holds. The budget is the slot's: a worker gives up a batch's
** first file when it passes SOURCE_FILE_BUDGET (as stored, decompressed or indexed) and
** leaves it to the consuming thread, which reads such files one at a time: memory does not
** grow with threads x 1 GiB. A later file that would pass what the batch has left ends the
** batch there; the consumer queues the files not reached again as a new batch.
**
** Stopping: the consuming thread runs a tiny SQL statement on the scan's connection every
** SOURCE_POLL_MS of work or waiting. Stepping it observes sqlite3_interrupt() and counts
** towards the progress handler (SQLite 3.40 has no sqlite3_is_interrupted()); when it
** says stop, the scan ends with SQLITE_INTERRUPT and the workers see bCancel between
** reads, gzip members or chunks, and batches of records.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libdeflate.h>
#include "copyset.h"
#include "gzip.h"
#include "record.h"
#include "source.h"

#define READ_CHUNK ((size_t)8 << 20)         /* bytes per read() between stop checks */
#define STOP_EVERY 256                       /* records between stop checks */
/* The poll statement: SELECT count(*) over a VALUES list of POLL_ROWS rows, about 2.5 VM
** steps a row, so any progress handler with N up to about 2,500 fires on every poll. A
** VALUES list runs as a co-routine and allocates nothing (a recursive CTE allocated 100 KB
** a run). */
#define POLL_ROWS 1000

#define KEEP_BUFFER_MAX ((size_t)16 << 20)   /* buffers larger than this are freed after use */
#define READ_MAX ((long long)1 << 30)        /* files larger than 1 GiB are refused */
#define MAX_THREADS 64                   /* the threads option's upper bound */
#define DEFAULT_MAX_THREADS 16           /* the default follows the cores, up to this */

#define JOB_FREE    0
#define JOB_QUEUED  1
#define JOB_RUNNING 2
#define JOB_DONE    3
#define JOB_FILLING 4                    /* the consumer is walking files into it */

/* Every file counts this much towards SOURCE_BATCH_BYTES besides its size, so that a
** folder of empty files still makes batches of bounded work. */
#define BATCH_FILE_COST 512

/* One file of a batch. Offsets, not pointers: the job's buffers move as they grow. */
typedef struct JobFile {
  SourceFile file;
  int eKind;                     /* WALK_* */
  int iErrno;                    /* for WALK_UNREADABLE and WALK_BROKEN */
  size_t iRaw, nRaw;             /* the file as stored: j->raw.z + iRaw */
  int bPlain;                    /* its records index into j->plain (gzip), else j->raw */
  size_t iData, nData;           /* ... from this offset, this many bytes */
  int iItem, nItem;              /* its kept records: j->aItem[iItem ...] */
  int nBeforeProblem;            /* records kept before the first problem, or -1 */
  int rc;                        /* SQLITE_NOMEM (or a stop) met while reading it */
  int bDeferred;                 /* a worker left it to the consumer: over the budget */
  int iName;                     /* its name in zPath, opened relative to j->dirfd; -1: by path */
} JobFile;

struct SourceJob {
  int eState;
  long long iSeq;                /* walk order of its first file */
  JobFile *aFile;                /* the batch: consecutive files of the walk */
  int nFile, nFileAlloc;
  int nDone;                     /* files read (0 .. nDone-1); a worker reached no further */
  JsonBuf raw;                   /* the files as stored, one after another, a NUL after each */
  JsonBuf plain;                 /* the gzip files' decompressed bytes, likewise */
  SplitItem *aItem;              /* the records kept, in walk order */
  int nItem, nItemAlloc;
  int dirfd;                     /* the folder of the batch's first file, or -1: its files
                                 ** listed there are opened relative to it (openat), so the
                                 ** kernel resolves one name, not the whole path */
  long long iDirId;              /* that folder's listing (Walk.iDirId) */
};

/* Who runs a job, for the stop checks. */
typedef struct JobCtx {
  Source *p;
  int bConsumer;                 /* the consuming thread: it may poll SQLite */
} JobCtx;

static long long now_ms(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec*1000 + ts.tv_nsec/1000000;
}

/* On the consuming thread only: has the statement been interrupted? At most one poll per
** SOURCE_POLL_MS. Returns SQLITE_OK, or the code that ends the scan (SQLITE_INTERRUPT). */
int source_poll(Source *p){
  long long t;
  int rc;
  if( p->rcStop ) return p->rcStop;
  if( p->db==0 ) return SQLITE_OK;
  t = now_ms();
  if( t - p->iLastPoll < SOURCE_POLL_MS ) return SQLITE_OK;
  p->iLastPoll = t;
  if( p->pPoll==0 ){
    static const char zHead[] = "SELECT count(*) FROM (VALUES(0)";
    char zSql[sizeof(zHead) + 4*POLL_ROWS + 2];
    int i, n = (int)sizeof(zHead) - 1;
    memcpy(zSql, zHead, (size_t)n);
    for(i=1; i<POLL_ROWS; i++){ memcpy(zSql+n, ",(0)", 4); n += 4; }
    memcpy(zSql+n, ")", 2);
    rc = sqlite3_prepare_v2(p->db, zSql, -1, &p->pPoll, 0);
    if( rc ){
      p->pPoll = 0;
      return rc==SQLITE_INTERRUPT ? (p->rcStop = rc) : rc;
    }
  }
  p->nPolls++;
  while( (rc = sqlite3_step(p->pPoll))==SQLITE_ROW ){}
  sqlite3_reset(p->pPoll);
  if( rc==SQLITE_DONE ) return SQLITE_OK;
  p->rcStop = rc;
  __atomic_store_n(&p->bCancel, 1, __ATOMIC_RELAXED);
  return rc;
}

/* Should the job in hand stop? */
static int job_stop(void *pArg){
  JobCtx *x = pArg;
  if( x->bConsumer ) return source_poll(x->p)!=SQLITE_OK;
  return __atomic_load_n(&x->p->bCancel, __ATOMIC_RELAXED);
}

/* The code a stopped job ends with. */
static int stop_code(const JobCtx *x){
  return x->bConsumer && x->p->rcStop ? x->p->rcStop : SQLITE_INTERRUPT;
}

static void trim_buffer(JsonBuf *b){
  if( b->nAlloc > KEEP_BUFFER_MAX ) json_buf_free(b);
  b->n = 0;
}

/* Append the whole file to j->raw (jf->iRaw, jf->nRaw). Problems are recorded on the
** file. A worker leaves a file that would take the slot past the budget to the consumer
** (jf->bDeferred). */
static int read_file(SourceJob *j, JobFile *jf, JobCtx *x){
  SourceFile *f = &jf->file;
  struct stat st;
  int fd = jf->iName>=0 ? openat(j->dirfd, f->zPath + jf->iName, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
                        : open(f->zPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  jf->iRaw = j->raw.n;
  if( fd<0 ){
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "cannot open: %s", strerror(errno));
    return SQLITE_OK;
  }
  if( fstat(fd, &st)!=0 || !S_ISREG(st.st_mode) ){
    close(fd);
    f->zSkip = "not a regular file";
    return SQLITE_OK;
  }
  f->nSize = (long long)st.st_size;
  if( !x->bConsumer && jf->iRaw + (size_t)f->nSize > SOURCE_FILE_BUDGET ){
    close(fd);
    jf->bDeferred = 1;
    return SQLITE_OK;
  }
  if( f->nSize > READ_MAX ){
    close(fd);
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "file larger than 1 GiB");
    return SQLITE_OK;
  }
  for(;;){
    ssize_t got;
    size_t nWant;
    if( json_buf_reserve(&j->raw, j->raw.n>jf->iRaw ? 65536 : (size_t)f->nSize + 1) ){
      close(fd);
      j->raw.n = jf->iRaw;
      return SQLITE_NOMEM;
    }
    if( job_stop(x) ){
      close(fd);
      j->raw.n = jf->iRaw;
      return stop_code(x);
    }
    nWant = j->raw.nAlloc - 1 - j->raw.n;
    if( nWant > READ_CHUNK ) nWant = READ_CHUNK;
    got = read(fd, j->raw.z + j->raw.n, nWant);
    if( got<0 ){
      if( errno==EINTR ) continue;
      problem_add(&f->prob, (long long)(j->raw.n - jf->iRaw), PROBLEM_AT_FILE,
                  "read error: %s", strerror(errno));
      break;
    }
    if( got==0 ) break;
    j->raw.n += (size_t)got;
    if( !x->bConsumer && j->raw.n > SOURCE_FILE_BUDGET ){
      close(fd);                                 /* it grew while being read */
      j->raw.n = jf->iRaw;
      jf->bDeferred = 1;
      return SQLITE_OK;
    }
    if( (long long)(j->raw.n - jf->iRaw) > READ_MAX ){
      problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "file larger than 1 GiB");
      j->raw.n = jf->iRaw;
      break;
    }
  }
  close(fd);
  jf->nRaw = j->raw.n - jf->iRaw;
  if( j->raw.z ){
    j->raw.z[j->raw.n] = 0;                     /* the next file starts after this NUL */
    j->raw.n++;
  }
  return SQLITE_OK;
}

static int keep_item(SourceJob *j, JobFile *jf, const SplitItem *pItem, const JobCtx *x){
  if( j->nItem>=j->nItemAlloc ){
    if( !x->bConsumer && j->nItemAlloc*2*sizeof(SplitItem) > SOURCE_FILE_BUDGET ){
      jf->bDeferred = 1;                         /* many small records: index over budget */
      return SQLITE_OK;
    }
    int nNew = j->nItemAlloc ? j->nItemAlloc*2 : 64;
    SplitItem *aNew = sqlite3_realloc64(j->aItem, nNew*sizeof(SplitItem));
    if( aNew==0 ) return SQLITE_NOMEM;
    j->aItem = aNew;
    j->nItemAlloc = nNew;
  }
  j->aItem[j->nItem++] = *pItem;
  return SQLITE_OK;
}

/* Everything done to one file before its records are consumed: read, decompress, split,
** filter, appending to the job's buffers. Runs on a worker thread, or on the caller's when
** there are none or the file is over a worker's budget, so it touches nothing but the job,
** the (read-only) filter and the thread's own decompressor. When the scan counts copies,
** every record is kept: the consumer registers each eventID before it applies the filter. */
static void file_run(Source *p, SourceJob *j, JobFile *jf, void *pDec, int bConsumer,
                     Record **ppRec){
  SourceFile *f = &jf->file;
  const Filter *pF = p->pCopy ? 0 : p->pFilter;
  Splitter split;
  SplitItem item;
  const char *zData;
  size_t nData;
  int eAt = PROBLEM_AT_FILE;
  JobCtx x;
  GzipLimit lim;
  int rc, nMark = 0, nItemAtMark = 0, nRecordsAtMark = 0, nBeforeAtMark = -1;
  size_t iPlain = j->plain.n;
  jf->iRaw = j->raw.n;
  x.p = p;
  x.bConsumer = bConsumer;
  jf->nBeforeProblem = -1;
  jf->bPlain = 0;
  jf->iData = jf->nData = 0;
  jf->iItem = j->nItem;
  if( jf->eKind==WALK_UNREADABLE ){
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "cannot read directory: %s", strerror(jf->iErrno));
    jf->nBeforeProblem = 0;
    return;
  }
  if( jf->eKind==WALK_SPECIAL ){
    f->zSkip = "not a regular file";
    return;
  }
  if( jf->eKind==WALK_LINK_DIR ){
    f->zSkip = "a link to a folder (not followed)";
    return;
  }
  if( jf->eKind==WALK_BROKEN ){
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "cannot open: %s", strerror(jf->iErrno));
    jf->nBeforeProblem = 0;
    return;
  }
  jf->rc = read_file(j, jf, &x);
  if( jf->rc || jf->bDeferred ) return;
  if( f->prob.n || f->zSkip ){
    jf->nBeforeProblem = 0;
    return;
  }
  zData = j->raw.z + jf->iRaw;
  nData = jf->nRaw;
  jf->iData = jf->iRaw;
  jf->nData = nData;
  if( gzip_is_gzip((const unsigned char*)zData, nData) ){
    f->bCompressed = 1;
    /* first within what the slot has left of the budget, with libdeflate; past it, a
    ** worker gives the file up and the consumer streams it through zlib in chunks,
    ** checking for a stop between them */
    lim.nMax = bConsumer ? SOURCE_FILE_BUDGET
             : iPlain<SOURCE_FILE_BUDGET ? SOURCE_FILE_BUDGET - iPlain : 0;
    lim.xStop = job_stop;
    lim.pStopArg = &x;
    jf->rc = gzip_inflate_ex(pDec, (const unsigned char*)zData, nData, &j->plain, &f->prob, &lim);
    if( jf->rc==SQLITE_FULL && !bConsumer ){
      jf->rc = SQLITE_OK;
      jf->bDeferred = 1;
      return;
    }
    if( jf->rc==SQLITE_FULL ){
      problem_reset(&f->prob);
      j->plain.n = iPlain;
      lim.nMax = GZIP_MAX_OUTPUT;
      jf->rc = gzip_inflate_ex(0, (const unsigned char*)zData, nData, &j->plain, &f->prob, &lim);
    }
    if( jf->rc==SQLITE_INTERRUPT ) jf->rc = stop_code(&x);
    if( jf->rc ) return;
    zData = j->plain.z ? j->plain.z + iPlain : "";
    nData = j->plain.n - iPlain;
    eAt = PROBLEM_AT_PLAIN;
    jf->bPlain = 1;
    jf->iData = iPlain;
    jf->nData = nData;
    if( j->plain.z ){
      j->plain.z[j->plain.n] = 0;               /* the next file starts after this NUL */
      j->plain.n++;
    }
  }
  if( f->prob.n ) jf->nBeforeProblem = 0;
  /* A file that cannot hold a match is not split at all (its problems then go unseen,
  ** which strict mode does not allow). */
  if( pF && !p->bStrict && !filter_bytes(pF, zData, nData) ){
    f->eFormat = FMT_UNKNOWN;
    return;
  }
  split_init(&split, zData, nData, eAt, &f->prob);
  while( (rc = split_next(&split, &item))!=SPLIT_END ){
    size_t nText;
    if( split.nMark!=nMark ){
      /* the splitter began an object that may turn out to be one record: note the state */
      nMark = split.nMark;
      nItemAtMark = j->nItem;
      nRecordsAtMark = f->nRecords;
      nBeforeAtMark = jf->nBeforeProblem;
    }
    if( rc==SPLIT_RETRACT ){
      j->nItem = nItemAtMark;
      f->nRecords = nRecordsAtMark;
      jf->nBeforeProblem = nBeforeAtMark;
      continue;
    }
    nText = item.e - item.s;
    /* its text as returned: control bytes escaped and invalid UTF-8 as U+FFFD grow it */
    if( nText<=p->nMaxRecord && (item.flags & (JSON_F_HIGH|JSON_F_CTRL)) ){
      nText = json_repaired_len(zData, item.s, item.e);
    }
    if( nText > p->nMaxRecord ){
      /* SQLite could not hold it as one value: this record is lost, not the scan */
      problem_add(&f->prob, (long long)item.s, eAt, "record %d is %lld bytes%s, longer than "
                  "SQLITE_LIMIT_LENGTH (SQLITE_TOOBIG)", item.iIndex, (long long)nText,
                  nText==item.e-item.s ? "" : " once repaired");
      if( f->prob.nDamage==1 ) f->prob.rc = SQLITE_TOOBIG;
      if( jf->nBeforeProblem<0 ) jf->nBeforeProblem = j->nItem - jf->iItem;
      continue;
    }
    f->nRecords++;
    if( jf->nBeforeProblem<0 && f->prob.n ) jf->nBeforeProblem = j->nItem - jf->iItem;
    item.run.bDone = 0;
    if( pF && !filter_record_ex(pF, zData, item.s, item.e, &item.idx, ppRec, &item.run) ){
      continue;
    }
    jf->rc = keep_item(j, jf, &item, &x);
    if( jf->rc || jf->bDeferred ) return;
  }
  if( jf->nBeforeProblem<0 && f->prob.n ) jf->nBeforeProblem = j->nItem - jf->iItem;
  f->eFormat = split.eFormat;
  if( split.zSkip && f->prob.nDamage==0 && f->nRecords==0 ) f->zSkip = split.zSkip;
}

/* Forget what was done to a file that is to be read again (a worker gave it up), and
** what it added to the job's buffers, which end with it. */
static void file_restart(SourceJob *j, JobFile *jf, size_t nPlain){
  SourceFile *f = &jf->file;
  S3Name name = f->name;
  char *zPath = f->zPath;
  memset(f, 0, sizeof(*f));
  f->zPath = zPath;
  f->name = name;
  j->raw.n = jf->iRaw;
  j->plain.n = nPlain;
  j->nItem = jf->iItem;
  jf->nItem = 0;
  jf->rc = SQLITE_OK;
  jf->bDeferred = 0;
  jf->bPlain = 0;
  jf->iData = jf->nData = 0;
}

/* A worker reads the batch, file after file, until a file would take the slot past its
** budget: the first file of a batch has the whole budget (the consumer reads it alone when
** even that is not enough: jf->bDeferred); a later one ends the batch there (j->nDone),
** and source_next_file queues the rest again. The Record for the filter's rules lives
** while the batch is read. */
static void batch_run(Source *p, SourceJob *j, void *pDec){
  Record *pRec = 0;
  int k;
  for(k=0; k<j->nFile; k++){
    JobFile *jf = &j->aFile[k];
    size_t nPlain = j->plain.n;
    file_run(p, j, jf, pDec, 0, &pRec);
    if( jf->bDeferred ){
      file_restart(j, jf, nPlain);
      jf->bDeferred = k==0;
      break;
    }
    jf->nItem = j->nItem - jf->iItem;
    j->nDone = k+1;
    if( jf->rc || __atomic_load_n(&p->bCancel, __ATOMIC_RELAXED) ) break;
  }
  filter_record_free(pRec);
}

/* The consumer reads file iFile of the job alone, in the job's emptied buffers (the files
** before it are consumed): no worker threads, or it is over a worker's budget. */
static int consumer_run(Source *p, SourceJob *j, int iFile){
  JobFile *jf = &j->aFile[iFile];
  Record *pRec = 0;
  j->raw.n = 0;
  j->plain.n = 0;
  j->nItem = 0;
  jf->iRaw = 0;
  jf->iItem = 0;
  file_restart(j, jf, 0);
  if( p->pDecompressor==0 ){
    p->pDecompressor = libdeflate_alloc_decompressor();
    if( p->pDecompressor==0 ) return SQLITE_NOMEM;
  }
  file_run(p, j, jf, p->pDecompressor, 1, &pRec);
  filter_record_free(pRec);
  jf->nItem = j->nItem - jf->iItem;
  j->nDone = iFile+1;
  return SQLITE_OK;
}

/* Free the batch's file names; the slot is then free (its buffers kept for the next). */
static void job_reset(SourceJob *j){
  int i;
  for(i=0; i<j->nFile; i++) sqlite3_free(j->aFile[i].file.zPath);
  j->nFile = 0;
  j->nDone = 0;
  if( j->dirfd>=0 ) close(j->dirfd);
  j->dirfd = -1;
  trim_buffer(&j->raw);
  trim_buffer(&j->plain);
  if( j->nItemAlloc > 4096 ){
    sqlite3_free(j->aItem);
    j->aItem = 0;
    j->nItemAlloc = 0;
  }
  j->nItem = 0;
  j->eState = JOB_FREE;
}

/* Queue again the files from iFile on, which no worker reached (the batch's budget ran
** out before them): the consumer has read the ones before. */
static void job_requeue(SourceJob *j, int iFile){
  int i;
  for(i=0; i<iFile; i++) sqlite3_free(j->aFile[i].file.zPath);
  memmove(j->aFile, j->aFile+iFile, (size_t)(j->nFile-iFile)*sizeof(JobFile));
  j->nFile -= iFile;
  j->iSeq += iFile;
  j->nDone = 0;
  trim_buffer(&j->raw);
  trim_buffer(&j->plain);
  j->nItem = 0;
  j->eState = JOB_QUEUED;
}

static void *worker_main(void *pArg){
  Source *p = pArg;
  void *pDec = libdeflate_alloc_decompressor();
  pthread_mutex_lock(&p->mu);
  for(;;){
    SourceJob *j = 0;
    int i;
    while( !p->bStop ){
      for(i=0; i<p->nJob; i++){
        SourceJob *c = &p->aJob[i];
        if( c->eState==JOB_QUEUED && (j==0 || c->iSeq<j->iSeq) ) j = c;
      }
      if( j ) break;
      pthread_cond_wait(&p->cvWork, &p->mu);
    }
    if( p->bStop ) break;
    j->eState = JOB_RUNNING;
    pthread_mutex_unlock(&p->mu);
    if( pDec ){
      batch_run(p, j, pDec);
    }else{
      j->aFile[0].rc = SQLITE_NOMEM;            /* the consumer reports it at the first file */
      j->nDone = 1;
    }
    pthread_mutex_lock(&p->mu);
    j->eState = JOB_DONE;
    pthread_cond_broadcast(&p->cvDone);
  }
  pthread_mutex_unlock(&p->mu);
  if( pDec ) libdeflate_free_decompressor(pDec);
  return 0;
}

static int prune_dir(void *pCtx, const char *zDir){
  return filter_prune_dir((const Filter*)pCtx, zDir);
}

int source_default_threads(void){
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if( n<1 ) n = 1;
  return n>DEFAULT_MAX_THREADS ? DEFAULT_MAX_THREADS : (int)n;
}

/* Start a scan of zArg for the table-valued function zFunc; errors name both. nThread
** is the number of threads wanted: 1 reads on the caller's thread. */
int source_open(Source *p, const char *zArg, sqlite3 *db, sqlite3_vtab *pVtab,
                const char *zFunc, const Filter *pFilter, int nThread, int bStrict){
  char *zErr = 0;
  int rc, i;
  memset(p, 0, sizeof(*p));
  p->bEof = 1;
  p->db = db;
  p->nMaxRecord = (size_t)sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1);
  p->pFilter = pFilter && !filter_is_empty(pFilter) ? pFilter : 0;
  p->bStrict = bStrict;
  rc = walk_open(&p->walk, zArg, &zErr);
  if( rc ){
    if( zErr ) rc = vtab_error(pVtab, "%s: %s", zFunc, zErr);
    sqlite3_free(zErr);
    return rc;
  }
  if( p->pFilter ){
    p->walk.xPruneDir = prune_dir;
    p->walk.pPruneCtx = (void*)p->pFilter;
  }
  if( nThread>MAX_THREADS ) nThread = MAX_THREADS;
  p->nThread = nThread>1 && !p->walk.bSingle ? nThread : 0;
  p->nJob = p->nThread ? 2*p->nThread : 1;
  p->aJob = sqlite3_malloc64(p->nJob*sizeof(SourceJob));
  if( p->aJob==0 ) return SQLITE_NOMEM;
  memset(p->aJob, 0, p->nJob*sizeof(SourceJob));
  for(i=0; i<p->nJob; i++) p->aJob[i].dirfd = -1;
  if( p->nThread ){
    p->aThread = sqlite3_malloc64(p->nThread*sizeof(pthread_t));
    if( p->aThread==0 ){ p->nThread = 0; return SQLITE_NOMEM; }
    if( pthread_mutex_init(&p->mu, 0) ){ p->nThread = 0; return SQLITE_NOMEM; }
    pthread_cond_init(&p->cvWork, 0);
    pthread_cond_init(&p->cvDone, 0);
    p->bMutex = 1;
    for(i=0; i<p->nThread; i++){
      if( pthread_create(&p->aThread[i], 0, worker_main, p) ){
        p->nThread = i;                         /* run with what could be started */
        break;
      }
    }
    if( p->nThread==0 ){
      pthread_mutex_destroy(&p->mu);
      pthread_cond_destroy(&p->cvWork);
      pthread_cond_destroy(&p->cvDone);
      p->bMutex = 0;
      p->nJob = 1;
    }
  }
  p->bEof = 0;
  return SQLITE_OK;
}

/* Walk the next files into the empty slot j, in order, up to SOURCE_BATCH_BYTES as listed
** (one file when there are no workers). Runs on the consuming thread (xAdmit may use the
** connection) without the mutex: no worker looks at a slot being filled. */
static int batch_fill(Source *p, SourceJob *j){
  long long nBytes = 0;
  int nMax = p->nThread ? SOURCE_BATCH_FILES : 1;
  j->nFile = 0;
  j->nDone = 0;
  j->iSeq = p->iSeqNext;
  while( j->nFile<nMax && nBytes<(long long)SOURCE_BATCH_BYTES ){
    JobFile *jf;
    S3Name name;
    int eKind, iErrno, rc;
    for(;;){
      rc = walk_next(&p->walk, &eKind, &iErrno);
      if( rc!=SQLITE_ROW ) break;
      s3path_parse(p->walk.zPath, &name);
      if( p->pFilter && !p->pCopy && eKind==WALK_FILE
       && filter_prune_file(p->pFilter, &name) ) continue;
      if( p->xAdmit && eKind==WALK_FILE && p->xAdmit(p->pAdmitCtx, p->walk.zPath) ) continue;
      break;
    }
    if( rc==SQLITE_DONE || rc==SQLITE_EMPTY ){
      p->bWalkDone = 1;
      p->rcWalk = rc==SQLITE_EMPTY ? rc : SQLITE_OK;
      break;
    }
    if( rc!=SQLITE_ROW ) return rc;
    if( j->nFile>=j->nFileAlloc ){
      int nNew = j->nFileAlloc ? j->nFileAlloc*2 : 8;
      JobFile *aNew = sqlite3_realloc64(j->aFile, (sqlite3_uint64)nNew*sizeof(JobFile));
      if( aNew==0 ) return SQLITE_NOMEM;
      j->aFile = aNew;
      j->nFileAlloc = nNew;
    }
    jf = &j->aFile[j->nFile];
    memset(jf, 0, sizeof(*jf));
    jf->file.name = name;
    jf->file.zPath = sqlite3_mprintf("%s", p->walk.zPath);
    if( jf->file.zPath==0 ) return SQLITE_NOMEM;
    jf->eKind = eKind;
    jf->iErrno = iErrno;
    jf->iName = -1;
    if( eKind==WALK_FILE && p->walk.iDirFd>=0 ){
      if( j->dirfd<0 ){
        j->dirfd = fcntl(p->walk.iDirFd, F_DUPFD_CLOEXEC, 0);
        j->iDirId = p->walk.iDirId;
      }
      if( j->dirfd>=0 && j->iDirId==p->walk.iDirId ) jf->iName = p->walk.iName;
    }
    j->nFile++;
    p->iSeqNext++;
    nBytes += p->walk.nSize + BATCH_FILE_COST;
  }
  return SQLITE_OK;
}

/* Give free slots the next files of the walk, in order. Caller holds the mutex (if any),
** which is let go while each slot is filled. */
static int fill(Source *p){
  int i, rc = SQLITE_OK;
  for(i=0; i<p->nJob && !p->bWalkDone && rc==SQLITE_OK; i++){
    SourceJob *j = &p->aJob[i];
    if( j->eState!=JOB_FREE || j==p->pCur ) continue;
    j->eState = JOB_FILLING;
    if( p->bMutex ) pthread_mutex_unlock(&p->mu);
    rc = batch_fill(p, j);
    if( p->bMutex ) pthread_mutex_lock(&p->mu);
    j->eState = j->nFile ? JOB_QUEUED : JOB_FREE;
    if( j->nFile && p->bMutex ) pthread_cond_signal(&p->cvWork);
  }
  return rc;
}

/* Move to the next file and its records. Returns SQLITE_OK (check p->bEof),
** SQLITE_EMPTY when a glob matched no file (see source_vtab_error), or SQLITE_NOMEM. */
int source_next_file(Source *p){
  SourceJob *j = 0;
  JobFile *jf;
  int rc, i;
  rc = source_poll(p);
  if( rc ) return rc;
  if( p->bMutex ) pthread_mutex_lock(&p->mu);
  if( p->pCur ){
    j = p->pCur;
    p->iSeqCur++;
    p->iFile++;
    if( p->iFile>=j->nFile ){
      job_reset(j);                             /* the whole batch is consumed */
      j = 0;
    }else if( p->iFile>=j->nDone && p->nThread && !j->aFile[p->iFile].bDeferred ){
      job_requeue(j, p->iFile);                 /* a worker stopped short of this file */
      pthread_cond_signal(&p->cvWork);
      j = 0;
    }
    if( j==0 ) p->pCur = 0;
  }
  if( j==0 ){
    rc = fill(p);
    if( rc==SQLITE_OK ){
      for(i=0; i<p->nJob; i++){
        if( p->aJob[i].eState!=JOB_FREE && p->aJob[i].iSeq==p->iSeqCur ) j = &p->aJob[i];
      }
      if( j==0 ){
        p->bEof = 1;
        rc = p->rcWalk;
      }else if( p->nThread ){
        /* wait for the worker, asking SQLite every SOURCE_POLL_MS whether to stop */
        while( j->eState!=JOB_DONE ){
          struct timespec ts;
          clock_gettime(CLOCK_REALTIME, &ts);
          ts.tv_nsec += SOURCE_POLL_MS*1000000L;
          if( ts.tv_nsec>=1000000000L ){ ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
          pthread_cond_timedwait(&p->cvDone, &p->mu, &ts);
          if( j->eState==JOB_DONE ) break;
          pthread_mutex_unlock(&p->mu);
          rc = source_poll(p);
          pthread_mutex_lock(&p->mu);
          if( rc ){
            j = 0;
            break;
          }
        }
      }
    }
    if( j ){
      p->pCur = j;
      p->iFile = 0;
    }
  }
  if( p->bMutex ) pthread_mutex_unlock(&p->mu);
  if( rc || j==0 ) return rc;
  p->iItem = 0;
  if( p->iFile>=j->nDone ){
    /* nobody has read it (no threads), or a worker gave it up (over the budget) */
    rc = consumer_run(p, j, p->iFile);
    if( rc ) return rc;
    j->eState = JOB_DONE;
  }
  jf = &j->aFile[p->iFile];
  if( jf->rc==SQLITE_OK && p->rcStop ) return p->rcStop;
  return jf->rc;
}

/* The file being consumed, or NULL. */
static JobFile *cur_file(const Source *p){
  return p->pCur ? &p->pCur->aFile[p->iFile] : 0;
}

/* A worker split the file on another core, so the bytes of a record the consuming thread
** reads first are usually not in its cache: the first column read stalls on them (the
** load of eventName's first byte was 3% of a count by eventName). Ask for the bytes where
** the columns read most (eventTime to userAgent lie around eventName in AWS's order)
** PREFETCH_AHEAD records ahead (4 hid about a third of the stall, 16 more than half). A
** hint only: nothing read depends on it. */
#define PREFETCH_AHEAD 16
static void prefetch_item(const Source *p, const JobFile *jf, const char *zData, int iItem){
#if defined(__GNUC__)
  if( iItem < jf->nItem ){
    const SplitItem *it = &p->pCur->aItem[jf->iItem + iItem];
    const char *z = zData + it->s;
    __builtin_prefetch(z);
    if( it->idx.aE[RF_eventName] ){
      size_t o = it->idx.aS[RF_eventName];
      __builtin_prefetch(z + o);
      if( it->s + o + 64 < jf->nData ) __builtin_prefetch(z + o + 64);
    }
  }
#else
  (void)p; (void)jf; (void)zData; (void)iItem;
#endif
}

/* ... for the record PREFETCH_AHEAD after iItem, or at a file's start for the first ones */
static void prefetch_ahead(const Source *p, const JobFile *jf, int iItem){
  const char *zData = source_bytes(p);
  int k;
  if( iItem==0 ){
    for(k=0; k<PREFETCH_AHEAD; k++) prefetch_item(p, jf, zData, k);
  }
  prefetch_item(p, jf, zData, iItem+PREFETCH_AHEAD);
}

/* The next kept record of the current file: 1 with *ppItem set, 0 at its end. */
int source_next_record(Source *p, const SplitItem **ppItem){
  JobFile *jf = cur_file(p);
  if( jf==0 || p->iItem>=jf->nItem ) return 0;
  prefetch_ahead(p, jf, p->iItem);
  *ppItem = &p->pCur->aItem[jf->iItem + p->iItem++];
  return 1;
}

/* Count deliveries of each eventID (the `copy` column) and return only records whose copy
** number is in [iLo, iHi]. Call after source_open, before the first source_next_file.
** Copy numbers must not depend on the other constraints, so every file is read and split
** (no pruning, no byte prefilter) and the filter is applied by source_next_record_ex,
** after the record's eventID is counted, on this thread, in walk order. */
int source_count_copies(Source *p, long long iLo, long long iHi){
  p->pCopy = sqlite3_malloc64(sizeof(CopySet));
  if( p->pCopy==0 ) return SQLITE_NOMEM;
  if( copyset_init(p->pCopy) ){
    sqlite3_free(p->pCopy);
    p->pCopy = 0;
    return SQLITE_NOMEM;
  }
  p->iCopyLo = iLo;
  p->iCopyHi = iHi;
  p->walk.xPruneDir = 0;
  return SQLITE_OK;
}

/* The eventID as the eventID column shows it, into pBuf: 1, or 0 when there is none
** (absent, null or ""), or -1 when out of memory. */
static int event_id_text(const char *z, const SplitItem *it, JsonBuf *pBuf){
  size_t s, e;
  pBuf->n = 0;
  if( it->idx.aE[RF_eventID]==0 ) return 0;
  s = it->s + it->idx.aS[RF_eventID];
  e = it->s + it->idx.aE[RF_eventID];
  if( z[s]=='n' ) return 0;
  if( z[s]=='"' ){
    if( json_decode_string(z, s, e, pBuf) ) return -1;
  }else if( it->flags & (JSON_F_HIGH|JSON_F_CTRL) ){
    if( json_repair(z, s, e, pBuf) ) return -1;
  }else{
    if( json_buf_reserve(pBuf, e-s+1) ) return -1;
    memcpy(pBuf->z, z+s, e-s);
    pBuf->n = e-s;
  }
  return pBuf->n>0;
}

/* source_next_record for a scan that may count copies: SQLITE_ROW with *ppItem (and
** p->iCopy) set, SQLITE_DONE at the file's end, or an error (SQLITE_INTERRUPT). */
int source_next_record_ex(Source *p, const SplitItem **ppItem){
  SourceJob *j = p->pCur;
  JobFile *jf = cur_file(p);
  const char *zData = source_bytes(p);
  if( p->pCopy==0 ){
    p->iCopy = 1;
    return source_next_record(p, ppItem) ? SQLITE_ROW : SQLITE_DONE;
  }
  while( j && p->iItem<jf->nItem ){
    const SplitItem *it = &j->aItem[jf->iItem + p->iItem++];
    long long iCopy = 1;
    int rc = event_id_text(zData, it, &p->idBuf);
    if( rc<0 ) return SQLITE_NOMEM;
    if( rc>0 && copyset_add(p->pCopy, p->idBuf.z, p->idBuf.n, &iCopy) ) return SQLITE_NOMEM;
    if( (p->iItem % STOP_EVERY)==0 && (rc = source_poll(p))!=SQLITE_OK ) return rc;
    if( iCopy<p->iCopyLo || iCopy>p->iCopyHi ) continue;
    if( p->pFilter && !filter_record(p->pFilter, zData, it->s, it->e, &it->idx) ) continue;
    p->iCopy = iCopy;
    *ppItem = it;
    return SQLITE_ROW;
  }
  return SQLITE_DONE;
}

/* The position, among the current file's kept records, of the one last returned. */
int source_item_position(const Source *p){
  return p->iItem - 1;
}

/* How many kept records of the current file come before its first problem (all of
** them, or -1, when it has none). */
int source_records_before_problem(const Source *p){
  return p->pCur ? cur_file(p)->nBeforeProblem : -1;
}

SourceFile *source_file(const Source *p){
  return p->pCur ? &cur_file(p)->file : 0;
}

/* The bytes the current file's records index into. */
const char *source_bytes(const Source *p){
  const JobFile *jf = cur_file(p);
  const JsonBuf *b;
  if( jf==0 || jf->nData==0 ) return "";
  b = jf->bPlain ? &p->pCur->plain : &p->pCur->raw;
  return b->z + jf->iData;
}

/* ... and how many. */
size_t source_bytes_n(const Source *p){
  return p->pCur ? cur_file(p)->nData : 0;
}

/* The current file as stored (as read: a file that could not be read whole holds less
** than its size). */
const char *source_raw(const Source *p, size_t *pn){
  const JobFile *jf = cur_file(p);
  *pn = jf ? jf->nRaw : 0;
  return jf && jf->nRaw ? p->pCur->raw.z + jf->iRaw : "";
}

/* The current file's status: damage makes it partial (or error when nothing came back);
** notes alone make it a warning, so that a file with any irregular byte is never ok. */
int source_status(const Source *p){
  const SourceFile *f = source_file(p);
  if( f->prob.nDamage ) return f->nRecords ? STATUS_PARTIAL : STATUS_ERROR;
  if( f->zSkip || f->eFormat==FMT_DIGEST ) return STATUS_SKIPPED;
  if( f->prob.n ) return STATUS_WARNING;
  return STATUS_OK;
}

const char *source_status_name(int eStatus){
  static const char *azName[] = { "ok", "skipped", "partial", "error", "warning" };
  return azName[eStatus];
}

/* The problem text for the current file (sqlite3_mprintf'd), or NULL. A skipped file
** with only notes shows why it was skipped. */
char *source_error_text(const Source *p){
  const SourceFile *f = source_file(p);
  if( f->prob.n && (f->prob.nDamage || f->zSkip==0) ) return problem_text(&f->prob);
  if( f->zSkip ) return sqlite3_mprintf("%s", f->zSkip);
  return 0;
}

/* Turn a return code of source_next_file() into the table's error. */
int source_vtab_error(Source *p, sqlite3_vtab *pVtab, const char *zFunc, int rc){
  if( rc==SQLITE_EMPTY ){
    return vtab_error(pVtab, "%s: no files match '%s'", zFunc, p->walk.zGlob);
  }
  return rc;
}

void source_close(Source *p){
  int i;
  if( p->bMutex ){
    pthread_mutex_lock(&p->mu);
    p->bStop = 1;
    __atomic_store_n(&p->bCancel, 1, __ATOMIC_RELAXED);
    pthread_cond_broadcast(&p->cvWork);
    pthread_mutex_unlock(&p->mu);
    for(i=0; i<p->nThread; i++) pthread_join(p->aThread[i], 0);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cvWork);
    pthread_cond_destroy(&p->cvDone);
  }
  sqlite3_free(p->aThread);
  for(i=0; i<p->nJob && p->aJob; i++){
    job_reset(&p->aJob[i]);
    json_buf_free(&p->aJob[i].raw);
    json_buf_free(&p->aJob[i].plain);
    sqlite3_free(p->aJob[i].aItem);
    sqlite3_free(p->aJob[i].aFile);
  }
  sqlite3_free(p->aJob);
  walk_close(&p->walk);
  if( p->pDecompressor ) libdeflate_free_decompressor(p->pDecompressor);
  sqlite3_finalize(p->pPoll);
  if( p->pCopy ){
    copyset_clear(p->pCopy);
    sqlite3_free(p->pCopy);
  }
  json_buf_free(&p->idBuf);
  memset(p, 0, sizeof(*p));
}
