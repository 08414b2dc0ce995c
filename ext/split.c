/*
** split.c: record splitting.
**
** The file's shape is decided from its content, never its name: a "{"Records":[...]}"
** log file (compact or pretty), a bare array, one record per line (optionally prefixed by
** a CloudWatch timestamp), concatenated values, a single record, EventBridge envelopes,
** digests. Each element is validated in place and handed out as a byte span.
**
** Salvage: a malformed element is reported and skipped, and scanning resumes at the next
** place where a whole record starts: in an array, an object after a ',' that parses and
** is followed by ',' or ']'; in a sequence, the next line that starts a value. Truncated
** data therefore keeps every record before the cut.
*/
#include <string.h>
#include "fields.h"
#include "json.h"
#include "split.h"

#define BAD ((size_t)-1)

#define MODE_DONE     0
#define MODE_ELEMENTS 1          /* inside an array; iPos is after '[' or ',' */
#define MODE_SEQUENCE 2          /* top-level values, one after another */

/* What an object holds. */
#define KIND_OTHER     0
#define KIND_RECORD    1         /* an object with a string eventName */
#define KIND_INSIGHT   2         /* a CloudTrail Insights event (it has no eventName) */
#define KIND_ENVELOPE  3         /* EventBridge: the record is under "detail" */
#define KIND_CONTAINER 4         /* {"Records":[...]} */
#define KIND_DIGEST    5

const char *split_format_name(int eFormat){
  static const char *azName[] = {
    "unknown", "records", "array", "ndjson", "object", "eventbridge", "digest", "insight"
  };
  if( eFormat<0 || eFormat>FMT_INSIGHT ) return "unknown";
  return azName[eFormat];
}

static int is_ws(char c){ return c==' ' || c=='\n' || c=='\r' || c=='\t'; }

/* Validate the value at z[i] and, for an object, index its top-level keys into *pIdx.
** Returns the end of the value or BAD. */
static size_t skip_indexed(const char *z, size_t n, size_t i, unsigned *pFlags, JsonError *pErr,
                           FieldIndex *pIdx){
  JsonCapture cap;
  memset(pIdx, 0, sizeof(*pIdx));
  cap.xMap = fields_lookup;
  size_t end;
  cap.aS = pIdx->aS;
  cap.aE = pIdx->aE;
  end = json_skip_capture(z, n, i, pFlags, pErr, &cap);
  pIdx->bNoDupKey = end!=BAD && (*pFlags & JSON_F_DUPKEY)==0;
  return end;
}

#define HAS(x, k) ((x)->aE[k]!=0)
#define AT(z, s, x, k) ((z)[(s) + (x)->aS[k]])

static int is_record_kind(int k){
  return k==KIND_RECORD || k==KIND_INSIGHT || k==KIND_ENVELOPE;
}

/* The first "Records" member of the validated object at z[s] whose value is an array:
** its span in *pS, *pE. A repeated Records key is read whole, every copy (see
** after_records_array), so no record is lost to it. */
static int first_records_array(const char *z, size_t s, size_t e, size_t *pS, size_t *pE){
  size_t i = s+1, ks, ke, vs, ve;
  while( json_next_member(z, e, &i, &ks, &ke, &vs, &ve) ){
    if( z[vs]=='[' && json_key_is(z, ks, ke, "Records", 7) ){
      *pS = vs;
      *pE = ve;
      return 1;
    }
  }
  return 0;
}

/* What the validated object z[s..e), indexed in *pIdx, is, from its content alone: an
** object with a string eventName is a record whatever else it holds. For containers *pS
** and *pE get the (first) Records array; for envelopes the "detail" object, whose index
** replaces *pIdx. */
static int classify(const char *z, size_t s, size_t e, FieldIndex *pIdx, size_t *pS, size_t *pE){
  if( HAS(pIdx, RF_eventName) && AT(z, s, pIdx, RF_eventName)=='"' ) return KIND_RECORD;
  if( HAS(pIdx, FK_Records) && first_records_array(z, s, e, pS, pE) ) return KIND_CONTAINER;
  if( HAS(pIdx, FK_digestStartTime) || HAS(pIdx, FK_logFiles) ) return KIND_DIGEST;
  if( HAS(pIdx, RF_eventType)
   && json_str_is(z, s + pIdx->aS[RF_eventType], s + pIdx->aE[RF_eventType], "AwsCloudTrailInsight") ){
    return KIND_INSIGHT;
  }
  if( HAS(pIdx, FK_detailType) && AT(z, s, pIdx, FK_detailType)=='"'
   && HAS(pIdx, FK_detail) && AT(z, s, pIdx, FK_detail)=='{' ){
    /* an EventBridge envelope: the record is its detail, which is indexed in turn */
    size_t ds = s + pIdx->aS[FK_detail], de = s + pIdx->aE[FK_detail], a, b;
    unsigned flags = 0;
    JsonError err;
    FieldIndex inner;
    if( skip_indexed(z, de, ds, &flags, &err, &inner)==de ){
      int k = classify(z, ds, de, &inner, &a, &b);
      if( k==KIND_RECORD || k==KIND_INSIGHT ){
        *pS = ds;
        *pE = de;
        *pIdx = inner;
        return KIND_ENVELOPE;
      }
    }
  }
  return KIND_OTHER;
}

