/*
** threads.c: the cloudtrail extension used from several threads at once.
**
** Built by tests/harness/run.sh from this file and the extension's sources (-DSQLITE_CORE,
** linked with -lsqlite3 -lcjson -lz -ldeflate -lpthread), also with -fsanitize=thread.
** Run from the repository root:
**
**   threads [--threads N] [--iterations N] [--quick]
**
** First every query runs once, serially, on one connection: its rows rendered as text are
** the reference. Then N threads (default 4) each open their own connection and load the
** extension at the same moment (a barrier; the extension's process-wide set-up runs under
** pthread_once), and run every query ITERATIONS times (default 20; --quick: 5), each
** thread starting at a different query so that scans, detection and the hygiene report
** overlap. The scans themselves start read-ahead worker threads (threads=2 and 4 below,
** and the number of cores for detect_mfa_deactivation and cloudtrail_files), so up to
** N x 5 threads run the extension's code at once. Every result must equal the reference
** exactly. One query stops a threaded scan after five rows (LIMIT), so that the workers
** are torn down while busy.
**
** Exit status: 0 when every result matched, 1 otherwise, 2 when the harness failed.
*/
#include <sqlite3.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rows.h"

int sqlite3_cloudtrail_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

static const struct { const char *zName, *zSql; } aQuery[] = {
  { "scan",   "SELECT eventName, count(*) FROM cloudtrail('data/AWSLogs', 0, 2) GROUP BY 1" },
  { "detect", "SELECT * FROM detect_mfa_deactivation('data/AWSLogs')" },
  { "files",  "SELECT * FROM cloudtrail_files('tests/fixtures')" },
  { "limit",  "SELECT eventName, source_file, record_index FROM cloudtrail('data/AWSLogs', 0, 4) LIMIT 5" },
};
#define N_QUERY ((int)(sizeof(aQuery)/sizeof(aQuery[0])))

/* The rows of zSql, or its error, as text (types included). */
static void run(sqlite3 *db, const char *zSql, Str *out){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  out->n = 0;
  str_append(out, "", 0);
  if( rc ){
    str_printf(out, "prepare error %d: %s\n", rc, sqlite3_errmsg(db));
    return;
  }
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    render_row(pStmt, out);
  }
  if( rc!=SQLITE_DONE ) str_printf(out, "step error %d: %s\n", rc, sqlite3_errmsg(db));
  sqlite3_finalize(pStmt);
}

static Str aRef[N_QUERY];                 /* the serial results */
static int g_nIter = 20;
static pthread_barrier_t g_barrier;

typedef struct Worker {
  pthread_t tid;
  int iThread;
  int nRun, nMismatch, nError;
  char zFirst[400];                       /* the first mismatch, described */
} Worker;

static void *worker_main(void *pArg){
  Worker *w = pArg;
  sqlite3 *db = 0;
  Str out = {0, 0, 0};
  int it, k, rc;
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ){
    snprintf(w->zFirst, sizeof(w->zFirst), "sqlite3_open failed");
    w->nError++;
    pthread_barrier_wait(&g_barrier);
    return 0;
  }
  pthread_barrier_wait(&g_barrier);       /* everyone loads the extension at once */
  rc = sqlite3_cloudtrail_init(db, 0, 0);
  if( rc ){
    snprintf(w->zFirst, sizeof(w->zFirst), "sqlite3_cloudtrail_init: %d", rc);
    w->nError++;
    sqlite3_close(db);
    return 0;
  }
  for(it=0; it<g_nIter; it++){
    for(k=0; k<N_QUERY; k++){
      int q = (k + w->iThread + it) % N_QUERY;
      run(db, aQuery[q].zSql, &out);
      w->nRun++;
      if( strcmp(out.z, aRef[q].z)!=0 ){
        if( w->nMismatch++==0 ){
          const char *a = out.z, *b = aRef[q].z;
          size_t i = 0, ls = 0;
          while( a[i] && a[i]==b[i] ){ if( a[i]=='\n' ) ls = i+1; i++; }
          snprintf(w->zFirst, sizeof(w->zFirst),
                   "%s (iteration %d): first differing row: got [%.*s] want [%.*s]",
                   aQuery[q].zName, it, (int)strcspn(a+ls, "\n")%150, a+ls,
                   (int)strcspn(b+ls, "\n")%150, b+ls);
        }
      }
    }
  }
  free(out.z);
  if( sqlite3_close(db)!=SQLITE_OK ){
    w->nError++;
    snprintf(w->zFirst, sizeof(w->zFirst), "sqlite3_close failed");
  }
  return 0;
}

