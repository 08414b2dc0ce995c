/*
** fuzz_args.c: the arguments of the table-valued functions, the CREATE VIRTUAL TABLE
** options, the pushed-down constraint values, and the glob matcher.
**
** Input: byte 0 picks the mode, byte 1 the variants (which arguments are NULL, integers
** or text, how many there are, the thread count); the rest is split at NUL bytes into up
** to 4 pieces of text.
**
**   mode 0  SELECT ... FROM cloudtrail(?1 [, ?2 [, ?3 [, ?4]]]), then the same with
**           threads=1: the answer (or the error message) must not depend on the threads
**   mode 1  SELECT * FROM cloudtrail_files(?1)
**   mode 2  SELECT * FROM detect_mfa_deactivation(?1 [, ?2 [, ?3]]), the source a path or
**           one of a few tables and views (with odd names)
**   mode 3  CREATE VIRTUAL TABLE temp.x USING cloudtrail(<pieces joined by ','>),
**           SELECT count(*) FROM x (and with a per-query path/strict/threads override),
**           DROP TABLE x
**   mode 4  walk_glob_match(piece 0, piece 1), with a few sanity checks
**   mode 5  a pushed-down constraint on cloudtrail(sandbox) with a fuzzed value, compared
**           with the same query over a subquery with LIMIT -1 (no pushdown)
**   mode 6  detect_mfa_deactivation(sandbox, since, until) vs the same over a copy
**
** Safety: every path argument is the absolute path of a small sandbox folder (a copy of
** some of tests/fixtures, made at start-up) followed by '/' and the piece; pieces holding
** ".." are rejected. CREATE VIRTUAL TABLE arguments cannot be prefixed (they are SQL
** text), so mode 3 runs with the sandbox as the current directory, and rejects any piece
** where a '/' could start a path (a '/' not preceded by a name character). Thread counts
** are kept from 1 to 4.
**
** Pathological glob patterns ("*a*a*a*a*a*a*a*ab") take time exponential in the number
** of stars (see the report); CT_FUZZ_MAX_STARS=N skips inputs with more than N '*' in a
** piece, so that fuzzing can go past that known problem.
*/
#include "fuzz_common.h"
#include "walk.h"

#ifndef FUZZ_FIXTURES
# define FUZZ_FIXTURES "tests/fixtures"
#endif

static sqlite3 *db;
static char *zSandbox;
static int iCwdFd = -1;
static int nMaxStars = -1;

/* Fixtures copied into the sandbox (missing ones are skipped), and extra files made there. */
static const char *azFixture[] = {
  "records_compact.json", "ndjson.jsonl", "eventbridge.json", "array.json", "object.json",
  "records.json.gz", "multi_member.json.gz", "digest_by_content.json", "cloudwatch_export.log",
  "damaged/truncated.json.gz", "damaged/malformed_record.json", "damaged/cut_array.json",
  "unknown/notes.txt", "unknown/empty.json",
  "rule/cases.jsonl", "rule/dup_a.json", "rule/dup_b.json",
  "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T1010Z_AbCdEfGh12345678.json.gz",
  "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/02/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20260302T100000Z.json.gz",
  "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/03/02/111122223333_CloudTrail-Insight_us-east-1_20260302T1005Z_abcdEFGH12345678.json.gz",
};

/* Tables and views detect_mfa_deactivation can be given (mode 2). */
static const char *azTable[] = {
  "t_rec", "we\"ird 'name", "norec", "t_mixed", "v_trail", "v_rec", "m_all",
  "v_self"                        /* a view over detect_mfa_deactivation('v_self') itself */
};
static int nTable = (int)(sizeof(azTable)/sizeof(azTable[0]));

static sqlite3_stmt *apTrail[4];        /* cloudtrail with 1..4 arguments */
static sqlite3_stmt *apTrailCols[4];    /* SELECT * ... LIMIT 3 */
static sqlite3_stmt *pFiles;
static sqlite3_stmt *apDetect[3];       /* detect with 1..3 arguments */
static sqlite3_stmt *pIsTable;
static sqlite3_stmt *pIntOf;
static sqlite3_stmt *pDetM;

