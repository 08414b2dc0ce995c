/*
** kql.c: Kibana Query Language ("kuery") for the rule packs.
**
** The grammar is Kibana's (kuery.peg), recursive descent:
**
**   query    := or
**   or       := and (SPACE+ "or" SPACE+ or)?            (keywords in any case)
**   and      := not (SPACE+ "and" SPACE+ and)?
**   not      := "not" SPACE+ sub | sub
**   sub      := "(" SPACE* or SPACE* ")" | field SPACE* ":" SPACE* values
**             | field SPACE* ("<="|">="|"<"|">") SPACE* literal
**   values   := "(" SPACE* vor SPACE* ")" | value     (vor/vand/vnot: the same shape)
**   value    := quoted | unquoted
**
** An unquoted literal runs until a special character \():<>"*{} (escaped with \ to be
** literal) or a keyword (" or ", " and ", "not "), spaces inside it kept and the ends
** trimmed; an unescaped * is a wildcard; a value that is one lone * means "exists". A
** quoted literal is exact (\" \\ \t \r \n \uXXXX escapes), wildcards included.
**
** Semantics, as Elasticsearch runs what Kibana builds: every mapped field is a keyword
** (exact, case-sensitive bytes; a wildcard matches any run of characters), a boolean, an
** ip (addresses compared, a CIDR matches its range) or a date (instants compared). A field
** with several values matches when any value does; "not" is the complement, so
** `not f:x` holds when f is absent. Ranges on keywords compare bytes (UTF-8 order).
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "ecs.h"
#include "kql.h"

#define K_ALL    0               /* the empty query */
#define K_OR     1
#define K_AND    2
#define K_NOT    3
#define K_EQ     4               /* field:literal */
#define K_WILD   5               /* field:pattern */
#define K_EXISTS 6               /* field:* */
#define K_RANGE  7               /* field OP literal */
#define K_NONE   8               /* rewrite(): a query part no record matches */
#define K_SET    9               /* rewrite(): field:(a or b or ...), exact keyword values */

/* How a K_WILD pattern is tested (compiled once by wild_compile) */
#define W_GENERAL  0             /* wild(): several literals between the stars */
#define W_PREFIX   1             /* LIT*  */
#define W_SUFFIX   2             /* *LIT  */
#define W_CONTAINS 3             /* *LIT* (LIT may be empty: any value) */

#define R_LT 1
#define R_LE 2
#define R_GT 3
#define R_GE 4

struct KqlExpr {
  int op;
  KqlExpr *pL, *pR;              /* as parsed (and/or binary, not: pL) */
  KqlExpr **apChild;             /* and/or after rewrite(): every operand, cheapest first */
  int nChild;
  int nCost;                     /* rewrite(): estimated cost of evaluating e */
  EcsValue *aSet;                /* K_SET: the values, sorted by bytes, each once (one
                                 ** allocation: the array, then the text) */
  int nSet;
  int iField, eType;
  const char *zSub;              /* flattened path, inside zField */
  char *zField;
  char *zVal;                    /* K_EQ/K_RANGE: the literal; K_WILD: the pattern (\-escaped) */
  size_t nVal;
  int eWild;                     /* K_WILD: W_* (how the pattern is tested) ... */
  char *zLit;                    /* ... and its one literal, unescaped, for W_PREFIX ... */
  size_t nLit;
  int eRange;
  long long iTime;               /* ECS_DATE: zVal as Unix seconds */
  unsigned char aIp[16];         /* ECS_IP: zVal as an address ... */
  int nPrefix;                   /* ... and its prefix length (128: one address) */
  KqlKey key;                    /* root only: what kql_key() answers, proven on the tree
                                 ** as parsed (the values: in pKeyMem) */
  void *pKeyMem;
};

typedef struct Parser {
  const char *z;
  size_t n, i;
  char *zErr;
  int rc;
  JsonBuf lit, pat;              /* the last literal: its text, and as a pattern */
  int bWild;
} Parser;

static int is_space(char c){ return c==' ' || c=='\t' || c=='\r' || c=='\n'; }
static int is_special(char c){ return c && strchr("\\():<>\"*{}", c)!=0; }

static void perr(Parser *p, size_t i, const char *zWhat){
  if( p->rc ) return;
  p->rc = SQLITE_ERROR;
  p->zErr = sqlite3_mprintf("KQL syntax error at offset %d: %s", (int)i, zWhat);
  if( p->zErr==0 ) p->rc = SQLITE_NOMEM;
}

static void skip_space(Parser *p){ while( p->i<p->n && is_space(p->z[p->i]) ) p->i++; }

/* Does keyword zKw (lower case) followed by at least one space start at z[i]? */
static int word_at(const Parser *p, size_t i, const char *zKw){
  size_t k = strlen(zKw);
  return i+k<p->n && sqlite3_strnicmp(p->z+i, zKw, (int)k)==0 && is_space(p->z[i+k]);
}

/* Spaces, then "or"/"and", then spaces at z[i] (Kibana's Or / And): the end, or 0. */
static size_t binary_at(const Parser *p, size_t i, const char *zKw){
  size_t j = i;
  while( j<p->n && is_space(p->z[j]) ) j++;
  if( j==i || !word_at(p, j, zKw) ) return 0;
  j += strlen(zKw);
  while( j<p->n && is_space(p->z[j]) ) j++;
  return j;
}

static int keyword_at(const Parser *p, size_t i){
  return binary_at(p, i, "or") || binary_at(p, i, "and") || word_at(p, i, "not");
}

static KqlExpr *node(Parser *p, int op){
  KqlExpr *e;
  if( p->rc ) return 0;
  e = sqlite3_malloc64(sizeof(*e));
  if( e==0 ){ p->rc = SQLITE_NOMEM; return 0; }
  memset(e, 0, sizeof(*e));
  e->op = op;
  e->iField = -1;
  return e;
}

void kql_free(KqlExpr *e){
  int i;
  if( e==0 ) return;
  kql_free(e->pL);
  kql_free(e->pR);
  for(i=0; i<e->nChild; i++) kql_free(e->apChild[i]);
  sqlite3_free(e->apChild);
  sqlite3_free(e->aSet);
  sqlite3_free(e->pKeyMem);
  sqlite3_free(e->zField);
  sqlite3_free(e->zVal);
  sqlite3_free(e->zLit);
  sqlite3_free(e);
}

/* Append z[0..n) to b, NUL-terminated: SQLITE_OK or SQLITE_NOMEM. */
static int emit_raw(JsonBuf *b, const char *z, size_t n){
  if( json_buf_reserve(b, n) ) return SQLITE_NOMEM;
  memcpy(b->z + b->n, z, n);
  b->n += n;
  b->z[b->n] = 0;
  return SQLITE_OK;
}

static int emit(Parser *p, JsonBuf *b, const char *z, size_t n){
  if( emit_raw(b, z, n) ){ p->rc = SQLITE_NOMEM; return 1; }
  return 0;
}

/* One character of both forms: c literal (escaped in the pattern when special there). */
static void emit_char(Parser *p, const char *z, size_t n){
  if( n==1 && (z[0]=='*' || z[0]=='\\') ) emit(p, &p->pat, "\\", 1);
  emit(p, &p->pat, z, n);
  emit(p, &p->lit, z, n);
}

