/*
** toml.c: a reader for the TOML subset of Elastic's rule files (what it reads: toml.h).
**
** One pass over the bytes, line by line: a header ([a.b] or [[a.b]]) chooses the table
** that the following key = value lines fill. Values and decoded strings live in an arena of
** large blocks owned by the document, so a rule file costs a handful of allocations and
** toml_free() cannot miss a value. The checks TOML asks of a reader are made (a key or a
** table defined twice, a value reopened as a table, invalid UTF-8, control characters), so
** that a file our reader accepts means what Python's tomllib says it means (tests/toml.sh
** compares the two on every rule file).
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdarg.h>
#include <string.h>
#include "toml.h"

/* TomlValue.flags */
#define TF_HEADER   0x01    /* a table named by a [header] of its own: defined */
#define TF_IMPLICIT 0x02    /* a table created on the way to a header: may be defined later */
#define TF_DOTTED   0x04    /* a table created by a dotted key: no header may name it */
#define TF_CLOSED   0x08    /* an inline table or an array value: nothing may be added */
#define TF_AOT      0x10    /* an array of tables, made by [[header]] */

#define TOML_MAX_DEPTH 64   /* nested arrays and inline tables: deeper is an error */
#define TOML_MAX_KEYS  32   /* parts of one dotted key */

typedef struct Block Block;
struct Block { Block *pNext; size_t nUsed, nSize; };   /* the bytes follow */

struct Toml {
  Block *pBlock;            /* the arena: newest block first */
  TomlValue root;
};

typedef struct Parser {
  Toml *pDoc;
  const char *zName;        /* the file's name, for errors */
  const unsigned char *z;   /* the text */
  int n, i;                 /* its length, the read position */
  int iLine;                /* the line of z[i], from 1 */
  int rc;                   /* SQLITE_OK until the first error */
  char *zErr;               /* the first error's text */
  char *aBuf;               /* scratch for decoding one string */
  int nBuf, nBufAlloc;
  TomlValue *pCur;          /* the table that key = value lines fill */
} Parser;

/* ---- arena --------------------------------------------------------------------------- */

static void *arena_alloc(Parser *p, size_t n){
  Block *b = p->pDoc->pBlock;
  n = (n + 7) & ~(size_t)7;
  if( b==0 || b->nSize - b->nUsed < n ){
    size_t nSize = n > 16384 ? n : 16384;
    b = sqlite3_malloc64(sizeof(Block) + nSize);
    if( b==0 ){ p->rc = SQLITE_NOMEM; return 0; }
    b->nUsed = 0;
    b->nSize = nSize;
    b->pNext = p->pDoc->pBlock;
    p->pDoc->pBlock = b;
  }
  b->nUsed += n;
  return (char*)(b+1) + b->nUsed - n;
}

static char *arena_str(Parser *p, const char *z, int n){
  char *s = arena_alloc(p, (size_t)n + 1);
  if( s ){ memcpy(s, z, (size_t)n); s[n] = 0; }
  return s;
}

static TomlValue *new_value(Parser *p, TomlValue *pParent, int eType, const char *zKey){
  TomlValue *v = arena_alloc(p, sizeof(TomlValue));
  if( v==0 ) return 0;
  memset(v, 0, sizeof(*v));
  v->eType = eType;
  v->zKey = zKey;
  v->iLine = p->iLine;
  if( pParent ){
    if( pParent->pLast ) pParent->pLast->pNext = v; else pParent->pFirst = v;
    pParent->pLast = v;
    pParent->nChild++;
  }
  return v;
}

static TomlValue *find_key(const TomlValue *t, const char *zKey){
  TomlValue *v;
  for(v=t->pFirst; v; v=v->pNext){
    if( strcmp(v->zKey, zKey)==0 ) return v;
  }
  return 0;
}

/* ---- errors and scratch -------------------------------------------------------------- */

static int fail(Parser *p, const char *zFormat, ...){
  if( p->rc==SQLITE_OK ){
    va_list ap;
    char *zMsg;
    va_start(ap, zFormat);
    zMsg = sqlite3_vmprintf(zFormat, ap);
    va_end(ap);
    p->zErr = zMsg ? sqlite3_mprintf("%s line %d: %s", p->zName, p->iLine, zMsg) : 0;
    sqlite3_free(zMsg);
    p->rc = p->zErr ? SQLITE_ERROR : SQLITE_NOMEM;
  }
  return p->rc;
}

