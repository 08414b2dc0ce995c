/*
** useragent.h: Elastic's user_agent.name for the few browser families the rule packs ask
** about, decided without uap-core's regular expressions (see ext/README.md, "user_agent.name").
*/
#ifndef CLOUDTRAIL_USERAGENT_H
#define CLOUDTRAIL_USERAGENT_H
#include <stddef.h>

/* The names ua_family() can give, NULL-terminated: the only values a query may compare
** user_agent.name with. */
extern const char *const ua_names[];

/* The family uap-core's parser gives the user agent z[0..n) when it is one of ua_names and
** the string has one of the shapes this reader proves (a static name); else NULL: "not one
** of ua_names" (exact when the string holds none of their tokens; see the README for the
** strings outside the shapes). */
const char *ua_family(const char *z, size_t n);

#endif
