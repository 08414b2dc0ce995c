/*
** filter.c: check pushed-down constraints on paths, bytes and records (see filter.h).
**
** Every check here may only say "cannot match" when that is certain: a pruned file, a
** skipped buffer or a dropped record would otherwise be an event lost to the investigator.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "filter.h"
#include "json.h"
#include "record.h"
#include "rule_mfa.h"

static char *dup_text(const char *z, size_t n){
  char *zOut = sqlite3_malloc64(n+1);
  if( zOut ){
    memcpy(zOut, z, n);
    zOut[n] = 0;
  }
  return zOut;
}

/* Append a copy of z[0..n) to the values of f (arrays left by a failed append are reused). */
static int str_append(FilterStr *f, const char *z, size_t n){
  char **az = sqlite3_realloc64(f->azVal, (f->nVal+1)*sizeof(char*));
  size_t *an;
  if( az==0 ) return SQLITE_NOMEM;
  f->azVal = az;
  an = sqlite3_realloc64(f->anVal, (f->nVal+1)*sizeof(size_t));
  if( an==0 ) return SQLITE_NOMEM;
  f->anVal = an;
  if( (az[f->nVal] = dup_text(z, n))==0 ) return SQLITE_NOMEM;
  an[f->nVal++] = n;
  return SQLITE_OK;
}

/* Add z[0..n) to the actors of an identity set. */
int filter_who_add_actor(FilterWho *p, const char *z, size_t n){
  p->actor.iField = FX_actor;
  return str_append(&p->actor, z, n);
}

/* Add the IAM user (user_name, account_id) to an identity set. */
int filter_who_add_user(FilterWho *p, const char *zName, size_t nName, const char *zAcct,
                        size_t nAcct){
  if( p->nUser>=p->nUserAlloc ){
    int nNew = p->nUserAlloc ? 2*p->nUserAlloc : 8;
    char **a1 = sqlite3_realloc64(p->azName, nNew*sizeof(char*));
    if( a1==0 ) return SQLITE_NOMEM;
    p->azName = a1;
    a1 = sqlite3_realloc64(p->azAcct, nNew*sizeof(char*));
    if( a1==0 ) return SQLITE_NOMEM;
    p->azAcct = a1;
    size_t *a2 = sqlite3_realloc64(p->anName, nNew*sizeof(size_t));
    if( a2==0 ) return SQLITE_NOMEM;
    p->anName = a2;
    a2 = sqlite3_realloc64(p->anAcct, nNew*sizeof(size_t));
    if( a2==0 ) return SQLITE_NOMEM;
    p->anAcct = a2;
    p->nUserAlloc = nNew;
  }
  p->azName[p->nUser] = dup_text(zName, nName);
  p->azAcct[p->nUser] = dup_text(zAcct, nAcct);
  if( p->azName[p->nUser]==0 || p->azAcct[p->nUser]==0 ){
    sqlite3_free(p->azName[p->nUser]);
    sqlite3_free(p->azAcct[p->nUser]);
    return SQLITE_NOMEM;
  }
  p->anName[p->nUser] = nName;
  p->anAcct[p->nUser] = nAcct;
  p->nUser++;
  return SQLITE_OK;
}

void filter_who_free(FilterWho *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<p->actor.nVal; i++) sqlite3_free(p->actor.azVal[i]);
  sqlite3_free(p->actor.azVal);
  sqlite3_free(p->actor.anVal);
  for(i=0; i<p->nUser; i++){
    sqlite3_free(p->azName[i]);
    sqlite3_free(p->azAcct[i]);
  }
  sqlite3_free(p->azName);
  sqlite3_free(p->azAcct);
  sqlite3_free(p->anName);
  sqlite3_free(p->anAcct);
  sqlite3_free(p);
}

void filter_clear(Filter *p){
  int i, j;
  filter_who_free(p->pWho);
  for(i=0; i<p->nTimeCmp; i++) sqlite3_free(p->aTimeCmp[i].z);
  for(i=0; i<FILTER_MAX_STR; i++){
    for(j=0; j<p->aStr[i].nVal; j++) sqlite3_free(p->aStr[i].azVal[j]);
    sqlite3_free(p->aStr[i].azVal);
    sqlite3_free(p->aStr[i].anVal);
  }
  memset(p, 0, sizeof(*p));
}

