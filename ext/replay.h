/*
** replay.h: `threshold` and `new_terms` rules offline (README, "Rule types offline").
**
** detect() collects, for each such rule, the events its query matches (they are few), as
** candidates; after the scan and the de-duplication of events, replay_run() replays the
** threshold rule's schedule over event time, and checks each new_terms candidate against
** the earlier events of its values, turning candidates into the rule's alerts.
*/
#ifndef CLOUDTRAIL_REPLAY_H
#define CLOUDTRAIL_REPLAY_H
#include <stddef.h>
#include "sqlite3ext.h"
#include "fields.h"
#include "rules.h"

/* One alert of detect() (or, before replay_run, a candidate event of a threshold or
** new_terms rule). */
typedef struct Alert {
  char *zRecord;                 /* the record's JSON text */
  size_t nRecord;
  unsigned flags;                /* JSON_F_* of zRecord */
  char *zFile;                   /* source_file, or NULL */
  sqlite3_int64 iIndex;          /* record_index, or -1 */
  int iRule;                     /* which rule of the cursor's set */
  char zAlertId[40];             /* UUID text */
  int bEpoch;                    /* iEpoch is set */
  sqlite3_int64 iEpoch;
  char *zEventId;                /* decoded eventID (it may hold a NUL), or NULL */
  size_t nEventId;
  FieldIndex idx;                /* zRecord's top-level keys */
  sqlite3_int64 iCount;          /* threshold: events counted in the group (else 0) */
  char *zTerms;                  /* threshold: the group's terms, JSON; else NULL */
  sqlite3_int64 iFrom;           /* threshold: time of the group's first counted event */
  char *zNewTerms;               /* new_terms: the new combination of values, JSON; else NULL */
} Alert;

/* Free what a owns, and zero it. */
void alert_free(Alert *a);

/* The rows' order: event time (unknown first, as SQL sorts NULL), event id (none first),
** alert id. The replay orders a rule's events the same way. */
int alert_cmp(const Alert *a, const Alert *b);

/* The earliest event time rule r needs when alerts must be at or after iSince: iSince less
** its lookback (threshold) or history window (new_terms); iSince for a query rule. */
sqlite3_int64 replay_since(const Rule *r, sqlite3_int64 iSince);

/* Replace the candidates in (*paAlert)[0..*pnAlert) (de-duplicated: one per rule and event)
** by the alerts of their threshold and new_terms rules whose event time is inside the
** bounds; alerts of query rules are kept as they are. The array may be reallocated (*pnAlloc
** its room). SQLITE_OK or SQLITE_NOMEM (the array then still owns everything). */
int replay_run(const RuleSet *pSet, Alert **paAlert, int *pnAlert, int *pnAlloc,
               int bSince, sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil);

/* Unix seconds as CloudTrail writes eventTime: 2026-03-03T16:15:03Z (zOut: 32 bytes). */
void replay_time_text(sqlite3_int64 t, char *zOut);

#endif
