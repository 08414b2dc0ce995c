/*
** record.h: the columns of one CloudTrail record, decoded from its bytes on demand.
*/
#ifndef CLOUDTRAIL_RECORD_H
#define CLOUDTRAIL_RECORD_H
#include <stddef.h>
#include "sqlite3ext.h"
#include "fields.h"
#include "json.h"

/* Derived columns, numbered after the raw ones. */
#define RD_event_epoch        (RF_COUNT+0)
#define RD_user_type          (RF_COUNT+1)
#define RD_user_arn           (RF_COUNT+2)
#define RD_principal_id       (RF_COUNT+3)
#define RD_access_key_id      (RF_COUNT+4)
#define RD_invoked_by         (RF_COUNT+5)
#define RD_session_issuer_arn (RF_COUNT+6)
#define RD_source_identity    (RF_COUNT+7)
#define RD_mfa_authenticated  (RF_COUNT+8)
#define RD_user_name          (RF_COUNT+9)
#define RD_account_id         (RF_COUNT+10)
#define RD_actor              (RF_COUNT+11)
#define RD_outcome            (RF_COUNT+12)
#define RD_target_user        (RF_COUNT+13)
#define RD_record             (RF_COUNT+14)
#define RD_COUNT              (RF_COUNT+15)

typedef struct Record {
  const char *z;                 /* the buffer the spans index into */
  size_t s, e;                   /* the record object */
  unsigned flags;                /* JSON_F_* of its bytes */
  int bIndexed;                  /* idx is filled in */
  FieldIndex idx;                /* where each top-level key's value lies, from s */
  JsonBuf buf;                   /* scratch for decoded text */
  struct EcsCache *pEcs;         /* ECS values computed so far (ecs.c), or NULL */
} Record;

void record_set(Record *r, const char *z, size_t s, size_t e, unsigned flags,
                const FieldIndex *pIdx);
void record_clear(Record *r);
int record_column(Record *r, int iCol, sqlite3_context *ctx);
int record_column_bind(Record *r, int iCol, sqlite3_stmt *pStmt, int iParam);
int record_column_value(Record *r, int iCol, JsonBuf *pText, int *peType, sqlite3_int64 *piVal);
int record_request_param(Record *r, const char *zKey, sqlite3_context *ctx);
int record_text(Record *r, int k, JsonBuf *pOut);
int record_result_name(sqlite3_context *ctx, const char *zName);
char *record_name_text(const char *zName);
int record_epoch(Record *r, long long *piOut);
int record_parse_time(const char *z, size_t n, long long *piOut);
int record_time_span(const char *z, size_t s, size_t e, long long *piOut);
int record_ident_span(const char *z, size_t s, const FieldIndex *pIdx, int iCol,
                      size_t *pS, size_t *pE);
int record_field(Record *r, int k, size_t *pS, size_t *pE);
void record_index(const char *z, size_t s, size_t e, FieldIndex *pIdx);
size_t record_parse(const char *z, size_t n, size_t s, unsigned *pFlags, FieldIndex *pIdx);

#endif