int filter_is_empty(const Filter *p){
  return p->nStr==0 && !p->bLo && !p->bHi && !p->bMfaRule && !p->bKeys && !p->xEval
      && p->nTimeCmp==0 && p->pWho==0;
}

/* Order of a FilterKeys set: by length, then bytes. */
static int key_cmp(const char *a, size_t na, const char *b, size_t nb){
  if( na!=nb ) return na<nb ? -1 : 1;
  return memcmp(a, b, na);
}

void filter_keys_sort(FilterKeys *k){
  int i, j;
  for(i=1; i<k->n; i++){                  /* insertion sort: a few hundred values at most */
    const char *z = k->az[i];
    size_t n = k->an[i];
    for(j=i; j>0 && key_cmp(k->az[j-1], k->an[j-1], z, n)>0; j--){
      k->az[j] = k->az[j-1];
      k->an[j] = k->an[j-1];
    }
    k->az[j] = z;
    k->an[j] = n;
  }
}

int filter_key_text(const char *z, size_t s, const FieldIndex *pIdx, int iField,
                    const char **pz, size_t *pn){
  size_t vs, ve, i;
  if( pIdx->aE[iField]==0 ) return 0;
  vs = s + pIdx->aS[iField];
  ve = s + pIdx->aE[iField];
  if( ve-vs<3 || z[vs]!='"' || z[ve-1]!='"' ) return -1;
  for(i=vs+1; i<ve-1; i++){
    unsigned char c = (unsigned char)z[i];
    if( c=='\\' || c>=0x80 ) return -1;
  }
  *pz = z+vs+1;
  *pn = ve-vs-2;
  return 1;
}

