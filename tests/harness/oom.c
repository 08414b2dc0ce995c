/*
** oom.c: out-of-memory injection for the cloudtrail extension.
**
** Built by tests/harness/run.sh from this file and the extension's sources (-DSQLITE_CORE,
** linked with -lsqlite3 -lcjson -lz -ldeflate -lpthread). Run from the repository root:
**
**   oom [--quick] [--mode once|persist|both] [--query NAME]... [--sites] [--verbose]
**   oom --query NAME --n N [--mode once|persist]   one point, in-process, verbose: for gdb
**   oom --list                                     the queries
**
** A wrapping allocator is installed with SQLITE_CONFIG_MALLOC before sqlite3_initialize().
** It forwards to SQLite's default methods (SQLITE_CONFIG_GETMALLOC), counts outstanding
** allocations and bytes, and makes allocation number N fail (mode "once") or every
** allocation from the Nth on (mode "persist"). Every xMalloc and xRealloc call is an
** allocation point. Counting starts after sqlite3_open() and covers
** sqlite3_cloudtrail_init(), the query's setup statements and the query. (The extension
** allocates through SQLite, cJSON too; libdeflate and zlib use malloc and are not
** injected.)
**
** For each query a reference run without injection gives the expected rows, rendered as
** text, and the number A of allocation points. Then for N = 1, 2, 3, ... a fresh
** connection runs the query with allocation N failing, until a run meets no injected
** failure. A run must end with the reference rows (the failure was absorbed) or with an
** error whose code is SQLITE_NOMEM (for a query whose answer is itself an error: that
** error, possibly with SQLite's generic message when the failure hit SQLite's copy of the
** message); and once the connection is closed the outstanding allocations must be back
** where they were before it was opened. Anything else is a violation: a crash, a hang
** (60 s), a different answer, another error code, a leak, a connection that cannot close.
**
** Which N are tried: every N up to DENSE (2000; --quick: 50); after that every k-th,
** with k chosen so that at most SAMPLES (600; --quick: 10) points are added; and, so that
** no call site of the extension is skipped by the stride, for every distinct call site
** in ext/ where the reference run allocated (the innermost ext/ frame of the allocation's
** stack, and its two nearest ext/ callers), the first SITE_FIRST (4; --quick: 1)
** allocations made there and the last one. Threaded scans do not allocate in the same
** order every time, so for them N names a point only approximately.
**
** Runs happen in forked children, many N per child: a crash or a hang is reported with
** its N and the stack of the injected failure, and the loop goes on in a new child with
** the next N. A child's stderr (sanitizer reports) is shown for the first crash of each
** query and mode. When built with AddressSanitizer, LeakSanitizer checks each child at
** its exit too (malloc()ed memory: libdeflate's, zlib's).
**
** Exit status: 0 when no run broke a rule, 1 otherwise, 2 when the harness itself failed.
*/
#include <sqlite3.h>
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rows.h"

int sqlite3_cloudtrail_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

#define MAX_FRAME 32
#define HANG_SECONDS 60

static void *xmalloc(size_t n){
  void *p = malloc(n ? n : 1);
  if( p==0 ){ fprintf(stderr, "oom: out of (real) memory\n"); abort(); }
  return p;
}
static void *xrealloc(void *p, size_t n){
  p = realloc(p, n ? n : 1);
  if( p==0 ){ fprintf(stderr, "oom: out of (real) memory\n"); abort(); }
  return p;
}

/* ------------------------------------------------------------------------------------
** The wrapping allocator.
*/
typedef struct Frames { int n; void *a[MAX_FRAME]; } Frames;

static sqlite3_mem_methods g_def;         /* SQLite's default methods */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  int bArmed;                             /* counting (and maybe failing) allocations */
  int bPersist;                           /* fail every allocation from iFail on */
  long long iFail;                        /* allocation to fail, 1-based; 0: none */
  long long nCall;                        /* allocation points met since armed */
  long long nInjected;                    /* failures injected since armed */
  long long nOut;                         /* outstanding allocations */
  long long nBytes;                       /* outstanding bytes (as xSize reports them) */
  Frames inject;                          /* stack of the first injected failure */
  int bRecord;                            /* keep every allocation's stack in aRec */
  Frames *aRec;                           /* aRec[i]: stack of allocation i+1 */
  long long nRecAlloc;
} g;

static void report_inject(void);

/* Is this allocation call the one (or one of those) to fail? */
static int inject(void){
  int bFail = 0, bFirst = 0;
  Frames f;
  f.n = 0;
  if( g.bRecord ) f.n = backtrace(f.a, MAX_FRAME);
  pthread_mutex_lock(&g_mu);
  if( g.bArmed ){
    g.nCall++;
    if( g.iFail>0 && (g.nCall==g.iFail || (g.bPersist && g.nCall>g.iFail)) ){
      bFail = 1;
      bFirst = g.nInjected++==0;
    }
    if( g.bRecord ){
      if( g.nCall>g.nRecAlloc ){
        g.nRecAlloc = g.nRecAlloc ? g.nRecAlloc*2 : 4096;
        g.aRec = xrealloc(g.aRec, sizeof(Frames)*(size_t)g.nRecAlloc);
      }
      g.aRec[g.nCall-1] = f;
    }
  }
  pthread_mutex_unlock(&g_mu);
  if( bFirst ){
    /* once per armed run, so g.inject has one writer */
    g.inject.n = backtrace(g.inject.a, MAX_FRAME);
    report_inject();
  }
  return bFail;
}

static void account(void *p, int nSign){
  int n = g_def.xSize(p);
  pthread_mutex_lock(&g_mu);
  g.nOut += nSign;
  g.nBytes += nSign*(long long)n;
  pthread_mutex_unlock(&g_mu);
}

static void *wrapMalloc(int n){
  void *p;
  if( inject() ) return 0;
  p = g_def.xMalloc(n);
  if( p ) account(p, +1);
  return p;
}

static void wrapFree(void *p){
  if( p==0 ) return;
  account(p, -1);
  g_def.xFree(p);
}

static void *wrapRealloc(void *p, int n){
  void *q;
  int nOld;
  if( inject() ) return 0;                /* the old block stays valid */
  nOld = g_def.xSize(p);
  q = g_def.xRealloc(p, n);
  if( q ){
    int nNew = g_def.xSize(q);
    pthread_mutex_lock(&g_mu);
    g.nBytes += (long long)nNew - nOld;
    pthread_mutex_unlock(&g_mu);
  }
  return q;
}

static int wrapSize(void *p){ return g_def.xSize(p); }
static int wrapRoundup(int n){ return g_def.xRoundup(n); }
static int wrapInit(void *pAppData){ (void)pAppData; return g_def.xInit(g_def.pAppData); }
static void wrapShutdown(void *pAppData){ (void)pAppData; g_def.xShutdown(g_def.pAppData); }

static const sqlite3_mem_methods wrapMethods = {
  wrapMalloc, wrapFree, wrapRealloc, wrapSize, wrapRoundup, wrapInit, wrapShutdown, 0
};

static void arm(long long iFail, int bPersist){
  pthread_mutex_lock(&g_mu);
  g.bArmed = 1;
  g.bPersist = bPersist;
  g.iFail = iFail;
  g.nCall = 0;
  g.nInjected = 0;
  g.inject.n = 0;
  pthread_mutex_unlock(&g_mu);
}

