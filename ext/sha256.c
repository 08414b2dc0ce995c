/*
** sha256.c: SHA-256 as FIPS 180-4 specifies it. An alert id must be the same on every
** machine and run, so it is a hash of the rule and the event, not a counter or a clock.
*/
#include <string.h>
#include "sha256.h"

static const uint32_t K[64] = {
  0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
  0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
  0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
  0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
  0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
  0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
  0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
  0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2
};

static uint32_t ror(uint32_t x, int n){ return (x>>n) | (x<<(32-n)); }

static void block(Sha256 *p, const unsigned char *b){
  uint32_t w[64], a, bb, c, d, e, f, g, h;
  int t;
  for(t=0; t<16; t++){
    w[t] = (uint32_t)b[4*t]<<24 | (uint32_t)b[4*t+1]<<16 | (uint32_t)b[4*t+2]<<8 | b[4*t+3];
  }
  for(t=16; t<64; t++){
    uint32_t s0 = ror(w[t-15], 7) ^ ror(w[t-15], 18) ^ (w[t-15]>>3);
    uint32_t s1 = ror(w[t-2], 17) ^ ror(w[t-2], 19) ^ (w[t-2]>>10);
    w[t] = w[t-16] + s0 + w[t-7] + s1;
  }
  a = p->h[0]; bb = p->h[1]; c = p->h[2]; d = p->h[3];
  e = p->h[4]; f = p->h[5]; g = p->h[6]; h = p->h[7];
  for(t=0; t<64; t++){
    uint32_t S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = h + S1 + ch + K[t] + w[t];
    uint32_t S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
    uint32_t maj = (a & bb) ^ (a & c) ^ (bb & c);
    uint32_t t2 = S0 + maj;
    h = g; g = f; f = e; e = d + t1;
    d = c; c = bb; bb = a; a = t1 + t2;
  }
  p->h[0] += a; p->h[1] += bb; p->h[2] += c; p->h[3] += d;
  p->h[4] += e; p->h[5] += f; p->h[6] += g; p->h[7] += h;
}

void sha256_init(Sha256 *p){
  static const uint32_t H0[8] = {
    0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19
  };
  memcpy(p->h, H0, sizeof(H0));
  p->nBits = 0;
  p->nBuf = 0;
}

void sha256_update(Sha256 *p, const void *pData, size_t n){
  const unsigned char *z = pData;
  p->nBits += (uint64_t)n*8;
  while( n>0 ){
    size_t k = 64 - p->nBuf;
    if( k>n ) k = n;
    memcpy(p->buf + p->nBuf, z, k);
    p->nBuf += k;
    z += k;
    n -= k;
    if( p->nBuf==64 ){
      block(p, p->buf);
      p->nBuf = 0;
    }
  }
}

void sha256_final(Sha256 *p, unsigned char aOut[32]){
  uint64_t nBits = p->nBits;
  unsigned char pad = 0x80;
  int i;
  sha256_update(p, &pad, 1);
  pad = 0;
  while( p->nBuf!=56 ) sha256_update(p, &pad, 1);
  for(i=7; i>=0; i--){
    unsigned char c = (unsigned char)(nBits >> (8*i));
    sha256_update(p, &c, 1);
  }
  for(i=0; i<8; i++){
    aOut[4*i] = (unsigned char)(p->h[i]>>24);
    aOut[4*i+1] = (unsigned char)(p->h[i]>>16);
    aOut[4*i+2] = (unsigned char)(p->h[i]>>8);
    aOut[4*i+3] = (unsigned char)p->h[i];
  }
}

void sha256_uuid(Sha256 *p, char zOut[37]){
  static const char hex[] = "0123456789abcdef";
  unsigned char h[32];
  int i, j;
  sha256_final(p, h);
  h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);     /* version 8 */
  h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);     /* variant 10 */
  for(i=0, j=0; i<16; i++){
    if( i==4 || i==6 || i==8 || i==10 ) zOut[j++] = '-';
    zOut[j++] = hex[h[i]>>4];
    zOut[j++] = hex[h[i]&15];
  }
  zOut[j] = 0;
}
