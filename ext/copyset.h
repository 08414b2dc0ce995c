/*
** copyset.h: how many times each eventID has been seen in a scan, for the `copy` column.
*/
#ifndef CLOUDTRAIL_COPYSET_H
#define CLOUDTRAIL_COPYSET_H
#include <stddef.h>
#include <stdint.h>

typedef struct CopySlot {
  uint64_t h0, h1;               /* the eventID's keyed 128-bit hash; h0|h1==0 never stored */
  uint32_t n;                    /* deliveries seen; 0: the slot is empty */
} CopySlot;                      /* 24 bytes */

typedef struct CopySet {
  uint64_t k0, k1;               /* SipHash key, random per scan */
  CopySlot *a;                   /* open addressing, linear probing; a power of two */
  size_t nSlot, nUsed;
} CopySet;

int copyset_init(CopySet *p);
int copyset_add(CopySet *p, const char *z, size_t n, long long *piCopy);
void copyset_clear(CopySet *p);
void siphash128(uint64_t k0, uint64_t k1, const unsigned char *z, size_t n, uint64_t aOut[2]);

#endif