int filter_keys_have(const FilterKeys *k, const char *z, size_t n){
  int lo = 0, hi = k->n-1;
  while( lo<=hi ){
    int mid = (lo+hi)/2, c = key_cmp(k->az[mid], k->an[mid], z, n);
    if( c==0 ) return 1;
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return 0;
}

/* May the field hold one of k's values, as ecs.c reads it? 0 only when certain. */
static int key_may_be(const FilterKeys *k, const char *z, size_t s, const FieldIndex *pIdx,
                      int iField){
  const char *zV = 0;
  size_t nV = 0;
  int rc = filter_key_text(z, s, pIdx, iField, &zV, &nV);
  return rc<0 || (rc>0 && filter_keys_have(k, zV, nV));
}

/* Evaluate the scan's rules (p->xEval) on the record: 0 when none matches it (drop it),
** 1 when one does or they could not be evaluated (out of memory: the record is kept, and
** the consuming thread decides). *pRun says which match, or is not done. The Record is the
** caller's (*ppRec, one per batch of files being read: workers share nothing, and no thread-local
** state outlives a scan or the library), else one for this call only. */
static int eval_rules(const Filter *p, const char *z, size_t s, size_t e,
                      const FieldIndex *pIdx, Record **ppRec, RuleBits *pRun){
  Record local, *r = &local;
  int i, rc, bAny = 0;
  if( ppRec ){
    if( *ppRec==0 && (*ppRec = sqlite3_malloc64(sizeof(Record)))!=0 ){
      memset(*ppRec, 0, sizeof(Record));
    }
    if( *ppRec ) r = *ppRec;
  }
  if( r==&local ) memset(&local, 0, sizeof(local));
  record_set(r, z, s, e, 0, pIdx);            /* flags: ecs.c does not read them */
  rc = p->xEval(p->pEvalCtx, r, pRun);
  if( r==&local ) record_clear(&local);
  if( rc ){
    pRun->bDone = 0;
    return 1;
  }
  for(i=0; i<RULE_BITS_MAX/64; i++) bAny |= pRun->a[i]!=0;
  return bAny;
}

void filter_record_free(Record *pRec){
  if( pRec==0 ) return;
  record_clear(pRec);
  sqlite3_free(pRec);
}

/* Require the eventTime text to compare with z[0..n) as op says, as SQLite's BINARY
** collation compares text. Checked on each record, and on the files' delivery stamps as
** event_epoch bounds are (filter_prune_file: the text CloudTrail writes sorts as its times
** do; an eventTime written some other way, "zzz" > "2026", is outside that assumption). */
int filter_add_time_text(Filter *p, int op, const char *z, size_t n){
  if( p->nTimeCmp>=4 ) return SQLITE_OK;                /* SQLite still checks it */
  p->aTimeCmp[p->nTimeCmp].z = sqlite3_malloc64(n+1);
  if( p->aTimeCmp[p->nTimeCmp].z==0 ) return SQLITE_NOMEM;
  memcpy(p->aTimeCmp[p->nTimeCmp].z, z, n);
  p->aTimeCmp[p->nTimeCmp].n = n;
  p->aTimeCmp[p->nTimeCmp].op = op;
  p->nTimeCmp++;
  return SQLITE_OK;
}

/* Require field iField to equal z[0..n) (or one of the values added for it before). */
int filter_add_str(Filter *p, int iField, int iCons, const char *z, size_t n){
  FilterStr *f = 0;
  int i, rc;
  /* the values of one constraint (an IN list) are alternatives; two constraints on the
  ** same field must both hold, so each keeps an entry of its own */
  for(i=0; i<p->nStr; i++){
    if( p->aStr[i].iField==iField && p->aStr[i].iCons==iCons ){ f = &p->aStr[i]; break; }
  }
  if( f==0 ){
    /* xBestIndex pushes at most FILTER_MAX_STR, so none is lost here (and one that SQLite
    ** was told not to check again would be) */
    if( p->nStr>=FILTER_MAX_STR ) return SQLITE_ERROR;
    f = &p->aStr[p->nStr];                              /* counted once it has a value */
    f->iField = iField;
    f->iCons = iCons;
    f->nVal = 0;                                        /* arrays left by a failed add are reused */
  }
  rc = str_append(f, z, n);
  if( rc ) return rc;
  if( f->nVal==1 ) p->nStr++;
  return SQLITE_OK;
}

/* The text CloudTrail writes for the second t ("2026-03-04T10:05:00Z") into z (20 bytes and a NUL): 0 when t
** is outside years 0001-9999, whose texts would not sort as the times do. */
static int time_text(long long t, char z[80]){
  struct tm tm;
  time_t tt = (time_t)t;
  if( t < -62135596800LL || t > 253402300799LL ) return 0;
  if( gmtime_r(&tt, &tm)==0 ) return 0;
  snprintf(z, 80, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return 1;
}

/* BINARY collation's order of a and b. */
static int text_cmp(const char *a, size_t na, const char *b, size_t nb){
  int c = memcmp(a, b, na<nb ? na : nb);
  return c ? c : (na<nb ? -1 : na>nb);
}

/* Can an eventTime text in [A, B] (as BINARY compares text) satisfy every eventTime text
** bound of the scan? */
static int time_texts_can_match(const Filter *p, const char *zA, const char *zB){
  int k;
  for(k=0; k<p->nTimeCmp; k++){
    const char *z = p->aTimeCmp[k].z;
    size_t n = p->aTimeCmp[k].n;
    switch( p->aTimeCmp[k].op ){
      case FILTER_GT: if( text_cmp(zB, 20, z, n)<=0 ) return 0; break;
      case FILTER_GE: if( text_cmp(zB, 20, z, n)<0 ) return 0; break;
      case FILTER_LT: if( text_cmp(zA, 20, z, n)>=0 ) return 0; break;
      case FILTER_LE: if( text_cmp(zA, 20, z, n)>0 ) return 0; break;
    }
  }
  return 1;
}

/* Could a file whose stamps lie in [iFirst, iLast] hold a matching event? Only time prunes:
** an event cannot be delivered before it happened, and max_delivery_delay bounds how late
** it may come, so such a file holds events of [iFirst - max delay, iLast + slack].
** Text bounds on eventTime prune on the same assumption, read on the text CloudTrail
** writes ("2026-03-04T10:05:00.123Z": the order of those texts is the order of the times):
** such a file's eventTimes then lie, as text, in [A, B], the texts of one second before
** the earliest time (a fraction, ".5Z", sorts before "Z") and of the latest. */
static int stamps_prune(const Filter *p, long long iFirst, long long iLast){
  char zA[80], zB[80];
  if( p->iMaxDelay<=0 ) return 0;
  if( p->bHi && iFirst - p->iMaxDelay > p->iHi ) return 1;
  if( p->bLo && iLast + FILTER_STAMP_SLACK < p->iLo ) return 1;
  if( p->nTimeCmp
   && time_text(iFirst - p->iMaxDelay - 1, zA) && time_text(iLast + FILTER_STAMP_SLACK, zB)
   && !time_texts_can_match(p, zA, zB) ){
    return 1;
  }
  return 0;
}

/* Could a file whose name carries AWS's delivery stamp hold a matching event? The account
** and region in a name are never trusted (global services' events, with awsRegion
** us-east-1, are delivered to the trail's own region). */
int filter_prune_file(const Filter *p, const S3Name *pName){
  if( !pName->zTime[0] ) return 0;
  return stamps_prune(p, pName->iTime, pName->iTime);
}

/* Could a date folder of AWS's layout (.../YYYY/MM/DD) hold a matching event? By the
** delivery times it can hold, as for file names. */
int filter_prune_dir(const Filter *p, const char *zDir){
  S3Name name;
  long long iStart, iEnd;
  if( !p->bLo && !p->bHi && p->nTimeCmp==0 ) return 0;
  if( !s3path_dir(zDir, &name, &iStart, &iEnd) ) return 0;
  /* stamps in [iStart, iEnd) */
  return iEnd>iStart && stamps_prune(p, iStart, iEnd - 1);
}

/* find_pos()'s vector loops. From place *pI (a place: where a match of the needle would
** start), the first place k at most nLast where the needle matches, looked at only where
** z[k+iKey] and z[k+i2] are the needle's bytes there; 0 when none. *pI is left at the first
** place not looked at (the byte loop takes the tail). AVX2 where the processor has it (32
** places a compare, 64 a step), else SSE2 (16 a compare, 64 a step while they fit). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
__attribute__((target("avx2")))
static const char *pair_scan_avx2(const char *z, size_t nLast, size_t *pI, const char *zNeedle,
                                  size_t nNeedle, size_t iKey, size_t i2){
  const __m256i v1 = _mm256_set1_epi8(zNeedle[iKey]), v2 = _mm256_set1_epi8(zNeedle[i2]);
  size_t i = *pI;
  /* places i..i+63 are all at most nLast: every byte loaded lies before z[nLast+nNeedle] */
  for(; i+63<=nLast; i+=64){
    __m256i a0 = _mm256_loadu_si256((const __m256i*)(z+i+iKey));
    __m256i b0 = _mm256_loadu_si256((const __m256i*)(z+i+i2));
    __m256i a1 = _mm256_loadu_si256((const __m256i*)(z+i+32+iKey));
    __m256i b1 = _mm256_loadu_si256((const __m256i*)(z+i+32+i2));
    uint64_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a0, v1),
                                                                  _mm256_cmpeq_epi8(b0, v2)));
    uint64_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a1, v1),
                                                                  _mm256_cmpeq_epi8(b1, v2)));
    uint64_t bits = lo | hi<<32;
    while( bits ){
      size_t k = i + (size_t)__builtin_ctzll(bits);
      if( memcmp(z+k, zNeedle, nNeedle)==0 ){ *pI = i; return z+k; }
      bits &= bits-1;
    }
  }
  *pI = i;
  return 0;
}
#endif

