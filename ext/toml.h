/*
** toml.h: a reader for the subset of TOML 1.0 that Elastic's rule files use.
**
** Read: tables [a.b], arrays of tables [[a.b]], key = value with bare, quoted and dotted
** keys, basic and literal strings (one-line and multi-line, with TOML's escapes, line-ending
** backslash and first-newline rules), integers (decimal, 0x, 0o, 0b, with underscores),
** booleans, arrays (nested, multi-line, comments, trailing comma) and inline tables.
** Refused with an error naming the file and line: floats, dates and times (no rule file has
** one), and everything TOML itself forbids (a key defined twice, a table defined twice,
** invalid UTF-8, control characters, bad escapes, ...).
**
** A parsed document owns all its values (one arena, freed by toml_free). Strings are
** decoded, NUL-terminated, with their length (a \u0000 escape can put a NUL inside).
** A CRLF inside a multi-line string becomes LF, as Python's tomllib reads it. Beyond TOML's
** own rules, refused: integers outside 64 bits, arrays and inline tables nested deeper than
** 64, a byte order mark (tomllib refuses it too).
*/
#ifndef CLOUDTRAIL_TOML_H
#define CLOUDTRAIL_TOML_H
#include "sqlite3ext.h"

#define TOML_STRING  1
#define TOML_INTEGER 2
#define TOML_BOOLEAN 3
#define TOML_ARRAY   4
#define TOML_TABLE   5

typedef struct Toml Toml;
typedef struct TomlValue TomlValue;
struct TomlValue {
  int eType;                /* TOML_STRING ... TOML_TABLE */
  int iLine;                /* the line (from 1) where it was defined */
  int flags;                /* parser's bookkeeping (toml.c) */
  const char *zKey;         /* its key in the parent table; 0 in an array and at the root */
  const char *z;            /* TOML_STRING: the decoded text, NUL-terminated */
  int n;                    /* TOML_STRING: its length in bytes */
  sqlite3_int64 i;          /* TOML_INTEGER; TOML_BOOLEAN: 1 or 0 */
  int nChild;               /* TOML_ARRAY, TOML_TABLE: how many children */
  TomlValue *pFirst, *pLast;  /* the children, in the order of the file */
  TomlValue *pNext;         /* the next sibling */
};

/* Parse the n bytes at z; zName names the file in error messages. SQLITE_OK and *ppDoc, or
** SQLITE_ERROR with *pzErr = "NAME line N: what" (sqlite3_malloc'd), or SQLITE_NOMEM. */
int toml_parse(const char *zName, const char *z, int n, Toml **ppDoc, char **pzErr);
void toml_free(Toml*);
const TomlValue *toml_root(const Toml*);

/* The value at a dotted path of keys ("rule.threshold.value") from a table, or 0. Keys in
** the path are split at every '.', so it reaches only keys without a dot. */
const TomlValue *toml_get(const TomlValue *pTable, const char *zPath);
/* The string at zPath, or 0 when absent or not a string. */
const char *toml_get_text(const TomlValue *pTable, const char *zPath);

/* The value as JSON text (sqlite3_malloc'd; 0 on out of memory): tables as objects in file
** order, arrays, strings (escaped as JSON), integers, true/false; separated as Python's
** json.dumps does by default (", " and ": "), as the built-in rule's JSON columns are. */
char *toml_json(const TomlValue*);

#endif