/* A CloudWatch Logs export puts "2023-07-10T11:42:36.000Z " before each record. Returns
** the offset of the '{' after such a prefix at z[i], or BAD. */
static size_t after_stamp(const char *z, size_t n, size_t i){
  size_t k;
  if( n-i<12 ) return BAD;
  for(k=0; k<4; k++) if( z[i+k]<'0' || z[i+k]>'9' ) return BAD;
  if( z[i+4]!='-' ) return BAD;
  for(k=i+5; k<n && k<i+40 && z[k]!=' ' && z[k]!='\t'; k++){}
  if( k>=n || k>=i+40 ) return BAD;
  while( k<n && (z[k]==' ' || z[k]=='\t') ) k++;
  return k<n && z[k]=='{' ? k : BAD;
}

/* Does z[i] start '{ "Records" : [' ? Returns the offset after '[' or BAD. */
static size_t records_prefix(const char *z, size_t n, size_t i){
  i = json_ws(z, n, i+1);
  if( n-i<9 || memcmp(z+i, "\"Records\"", 9)!=0 ) return BAD;
  i = json_ws(z, n, i+9);
  if( i>=n || z[i]!=':' ) return BAD;
  i = json_ws(z, n, i+1);
  if( i>=n || z[i]!='[' ) return BAD;
  return i+1;
}

/* An object that starts '{"Records":[' is read element by element, without validating it
** whole first. It is still a record if a string eventName follows the array: look past
** the array (bracket counting only) at the members after it. */
static int records_object_is_record(const char *z, size_t n, size_t iArray){
  size_t i = json_end(z, n, iArray);
  unsigned flags = 0;
  JsonError err;
  if( i>=n ) return 0;
  i = json_ws(z, n, i);
  while( i<n && z[i]==',' ){
    size_t ks, ke, vs;
    i = json_ws(z, n, i+1);
    if( i>=n || z[i]!='"' ) return 0;
    ks = i;
    ke = json_skip(z, n, i, &flags, &err);
    if( ke==BAD ) return 0;
    i = json_ws(z, n, ke);
    if( i>=n || z[i]!=':' ) return 0;
    vs = json_ws(z, n, i+1);
    i = json_skip(z, n, vs, &flags, &err);
    if( i==BAD ) return 0;
    if( z[vs]=='"' && json_key_is(z, ks+1, ke-1, "eventName", 9) ) return 1;
    i = json_ws(z, n, i);
  }
  return 0;
}

/* An object that starts '{"Records":[' is a log file's container unless a string
** eventName follows its array, which in a log file means its end: rather than look
** ahead over the whole file first, the splitter marks the object, reads its elements as
** records, and decides on the way:
**  - it reads cleanly past the array to a string eventName member: one record;
**  - it reads cleanly to the object's '}': a container (nothing to undo);
**  - it meets damage (or a repeated Records key) first: records_object_is_record() decides,
**    as it always did, since the reading no longer shows what the look-ahead would see.
** For a record the splitter goes back to the mark (its counters and the problems as they
** were), the caller drops the records handed out since (SPLIT_RETRACT), and the object is
** read whole as a value: the answer is the look-ahead's, for the cost of a rare re-read. */
static void mark_records_obj(Splitter *p, size_t iObj, size_t iArr){
  p->bUndecided = 1;
  p->nMark++;
  p->iMarkObj = iObj;
  p->iMarkArr = iArr;
  p->nMarkIndex = p->nIndex;
  p->nMarkValues = p->nValues;
  p->eMarkFormat = p->eFormat;
  p->bMarkFormatKnown = p->bFormatKnown;
  p->markProb = *p->pProb;
}

