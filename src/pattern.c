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

#include <ctype.h>

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

		/* the library gave up because of a cancel: raise that, not a 400 */
		CHECK_FOR_INTERRUPTS();

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

		CHECK_FOR_INTERRUPTS();

		pg_regerror(rc, &pattern->re, message, sizeof(message));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("regular expression failed: %s", message)));
	}
	return rc == REG_OKAY;
}

/*
 * The cost of a part of a pattern, as the NFA PostgreSQL builds for it: its
 * size with bounded repetitions expanded, its optional parts (each
 * quantifier and each alternative that can match the empty string, times
 * the copies of repetitions around it), and whether it can match the empty
 * string.  Doubles, so that nested bounds cannot overflow.
 */
typedef struct PatternCost
{
	double		size;
	double		optional;
	bool		nullable;
} PatternCost;

/* What a pattern of rules may cost (see PatternRisk) */
#define PATTERN_MAX_SIZE		10000
#define PATTERN_MAX_OPTIONAL	128

/* A recursive-descent reader of a pattern's source, for PatternRisk */
typedef struct PatternReader
{
	const char *p;
	const char *risk;			/* the first reason to refuse it, or NULL */
} PatternReader;

static PatternCost ReadAlternatives(PatternReader *r);

/*
 * Keep the first reason to refuse the pattern.
 */
static void
Refuse(PatternReader *r, const char *reason)
{
	if (r->risk == NULL)
		r->risk = reason;
}

/*
 * Skip a bracket expression whose '[' r->p is just past.
 */
static void
SkipBracket(PatternReader *r)
{
	if (*r->p == '^')
		r->p++;
	if (*r->p == ']')
		r->p++;
	while (*r->p != '\0' && *r->p != ']')
	{
		CHECK_FOR_INTERRUPTS();
		if (r->p[0] == '[' && (r->p[1] == ':' || r->p[1] == '.' || r->p[1] == '='))
		{
			char		close = r->p[1];

			r->p += 2;
			while (*r->p != '\0' && !(r->p[0] == close && r->p[1] == ']'))
				r->p++;
			if (*r->p != '\0')
				r->p += 2;
		}
		else if (r->p[0] == '\\' && r->p[1] != '\0')
			r->p += 2;
		else
			r->p++;
	}
	if (*r->p == ']')
		r->p++;
}

/*
 * One atom at r->p: a group, a bracket expression, an escape or a
 * character.
 */
static PatternCost
ReadAtom(PatternReader *r)
{
	PatternCost c = {1, 0, false};
	char		ch = *r->p++;

	if (ch == '(')
	{
		if (r->p[0] == '?' && r->p[1] == ':')
			r->p += 2;
		else if (r->p[0] == '?' && (r->p[1] == '=' || r->p[1] == '!' || r->p[1] == '<'))
			Refuse(r, "lookahead and lookbehind constraints are not supported");
		else if (r->p[0] == '?')
			Refuse(r, "embedded options and comments are not supported");
		c = ReadAlternatives(r);
		if (*r->p == ')')
			r->p++;
	}
	else if (ch == '[')
		SkipBracket(r);
	else if (ch == '^' || ch == '$')
		c.nullable = true;
	else if (ch == '\\' && *r->p != '\0')
	{
		ch = *r->p++;
		if (ch >= '1' && ch <= '9')
			Refuse(r, "back references are not supported");
		else if (strchr("AZmMyY", ch) != NULL)
			c.nullable = true;
	}
	else if ((unsigned char) ch >= 0x80)
	{
		while (((unsigned char) *r->p & 0xC0) == 0x80)
			r->p++;
	}
	return c;
}

/*
 * A quantifier at r->p, if any: sets *min and *max (-1 for no bound) and
 * returns true.  A '{' that does not begin a bound is an ordinary
 * character, as in PostgreSQL's advanced regular expressions.
 */
