/*
** fields.c: map a top-level key to its field number.
*/
#include <pthread.h>
#include <string.h>
#include "fields.h"

const char *const field_names[FK_COUNT] = {
  "eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
  "userAgent", "errorCode", "errorMessage", "requestParameters", "responseElements",
  "additionalEventData", "requestID", "eventID", "readOnly", "resources", "eventType",
  "apiVersion", "managementEvent", "recipientAccountId", "serviceEventDetails",
  "sharedEventID", "vpcEndpointId", "eventCategory", "tlsDetails",
  "sessionCredentialFromConsole", "userIdentity", "insightDetails",
  "Records", "detail-type", "detail", "digestStartTime", "logFiles"
};

/* For each key length, the fields of that length, as a chain through aNext. Keys are
** looked up once per member of every record, so the lookup compares only same-length
** names. */
#define MAX_KEY 32
static signed char aFirst[MAX_KEY+1];
static signed char aNext[FK_COUNT];

static void fields_build(void){
  int k;
  memset(aFirst, -1, sizeof(aFirst));
  for(k=FK_COUNT-1; k>=0; k--){
    size_t n = strlen(field_names[k]);
    aNext[k] = aFirst[n];
    aFirst[n] = (signed char)k;
  }
}

/* Before any lookup (from the entry point, which every connection that loads the
** extension runs): built once per process, since another connection's workers may be
** reading the tables while a later load runs. */
void fields_init(void){
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, fields_build);
}

/* The field number of the decoded key zKey[0..nKey), or -1. Most keys of a record are
** known ones, so the common case is one length check, one first-and-last byte check and
** one comparison. */
int fields_lookup(const char *zKey, size_t nKey){
  int k;
  if( nKey>MAX_KEY || nKey==0 ) return -1;
  for(k=aFirst[nKey]; k>=0; k=aNext[k]){
    const char *zName = field_names[k];
    if( zName[0]==zKey[0] && zName[nKey-1]==zKey[nKey-1] && memcmp(zKey, zName, nKey)==0 ){
      return k;
    }
  }
  return -1;
}