/* The marked object is one record: back to its '{', to read it as a value. (While it was
** read as a container the format was known, so nJunk and zSkip did not change.) */
static void rewind_to_mark(Splitter *p){
  p->bUndecided = 0;
  p->bRetract = 1;
  p->nIndex = p->nMarkIndex;
  p->nValues = p->nMarkValues;
  p->eFormat = p->eMarkFormat;
  p->bFormatKnown = p->bMarkFormatKnown;
  *p->pProb = p->markProb;
  p->eMode = MODE_SEQUENCE;
  p->iPos = p->iMarkObj;
  p->bInRecordsObj = 0;
  p->iAsValue = p->iMarkObj;
}

/* Decide the marked object with the look-ahead: always (bAlways), or once the reading has
** met damage since the mark. Returns 1 when it is a record (rewound). */
static int settle(Splitter *p, int bAlways){
  if( !p->bUndecided ) return 0;
  if( !bAlways && p->pProb->nDamage==p->markProb.nDamage ) return 0;
  p->bUndecided = 0;
  if( !records_object_is_record(p->z, p->n, p->iMarkArr) ) return 0;
  rewind_to_mark(p);
  return 1;
}

/* Salvage. After damage, a place is taken as the start of a record only when it provably
** is a complete top-level element of the file as written: a probe reads on from it with
** the file's top-level grammar (`,` element ... `]`, the container's `}`, the end of the
** data or the next value). An object nested inside a damaged record runs, right after its
** own end, into its parent's structure (`}`, `]`, `,"key":`), and is rejected; a true
** element reaches a clean end, or the next damage (a failure inside a later element, or
** garbage where a separator belongs). */
#define CTX_RECORDS 1            /* elements of a Records array: '}' follows its ']' */
#define CTX_ARRAY   2            /* elements of a bare array */
#define CTX_SEQ     3            /* values one after another (ndjson, concatenated) */
#define CTX_ANY     4            /* not known (the file's start is damaged) */

/* A byte that continues valid JSON at a junction: a nested object runs into these. */
static int is_structural(char c){
  return c=='}' || c==']' || c==',' || c==':' || c=='"' || c=='[' || c=='-'
      || (c>='0' && c<='9') || c=='t' || c=='f' || c=='n';
}

/* After the top-level value ends at z[i]: the end of the data or another value. */
static int probe_after_top(const char *z, size_t n, size_t i){
  i = json_ws(z, n, i);
  if( i>=n || z[i]=='{' || z[i]=='[' ) return 1;
  return !is_structural(z[i]);
}

/* After the ']' of the array the probe was reading. */
static int probe_after_array(const char *z, size_t n, size_t i, int eCtx){
  unsigned flags = 0;
  JsonError err;
  i = json_ws(z, n, i);
  if( eCtx==CTX_ARRAY || (eCtx==CTX_ANY && (i>=n || (z[i]!='}' && z[i]!=','))) ){
    return probe_after_top(z, n, i) ? CTX_ARRAY : 0;
  }
  for(;;){
    if( i>=n ) return CTX_RECORDS;              /* cut after the array */
    if( z[i]=='}' ) return probe_after_top(z, n, i+1) ? CTX_RECORDS : 0;
    if( z[i]!=',' ) return is_structural(z[i]) ? 0 : CTX_RECORDS;
    i = json_ws(z, n, i+1);                     /* another member of the container */
    if( i>=n ) return CTX_RECORDS;
    if( z[i]!='"' ) return is_structural(z[i]) ? 0 : CTX_RECORDS;
    i = json_skip(z, n, i, &flags, &err);
    if( i==BAD ) return CTX_RECORDS;
    i = json_ws(z, n, i);
    if( i>=n ) return CTX_RECORDS;
    if( z[i]!=':' ) return is_structural(z[i]) ? 0 : CTX_RECORDS;
    i = json_skip(z, n, json_ws(z, n, i+1), &flags, &err);
    if( i==BAD ) return CTX_RECORDS;
    i = json_ws(z, n, i);
  }
}