static int hexval(char c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

/* \uXXXX at z[i] (i at the backslash): its UTF-8 into zOut, the length, or 0. */
static int unicode_escape(const Parser *p, size_t i, char *zOut){
  unsigned c = 0;
  int k;
  if( i+6>p->n || p->z[i+1]!='u' ) return 0;
  for(k=2; k<6; k++){
    int h = hexval(p->z[i+k]);
    if( h<0 ) return 0;
    c = c*16 + (unsigned)h;
  }
  if( c<0x80 ){ zOut[0] = (char)c; return 1; }
  if( c<0x800 ){ zOut[0] = (char)(0xC0|(c>>6)); zOut[1] = (char)(0x80|(c&0x3F)); return 2; }
  zOut[0] = (char)(0xE0|(c>>12)); zOut[1] = (char)(0x80|((c>>6)&0x3F));
  zOut[2] = (char)(0x80|(c&0x3F));
  return 3;
}

/* A quoted literal at z[i]=='"' into p->lit (p->pat with every * escaped). */
static int parse_quoted(Parser *p){
  size_t i0 = p->i;
  p->lit.n = p->pat.n = 0;
  p->bWild = 0;
  emit(p, &p->lit, "", 0);
  emit(p, &p->pat, "", 0);
  p->i++;
  while( p->rc==0 ){
    char c, zU[4];
    int nU;
    if( p->i>=p->n ){ perr(p, i0, "unterminated quoted string"); return 1; }
    c = p->z[p->i];
    if( c=='"' ){ p->i++; return 0; }
    if( c=='\\' && p->i+1<p->n ){
      char d = p->z[p->i+1];
      if( d=='t' || d=='r' || d=='n' ){
        emit_char(p, d=='t' ? "\t" : d=='r' ? "\r" : "\n", 1); p->i += 2; continue;
      }
      if( d=='\\' || d=='"' ){ emit_char(p, &p->z[p->i+1], 1); p->i += 2; continue; }
      if( (nU = unicode_escape(p, p->i, zU))>0 ){ emit_char(p, zU, nU); p->i += 6; continue; }
    }
    emit_char(p, &p->z[p->i], 1);
    p->i++;
  }
  return 1;
}

/* An unquoted literal at z[i] into p->lit and p->pat; p->bWild when it has a wildcard. */
static int parse_unquoted(Parser *p){
  size_t i0 = p->i, nLitEnd = 0, nPatEnd = 0;
  int bAny = 0;
  p->lit.n = p->pat.n = 0;
  p->bWild = 0;
  emit(p, &p->lit, "", 0);
  emit(p, &p->pat, "", 0);
  while( p->rc==0 && p->i<p->n ){
    char c = p->z[p->i], zU[4];
    int nU;
    if( c=='\\' ){
      char d = p->i+1<p->n ? p->z[p->i+1] : 0;
      if( d=='t' || d=='r' || d=='n' ){
        emit_char(p, d=='t' ? "\t" : d=='r' ? "\r" : "\n", 1); p->i += 2;
      }else if( d && is_special(d) ){
        emit_char(p, &p->z[p->i+1], 1); p->i += 2;
      }else if( (nU = unicode_escape(p, p->i, zU))>0 ){
        emit_char(p, zU, nU); p->i += 6;
      }else if( sqlite3_strnicmp(p->z+p->i+1, "or", 2)==0 || sqlite3_strnicmp(p->z+p->i+1, "and", 3)==0
             || sqlite3_strnicmp(p->z+p->i+1, "not", 3)==0 ){
        size_t k = (d=='o' || d=='O') ? 2 : 3;
        size_t j;
        for(j=0; j<k; j++) emit_char(p, &p->z[p->i+1+j], 1);
        p->i += 1+k;
      }else{
        perr(p, p->i, "a backslash escapes only \\():<>\"*{}, t, r, n, uXXXX, or, and, not");
        return 1;
      }
      nLitEnd = p->lit.n; nPatEnd = p->pat.n; bAny = 1;
      continue;
    }
    if( c=='*' ){
      emit(p, &p->pat, "*", 1);
      emit(p, &p->lit, "*", 1);
      p->bWild = 1;
      p->i++;
      nLitEnd = p->lit.n; nPatEnd = p->pat.n; bAny = 1;
      continue;
    }
    if( is_special(c) || keyword_at(p, p->i) ) break;
    emit_char(p, &c, 1);
    p->i++;
    if( !is_space(c) ){ nLitEnd = p->lit.n; nPatEnd = p->pat.n; bAny = 1; }
  }
  if( p->rc ) return 1;
  if( !bAny ){ perr(p, i0, "expected a value"); return 1; }
  /* trim: leading spaces were skipped by the callers, trailing ones dropped here */
  p->lit.n = nLitEnd; p->lit.z[nLitEnd] = 0;
  p->pat.n = nPatEnd; p->pat.z[nPatEnd] = 0;
  return 0;
}

static int parse_literal(Parser *p){
  if( p->i<p->n && p->z[p->i]=='"' ) return parse_quoted(p);
  return parse_unquoted(p);
}

/* Parse an IP address or CIDR for an ip field. */
static int parse_ip(const char *z, unsigned char *a16, int *pnPrefix){
  char zB[64];
  const char *zSlash = strchr(z, '/');
  size_t n = zSlash ? (size_t)(zSlash-z) : strlen(z);
  unsigned char a4[4];
  int nMax, nPrefix;
  if( n>=sizeof(zB) ) return 0;
  memcpy(zB, z, n); zB[n] = 0;
  if( inet_pton(AF_INET, zB, a4)==1 ){
    memset(a16, 0, 10); a16[10] = a16[11] = 0xFF; memcpy(a16+12, a4, 4);
    nMax = 32;
  }else if( inet_pton(AF_INET6, zB, a16)==1 ){
    nMax = 128;
  }else{
    return 0;
  }
  nPrefix = nMax;
  if( zSlash ){
    const char *q = zSlash+1;
    if( *q==0 ) return 0;
    for(nPrefix=0; *q; q++){
      if( *q<'0' || *q>'9' || nPrefix>nMax ) return 0;
      nPrefix = nPrefix*10 + (*q-'0');
    }
    if( nPrefix>nMax ) return 0;
  }
  *pnPrefix = nPrefix + (128-nMax);
  return 1;
}

/* A field with a closed list of answerable values (user_agent.name): only "equals one of
** them" can be answered exactly, since a record outside the list has no known value. Sets
** the error and returns 1 for anything else. */
static int closed_refuse(Parser *p, const char *zField, int op, int iField){
  const char *const *az = ecs_closed_values(iField);
  const char *zWhat = 0;
  char *zList;
  int k;
  if( op==K_EQ ){
    for(k=0; az[k]; k++) if( strcmp(az[k], p->lit.z)==0 ) return 0;
  }else{
    zWhat = op==K_EXISTS ? "exists (field:*)" : op==K_WILD ? "a wildcard" : "a range";
  }
  zList = sqlite3_mprintf("%s", az[0]);
  for(k=1; zList && az[k]; k++){
    char *z = sqlite3_mprintf("%s, %s", zList, az[k]);
    sqlite3_free(zList);
    zList = z;
  }
  p->rc = SQLITE_ERROR;
  if( zList ){
    p->zErr = zWhat
      ? sqlite3_mprintf("field %s: %s is refused; only equality with %s is answered (the "
                        "user-agent shapes this reader proves without uap-core's regular "
                        "expressions)",
                        zField, zWhat, zList)
      : sqlite3_mprintf("field %s is answered only for the values %s (the user-agent shapes "
                        "this reader proves without uap-core's regular expressions), not \"%s\"",
                        zField, zList, p->lit.z);
  }
  sqlite3_free(zList);
  if( p->zErr==0 ) p->rc = SQLITE_NOMEM;
  return 1;
}

/* Classify the pattern of K_WILD leaf e (zVal: \-escaped literals, * any run of bytes):
** a single literal with a star after it, before it, or both is tested as a prefix, a
** suffix, or with memmem (zLit, unescaped); anything else by wild(). SQLITE_OK or
** SQLITE_NOMEM. */
static int wild_compile(KqlExpr *e){
  size_t i, nLit = 0;
  int nPart = 0, bInPart = 0, bLead = 0, bTrail = 0;
  e->eWild = W_GENERAL;
  e->zLit = sqlite3_malloc64(e->nVal + 1);
  if( e->zLit==0 ) return SQLITE_NOMEM;
  for(i=0; i<e->nVal; i++){
    if( e->zVal[i]=='*' ){
      if( i==0 ) bLead = 1;
      if( i+1==e->nVal ) bTrail = 1;
      bInPart = 0;
      continue;
    }
    if( e->zVal[i]=='\\' && i+1<e->nVal ) i++;
    if( !bInPart ){ nPart++; bInPart = 1; }
    e->zLit[nLit++] = e->zVal[i];
  }
  e->zLit[nLit] = 0;
  e->nLit = nLit;
  if( nPart==0 ) e->eWild = W_CONTAINS;                  /* only stars */
  else if( nPart==1 && bLead && bTrail ) e->eWild = W_CONTAINS;
  else if( nPart==1 && bTrail ) e->eWild = W_PREFIX;
  else if( nPart==1 && bLead ) e->eWild = W_SUFFIX;
  return SQLITE_OK;                                     /* (no star: never a K_WILD) */
}

/* A leaf for field (zField, resolved) from the current literal. */
static KqlExpr *leaf(Parser *p, const char *zField, int op, int eRange, size_t iVal){
  KqlExpr *e;
  int eType;
  const char *zSub, *zWhy;
  int iField = ecs_lookup(zField, &eType, &zSub, &zWhy);
  if( p->rc ) return 0;
  if( iField<0 ){
    p->rc = SQLITE_ERROR;
    p->zErr = sqlite3_mprintf("field %s %s", zField, zWhy);
    if( p->zErr==0 ) p->rc = SQLITE_NOMEM;
    return 0;
  }
  if( op==K_WILD && p->lit.n==1 && p->pat.n==1 && p->pat.z[0]=='*' ) op = K_EXISTS;
  if( op==K_WILD && eType!=ECS_KEYWORD ){
    perr(p, iVal, "wildcards apply only to keyword fields");
    return 0;
  }
  if( ecs_closed_values(iField) && closed_refuse(p, zField, op, iField) ) return 0;
  e = node(p, op);
  if( e==0 ) return 0;
  e->eRange = eRange;
  e->iField = iField;
  e->eType = eType;
  e->zField = sqlite3_mprintf("%s", zField);
  e->zVal = sqlite3_malloc64((op==K_WILD ? p->pat.n : p->lit.n) + 1);
  if( e->zField==0 || e->zVal==0 ){ kql_free(e); p->rc = SQLITE_NOMEM; return 0; }
  if( zSub ) e->zSub = e->zField + (zSub - zField);
  e->nVal = op==K_WILD ? p->pat.n : p->lit.n;
  memcpy(e->zVal, op==K_WILD ? p->pat.z : p->lit.z, e->nVal);
  e->zVal[e->nVal] = 0;
  if( op==K_WILD && wild_compile(e) ){ kql_free(e); p->rc = SQLITE_NOMEM; return 0; }
  if( op==K_EQ || op==K_RANGE ){
    if( eType==ECS_DATE && !record_parse_time(e->zVal, e->nVal, &e->iTime) ){
      perr(p, iVal, "not a date");
    }else if( eType==ECS_IP && !parse_ip(e->zVal, e->aIp, &e->nPrefix) ){
      perr(p, iVal, "not an IP address or CIDR block");
    }else if( eType==ECS_IP && op==K_RANGE && e->nPrefix!=128 ){
      perr(p, iVal, "a range takes an IP address, not a CIDR block");
    }else if( eType==ECS_BOOL && strcmp(e->zVal, "true")!=0 && strcmp(e->zVal, "false")!=0 ){
      perr(p, iVal, "a boolean field takes true or false");
    }
    if( p->rc ){ kql_free(e); return 0; }
  }
  return e;
}

static KqlExpr *parse_or(Parser *p);
static KqlExpr *parse_vor(Parser *p, const char *zField, size_t iAt);

static KqlExpr *binary(Parser *p, int op, KqlExpr *pL, KqlExpr *pR){
  KqlExpr *e;
  if( p->rc || pL==0 || pR==0 ){ kql_free(pL); kql_free(pR); return 0; }
  e = node(p, op);
  if( e==0 ){ kql_free(pL); kql_free(pR); return 0; }
  e->pL = pL;
  e->pR = pR;
  return e;
}

static KqlExpr *unary_not(Parser *p, KqlExpr *pL){
  KqlExpr *e;
  if( p->rc || pL==0 ){ kql_free(pL); return 0; }
  e = node(p, K_NOT);
  if( e==0 ){ kql_free(pL); return 0; }
  e->pL = pL;
  return e;
}

/* values := "(" vor ")" | value */
/* After a parenthesised group's contents e (its "(" at i0): the ")" that closes it. */
static KqlExpr *close_group(Parser *p, KqlExpr *e, size_t i0){
  skip_space(p);
  if( p->rc==0 && (p->i>=p->n || p->z[p->i]!=')') ){
    perr(p, p->i>=p->n ? i0 : p->i, p->i>=p->n ? "unclosed (" : "expected ) or a keyword");
  }
  if( p->rc ){ kql_free(e); return 0; }
  p->i++;
  return e;
}

static KqlExpr *parse_values(Parser *p, const char *zField, size_t iAt){
  size_t iVal;
  skip_space(p);
  if( p->i<p->n && p->z[p->i]=='(' ){
    KqlExpr *e;
    size_t i0 = p->i;
    p->i++;
    skip_space(p);
    e = parse_vor(p, zField, iAt);
    return close_group(p, e, i0);
  }
  iVal = p->i;
  if( p->i>=p->n ){ perr(p, p->i, "expected a value"); return 0; }
  if( p->z[p->i]=='"' ){
    if( parse_quoted(p) ) return 0;
    return leaf(p, zField, K_EQ, 0, iVal);
  }
  if( parse_unquoted(p) ) return 0;
  return leaf(p, zField, p->bWild ? K_WILD : K_EQ, 0, iVal);
}

static KqlExpr *parse_vnot(Parser *p, const char *zField, size_t iAt){
  if( word_at(p, p->i, "not") ){
    p->i += 3;
    skip_space(p);
    return unary_not(p, parse_values(p, zField, iAt));
  }
  return parse_values(p, zField, iAt);
}

static KqlExpr *parse_vand(Parser *p, const char *zField, size_t iAt){
  KqlExpr *e = parse_vnot(p, zField, iAt);
  size_t j;
  if( e && (j = binary_at(p, p->i, "and"))!=0 ){
    p->i = j;
    return binary(p, K_AND, e, parse_vand(p, zField, iAt));
  }
  return e;
}

static KqlExpr *parse_vor(Parser *p, const char *zField, size_t iAt){
  KqlExpr *e = parse_vand(p, zField, iAt);
  size_t j;
  if( e && (j = binary_at(p, p->i, "or"))!=0 ){
    p->i = j;
    return binary(p, K_OR, e, parse_vor(p, zField, iAt));
  }
  return e;
}

/* sub := "(" or ")" | field ":" values | field RANGE literal */
static KqlExpr *parse_sub(Parser *p){
  size_t iAt;
  char *zField;
  KqlExpr *e = 0;
  skip_space(p);
  if( p->i<p->n && p->z[p->i]=='(' ){
    size_t i0 = p->i;
    p->i++;
    skip_space(p);
    e = parse_or(p);
    return close_group(p, e, i0);
  }
  iAt = p->i;
  if( p->i>=p->n ){ perr(p, p->i, "expected a field"); return 0; }
  if( parse_literal(p) ) return 0;
  if( p->bWild ){ perr(p, iAt, "wildcards in field names are not supported"); return 0; }
  zField = sqlite3_mprintf("%s", p->lit.z);
  if( zField==0 ){ p->rc = SQLITE_NOMEM; return 0; }
  skip_space(p);
  if( p->i<p->n && p->z[p->i]==':' ){
    p->i++;
    skip_space(p);
    if( p->i<p->n && p->z[p->i]=='{' ){
      perr(p, p->i, "nested field queries are not supported");
    }else{
      e = parse_values(p, zField, iAt);
    }
  }else if( p->i<p->n && (p->z[p->i]=='<' || p->z[p->i]=='>') ){
    int eRange = p->z[p->i]=='<' ? R_LT : R_GT;
    size_t iVal;
    p->i++;
    if( p->i<p->n && p->z[p->i]=='=' ){ eRange++; p->i++; }
    skip_space(p);
    iVal = p->i;
    if( p->i>=p->n ){
      perr(p, p->i, "expected a value");
    }else if( parse_literal(p)==0 ){
      e = leaf(p, zField, K_RANGE, eRange, iVal);
    }
  }else{
    perr(p, p->i, "expected : or a range operator after a field (a value alone, searching "
                  "default fields, is not supported)");
  }
  sqlite3_free(zField);
  return e;
}

static KqlExpr *parse_not(Parser *p){
  skip_space(p);
  if( word_at(p, p->i, "not") ){
    p->i += 3;
    skip_space(p);
    return unary_not(p, parse_sub(p));
  }
  return parse_sub(p);
}

static KqlExpr *parse_and(Parser *p){
  KqlExpr *e = parse_not(p);
  size_t j;
  if( e && (j = binary_at(p, p->i, "and"))!=0 ){
    p->i = j;
    return binary(p, K_AND, e, parse_and(p));
  }
  return e;
}

static KqlExpr *parse_or(Parser *p){
  KqlExpr *e = parse_and(p);
  size_t j;
  if( e && (j = binary_at(p, p->i, "or"))!=0 ){
    p->i = j;
    return binary(p, K_OR, e, parse_or(p));
  }
  return e;
}

static int key_prove(const KqlExpr *e, KqlKey *pKey);
static int key_keep(KqlKey *pKey, void **ppMem);
static int rewrite(KqlExpr **pp);

int kql_compile(const char *zQuery, KqlExpr **ppExpr, char **pzWhy){
  Parser p;
  KqlExpr *e;
  KqlKey key;
  void *pKeyMem = 0;
  memset(&p, 0, sizeof(p));
  memset(&key, 0, sizeof(key));
  p.z = zQuery;
  p.n = strlen(zQuery);
  *ppExpr = 0;
  *pzWhy = 0;
  skip_space(&p);
  if( p.i>=p.n ){
    e = node(&p, K_ALL);
  }else{
    e = parse_or(&p);
    skip_space(&p);
    if( p.rc==0 && p.i<p.n ){
      perr(&p, p.i, p.z[p.i]==')' ? "unmatched )" : "expected and, or, or the end");
    }
  }
  json_buf_free(&p.lit);
  json_buf_free(&p.pat);
  /* the key is proven on the tree as parsed (rewrite() may fold or merge the terms it
  ** reads); then the tree is rewritten for evaluation */
  if( p.rc==0 ) p.rc = key_prove(e, &key);
  if( p.rc==0 ) p.rc = key_keep(&key, &pKeyMem);
  if( p.rc==0 ) p.rc = rewrite(&e);
  if( p.rc==0 ){
    e->key = key;
    e->pKeyMem = pKeyMem;
  }
  if( p.rc ){
    sqlite3_free(pKeyMem);
    kql_free(e);
    *pzWhy = p.zErr;
    return p.rc;
  }
  *ppExpr = e;
  return SQLITE_OK;
}

/* Does z[0..n) match the pattern (\-escaped literals, * any run of bytes)? */
static int wild(const char *zPat, size_t nPat, const char *z, size_t n){
  size_t i = 0, j = 0, iStar = (size_t)-1, jStar = 0;
  while( j<n ){
    if( i<nPat && zPat[i]=='*' ){
      iStar = ++i;
      jStar = j;
      continue;
    }
    if( i<nPat ){
      size_t k = zPat[i]=='\\' && i+1<nPat ? i+1 : i;
      if( zPat[k]==z[j] ){ i = k+1; j++; continue; }
    }
    if( iStar==(size_t)-1 ) return 0;
    i = iStar;
    j = ++jStar;
  }
  while( i<nPat && zPat[i]=='*' ) i++;
  return i==nPat;
}

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb){
  int c = memcmp(a, b, na<nb ? na : nb);
  if( c ) return c;
  return na<nb ? -1 : na>nb;
}

