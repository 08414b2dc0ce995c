/*
** source.c: read the files of a scan into memory, ahead of the consumer (see source.h).
**
** Each read-ahead slot (a job) holds one file: its bytes, its decompressed copy and the
** places of the records it kept. Buffers are reused from file to file and dropped after
** an unusually large file, and there are at most two slots per thread, so memory stays
** flat however many files a folder holds.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>
#include "gzip.h"
#include "source.h"

#define KEEP_BUFFER_MAX ((size_t)16 << 20)   /* buffers larger than this are freed after use */
#define READ_MAX ((long long)1 << 30)        /* files larger than 1 GiB are refused */
#define MAX_THREADS 64                   /* the threads option's upper bound */
#define DEFAULT_MAX_THREADS 16           /* the default follows the cores, up to this */

#define JOB_FREE    0
#define JOB_QUEUED  1
#define JOB_RUNNING 2
#define JOB_DONE    3

struct SourceJob {
  int eState;
  long long iSeq;                /* walk order */
  int eKind;                     /* WALK_* */
  int iErrno;                    /* for WALK_UNREADABLE */
  JsonBuf raw;                   /* the file as stored */
  JsonBuf plain;                 /* decompressed bytes (gzip files only) */
  const char *zData;             /* the bytes the records index into */
  SourceFile file;
  SplitItem *aItem;              /* the records kept, in file order */
  int nItem, nItemAlloc;
  int nBeforeProblem;            /* records kept before the first problem, or -1 */
  int rc;                        /* SQLITE_NOMEM while processing */
};

static void trim_buffer(JsonBuf *b){
  if( b->nAlloc > KEEP_BUFFER_MAX ) json_buf_free(b);
  b->n = 0;
}

/* Read the whole file into j->raw. Problems are recorded on the file. */
static int read_file(SourceJob *j){
  SourceFile *f = &j->file;
  struct stat st;
  int fd = open(f->zPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
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
  if( f->nSize > READ_MAX ){
    close(fd);
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "file larger than 1 GiB");
    return SQLITE_OK;
  }
  j->raw.n = 0;
  for(;;){
    ssize_t got;
    if( json_buf_reserve(&j->raw, j->raw.n ? 65536 : (size_t)f->nSize + 1) ){
      close(fd);
      return SQLITE_NOMEM;
    }
    got = read(fd, j->raw.z + j->raw.n, j->raw.nAlloc - 1 - j->raw.n);
    if( got<0 ){
      if( errno==EINTR ) continue;
      problem_add(&f->prob, (long long)j->raw.n, PROBLEM_AT_FILE, "read error: %s", strerror(errno));
      break;
    }
    if( got==0 ) break;
    j->raw.n += (size_t)got;
    if( (long long)j->raw.n > READ_MAX ){
      problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "file larger than 1 GiB");
      j->raw.n = 0;
      break;
    }
  }
  close(fd);
  j->raw.z[j->raw.n] = 0;
  return SQLITE_OK;
}

static int keep_item(SourceJob *j, const SplitItem *pItem){
  if( j->nItem>=j->nItemAlloc ){
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
** filter. Runs on a worker thread, or on the caller's when there are none, so it touches
** nothing but the job, the (read-only) filter and the thread's own decompressor. */
static void job_run(const Source *p, SourceJob *j, void *pDec){
  SourceFile *f = &j->file;
  const Filter *pF = p->pFilter;
  Splitter split;
  SplitItem item;
  const char *zData;
  size_t nData;
  int eAt = PROBLEM_AT_FILE;
  int rc, nMark = 0, nItemAtMark = 0, nRecordsAtMark = 0, nBeforeAtMark = -1;
  j->nBeforeProblem = -1;
  j->zData = "";
  if( j->eKind==WALK_UNREADABLE ){
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "cannot read directory: %s", strerror(j->iErrno));
    j->nBeforeProblem = 0;
    return;
  }
  if( j->eKind==WALK_SPECIAL ){
    f->zSkip = "not a regular file";
    return;
  }
  if( j->eKind==WALK_LINK_DIR ){
    f->zSkip = "a link to a folder (not followed)";
    return;
  }
  if( j->eKind==WALK_BROKEN ){
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "cannot open: %s", strerror(j->iErrno));
    j->nBeforeProblem = 0;
    return;
  }
  j->rc = read_file(j);
  if( j->rc ) return;
  if( f->prob.n || f->zSkip ){
    j->nBeforeProblem = 0;
    return;
  }
  zData = j->raw.z;
  nData = j->raw.n;
  if( gzip_is_gzip((const unsigned char*)zData, nData) ){
    f->bCompressed = 1;
    j->rc = gzip_inflate(pDec, (const unsigned char*)zData, nData, &j->plain, &f->prob);
    if( j->rc ) return;
    zData = j->plain.z ? j->plain.z : "";
    nData = j->plain.n;
    eAt = PROBLEM_AT_PLAIN;
  }
  j->zData = zData;
  if( f->prob.n ) j->nBeforeProblem = 0;
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
      nBeforeAtMark = j->nBeforeProblem;
    }
    if( rc==SPLIT_RETRACT ){
      j->nItem = nItemAtMark;
      f->nRecords = nRecordsAtMark;
      j->nBeforeProblem = nBeforeAtMark;
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
      if( j->nBeforeProblem<0 ) j->nBeforeProblem = j->nItem;
      continue;
    }
    f->nRecords++;
    if( j->nBeforeProblem<0 && f->prob.n ) j->nBeforeProblem = j->nItem;
    if( pF && !filter_record(pF, zData, item.s, &item.idx) ) continue;
    j->rc = keep_item(j, &item);
    if( j->rc ) return;
  }
  if( j->nBeforeProblem<0 && f->prob.n ) j->nBeforeProblem = j->nItem;
  f->eFormat = split.eFormat;
  if( split.zSkip && f->prob.nDamage==0 && f->nRecords==0 ) f->zSkip = split.zSkip;
}