/* Probe the validated element z[k..end) as a top-level element in context eCtx. Returns
** 0 (rejected) or the context it was accepted in; *pnJunction counts the separators the
** probe passed. */
static int probe(const char *z, size_t n, size_t k, size_t end, int eCtx, int *pnJunction){
  size_t i = end;
  *pnJunction = 0;
  for(;;){
    size_t j = json_ws(z, n, i);
    unsigned flags = 0;
    JsonError err;
    char c;
    if( j>=n ){
      /* the end of the data: clean for the last line of a sequence; in an array (a cut
      ** file) only once the probe has passed a separator */
      if( eCtx==CTX_SEQ || eCtx==CTX_ANY ){
        size_t b = k;
        while( b>0 && (z[b-1]==' ' || z[b-1]=='\t' || z[b-1]=='\r') ) b--;
        return *pnJunction>0 || b==0 || z[b-1]=='\n' ? CTX_SEQ : 0;
      }
      return *pnJunction>0 ? eCtx : 0;
    }
    c = z[j];
    if( c==',' && eCtx!=CTX_SEQ ){
      j = json_ws(z, n, j+1);
      if( j>=n ) return 0;
      if( z[j]!='{' ) return is_structural(z[j]) ? 0 : (eCtx==CTX_ANY ? CTX_RECORDS : eCtx);
      if( eCtx==CTX_ANY ) eCtx = CTX_RECORDS;
      ++*pnJunction;
      i = json_skip(z, n, j, &flags, &err);
      if( i==BAD ) return eCtx;                 /* the next damage: fine */
      continue;
    }
    if( c==']' && eCtx!=CTX_SEQ ) return probe_after_array(z, n, j+1, eCtx);
    if( (c=='{' || c=='[') && (eCtx==CTX_SEQ || eCtx==CTX_ANY) ){
      ++*pnJunction;
      if( c=='[' ) return CTX_SEQ;
      eCtx = CTX_SEQ;
      i = json_skip(z, n, j, &flags, &err);
      if( i==BAD ) return CTX_SEQ;
      continue;
    }
    if( is_structural(c) || c=='{' ) return 0;
    return eCtx==CTX_ANY ? CTX_SEQ : eCtx;      /* garbage where a separator belongs */
  }
}

/* The first place in [from, to) where a record provably starts (see probe), or BAD; *pCtx
** gets the context it was accepted in. With nMinJunction, the probe must also pass that
** many separators. */
static size_t resync(const char *z, size_t n, size_t from, size_t to, int eCtx,
                     int nMinJunction, int *pCtx){
  size_t k;
  for(k=from; k<to; k++){
    size_t b, end, as, ae;
    unsigned flags = 0;
    JsonError err;
    FieldIndex idx;
    int kind, ctx, nJ;
    const char *q = memchr(z+k, '{', to-k);
    if( q==0 ) return BAD;
    k = (size_t)(q - z);
    b = k;
    while( b>0 && is_ws(z[b-1]) ) b--;
    if( b>from && z[b-1]==':' ) continue;       /* a member's value: never top-level */
    if( eCtx==CTX_SEQ && nMinJunction==0 && records_prefix(z, n, k)!=BAD
     && (b==0 || z[b-1]=='\n' || !is_structural(z[b-1])) ){
      *pCtx = CTX_SEQ;                          /* a log file's object starts here */
      return k;
    }
    end = skip_indexed(z, n, k, &flags, &err, &idx);
    if( end==BAD ) continue;
    kind = classify(z, k, end, &idx, &as, &ae);
    if( !is_record_kind(kind) && !(kind==KIND_CONTAINER && (eCtx==CTX_SEQ || eCtx==CTX_ANY)) ){
      continue;
    }
    ctx = probe(z, n, k, end, kind==KIND_CONTAINER ? CTX_SEQ : eCtx, &nJ);
    if( ctx && nJ>=nMinJunction ){
      *pCtx = ctx;
      return k;
    }
  }
  return BAD;
}

static int looks_binary(const char *z, size_t n){
  size_t i, nBad = 0, nLook = n<512 ? n : 512;
  for(i=0; i<nLook; i++){
    unsigned char c = (unsigned char)z[i];
    if( c==0 || (c<0x20 && !is_ws((char)c)) ) nBad++;
  }
  return nBad>0;
}

/* Carry on at r, accepted by resync in context ctx. */
static void resume_at(Splitter *p, size_t r, int ctx){
  p->iPos = r;
  if( ctx==CTX_SEQ ){
    p->eMode = MODE_SEQUENCE;
  }else{
    if( p->eMode!=MODE_ELEMENTS ) p->bInRecordsObj = ctx==CTX_RECORDS;
    p->eMode = MODE_ELEMENTS;
  }
}

