/*
** ecs.h: the ECS fields of one CloudTrail record, as Elastic's aws.cloudtrail ingest
** pipeline fills them (see ext/README.md, "ECS fields").
**
** A field is looked up by name once (ecs_lookup), then its values are asked for per record
** (ecs_values). Values are computed on first use and cached on the Record until the next
** record_set(), so any number of rules share one decode of each field.
*/
#ifndef CLOUDTRAIL_ECS_H
#define CLOUDTRAIL_ECS_H
#include <stddef.h>

struct Record;

/* How a field's values compare with a query's value (Elasticsearch field types). */
#define ECS_KEYWORD 0            /* keyword, constant_keyword, flattened leaves: exact bytes */
#define ECS_BOOL    1            /* boolean: values are "true" or "false" */
#define ECS_IP      2            /* ip: compared as addresses, a query value may be a CIDR */
#define ECS_DATE    3            /* date: compared as instants */

/* One value: UTF-8 text, not NUL-terminated inside the cache. */
typedef struct EcsValue {
  const char *z;
  size_t n;
} EcsValue;

typedef struct EcsCache EcsCache;

/* A field name to its id (>=0) and type, for ecs_values(). For a flattened path
** (aws.cloudtrail.flattened.request_parameters.a.b) *pzSub is set to the path below the
** flattened root ("a.b", or "" for the root itself) inside zName. When the field cannot
** be filled, returns -1 with *pzWhy a static reason: "is not mapped", or what it needs
** (a GeoIP or ASN database, the user-agent parser's regexes ...). */
int ecs_lookup(const char *zName, int *peType, const char **pzSub, const char **pzWhy);

/* The values of field iField (from ecs_lookup; zSub as it returned) for record r: an array
** valid until the next record_set() on r. SQLITE_OK or SQLITE_NOMEM. */
int ecs_values(struct Record *r, int iField, const char *zSub, const EcsValue **paVal,
               int *pnVal);

/* For a field filled only for a closed list of values (user_agent.name: the browser names
** of useragent.c), that list (NULL-terminated); else NULL. A record whose value is outside
** the list has no value, so only "equals one of the list" (and its negation) is answered. */
const char *const *ecs_closed_values(int iField);

/* For a field every CloudTrail record fills with the same one value (event.dataset,
** data_stream.dataset, event.module, event.kind), that value; else NULL. kql.c folds a
** query's tests on such fields when it compiles them. */
const char *ecs_constant(int iField);

/* A rough relative cost of ecs_values() for field iField on a record, for ordering the
** operands of and/or: 1 for the record's indexed event.action / event.provider, more for
** other top-level keys, identity spans, nested paths, computed fields, Java map text. */
int ecs_cost(int iField);

/* Cache management, called by record.c. */
void ecs_reset(EcsCache *p);
void ecs_free(EcsCache *p);

#endif
