/*
** copyset.c: count the deliveries of each eventID in walk order (the `copy` column).
**
** The set keeps a 128-bit SipHash-2-4 of each eventID under a key drawn at random for each
** scan, not the eventID itself: 24 bytes a slot, at most 3/4 full, so 32 to 64 bytes per
** distinct eventID. A keyed hash means a log's author cannot choose eventIDs that collide
** (two different ids taken as one would make a real event a "copy"); by chance, two of
** 10^12 ids collide with probability about 10^-15.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "copyset.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do{ \
  v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
  v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
  v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
  v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
}while(0)

static uint64_t load64(const unsigned char *z){
  uint64_t v = 0;
  int i;
  for(i=7; i>=0; i--) v = (v<<8) | z[i];
  return v;
}

/* SipHash-2-4 with 128-bit output (Aumasson and Bernstein), written from the paper. */
void siphash128(uint64_t k0, uint64_t k1, const unsigned char *z, size_t n, uint64_t aOut[2]){
  uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
  uint64_t b = (uint64_t)n << 56, m;
  size_t i, nTail = n & 7;
  v1 ^= 0xee;
  for(i=0; i+8<=n; i+=8){
    m = load64(z+i);
    v3 ^= m; SIPROUND; SIPROUND; v0 ^= m;
  }
  for(m=0; nTail>0; nTail--) m = (m<<8) | z[i+nTail-1];
  b |= m;
  v3 ^= b; SIPROUND; SIPROUND; v0 ^= b;
  v2 ^= 0xee;
  SIPROUND; SIPROUND; SIPROUND; SIPROUND;
  aOut[0] = v0 ^ v1 ^ v2 ^ v3;
  v1 ^= 0xdd;
  SIPROUND; SIPROUND; SIPROUND; SIPROUND;
  aOut[1] = v0 ^ v1 ^ v2 ^ v3;
}

int copyset_init(CopySet *p){
  unsigned char aKey[16];
  memset(p, 0, sizeof(*p));
  sqlite3_randomness(sizeof(aKey), aKey);
  p->k0 = load64(aKey);
  p->k1 = load64(aKey+8);
  p->nSlot = 1024;
  p->a = sqlite3_malloc64(p->nSlot*sizeof(CopySlot));
  if( p->a==0 ) return SQLITE_NOMEM;
  memset(p->a, 0, p->nSlot*sizeof(CopySlot));
  return SQLITE_OK;
}

static CopySlot *slot_for(CopySlot *a, size_t nSlot, uint64_t h0, uint64_t h1){
  size_t i = (size_t)(h0 & (nSlot-1));
  while( a[i].n && (a[i].h0!=h0 || a[i].h1!=h1) ) i = (i+1) & (nSlot-1);
  return &a[i];
}

static int grow(CopySet *p){
  size_t nNew = p->nSlot*2, i;
  CopySlot *aNew = sqlite3_malloc64(nNew*sizeof(CopySlot));
  if( aNew==0 ) return SQLITE_NOMEM;
  memset(aNew, 0, nNew*sizeof(CopySlot));
  for(i=0; i<p->nSlot; i++){
    if( p->a[i].n ) *slot_for(aNew, nNew, p->a[i].h0, p->a[i].h1) = p->a[i];
  }
  sqlite3_free(p->a);
  p->a = aNew;
  p->nSlot = nNew;
  return SQLITE_OK;
}

/* One more delivery of the eventID z[0..n): *piCopy is 1 the first time, then 2, 3 ... */
int copyset_add(CopySet *p, const char *z, size_t n, long long *piCopy){
  uint64_t h[2];
  CopySlot *s;
  if( (p->nUsed+1)*4 > p->nSlot*3 && grow(p) ) return SQLITE_NOMEM;
  siphash128(p->k0, p->k1, (const unsigned char*)z, n, h);
  s = slot_for(p->a, p->nSlot, h[0], h[1]);
  if( s->n==0 ){
    s->h0 = h[0];
    s->h1 = h[1];
    p->nUsed++;
  }
  if( s->n<UINT32_MAX ) s->n++;
  *piCopy = s->n;
  return SQLITE_OK;
}

void copyset_clear(CopySet *p){
  sqlite3_free(p->a);
  memset(p, 0, sizeof(*p));
}
