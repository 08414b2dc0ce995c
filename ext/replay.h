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
#include "ecs.h"
#include "fields.h"
#include "rules.h"

struct Record;

/* One alert of detect() (or, before replay_run, a candidate event of a threshold or
** new_terms rule). */
typedef struct Alert {
  char *zRecord;                 /* the record's JSON text; NULL for a new_terms candidate
                                 ** that replay_seen() showed can never alert */
  size_t nRecord;
  unsigned flags;                /* JSON_F_* of zRecord */
  const char *zFile;             /* source_file, or NULL (borrowed: the scan's names) */
  sqlite3_int64 iIndex;          /* record_index, or -1 */
  int iRule;                     /* which rule of the cursor's set */
  char zAlertId[40];             /* UUID text; "" for a candidate with an event id until it
                                 ** alerts (replay_alert_ids) */
  int bEpoch;                    /* iEpoch is set */
  sqlite3_int64 iEpoch;
  char *zEventId;                /* decoded eventID (it may hold a NUL), or NULL */
  size_t nEventId;
  FieldIndex *pIdx;              /* zRecord's top-level keys (in zRecord's allocation, just
                                 ** before it: alert_set_record), or NULL */
  sqlite3_int64 iCount;          /* threshold: events counted in the group (else 0) */
  char *zTerms;                  /* threshold: the group's terms, JSON; else NULL */
  sqlite3_int64 iFrom;           /* threshold: time of the group's first counted event */
  char *zNewTerms;               /* new_terms: the new combination of values, JSON; else NULL */
  char *zKeys;                   /* candidate: its groups / combinations (replay_event_keys) */
  int nKeys;
  EcsValue *aCard;               /* candidate of a threshold rule with cardinality: its
                                 ** values of that field (one allocation) */
  int nCard;
} Alert;

/* The alert id: a UUID (version 8, RFC 9562) from SHA-256 of the rule id and the event
** id, or of the record's text when it has no eventID. Same event, same id, anywhere. */
void replay_alert_id(const char *zRuleId, const char *zEventId, size_t nEventId,
                     const char *zRecord, size_t nRecord, char *zOut);

/* A candidate's values, read while its record is set on rec (its ECS values are then
** shared with the rule's query): every combination of the values of rule m's fields
** (every field present; an array gives one combination per value, across fields the cross
** product, in the order of the fields and of their values), as JSON texts one after
** another, each NUL-terminated, in a->zKeys (threshold terms [{"field":"F","value":"V"},...],
** "[]" without fields; new_terms values ["V",...]); and the cardinality field's values. */
int replay_event_keys(const Rule *m, struct Record *rec, Alert *a);

/* What the scan has seen of each new_terms combination so far: the newest event (by time,
** then event id) of each. */
typedef struct ReplaySeen ReplaySeen;

/* Can candidate a (keys set, an event id) of new_terms rule m (number iRule) never alert,
** whatever else the scan finds? It cannot when each of its combinations already has an
** earlier event (another event id) within the history window before it: the event before
** it in its combination's order then exists, and is at most that old. Returns 1 if so, 0
** if not, -1 when out of memory; records a either way. *pp is created on first use. */
int replay_seen(ReplaySeen **pp, int iRule, const Rule *m, const Alert *a);
void replay_seen_free(ReplaySeen *p);

/* A 64-bit hash of n bytes at z (FNV-1a), for sorting equal things together. */
unsigned long long replay_hash(const char *z, size_t n);

/* Give each alert without an id its id (a candidate's was put off until it alerted). */
void replay_alert_ids(const RuleSet *pSet, Alert *aAlert, int nAlert);

/* Keep a copy of the n bytes at z (and a NUL) as a's record, with its key index. */
int alert_set_record(Alert *a, const char *z, size_t n, const FieldIndex *pIdx);

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
** its room). SQLITE_OK or SQLITE_NOMEM (the array then still owns everything). An alert
** whose candidate's text was not kept (replay_seen) has zRecord NULL: the caller must
** then scan again keeping every candidate's text. */
int replay_run(const RuleSet *pSet, Alert **paAlert, int *pnAlert, int *pnAlloc,
               int bSince, sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil);

/* Unix seconds as CloudTrail writes eventTime: 2026-03-03T16:15:03Z (zOut: 32 bytes). */
void replay_time_text(sqlite3_int64 t, char *zOut);

#endif