static void disarm(long long *pnCall, long long *pnInjected){
  pthread_mutex_lock(&g_mu);
  g.bArmed = 0;
  *pnCall = g.nCall;
  *pnInjected = g.nInjected;
  pthread_mutex_unlock(&g_mu);
}

static void outstanding(long long *pnOut, long long *pnBytes){
  pthread_mutex_lock(&g_mu);
  *pnOut = g.nOut;
  *pnBytes = g.nBytes;
  pthread_mutex_unlock(&g_mu);
}

/* ------------------------------------------------------------------------------------
** The queries (paths relative to the repository root).
*/
typedef struct Query {
  const char *zName;
  const char *zSetup;           /* statements run first with sqlite3_exec, or NULL */
  int bInvestigate;             /* then the text of sql/investigate.sql */
  const char *zSql;             /* the query whose rows are compared */
} Query;

static const Query aQuery[] = {
  { "reader_t1", 0, 0,
    "SELECT count(*), sum(length(record)), count(actor), count(user_name), count(outcome) "
    "FROM cloudtrail('data/AWSLogs', 0, 1)" },
  { "reader_t2", 0, 0,
    "SELECT count(*), sum(length(record)), count(actor), count(user_name), count(outcome) "
    "FROM cloudtrail('data/AWSLogs', 0, 2)" },
  { "files", 0, 0,
    "SELECT * FROM cloudtrail_files('tests/fixtures')" },
  { "digests", 0, 0,
    "SELECT * FROM cloudtrail_digests('data/AWSLogs/111122223333', 'data/public-keys')" },
  { "damaged", 0, 0,
    "SELECT count(*) FROM cloudtrail('tests/fixtures/damaged')" },
  { "detect_path", 0, 0,
    "SELECT * FROM detect_mfa_deactivation('data/AWSLogs')" },
  { "detect_table",
    "CREATE TEMP TABLE m AS SELECT * FROM cloudtrail('tests/fixtures/rule');", 0,
    "SELECT * FROM detect_mfa_deactivation('m')" },
  { "views",     /* one day of one region: 450 records, 3 alerts (the whole sample made it
                 ** a third of the harness's time, nearly all in SQLite's own code) */
    "CREATE VIRTUAL TABLE temp.trail USING "
    "cloudtrail('data/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02');", 1,
    "SELECT count(*) FROM mfa_alert_scope_24h" },
  { "sessions",
    "CREATE TEMP TABLE s AS SELECT * FROM cloudtrail('data/AWSLogs/*/CloudTrail/us-east-1/2026/03/0[34]/*') "
    "WHERE access_key_id IN "
    "('AKIAAZP4SYD7OAXJBOLN','ASIASSNAUZQ3WKWJRCQZ','ASIAXGWB3UFCRRBUANDL','ASIAXCMCCBV5KRY57RTT',"
    "'ASIA3ORRE4YCMZSG2DTR') OR eventName IN ('AssumeRole','ConsoleLogin');", 0,
    "SELECT * FROM cloudtrail_sessions('table:s')" },
  { "case_file", /* an import, then its generated columns read back through the file cache */
    "SELECT * FROM cloudtrail_import('temp.ev', "
    "'data/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02');", 0,
    "SELECT count(*), sum(length(record)), count(DISTINCT source_file), "
    "sum(length(requestParameters)), count(eventType) FROM temp.ev" },
  { "rules", 0, 0,
    "SELECT * FROM cloudtrail_rules" },
  { "pushdown", 0, 0,
    "SELECT eventTime, eventName, sourceIPAddress, source_file, record_index "
    "FROM cloudtrail('data/AWSLogs') "
    "WHERE eventName IN ('GetObject','ConsoleLogin') AND event_epoch > 1772500000 "
    "AND actor = 'arn:aws:iam::111122223333:user/alice'" },
  /* Beyond the brief's list: an exact equality that SQLite leaves to the scan (omit=1);
  ** identity columns of records that take the cJSON path (\u escapes in userIdentity, a
  ** raw control byte: tests/harness/fixtures/identity_escapes.jsonl); the rule over a path
  ** whose records spell the names with \u escapes; strict mode (the answer is an error);
  ** a glob with an eventTime text range. */
  { "pushdown_eq", 0, 0,
    "SELECT count(*), min(eventTime) FROM cloudtrail('data/AWSLogs', 0, 1) "
    "WHERE eventName = 'ConsoleLogin'" },
  { "grouped", 0, 0,    /* rows handed out grouped (group.c), rowids found in a batch */
    "SELECT eventName, readOnly, count(*), min(rowid), max(rowid) "
    "FROM cloudtrail('data/AWSLogs/*/CloudTrail/us-east-1/2026/03/03/*') GROUP BY eventName, readOnly" },
  { "identity", 0, 0,
    "SELECT user_type, user_arn, principal_id, access_key_id, invoked_by, session_issuer_arn, "
    "source_identity, mfa_authenticated, user_name, account_id, actor "
    "FROM cloudtrail('tests/harness/fixtures/identity_escapes.jsonl')" },
  { "detect_fixtures", 0, 0,
    "SELECT alert_id, event_name, source_file FROM detect_mfa_deactivation('tests/fixtures/rule')" },
  { "strict", 0, 0,
    "SELECT count(*) FROM cloudtrail('tests/fixtures/damaged', 1)" },
  /* KQL: every supported rule compiled (parse, key, rewrite), its plan, and evaluated on a
  ** record (ECS values read in place and decoded) */
  { "kql", 0, 0,
    "SELECT rule_id, kql_key(query), kql_plan(query), kql_match(query, "
    "'{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
    "\"userAgent\":\"S3 Browser \\u0031\",\"sourceIPAddress\":\"10.0.0.1\","
    "\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"BedrockAPIKey-x\","
    "\"accessKeyId\":\"AKIAX\"},\"requestParameters\":{\"key\":\"a/.env\"}}') "
    "FROM cloudtrail_rules WHERE supported AND language = 'kuery' ORDER BY rule_id, pack" },
  { "glob_time", 0, 0,
    "SELECT count(*), min(eventTime), max(eventTime), count(DISTINCT source_file) "
    "FROM cloudtrail('data/AWSLogs/**/us-east-1/**') "
    "WHERE eventTime >= '2026-03-03' AND eventTime < '2026-03-04T12'" },
};
#define N_QUERY ((int)(sizeof(aQuery)/sizeof(aQuery[0])))

static char *g_zInvestigate;              /* sql/investigate.sql */

/* ------------------------------------------------------------------------------------
** Running a query.
*/
typedef struct RunResult {
  int rc;                       /* SQLITE_OK, or the error code */
  char zStage[16];              /* init, setup, prepare, step */
  char zErr[200];               /* the error message */
  Str rows;                     /* the rows, rendered (those before an error too) */
  int rcClose;                  /* sqlite3_close()'s code */
} RunResult;

static void set_error(RunResult *r, int rc, const char *zStage, const char *zMsg){
  r->rc = rc;
  snprintf(r->zStage, sizeof(r->zStage), "%s", zStage);
  snprintf(r->zErr, sizeof(r->zErr), "%s", zMsg ? zMsg : "(no message)");
}

static int exec_setup(sqlite3 *db, const char *zSql, RunResult *r){
  char *zErr = 0;
  int rc = sqlite3_exec(db, zSql, 0, 0, &zErr);
  if( rc ) set_error(r, rc, "setup", zErr ? zErr : sqlite3_errmsg(db));
  sqlite3_free(zErr);
  return rc;
}