static int buf_add(Parser *p, const char *z, int n){
  if( p->nBuf + n + 1 > p->nBufAlloc ){
    int nNew = p->nBufAlloc ? p->nBufAlloc*2 : 256;
    char *a;
    while( nNew < p->nBuf + n + 1 ) nNew *= 2;
    a = sqlite3_realloc64(p->aBuf, (sqlite3_uint64)nNew);
    if( a==0 ){ p->rc = SQLITE_NOMEM; return p->rc; }
    p->aBuf = a;
    p->nBufAlloc = nNew;
  }
  memcpy(p->aBuf + p->nBuf, z, (size_t)n);
  p->nBuf += n;
  return SQLITE_OK;
}

/* ---- characters ---------------------------------------------------------------------- */

static int peek(Parser *p, int k){ return p->i + k < p->n ? p->z[p->i + k] : -1; }

/* The length of the valid UTF-8 sequence at z[i] (i<n), or 0 when it is not one. */
static int utf8_len(const unsigned char *z, int i, int n){
  unsigned c = z[i], lo = 0x80, hi = 0xBF;
  int k, len;
  if( c<0x80 ) return 1;
  if( c>=0xC2 && c<=0xDF ) len = 2;
  else if( c>=0xE0 && c<=0xEF ){ len = 3; if( c==0xE0 ) lo = 0xA0; if( c==0xED ) hi = 0x9F; }
  else if( c>=0xF0 && c<=0xF4 ){ len = 4; if( c==0xF0 ) lo = 0x90; if( c==0xF4 ) hi = 0x8F; }
  else return 0;
  if( i + len > n ) return 0;
  for(k=1; k<len; k++){
    unsigned d = z[i+k];
    if( d < (k==1 ? lo : 0x80) || d > (k==1 ? hi : 0xBF) ) return 0;
  }
  return len;
}

/* A character TOML allows in strings and comments: not a control character other than tab. */
static int is_control(int c){ return (c<0x20 && c!='\t') || c==0x7F; }

static void skip_ws(Parser *p){
  while( p->i < p->n && (p->z[p->i]==' ' || p->z[p->i]=='\t') ) p->i++;
}

/* At a newline (LF or CRLF): step over it and return 1. */
static int eat_newline(Parser *p){
  if( peek(p,0)=='\n' ){ p->i++; p->iLine++; return 1; }
  if( peek(p,0)=='\r' && peek(p,1)=='\n' ){ p->i += 2; p->iLine++; return 1; }
  return 0;
}

static int skip_comment(Parser *p){
  if( peek(p,0)!='#' ) return SQLITE_OK;
  while( p->i < p->n && p->z[p->i]!='\n' ){
    int c = p->z[p->i], len;
    if( c=='\r' && peek(p,1)=='\n' ) break;
    if( is_control(c) ) return fail(p, "control character 0x%02x in a comment", c);
    len = utf8_len(p->z, p->i, p->n);
    if( len==0 ) return fail(p, "invalid UTF-8");
    p->i += len;
  }
  return SQLITE_OK;
}

/* Blank space, comments and newlines, as allowed inside an array. */
static int skip_ws_nl(Parser *p){
  for(;;){
    skip_ws(p);
    if( skip_comment(p) ) return p->rc;
    if( !eat_newline(p) ) return SQLITE_OK;
  }
}

/* The end of a line: optional space and comment, then a newline or the end of the text. */
static int end_of_line(Parser *p){
  skip_ws(p);
  if( skip_comment(p) ) return p->rc;
  if( p->i >= p->n || eat_newline(p) ) return SQLITE_OK;
  if( p->z[p->i]=='\r' ) return fail(p, "a carriage return not followed by a newline");
  return fail(p, "unexpected '%c' after a value", p->z[p->i]);
}

/* ---- strings ------------------------------------------------------------------------- */