/* Mode 5: constraints on the sandbox scan. ?2 and ?3 are fuzzed values. */
static const char *azCond[] = {
  "eventName = ?2", "eventName IN (?2, ?3)", "eventSource = ?2", "awsRegion = ?2",
  "awsRegion IN (?2, ?3)", "recipientAccountId = ?2", "eventID = ?2", "account_id = ?2",
  "actor = ?2", "actor IN (?2, ?3)", "user_name = ?2", "user_name IN (?2, ?3)",
  "event_epoch = ?2", "event_epoch > ?2", "event_epoch >= ?2", "event_epoch < ?2",
  "event_epoch <= ?2", "event_epoch BETWEEN ?2 AND ?3", "eventTime > ?2", "eventTime >= ?2",
  "eventTime < ?2", "eventTime <= ?2", "eventTime BETWEEN ?2 AND ?3",
  "eventName = ?2 AND awsRegion = ?3", "event_epoch >= ?2 AND eventTime < ?3",
  "recipientAccountId IN (?2, ?3) AND event_epoch < ?2",
  "eventName = ?2 COLLATE NOCASE", "eventSource >= ?2",
};
#define N_COND ((int)(sizeof(azCond)/sizeof(azCond[0])))
static sqlite3_stmt *apPushed[N_COND][2], *apPlain[N_COND][2];   /* [.][0]: delay default, [1]: 0 */

static void mkdirs(const char *zPath){
  char *z = strdup(zPath), *p;
  if( z==0 ) fz_env_fail("strdup");
  for(p=z+1; *p; p++){
    if( *p=='/' ){
      *p = 0;
      if( mkdir(z, 0700)!=0 && errno!=EEXIST ) fz_env_fail(z);
      *p = '/';
    }
  }
  free(z);
}

static void copy_file(const char *zFrom, const char *zTo){
  FILE *f = fopen(zFrom, "rb");
  char *zBuf;
  long n;
  if( f==0 ) return;                           /* a fixture another change removed */
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  zBuf = malloc((size_t)n+1);
  if( zBuf==0 || fread(zBuf, 1, (size_t)n, f)!=(size_t)n ) fz_env_fail(zFrom);
  fclose(f);
  mkdirs(zTo);
  fz_write_file(zTo, zBuf, (size_t)n);
  free(zBuf);
}

static void rm_tree(const char *zPath){
  /* only ever the sandbox this process made */
  char *zCmd;
  if( zPath==0 || strncmp(zPath, "/tmp/", 5)!=0 || strstr(zPath, "cloudtrail_fuzz_args.")==0 ) return;
  zCmd = sqlite3_mprintf("rm -rf '%s'", zPath);
  if( zCmd && system(zCmd)!=0 ){ /* best effort */ }
  sqlite3_free(zCmd);
}

static void cleanup(void){
  rm_tree(zSandbox);
}

