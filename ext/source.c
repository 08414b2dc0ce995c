/*
** source.c: read the files of a scan, one at a time, into memory.
**
** One file's bytes and its decompressed copy are held at a time. The buffers are reused
** from file to file and dropped after an unusually large file, so memory stays flat
** however many files a folder holds.
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

/* Start a scan of zArg for the table-valued function zFunc; errors name both. */
int source_open(Source *p, const char *zArg, sqlite3_vtab *pVtab, const char *zFunc){
  char *zErr = 0;
  int rc;
  memset(p, 0, sizeof(*p));
  p->bEof = 1;
  rc = walk_open(&p->walk, zArg, &zErr);
  if( rc && zErr ) rc = vtab_error(pVtab, "%s: %s", zFunc, zErr);
  sqlite3_free(zErr);
  return rc;
}

static void trim_buffer(JsonBuf *b){
  if( b->nAlloc > KEEP_BUFFER_MAX ) json_buf_free(b);
  b->n = 0;
}

/* Read the whole file into p->raw. Problems are recorded on the file. */
static int read_file(Source *p, const char *zPath){
  SourceFile *f = &p->file;
  struct stat st;
  int fd = open(zPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
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
  p->raw.n = 0;
  for(;;){
    ssize_t got;
    if( json_buf_reserve(&p->raw, p->raw.n ? 65536 : (size_t)f->nSize + 1) ){
      close(fd);
      return SQLITE_NOMEM;
    }
    got = read(fd, p->raw.z + p->raw.n, p->raw.nAlloc - 1 - p->raw.n);
    if( got<0 ){
      if( errno==EINTR ) continue;
      problem_add(&f->prob, (long long)p->raw.n, PROBLEM_AT_FILE, "read error: %s", strerror(errno));
      break;
    }
    if( got==0 ) break;
    p->raw.n += (size_t)got;
    if( (long long)p->raw.n > READ_MAX ){
      problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "file larger than 1 GiB");
      p->raw.n = 0;
      break;
    }
  }
  close(fd);
  p->raw.z[p->raw.n] = 0;
  return SQLITE_OK;
}

/* Move to the next file and prepare its records. Returns SQLITE_OK (check p->bEof),
** SQLITE_EMPTY when a glob matched no file (see source_empty_error), or SQLITE_NOMEM. */
int source_next_file(Source *p){
  SourceFile *f = &p->file;
  int eKind, iErrno, rc;
  const char *zData;
  size_t nData;
  int eAt = PROBLEM_AT_FILE;
  trim_buffer(&p->raw);
  trim_buffer(&p->plain);
  memset(f, 0, sizeof(*f));
  memset(&p->split, 0, sizeof(p->split));
  rc = walk_next(&p->walk, &eKind, &iErrno);
  if( rc==SQLITE_DONE ){ p->bEof = 1; return SQLITE_OK; }
  if( rc==SQLITE_EMPTY ) p->bEof = 1;
  if( rc!=SQLITE_ROW ) return rc;
  p->bEof = 0;
  f->zPath = p->walk.zPath;
  s3path_parse(f->zPath, &f->name);
  if( eKind==WALK_UNREADABLE ){
    problem_add(&f->prob, -1, PROBLEM_NO_OFFSET, "cannot read directory: %s", strerror(iErrno));
    return SQLITE_OK;
  }
  if( eKind==WALK_SPECIAL ){
    f->zSkip = "not a regular file";
    return SQLITE_OK;
  }
  rc = read_file(p, f->zPath);
  if( rc ) return rc;
  if( f->prob.n || f->zSkip ) return SQLITE_OK;
  zData = p->raw.z;
  nData = p->raw.n;
  if( gzip_is_gzip((const unsigned char*)zData, nData) ){
    f->bCompressed = 1;
    if( p->pDecompressor==0 ){
      p->pDecompressor = libdeflate_alloc_decompressor();
      if( p->pDecompressor==0 ) return SQLITE_NOMEM;
    }
    rc = gzip_inflate(p->pDecompressor, (const unsigned char*)zData, nData, &p->plain, &f->prob);
    if( rc ) return rc;
    zData = p->plain.z ? p->plain.z : "";
    nData = p->plain.n;
    eAt = PROBLEM_AT_PLAIN;
  }
  split_init(&p->split, zData, nData, f->name.bDigest, f->name.bInsight, eAt, &f->prob);
  if( p->split.zSkip && f->prob.n==0 ) f->zSkip = p->split.zSkip;
  return SQLITE_OK;
}

/* The next record of the current file: 1 with *pItem set, 0 at the end of the file. */
int source_next_record(Source *p, SplitItem *pItem){
  if( split_next(&p->split, pItem) ){
    p->file.nRecords++;
    return 1;
  }
  if( p->split.zSkip && p->file.zSkip==0 && p->file.nRecords==0 ) p->file.zSkip = p->split.zSkip;
  return 0;
}

/* The bytes the current record spans index into. */
const char *source_bytes(const Source *p){
  return p->split.z;
}

/* The current file's status; final once source_next_record() has returned 0. */
int source_status(const Source *p){
  const SourceFile *f = &p->file;
  if( f->prob.n ) return f->nRecords ? STATUS_PARTIAL : STATUS_ERROR;
  if( f->zSkip || p->split.eFormat==FMT_DIGEST ) return STATUS_SKIPPED;
  return STATUS_OK;
}

const char *source_status_name(int eStatus){
  static const char *azName[] = { "ok", "skipped", "partial", "error" };
  return azName[eStatus];
}

/* The problem text for the current file (sqlite3_mprintf'd), or NULL. */
char *source_error_text(const Source *p){
  if( p->file.prob.n ) return problem_text(&p->file.prob);
  if( p->file.zSkip ) return sqlite3_mprintf("%s", p->file.zSkip);
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
  walk_close(&p->walk);
  json_buf_free(&p->raw);
  json_buf_free(&p->plain);
  if( p->pDecompressor ) libdeflate_free_decompressor(p->pDecompressor);
  memset(p, 0, sizeof(*p));
}