#ifdef __SSE2__
static const char *pair_scan_sse2(const char *z, size_t nLast, size_t *pI, const char *zNeedle,
                                  size_t nNeedle, size_t iKey, size_t i2){
  const __m128i v1 = _mm_set1_epi8(zNeedle[iKey]), v2 = _mm_set1_epi8(zNeedle[i2]);
  size_t i = *pI;
  for(; i+15<=nLast; ){
    /* four blocks a step while they fit (a rare pair costs one test per 64 places) */
    int nBlock = i+63<=nLast ? 4 : 1, b;
    uint64_t bits = 0;
    for(b=0; b<nBlock; b++){
      __m128i x = _mm_loadu_si128((const __m128i*)(z+i+16*b+iKey));
      __m128i y = _mm_loadu_si128((const __m128i*)(z+i+16*b+i2));
      bits |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, v1),
                                                                  _mm_cmpeq_epi8(y, v2))) << (16*b);
    }
    while( bits ){
      size_t k = i + (size_t)__builtin_ctzll(bits);
      if( memcmp(z+k, zNeedle, nNeedle)==0 ){ *pI = i; return z+k; }
      bits &= bits-1;
    }
    i += 16*(size_t)nBlock;
  }
  *pI = i;
  return 0;
}
#endif

/* Does zNeedle occur in z[0..n)? A place is compared only where the needle's byte at iKey
** (a byte rarer than the rest) and its last (or first) byte both sit as they would in a
** match, 64 places a step: a common key byte (the 'w' of "arn:aws:) then costs
** no call per occurrence, and a rare one goes as fast as memchr(). Several times faster
** than glibc's memmem() here, where this search runs over every byte of a corpus. */
static const char *find_pos(const char *z, size_t n, const char *zNeedle, size_t nNeedle,
                            size_t iKey){
  const char *zEnd = z + n, *q = 0;
  size_t i = 0;
  if( nNeedle==0 ) return z;
  if( n<nNeedle ) return 0;
  if( nNeedle>=2 ){
    size_t i2 = iKey==nNeedle-1 ? 0 : nNeedle-1;
#if defined(__x86_64__) && defined(__GNUC__)
    if( __builtin_cpu_supports("avx2") ){
      q = pair_scan_avx2(z, n-nNeedle, &i, zNeedle, nNeedle, iKey, i2);
      if( q ) return q;
    }
#endif
#ifdef __SSE2__
    q = pair_scan_sse2(z, n-nNeedle, &i, zNeedle, nNeedle, iKey, i2);
    if( q ) return q;
#endif
  }
  q = z + i + iKey;
  while( q < zEnd - (nNeedle-1-iKey) ){
    q = memchr(q, zNeedle[iKey], (size_t)(zEnd - (nNeedle-1-iKey) - q));
    if( q==0 ) return 0;
    if( memcmp(q-iKey, zNeedle, nNeedle)==0 ) return q-iKey;
    q++;
  }
  return 0;
}

