/*
** fields.c: map a top-level key to its field number.
*/
#include <pthread.h>
#include <stdint.h>
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

/* Keys are looked up once per member of every record (about 25 a record), so the lookup
** is a hash of the length and three bytes into a small table of chains, then one
** comparison a word at a time (field names are at most 32 bytes). */
#define MAX_KEY 32
#define HASH_SLOTS 128
static signed char aFirst[HASH_SLOTS];
static signed char aNext[FK_COUNT];
static unsigned char aLen[FK_COUNT];

static unsigned key_hash(const char *zKey, size_t nKey){
  const unsigned char *u = (const unsigned char*)zKey;
  return ((unsigned)nKey*37u + u[0]*5u + u[nKey-1]*3u + u[nKey/2]) & (HASH_SLOTS-1);
}

static void fields_build(void){
  int k;
  memset(aFirst, -1, sizeof(aFirst));
  for(k=FK_COUNT-1; k>=0; k--){
    size_t n = strlen(field_names[k]);
    unsigned h = key_hash(field_names[k], n);
    aLen[k] = (unsigned char)n;
    aNext[k] = aFirst[h];
    aFirst[h] = (signed char)k;
  }
}

/* Before any lookup (from the entry point, which every connection that loads the
** extension runs): built once per process, since another connection's workers may be
** reading the tables while a later load runs. */
void fields_init(void){
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, fields_build);
}

/* Are a[0..n) and b[0..n) the same bytes? n is at most MAX_KEY: words of 8 bytes, the
** last one overlapping (memcpy into a word compiles to one load), bytes below 8. */
static int same_bytes(const char *a, const char *b, size_t n){
  uint64_t x, y;
  size_t i;
  if( n<8 ){
    for(i=0; i<n; i++) if( a[i]!=b[i] ) return 0;
    return 1;
  }
  for(i=0; i+8<n; i+=8){
    memcpy(&x, a+i, 8);
    memcpy(&y, b+i, 8);
    if( x!=y ) return 0;
  }
  memcpy(&x, a+n-8, 8);
  memcpy(&y, b+n-8, 8);
  return x==y;
}

/* The field number of the decoded key zKey[0..nKey), or -1. */
int fields_lookup(const char *zKey, size_t nKey){
  int k;
  if( nKey>MAX_KEY || nKey==0 ) return -1;
  for(k=aFirst[key_hash(zKey, nKey)]; k>=0; k=aNext[k]){
    const char *zName = field_names[k];
    if( aLen[k]==nKey && zName[0]==zKey[0] && same_bytes(zKey, zName, nKey) ) return k;
  }
  return -1;
}