static void make_sandbox(void){
  size_t i;
  char *z, *zTo;
  zSandbox = fz_mkdtemp("cloudtrail_fuzz_args");
  for(i=0; i<sizeof(azFixture)/sizeof(azFixture[0]); i++){
    z = fz_join(FUZZ_FIXTURES, azFixture[i]);
    zTo = fz_join(zSandbox, azFixture[i]);
    copy_file(z, zTo);
    free(z);
    free(zTo);
  }
  /* names a glob must treat literally, an empty folder, an unreadable-by-name folder */
  z = fz_join(FUZZ_FIXTURES, "object.json");
  zTo = fz_join(zSandbox, "glob/a*b.json");  copy_file(z, zTo); free(zTo);
  zTo = fz_join(zSandbox, "glob/[x].json");  copy_file(z, zTo); free(zTo);
  zTo = fz_join(zSandbox, "glob/q?.json");   copy_file(z, zTo); free(zTo);
  free(z);
  zTo = fz_join(zSandbox, "empty/");
  mkdirs(zTo);
  free(zTo);
}

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv){
  char *zSql;
  int i, k;
  const char *zStars = getenv("CT_FUZZ_MAX_STARS");
  (void)pArgc; (void)pArgv;
  if( zStars && zStars[0] ) nMaxStars = atoi(zStars);
  db = fz_open_db();
  make_sandbox();
  atexit(cleanup);
  iCwdFd = open(".", O_RDONLY|O_DIRECTORY|O_CLOEXEC);
  if( iCwdFd<0 ) fz_env_fail("open .");

  zSql = sqlite3_mprintf(
    "CREATE TEMP TABLE t_rec(record);"
    "INSERT INTO t_rec SELECT record FROM cloudtrail('%q/rule', 0, 1);"
    "CREATE TEMP TABLE \"we\"\"ird 'name\"(record, source_file, record_index);"
    "INSERT INTO \"we\"\"ird 'name\" SELECT record, source_file, record_index FROM cloudtrail('%q/rule/cases.jsonl', 0, 1);"
    "CREATE TEMP TABLE norec(a); INSERT INTO norec VALUES(1);"
    "CREATE TEMP TABLE t_mixed(record);"
    "INSERT INTO t_mixed VALUES(1),(x'00ff7b'),(NULL),(2.5),('[]'),('  {\"eventName\":\"DeactivateMFADevice\",\"eventSource\":\"iam.amazonaws.com\"}  ');"
    "CREATE TEMP VIEW v_trail AS SELECT * FROM cloudtrail('%q', 0, 1);"
    "CREATE TEMP TABLE m_all AS SELECT * FROM cloudtrail('%q', 0, 1);"
    "CREATE TEMP VIEW v_rec AS SELECT record, source_file, eventName FROM m_all;",
    zSandbox, zSandbox, zSandbox, zSandbox);
  fz_exec(db, zSql);
  sqlite3_free(zSql);
  if( fz_ignore_known("detect-self-view") ){
    nTable--;                     /* reported: unbounded recursion, a stack overflow */
  }else{
    fz_exec(db, "CREATE TEMP VIEW v_self AS SELECT * FROM detect_mfa_deactivation('v_self')");
  }

  for(i=0; i<4; i++){
    static const char *azArgs[] = { "?1", "?1, ?2", "?1, ?2, ?3", "?1, ?2, ?3, ?4" };
    zSql = sqlite3_mprintf("SELECT count(*), total(length(record)), max(record_index),"
                           " count(DISTINCT source_file), total(event_epoch) FROM cloudtrail(%s)", azArgs[i]);
    apTrail[i] = fz_prepare(db, zSql);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("SELECT * FROM cloudtrail(%s) LIMIT 3", azArgs[i]);
    apTrailCols[i] = fz_prepare(db, zSql);
    sqlite3_free(zSql);
    if( i<3 ){
      zSql = sqlite3_mprintf("SELECT * FROM detect_mfa_deactivation(%s)", azArgs[i]);
      apDetect[i] = fz_prepare(db, zSql);
      sqlite3_free(zSql);
    }
  }
  {
    /* cloudtrail_rules takes no argument: read it once, every column checked */
    sqlite3_stmt *q = fz_prepare(db, "SELECT * FROM cloudtrail_rules");
    int nRule = 0;
    while( fz_step(q, 0, "cloudtrail_rules")==SQLITE_ROW ){
      for(k=0; k<sqlite3_column_count(q); k++) fz_check_column(q, k, "cloudtrail_rules");
      nRule++;
    }
    sqlite3_finalize(q);
    if( nRule<1 ) fz_fail("cloudtrail_rules is empty");
  }
  pFiles = fz_prepare(db, "SELECT * FROM cloudtrail_files(?1)");
  pIsTable = fz_prepare(db, "SELECT count(*) FROM pragma_table_xinfo(?1)");
  pIntOf = fz_prepare(db, "SELECT ?1");
  pDetM = fz_prepare(db, "SELECT * FROM detect_mfa_deactivation('m_all', ?2, ?3)");
  for(i=0; i<N_COND; i++){
    for(k=0; k<2; k++){
      zSql = sqlite3_mprintf("SELECT count(*), total(record_index), count(DISTINCT source_file),"
                             " total(length(record)) FROM cloudtrail(?1, 0, ?4%s) WHERE %s",
                             k ? ", 0" : "", azCond[i]);
      apPushed[i][k] = fz_prepare(db, zSql);
      sqlite3_free(zSql);
      zSql = sqlite3_mprintf("SELECT count(*), total(record_index), count(DISTINCT source_file),"
                             " total(length(record)) FROM (SELECT * FROM cloudtrail(?1, 0, ?4%s)"
                             " LIMIT -1) WHERE %s", k ? ", 0" : "", azCond[i]);
      apPlain[i][k] = fz_prepare(db, zSql);
      sqlite3_free(zSql);
    }
  }
  return 0;
}

/* The input, cut up. */
typedef struct Args {
  unsigned eMode, bits;
  int nPiece;
  char *az[4];
} Args;