static int put_utf8(Parser *p, unsigned cp){
  char a[4];
  int n;
  if( cp<0x80 ){ a[0] = (char)cp; n = 1; }
  else if( cp<0x800 ){ a[0] = (char)(0xC0|(cp>>6)); a[1] = (char)(0x80|(cp&0x3F)); n = 2; }
  else if( cp<0x10000 ){
    a[0] = (char)(0xE0|(cp>>12)); a[1] = (char)(0x80|((cp>>6)&0x3F));
    a[2] = (char)(0x80|(cp&0x3F)); n = 3;
  }else{
    a[0] = (char)(0xF0|(cp>>18)); a[1] = (char)(0x80|((cp>>12)&0x3F));
    a[2] = (char)(0x80|((cp>>6)&0x3F)); a[3] = (char)(0x80|(cp&0x3F)); n = 4;
  }
  return buf_add(p, a, n);
}

/* One escape after a backslash in a basic string (p->i at the character after '\'). */
static int escape(Parser *p){
  int c = peek(p,0), k, nHex;
  unsigned cp = 0;
  const char *zSimple = 0;
  switch( c ){
    case 'b': zSimple = "\b"; break;
    case 't': zSimple = "\t"; break;
    case 'n': zSimple = "\n"; break;
    case 'f': zSimple = "\f"; break;
    case 'r': zSimple = "\r"; break;
    case '"': zSimple = "\""; break;
    case '\\': zSimple = "\\"; break;
    case 'u': nHex = 4; break;
    case 'U': nHex = 8; break;
    default:
      if( c<0x20 || c>=0x7F ) return fail(p, "invalid escape in a string");
      return fail(p, "invalid escape '\\%c' in a string", c);
  }
  p->i++;
  if( zSimple ) return buf_add(p, zSimple, 1);
  for(k=0; k<nHex; k++){
    int h = peek(p,0);
    if( h>='0' && h<='9' ) h -= '0';
    else if( h>='a' && h<='f' ) h -= 'a' - 10;
    else if( h>='A' && h<='F' ) h -= 'A' - 10;
    else return fail(p, "\\%c needs %d hexadecimal digits", c, nHex);
    if( cp > 0x10FFFF ) return fail(p, "escape \\%c beyond U+10FFFF", c);
    cp = cp*16 + (unsigned)h;
    p->i++;
  }
  if( cp>0x10FFFF || (cp>=0xD800 && cp<=0xDFFF) ){
    return fail(p, "escape \\%c is not a Unicode scalar value", c);
  }
  return put_utf8(p, cp);
}

/* A string of any of the four kinds, at its opening quote; the decoded text in p->aBuf. */
static int parse_string(Parser *p){
  int q = p->z[p->i];                     /* '"' basic, '\'' literal */
  int bMulti = peek(p,1)==q && peek(p,2)==q;
  int iStart = p->iLine;
  p->nBuf = 0;
  p->i += bMulti ? 3 : 1;
  if( bMulti ) eat_newline(p);            /* a newline right after the opening is trimmed */
  for(;;){
    int c = peek(p,0), len;
    if( c<0 ){
      p->iLine = iStart;
      return fail(p, "unterminated string");
    }
    if( c==q ){
      if( !bMulti ){ p->i++; break; }
      if( peek(p,1)==q && peek(p,2)==q ){
        int k = 3;
        while( peek(p,k)==q ) k++;        /* """" or """"": the first quotes are content */
        if( k>5 ) return fail(p, "too many quotes closing a string");
        if( buf_add(p, (const char*)p->z + p->i, k-3) ) return p->rc;
        p->i += k;
        break;
      }
      if( buf_add(p, (const char*)p->z + p->i, 1) ) return p->rc;
      p->i++;
      continue;
    }
    if( c=='\\' && q=='"' ){
      p->i++;
      if( bMulti ){
        /* a backslash ending a line trims it and all blank space and newlines after it */
        int j = p->i;
        while( j<p->n && (p->z[j]==' ' || p->z[j]=='\t') ) j++;
        if( j<p->n && (p->z[j]=='\n' || (p->z[j]=='\r' && j+1<p->n && p->z[j+1]=='\n')) ){
          p->i = j;
          for(;;){
            skip_ws(p);
            if( !eat_newline(p) ) break;
          }
          continue;
        }
      }
      if( escape(p) ) return p->rc;
      continue;
    }
    if( bMulti && (c=='\n' || (c=='\r' && peek(p,1)=='\n')) ){
      if( buf_add(p, "\n", 1) ) return p->rc;   /* CRLF becomes LF, as tomllib reads it */
      eat_newline(p);
      continue;
    }
    if( c=='\n' || (c=='\r' && peek(p,1)=='\n') ) return fail(p, "newline in a one-line string");
    if( c=='\r' ) return fail(p, "a carriage return not followed by a newline");
    if( is_control(c) ) return fail(p, "control character 0x%02x in a string", c);
    len = utf8_len(p->z, p->i, p->n);
    if( len==0 ) return fail(p, "invalid UTF-8");
    if( buf_add(p, (const char*)p->z + p->i, len) ) return p->rc;
    p->i += len;
  }
  return SQLITE_OK;
}