static int in_range(int eRange, int c){
  switch( eRange ){
    case R_LT: return c<0;
    case R_LE: return c<=0;
    case R_GT: return c>0;
    default:   return c>=0;
  }
}

/* Does one value satisfy the leaf? */
static int value_matches(const KqlExpr *e, const EcsValue *v){
  if( e->op==K_SET ){
    int lo = 0, hi = e->nSet-1;
    while( lo<=hi ){
      int mid = (lo+hi)/2, c = cmp_bytes(e->aSet[mid].z, e->aSet[mid].n, v->z, v->n);
      if( c==0 ) return 1;
      if( c<0 ) lo = mid+1; else hi = mid-1;
    }
    return 0;
  }
  if( e->op==K_WILD ){
    switch( e->eWild ){
      case W_PREFIX:   return v->n>=e->nLit && memcmp(v->z, e->zLit, e->nLit)==0;
      case W_SUFFIX:   return v->n>=e->nLit && memcmp(v->z+v->n-e->nLit, e->zLit, e->nLit)==0;
      case W_CONTAINS: return e->nLit==0 || memmem(v->z, v->n, e->zLit, e->nLit)!=0;
    }
    return wild(e->zVal, e->nVal, v->z, v->n);
  }
  switch( e->eType ){
    case ECS_DATE: {
      long long t;
      if( !record_parse_time(v->z, v->n, &t) ) return 0;
      if( e->op==K_EQ ) return t==e->iTime;
      return in_range(e->eRange, t<e->iTime ? -1 : t>e->iTime);
    }
    case ECS_IP: {
      unsigned char a[16];
      int nPrefix, k, c = 0;
      char zB[64];
      if( v->n>=sizeof(zB) ) return 0;
      memcpy(zB, v->z, v->n); zB[v->n] = 0;
      if( !parse_ip(zB, a, &nPrefix) ) return 0;
      if( e->op==K_EQ ){
        for(k=0; k<e->nPrefix; k++){
          int m = 0x80>>(k&7);
          if( (a[k>>3]&m)!=(e->aIp[k>>3]&m) ) return 0;
        }
        return 1;
      }
      c = memcmp(a, e->aIp, 16);
      return in_range(e->eRange, c);
    }
    default:
      if( e->op==K_EQ ) return v->n==e->nVal && memcmp(v->z, e->zVal, v->n)==0;
      return in_range(e->eRange, cmp_bytes(v->z, v->n, e->zVal, e->nVal));
  }
}