static void args_parse(const uint8_t *data, size_t size, Args *a){
  size_t i = 2, k;
  memset(a, 0, sizeof(*a));
  a->eMode = size>0 ? data[0] : 0;
  a->bits = size>1 ? data[1] : 0;
  while( a->nPiece<4 ){
    const uint8_t *pEnd;
    size_t n;
    if( i>size ) break;
    pEnd = i<size ? memchr(data+i, 0, size-i) : 0;
    n = pEnd ? (size_t)(pEnd - (data+i)) : size-i;
    a->az[a->nPiece] = malloc(n+1);
    if( a->az[a->nPiece]==0 ) fz_env_fail("malloc");
    memcpy(a->az[a->nPiece], data+i, n);
    a->az[a->nPiece][n] = 0;
    a->nPiece++;
    i += n+1;
  }
  for(k=a->nPiece; k<4; k++){
    a->az[k] = calloc(1, 1);
    if( a->az[k]==0 ) fz_env_fail("calloc");
  }
}

static void args_free(Args *a){
  int i;
  for(i=0; i<4; i++) free(a->az[i]);
}

static int too_many_stars(const char *z){
  int n = 0;
  if( nMaxStars<0 ) return 0;
  for(; *z; z++) n += *z=='*';
  return n>nMaxStars;
}

/* A path argument: the sandbox, '/', the piece. NULL when the piece is refused. */
static char *sandbox_path(const char *zPiece){
  if( strstr(zPiece, "..") ) return 0;
  if( too_many_stars(zPiece) ) return 0;
  return sqlite3_mprintf("%s/%s", zSandbox, zPiece);
}

/* sqlite3_value_int() of the text, exactly as the extension computes it. */
static int int_of_text(const char *z){
  int v;
  fz_bind_text(pIntOf, 1, z, -1);
  if( fz_step(pIntOf, 0, "SELECT ?1")!=SQLITE_ROW ) fz_fail("SELECT ?1");
  v = sqlite3_value_int(sqlite3_column_value(pIntOf, 0));
  fz_reset(pIntOf);
  return v;
}

static sqlite3_int64 int_of_piece(const char *z){
  return (sqlite3_int64)strtoll(z, 0, 0);
}

/* Bind argument i (1-based) of p: 2 bits of `how` pick text, NULL, an integer from the
** text, or (for threads) a small integer. iRole: 0 path, 1 strict, 2 threads, 3 other. */
static int bind_arg(sqlite3_stmt *p, int i, unsigned how, const char *zPiece, int iRole){
  switch( how & 3 ){
    case 0:                                     /* text */
      if( iRole==0 ){
        char *z = sandbox_path(zPiece);
        if( z==0 ) return 0;
        fz_bind_text(p, i, z, -1);
        sqlite3_free(z);
      }else if( iRole==2 ){
        int v = int_of_text(zPiece);
        if( v>4 ) fz_bind_int64(p, i, v % 4 + 1);
        else fz_bind_text(p, i, zPiece, -1);
      }else{
        fz_bind_text(p, i, zPiece, -1);
      }
      return 1;
    case 1:                                     /* NULL */
      if( sqlite3_bind_null(p, i) ) fz_fail("bind_null");
      return 1;
    default: {                                  /* an integer */
      sqlite3_int64 v = int_of_piece(zPiece);
      if( iRole==0 ){
        /* a number as the path: a file of that name in the sandbox (none exists) */
        char *z = sqlite3_mprintf("%s/%lld", zSandbox, (long long)v);
        fz_bind_text(p, i, z, -1);
        sqlite3_free(z);
      }else if( iRole==2 ){
        fz_bind_int64(p, i, (v % 4 + 4) % 4 + 1);
      }else{
        fz_bind_int64(p, i, v);
      }
      return 1;
    }
  }
}

/* Step a statement to its end, checking every column of every row. Returns the final
** rc (SQLITE_DONE or SQLITE_ERROR) and, when pOut, collects the rows. */
static int run_all(sqlite3_stmt *p, int bCheckCols, FzRows *pOut, const char *zWhat){
  int rc, i;
  while( (rc = fz_step(p, 1, zWhat))==SQLITE_ROW ){
    if( bCheckCols ){
      for(i=0; i<sqlite3_column_count(p); i++) fz_check_column(p, i, zWhat);
    }
    if( pOut ) fz_rows_add(pOut, p);
  }
  return rc;
}