/* Init, setup, the query, on an open connection. */
static void run_on(sqlite3 *db, const Query *q, RunResult *r){
  char *zErr = 0;
  sqlite3_stmt *pStmt = 0;
  int rc;
  rc = sqlite3_cloudtrail_init(db, &zErr, 0);
  if( rc ){
    set_error(r, rc, "init", zErr ? zErr : sqlite3_errmsg(db));
    sqlite3_free(zErr);
    return;
  }
  if( q->zSetup && exec_setup(db, q->zSetup, r) ) return;
  if( q->bInvestigate && exec_setup(db, g_zInvestigate, r) ) return;
  rc = sqlite3_prepare_v2(db, q->zSql, -1, &pStmt, 0);
  if( rc ){
    set_error(r, rc, "prepare", sqlite3_errmsg(db));
    sqlite3_finalize(pStmt);
    return;
  }
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ) render_row(pStmt, &r->rows);
  if( rc!=SQLITE_DONE ) set_error(r, rc, "step", sqlite3_errmsg(db));
  sqlite3_finalize(pStmt);
}

/* One run on a fresh connection: open (never injected), then injection as armed. */
static void run_query(const Query *q, long long iFail, int bPersist, RunResult *r,
                      long long *pnCall, long long *pnInjected){
  sqlite3 *db = 0;
  memset(r, 0, sizeof(*r));
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ){
    fprintf(stderr, "oom: cannot open a connection: %s\n", db ? sqlite3_errmsg(db) : "?");
    exit(2);
  }
  arm(iFail, bPersist);
  run_on(db, q, r);
  disarm(pnCall, pnInjected);
  r->rcClose = sqlite3_close(db);
  if( r->rcClose!=SQLITE_OK ) sqlite3_close_v2(db);   /* so that the next run is clean */
}

/* ------------------------------------------------------------------------------------
** Outcomes.
*/
#define OUT_CLEAN     0   /* no failure was injected: the end of the loop */
#define OUT_ABSORBED  1   /* a failure was injected, and the answer is still right */
#define OUT_NOMEM     2   /* SQLITE_NOMEM */
#define OUT_REFERR    3   /* the reference's own error (a query whose answer is an error) */
#define OUT_WRONG     4   /* violation: a different answer (rows or error) */
#define OUT_BADCODE   5   /* violation: an error code other than SQLITE_NOMEM */
#define OUT_LEAK      6   /* violation: allocations still outstanding after close */
#define OUT_NOCLOSE   7   /* violation: sqlite3_close() failed */
#define OUT_CRASH     8   /* violation: the run died */
#define OUT_HANG      9   /* violation: the run did not finish in time */
#define N_OUT        10
static const char *azOut[N_OUT] = {
  "clean", "absorbed", "nomem", "ref-error", "WRONG", "BAD-CODE", "LEAK", "NO-CLOSE",
  "CRASH", "HANG"
};

typedef struct Ref {
  RunResult res;
  long long nCall;              /* A: allocation points of the reference run */
  Frames *aRec;                 /* the stack of each of them */
} Ref;

static int classify(const Ref *ref, const RunResult *r, long long nInjected,
                    long long nLeak, long long nLeakBytes){
  const char *zRows = r->rows.z ? r->rows.z : "";
  const char *zRef = ref->res.rows.z ? ref->res.rows.z : "";
  if( r->rcClose!=SQLITE_OK ) return OUT_NOCLOSE;
  if( nLeak!=0 || nLeakBytes!=0 ) return OUT_LEAK;
  if( ref->res.rc==SQLITE_OK ){
    if( r->rc==SQLITE_OK ){
      if( strcmp(zRows, zRef)!=0 ) return OUT_WRONG;
      return nInjected ? OUT_ABSORBED : OUT_CLEAN;
    }
  }else{
    /* the answer is an error: the same error after the same rows, or out of memory */
    if( r->rc==ref->res.rc && strcmp(zRows, zRef)==0 ){
      if( strcmp(r->zErr, ref->res.zErr)==0 ) return nInjected ? OUT_REFERR : OUT_CLEAN;
      /* SQLite copies the message with a benign allocation: when that fails, the code
      ** stays and the message becomes the generic one */
      if( nInjected && strcmp(r->zErr, sqlite3_errstr(r->rc))==0 ) return OUT_REFERR;
    }
    if( r->rc==SQLITE_OK ) return OUT_WRONG;
  }
  if( nInjected==0 ) return OUT_WRONG;    /* an error with nothing injected */
  if( (r->rc & 0xff)==SQLITE_NOMEM ) return OUT_NOMEM;
  return OUT_BADCODE;
}

/* ------------------------------------------------------------------------------------
** Symbols: which function and line of ext/ an address is in (addr2line, in batches,
** cached; only in the parent, never under injection).
*/
typedef struct Sym {
  void *addr;
  char zFunc[64];
  char zLoc[120];               /* "ext/file.c:line function", or "" outside ext/ */
} Sym;
static Sym *g_aSym;
static int g_nSym;
static Dl_info g_self;                    /* this executable */

static int cmp_ptr(const void *a, const void *b){
  uintptr_t x = (uintptr_t)*(void*const*)a, y = (uintptr_t)*(void*const*)b;
  return x<y ? -1 : x>y;
}
static int cmp_sym(const void *a, const void *b){
  return cmp_ptr(&((const Sym*)a)->addr, &((const Sym*)b)->addr);
}

static Sym *sym_find(void *addr){
  Sym key;
  key.addr = addr;
  return g_nSym ? bsearch(&key, g_aSym, g_nSym, sizeof(Sym), cmp_sym) : 0;
}

static int in_self(void *addr){
  Dl_info info;
  return dladdr(addr, &info) && info.dli_fbase==g_self.dli_fbase;
}

/* Make sure every address of this executable in the stacks is in the cache. */
static void sym_add(const Frames *aF, long long nF){
  void **aNew = 0;
  long long i, nNew = 0, nAlloc = 0;
  int j;
  for(i=0; i<nF; i++){
    for(j=0; j<aF[i].n; j++){
      void *a = aF[i].a[j];
      if( sym_find(a) || !in_self(a) ) continue;
      if( nNew>=nAlloc ){
        nAlloc = nAlloc ? nAlloc*2 : 256;
        aNew = xrealloc(aNew, sizeof(void*)*(size_t)nAlloc);
      }
      aNew[nNew++] = a;
    }
  }
  if( nNew==0 ) return;
  qsort(aNew, (size_t)nNew, sizeof(void*), cmp_ptr);
  g_aSym = xrealloc(g_aSym, sizeof(Sym)*(size_t)(g_nSym+nNew));
  for(i=0; i<nNew; i+=400){
    /* one addr2line per 400 addresses: two lines (function, file:line) for each */
    Str cmd = {0, 0, 0};
    long long k, nBatch = 0;
    void *aBatch[400];
    FILE *p;
    str_printf(&cmd, "addr2line -f -e /proc/%d/exe", (int)getpid());
    for(k=i; k<nNew && k<i+400; k++){
      if( k>i && aNew[k]==aNew[k-1] ) continue;
      aBatch[nBatch++] = aNew[k];
      /* a return address: the call is the byte before */
      str_printf(&cmd, " 0x%lx", (unsigned long)((char*)aNew[k] - (char*)g_self.dli_fbase - 1));
    }
    fflush(stdout);
    p = popen(cmd.z, "r");
    for(k=0; k<nBatch; k++){
      Sym *s = &g_aSym[g_nSym++];
      char zFunc[256], zFile[512], *zExt;
      memset(s, 0, sizeof(*s));
      s->addr = aBatch[k];
      if( p==0 || !fgets(zFunc, sizeof(zFunc), p) || !fgets(zFile, sizeof(zFile), p) ) continue;
      zFunc[strcspn(zFunc, "\n")] = 0;
      zFile[strcspn(zFile, "\n (")] = 0;
      snprintf(s->zFunc, sizeof(s->zFunc), "%.63s", zFunc);
      zExt = strstr(zFile, "/ext/");
      if( zExt ) snprintf(s->zLoc, sizeof(s->zLoc), "%.50s %.63s", zExt+1, zFunc);
    }
    if( p ) pclose(p);
    free(cmd.z);
    qsort(g_aSym, g_nSym, sizeof(Sym), cmp_sym);
  }
  free(aNew);
}

