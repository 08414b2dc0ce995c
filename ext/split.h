/*
** split.h: find the records in a file's (decompressed) bytes.
*/
#ifndef CLOUDTRAIL_SPLIT_H
#define CLOUDTRAIL_SPLIT_H
#include <stddef.h>
#include "fields.h"
#include "problem.h"
#include "filter.h"

/* File formats, as the hygiene report names them (split_format_name). */
#define FMT_UNKNOWN     0
#define FMT_RECORDS     1        /* {"Records":[...]}, as CloudTrail delivers to S3 */
#define FMT_ARRAY       2        /* a bare JSON array of records */
#define FMT_NDJSON      3        /* one record per line (or several concatenated values) */
#define FMT_OBJECT      4        /* a single record */
#define FMT_EVENTBRIDGE 5        /* EventBridge envelopes, the record under "detail" */
#define FMT_DIGEST      6        /* a CloudTrail digest file: never holds records */
#define FMT_INSIGHT     7        /* a CloudTrail Insights file */

typedef struct SplitItem {
  size_t s, e;                   /* the record's span (the "detail" object for envelopes) */
  int iIndex;                    /* element position in the file, skipped elements included */
  unsigned flags;                /* JSON_F_* of the span's bytes */
  RuleBits run;                  /* detect: which rules match it, as the worker found
                                 ** (filter_record_ex); run.bDone 0: not evaluated */
  FieldIndex idx;                /* its top-level keys, from s */
} SplitItem;

typedef struct Splitter {
  const char *z;                 /* the file's bytes */
  size_t n;
  size_t iPos;                   /* where scanning resumes */
  int eMode;                     /* SPLIT_MODE_* (split.c) */
  int bInRecordsObj;             /* the array being read is the Records member of an object */
  int nIndex;                    /* next element index */
  int eFormat;                   /* FMT_* */
  int nValues;                   /* top-level values seen in sequence mode */
  int bFormatKnown;              /* a record (or a Records container) has been seen */
  int nJunk;                     /* non-records seen before the format was known */
  size_t iJunkOff;               /* ... the first one's offset and index */
  int iJunkIndex;
  int eAt;                       /* PROBLEM_AT_FILE or PROBLEM_AT_PLAIN for offsets */
  Problem *pProb;                /* where problems go */
  const char *zSkip;             /* why the file holds no records (FMT_UNKNOWN), static text */
  /* A '{"Records":[' object is read element by element before it is known not to be one
  ** record (a string eventName may follow its array, split.c `settle`): the state to go
  ** back to if it is. */
  int bUndecided;                /* such an object is being read and may still be a record */
  int bRetract;                  /* it was one: split_next() reports SPLIT_RETRACT next */
  int nMark;                     /* such objects begun so far (the caller notes its state) */
  size_t iMarkObj, iMarkArr;     /* its '{' and its first '[' */
  int nMarkIndex, nMarkValues, eMarkFormat, bMarkFormatKnown;
  Problem markProb;              /* the problems as they were at its '{' */
  size_t iAsValue;               /* the object at this offset is read whole, as a value */
} Splitter;

/* split_next() results. SPLIT_RETRACT: the records handed out since the splitter's last
** mark (when p->nMark last changed) were elements of an object that is itself one record;
** the caller drops them and what it counted for them (the problems are restored here),
** and the record comes next. Only hostile files do this. */
#define SPLIT_END     0
#define SPLIT_RECORD  1
#define SPLIT_RETRACT 2

void split_init(Splitter *p, const char *z, size_t n, int eAt, Problem *pProb);
int split_next(Splitter *p, SplitItem *pItem);
const char *split_format_name(int eFormat);

#endif