int kql_match(const KqlExpr *e, Record *r){
  int rc, i, n;
  const EcsValue *a;
  switch( e->op ){
    case K_ALL: return 1;
    case K_NONE: return 0;
    case K_OR:                   /* (rewritten: the operands in apChild) */
      for(i=0; i<e->nChild; i++){
        if( (rc = kql_match(e->apChild[i], r))!=0 ) return rc;
      }
      return 0;
    case K_AND:
      for(i=0; i<e->nChild; i++){
        if( (rc = kql_match(e->apChild[i], r))<=0 ) return rc;
      }
      return 1;
    case K_NOT:
      rc = kql_match(e->pL, r);
      return rc<0 ? rc : !rc;
  }
  if( ecs_values(r, e->iField, e->zSub, &a, &n) ) return -1;
  if( e->op==K_EXISTS ) return n>0;
  for(i=0; i<n; i++){
    if( value_matches(e, &a[i]) ) return 1;
  }
  return 0;
}

/* ---- rewrite(): the same answers with less work ----
**
** After parsing (and after the key is proven), kql_compile() rewrites the tree bottom-up:
**  - a term on a field every record fills with one constant value (ecs_constant) is
**    decided now: it becomes K_ALL or K_NONE, and and/or/not around it simplify;
**  - a chain of and (or of or) becomes one node with every operand in apChild;
**  - the exact keyword terms of an or on one field (field:(a or b or c), or f:a or f:b)
**    become one K_SET, searched by bisection;
**  - the operands of and/or are ordered by estimated cost (ecs_cost), cheapest first, so
**    the usual early false of an and (early true of an or) costs the least decoding.
** and/or/not have no side effects and evaluate to the same 1/0 in any order; an operand
** that runs out of memory (-1) still ends the evaluation with -1. */