/* ---- keys ---------------------------------------------------------------------------- */

static int is_bare(int c){
  return (c>='A' && c<='Z') || (c>='a' && c<='z') || (c>='0' && c<='9') || c=='_' || c=='-';
}

/* A key, dotted or not, into azKey[] (arena strings); p->i after it and the blank after. */
static int parse_key(Parser *p, const char **azKey, int *pnKey){
  int nKey = 0;
  for(;;){
    int c;
    const char *zKey;
    skip_ws(p);
    c = peek(p,0);
    if( c=='"' || c=='\'' ){
      if( peek(p,1)==c && peek(p,2)==c ) return fail(p, "a multi-line string cannot be a key");
      if( parse_string(p) ) return p->rc;
      zKey = arena_str(p, p->aBuf, p->nBuf);
    }else if( c>=0 && is_bare(c) ){
      int j = p->i;
      while( p->i<p->n && is_bare(p->z[p->i]) ) p->i++;
      zKey = arena_str(p, (const char*)p->z + j, p->i - j);
    }else{
      return fail(p, "a key expected");
    }
    if( zKey==0 ) return p->rc;
    if( nKey>=TOML_MAX_KEYS ) return fail(p, "a key of more than %d parts", TOML_MAX_KEYS);
    azKey[nKey++] = zKey;
    skip_ws(p);
    if( peek(p,0)!='.' ) break;
    p->i++;
  }
  *pnKey = nKey;
  return SQLITE_OK;
}

/* ---- values -------------------------------------------------------------------------- */

static int parse_value(Parser *p, TomlValue *v, int iDepth);

static int parse_integer(Parser *p, TomlValue *v){
  int j = p->i, base = 10, bNeg = 0, nDigit = 0, bUnder = 0;
  sqlite3_uint64 u = 0, lim;
  if( peek(p,0)=='+' || peek(p,0)=='-' ){ bNeg = peek(p,0)=='-'; p->i++; }
  if( peek(p,0)=='0' && (peek(p,1)=='x' || peek(p,1)=='o' || peek(p,1)=='b') ){
    if( p->i!=j ) return fail(p, "a sign before a 0x, 0o or 0b integer");
    base = peek(p,1)=='x' ? 16 : peek(p,1)=='o' ? 8 : 2;
    p->i += 2;
  }
  lim = bNeg ? (sqlite3_uint64)1<<63 : ((sqlite3_uint64)1<<63) - 1;
  for(;;){
    int c = peek(p,0), d;
    if( c=='_' ){
      if( nDigit==0 || bUnder ) return fail(p, "misplaced '_' in an integer");
      bUnder = 1; p->i++; continue;
    }
    if( c>='0' && c<='9' ) d = c - '0';
    else if( base==16 && c>='a' && c<='f' ) d = c - 'a' + 10;
    else if( base==16 && c>='A' && c<='F' ) d = c - 'A' + 10;
    else break;
    if( d>=base ) return fail(p, "digit '%c' in a base-%d integer", c, base);
    if( u > (lim - (sqlite3_uint64)d)/(sqlite3_uint64)base ) return fail(p, "integer out of range");
    u = u*(sqlite3_uint64)base + (sqlite3_uint64)d;
    nDigit++; bUnder = 0; p->i++;
  }
  if( nDigit==0 || bUnder ) return fail(p, "malformed integer");
  if( base==10 && nDigit>1 && p->z[bNeg || p->z[j]=='+' ? j+1 : j]=='0' ){
    return fail(p, "leading zero in an integer");
  }
  {
    int c = peek(p,0);
    if( c=='.' || c=='e' || c=='E' ) return fail(p, "floats are not supported");
    if( c=='-' || c==':' ) return fail(p, "dates and times are not supported");
    if( c>=0 && (is_bare(c) || c=='+') ) return fail(p, "malformed number");
  }
  v->eType = TOML_INTEGER;
  v->i = bNeg ? (sqlite3_int64)(0 - u) : (sqlite3_int64)u;
  return SQLITE_OK;
}