/* The context the splitter reads in now, for resync. */
static int split_ctx(const Splitter *p){
  if( p->eMode==MODE_SEQUENCE ) return CTX_SEQ;
  return p->bInRecordsObj ? CTX_RECORDS : CTX_ARRAY;
}

void split_init(Splitter *p, const char *z, size_t n, int eAt, Problem *pProb){
  size_t i = 0;
  memset(p, 0, sizeof(*p));
  p->z = z;
  p->n = n;
  p->eAt = eAt;
  p->pProb = pProb;
  p->iAsValue = BAD;
  if( n>=3 && memcmp(z, "\xEF\xBB\xBF", 3)==0 ) i = 3;
  i = json_ws(z, n, i);
  if( i>=n ){
    p->zSkip = n ? "no data (only white space)" : "empty file";
    return;
  }
  if( z[i]=='[' ){
    p->eFormat = FMT_ARRAY;                     /* confirmed by the first record */
    p->eMode = MODE_ELEMENTS;
    p->iPos = i+1;
    return;
  }
  if( z[i]=='{' ){
    unsigned flags = 0;
    JsonError err;
    size_t end, k = records_prefix(z, n, i);
    FieldIndex idx;
    if( k!=BAD ){
      /* A log file, as AWS writes it: read the Records array element by element, without
      ** first validating the whole file (and a damaged file is read the same way). */
      mark_records_obj(p, i, k-1);
      p->eFormat = FMT_RECORDS;
      p->bFormatKnown = 1;
      p->eMode = MODE_ELEMENTS;
      p->iPos = k;
      p->bInRecordsObj = 1;
      return;
    }
    end = skip_indexed(z, n, i, &flags, &err, &idx);
    if( end!=BAD ){
      size_t as, ae;
      if( classify(z, i, end, &idx, &as, &ae)==KIND_DIGEST ){
        p->eFormat = FMT_DIGEST;
        return;
      }
    }
    p->eMode = MODE_SEQUENCE;
    p->iPos = i;
    return;
  }
  if( after_stamp(z, n, i)!=BAD ){
    p->eMode = MODE_SEQUENCE;
    p->iPos = i;
    return;
  }
  {
    /* Not JSON at the start: a zeroed or overwritten head with intact records after it
    ** is damage, not "not CloudTrail" */
    int ctx;
    size_t r = resync(z, n, i, n, CTX_ANY, 0, &ctx);
    if( r!=BAD ){
      problem_add(pProb, (long long)i, eAt, "the data does not start with JSON "
                  "(%lld bytes before the first record that can be read)", (long long)(r-i));
      p->bFormatKnown = 1;
      p->eFormat = ctx==CTX_SEQ ? FMT_NDJSON : ctx==CTX_RECORDS ? FMT_RECORDS : FMT_ARRAY;
      resume_at(p, r, ctx);
      return;
    }
  }
  p->zSkip = looks_binary(z+i, n-i) ? "binary data, not JSON" : "not JSON";
}

/* A valid element that is not a record. Before the file has shown it is CloudTrail, such
** elements are only counted: a JSON file of something else is skipped, not "damaged". */
static void not_a_record(Splitter *p, size_t iOff, int iIndex){
  if( p->bFormatKnown ){
    problem_add(p->pProb, (long long)iOff, p->eAt, "element %d is not a CloudTrail record", iIndex);
  }else if( p->nJunk++==0 ){
    p->iJunkOff = iOff;
    p->iJunkIndex = iIndex;
  }
}

/* The first record: the file is CloudTrail, so earlier non-records were damage. */
static void saw_record(Splitter *p, int kind, int eSeqFormat){
  if( !p->bFormatKnown ){
    int i;
    p->bFormatKnown = 1;
    for(i=0; i<p->nJunk; i++){
      problem_add(p->pProb, (long long)p->iJunkOff, p->eAt,
                  "element %d is not a CloudTrail record", p->iJunkIndex);
    }
    p->eFormat = eSeqFormat;
  }else if( p->eFormat==FMT_OBJECT && eSeqFormat==FMT_OBJECT ){
    p->eFormat = FMT_NDJSON;
  }
  if( kind==KIND_INSIGHT && p->eFormat==FMT_RECORDS ) p->eFormat = FMT_INSIGHT;
}