/* mode 0: cloudtrail(...) with 1..4 arguments */
static void mode_trail(const Args *a){
  int nArg = 1 + (a->bits & 3), i, rc1, rc2, iThreadArg = 2;
  sqlite3_stmt *p = apTrail[nArg-1], *pCols = apTrailCols[nArg-1];
  FzRows r1, r2;
  char *zErr1 = 0;
  memset(&r1, 0, sizeof(r1));
  memset(&r2, 0, sizeof(r2));
  for(i=0; i<nArg; i++){
    unsigned how = i==0 ? ((a->bits>>2) & 1) : (a->bits >> (2+2*i)) & 3;
    if( !bind_arg(p, i+1, how, a->az[i], i<3 ? i : 3) ) goto done;
    if( !bind_arg(pCols, i+1, how, a->az[i], i<3 ? i : 3) ) goto done;
  }
  rc1 = run_all(p, 0, &r1, "cloudtrail(...) aggregates");
  if( rc1==SQLITE_ERROR ) zErr1 = sqlite3_mprintf("%s", sqlite3_errmsg(db));
  run_all(pCols, 1, 0, "SELECT * FROM cloudtrail(...)");
  /* the same with threads=1: same answer, same error (a NULL threads means no rows; an
  ** error about the threads argument itself rightly goes away with threads=1) */
  if( nArg>iThreadArg && ((a->bits >> (2+2*iThreadArg)) & 3)!=1
   && (zErr1==0 || strncmp(zErr1, "cloudtrail: threads must be", 27)!=0) ){
    if( sqlite3_reset(p)!=SQLITE_OK && rc1!=SQLITE_ERROR ) fz_fail("reset");
    fz_bind_int64(p, iThreadArg+1, 1);
    rc2 = run_all(p, 0, &r2, "cloudtrail(...) aggregates, threads=1");
    if( rc1!=rc2 ) fz_fail("threads change the outcome: rc %d vs %d (threads=1): %s", rc1, rc2,
                           rc1==SQLITE_ERROR ? zErr1 : sqlite3_errmsg(db));
    if( rc1==SQLITE_ERROR && strcmp(zErr1, sqlite3_errmsg(db))!=0 ){
      fz_fail("threads change the error: '%s' vs '%s'", zErr1, sqlite3_errmsg(db));
    }
    if( fz_rows_diff(&r1, &r2, 0, 0)>=0 ) fz_fail("threads change the answer");
  }
done:
  fz_reset(p);
  fz_reset(pCols);
  sqlite3_free(zErr1);
  fz_rows_clear(&r1);
  fz_rows_clear(&r2);
}

/* mode 1: cloudtrail_files(path) */
static void mode_files(const Args *a){
  if( !bind_arg(pFiles, 1, a->bits & 1, a->az[0], 0) ) return;
  run_all(pFiles, 1, 0, "cloudtrail_files(...)");
  fz_reset(pFiles);
}

static int is_table(const char *zName){
  int n;
  fz_bind_text(pIsTable, 1, zName, -1);
  if( fz_step(pIsTable, 0, "pragma_table_xinfo")!=SQLITE_ROW ) fz_fail("pragma_table_xinfo");
  n = sqlite3_column_int(pIsTable, 0);
  fz_reset(pIsTable);
  return n>0;
}

/* mode 2: detect_mfa_deactivation(source [, since [, until]]) */
static void mode_detect(const Args *a){
  int nArg = 1 + (a->bits & 3) % 3, i;
  sqlite3_stmt *p = apDetect[nArg-1];
  if( a->bits & 4 ){
    /* a table or view: the piece when it names one, else one of ours */
    const char *zName = a->az[0];
    if( !is_table(zName) ) zName = azTable[(unsigned char)a->az[0][0] % nTable];
    if( fz_ignore_known("detect-self-view") && sqlite3_stricmp(zName, "v_self")==0 ) zName = "t_rec";
    fz_bind_text(p, 1, zName, -1);
  }else if( !bind_arg(p, 1, 0, a->az[0], 0) ){
    fz_reset(p);
    return;
  }
  for(i=1; i<nArg; i++){
    bind_arg(p, i+1, (a->bits >> (3+2*i)) & 3, a->az[i], 3);
  }
  run_all(p, 1, 0, "detect_mfa_deactivation(...)");
  fz_reset(p);
}