static int parse_array(Parser *p, TomlValue *v, int iDepth){
  v->eType = TOML_ARRAY;
  v->flags |= TF_CLOSED;
  p->i++;                                  /* '[' */
  for(;;){
    TomlValue *pElem;
    if( skip_ws_nl(p) ) return p->rc;
    if( peek(p,0)==']' ){ p->i++; return SQLITE_OK; }
    pElem = new_value(p, v, 0, 0);
    if( pElem==0 ) return p->rc;
    if( parse_value(p, pElem, iDepth+1) ) return p->rc;
    if( skip_ws_nl(p) ) return p->rc;
    if( peek(p,0)==',' ){ p->i++; continue; }
    if( peek(p,0)==']' ){ p->i++; return SQLITE_OK; }
    return peek(p,0)<0 ? fail(p, "unterminated array") : fail(p, "',' or ']' expected in an array");
  }
}

static int set_key(Parser *p, TomlValue *pTable, int iDepth);

static int parse_inline_table(Parser *p, TomlValue *v, int iDepth){
  v->eType = TOML_TABLE;
  p->i++;                                  /* '{' */
  skip_ws(p);
  if( peek(p,0)=='}' ){ p->i++; v->flags |= TF_CLOSED; return SQLITE_OK; }
  for(;;){
    if( set_key(p, v, iDepth+1) ) return p->rc;
    skip_ws(p);
    if( peek(p,0)==',' ){ p->i++; continue; }
    if( peek(p,0)=='}' ){ p->i++; break; }
    return fail(p, "',' or '}' expected in an inline table");
  }
  v->flags |= TF_CLOSED;                   /* after its own keys: nothing more may be added */
  return SQLITE_OK;
}

static int parse_value(Parser *p, TomlValue *v, int iDepth){
  int c = peek(p,0);
  if( iDepth>TOML_MAX_DEPTH ) return fail(p, "arrays or tables nested deeper than %d", TOML_MAX_DEPTH);
  v->iLine = p->iLine;
  if( c=='"' || c=='\'' ){
    if( parse_string(p) ) return p->rc;
    v->eType = TOML_STRING;
    v->z = arena_str(p, p->aBuf, p->nBuf);
    v->n = p->nBuf;
    return v->z ? SQLITE_OK : p->rc;
  }
  if( c=='[' ) return parse_array(p, v, iDepth);
  if( c=='{' ) return parse_inline_table(p, v, iDepth);
  if( c=='t' && p->n - p->i>=4 && memcmp(p->z+p->i, "true", 4)==0 && !is_bare(peek(p,4)) ){
    v->eType = TOML_BOOLEAN; v->i = 1; p->i += 4; return SQLITE_OK;
  }
  if( c=='f' && p->n - p->i>=5 && memcmp(p->z+p->i, "false", 5)==0 && !is_bare(peek(p,5)) ){
    v->eType = TOML_BOOLEAN; v->i = 0; p->i += 5; return SQLITE_OK;
  }
  if( (c>='0' && c<='9') || c=='+' || c=='-' ){
    int k = (c=='+' || c=='-') ? 1 : 0;
    if( p->n - p->i >= k+3 && (memcmp(p->z+p->i+k, "inf", 3)==0 || memcmp(p->z+p->i+k, "nan", 3)==0) ){
      return fail(p, "floats are not supported");
    }
    return parse_integer(p, v);
  }
  if( p->n - p->i >= 3 && (memcmp(p->z+p->i, "inf", 3)==0 || memcmp(p->z+p->i, "nan", 3)==0) ){
    return fail(p, "floats are not supported");
  }
  if( c<0 || c=='\n' || c=='\r' || c=='#' ) return fail(p, "a value expected");
  return fail(p, "unexpected '%c' where a value was expected", c);
}

