/*
** kql.h: Kibana Query Language ("kuery"), compiled once into a tree and evaluated per
** record against the record's ECS fields (ecs.c). See ext/README.md, "KQL".
*/
#ifndef CLOUDTRAIL_KQL_H
#define CLOUDTRAIL_KQL_H
#include "record.h"

typedef struct KqlExpr KqlExpr;

/* Compile zQuery. SQLITE_OK and *ppExpr, or SQLITE_ERROR with *pzWhy (sqlite3_malloc'd):
** a syntax error with its byte offset, or "field X is not mapped" / "field X needs ...";
** SQLITE_NOMEM. */
int kql_compile(const char *zQuery, KqlExpr **ppExpr, char **pzWhy);

/* Does record r match? 1, 0, or <0 when out of memory. ECS values are cached on r, so
** evaluating many queries against one record decodes each field once. */
int kql_match(const KqlExpr *pExpr, Record *r);

void kql_free(KqlExpr *pExpr);

/* A necessary condition on a record that a compiled query proves from its tree as parsed
** (before kql_compile's rewriting for evaluation),
** usable before any field is decoded: the record must have one of azVal as an exact
** event.action value (eField KQL_KEY_ACTION), else one of them as an exact event.provider
** value (KQL_KEY_PROVIDER); KQL_KEY_NONE when the tree proves neither. A positive
** `field:value` term without wildcard proves {value}; an AND proves what one of its sides
** proves (the side with fewer values); an OR proves the union when both sides prove a set
** of the same field; NOT, wildcards, ranges and exists prove nothing. Values are exact
** bytes (case-sensitive, nVal long, may hold a NUL), each once. */
#define KQL_KEY_NONE     0
#define KQL_KEY_ACTION   1
#define KQL_KEY_PROVIDER 2
typedef struct KqlKey {
  int eField;                    /* KQL_KEY_* */
  int nVal;
  const char **azVal;            /* the values: borrowed from the expression */
  size_t *anVal;
} KqlKey;

/* Fill *pKey for e (free it with kql_key_free; the values live as long as e). SQLITE_OK
** or SQLITE_NOMEM. */
int kql_key(const KqlExpr *e, KqlKey *pKey);
void kql_key_free(KqlKey *pKey);

/* The SQL function kql_match(query, record_json), and kql_key(query): the key kql_key()
** derives, as JSON {"field":"event.action","values":[...]}, or NULL when there is none. */
int kql_register(sqlite3 *db);

#endif
