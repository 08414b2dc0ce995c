/*
** record.h: the columns of one CloudTrail record, decoded from its bytes on demand.
*/
#ifndef CLOUDTRAIL_RECORD_H
#define CLOUDTRAIL_RECORD_H
#include <stddef.h>
#include "sqlite3ext.h"
#include "json.h"

/* Top-level fields, in the order of the table's first columns. */
#define RF_eventVersion                 0
#define RF_eventTime                    1
#define RF_eventSource                  2
#define RF_eventName                    3
#define RF_awsRegion                    4
#define RF_sourceIPAddress              5
#define RF_userAgent                    6
#define RF_errorCode                    7
#define RF_errorMessage                 8
#define RF_requestParameters            9
#define RF_responseElements            10
#define RF_additionalEventData         11
#define RF_requestID                   12
#define RF_eventID                     13
#define RF_readOnly                    14
#define RF_resources                   15
#define RF_eventType                   16
#define RF_apiVersion                  17
#define RF_managementEvent             18
#define RF_recipientAccountId          19
#define RF_serviceEventDetails         20
#define RF_sharedEventID               21
#define RF_vpcEndpointId               22
#define RF_eventCategory               23
#define RF_tlsDetails                  24
#define RF_sessionCredentialFromConsole 25
#define RF_userIdentity                26
#define RF_insightDetails              27
#define RF_COUNT                       28

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

typedef struct cJSON cJSON;

typedef struct Record {
  const char *z;                 /* the buffer the spans index into */
  size_t s, e;                   /* the record object */
  unsigned flags;                /* JSON_F_* of its bytes */
  int bIndexed;                  /* aS/aE are filled in */
  size_t aS[RF_COUNT], aE[RF_COUNT];  /* each field's value span; aE==0 when absent */
  int bIdentParsed;
  cJSON *pIdent;                 /* userIdentity, parsed by cJSON on first use */
  JsonBuf buf;                   /* scratch for decoded text */
} Record;

extern const char *const record_field_names[RF_COUNT];

void record_set(Record *r, const char *z, size_t s, size_t e, unsigned flags);
void record_clear(Record *r);
int record_column(Record *r, int iCol, sqlite3_context *ctx);
int record_request_param(Record *r, const char *zKey, sqlite3_context *ctx);
int record_text(Record *r, int k, JsonBuf *pOut);
int record_epoch(Record *r, long long *piOut);
int record_parse_time(const char *z, size_t n, long long *piOut);
void record_init(void);

#endif