static int find(const char *z, size_t n, const char *zNeedle, size_t nNeedle, size_t iKey){
  return find_pos(z, n, zNeedle, nNeedle, iKey)!=0;
}

/* Could z[0..n) spell a string another way than has_string() looks for? Only through a
** \u or a \/ escape. */
static int has_escape(const char *z, size_t n){
  const char *q = z, *zEnd = z + n;
  while( (q = memchr(q, '\\', (size_t)(zEnd - q)))!=0 && q+1<zEnd ){
    if( q[1]=='u' || q[1]=='/' ) return 1;
    q += 2;                                     /* an escaped character: skip both */
  }
  return 0;
}

/* How common a byte is in CloudTrail JSON, roughly (0: rare .. 9: everywhere). The
** search below looks for a value's rarest byte first. */
static int commonness(unsigned char c){
  if( c=='"' || c==',' || c==':' || c==' ' ) return 9;
  if( strchr("etaoinsr", c) ) return 8;
  if( strchr("lcdumhp0123456789-.", c) ) return 7;
  if( c>='a' && c<='z' ) return 5;
  if( strchr("{}[]/_", c) ) return 6;
  if( c>='A' && c<='Z' ) return 3;
  return 2;
}

/* Does the JSON string for zVal occur in z[0..n), quotes included, spelled the one way a
** writer that escapes only what JSON requires would spell it? Returns -1 when zVal has a
** control character (which has several spellings) and so cannot be searched for. */
static int has_string(const char *z, size_t n, const char *zVal, size_t nVal){
  char zBuf[512];
  size_t i, k = 0, iKey;
  if( 2*nVal+2>sizeof(zBuf) ) return -1;
  zBuf[k++] = '"';
  for(i=0; i<nVal; i++){
    unsigned char c = (unsigned char)zVal[i];
    if( c<0x20 || c>=0x80 ) return -1;                  /* could be invalid UTF-8 in the file */
    if( c=='"' || c=='\\' ) zBuf[k++] = '\\';
    zBuf[k++] = (char)c;
  }
  zBuf[k++] = '"';
  for(i=1, iKey=0; i<k; i++){
    if( commonness((unsigned char)zBuf[i]) < commonness((unsigned char)zBuf[iKey]) ) iKey = i;
  }
  return find(z, n, zBuf, k, iKey);
}

/* Could zVal be the text a column shows for a value that is not a JSON string? That text
** is the value's JSON text: a number as written, true or false, an object or an array. */
static int literal_shaped(const char *zVal, size_t nVal){
  JsonError err;
  unsigned flags = 0;
  if( nVal==0 ) return 0;
  if( zVal[0]=='{' || zVal[0]=='[' ) return 1;
  if( (nVal==4 && memcmp(zVal, "true", 4)==0) || (nVal==5 && memcmp(zVal, "false", 5)==0) ){
    return 1;
  }
  if( zVal[0]!='-' && (zVal[0]<'0' || zVal[0]>'9') ) return 0;
  return json_skip(zVal, nVal, 0, &flags, &err)==nVal;
}