/* key = value into table t (a dotted key makes or enters the tables on its way). */
static int set_key(Parser *p, TomlValue *t, int iDepth){
  const char *azKey[TOML_MAX_KEYS];
  int nKey = 0, k;
  TomlValue *v;
  if( parse_key(p, azKey, &nKey) ) return p->rc;
  if( peek(p,0)!='=' ) return fail(p, "'=' expected after key '%s'", azKey[nKey-1]);
  p->i++;
  skip_ws(p);
  for(k=0; k<nKey-1; k++){
    TomlValue *s = find_key(t, azKey[k]);
    if( s==0 ){
      s = new_value(p, t, TOML_TABLE, azKey[k]);
      if( s==0 ) return p->rc;
      s->flags |= TF_DOTTED;
    }else if( s->eType!=TOML_TABLE || (s->flags & (TF_CLOSED|TF_HEADER|TF_IMPLICIT)) ){
      return fail(p, "key '%s' is already defined (line %d)", azKey[k], s->iLine);
    }
    t = s;
  }
  if( (v = find_key(t, azKey[nKey-1]))!=0 ){
    return fail(p, "key '%s' is already defined (line %d)", azKey[nKey-1], v->iLine);
  }
  v = new_value(p, t, 0, azKey[nKey-1]);
  if( v==0 ) return p->rc;
  return parse_value(p, v, iDepth);
}

/* [a.b.c] or [[a.b.c]]: choose (making them when needed) the table that follows. */
static int header(Parser *p){
  const char *azKey[TOML_MAX_KEYS];
  int nKey = 0, k;
  int bArray = peek(p,1)=='[';
  TomlValue *t = &p->pDoc->root, *s;
  p->i += bArray ? 2 : 1;
  if( parse_key(p, azKey, &nKey) ) return p->rc;
  if( peek(p,0)!=']' || (bArray && peek(p,1)!=']') ){
    return fail(p, bArray ? "']]' expected after a table name" : "']' expected after a table name");
  }
  p->i += bArray ? 2 : 1;
  for(k=0; k<nKey-1; k++){
    s = find_key(t, azKey[k]);
    if( s==0 ){
      s = new_value(p, t, TOML_TABLE, azKey[k]);
      if( s==0 ) return p->rc;
      s->flags |= TF_IMPLICIT;
    }else if( s->eType==TOML_ARRAY && (s->flags & TF_AOT) ){
      s = s->pLast;                        /* the latest table of the array */
    }else if( s->eType!=TOML_TABLE || (s->flags & TF_CLOSED) ){
      return fail(p, "key '%s' is already defined (line %d)", azKey[k], s->iLine);
    }
    t = s;
  }
  s = find_key(t, azKey[nKey-1]);
  if( bArray ){
    if( s==0 ){
      s = new_value(p, t, TOML_ARRAY, azKey[nKey-1]);
      if( s==0 ) return p->rc;
      s->flags |= TF_AOT;
    }else if( s->eType!=TOML_ARRAY || !(s->flags & TF_AOT) ){
      return fail(p, "key '%s' is already defined (line %d)", azKey[nKey-1], s->iLine);
    }
    t = new_value(p, s, TOML_TABLE, 0);
    if( t==0 ) return p->rc;
    t->flags |= TF_HEADER;
  }else{
    if( s==0 ){
      s = new_value(p, t, TOML_TABLE, azKey[nKey-1]);
      if( s==0 ) return p->rc;
    }else if( s->eType!=TOML_TABLE ){
      return fail(p, "key '%s' is already defined (line %d)", azKey[nKey-1], s->iLine);
    }else if( !(s->flags & TF_IMPLICIT) ){
      return fail(p, "table '%s' is already defined (line %d)", azKey[nKey-1], s->iLine);
    }
    s->flags = (s->flags & ~TF_IMPLICIT) | TF_HEADER;
    s->iLine = p->iLine;
    t = s;
  }
  p->pCur = t;
  return end_of_line(p);
}