static bool
ReadQuantifier(PatternReader *r, int *min, int *max)
{
	const char *p = r->p;

	if (*p == '*' || *p == '+' || *p == '?')
	{
		*min = (*p == '+') ? 1 : 0;
		*max = (*p == '?') ? 1 : -1;
		p++;
	}
	else if (*p == '{' && isdigit((unsigned char) p[1]))
	{
		*min = 0;
		for (p++; isdigit((unsigned char) *p); p++)
			*min = Min(*min * 10 + (*p - '0'), 1000);
		*max = *min;
		if (*p == ',')
		{
			*max = isdigit((unsigned char) p[1]) ? 0 : -1;
			for (p++; isdigit((unsigned char) *p); p++)
				*max = Min(*max * 10 + (*p - '0'), 1000);
		}
		if (*p++ != '}')
			return false;
	}
	else
		return false;
	if (*p == '?')
		p++;					/* non-greedy */
	r->p = p;
	return true;
}

/*
 * One branch at r->p: a sequence of quantified atoms, up to '|' or ')'.
 */
static PatternCost
ReadBranch(PatternReader *r)
{
	PatternCost branch = {0, 0, true};

	while (*r->p != '\0' && *r->p != '|' && *r->p != ')')
	{
		PatternCost c = ReadAtom(r);
		int			min,
					max;

		CHECK_FOR_INTERRUPTS();
		while (ReadQuantifier(r, &min, &max))
		{
			double		copies = (max < 0) ? Max(min, 1) : max;

			if (c.nullable && (max < 0 || max > 1))
				Refuse(r, "a repeated part can match the empty string, as in (a*)* or (a?){2}");
			c.size = c.size * copies + (max < 0 ? 1 : 0);
			c.optional = c.optional * copies + 1;
			c.nullable = c.nullable || min == 0;
		}
		branch.size += c.size;
		branch.optional += c.optional;
		branch.nullable = branch.nullable && c.nullable;
	}
	return branch;
}

/*
 * Alternatives at r->p, up to ')' or the end.
 */
static PatternCost
ReadAlternatives(PatternReader *r)
{
	PatternCost all = {0, 0, false};

	check_stack_depth();
	for (;;)
	{
		PatternCost c = ReadBranch(r);

		all.size += c.size;
		all.optional += c.optional + (c.nullable ? 1 : 0);
		all.nullable = all.nullable || c.nullable;
		if (*r->p != '|')
			break;
		r->p++;
	}
	return all;
}

/*
 * Why a rule's pattern would cost too much to compile or to match, or NULL.
 * PostgreSQL's engine matches in time linear in the input except through
 * back references and lookaround constraints, which are refused; its
 * compile time grows faster than linearly in the expanded size of the
 * pattern and in its optional parts, which are bounded, and explodes on
 * repeated parts that can match the empty string, which are refused.
 * Patterns that only fail to compile pass here and fail in pg_regcomp.
 */
static const char *
PatternRisk(const char *source)
{
	PatternReader r = {source, NULL};
	PatternCost c;

	if (strncmp(source, "***=", 4) == 0)
		return NULL;			/* the rest is a literal string */
	if (strncmp(source, "***:", 4) == 0)
		r.p += 4;
	c = ReadAlternatives(&r);
	while (*r.p != '\0')
	{
		r.p++;					/* an unbalanced ')': pg_regcomp refuses it */
		c = ReadAlternatives(&r);
	}
	if (r.risk != NULL)
		return r.risk;
	if (c.size > PATTERN_MAX_SIZE)
		return psprintf("it expands to more than %d parts", PATTERN_MAX_SIZE);
	if (c.optional > PATTERN_MAX_OPTIONAL)
		return psprintf("it has more than %d optional parts", PATTERN_MAX_OPTIONAL);
	return NULL;
}

/*
 * A 400 on attr unless source is a valid regular expression (of at most
 * 1,000 characters) of bounded cost (PatternRisk), with the reason in the
 * detail: PostgreSQL's own for an invalid one.
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
	if ((error = (char *) PatternRisk(source)) != NULL)
		ed_field_error(attr, psprintf("Regular expression too costly: %s.", error));
	if (ed_pattern_compile(source, cxt, &error) == NULL)
		ed_field_error(attr, psprintf("Invalid regular expression: %s.", error));
	MemoryContextDelete(cxt);
}