/* Could a '/' in this CREATE VIRTUAL TABLE text start an absolute path? Only a '/' that
** follows a character of a name can not. */
static int vtab_text_safe(const char *z){
  size_t i;
  if( strstr(z, "..") ) return 0;
  if( too_many_stars(z) ) return 0;
  for(i=0; z[i]; i++){
    unsigned char c;
    if( z[i]!='/' ) continue;
    if( i==0 ) return 0;
    c = (unsigned char)z[i-1];
    if( !((c>='a' && c<='z') || (c>='A' && c<='Z') || (c>='0' && c<='9')
          || c=='_' || c=='-' || c=='.' || c=='*' || c=='?' || c==']') ) return 0;
  }
  return 1;
}

/* mode 3: CREATE VIRTUAL TABLE temp.x USING cloudtrail(<pieces>) */
static void mode_create(const Args *a){
  int nArg = a->bits & 3, i, rc;
  char *zSql;
  sqlite3_stmt *p = 0;
  for(i=0; i<=nArg; i++) if( !vtab_text_safe(a->az[i]) ) return;
  zSql = sqlite3_mprintf("CREATE VIRTUAL TABLE temp.x USING cloudtrail(%s", a->az[0]);
  for(i=1; i<=nArg; i++) zSql = sqlite3_mprintf("%z,%s", zSql, a->az[i]);
  zSql = sqlite3_mprintf("%z)", zSql);
  if( zSql==0 ) fz_fail("mprintf");
  if( fchdir(iCwdFd)!=0 ) fz_env_fail("fchdir");
  if( chdir(zSandbox)!=0 ) fz_env_fail("chdir");
  fz_exec(db, "DROP TABLE IF EXISTS temp.x");
  rc = sqlite3_prepare_v2(db, zSql, -1, &p, 0);    /* only the first statement */
  if( rc!=SQLITE_OK && rc!=SQLITE_ERROR && rc!=SQLITE_TOOBIG ){
    fz_fail("prepare CREATE VIRTUAL TABLE: %d %s", rc, sqlite3_errmsg(db));
  }
  if( rc==SQLITE_OK && p ){
    rc = fz_step(p, 1, "CREATE VIRTUAL TABLE");
    sqlite3_finalize(p);
    p = 0;
    if( rc==SQLITE_DONE ){
      sqlite3_stmt *q = fz_prepare(db, "SELECT count(*), total(length(record)) FROM temp.x");
      run_all(q, 0, 0, "SELECT count(*) FROM x");
      sqlite3_finalize(q);
      q = fz_prepare(db, "SELECT * FROM temp.x LIMIT 2");
      run_all(q, 1, 0, "SELECT * FROM x");
      sqlite3_finalize(q);
      if( a->bits & 4 ){
        /* per-query overrides of the table's options */
        char *zPath = sandbox_path(a->az[3]);
        q = fz_prepare(db, "SELECT count(*) FROM temp.x WHERE path = ?1 AND strict = ?2 AND threads = ?3");
        if( zPath ){
          fz_bind_text(q, 1, zPath, -1);
          fz_bind_int64(q, 2, (a->bits>>3) & 1);
          fz_bind_int64(q, 3, ((a->bits>>4) & 3) + 1);
          run_all(q, 0, 0, "SELECT count(*) FROM x WHERE path = ...");
        }
        sqlite3_finalize(q);
        sqlite3_free(zPath);
      }
      fz_exec(db, "DROP TABLE temp.x");
    }
  }
  sqlite3_finalize(p);
  if( fchdir(iCwdFd)!=0 ) fz_env_fail("fchdir back");
  sqlite3_free(zSql);
}

/*
** A reference glob matcher, written from the README's description rather than from walk.c:
** "*" and "?" stay inside one folder, "[...]" is a class ("!" or "^" negates, a leading
** "]" is literal, "a-z" is a range; an unclosed "[" is literal; a class never matches
** "/"), "**" followed by "/" matches no folder or any run of whole folders, and "**"
** otherwise matches anything, slashes included. Memoised recursion: polynomial time.
** Ranges compare bytes as the platform's char (walk.c's match_class does).
*/
static signed char *aMemo;                /* [iPattern*(nPath+1)+iPath]: 0 unknown, 1 no, 2 yes */
static size_t nMemoPath;

static int ref_class(const char *zP, char c, const char **pzEnd){
  const char *z = zP+1;
  int bNeg = 0, bHit = 0;
  if( *z=='!' || *z=='^' ){ bNeg = 1; z++; }
  if( *z==']' ){ bHit = c==']'; z++; }
  while( *z && *z!=']' ){
    if( z[1]=='-' && z[2] && z[2]!=']' ){
      if( (char)c>=(char)z[0] && (char)c<=(char)z[2] ) bHit = 1;
      z += 3;
    }else{
      if( c==*z ) bHit = 1;
      z++;
    }
  }
  if( *z!=']' ) return -1;
  *pzEnd = z+1;
  return bHit!=bNeg;
}

