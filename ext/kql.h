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

/* Every field the query reads, each once, in the order they first appear (owned by the
** expression). */
int kql_fields(const KqlExpr *pExpr, const char ***pazField, int *pnField);

/* The SQL function kql_match(query, record_json). */
int kql_register(sqlite3 *db);

#endif