/* Can a field whose column text is zVal occur in z[0..n)? 1 yes (or cannot tell: -1),
** 0 certainly not. A string decodes to zVal only if it is written as has_string() looks
** for it (or with an escape, which the caller checks). Any other value shows its JSON
** text as written, repaired only where it holds control bytes or invalid UTF-8: so zVal,
** when it has neither nor a backslash (which repairs produce), occurs in the bytes as is,
** and finding it unquoted also covers the quoted spelling. */
static int has_value(const char *z, size_t n, const char *zVal, size_t nVal){
  size_t i, iKey = 0;
  if( !literal_shaped(zVal, nVal) ) return has_string(z, n, zVal, nVal);
  for(i=0; i<nVal; i++){
    unsigned char c = (unsigned char)zVal[i];
    if( c<0x20 || c>=0x80 || c=='\\' ) return -1;
    if( commonness(c) < commonness((unsigned char)zVal[iKey]) ) iKey = i;
  }
  return find(z, n, zVal, nVal, iKey);
}

/* Does any of the n values az[i] (the column texts of one constraint, or an identity set's
** names) occur in z[0..nz) as has_value() looks for it? 1 yes or cannot tell, 0 none. When
** several are searched, those spelled as JSON strings with a common beginning of five bytes
** or more (ARNs: "arn:aws:) are found in one pass: each place that beginning occurs is
** compared with each of them, rather than the bytes searched once per value. */
static int any_value(const char *z, size_t nz, char **az, const size_t *an, int n){
  char zPre[64];
  size_t nPre = 0, i, iKey;
  int j, bPre = n>1;
  for(j=0; j<n && bPre; j++){
    size_t k, m;
    if( literal_shaped(az[j], an[j]) || an[j]+1>sizeof(zPre) ){ bPre = 0; break; }
    for(k=0; k<an[j]; k++){
      unsigned char c = (unsigned char)az[j][k];
      if( c<0x20 || c>=0x80 || c=='"' || c=='\\' ){ bPre = 0; break; }
    }
    if( !bPre ) break;
    if( j==0 ){
      zPre[0] = '"';
      memcpy(zPre+1, az[0], an[0]);
      nPre = an[0]+1;
    }else{
      for(m=1; m<nPre && m-1<an[j] && zPre[m]==az[j][m-1]; m++){}
      nPre = m;
    }
  }
  if( !bPre || nPre<5 ){
    for(j=0; j<n; j++){
      if( has_value(z, nz, az[j], an[j])!=0 ) return 1;
    }
    return 0;
  }
  for(i=1, iKey=0; i<nPre; i++){
    if( commonness((unsigned char)zPre[i]) < commonness((unsigned char)zPre[iKey]) ) iKey = i;
  }
  for(i=0; i+nPre<=nz; i++){
    const char *q = find_pos(z+i, nz-i, zPre, nPre, iKey);
    if( q==0 ) return 0;
    i = (size_t)(q - z);
    for(j=0; j<n; j++){
      /* "value" at q: the opening quote, the value, the closing quote (checked first:
      ** it rules most out) */
      if( i+an[j]+2<=nz && q[an[j]+1]=='"' && memcmp(q+1, az[j], an[j])==0 ) return 1;
    }
  }
  return 0;
}

/* Does the eventTime value span [ts,te) (not null) pass the eventTime text comparisons? */
static int time_text_ok(const Filter *p, const char *z, size_t ts, size_t te){
  int k;
  for(k=0; k<p->nTimeCmp; k++){
    int c = json_text_cmp(z, ts, te, p->aTimeCmp[k].z, p->aTimeCmp[k].n), bOk;
    switch( p->aTimeCmp[k].op ){
      case FILTER_GT: bOk = c>0; break;
      case FILTER_GE: bOk = c>=0; break;
      case FILTER_LT: bOk = c<0; break;
      default:        bOk = c<=0; break;
    }
    if( !bOk ) return 0;
  }
  return 1;
}