static int cmp_value(const void *a, const void *b){
  const EcsValue *x = a, *y = b;
  return cmp_bytes(x->z, x->n, y->z, y->n);
}

/* Can c join a K_SET: an exact keyword term, or a set? */
static int settable(const KqlExpr *c){
  return (c->op==K_EQ && c->eType==ECS_KEYWORD) || c->op==K_SET;
}

static int same_field(const KqlExpr *a, const KqlExpr *b){
  if( a->iField!=b->iField ) return 0;
  if( a->zSub==0 || b->zSub==0 ) return a->zSub==b->zSub;
  return strcmp(a->zSub, b->zSub)==0;
}

/* The values of settable c into a[*pn...] */
static void set_values(const KqlExpr *c, EcsValue *a, int *pn, size_t *pnByte){
  int i;
  if( c->op==K_EQ ){
    a[*pn].z = c->zVal; a[*pn].n = c->nVal; (*pn)++;
    *pnByte += c->nVal;
    return;
  }
  for(i=0; i<c->nSet; i++){
    a[(*pn)++] = c->aSet[i];
    *pnByte += c->aSet[i].n;
  }
}

/* In the or node e (apChild), merge the settable operands of each field into one K_SET
** (the first of them, turned into a set; the others freed). SQLITE_OK or SQLITE_NOMEM
** (the tree stays whole). */
static int merge_sets(KqlExpr *e){
  int i, j, k, nVal, nIn;
  for(i=0; i<e->nChild; i++){
    KqlExpr *c = e->apChild[i];
    EcsValue *aTmp, *aSet;
    size_t nByte = 0;
    char *z;
    if( !settable(c) ) continue;
    nVal = c->op==K_SET ? c->nSet : 1;
    for(nIn=0, j=i+1; j<e->nChild; j++){
      KqlExpr *d = e->apChild[j];
      if( settable(d) && same_field(c, d) ){ nIn++; nVal += d->op==K_SET ? d->nSet : 1; }
    }
    if( nIn==0 ) continue;
    aTmp = sqlite3_malloc64(sizeof(EcsValue)*nVal);
    if( aTmp==0 ) return SQLITE_NOMEM;
    k = 0;
    set_values(c, aTmp, &k, &nByte);
    for(j=i+1; j<e->nChild; j++){
      KqlExpr *d = e->apChild[j];
      if( settable(d) && same_field(c, d) ) set_values(d, aTmp, &k, &nByte);
    }
    qsort(aTmp, k, sizeof(EcsValue), cmp_value);
    for(j=nVal=0; j<k; j++){                           /* each value once */
      if( nVal==0 || cmp_value(&aTmp[nVal-1], &aTmp[j])!=0 ) aTmp[nVal++] = aTmp[j];
    }
    aSet = sqlite3_malloc64(sizeof(EcsValue)*nVal + nByte + 1);
    if( aSet==0 ){ sqlite3_free(aTmp); return SQLITE_NOMEM; }
    z = (char*)&aSet[nVal];
    for(j=0; j<nVal; j++){
      if( aTmp[j].n ) memcpy(z, aTmp[j].z, aTmp[j].n);
      aSet[j].z = z;
      aSet[j].n = aTmp[j].n;
      z += aTmp[j].n;
    }
    sqlite3_free(aTmp);
    /* the merged operands go; c becomes the set (it keeps its field) */
    for(j=k=i+1; j<e->nChild; j++){
      KqlExpr *d = e->apChild[j];
      if( settable(d) && same_field(c, d) ) kql_free(d);
      else e->apChild[k++] = d;
    }
    e->nChild = k;
    sqlite3_free(c->aSet);
    c->aSet = aSet;
    c->nSet = nVal;
    c->op = K_SET;
  }
  return SQLITE_OK;
}

/* A leaf's estimated cost: its field's decode, and the comparison. */
static int leaf_cost(const KqlExpr *e){
  int n = ecs_cost(e->iField);
  if( e->op==K_WILD ) n += e->eWild==W_GENERAL ? 2 : e->eWild==W_CONTAINS ? 1 : 0;
  if( e->op==K_RANGE ) n += 1;
  if( e->op!=K_EXISTS && (e->eType==ECS_DATE || e->eType==ECS_IP) ) n += 1;
  return n;
}

