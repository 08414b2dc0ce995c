/*
** fields.h: the top-level keys of a CloudTrail record that the reader indexes.
**
** While the splitter validates a record it notes where each of these keys' values lies,
** so that neither deciding what an object is nor reading a column scans the record again.
*/
#ifndef CLOUDTRAIL_FIELDS_H
#define CLOUDTRAIL_FIELDS_H
#include <stddef.h>
#include <stdint.h>

/* The table's raw fields, in the order of its first columns. */
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

/* Keys that say what an object is, when it is not a record itself. */
#define FK_Records          (RF_COUNT+0)   /* a log file's array */
#define FK_detailType       (RF_COUNT+1)   /* "detail-type" of an EventBridge envelope */
#define FK_detail           (RF_COUNT+2)   /* its record */
#define FK_digestStartTime  (RF_COUNT+3)   /* only digests have it */
#define FK_logFiles         (RF_COUNT+4)   /* ... and this */
#define FK_COUNT            (RF_COUNT+5)

/* Where each key's value lies, as offsets from the start of the object; aE[k]==0 when
** the key is absent. The last occurrence of a key wins. */
typedef struct FieldIndex {
  uint32_t aS[FK_COUNT];
  uint32_t aE[FK_COUNT];
  int bNoDupKey;                 /* validated, and no object in it repeats a key: a lookup
                                 ** may stop at its first match (0: not known) */
} FieldIndex;

extern const char *const field_names[FK_COUNT];
void fields_init(void);
int fields_lookup(const char *zKey, size_t nKey);

#endif