/* The call site of an allocation: its innermost ext/ frame (file:line function) and the
** functions of the next two ext/ frames. 0 when no frame is in ext/ (SQLite's own). */
static int site_of(const Frames *f, char *zOut, size_t nOut){
  int j, nExt = 0;
  zOut[0] = 0;
  for(j=0; j<f->n && nExt<3; j++){
    Sym *s = sym_find(f->a[j]);
    size_t n = strlen(zOut);
    if( s==0 || s->zLoc[0]==0 ) continue;
    snprintf(zOut+n, nOut-n, "%s%s", nExt ? " < " : "", nExt ? s->zFunc : s->zLoc);
    nExt++;
  }
  return nExt>0;
}

/* Print a stack, one frame a line, symbolised. */
static void print_frames(const Frames *f, const char *zIndent){
  int i, nShown = 0;
  sym_add(f, 1);
  for(i=0; i<f->n && nShown<18; i++){
    Dl_info info;
    Sym *s = sym_find(f->a[i]);
    if( s && s->zFunc[0] ){
      Str cmd = {0, 0, 0};
      char zLine[400] = "";
      FILE *p;
      if( strcmp(s->zFunc, "inject")==0 || strncmp(s->zFunc, "wrap", 4)==0 ) continue;
      /* the full form, inlined frames included */
      str_printf(&cmd, "addr2line -f -i -p -e /proc/%d/exe 0x%lx", (int)getpid(),
                 (unsigned long)((char*)f->a[i] - (char*)g_self.dli_fbase - 1));
      p = popen(cmd.z, "r");
      if( p ){
        size_t n = fread(zLine, 1, sizeof(zLine)-1, p), k;
        zLine[n] = 0;
        pclose(p);
        while( n>0 && (zLine[n-1]=='\n' || zLine[n-1]==' ') ) zLine[--n] = 0;
        for(k=0; k<n; k++) if( zLine[k]=='\n' ) zLine[k] = ';';
      }
      free(cmd.z);
      printf("%s#%d %s\n", zIndent, nShown++, zLine);
    }else if( dladdr(f->a[i], &info) && info.dli_fname ){
      const char *zBase = strrchr(info.dli_fname, '/');
      if( strstr(info.dli_fname, "san.so") ) continue;   /* the sanitizer's malloc */
      printf("%s#%d %s+0x%lx (%s)\n", zIndent, nShown++, info.dli_sname ? info.dli_sname : "?",
             (unsigned long)((char*)f->a[i] - (char*)(info.dli_sname ? info.dli_saddr : info.dli_fbase)),
             zBase ? zBase+1 : info.dli_fname);
    }else{
      printf("%s#%d %p\n", zIndent, nShown++, f->a[i]);
    }
  }
}

/* ------------------------------------------------------------------------------------
** The plan: which N to try.
*/
typedef struct Plan {
  long long nDense;             /* every N up to this */
  long long nSamples;           /* then at most this many more, evenly spaced */
  int nSiteFirst;               /* and the first this many (and the last) of each site */
} Plan;

typedef struct Points {
  long long *aN;
  int nN;
  long long nStride;
  int nSite;                    /* distinct ext/ call sites in the reference run */
  long long nExtCalls;          /* reference allocations made from ext/ code */
} Points;

static int cmp_ll(const void *a, const void *b){
  long long x = *(const long long*)a, y = *(const long long*)b;
  return x<y ? -1 : x>y;
}

static void make_points(const Ref *ref, const Plan *plan, Points *pts){
  long long A = ref->nCall, n, i;
  long long nAlloc = A + 2;
  char (*azSite)[240] = 0;
  long long *anSeen = 0, *aiLast = 0;
  int nSite = 0, k;
  memset(pts, 0, sizeof(*pts));
  pts->aN = xmalloc(sizeof(long long)*(size_t)nAlloc);
  for(n=1; n<=A && n<=plan->nDense; n++) pts->aN[pts->nN++] = n;
  pts->nStride = 1;
  if( A>plan->nDense ){
    pts->nStride = (A - plan->nDense + plan->nSamples - 1)/plan->nSamples;
    if( pts->nStride<1 ) pts->nStride = 1;
    for(n=plan->nDense+pts->nStride; n<=A; n+=pts->nStride) pts->aN[pts->nN++] = n;
  }
  /* the sites */
  sym_add(ref->aRec, A);
  azSite = xmalloc(sizeof(*azSite)*(size_t)(A+1));
  anSeen = xmalloc(sizeof(long long)*(size_t)(A+1));
  aiLast = xmalloc(sizeof(long long)*(size_t)(A+1));
  for(i=0; i<A; i++){
    char zSite[240];
    if( !site_of(&ref->aRec[i], zSite, sizeof(zSite)) ) continue;
    pts->nExtCalls++;
    for(k=0; k<nSite && strcmp(azSite[k], zSite)!=0; k++){}
    if( k==nSite ){
      memcpy(azSite[nSite], zSite, sizeof(zSite));
      anSeen[nSite] = 0;
      nSite++;
    }
    aiLast[k] = i+1;
    if( anSeen[k]++ < plan->nSiteFirst && i+1>plan->nDense ){
      if( pts->nN>=nAlloc ){ nAlloc *= 2; pts->aN = xrealloc(pts->aN, sizeof(long long)*(size_t)nAlloc); }
      pts->aN[pts->nN++] = i+1;
    }
  }
  for(k=0; k<nSite; k++){
    if( aiLast[k]>plan->nDense ){
      if( pts->nN>=nAlloc ){ nAlloc *= 2; pts->aN = xrealloc(pts->aN, sizeof(long long)*(size_t)nAlloc); }
      pts->aN[pts->nN++] = aiLast[k];
    }
  }
  if( pts->nN>=nAlloc ){ nAlloc *= 2; pts->aN = xrealloc(pts->aN, sizeof(long long)*(size_t)nAlloc); }
  pts->aN[pts->nN++] = A+1;               /* the clean run */
  qsort(pts->aN, (size_t)pts->nN, sizeof(long long), cmp_ll);
  for(i=0, n=0; i<pts->nN; i++){
    if( n==0 || pts->aN[n-1]!=pts->aN[i] ) pts->aN[n++] = pts->aN[i];
  }
  pts->nN = (int)n;
  pts->nSite = nSite;
  free(azSite);
  free(anSeen);
  free(aiLast);
}

