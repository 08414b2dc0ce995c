/*
** useragent.c: user_agent.name (the family of uap-core's user-agent parser, as Elastic's
** user_agent ingest processor fills it) for a closed list of browser names.
**
** uap-core's regexes.yaml is a list of a few hundred regular expressions tried in order; the
** first that matches names the family ("Other" when none does). This file does not hold
** them. It knows a handful of exact string shapes, written from the order of that list, for
** which the answer is certain:
**
**   Mozilla/5.0 (C) AppleWebKit/V (KHTML, like Gecko) Chrome/V Safari/V           Chrome
**   ... the same, then " Edg/V" or " Edge/V"                                     Edge
**   ... the same, then " OPR/a.b.c"                                              Opera
**   Mozilla/5.0 (C) AppleWebKit/V (KHTML, like Gecko) Version/V Safari/V         Safari
**   Mozilla/5.0 (C; rv:V) Gecko/NNNN Firefox/V                                   Firefox
**
** optionally inside one pair of [ ] (as CloudTrail records some console calls), where C is
** a desktop platform: items from a fixed list (Windows NT a.b, Win64, x64, WOW64, Macintosh,
** Intel Mac OS X a_b[_c], X11, Linux x86_64 ...) separated by "; ", and V is digits and dots.
** Nothing in such a string is a token that an earlier expression of the list looks for
** (Mobile, Android, iPhone, wv, bot, HeadlessChrome, Electron, Vivaldi, YaBrowser,
** SamsungBrowser ...), so the browser's own expression is the first to match. Any other
** string gets NULL: "not one of the names". That is exact for every string without the
** tokens Chrome, Firefox, Safari, Edg, OPR, Opera, brave/Brave (no expression can give one
** of the names without them); for the others it is the approximation the README states.
** tests/user_agent.sh checks both directions against uap-core's own expressions.
*/
#include <string.h>
#include "useragent.h"

const char *const ua_names[] = {"Chrome", "Firefox", "Safari", "Edge", "Opera", "Brave", 0};

typedef struct Scan {
  const char *z;
  size_t n, i;
} Scan;

/* Consume the literal zLit. */
static int lit(Scan *s, const char *zLit){
  size_t k = strlen(zLit);
  if( s->n - s->i < k || memcmp(s->z + s->i, zLit, k)!=0 ) return 0;
  s->i += k;
  return 1;
}

/* Consume a run of 1 to 10 digits. */
static int digits(Scan *s){
  size_t i0 = s->i;
  while( s->i<s->n && s->z[s->i]>='0' && s->z[s->i]<='9' && s->i-i0<10 ) s->i++;
  return s->i>i0 && (s->i>=s->n || s->z[s->i]<'0' || s->z[s->i]>'9');
}

/* Consume a version: digits separated by cSep, at least nMin and at most nMax parts (a
** longer version, or one ending in cSep, is not consumed). */
static int version(Scan *s, int nMin, int nMax, char cSep){
  int k = 0;
  size_t iSave = s->i;
  for(;;){
    if( !digits(s) ){ s->i = iSave; return 0; }
    k++;
    if( k==nMax || s->i>=s->n || s->z[s->i]!=cSep ) break;
    s->i++;
  }
  if( k<nMin || (s->i<s->n && s->z[s->i]==cSep) ){ s->i = iSave; return 0; }
  return 1;
}

/* One item of a desktop platform comment. */
static int platform_item(Scan *s){
  static const char *const azFixed[] = {
    "Win64", "x64", "WOW64", "Macintosh", "X11", "Linux x86_64", "Linux i686",
    "Ubuntu", "Fedora", 0
  };
  int k;
  if( lit(s, "Windows NT ") ) return version(s, 2, 2, '.');
  if( lit(s, "Intel Mac OS X ") ){
    return version(s, 2, 3, '_') || version(s, 2, 3, '.');
  }
  if( lit(s, "CrOS x86_64 ") ) return version(s, 3, 4, '.');
  for(k=0; azFixed[k]; k++){
    size_t iSave = s->i;
    if( lit(s, azFixed[k]) && (s->i>=s->n || s->z[s->i]==';' || s->z[s->i]==')') ) return 1;
    s->i = iSave;
  }
  return 0;
}

/* "(" items ")" with items separated by "; "; with bRv, the last item is "rv:a.b". */
static int platform(Scan *s, int bRv){
  if( !lit(s, "(") || !platform_item(s) ) return 0;
  while( lit(s, "; ") ){
    if( bRv && lit(s, "rv:") ) return version(s, 2, 2, '.') && lit(s, ")");
    if( !platform_item(s) ) return 0;
  }
  return !bRv && lit(s, ")");
}

static const char *shape(Scan *s){
  size_t iStart;
  if( !lit(s, "Mozilla/5.0 ") ) return 0;
  iStart = s->i;
  if( platform(s, 1) ){
    if( lit(s, " Gecko/") && digits(s) && lit(s, " Firefox/") && version(s, 2, 3, '.')
     && s->i==s->n ) return "Firefox";
    return 0;
  }
  s->i = iStart;
  if( !platform(s, 0) || !lit(s, " AppleWebKit/") || !version(s, 2, 3, '.')
   || !lit(s, " (KHTML, like Gecko) ") ) return 0;
  if( lit(s, "Version/") ){
    if( version(s, 2, 3, '.') && lit(s, " Safari/") && version(s, 2, 3, '.') && s->i==s->n ){
      return "Safari";
    }
    return 0;
  }
  if( !lit(s, "Chrome/") || !version(s, 2, 4, '.') || !lit(s, " Safari/")
   || !version(s, 2, 3, '.') ) return 0;
  if( s->i==s->n ) return "Chrome";
  if( lit(s, " Edg/") || lit(s, " Edge/") ){
    return version(s, 1, 4, '.') && s->i==s->n ? "Edge" : 0;
  }
  if( lit(s, " OPR/") ){
    return version(s, 3, 4, '.') && s->i==s->n ? "Opera" : 0;
  }
  return 0;
}

const char *ua_family(const char *z, size_t n){
  Scan s;
  s.z = z;
  s.n = n;
  s.i = 0;
  if( n>=2 && z[0]=='[' && z[n-1]==']' ){ s.z = z+1; s.n = n-2; }
  if( s.n>400 ) return 0;        /* every shape is shorter; uap-core's windows are bounded */
  return shape(&s);
}
