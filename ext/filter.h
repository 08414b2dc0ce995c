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

typedef struct FilterStr {
  int iField;                    /* RF_* or FX_* */
  int iCons;                     /* which constraint (its argv index): entries are ANDed */
  int nVal;
  char **azVal;                  /* the field's decoded text must equal one of these */
  size_t *anVal;
} FilterStr;

typedef struct Filter {
  int nStr;
  FilterStr aStr[FILTER_MAX_STR];
  int bLo, bHi;                  /* event_epoch bounds, inclusive */
  long long iLo, iHi;
  int bMfaRule;                  /* only records the MFA rule matches */
  int nTimeCmp;                  /* eventTime text comparisons (record level only) */
  struct { int op; char *z; size_t n; } aTimeCmp[4];  /* op: FILTER_GT, _GE, _LT, _LE */
  long long iMaxDelay;           /* max_delivery_delay in seconds; 0: no time pruning */
} Filter;

/* An event may be delivered up to an hour after its file's stamp says (the stamp is
** rounded, and clocks differ): pruning leaves that much room on the other side. */
#define FILTER_STAMP_SLACK 3600

int filter_add_str(Filter *p, int iField, int iCons, const char *z, size_t n);
int filter_add_time_text(Filter *p, int op, const char *z, size_t n);
void filter_clear(Filter *p);
int filter_is_empty(const Filter *p);
int filter_prune_file(const Filter *p, const S3Name *pName);
int filter_prune_dir(const Filter *p, const char *zDir);
int filter_bytes(const Filter *p, const char *z, size_t n);
int filter_record(const Filter *p, const char *z, size_t s, const FieldIndex *pIdx);

#endif
