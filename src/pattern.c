/*-------------------------------------------------------------------------
 *
 * pattern.c
 *	  Regular expressions of the naming rules and value rules: PostgreSQL's
 *	  own (advanced, POSIX) regular expressions, compiled once and kept
 *	  with whatever keeps them.
 *
 * PostgreSQL's regex library allocates with malloc: a compiled pattern is
 * freed (pg_regfree) by a reset callback of the memory context it is
 * compiled for, so forgetting a cache frees its patterns too.  Matching is
 * under the "C" collation, as names are compared.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "event_definitions.h"
#include "pattern.h"

/*
 * Reset callback of a compiled pattern's memory context: free what the
 * regex library malloc'd.
 */
static void
FreePattern(void *arg)
{
	pg_regfree(&((EdPattern *) arg)->re);
}

/*
 * Compile source; the pattern lives (and is freed) with cxt.  On an invalid
 * pattern, returns NULL and sets *error to PostgreSQL's reason.
 */
EdPattern *
ed_pattern_compile(const char *source, MemoryContext cxt, char **error)
{
	int			len = strlen(source);
	pg_wchar   *wide = palloc((len + 1) * sizeof(pg_wchar));
	int			wlen = pg_mb2wchar_with_len(source, wide, len);
	EdPattern  *pattern = MemoryContextAllocZero(cxt, sizeof(EdPattern));
	MemoryContextCallback *callback;
	int			rc;

	rc = pg_regcomp(&pattern->re, wide, wlen, REG_ADVANCED | REG_NOSUB, C_COLLATION_OID);
	pfree(wide);
	if (rc != REG_OKAY)
	{
		char		message[256];

		pg_regerror(rc, &pattern->re, message, sizeof(message));
		*error = pstrdup(message);
		pfree(pattern);
		return NULL;
	}
	pattern->source = MemoryContextStrdup(cxt, source);
	callback = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	callback->func = FreePattern;
	callback->arg = pattern;
	MemoryContextRegisterResetCallback(cxt, callback);
	return pattern;
}

/*
 * Does s (UTF-8, len bytes) match the pattern anywhere?
 */
bool
ed_pattern_match(EdPattern *pattern, const char *s, int len)
{
	pg_wchar   *wide = palloc((len + 1) * sizeof(pg_wchar));
	int			wlen = pg_mb2wchar_with_len(s, wide, len);
	int			rc;

	rc = pg_regexec(&pattern->re, wide, wlen, 0, NULL, 0, NULL, 0);
	pfree(wide);
	if (rc != REG_OKAY && rc != REG_NOMATCH)
	{
		char		message[256];

		pg_regerror(rc, &pattern->re, message, sizeof(message));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("regular expression failed: %s", message)));
	}
	return rc == REG_OKAY;
}

/*
 * A 400 on attr unless source is a valid regular expression (of at most
 * 1,000 characters), with PostgreSQL's own reason in the detail.
 */
void
ed_pattern_check(const char *source, const char *attr)
{
	MemoryContext cxt;
	char	   *error = NULL;

	if (pg_mbstrlen(source) > 1000)
		ed_field_error(attr, "Ensure this field has no more than 1000 characters.");
	cxt = AllocSetContextCreate(CurrentMemoryContext, "event_definitions pattern check",
								ALLOCSET_SMALL_SIZES);
	if (ed_pattern_compile(source, cxt, &error) == NULL)
		ed_field_error(attr, psprintf("Invalid regular expression: %s.", error));
	MemoryContextDelete(cxt);
}
