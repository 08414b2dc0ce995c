/*
** filter.h: the constraints a scan was given, checked as early as they can be.
**
** A Filter holds what xBestIndex/xFilter pushed down. It is checked three times, each
** cheaper than the work it saves: on a file's path before it is read (pruning), on its
** decompressed bytes before they are split (a needle search), and on each record's
** indexed keys before any column is built. Workers check it, so it is plain data.
*/
#ifndef CLOUDTRAIL_FILTER_H
#define CLOUDTRAIL_FILTER_H
#include <stddef.h>
#include "fields.h"
#include "s3path.h"

#define FX_actor      (FK_COUNT+0)    /* a derived field: userIdentity.arn/principalId/invokedBy */
#define FX_account_id (FK_COUNT+1)    /* userIdentity.accountId, else recipientAccountId */
#define FX_user_name  (FK_COUNT+2)    /* userName, else the session issuer's (see record.c) */
#define FILTER_MAX_STR 8

#define FILTER_GT 1
#define FILTER_GE 2
#define FILTER_LT 3
#define FILTER_LE 4

/* detect: which rules of a scan (by their place in its RuleSet) match a record, as a
** worker found them; bDone 0: not evaluated, the consuming thread evaluates. A scan with
** more rules than RULE_BITS_MAX is not evaluated by the workers. */
#define RULE_BITS_MAX 256
typedef struct RuleBits {
  int bDone;
  unsigned long long a[RULE_BITS_MAX/64];
} RuleBits;

struct Record;

typedef struct FilterStr {
  int iField;                    /* RF_* or FX_* */
  int iCons;                     /* which constraint (its argv index): entries are ANDed */
  int nVal;
  char **azVal;                  /* the field's decoded text must equal one of these */
  size_t *anVal;
} FilterStr;

/* A set of exact strings (sorted by filter_keys_sort, then looked up by binary search).
** Borrowed: the strings and arrays belong to whoever set up the filter (detect's rule
** index), and outlive the scan. */
typedef struct FilterKeys {
  int n;
  const char **az;
  size_t *an;
} FilterKeys;

/* An identity set (cloudtrail_involves): a record whose actor is one of actor's values, or
** whose user_type is IAMUser and whose user_name and account_id are one of the pairs. */
typedef struct FilterWho {
  FilterStr actor;               /* iField FX_actor */
  int nUser, nUserAlloc;
  char **azName, **azAcct;
  size_t *anName, *anAcct;
} FilterWho;

typedef struct Filter {
  int nStr;
  FilterStr aStr[FILTER_MAX_STR];
  int bLo, bHi;                  /* event_epoch bounds, inclusive */
  long long iLo, iHi;
  int bMfaRule;                  /* only records the MFA rule matches */
  int bKeys;                     /* only records whose eventName may be in aKey[0] or whose
                                 ** eventSource may be in aKey[1] (detect's rule keys) */
  FilterKeys aKey[2];
  /* detect: its rules, evaluated by the workers on each record (rules.c rules_eval); a
  ** record none matches is dropped, the others carry the answer (SplitItem.run). xEval
  ** returns SQLITE_OK with *pBits filled (bDone set), or SQLITE_NOMEM: the record is then
  ** kept, not evaluated, and the consuming thread evaluates it. pEvalCtx is borrowed and
  ** read-only during the scan. */
  int (*xEval)(const void *pEvalCtx, struct Record *r, RuleBits *pBits);
  const void *pEvalCtx;
  int nTimeCmp;                  /* eventTime text comparisons (record level only) */
  struct { int op; char *z; size_t n; } aTimeCmp[4];  /* op: FILTER_GT, _GE, _LT, _LE */
  long long iMaxDelay;           /* max_delivery_delay in seconds; 0: no time pruning */
  FilterWho *pWho;               /* only the events of these identities, or NULL (owned) */
} Filter;

/* An event may be delivered up to an hour after its file's stamp says (the stamp is
** rounded, and clocks differ): pruning leaves that much room on the other side. */
#define FILTER_STAMP_SLACK 3600

int filter_add_str(Filter *p, int iField, int iCons, const char *z, size_t n);
void filter_keys_sort(FilterKeys *pKeys);
int filter_keys_have(const FilterKeys *pKeys, const char *z, size_t n);

/* The value ecs.c reads from top-level field iField (RF_eventName, RF_eventSource) of the
** record at z[s], when its bytes prove it without decoding: 0 when the key is absent (no
** value); 1 with *pz, *pn when the value (the last of a duplicated key, as the index and
** ecs.c both take it) is a JSON string whose bytes between the quotes are ASCII without a
** backslash: json_decode_string() copies those unchanged, so they are the value; -1 for
** anything else (an escape, non-ASCII bytes, "", null, a number, an array), which only
** ecs.c can read. */
int filter_key_text(const char *z, size_t s, const FieldIndex *pIdx, int iField,
                    const char **pz, size_t *pn);
int filter_add_time_text(Filter *p, int op, const char *z, size_t n);
int filter_who_add_actor(FilterWho *p, const char *z, size_t n);
int filter_who_add_user(FilterWho *p, const char *zName, size_t nName, const char *zAcct,
                        size_t nAcct);
int filter_who_record(const FilterWho *p, const char *z, size_t s, const FieldIndex *pIdx);
void filter_who_free(FilterWho *p);
void filter_clear(Filter *p);
int filter_is_empty(const Filter *p);
int filter_prune_file(const Filter *p, const S3Name *pName);
int filter_prune_dir(const Filter *p, const char *zDir);
int filter_bytes(const Filter *p, const char *z, size_t n);
int filter_record(const Filter *p, const char *z, size_t s, size_t e, const FieldIndex *pIdx);

/* filter_record, also setting *pRun (when not 0) to the rules that match when the Filter
** has them (xEval), evaluated on *ppRec: a Record the caller reuses from record to record
** (created here on first use; free it with filter_record_free). */
int filter_record_ex(const Filter *p, const char *z, size_t s, size_t e,
                     const FieldIndex *pIdx, struct Record **ppRec, RuleBits *pRun);
void filter_record_free(struct Record *pRec);

#endif