static int ref_match(const char *zP0, const char *zP, const char *zS0, const char *zS){
  size_t k = (size_t)(zP-zP0)*(nMemoPath+1) + (size_t)(zS-zS0);
  int r;
  if( aMemo[k] ) return aMemo[k]==2;
  if( *zP==0 ){
    r = *zS==0;
  }else if( zP[0]=='*' && zP[1]=='*' ){
    const char *zRest = zP[2]=='/' ? zP+3 : zP+2;
    const char *z;
    r = ref_match(zP0, zRest, zS0, zS);
    for(z=zS; !r && *z; z++){
      if( zP[2]=='/' ){
        if( *z=='/' ) r = ref_match(zP0, zRest, zS0, z+1);
      }else{
        r = ref_match(zP0, zRest, zS0, z+1);
      }
    }
  }else if( zP[0]=='*' ){
    const char *z = zS;
    r = ref_match(zP0, zP+1, zS0, z);
    while( !r && *z && *z!='/' ){
      z++;
      r = ref_match(zP0, zP+1, zS0, z);
    }
  }else if( zP[0]=='?' ){
    r = *zS && *zS!='/' && ref_match(zP0, zP+1, zS0, zS+1);
  }else{
    const char *zEnd = 0;
    int c = zP[0]=='[' && *zS ? ref_class(zP, *zS, &zEnd) : -1;
    if( zP[0]=='[' && *zS==0 ){
      const char *zDummy;
      c = ref_class(zP, 'x', &zDummy)<0 ? -1 : 0;    /* a class needs a character */
    }
    if( c>=0 ){
      r = c==1 && *zS!='/' && ref_match(zP0, zEnd, zS0, zS+1);
    }else{
      r = *zS==zP[0] && ref_match(zP0, zP+1, zS0, zS+1);
    }
  }
  aMemo[k] = r ? 2 : 1;
  return r;
}

static int ref_glob(const char *zP, const char *zS){
  size_t nP = strlen(zP), nS = strlen(zS);
  int r;
  nMemoPath = nS;
  aMemo = calloc((nP+1)*(nS+1), 1);
  if( aMemo==0 ) fz_env_fail("calloc");
  r = ref_match(zP, zP, zS, zS);
  free(aMemo);
  aMemo = 0;
  return r;
}

/* mode 4: the glob matcher */
static void mode_glob(const Args *a){
  const char *zPat = a->az[0], *zPath = a->az[1];
  int r;
  if( too_many_stars(zPat) ) return;
  r = walk_glob_match(zPat, zPath);
  if( r!=0 && r!=1 ) fz_fail("walk_glob_match returned %d", r);
  if( strlen(zPat)<=512 && strlen(zPath)<=512 && r!=ref_glob(zPat, zPath) ){
    fz_fail("walk_glob_match('%s', '%s') is %d, the reference matcher says %d", zPat, zPath,
            r, !r);
  }
  if( strpbrk(zPat, "*?[")==0 && r!=(strcmp(zPat, zPath)==0) ){
    fz_fail("glob without wildcards: '%s' vs '%s' gives %d", zPat, zPath, r);
  }
  if( walk_glob_match(zPath, zPath)!=1 && strpbrk(zPath, "*?[")==0 ){
    fz_fail("a path does not match itself: '%s'", zPath);
  }
  if( walk_glob_match("**", zPath)!=1 ) fz_fail("'**' does not match '%s'", zPath);
  if( walk_glob_match("*", zPath)!=(strchr(zPath, '/')==0) ){
    fz_fail("'*' vs '%s' is wrong", zPath);
  }
}

/* A fuzzed constraint value: text, an integer, a real or NULL. */
static void bind_value(sqlite3_stmt *p, int i, unsigned how, const char *zPiece){
  int rc = SQLITE_OK;
  switch( how & 3 ){
    case 0: fz_bind_text(p, i, zPiece, -1); break;
    case 1: fz_bind_int64(p, i, int_of_piece(zPiece)); break;
    case 2: rc = sqlite3_bind_double(p, i, strtod(zPiece, 0)); break;
    default: rc = sqlite3_bind_null(p, i); break;
  }
  if( rc ) fz_fail("bind %d", rc);
}