/* Notes for a record whose bytes are irregular but lossless, in the order they occur. */
static void record_notes(Splitter *p, unsigned flags, const JsonError *pErr, int iIndex){
  size_t aOff[3];
  int aKind[3], n = 0, i, j;
  if( flags & JSON_F_DUPKEY ){ aOff[n] = pErr->iDupKs-1; aKind[n++] = 0; }
  if( flags & JSON_F_CTRL ){ aOff[n] = pErr->iCtrl; aKind[n++] = 1; }
  if( flags & JSON_F_BADUTF8 ){ aOff[n] = pErr->iBadUtf8; aKind[n++] = 2; }
  for(i=1; i<n; i++){
    for(j=i; j>0 && aOff[j]<aOff[j-1]; j--){
      size_t o = aOff[j]; int k = aKind[j];
      aOff[j] = aOff[j-1]; aKind[j] = aKind[j-1];
      aOff[j-1] = o; aKind[j-1] = k;
    }
  }
  for(i=0; i<n; i++){
    if( aKind[i]==0 ){
      char zKey[48];
      json_key_text(p->z, pErr->iDupKs, pErr->iDupKe, zKey, sizeof(zKey));
      problem_note(p->pProb, (long long)aOff[i], p->eAt, "duplicate key '%s' in record %d "
                   "(the last value is used)", zKey, iIndex);
    }else if( aKind[i]==1 ){
      problem_note(p->pProb, (long long)aOff[i], p->eAt,
                   "raw control character in a string in record %d", iIndex);
    }else{
      problem_note(p->pProb, (long long)aOff[i], p->eAt,
                   "invalid UTF-8 in record %d (shown as U+FFFD)", iIndex);
    }
  }
}

static void finish(Splitter *p){
  p->eMode = MODE_DONE;
  if( !p->bFormatKnown && p->nJunk>0 && p->zSkip==0 ){
    p->eFormat = FMT_UNKNOWN;
    p->zSkip = "JSON, but not CloudTrail records";
  }
}

/* Resynchronise after damage at `from` in the current context, or finish. */
static void resync_or_finish(Splitter *p, size_t from){
  int ctx;
  size_t r = resync(p->z, p->n, from, p->n, split_ctx(p), 0, &ctx);
  if( r==BAD ){
    p->iPos = p->n;
    finish(p);
    return;
  }
  resume_at(p, r, ctx);
}

/* After the ']' of a Records array: read the rest of the object. Another "Records" array
** (a repeated key) is read too. */
static void after_records_array(Splitter *p, size_t i){
  const char *z = p->z;
  size_t n = p->n;
  JsonError err;
  unsigned flags = 0;
  if( settle(p, 0) ) return;
  i = json_ws(z, n, i);
  while( i<n && z[i]==',' ){
    size_t ks, ke, vs;
    i = json_ws(z, n, i+1);
    if( i>=n || z[i]!='"' ) break;
    ks = i;
    ke = i = json_skip(z, n, i, &flags, &err);
    if( i==BAD ) break;
    i = json_ws(z, n, i);
    if( i>=n || z[i]!=':' ) break;
    vs = json_ws(z, n, i+1);
    if( vs<n && z[vs]=='[' && json_key_is(z, ks+1, ke-1, "Records", 7) ){
      /* the look-ahead validates a repeated array whole (no trailing comma): let it decide */
      if( settle(p, 1) ) return;
      problem_note(p->pProb, (long long)ks, p->eAt,
                   "duplicate key 'Records' (the records of every copy are read)");
      p->eMode = MODE_ELEMENTS;
      p->bInRecordsObj = 1;
      p->iPos = vs+1;
      return;
    }
    i = json_skip(z, n, vs, &flags, &err);
    if( i==BAD ) break;
    if( p->bUndecided && z[vs]=='"' && json_key_is(z, ks+1, ke-1, "eventName", 9) ){
      rewind_to_mark(p);                        /* the whole object is one record */
      return;
    }
    i = json_ws(z, n, i);
  }
  if( i==BAD || i>=n || z[i]!='}' ){
    size_t iBad = i==BAD ? err.iOff : i;
    problem_add(p->pProb, (long long)iBad, p->eAt, "malformed JSON after the Records array");
    /* a stray ']' (garbage, a bad splice) ends the array early: carry on at the next
    ** record, if there is one */
    p->eMode = MODE_ELEMENTS;
    p->bInRecordsObj = 1;
    resync_or_finish(p, iBad<n ? iBad : n);
    return;
  }
  p->bUndecided = 0;                            /* read cleanly to its end: a container */
  p->eMode = MODE_SEQUENCE;
  p->iPos = i+1;
}