int toml_parse(const char *zName, const char *z, int n, Toml **ppDoc, char **pzErr){
  Parser p;
  *ppDoc = 0;
  if( pzErr ) *pzErr = 0;
  memset(&p, 0, sizeof(p));
  p.pDoc = sqlite3_malloc64(sizeof(Toml));
  if( p.pDoc==0 ) return SQLITE_NOMEM;
  memset(p.pDoc, 0, sizeof(Toml));
  p.pDoc->root.eType = TOML_TABLE;
  p.pDoc->root.iLine = 1;
  p.zName = zName;
  p.z = (const unsigned char*)z;
  p.n = n;
  p.iLine = 1;
  p.pCur = &p.pDoc->root;
  if( n>=3 && memcmp(z, "\xEF\xBB\xBF", 3)==0 ){
    fail(&p, "a byte order mark (a TOML file starts without one)");   /* as tomllib */
  }
  while( p.rc==SQLITE_OK && p.i<p.n ){
    int c;
    skip_ws(&p);
    c = peek(&p,0);
    if( c=='[' ){
      header(&p);
    }else if( c=='#' || c=='\n' || c=='\r' || c<0 ){
      end_of_line(&p);
    }else{
      if( set_key(&p, p.pCur, 0)==SQLITE_OK ) end_of_line(&p);
    }
  }
  sqlite3_free(p.aBuf);
  if( p.rc ){
    if( pzErr ) *pzErr = p.zErr; else sqlite3_free(p.zErr);
    toml_free(p.pDoc);
    return p.rc;
  }
  *ppDoc = p.pDoc;
  return SQLITE_OK;
}

void toml_free(Toml *pDoc){
  Block *b, *bNext;
  if( pDoc==0 ) return;
  for(b=pDoc->pBlock; b; b=bNext){
    bNext = b->pNext;
    sqlite3_free(b);
  }
  sqlite3_free(pDoc);
}

const TomlValue *toml_root(const Toml *pDoc){
  return &pDoc->root;
}

const TomlValue *toml_get(const TomlValue *t, const char *zPath){
  while( t && t->eType==TOML_TABLE ){
    const char *zDot = strchr(zPath, '.');
    int n = zDot ? (int)(zDot - zPath) : (int)strlen(zPath);
    const TomlValue *v;
    for(v=t->pFirst; v; v=v->pNext){
      if( (int)strlen(v->zKey)==n && memcmp(v->zKey, zPath, (size_t)n)==0 ) break;
    }
    if( zDot==0 || v==0 ) return v;
    t = v;
    zPath = zDot + 1;
  }
  return 0;
}

const char *toml_get_text(const TomlValue *t, const char *zPath){
  const TomlValue *v = toml_get(t, zPath);
  return v && v->eType==TOML_STRING ? v->z : 0;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_string(sqlite3_str *s, const char *z, int n){
  int i;
  sqlite3_str_appendchar(s, 1, '"');
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( c=='"' || c=='\\' ){
      sqlite3_str_appendchar(s, 1, '\\');
      sqlite3_str_appendchar(s, 1, (char)c);
    }else if( c=='\n' ){
      sqlite3_str_appendall(s, "\\n");
    }else if( c=='\t' ){
      sqlite3_str_appendall(s, "\\t");
    }else if( c=='\r' ){
      sqlite3_str_appendall(s, "\\r");
    }else if( c<0x20 ){
      sqlite3_str_appendf(s, "\\u%04x", c);
    }else{
      sqlite3_str_appendchar(s, 1, (char)c);
    }
  }
  sqlite3_str_appendchar(s, 1, '"');
}

static void json_value(sqlite3_str *s, const TomlValue *v){
  const TomlValue *c;
  switch( v->eType ){
    case TOML_STRING:  json_string(s, v->z, v->n); break;
    case TOML_INTEGER: sqlite3_str_appendf(s, "%lld", v->i); break;
    case TOML_BOOLEAN: sqlite3_str_appendall(s, v->i ? "true" : "false"); break;
    case TOML_ARRAY:
      sqlite3_str_appendchar(s, 1, '[');
      for(c=v->pFirst; c; c=c->pNext){
        if( c!=v->pFirst ) sqlite3_str_appendall(s, ", ");
        json_value(s, c);
      }
      sqlite3_str_appendchar(s, 1, ']');
      break;
    case TOML_TABLE:
      sqlite3_str_appendchar(s, 1, '{');
      for(c=v->pFirst; c; c=c->pNext){
        if( c!=v->pFirst ) sqlite3_str_appendall(s, ", ");
        json_string(s, c->zKey, (int)strlen(c->zKey));
        sqlite3_str_appendall(s, ": ");
        json_value(s, c);
      }
      sqlite3_str_appendchar(s, 1, '}');
      break;
  }
}

char *toml_json(const TomlValue *v){
  sqlite3_str *s = sqlite3_str_new(0);
  json_value(s, v);
  return sqlite3_str_finish(s);
}
