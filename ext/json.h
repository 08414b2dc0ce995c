/*
** json.h: a small JSON scanner that works on byte spans.
**
** The reader never builds a tree for a whole file: it validates each element in place,
** remembers where it starts and ends, and later looks up the few keys a column needs
** straight from the bytes. Spans are half-open byte ranges [s,e) into one buffer.
*/
#ifndef CLOUDTRAIL_JSON_H
#define CLOUDTRAIL_JSON_H
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 1000      /* the same bound cJSON uses; deeper input is malformed */

/* Flags json_skip() reports about the bytes it validated. */
#define JSON_F_HIGH  0x01        /* a byte >= 0x80 occurs (UTF-8 must be checked) */
#define JSON_F_CTRL  0x02        /* a raw control byte (< 0x20, not NUL) occurs in a string */
#define JSON_F_BADUTF8 0x04      /* a string holds invalid UTF-8 (short of a 16-byte block) */
#define JSON_F_DUPKEY 0x08       /* an object, at any depth, repeats a key */

/* A failure (iOff, zWhat), and where the first irregularity of each kind flagged in the
** caller's flags lies (each is set when its flag is first raised during the call). */
typedef struct JsonError {
  size_t iOff;                   /* byte offset of the problem */
  const char *zWhat;             /* static text: what was wrong */
  size_t iCtrl;                  /* JSON_F_CTRL: the first raw control byte */
  size_t iBadUtf8;               /* JSON_F_BADUTF8: the first invalid byte */
  size_t iDupKs, iDupKe;         /* JSON_F_DUPKEY: the first repeated key (inside its quotes) */
} JsonError;

/* A growable byte buffer; capacity lives here, never in a caller's local. */
typedef struct JsonBuf {
  char *z;
  size_t n, nAlloc;
} JsonBuf;

/* What json_skip_capture() notes about the top-level keys of an object (the LAST value
** of a repeated key, as Go, Python and JavaScript read it). */
typedef struct JsonCapture {
  int (*xMap)(const char *zKey, size_t nKey);  /* a decoded key to its slot, or -1 */
  uint32_t *aS, *aE;             /* each slot's value span, from iBase; aE==0: not seen */
  size_t iBase;
} JsonCapture;

size_t json_ws(const char *z, size_t n, size_t i);
size_t json_skip_capture(const char *z, size_t n, size_t i, unsigned *pFlags, JsonError *pErr,
                         JsonCapture *pCap);
size_t json_skip(const char *z, size_t n, size_t i, unsigned *pFlags, JsonError *pErr);
size_t json_end(const char *z, size_t e, size_t i);
int json_next_member(const char *z, size_t e, size_t *pI,
                     size_t *pKs, size_t *pKe, size_t *pVs, size_t *pVe);
int json_keys_equal(const char *z, size_t as, size_t ae, size_t bs, size_t be);
int json_key_is(const char *z, size_t ks, size_t ke, const char *zKey, size_t nKey);
int json_find(const char *z, size_t s, size_t e, const char *zKey, size_t *pVs, size_t *pVe);
int json_find_ex(const char *z, size_t s, size_t e, const char *zKey, int bUnique,
                 size_t *pVs, size_t *pVe);
int json_is_empty(const char *z, size_t s, size_t e);
int json_str_is(const char *z, size_t s, size_t e, const char *zLit);

int json_buf_reserve(JsonBuf *p, size_t nMore);
void json_buf_free(JsonBuf *p);
int json_decode_string(const char *z, size_t s, size_t e, JsonBuf *pOut);
int json_repair(const char *z, size_t s, size_t e, JsonBuf *pOut);
int json_utf8_repair(const char *z, size_t n, JsonBuf *pOut);
int json_utf8_valid(const char *z, size_t n);
size_t json_repaired_len(const char *z, size_t s, size_t e);
int json_text_cmp(const char *z, size_t s, size_t e, const char *zVal, size_t nVal);
int json_str_plain(const char *z, size_t s, size_t e);
int json_decode_small(const char *z, size_t s, size_t e, char *zOut, size_t nOut);
void json_key_text(const char *z, size_t ks, size_t ke, char *zOut, size_t nOut);

#endif
