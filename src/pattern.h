/*-------------------------------------------------------------------------
 *
 * pattern.h
 *	  Regular expressions compiled once and kept (pattern.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PATTERN_H
#define PATTERN_H

#include "regex/regex.h"

/* A compiled POSIX (advanced) regular expression. */
typedef struct EdPattern
{
	char	   *source;			/* the pattern as written */
	regex_t		re;				/* compiled with pg_regcomp, freed with pg_regfree */
} EdPattern;

extern EdPattern *ed_pattern_compile(const char *source, MemoryContext cxt, char **error);
extern bool ed_pattern_match(EdPattern *pattern, const char *s, int len);
extern void ed_pattern_check(const char *source, const char *attr);

#endif							/* PATTERN_H */
