/*
** sha256.h: SHA-256 (FIPS 180-4), for deterministic alert ids.
*/
#ifndef CLOUDTRAIL_SHA256_H
#define CLOUDTRAIL_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct Sha256 {
  uint32_t h[8];
  uint64_t nBits;
  unsigned char buf[64];
  size_t nBuf;
} Sha256;

void sha256_init(Sha256 *p);
void sha256_update(Sha256 *p, const void *pData, size_t n);
void sha256_final(Sha256 *p, unsigned char aOut[32]);
/* Finish, and write the first 16 bytes of the digest as a UUID (version 8, RFC 9562):
** 36 characters and a NUL. */
void sha256_uuid(Sha256 *p, char zOut[37]);

#endif