/* Can a record in z[0..n) pass the filter's time constraints (event_epoch bounds, eventTime
** text comparisons)? Its eventTime key is spelled "eventTime" when the file has no \u
** escape (the caller checks), so every place those bytes are followed by a colon is looked
** at (a nested key too: one more place to look at, never one less), and a string value
** checked as filter_record() checks it (record_time_span, time_text_ok). null has no time;
** another value has no event_epoch, and its JSON text could pass a text comparison. None
** passes: no record of the file does. */
static int time_may_match(const Filter *p, const char *z, size_t n){
  static const char zKey[] = "\"eventTime\"";
  const size_t nKey = sizeof(zKey)-1;
  size_t i = 0;
  for(;;){
    const char *q = find_pos(z+i, n-i, zKey, nKey, 6);       /* key byte: the 'T' */
    size_t vs, ve;
    long long t;
    if( q==0 ) return 0;
    i = (size_t)(q - z) + 1;                    /* the next search may overlap this place */
    vs = json_ws(z, n, (size_t)(q - z) + nKey);
    if( vs>=n || z[vs]!=':' ) continue;
    vs = json_ws(z, n, vs+1);
    if( vs>=n ) return 1;
    if( z[vs]=='n' ) continue;
    if( z[vs]!='"' ){
      if( p->nTimeCmp && !p->bLo && !p->bHi ) return 1;
      continue;
    }
    for(ve=vs+1; ve<n && z[ve]!='"'; ve++){
      if( z[ve]=='\\' ) ve++;                               /* the escaped byte */
    }
    if( ve>=n ) return 1;                                    /* unterminated: cannot tell */
    ve++;
    if( (p->bLo || p->bHi)
     && !(record_time_span(z, vs, ve, &t) && (!p->bLo || t>=p->iLo) && (!p->bHi || t<=p->iHi)) ){
      continue;
    }
    if( time_text_ok(p, z, vs, ve) ) return 1;
  }
}

/* Can the decompressed bytes of a file hold a match? A value whose column text equals a
** wanted text must occur in the file as has_value() looks for it, unless it is a string
** spelled with a \u or \/ escape: when the file has none, a missing value rules the
** file out; so do time constraints no eventTime in the file meets (time_may_match).
** The time check comes last: the string searches rule out more files for less. */
int filter_bytes(const Filter *p, const char *z, size_t n){
  int i;
  if( p->bMfaRule ){
    /* both names end in MFADevice": one search rules most files out */
    if( !find(z, n, "MFADevice\"", 10, 0)
     || (!has_string(z, n, "DeactivateMFADevice", 19)
         && !has_string(z, n, "DeleteVirtualMFADevice", 22)) ){
      return has_escape(z, n);
    }
  }
  for(i=0; i<p->nStr; i++){
    const FilterStr *f = &p->aStr[i];
    if( !any_value(z, n, f->azVal, f->anVal, f->nVal) ) return has_escape(z, n);
  }
  if( p->pWho ){
    /* an identity's event has its actor's text, or its IAM user's name, in the bytes */
    const FilterWho *w = p->pWho;
    if( !any_value(z, n, w->actor.azVal, w->actor.anVal, w->actor.nVal)
     && !any_value(z, n, w->azName, w->anName, w->nUser) ){
      return has_escape(z, n);
    }
  }
  if( (p->bLo || p->bHi || p->nTimeCmp) && !time_may_match(p, z, n) ) return has_escape(z, n);
  return 1;
}

/* Does the column text of the value span [s,e) equal one of the wanted values? null is
** NULL in the column, which equals nothing. */
/* Does the column text of the value span [s,e) equal zVal? bPlain: json_str_plain() of
** the span, found once by the caller for all the values it compares: then the bytes are the
** text, and only a value of that length can equal it. */
static int span_is(const char *z, size_t s, size_t e, int bPlain, const char *zVal, size_t nVal){
  if( bPlain ) return nVal==e-s-2 && memcmp(z+s+1, zVal, nVal)==0;
  return json_text_cmp(z, s, e, zVal, nVal)==0;
}

static int value_one_of(const FilterStr *f, const char *z, size_t s, size_t e){
  int i, bPlain;
  if( z[s]=='n' ) return 0;
  bPlain = json_str_plain(z, s, e);
  for(i=0; i<f->nVal; i++){
    if( span_is(z, s, e, bPlain, f->azVal[i], f->anVal[i]) ) return 1;
  }
  return 0;
}