static void element_error(Splitter *p, size_t iStart, int iIndex, const JsonError *pErr){
  if( pErr->iOff>=p->n ){
    problem_add(p->pProb, (long long)iStart, p->eAt,
                "record %d is truncated (the data ends at byte %lld)", iIndex, (long long)p->n);
  }else{
    problem_add(p->pProb, (long long)pErr->iOff, p->eAt, "malformed JSON in record %d (%s)",
                iIndex, pErr->zWhat);
  }
}

/* A valid element z[i..end) is followed by a structural failure at j. If records that
** probe cleanly start inside it, a chunk is missing and the element swallowed the records
** after the cut: it is damage, and reading resumes at the first of them. */
static int swallowed(Splitter *p, size_t i, size_t end, size_t j, int iIndex){
  int ctx;
  size_t r = resync(p->z, p->n, i+1, end, split_ctx(p), 1, &ctx);
  if( r==BAD ) return 0;
  problem_add(p->pProb, (long long)j, p->eAt, "malformed JSON in record %d (it holds the "
              "records after a gap in the data, from byte %lld)", iIndex, (long long)r);
  resume_at(p, r, ctx);
  return 1;
}

static int take_record(Splitter *p, SplitItem *pItem, int kind, int eFormat, size_t i,
                       size_t end, size_t as, size_t ae, int iIndex, unsigned flags,
                       const JsonError *pErr){
  saw_record(p, kind, kind==KIND_ENVELOPE ? FMT_EVENTBRIDGE : eFormat);
  if( flags & (JSON_F_DUPKEY|JSON_F_CTRL|JSON_F_BADUTF8) ) record_notes(p, flags, pErr, iIndex);
  pItem->s = kind==KIND_ENVELOPE ? as : i;
  pItem->e = kind==KIND_ENVELOPE ? ae : end;
  pItem->iIndex = iIndex;
  pItem->flags = flags;
  return 1;
}

/* One element of an array. Returns 1 with *pItem set when it is a record. */
static int next_element(Splitter *p, SplitItem *pItem){
  const char *z = p->z;
  size_t n = p->n;
  for(;;){
    size_t i = json_ws(z, n, p->iPos), end, j, as = 0, ae = 0;
    unsigned flags = 0;
    JsonError err;
    int kind, iIndex;
    if( p->eMode!=MODE_ELEMENTS ) return 0;
    if( i>=n ){
      problem_add(p->pProb, (long long)n, p->eAt, "the data ends inside the array (truncated?)");
      finish(p);
      return 0;
    }
    if( z[i]==']' ){
      if( p->bInRecordsObj ){
        p->bInRecordsObj = 0;
        after_records_array(p, i+1);
      }else{
        p->iPos = i+1;
        p->eMode = MODE_SEQUENCE;
      }
      return 0;
    }
    iIndex = p->nIndex++;
    p->nValues++;
    end = skip_indexed(z, n, i, &flags, &err, &pItem->idx);
    if( end==BAD ){
      element_error(p, i, iIndex, &err);
      resync_or_finish(p, i+1);
      continue;
    }
    kind = z[i]=='{' ? classify(z, i, end, &pItem->idx, &as, &ae) : KIND_OTHER;
    j = json_ws(z, n, end);
    if( j<n && z[j]==',' ){
      size_t t = json_ws(z, n, j+1);
      if( t<n && z[t]==']' ){
        problem_note(p->pProb, (long long)j, p->eAt, "trailing comma after record %d", iIndex);
        p->iPos = t;
      }else{
        p->iPos = j+1;
      }
    }else if( j<n && z[j]==']' ){
      p->iPos = j;
    }else{
      if( swallowed(p, i, end, j, iIndex) ) continue;
      if( j>=n ){
        p->iPos = j;
      }else{
        problem_add(p->pProb, (long long)j, p->eAt, "unexpected data after record %d", iIndex);
        resync_or_finish(p, j);
      }
    }
    if( is_record_kind(kind) ){
      return take_record(p, pItem, kind, FMT_ARRAY, i, end, as, ae, iIndex, flags, &err);
    }
    not_a_record(p, i, iIndex);
  }
}