/* e (an and/or, rewritten operands) with nChild operands: settle it. */
static void chain_finish(KqlExpr **pp){
  KqlExpr *e = *pp;
  int i, j, nCost = 0;
  /* cheapest first, in query order among equals (insertion sort: stable, n small) */
  for(i=1; i<e->nChild; i++){
    KqlExpr *c = e->apChild[i];
    for(j=i; j>0 && e->apChild[j-1]->nCost>c->nCost; j--) e->apChild[j] = e->apChild[j-1];
    e->apChild[j] = c;
  }
  for(i=0; i<e->nChild; i++){
    nCost += e->apChild[i]->nCost;
    if( nCost>1000000 ) nCost = 1000000;
  }
  e->nCost = nCost;
  if( e->nChild==0 ){                 /* every operand was neutral */
    e->op = e->op==K_AND ? K_ALL : K_NONE;
  }else if( e->nChild==1 ){
    *pp = e->apChild[0];
    e->nChild = 0;
    kql_free(e);
  }
}

static int rewrite_chain(KqlExpr **pp){
  KqlExpr *e = *pp, *aSide[2], **a;
  int op = e->op, n = 0, nAlloc = 0, i, k, rc, bAbsorb = 0;
  int opNeutral = op==K_AND ? K_ALL : K_NONE, opAbsorb = op==K_AND ? K_NONE : K_ALL;
  if( (rc = rewrite(&e->pL))!=SQLITE_OK || (rc = rewrite(&e->pR))!=SQLITE_OK ) return rc;
  aSide[0] = e->pL;
  aSide[1] = e->pR;
  for(k=0; k<2; k++) nAlloc += aSide[k]->op==op ? aSide[k]->nChild : 1;
  a = sqlite3_malloc64(sizeof(*a)*nAlloc);
  if( a==0 ) return SQLITE_NOMEM;
  /* one chain: a side of the same operator (already rewritten) gives its operands */
  for(k=0; k<2; k++){
    KqlExpr *c = aSide[k];
    if( c->op==op ){
      for(i=0; i<c->nChild; i++) a[n++] = c->apChild[i];
      c->nChild = 0;
      kql_free(c);
    }else{
      a[n++] = c;
    }
  }
  e->pL = e->pR = 0;
  e->apChild = a;
  e->nChild = n;
  /* constants: a neutral operand goes, an absorbing one decides */
  for(i=k=0; i<n; i++){
    if( a[i]->op==opNeutral ){ kql_free(a[i]); continue; }
    if( a[i]->op==opAbsorb ) bAbsorb = 1;
    a[k++] = a[i];
  }
  e->nChild = k;
  if( bAbsorb ){
    for(i=0; i<e->nChild; i++) kql_free(e->apChild[i]);
    e->nChild = 0;
    e->op = opAbsorb;
    e->nCost = 0;
    return SQLITE_OK;
  }
  if( op==K_OR && (rc = merge_sets(e))!=SQLITE_OK ) return rc;
  chain_finish(pp);
  return SQLITE_OK;
}

/* Rewrite the tree *pp in place (see above). SQLITE_OK or SQLITE_NOMEM; after NOMEM the
** tree is still whole, for kql_free(). */
static int rewrite(KqlExpr **pp){
  KqlExpr *e = *pp;
  const char *zConst;
  int rc;
  switch( e->op ){
    case K_ALL: case K_NONE:
      e->nCost = 0;
      return SQLITE_OK;
    case K_NOT:
      if( (rc = rewrite(&e->pL))!=SQLITE_OK ) return rc;
      if( e->pL->op==K_ALL || e->pL->op==K_NONE ){
        e->op = e->pL->op==K_ALL ? K_NONE : K_ALL;
        kql_free(e->pL);
        e->pL = 0;
        e->nCost = 0;
      }else{
        e->nCost = e->pL->nCost;
      }
      return SQLITE_OK;
    case K_AND: case K_OR:
      return rewrite_chain(pp);
  }
  zConst = ecs_constant(e->iField);
  if( zConst ){
    /* every record has this one value: decide the term now */
    EcsValue v;
    v.z = zConst;
    v.n = strlen(zConst);
    e->op = e->op==K_EXISTS || value_matches(e, &v) ? K_ALL : K_NONE;
    e->nCost = 0;
    return SQLITE_OK;
  }
  e->nCost = leaf_cost(e);
  return SQLITE_OK;
}

/* ---- the key: a necessary condition proven from the tree (see kql.h) ---- */

typedef struct LeafList {
  const KqlExpr **a;
  int n, nAlloc;
} LeafList;

/* Does e prove that a matching record holds one of a set of exact keyword values of field
** iField? 1: the set's leaves are appended to p; 0: no, and p is as it was; <0: out of
** memory. Only what the tree proves: a record matching e matches one of the leaves. */
static int prove(const KqlExpr *e, int iField, LeafList *p){
  int n0 = p->n, nL, rcL, rcR;
  switch( e->op ){
    case K_EQ:
      /* a plain keyword term: the field's value equals zVal, byte for byte */
      if( e->iField!=iField || e->eType!=ECS_KEYWORD || e->zSub ) return 0;
      if( p->n>=p->nAlloc ){
        int nNew = p->nAlloc ? p->nAlloc*2 : 16;
        const KqlExpr **aNew = sqlite3_realloc64((void*)p->a, sizeof(*aNew)*nNew);
        if( aNew==0 ) return -1;
        p->a = aNew;
        p->nAlloc = nNew;
      }
      p->a[p->n++] = e;
      return 1;
    case K_OR:
      /* either side may be the one that holds: both must prove a set, the union */
      rcL = prove(e->pL, iField, p);
      if( rcL<=0 ) return rcL;
      rcR = prove(e->pR, iField, p);
      if( rcR<=0 ) p->n = n0;
      return rcR;
    case K_AND:
      /* both sides hold: either side's set is a necessary condition; the smaller one is
      ** the sharper (their intersection would not be: a field may hold several values) */
      rcL = prove(e->pL, iField, p);
      if( rcL<0 ) return rcL;
      nL = p->n - n0;
      rcR = prove(e->pR, iField, p);
      if( rcR<0 ) return rcR;
      if( rcL && rcR ){
        int nR = p->n - n0 - nL;
        if( nR<nL ) memmove((void*)(p->a+n0), p->a+n0+nL, sizeof(*p->a)*nR);
        p->n = n0 + (nR<nL ? nR : nL);
      }
      return rcL || rcR;
  }
  return 0;                      /* NOT, wildcards, exists, ranges, the empty query */
}