/* ------------------------------------------------------------------------------------
** The child: runs its share of the points, reporting each through a pipe.
*/
#define MSG_START  1
#define MSG_INJECT 2
#define MSG_RESULT 3
#define MSG_DONE   4
typedef struct Msg {            /* smaller than PIPE_BUF: one write() is never torn */
  int eKind;
  int eOutcome;
  long long iN;
  int iIdx;                     /* index in the plan, or -1 past its end */
  int rc;
  long long nCall, nInjected;
  long long nLeak, nLeakBytes;
  Frames inject;
  char zStage[16];
  char zErr[200];
} Msg;

static int g_fdMsg = -1;                  /* the child's end of the pipe */
static long long g_iCurN;

static void send_msg(const Msg *m){
  if( g_fdMsg>=0 ){
    ssize_t w = write(g_fdMsg, m, sizeof(*m));
    (void)w;
  }
}

static void report_inject(void){
  Msg m;
  if( g_fdMsg<0 ) return;
  memset(&m, 0, sizeof(m));
  m.eKind = MSG_INJECT;
  m.iN = g_iCurN;
  m.inject = g.inject;
  send_msg(&m);
}

static void run_point(const Query *q, const Ref *ref, int bPersist, long long n, int iIdx,
                      Msg *m){
  RunResult r;
  long long nOut0, nBytes0, nOut1, nBytes1, nCall, nInjected;
  memset(m, 0, sizeof(*m));
  m->eKind = MSG_START;
  m->iN = n;
  m->iIdx = iIdx;
  g_iCurN = n;
  send_msg(m);
  alarm(HANG_SECONDS);
  outstanding(&nOut0, &nBytes0);
  run_query(q, n, bPersist, &r, &nCall, &nInjected);
  outstanding(&nOut1, &nBytes1);
  alarm(0);
  m->eKind = MSG_RESULT;
  m->rc = r.rc;
  m->nCall = nCall;
  m->nInjected = nInjected;
  m->nLeak = nOut1 - nOut0;
  m->nLeakBytes = nBytes1 - nBytes0;
  m->eOutcome = classify(ref, &r, nInjected, m->nLeak, m->nLeakBytes);
  memcpy(m->zStage, r.zStage, sizeof(m->zStage));
  memcpy(m->zErr, r.zErr, sizeof(m->zErr));
  if( m->eOutcome==OUT_WRONG && r.rc==SQLITE_OK ){
    /* the first row that differs */
    const char *a = r.rows.z ? r.rows.z : "", *b = ref->res.rows.z ? ref->res.rows.z : "";
    size_t k = 0, ls = 0, na, nb;
    while( a[k] && a[k]==b[k] ){ if( a[k]=='\n' ) ls = k+1; k++; }
    na = strcspn(a+ls, "\n");
    nb = strcspn(b+ls, "\n");
    snprintf(m->zErr, sizeof(m->zErr), "first differing row: got [%.*s] want [%.*s]",
             (int)(na<80 ? na : 80), a+ls, (int)(nb<80 ? nb : 80), b+ls);
  }
  if( m->eOutcome==OUT_NOCLOSE ){
    snprintf(m->zErr, sizeof(m->zErr), "sqlite3_close: %s", sqlite3_errstr(r.rcClose));
  }
  m->inject = g.inject;
  free(r.rows.z);
}

static void child_loop(const Query *q, const Ref *ref, int bPersist, const Points *pts,
                       int iStart, long long nBeyond, long long nMax){
  Msg m;
  int i;
  long long n;
  int bClean = 0;
  for(i=iStart; i<pts->nN; i++){
    run_point(q, ref, bPersist, pts->aN[i], i, &m);
    send_msg(&m);
    bClean = m.nInjected==0;
  }
  /* past the plan (a threaded run may allocate more than the reference): on to a clean run */
  n = iStart<pts->nN ? pts->aN[pts->nN-1]+1 : nBeyond;
  while( !bClean && n<=nMax ){
    run_point(q, ref, bPersist, n, -1, &m);
    send_msg(&m);
    bClean = m.nInjected==0;
    n++;
  }
  memset(&m, 0, sizeof(m));
  m.eKind = MSG_DONE;
  send_msg(&m);
}

/* ------------------------------------------------------------------------------------
** The parent: forks children, tallies.
*/
typedef struct Tally {
  long long nTried;             /* allocation points tried */
  long long nInjected;          /* failures injected, in all */
  long long aOut[N_OUT];
  long long nCleanN;            /* the N of the last clean run */
  int nViolation;
  char zCodes[200];             /* codes other than SQLITE_NOMEM seen */
} Tally;

/* Every injected point, for the per-site figures. */
typedef struct Point { int eOutcome; long long iN; Frames f; } Point;
static Point *g_aPoint;
static long long g_nPoint, g_nPointAlloc;

static void add_point(int eOutcome, long long iN, const Frames *f){
  if( f->n<=0 ) return;
  if( g_nPoint>=g_nPointAlloc ){
    g_nPointAlloc = g_nPointAlloc ? g_nPointAlloc*2 : 4096;
    g_aPoint = xrealloc(g_aPoint, sizeof(Point)*(size_t)g_nPointAlloc);
  }
  g_aPoint[g_nPoint].eOutcome = eOutcome;
  g_aPoint[g_nPoint].iN = iN;
  g_aPoint[g_nPoint].f = *f;
  g_nPoint++;
}

static int g_bVerbose = 0;
static const char *g_zArgv0 = "build/harness/oom";
static int g_bSites = 0;
static int g_nShowViolations = 4;         /* per query and mode: the first few in full */

static void show_violation(const Query *q, int bPersist, const Msg *m, const Frames *pInject,
                           int nShown){
  if( nShown>=g_nShowViolations ){
    if( nShown==g_nShowViolations ) printf("    ... (further violations: counted only)\n");
    return;
  }
  printf("    %s at N=%lld (%s): ", azOut[m->eOutcome], m->iN, bPersist ? "persist" : "once");
  switch( m->eOutcome ){
    case OUT_LEAK:
      printf("%lld allocations, %lld bytes outstanding after close (rc=%d%s%s)\n",
             m->nLeak, m->nLeakBytes, m->rc, m->rc ? ": " : "", m->rc ? m->zErr : "");
      break;
    case OUT_CRASH: case OUT_HANG:
      printf("%s\n", m->zErr);
      break;
    default:
      printf("rc=%d (%s)%s%s: %s\n", m->rc, sqlite3_errstr(m->rc), m->zStage[0] ? " at " : "",
             m->zStage, m->zErr);
      break;
  }
  printf("      reproduce: %s --query %s --mode %s --n %lld\n", g_zArgv0, q->zName,
         bPersist ? "persist" : "once", m->iN);
  if( pInject && pInject->n ){
    printf("      the injected failure:\n");
    print_frames(pInject, "        ");
  }
}