/* mode 5: a constraint with fuzzed values, pushed and not */
static void mode_pushdown(const Args *a){
  int iCond = (unsigned char)a->az[0][0] % N_COND, k = (a->bits>>6) & 1, j;
  sqlite3_stmt *ap[2];
  FzRows r[2];
  int rc[2];
  ap[0] = apPushed[iCond][k];
  ap[1] = apPlain[iCond][k];
  for(j=0; j<2; j++){
    fz_bind_text(ap[j], 1, zSandbox, -1);
    bind_value(ap[j], 2, a->bits & 3, a->az[1]);
    if( sqlite3_bind_parameter_count(ap[j])>=3 ) bind_value(ap[j], 3, (a->bits>>2) & 3, a->az[2]);
    fz_bind_int64(ap[j], 4, j==0 ? ((a->bits>>4) & 3) + 1 : 1);
    memset(&r[j], 0, sizeof(r[j]));
    rc[j] = run_all(ap[j], 0, &r[j], azCond[iCond]);
  }
  if( rc[0]!=SQLITE_DONE || rc[1]!=SQLITE_DONE ){
    fz_fail("WHERE %s: an error (%d, %d): %s", azCond[iCond], rc[0], rc[1], sqlite3_errmsg(db));
  }
  if( fz_rows_diff(&r[0], &r[1], 0, 0)>=0 ){
    char z1[256], z2[256];
    fz_fail("pushdown changes the answer: WHERE %s with ?2='%s' ?3='%s' (bits %02x): "
            "count %s pushed, %s not", azCond[iCond], a->az[1], a->az[2], a->bits,
            fz_cell_text(&r[0], 0, z1, sizeof(z1)), fz_cell_text(&r[1], 0, z2, sizeof(z2)));
  }
  for(j=0; j<2; j++){
    fz_reset(ap[j]);
    fz_rows_clear(&r[j]);
  }
}

/* mode 6: detect on the sandbox with fuzzed bounds vs the same over a copy */
static void mode_detect_bounds(const Args *a){
  sqlite3_stmt *p = apDetect[2];
  FzRows r1, r2;
  int rc1, rc2;
  char *zErr = 0;
  memset(&r1, 0, sizeof(r1));
  memset(&r2, 0, sizeof(r2));
  fz_bind_text(p, 1, zSandbox, -1);
  bind_value(p, 2, a->bits & 3, a->az[0]);
  bind_value(p, 3, (a->bits>>2) & 3, a->az[1]);
  bind_value(pDetM, 2, a->bits & 3, a->az[0]);
  bind_value(pDetM, 3, (a->bits>>2) & 3, a->az[1]);
  rc1 = run_all(p, 1, &r1, "detect(sandbox, since, until)");
  if( rc1==SQLITE_ERROR ) zErr = sqlite3_mprintf("%s", sqlite3_errmsg(db));
  rc2 = run_all(pDetM, 1, &r2, "detect('m_all', since, until)");
  if( rc1!=rc2 ){
    fz_fail("detect bounds: path gives rc %d (%s), copy gives rc %d (%s)", rc1, zErr ? zErr : "",
            rc2, sqlite3_errmsg(db));
  }
  if( rc1==SQLITE_DONE ){
    int k = fz_rows_diff(&r1, &r2, 0, 0);
    if( k>=0 ){
      char z1[256], z2[256];
      fz_fail("detect(sandbox, '%s', '%s') differs from detect(copy): %d vs %d rows, %s vs %s",
              a->az[0], a->az[1], r1.nRow, r2.nRow, fz_cell_text(&r1, k, z1, sizeof(z1)),
              fz_cell_text(&r2, k, z2, sizeof(z2)));
    }
  }
  fz_reset(p);
  fz_reset(pDetM);
  sqlite3_free(zErr);
  fz_rows_clear(&r1);
  fz_rows_clear(&r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  Args a;
  args_parse(data, size, &a);
  switch( a.eMode % 7 ){
    case 0: mode_trail(&a); break;
    case 1: mode_files(&a); break;
    case 2: mode_detect(&a); break;
    case 3: mode_create(&a); break;
    case 4: mode_glob(&a); break;
    case 5: mode_pushdown(&a); break;
    default: mode_detect_bounds(&a); break;
  }
  args_free(&a);
  return 0;
}