/* The key of the tree as parsed, its values borrowed from the tree. */
static int key_prove(const KqlExpr *e, KqlKey *pKey){
  static const char *azName[] = {"event.action", "event.provider"};
  LeafList list = {0, 0, 0};
  int k, i, j, rc = 0;
  memset(pKey, 0, sizeof(*pKey));
  for(k=0; k<2; k++){
    int eType;
    const char *zSub, *zWhy;
    int iField = ecs_lookup(azName[k], &eType, &zSub, &zWhy);
    list.n = 0;
    if( iField<0 ) continue;
    rc = prove(e, iField, &list);
    if( rc ) break;
  }
  if( rc>0 ){
    pKey->azVal = sqlite3_malloc64(sizeof(char*)*list.n);
    pKey->anVal = sqlite3_malloc64(sizeof(size_t)*list.n);
    if( pKey->azVal==0 || pKey->anVal==0 ){
      rc = -1;
    }else{
      pKey->eField = k==0 ? KQL_KEY_ACTION : KQL_KEY_PROVIDER;
      for(i=0; i<list.n; i++){
        const KqlExpr *l = list.a[i];
        for(j=0; j<pKey->nVal; j++){
          if( pKey->anVal[j]==l->nVal && memcmp(pKey->azVal[j], l->zVal, l->nVal)==0 ) break;
        }
        if( j<pKey->nVal ) continue;                      /* each value once */
        pKey->azVal[pKey->nVal] = l->zVal;
        pKey->anVal[pKey->nVal++] = l->nVal;
      }
    }
  }
  sqlite3_free((void*)list.a);
  if( rc<0 ){
    kql_key_free(pKey);
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

/* Copy the key's values into one allocation *ppMem (NULL when there is no key) that
** pKey then points into; the borrowed arrays are freed. SQLITE_OK or SQLITE_NOMEM. */
static int key_keep(KqlKey *pKey, void **ppMem){
  size_t nByte = 0;
  int i;
  char *z;
  const char **az;
  size_t *an;
  *ppMem = 0;
  if( pKey->eField==KQL_KEY_NONE ) return SQLITE_OK;
  for(i=0; i<pKey->nVal; i++) nByte += pKey->anVal[i] + 1;
  *ppMem = sqlite3_malloc64((sizeof(char*) + sizeof(size_t))*pKey->nVal + nByte + 1);
  if( *ppMem==0 ){ kql_key_free(pKey); return SQLITE_NOMEM; }
  an = (size_t*)*ppMem;
  az = (const char**)&an[pKey->nVal];
  z = (char*)&az[pKey->nVal];
  for(i=0; i<pKey->nVal; i++){
    memcpy(z, pKey->azVal[i], pKey->anVal[i]);
    z[pKey->anVal[i]] = 0;
    az[i] = z;
    an[i] = pKey->anVal[i];
    z += pKey->anVal[i] + 1;
  }
  sqlite3_free((void*)pKey->azVal);
  sqlite3_free(pKey->anVal);
  pKey->azVal = az;
  pKey->anVal = an;
  return SQLITE_OK;
}

int kql_key(const KqlExpr *e, KqlKey *pKey){
  memset(pKey, 0, sizeof(*pKey));
  if( e->key.eField==KQL_KEY_NONE ) return SQLITE_OK;
  pKey->azVal = sqlite3_malloc64(sizeof(char*)*e->key.nVal);
  pKey->anVal = sqlite3_malloc64(sizeof(size_t)*e->key.nVal);
  if( pKey->azVal==0 || pKey->anVal==0 ){ kql_key_free(pKey); return SQLITE_NOMEM; }
  memcpy((void*)pKey->azVal, e->key.azVal, sizeof(char*)*e->key.nVal);
  memcpy(pKey->anVal, e->key.anVal, sizeof(size_t)*e->key.nVal);
  pKey->nVal = e->key.nVal;
  pKey->eField = e->key.eField;
  return SQLITE_OK;
}

void kql_key_free(KqlKey *pKey){
  sqlite3_free((void*)pKey->azVal);
  sqlite3_free(pKey->anVal);
  memset(pKey, 0, sizeof(*pKey));
}

/* Append z[0..n) to pOut as a JSON string. */
static int json_string_put(JsonBuf *pOut, const char *z, size_t n){
  size_t j;
  if( json_buf_reserve(pOut, n*6 + 2) ) return SQLITE_NOMEM;
  pOut->z[pOut->n++] = '"';
  for(j=0; j<n; j++){
    unsigned char c = (unsigned char)z[j];
    if( c=='"' || c=='\\' ){ pOut->z[pOut->n++] = '\\'; pOut->z[pOut->n++] = (char)c; }
    else if( c<0x20 ){
      /* sqlite3_snprintf returns the buffer, not a length: the escape is 6 bytes */
      sqlite3_snprintf(7, pOut->z+pOut->n, "\\u%04x", c);
      pOut->n += 6;
    }
    else pOut->z[pOut->n++] = (char)c;
  }
  pOut->z[pOut->n++] = '"';
  pOut->z[pOut->n] = 0;
  return SQLITE_OK;
}

/* kql_key(query): the key as {"field":"event.action","values":["A","B"]}, or NULL. */
static void kql_key_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  const char *zQuery = (const char*)sqlite3_value_text(argv[0]);
  KqlExpr *e = 0;
  KqlKey key;
  JsonBuf out = {0, 0, 0};
  char *zWhy = 0;
  int rc, i;
  (void)argc;
  if( zQuery==0 ){
    if( sqlite3_value_type(argv[0])!=SQLITE_NULL ) sqlite3_result_error_nomem(ctx);
    return;
  }
  rc = kql_compile(zQuery, &e, &zWhy);
  if( rc ){
    if( rc==SQLITE_NOMEM ) sqlite3_result_error_nomem(ctx);
    else sqlite3_result_error(ctx, zWhy, -1);
    sqlite3_free(zWhy);
    return;
  }
  rc = kql_key(e, &key);
  if( rc==SQLITE_OK && key.eField!=KQL_KEY_NONE ){
    const char *zHead = key.eField==KQL_KEY_ACTION ? "{\"field\":\"event.action\",\"values\":["
                                                   : "{\"field\":\"event.provider\",\"values\":[";
    rc = emit_raw(&out, zHead, strlen(zHead));
    for(i=0; rc==SQLITE_OK && i<key.nVal; i++){
      if( i ) rc = emit_raw(&out, ",", 1);
      if( rc==SQLITE_OK ) rc = json_string_put(&out, key.azVal[i], key.anVal[i]);
    }
    if( rc==SQLITE_OK ) rc = emit_raw(&out, "]}", 2);
    if( rc==SQLITE_OK ) sqlite3_result_text64(ctx, out.z, out.n, SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  if( rc ) sqlite3_result_error_nomem(ctx);
  kql_key_free(&key);
  json_buf_free(&out);
  kql_free(e);
}

/* ---- kql_plan(query): the tree as evaluated, for tests and for reading ---- */

static void plan_text(sqlite3_str *o, const char *z, size_t n){
  size_t i;
  sqlite3_str_appendchar(o, 1, '"');
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( c=='"' || c=='\\' ) sqlite3_str_appendf(o, "\\%c", c);
    else if( c<0x20 ) sqlite3_str_appendf(o, "\\u%04x", c);
    else sqlite3_str_appendchar(o, 1, (char)c);
  }
  sqlite3_str_appendchar(o, 1, '"');
}

/* e as text: and(...)/or(...) with the operands in evaluation order, not(...), true,
** false, and leaves as field:"value", field:{"a","b"} (a set), field:pattern with how it
** is tested, field:*, field <op> "value"; each operand of and/or with its cost [n]. */
static void plan(sqlite3_str *o, const KqlExpr *e){
  static const char *azW[] = {"wild", "prefix", "suffix", "contains"};
  static const char *azR[] = {"", "<", "<=", ">", ">="};
  int i;
  switch( e->op ){
    case K_ALL:  sqlite3_str_appendall(o, "true"); return;
    case K_NONE: sqlite3_str_appendall(o, "false"); return;
    case K_AND: case K_OR:
      sqlite3_str_appendall(o, e->op==K_AND ? "and(" : "or(");
      for(i=0; i<e->nChild; i++){
        if( i ) sqlite3_str_appendall(o, ", ");
        sqlite3_str_appendf(o, "[%d] ", e->apChild[i]->nCost);
        plan(o, e->apChild[i]);
      }
      sqlite3_str_appendchar(o, 1, ')');
      return;
    case K_NOT:
      sqlite3_str_appendall(o, "not(");
      plan(o, e->pL);
      sqlite3_str_appendchar(o, 1, ')');
      return;
  }
  sqlite3_str_appendall(o, e->zField);
  switch( e->op ){
    case K_EQ: sqlite3_str_appendchar(o, 1, ':'); plan_text(o, e->zVal, e->nVal); break;
    case K_EXISTS: sqlite3_str_appendall(o, ":*"); break;
    case K_WILD:
      sqlite3_str_appendf(o, ":%s %s", e->zVal, azW[e->eWild]);
      if( e->eWild!=W_GENERAL ){
        sqlite3_str_appendchar(o, 1, ' ');
        plan_text(o, e->zLit, e->nLit);
      }
      break;
    case K_RANGE:
      sqlite3_str_appendf(o, " %s ", azR[e->eRange]);
      plan_text(o, e->zVal, e->nVal);
      break;
    case K_SET:
      sqlite3_str_appendall(o, ":{");
      for(i=0; i<e->nSet; i++){
        if( i ) sqlite3_str_appendchar(o, 1, ',');
        plan_text(o, e->aSet[i].z, e->aSet[i].n);
      }
      sqlite3_str_appendchar(o, 1, '}');
      break;
  }
}

static void kql_plan_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  const char *zQuery = (const char*)sqlite3_value_text(argv[0]);
  KqlExpr *e = 0;
  sqlite3_str *o;
  char *zWhy = 0, *z;
  int rc;
  (void)argc;
  if( zQuery==0 ){
    if( sqlite3_value_type(argv[0])!=SQLITE_NULL ) sqlite3_result_error_nomem(ctx);
    return;
  }
  rc = kql_compile(zQuery, &e, &zWhy);
  if( rc ){
    if( rc==SQLITE_NOMEM ) sqlite3_result_error_nomem(ctx);
    else sqlite3_result_error(ctx, zWhy, -1);
    sqlite3_free(zWhy);
    return;
  }
  o = sqlite3_str_new(0);
  plan(o, e);
  kql_free(e);
  if( sqlite3_str_errcode(o) ){
    sqlite3_free(sqlite3_str_finish(o));
    sqlite3_result_error_nomem(ctx);
    return;
  }
  z = sqlite3_str_finish(o);
  sqlite3_result_text(ctx, z ? z : "", -1, sqlite3_free);
}

/* ---- kql_match(query, record_json) ---- */

/* Validate record_json (argument iArg) into *pRec: 1, or 0 after setting an error. */
static int record_arg(sqlite3_context *ctx, sqlite3_value *pVal, Record *pRec){
  const char *z = (const char*)sqlite3_value_text(pVal);
  size_t n = (size_t)sqlite3_value_bytes(pVal), s, end;
  unsigned flags = 0;
  JsonError err;
  if( z==0 ){
    if( sqlite3_value_type(pVal)!=SQLITE_NULL ) sqlite3_result_error_nomem(ctx);
    return 0;
  }
  memset(&err, 0, sizeof(err));
  s = json_ws(z, n, 0);
  end = s<n && z[s]=='{' ? json_skip(z, n, s, &flags, &err) : (size_t)-1;
  if( end==(size_t)-1 || json_ws(z, n, end)!=n ){
    sqlite3_result_error(ctx, "the record is not one JSON object", -1);
    return 0;
  }
  memset(pRec, 0, sizeof(*pRec));
  record_set(pRec, z, s, end, flags, 0);
  return 1;
}

static void kql_match_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  KqlExpr *e = sqlite3_get_auxdata(ctx, 0);
  Record rec;
  int rc, bNew = 0;
  (void)argc;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return;
  if( e==0 ){
    char *zWhy = 0;
    const char *zQuery = (const char*)sqlite3_value_text(argv[0]);
    if( zQuery==0 ){ sqlite3_result_error_nomem(ctx); return; }
    rc = kql_compile(zQuery, &e, &zWhy);
    if( rc ){
      if( rc==SQLITE_NOMEM ) sqlite3_result_error_nomem(ctx);
      else sqlite3_result_error(ctx, zWhy, -1);
      sqlite3_free(zWhy);
      return;
    }
    bNew = 1;
  }
  if( record_arg(ctx, argv[1], &rec) ){
    rc = kql_match(e, &rec);
    record_clear(&rec);
    if( rc<0 ) sqlite3_result_error_nomem(ctx);
    else sqlite3_result_int(ctx, rc);
  }
  /* the compiled query is kept for the next row of the statement (SQLite may free it
  ** at once instead; it is not used after this call) */
  if( bNew ) sqlite3_set_auxdata(ctx, 0, e, (void(*)(void*))kql_free);
}

