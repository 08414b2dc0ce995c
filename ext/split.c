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
  cap.aS = pIdx->aS;
  cap.aE = pIdx->aE;
  return json_skip_capture(z, n, i, pFlags, pErr, &cap);
}

#define HAS(x, k) ((x)->aE[k]!=0)
#define AT(z, s, x, k) ((z)[(s) + (x)->aS[k]])

/* What the validated object at z[s], indexed in *pIdx, is. For containers *pS and *pE
** get the Records array; for envelopes the "detail" object, whose index replaces *pIdx. */
static int classify(const char *z, size_t s, FieldIndex *pIdx, size_t *pS, size_t *pE){
  if( HAS(pIdx, FK_Records) && AT(z, s, pIdx, FK_Records)=='[' ){
    *pS = s + pIdx->aS[FK_Records];
    *pE = s + pIdx->aE[FK_Records];
    return KIND_CONTAINER;
  }
  if( HAS(pIdx, FK_digestStartTime) ) return KIND_DIGEST;
  if( HAS(pIdx, RF_eventName) && AT(z, s, pIdx, RF_eventName)=='"' ) return KIND_RECORD;
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
      int k = classify(z, ds, &inner, &a, &b);
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

/* The start of the next line after i that begins a value, or BAD. */
static size_t next_value_line(const char *z, size_t n, size_t i){
  while( i<n ){
    const char *nl = memchr(z+i, '\n', n-i);
    size_t j;
    if( nl==0 ) return BAD;
    j = (size_t)(nl - z) + 1;
    while( j<n && (z[j]==' ' || z[j]=='\t' || z[j]=='\r') ) j++;
    if( j<n && (z[j]=='{' || z[j]=='[' || after_stamp(z, n, j)!=BAD) ) return j;
    i = j;
  }
  return BAD;
}

/* Find where the next whole record starts after damage at `from`, inside an array. */
static size_t resync_in_array(const char *z, size_t n, size_t from){
  size_t k;
  for(k=from; k<n; k++){
    size_t b, end, j, as, ae;
    unsigned flags = 0;
    JsonError err;
    FieldIndex idx;
    int kind;
    const char *p = memchr(z+k, '{', n-k);
    if( p==0 ) return BAD;
    k = (size_t)(p - z);
    b = k;
    while( b>0 && is_ws(z[b-1]) ) b--;
    if( b==0 || (z[b-1]!=',' && z[b-1]!='[') ) continue;
    end = skip_indexed(z, n, k, &flags, &err, &idx);
    if( end==BAD ) continue;
    kind = classify(z, k, &idx, &as, &ae);
    if( kind!=KIND_RECORD && kind!=KIND_INSIGHT && kind!=KIND_ENVELOPE ) continue;
    j = json_ws(z, n, end);
    if( j<n && z[j]!=',' && z[j]!=']' ) continue;
    return k;
  }
  return BAD;
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

static int looks_binary(const char *z, size_t n){
  size_t i, nBad = 0, nLook = n<512 ? n : 512;
  for(i=0; i<nLook; i++){
    unsigned char c = (unsigned char)z[i];
    if( c==0 || (c<0x20 && !is_ws((char)c)) ) nBad++;
  }
  return nBad>0;
}

void split_init(Splitter *p, const char *z, size_t n, int bDigestPath, int bInsightPath,
                int eAt, Problem *pProb){
  size_t i = 0;
  memset(p, 0, sizeof(*p));
  p->z = z;
  p->n = n;
  p->eAt = eAt;
  p->pProb = pProb;
  p->bInsightPath = bInsightPath;
  if( bDigestPath ){
    p->eFormat = FMT_DIGEST;                    /* nothing in a digest can be a record */
    return;
  }
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
    if( k!=BAD ){
      /* A log file, as AWS writes it: read the Records array element by element, without
      ** first validating the whole file (and a damaged file is read the same way). */
      p->eFormat = bInsightPath ? FMT_INSIGHT : FMT_RECORDS;
      p->bFormatKnown = 1;
      p->eMode = MODE_ELEMENTS;
      p->iPos = k;
      p->bInRecordsObj = 1;
      return;
    }
    FieldIndex idx;
    end = skip_indexed(z, n, i, &flags, &err, &idx);
    if( end!=BAD ){
      size_t as, ae;
      int kind = classify(z, i, &idx, &as, &ae);
      if( kind==KIND_CONTAINER ){
        p->eFormat = bInsightPath ? FMT_INSIGHT : FMT_RECORDS;
        p->bFormatKnown = 1;
        p->eMode = MODE_ELEMENTS;
        p->iPos = as+1;
        p->iAfterArray = end;
        return;
      }
      if( kind==KIND_DIGEST ){
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

static void finish(Splitter *p){
  p->eMode = MODE_DONE;
  if( !p->bFormatKnown && p->nJunk>0 && p->zSkip==0 ){
    p->eFormat = FMT_UNKNOWN;
    p->zSkip = "JSON, but not CloudTrail records";
  }
}

/* After the ']' of the Records array of a damaged log file: read the rest of the object. */
static void after_records_array(Splitter *p, size_t i){
  const char *z = p->z;
  size_t n = p->n;
  JsonError err;
  unsigned flags = 0;
  i = json_ws(z, n, i);
  while( i<n && z[i]==',' ){
    i = json_ws(z, n, i+1);
    if( i>=n || z[i]!='"' ) break;
    i = json_skip(z, n, i, &flags, &err);
    if( i==BAD ) break;
    i = json_ws(z, n, i);
    if( i>=n || z[i]!=':' ) break;
    i = json_skip(z, n, json_ws(z, n, i+1), &flags, &err);
    if( i==BAD ) break;
    i = json_ws(z, n, i);
  }
  if( i==BAD || i>=n || z[i]!='}' ){
    size_t iBad = i==BAD ? err.iOff : i;
    problem_add(p->pProb, (long long)iBad, p->eAt, "malformed JSON after the Records array");
    /* a stray ']' (garbage, a bad splice) ends the array early: carry on at the next
    ** record, if there is one, as inside the array */
    p->iPos = resync_in_array(z, n, iBad<n ? iBad : n);
    if( p->iPos==BAD ){ finish(p); return; }
    p->eMode = MODE_ELEMENTS;
    p->bInRecordsObj = 1;
    return;
  }
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
      if( p->iAfterArray ){
        p->iPos = p->iAfterArray;
        p->iAfterArray = 0;
        p->eMode = MODE_SEQUENCE;
      }else if( p->bInRecordsObj ){
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
      p->iPos = resync_in_array(z, n, i+1);
      if( p->iPos==BAD ){ finish(p); return 0; }
      continue;
    }
    kind = z[i]=='{' ? classify(z, i, &pItem->idx, &as, &ae) : KIND_OTHER;
    j = json_ws(z, n, end);
    if( j<n && z[j]==',' ){
      p->iPos = j+1;
    }else if( j>=n || z[j]==']' ){
      p->iPos = j;
    }else{
      problem_add(p->pProb, (long long)j, p->eAt, "unexpected data after record %d", iIndex);
      p->iPos = resync_in_array(z, n, j);
      if( p->iPos==BAD ){ p->iPos = n; p->eMode = MODE_DONE; }
    }
    if( kind==KIND_RECORD || kind==KIND_INSIGHT || kind==KIND_ENVELOPE ){
      saw_record(p, kind, kind==KIND_ENVELOPE ? FMT_EVENTBRIDGE : FMT_ARRAY);
      pItem->s = kind==KIND_ENVELOPE ? as : i;
      pItem->e = kind==KIND_ENVELOPE ? ae : end;
      pItem->iIndex = iIndex;
      pItem->flags = flags;
      return 1;
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
    if( i>=n ){ finish(p); return 0; }
    k = after_stamp(z, n, i);
    if( k!=BAD ) i = k;
    if( z[i]=='[' ){
      p->eMode = MODE_ELEMENTS;
      p->iPos = i+1;
      return 0;
    }
    if( z[i]!='{' ){
      size_t r;
      problem_add(p->pProb, (long long)i, p->eAt, "unexpected data between records");
      p->iPos = next_value_line(z, n, i);
      if( p->iPos!=BAD ) continue;
      /* no next line: the rest of an array cut short by a stray ']'? */
      r = resync_in_array(z, n, i);
      if( r==BAD ){ finish(p); return 0; }
      p->iPos = r;
      p->eMode = MODE_ELEMENTS;
      return 0;
    }
    k = records_prefix(z, n, i);
    if( k!=BAD ){
      /* another log file's object (files concatenated): read it element by element */
      if( !p->bFormatKnown ){
        p->bFormatKnown = 1;
        p->eFormat = p->bInsightPath ? FMT_INSIGHT : FMT_RECORDS;
      }
      p->eMode = MODE_ELEMENTS;
      p->iPos = k;
      p->bInRecordsObj = 1;
      return 0;
    }
    end = skip_indexed(z, n, i, &flags, &err, &pItem->idx);
    if( end==BAD ){
      element_error(p, i, p->nIndex++, &err);
      p->nValues++;
      p->iPos = next_value_line(z, n, i);
      if( p->iPos==BAD ){ finish(p); return 0; }
      continue;
    }
    p->iPos = end;
    kind = classify(z, i, &pItem->idx, &as, &ae);
    if( kind==KIND_CONTAINER ){
      if( !p->bFormatKnown ){
        p->bFormatKnown = 1;
        p->eFormat = p->bInsightPath ? FMT_INSIGHT : FMT_RECORDS;
      }
      p->eMode = MODE_ELEMENTS;
      p->iPos = as+1;
      p->iAfterArray = end;
      return 0;
    }
    if( kind==KIND_DIGEST ){
      if( !p->bFormatKnown && p->nValues==0 ){ p->eFormat = FMT_DIGEST; finish(p); return 0; }
      kind = KIND_OTHER;
    }
    iIndex = p->nIndex++;
    p->nValues++;
    if( kind==KIND_RECORD || kind==KIND_INSIGHT || kind==KIND_ENVELOPE ){
      saw_record(p, kind, kind==KIND_ENVELOPE ? FMT_EVENTBRIDGE : FMT_OBJECT);
      pItem->s = kind==KIND_ENVELOPE ? as : i;
      pItem->e = kind==KIND_ENVELOPE ? ae : end;
      pItem->iIndex = iIndex;
      pItem->flags = flags;
      return 1;
    }
    not_a_record(p, i, iIndex);
  }
}

/* The next record of the file: 1 with *pItem set, or 0 when there are no more. */
int split_next(Splitter *p, SplitItem *pItem){
  for(;;){
    switch( p->eMode ){
      case MODE_ELEMENTS:
        if( next_element(p, pItem) ) return 1;
        break;
      case MODE_SEQUENCE:
        if( next_value(p, pItem) ) return 1;
        break;
      default:
        return 0;
    }
  }
}