/* The derived column a derived filter field stands for. */
static int derived_column(int iField){
  return iField==FX_actor ? RD_actor : iField==FX_user_name ? RD_user_name : RD_account_id;
}

/* Is the record at z[s] (keys indexed in pIdx) an event of the identity set: its actor
** column one of the actors, or its user_type IAMUser with user_name and account_id one of
** the pairs? Each column's text as the column shows it (json_text_cmp). */
int filter_who_record(const FilterWho *p, const char *z, size_t s, const FieldIndex *pIdx){
  size_t vs, ve, ns, ne, as, ae;
  int i, bPlainName, bPlainAcct;
  if( p->actor.nVal && record_ident_span(z, s, pIdx, RD_actor, &vs, &ve)
   && value_one_of(&p->actor, z, vs, ve) ){
    return 1;
  }
  if( p->nUser==0 ) return 0;
  if( !record_ident_span(z, s, pIdx, RD_user_type, &vs, &ve) || z[vs]=='n'
   || json_text_cmp(z, vs, ve, "IAMUser", 7)!=0 ){
    return 0;
  }
  if( !record_ident_span(z, s, pIdx, RD_user_name, &ns, &ne) || z[ns]=='n' ) return 0;
  if( !record_ident_span(z, s, pIdx, RD_account_id, &as, &ae) || z[as]=='n' ) return 0;
  bPlainName = json_str_plain(z, ns, ne);
  bPlainAcct = json_str_plain(z, as, ae);
  for(i=0; i<p->nUser; i++){
    if( span_is(z, ns, ne, bPlainName, p->azName[i], p->anName[i])
     && span_is(z, as, ae, bPlainAcct, p->azAcct[i], p->anAcct[i]) ){
      return 1;
    }
  }
  return 0;
}

/* Does the record at z[s] (keys indexed in pIdx) satisfy every pushed constraint? Each
** constraint is checked on exactly the text its column shows (json_text_cmp()), from
** exactly the span the column reads (record_ident_span() for the derived ones). */
int filter_record(const Filter *p, const char *z, size_t s, size_t e, const FieldIndex *pIdx){
  return filter_record_ex(p, z, s, e, pIdx, 0, 0);
}

int filter_record_ex(const Filter *p, const char *z, size_t s, size_t e,
                     const FieldIndex *pIdx, Record **ppRec, RuleBits *pRun){
  RuleBits local;
  int i;
  if( pRun ) pRun->bDone = 0;
  if( p->bMfaRule && !rule_mfa_match(z, s, pIdx) ) return 0;
  if( p->xEval ){
    if( !eval_rules(p, z, s, e, pIdx, ppRec, pRun ? pRun : &local) ) return 0;
  }else if( p->bKeys && !key_may_be(&p->aKey[0], z, s, pIdx, RF_eventName)
         && !key_may_be(&p->aKey[1], z, s, pIdx, RF_eventSource) ){
    return 0;
  }
  if( p->nTimeCmp ){
    size_t ts = s + pIdx->aS[RF_eventTime], te = s + pIdx->aE[RF_eventTime];
    /* a missing or null eventTime is NULL: it compares with nothing */
    if( pIdx->aE[RF_eventTime]==0 || z[ts]=='n' ) return 0;
    if( !time_text_ok(p, z, ts, te) ) return 0;
  }
  if( p->bLo || p->bHi ){
    long long t;
    if( pIdx->aE[RF_eventTime]==0
     || !record_time_span(z, s + pIdx->aS[RF_eventTime], s + pIdx->aE[RF_eventTime], &t) ){
      return 0;
    }
    if( (p->bLo && t<p->iLo) || (p->bHi && t>p->iHi) ) return 0;
  }
  if( p->pWho && !filter_who_record(p->pWho, z, s, pIdx) ) return 0;
  for(i=0; i<p->nStr; i++){
    const FilterStr *f = &p->aStr[i];
    size_t vs, ve;
    if( f->iField<RF_COUNT ){
      if( pIdx->aE[f->iField]==0 ) return 0;
      vs = s + pIdx->aS[f->iField];
      ve = s + pIdx->aE[f->iField];
    }else if( !record_ident_span(z, s, pIdx, derived_column(f->iField), &vs, &ve) ){
      return 0;
    }
    if( !value_one_of(f, z, vs, ve) ) return 0;
  }
  return 1;
}