static void job_reset(SourceJob *j){
  sqlite3_free(j->file.zPath);
  memset(&j->file, 0, sizeof(j->file));
  trim_buffer(&j->raw);
  trim_buffer(&j->plain);
  if( j->nItemAlloc > 4096 ){
    sqlite3_free(j->aItem);
    j->aItem = 0;
    j->nItemAlloc = 0;
  }
  j->nItem = 0;
  j->rc = SQLITE_OK;
  j->zData = "";
  j->eState = JOB_FREE;
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
      job_run(p, j, pDec);
    }else{
      j->rc = SQLITE_NOMEM;
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

/* Give free slots the next files of the walk, in order. Caller holds the mutex. */
static int fill(Source *p){
  int i;
  for(i=0; i<p->nJob && !p->bWalkDone; i++){
    SourceJob *j = &p->aJob[i];
    int eKind, iErrno, rc;
    if( j->eState!=JOB_FREE || j==p->pCur ) continue;
    for(;;){
      rc = walk_next(&p->walk, &eKind, &iErrno);
      if( rc!=SQLITE_ROW ) break;
      memset(&j->file, 0, sizeof(j->file));
      s3path_parse(p->walk.zPath, &j->file.name);
      if( p->pFilter && eKind==WALK_FILE && filter_prune_file(p->pFilter, &j->file.name) ) continue;
      break;
    }
    if( rc==SQLITE_DONE || rc==SQLITE_EMPTY ){
      p->bWalkDone = 1;
      p->rcWalk = rc==SQLITE_EMPTY ? rc : SQLITE_OK;
      break;
    }
    if( rc!=SQLITE_ROW ) return rc;
    j->file.zPath = sqlite3_mprintf("%s", p->walk.zPath);
    if( j->file.zPath==0 ) return SQLITE_NOMEM;
    j->eKind = eKind;
    j->iErrno = iErrno;
    j->iSeq = p->iSeqNext++;
    j->eState = JOB_QUEUED;
  }
  return SQLITE_OK;
}

/* Move to the next file and its records. Returns SQLITE_OK (check p->bEof),
** SQLITE_EMPTY when a glob matched no file (see source_vtab_error), or SQLITE_NOMEM. */
int source_next_file(Source *p){
  SourceJob *j = 0;
  int rc, i;
  if( p->bMutex ) pthread_mutex_lock(&p->mu);
  if( p->pCur ){
    job_reset(p->pCur);
    p->pCur = 0;
    p->iSeqCur++;
  }
  rc = fill(p);
  if( rc==SQLITE_OK ){
    for(i=0; i<p->nJob; i++){
      if( p->aJob[i].eState!=JOB_FREE && p->aJob[i].iSeq==p->iSeqCur ) j = &p->aJob[i];
    }
    if( j==0 ){
      p->bEof = 1;
      rc = p->rcWalk;
    }else if( p->nThread ){
      pthread_cond_broadcast(&p->cvWork);
      while( j->eState!=JOB_DONE ) pthread_cond_wait(&p->cvDone, &p->mu);
    }
  }
  if( p->bMutex ) pthread_mutex_unlock(&p->mu);
  if( rc || j==0 ) return rc;
  if( j->eState==JOB_QUEUED ){
    if( p->pDecompressor==0 ){
      p->pDecompressor = libdeflate_alloc_decompressor();
      if( p->pDecompressor==0 ) return SQLITE_NOMEM;
    }
    job_run(p, j, p->pDecompressor);
    j->eState = JOB_DONE;
  }
  p->pCur = j;
  p->iItem = 0;
  return j->rc;
}

/* The next kept record of the current file: 1 with *ppItem set, 0 at its end. */
int source_next_record(Source *p, const SplitItem **ppItem){
  if( p->pCur==0 || p->iItem>=p->pCur->nItem ) return 0;
  *ppItem = &p->pCur->aItem[p->iItem++];
  return 1;
}

/* How many kept records of the current file come before its first problem (all of
** them, or -1, when it has none). */
int source_records_before_problem(const Source *p){
  return p->pCur ? p->pCur->nBeforeProblem : -1;
}

SourceFile *source_file(const Source *p){
  return p->pCur ? &p->pCur->file : 0;
}

/* The bytes the current file's records index into. */
const char *source_bytes(const Source *p){
  return p->pCur ? p->pCur->zData : "";
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
  }
  sqlite3_free(p->aJob);
  walk_close(&p->walk);
  if( p->pDecompressor ) libdeflate_free_decompressor(p->pDecompressor);
  memset(p, 0, sizeof(*p));
}