/* The last nLine lines of the file behind fd. */
static void show_tail(int fd, int nLine, const char *zIndent){
  off_t n = lseek(fd, 0, SEEK_END), i;
  char *z, *p;
  int nSeen = 0;
  if( n<=0 ) return;
  z = xmalloc((size_t)n+1);
  if( pread(fd, z, (size_t)n, 0)!=(ssize_t)n ){ free(z); return; }
  z[n] = 0;
  for(i=n-1; i>0; i--){
    if( z[i-1]=='\n' && ++nSeen>=nLine ) break;
  }
  printf("%s--- the child's stderr (last %d lines) ---\n", zIndent, nLine);
  for(p=z+i; *p; ){
    char *e = strchr(p, '\n');
    if( e ) *e = 0;
    printf("%s%s\n", zIndent, p);
    if( !e ) break;
    p = e+1;
  }
  free(z);
}

static void run_mode(const Query *q, const Ref *ref, int bPersist, const Points *pts, Tally *t){
  long long nMax = ref->nCall*4 + 1000;   /* a guard: the loop stops long before */
  long long nBeyond = 0;
  int iStart = 0, nShown = 0, nCrash = 0, bShownTail = 0;
  memset(t, 0, sizeof(*t));
  for(;;){
    int aPipe[2], status = 0, bDone = 0;
    char zTmp[] = "/tmp/cloudtrail-oom-XXXXXX";
    int fdErr = mkstemp(zTmp);
    pid_t pid;
    Msg m, start;
    Frames inject;
    if( fdErr<0 || pipe(aPipe)!=0 ){ perror("oom: pipe/mkstemp"); exit(2); }
    unlink(zTmp);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if( pid<0 ){ perror("oom: fork"); exit(2); }
    if( pid==0 ){
      close(aPipe[0]);
      dup2(fdErr, 2);
      close(fdErr);
      g_fdMsg = aPipe[1];
      child_loop(q, ref, bPersist, pts, iStart, nBeyond, nMax);
      close(g_fdMsg);
      exit(0);                            /* LeakSanitizer, when built in, checks here */
    }
    close(aPipe[1]);
    inject.n = 0;
    memset(&start, 0, sizeof(start));
    start.iIdx = -2;
    for(;;){
      ssize_t got = read(aPipe[0], &m, sizeof(m));
      if( got<0 && errno==EINTR ) continue;
      if( got!=(ssize_t)sizeof(m) ) break;
      if( m.eKind==MSG_START ){
        start = m;
        inject.n = 0;
      }else if( m.eKind==MSG_INJECT ){
        inject = m.inject;
      }else if( m.eKind==MSG_RESULT ){
        t->nTried++;
        t->nInjected += m.nInjected;
        t->aOut[m.eOutcome]++;
        if( g_bVerbose ){
          printf("    N=%lld %s rc=%d calls=%lld injected=%lld %s\n", m.iN, azOut[m.eOutcome],
                 m.rc, m.nCall, m.nInjected, m.rc ? m.zErr : "");
        }
        if( m.eOutcome==OUT_BADCODE ){
          char zCode[48];
          snprintf(zCode, sizeof(zCode), " %s", sqlite3_errstr(m.rc));
          if( !strstr(t->zCodes, zCode) && strlen(t->zCodes)+strlen(zCode)<sizeof(t->zCodes) ){
            strcat(t->zCodes, zCode);
          }
        }
        if( m.nInjected ) add_point(m.eOutcome | (bPersist<<8), m.iN, &m.inject);
        if( m.eOutcome>=OUT_WRONG ){
          t->nViolation++;
          show_violation(q, bPersist, &m, &m.inject, nShown++);
        }
        if( m.nInjected==0 ) t->nCleanN = m.iN;
        start.iIdx = -2;
      }else if( m.eKind==MSG_DONE ){
        bDone = 1;
      }
    }
    close(aPipe[0]);
    while( waitpid(pid, &status, 0)<0 && errno==EINTR ){}
    if( bDone ){
      if( !(WIFEXITED(status) && WEXITSTATUS(status)==0) ){
        t->nViolation++;
        printf("    CRASH after the runs: the child exited with status %d (a sanitizer"
               " report at exit?)\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        show_tail(fdErr, 40, "      ");
      }
      close(fdErr);
      break;
    }
    /* the child died during the run of point start.iN */
    memset(&m, 0, sizeof(m));
    m.iN = start.iN;
    if( WIFSIGNALED(status) && WTERMSIG(status)==SIGALRM ){
      m.eOutcome = OUT_HANG;
      snprintf(m.zErr, sizeof(m.zErr), "no answer after %d s", HANG_SECONDS);
    }else if( WIFSIGNALED(status) ){
      m.eOutcome = OUT_CRASH;
      snprintf(m.zErr, sizeof(m.zErr), "killed by signal %d (%s)", WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    }else{
      m.eOutcome = OUT_CRASH;
      snprintf(m.zErr, sizeof(m.zErr), "exited with status %d (a sanitizer report?)",
               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    t->nTried++;
    t->aOut[m.eOutcome]++;
    t->nViolation++;
    if( inject.n ) t->nInjected++;
    add_point(m.eOutcome | (bPersist<<8), m.iN, &inject);
    show_violation(q, bPersist, &m, &inject, nShown++);
    if( !bShownTail && nShown<=g_nShowViolations ){
      show_tail(fdErr, 30, "      ");
      bShownTail = 1;
    }
    close(fdErr);
    if( start.iIdx==-2 ){
      printf("    the child died outside a run: giving up on this query\n");
      break;
    }
    if( ++nCrash>=200 ){
      printf("    200 crashes: giving up on this query\n");
      break;
    }
    if( start.iIdx>=0 ){
      iStart = start.iIdx+1;
      if( iStart>=pts->nN ) nBeyond = pts->aN[pts->nN-1]+1;
    }else{
      iStart = pts->nN;
      nBeyond = start.iN+1;
    }
  }
}

/* Per call site in ext/: the outcomes of the failures injected there. */
typedef struct Site {
  char zLoc[240];
  long long aOut[N_OUT];
  char zQueries[200];           /* (global list) the queries where it misbehaved */
  char zRepro[160];             /* (global list) one command that shows it */
} Site;
static int cmp_site(const void *a, const void *b){
  return strcmp(((const Site*)a)->zLoc, ((const Site*)b)->zLoc);
}
static Site *g_aBad;                      /* sites with violations, over all queries */
static int g_nBad;

static void note_bad_site(const Query *q, const char *zLoc, int eOutcome, long long iN, int bPersist){
  int k;
  for(k=0; k<g_nBad && strcmp(g_aBad[k].zLoc, zLoc)!=0; k++){}
  if( k==g_nBad ){
    g_aBad = xrealloc(g_aBad, sizeof(Site)*(size_t)(g_nBad+1));
    memset(&g_aBad[k], 0, sizeof(Site));
    snprintf(g_aBad[k].zLoc, sizeof(g_aBad[k].zLoc), "%s", zLoc);
    snprintf(g_aBad[k].zRepro, sizeof(g_aBad[k].zRepro), "%s --query %s --mode %s --n %lld",
             g_zArgv0, q->zName, bPersist ? "persist" : "once", iN);
    g_nBad++;
  }
  g_aBad[k].aOut[eOutcome]++;
  if( !strstr(g_aBad[k].zQueries, q->zName)
   && strlen(g_aBad[k].zQueries)+strlen(q->zName)+2<sizeof(g_aBad[k].zQueries) ){
    if( g_aBad[k].zQueries[0] ) strcat(g_aBad[k].zQueries, " ");
    strcat(g_aBad[k].zQueries, q->zName);
  }
}

/* Returns the number of distinct ext/ sites where failures were injected. */
static int site_report(const Query *q, const Points *pts){
  Site *aSite;
  long long i, nCore = 0;
  int nSite = 0, k, o;
  if( g_nPoint==0 ) return 0;
  for(i=0; i<g_nPoint; i++) sym_add(&g_aPoint[i].f, 1);
  aSite = xmalloc(sizeof(Site)*(size_t)(g_nPoint+1));
  for(i=0; i<g_nPoint; i++){
    char zSite[240];
    int e = g_aPoint[i].eOutcome & 0xff;
    if( !site_of(&g_aPoint[i].f, zSite, sizeof(zSite)) ){
      nCore++;
      snprintf(zSite, sizeof(zSite), "(SQLite's own code, no ext/ frame)");
      if( e<OUT_WRONG ) continue;
    }
    for(k=0; k<nSite && strcmp(aSite[k].zLoc, zSite)!=0; k++){}
    if( k==nSite ){
      memset(&aSite[nSite], 0, sizeof(Site));
      memcpy(aSite[nSite].zLoc, zSite, sizeof(zSite));
      nSite++;
    }
    aSite[k].aOut[e]++;
    if( e>=OUT_WRONG ) note_bad_site(q, zSite, e, g_aPoint[i].iN, g_aPoint[i].eOutcome>>8);
  }
  qsort(aSite, nSite, sizeof(Site), cmp_site);
  printf("  call sites in ext/: %d where the reference run allocated, %d where failures were"
         " injected (%lld points); %lld points in SQLite's own code\n",
         pts->nSite, nSite, g_nPoint-nCore, nCore);
  for(k=0; k<nSite; k++){
    int bBad = 0;
    for(o=OUT_WRONG; o<N_OUT; o++) bBad |= aSite[k].aOut[o]!=0;
    if( !g_bSites && !bBad ) continue;
    printf("    %-74s", aSite[k].zLoc);
    for(o=0; o<N_OUT; o++) if( aSite[k].aOut[o] ) printf(" %s=%lld", azOut[o], aSite[k].aOut[o]);
    printf("\n");
  }
  free(aSite);
  g_nPoint = 0;
  return nSite;
}

/* One line of the final table. */
typedef struct Row {
  const char *zQuery;
  long long nCall, nExtCalls;
  int nSite, nSiteHit, nPlan;
  int abMode[2];
  Tally t[2];
  double rSeconds;
} Row;

static void print_table(const Row *aRow, int nRow, const Plan *plan, int bQuick){
  int i, m, o;
  printf("\n== oom summary (%s plan: every N up to %lld, at most %lld more, first %d + last"
         " per ext/ site) ==\n", bQuick ? "quick" : "full", plan->nDense, plan->nSamples,
         plan->nSiteFirst);
  printf("%-16s %6s %5s %-7s %6s %6s  %s\n", "query", "A", "sites", "mode", "tried",
         "failed", "outcomes");
  for(i=0; i<nRow; i++){
    for(m=0; m<2; m++){
      const Tally *t = &aRow[i].t[m];
      if( !aRow[i].abMode[m] ) continue;
      printf("%-16s %6lld %2d/%-2d %-7s %6lld %6lld ", aRow[i].zQuery, aRow[i].nCall,
             aRow[i].nSiteHit, aRow[i].nSite, m ? "persist" : "once", t->nTried, t->nInjected);
      for(o=0; o<N_OUT; o++) if( t->aOut[o] ) printf(" %s=%lld", azOut[o], t->aOut[o]);
      printf("\n");
    }
  }
  printf("(A: allocation points of the reference run; sites: ext/ call sites where failures"
         " were injected / where the reference allocated; tried: points run; failed:"
         " allocations made to fail)\n");
  if( g_nBad ){
    int k;
    printf("\n== violations by call site in ext/ (innermost ext/ frame < its ext/ callers) ==\n");
    qsort(g_aBad, g_nBad, sizeof(Site), cmp_site);
    for(k=0; k<g_nBad; k++){
      printf("%s\n   ", g_aBad[k].zLoc);
      for(o=OUT_WRONG; o<N_OUT; o++) if( g_aBad[k].aOut[o] ) printf(" %s=%lld", azOut[o], g_aBad[k].aOut[o]);
      printf("  in: %s\n    e.g. %s\n", g_aBad[k].zQueries, g_aBad[k].zRepro);
    }
  }
}

/* ------------------------------------------------------------------------------------
** Main.
*/
static char *read_text(const char *zFile){
  FILE *f = fopen(zFile, "rb");
  char *z;
  long n;
  if( f==0 ){ fprintf(stderr, "oom: cannot read %s (run from the repository root)\n", zFile); exit(2); }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  z = xmalloc((size_t)n+1);
  if( fread(z, 1, (size_t)n, f)!=(size_t)n ){ fprintf(stderr, "oom: cannot read %s\n", zFile); exit(2); }
  z[n] = 0;
  fclose(f);
  return z;
}

static double now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec*1e-9;
}

static void usage(void){
  fprintf(stderr,
    "usage: oom [--quick] [--mode once|persist|both] [--query NAME]... [--sites] [--verbose]\n"
    "           [--dense N] [--samples N] [--site-first N]\n"
    "       oom --query NAME --n N [--mode once|persist]   (one point, in-process)\n"
    "       oom --list\n");
  exit(2);
}

/* The reference: run twice (the first warms up what SQLite and the extension set up once
** per process), keep the second, with every allocation's stack. */
static void make_ref(const Query *q, Ref *ref){
  RunResult warm;
  long long nCall, nInj, nOut0, nBytes0, nOut1, nBytes1;
  memset(ref, 0, sizeof(*ref));
  run_query(q, 0, 0, &warm, &nCall, &nInj);
  free(warm.rows.z);
  outstanding(&nOut0, &nBytes0);
  g.bRecord = 1;
  run_query(q, 0, 0, &ref->res, &ref->nCall, &nInj);
  g.bRecord = 0;
  ref->aRec = g.aRec;
  g.aRec = 0;
  g.nRecAlloc = 0;
  outstanding(&nOut1, &nBytes1);
  if( nOut1!=nOut0 || nBytes1!=nBytes0 ){
    printf("  %s: LEAK without injection: %lld allocations, %lld bytes\n", q->zName,
           nOut1-nOut0, nBytes1-nBytes0);
  }
}

int main(int argc, char **argv){
  Plan plan = { 2000, 600, 4 };
  int abMode[2] = { 1, 1 };               /* once, persist */
  int abQuery[N_QUERY], bAnyQuery = 0, i, k, bQuick = 0, nViolation = 0, bSetPlan = 0, nRow = 0;
  Row *aRow;
  long long iOne = 0;
  double t0 = now();
  memset(abQuery, 0, sizeof(abQuery));
  g_zArgv0 = argv[0];
  for(i=1; i<argc; i++){
    if( strcmp(argv[i], "--quick")==0 ){
      bQuick = 1;
    }else if( strcmp(argv[i], "--verbose")==0 ){
      g_bVerbose = 1;
    }else if( strcmp(argv[i], "--sites")==0 ){
      g_bSites = 1;
    }else if( strcmp(argv[i], "--list")==0 ){
      for(k=0; k<N_QUERY; k++){
        printf("%-16s %s%s%s\n", aQuery[k].zName, aQuery[k].zSetup ? aQuery[k].zSetup : "",
               aQuery[k].bInvestigate ? " .read sql/investigate.sql; " : aQuery[k].zSetup ? " " : "",
               aQuery[k].zSql);
      }
      return 0;
    }else if( strcmp(argv[i], "--mode")==0 && i+1<argc ){
      i++;
      abMode[0] = strcmp(argv[i], "once")==0 || strcmp(argv[i], "both")==0;
      abMode[1] = strcmp(argv[i], "persist")==0 || strcmp(argv[i], "both")==0;
      if( !abMode[0] && !abMode[1] ) usage();
    }else if( strcmp(argv[i], "--query")==0 && i+1<argc ){
      i++;
      for(k=0; k<N_QUERY && strcmp(aQuery[k].zName, argv[i])!=0; k++){}
      if( k>=N_QUERY ){ fprintf(stderr, "oom: no query %s (see --list)\n", argv[i]); return 2; }
      abQuery[k] = 1;
      bAnyQuery = 1;
    }else if( strcmp(argv[i], "--n")==0 && i+1<argc ){
      iOne = atoll(argv[++i]);
    }else if( strcmp(argv[i], "--dense")==0 && i+1<argc ){
      plan.nDense = atoll(argv[++i]); bSetPlan = 1;
    }else if( strcmp(argv[i], "--samples")==0 && i+1<argc ){
      plan.nSamples = atoll(argv[++i]); bSetPlan = 1;
    }else if( strcmp(argv[i], "--site-first")==0 && i+1<argc ){
      plan.nSiteFirst = atoi(argv[++i]); bSetPlan = 1;
    }else{
      usage();
    }
  }
  if( bQuick && !bSetPlan ){ plan.nDense = 50; plan.nSamples = 10; plan.nSiteFirst = 1; }
  if( plan.nSamples<1 ) plan.nSamples = 1;
  if( !bAnyQuery ) for(k=0; k<N_QUERY; k++) abQuery[k] = 1;

  if( sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_def)!=SQLITE_OK
   || sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapMethods)!=SQLITE_OK ){
    fprintf(stderr, "oom: cannot install the allocator (SQLite already initialised?)\n");
    return 2;
  }
  if( sqlite3_initialize()!=SQLITE_OK ){ fprintf(stderr, "oom: sqlite3_initialize failed\n"); return 2; }
  {
    void *aWarm[4];
    backtrace(aWarm, 4);                  /* loads the unwinder now, not under injection */
  }
  if( !dladdr((void*)main, &g_self) ){ fprintf(stderr, "oom: dladdr failed\n"); return 2; }
  g_zInvestigate = read_text("sql/investigate.sql");
  setvbuf(stdout, 0, _IOLBF, 0);

  if( iOne ){
    /* One point, in-process, for a debugger */
    const Query *q;
    Ref ref;
    RunResult r;
    long long nOut0, nBytes0, nOut1, nBytes1, nCall, nInj;
    int bPersist = !abMode[0], e;
    if( !bAnyQuery ) usage();
    for(k=0; !abQuery[k]; k++){}
    q = &aQuery[k];
    make_ref(q, &ref);
    outstanding(&nOut0, &nBytes0);
    run_query(q, iOne, bPersist, &r, &nCall, &nInj);
    outstanding(&nOut1, &nBytes1);
    e = classify(&ref, &r, nInj, nOut1-nOut0, nBytes1-nBytes0);
    printf("%s N=%lld %s: %s (allocation points: reference %lld, this run %lld; injected %lld)\n",
           q->zName, iOne, bPersist ? "persist" : "once", azOut[e], ref.nCall, nCall, nInj);
    printf("  rc=%d (%s) stage=%s error=%s\n", r.rc, sqlite3_errstr(r.rc), r.zStage, r.zErr);
    printf("  outstanding after close: %lld allocations, %lld bytes; close rc=%d\n",
           nOut1-nOut0, nBytes1-nBytes0, r.rcClose);
    if( e==OUT_WRONG ){
      printf("  rows:\n%s  reference rows:\n%s", r.rows.z ? r.rows.z : "",
             ref.res.rows.z ? ref.res.rows.z : "");
    }
    if( g.inject.n ){
      printf("  the injected failure:\n");
      print_frames(&g.inject, "    ");
    }
    return e>=OUT_WRONG;
  }

  aRow = xmalloc(sizeof(Row)*N_QUERY);
  memset(aRow, 0, sizeof(Row)*N_QUERY);
  printf("oom: %s run: every N up to %lld, then at most %lld more points, and the first %d"
         " and the last allocation of each call site in ext/, per query and mode\n",
         bQuick ? "quick" : "full", plan.nDense, plan.nSamples, plan.nSiteFirst);
  for(k=0; k<N_QUERY; k++){
    const Query *q = &aQuery[k];
    Ref ref;
    Points pts;
    int m;
    double t1 = now();
    if( !abQuery[k] ) continue;
    make_ref(q, &ref);
    make_points(&ref, &plan, &pts);
    printf("%s: A=%lld allocation points (%lld from ext/ code); answer: %s", q->zName,
           ref.nCall, pts.nExtCalls, ref.res.rc ? "an error: " : "");
    if( ref.res.rc ){
      printf("%s\n", ref.res.zErr);
    }else{
      int nLine = 0;
      const char *p;
      for(p = ref.res.rows.z; p && *p; p++) nLine += *p=='\n';
      printf("%d row%s\n", nLine, nLine==1 ? "" : "s");
    }
    if( ref.nCall>plan.nDense ){
      printf("  plan: %d points: N=1..%lld, every %lld-th after that, and the sites' first and"
             " last\n", pts.nN, plan.nDense, pts.nStride);
    }else{
      printf("  plan: %d points: every N\n", pts.nN);
    }
    aRow[nRow].zQuery = q->zName;
    aRow[nRow].nCall = ref.nCall;
    aRow[nRow].nExtCalls = pts.nExtCalls;
    aRow[nRow].nSite = pts.nSite;
    aRow[nRow].nPlan = pts.nN;
    for(m=0; m<2; m++){
      Tally t;
      int o;
      if( !abMode[m] ) continue;
      run_mode(q, &ref, m==1, &pts, &t);
      aRow[nRow].abMode[m] = 1;
      aRow[nRow].t[m] = t;
      printf("  %-7s tried %lld points, %lld failures injected, clean run at N=%lld:",
             m ? "persist" : "once", t.nTried, t.nInjected, t.nCleanN);
      for(o=0; o<N_OUT; o++){
        if( t.aOut[o] ) printf(" %s=%lld", azOut[o], t.aOut[o]);
      }
      if( t.zCodes[0] ) printf(" (codes:%s)", t.zCodes);
      printf("\n");
      nViolation += t.nViolation;
    }
    aRow[nRow].nSiteHit = site_report(q, &pts);
    aRow[nRow].rSeconds = now()-t1;
    nRow++;
    printf("  %.1f s\n", now()-t1);
    free(ref.res.rows.z);
    free(ref.aRec);
    free(pts.aN);
  }
  print_table(aRow, nRow, &plan, bQuick);
  printf("\noom: %d violation%s, %.1f s\n", nViolation, nViolation==1 ? "" : "s", now()-t0);
  free(aRow);
  free(g_zInvestigate);
  sqlite3_shutdown();
  return nViolation ? 1 : 0;
}