static double now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec*1e-9;
}

int main(int argc, char **argv){
  int nThread = 4, i, k, nBad = 0, nRun = 0;
  sqlite3 *db;
  Worker *aW;
  double t0 = now(), t1;
  for(i=1; i<argc; i++){
    if( strcmp(argv[i], "--threads")==0 && i+1<argc ){
      nThread = atoi(argv[++i]);
    }else if( strcmp(argv[i], "--iterations")==0 && i+1<argc ){
      g_nIter = atoi(argv[++i]);
    }else if( strcmp(argv[i], "--quick")==0 ){
      g_nIter = 5;
    }else{
      fprintf(stderr, "usage: threads [--threads N] [--iterations N] [--quick]\n");
      return 2;
    }
  }
  if( nThread<1 || g_nIter<1 ){ fprintf(stderr, "threads: bad arguments\n"); return 2; }
  if( !sqlite3_threadsafe() ){ fprintf(stderr, "threads: SQLite is not thread-safe\n"); return 2; }

  /* The reference, serially */
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK || sqlite3_cloudtrail_init(db, 0, 0)!=SQLITE_OK ){
    fprintf(stderr, "threads: cannot open a connection with the extension\n");
    return 2;
  }
  for(k=0; k<N_QUERY; k++){
    int nLine = 0;
    const char *p;
    run(db, aQuery[k].zSql, &aRef[k]);
    for(p=aRef[k].z; *p; p++) nLine += *p=='\n';
    printf("threads: reference %-6s %3d rows  %s\n", aQuery[k].zName, nLine, aQuery[k].zSql);
    if( strstr(aRef[k].z, "error ") ){
      printf("threads: the reference run failed: %s", aRef[k].z);
      return 2;
    }
  }
  sqlite3_close(db);

  /* Concurrently */
  aW = calloc((size_t)nThread, sizeof(Worker));
  if( aW==0 ) return 2;
  pthread_barrier_init(&g_barrier, 0, (unsigned)nThread);
  t1 = now();
  for(i=0; i<nThread; i++){
    aW[i].iThread = i;
    if( pthread_create(&aW[i].tid, 0, worker_main, &aW[i]) ){
      fprintf(stderr, "threads: pthread_create failed\n");
      return 2;
    }
  }
  for(i=0; i<nThread; i++) pthread_join(aW[i].tid, 0);
  pthread_barrier_destroy(&g_barrier);
  for(i=0; i<nThread; i++){
    printf("threads: connection %d: %d queries, %d mismatched, %d errors%s%s\n", i, aW[i].nRun,
           aW[i].nMismatch, aW[i].nError, aW[i].zFirst[0] ? ": " : "", aW[i].zFirst);
    nBad += aW[i].nMismatch + aW[i].nError;
    nRun += aW[i].nRun;
  }
  printf("threads: %d connections x %d iterations x %d queries = %d results, %d bad;"
         " %.1f s concurrent, %.1f s in all\n", nThread, g_nIter, N_QUERY, nRun, nBad,
         now()-t1, now()-t0);
  for(k=0; k<N_QUERY; k++) free(aRef[k].z);
  free(aW);
  return nBad ? 1 : 0;
}