/* One top-level value of a sequence. Returns 1 with *pItem set when it is a record. */
static int next_value(Splitter *p, SplitItem *pItem){
  const char *z = p->z;
  size_t n = p->n;
  for(;;){
    size_t i = json_ws(z, n, p->iPos), end, as = 0, ae = 0, k;
    unsigned flags = 0;
    JsonError err;
    int kind, iIndex;
    if( p->eMode!=MODE_SEQUENCE ) return 0;
    if( i>=n ){ finish(p); return 0; }
    if( n-i>=3 && memcmp(z+i, "\xEF\xBB\xBF", 3)==0 ){
      /* files concatenated, each with its byte order mark */
      problem_note(p->pProb, (long long)i, p->eAt, "byte order mark inside the data");
      p->iPos = i+3;
      continue;
    }
    k = after_stamp(z, n, i);
    if( k!=BAD ) i = k;
    if( z[i]=='[' ){
      p->eMode = MODE_ELEMENTS;
      p->bInRecordsObj = 0;
      p->iPos = i+1;
      return 0;
    }
    if( z[i]!='{' ){
      problem_add(p->pProb, (long long)i, p->eAt, "unexpected data between records");
      resync_or_finish(p, i);
      continue;
    }
    k = records_prefix(z, n, i);
    if( k!=BAD && i!=p->iAsValue ){
      /* another log file's object (files concatenated): read it element by element */
      if( settle(p, 1) ) return 0;              /* (an earlier one left undecided) */
      mark_records_obj(p, i, k-1);
      if( !p->bFormatKnown ){
        p->bFormatKnown = 1;
        p->eFormat = FMT_RECORDS;
      }
      p->eMode = MODE_ELEMENTS;
      p->iPos = k;
      p->bInRecordsObj = 1;
      return 0;
    }
    end = skip_indexed(z, n, i, &flags, &err, &pItem->idx);
    iIndex = p->nIndex++;
    p->nValues++;
    if( end==BAD ){
      element_error(p, i, iIndex, &err);
      resync_or_finish(p, i+1);
      continue;
    }
    p->iPos = end;
    kind = classify(z, i, end, &pItem->idx, &as, &ae);
    if( kind==KIND_CONTAINER ){
      if( !p->bFormatKnown ){
        p->bFormatKnown = 1;
        p->eFormat = FMT_RECORDS;
      }
      if( (flags & JSON_F_DUPKEY) && (err.iDupKs<as || err.iDupKs>=ae)
       && !json_key_is(z, err.iDupKs, err.iDupKe, "Records", 7) ){
        char zKey[48];                          /* (a repeated Records: after_records_array) */
        json_key_text(z, err.iDupKs, err.iDupKe, zKey, sizeof(zKey));
        problem_note(p->pProb, (long long)err.iDupKs-1, p->eAt,
                     "duplicate key '%s' in the object that holds the records", zKey);
      }
      p->nIndex--;
      p->nValues--;
      p->eMode = MODE_ELEMENTS;
      p->iPos = as+1;
      p->bInRecordsObj = 1;
      return 0;
    }
    if( kind==KIND_DIGEST ){
      if( !p->bFormatKnown && p->nValues==1 ){ p->eFormat = FMT_DIGEST; finish(p); return 0; }
      kind = KIND_OTHER;
    }
    {
      /* a value followed by structural bytes may have swallowed the records after a gap */
      size_t j = json_ws(z, n, end);
      if( j<n && is_structural(z[j]) && z[j]!='[' && swallowed(p, i, end, j, iIndex) ) continue;
    }
    if( is_record_kind(kind) ){
      return take_record(p, pItem, kind, FMT_OBJECT, i, end, as, ae, iIndex, flags, &err);
    }
    not_a_record(p, i, iIndex);
  }
}

/* The next record of the file: 1 with *pItem set, or 0 when there are no more. */
int split_next(Splitter *p, SplitItem *pItem){
  for(;;){
    settle(p, p->eMode==MODE_DONE);
    if( p->bRetract ){
      p->bRetract = 0;
      return SPLIT_RETRACT;
    }
    switch( p->eMode ){
      case MODE_ELEMENTS:
        if( next_element(p, pItem) ) return SPLIT_RECORD;
        break;
      case MODE_SEQUENCE:
        if( next_value(p, pItem) ) return SPLIT_RECORD;
        break;
      default:
        return SPLIT_END;
    }
  }
}