/* ecs_field(name, record_json): the field's values as a JSON array of strings, or NULL
** when it has none. */
static void ecs_field_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  const char *zName = (const char*)sqlite3_value_text(argv[0]), *zSub, *zWhy;
  int eType, iField, i, n;
  const EcsValue *a;
  Record rec;
  JsonBuf out = {0, 0, 0};
  (void)argc;
  if( zName==0 ) return;
  iField = ecs_lookup(zName, &eType, &zSub, &zWhy);
  if( iField<0 ){
    char *zErr = sqlite3_mprintf("field %s %s", zName, zWhy);
    sqlite3_result_error(ctx, zErr ? zErr : "out of memory", -1);
    sqlite3_free(zErr);
    return;
  }
  if( !record_arg(ctx, argv[1], &rec) ) return;
  if( ecs_values(&rec, iField, zSub, &a, &n) ){
    record_clear(&rec);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if( n>0 ){
    int rc = emit_raw(&out, "[", 1);
    for(i=0; rc==SQLITE_OK && i<n; i++){
      if( i ) rc = emit_raw(&out, ",", 1);
      if( rc==SQLITE_OK ) rc = json_string_put(&out, a[i].z, a[i].n);
    }
    if( rc==SQLITE_OK ) rc = emit_raw(&out, "]", 1);
    if( rc==SQLITE_OK ){
      sqlite3_result_text64(ctx, out.z, out.n, SQLITE_TRANSIENT, SQLITE_UTF8);
    }else{
      sqlite3_result_error_nomem(ctx);
    }
  }
  json_buf_free(&out);
  record_clear(&rec);
}

int kql_register(sqlite3 *db){
  int rc = sqlite3_create_function(db, "kql_match", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   0, kql_match_func, 0, 0);
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function(db, "ecs_field", 2,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                 0, ecs_field_func, 0, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function(db, "kql_key", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                 0, kql_key_func, 0, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function(db, "kql_plan", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                 0, kql_plan_func, 0, 0);
  }
  return rc;
}
