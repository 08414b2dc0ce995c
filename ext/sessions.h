/*
** sessions.h: credential lineage. One pass over the records collects, per access key id,
** how it was used and which event issued it; sessions_resolve() then follows each key's
** parents back to the principal that started the chain (sessions.c).
*/
#ifndef CLOUDTRAIL_SESSIONS_H
#define CLOUDTRAIL_SESSIONS_H
#include "copyset.h"
#include "fields.h"
#include "json.h"

/* The output row of one credential: every value is text (NULL when absent) but the
** numbers. Filled by sessions_resolve(). */
typedef struct SessRow {
  char *azCol[32];               /* text columns, by SESS_COL_* number (0 for the numbers) */
  long long nEvent;              /* event_count */
  long long nIp;                 /* source_ip_count */
  int eAfter;                    /* used_after_expiry: -1 NULL, 0, 1 */
  int nHop;                      /* hops */
} SessRow;

/* Column numbers (the table's order). */
#define SESS_COL_ACCESS_KEY_ID     0
#define SESS_COL_KEY_TYPE          1
#define SESS_COL_ACCOUNT_ID        2
#define SESS_COL_PRINCIPAL_ARN     3
#define SESS_COL_PRINCIPAL_TYPE    4
#define SESS_COL_ROLE_ARN          5
#define SESS_COL_SESSION_NAME      6
#define SESS_COL_SOURCE_IDENTITY   7
#define SESS_COL_FED_SUBJECT       8
#define SESS_COL_FED_PROVIDER      9
#define SESS_COL_ON_BEHALF_OF     10
#define SESS_COL_ISSUED_BY        11
#define SESS_COL_ISSUED_EVENT_ID  12
#define SESS_COL_ISSUED_TIME      13
#define SESS_COL_ISSUER_ARN       14
#define SESS_COL_PARENT_KEY       15
#define SESS_COL_EXPIRES          16
#define SESS_COL_FIRST_USED       17
#define SESS_COL_LAST_USED        18
#define SESS_COL_EVENT_COUNT      19
#define SESS_COL_SOURCE_IPS       20
#define SESS_COL_SOURCE_IP_COUNT  21
#define SESS_COL_USED_AFTER_EXP   22
#define SESS_COL_ORIGIN_ARN       23
#define SESS_COL_ORIGIN_TYPE      24
#define SESS_COL_HOPS             25
#define SESS_COL_CHAIN            26
#define SESS_COL_LINK             27
#define SESS_NCOL                 28

typedef struct SessKey SessKey;
typedef struct SessIssue SessIssue;
typedef struct SessLogin SessLogin;

/* A string -> index hash map (open addressing); the strings belong to the caller. */
typedef struct SessMap {
  const char **azKey;
  int *aVal;
  size_t nSlot, nUsed;
} SessMap;

typedef struct Sessions {
  SessKey *aKey; int nKey, nKeyAlloc;
  SessIssue *aIss; int nIss, nIssAlloc;
  SessLogin *aLog; int nLog, nLogAlloc;
  SessMap keys;                  /* access key id -> aKey index */
  SessMap shared;                /* sharedEventID -> aIss index of the caller's copy */
  SessMap ips;                   /* "len:key ip" -> azOwned index, for keys with more than
                                 ** 16 addresses */
  char **azOwned; int nOwned, nOwnedAlloc;    /* the strings of `ips` ... */
  long long *aOwnedT;            /* ... and each address's first use */
  CopySet seen;                  /* eventIDs already read (duplicate deliveries) */
  int bSince, bUntil;            /* the rows' bounds (not what is read) */
  long long iSince, iUntil;
  JsonBuf buf;                   /* scratch */
} Sessions;

int sessions_init(Sessions *p);
int sessions_add(Sessions *p, const char *z, size_t s, size_t e, const FieldIndex *pIdx);
int sessions_resolve(Sessions *p, SessRow **paRow, int *pnRow);
void sessions_rows_free(SessRow *aRow, int nRow);
void sessions_clear(Sessions *p);
int sessions_parse_expiration(const char *z, long long *piOut);

#endif
