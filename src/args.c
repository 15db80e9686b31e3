/*-------------------------------------------------------------------------
 *
 * args.c
 *	  The arguments of the SQL entry points: the project, ids, JSON bodies
 *	  and text parameters, each within the limits every call observes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "definitions.h"
#include "event_definitions.h"

/*
 * ERROR with PT413 (HTTP 413) when an argument is larger than
 * ED_MAX_ARG_BYTES, naming the argument and the limit.
 */
void
ed_check_arg_size(Size size, const char *what)
{
	ed_check_arg_limit(size, ED_MAX_ARG_BYTES, "2.5 MB", what);
}

/*
 * ERROR with PT413 when an argument is larger than max bytes (label: max
 * in words, as "2.5 MB").
 */
void
ed_check_arg_limit(Size size, Size max, const char *label, const char *what)
{
	if (size > max)
	{
		char	   *detail = psprintf("It has %zu bytes; at most %zu bytes (%s) are accepted.",
									  size, max, label);

		ereport(ERROR,
				(errcode(ERRCODE_ED_TOO_LARGE),
				 errmsg("%s is too large", what),
				 errdetail("%s", detail),
				 errhint("%s", ed_posthog_error("invalid_request", "request_too_large", detail, NULL))));
	}
}

/*
 * The project_id argument, which every entry point requires.
 */
int64
ed_project_arg(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("project_id must not be null")));
	return PG_GETARG_INT64(0);
}

/*
 * The declared type of argument argno of the called function.
 */
static Oid
ArgType(FunctionCallInfo fcinfo, int argno)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	HeapTuple	tuple;

	if (OidIsValid(type))
		return type;
	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
	type = ((Form_pg_proc) GETSTRUCT(tuple))->proargtypes.values[argno];
	ReleaseSysCache(tuple);
	return type;
}

/*
 * An id argument as a uuid Datum: a uuid (SQL versions before 1.3), or
 * text in any spelling the uuid type reads (any_id, from 1.3).  *found is
 * false for a null id and for text that is not a uuid: such an id finds
 * nothing, as in PostHog (GET /event_definitions/undefined/ is a 404).
 */
Datum
ed_uuid_arg(FunctionCallInfo fcinfo, int argno, bool *found)
{
	text	   *t;
	char	   *s;
	pg_uuid_t  *uuid;

	*found = !PG_ARGISNULL(argno);
	if (!*found)
		return (Datum) 0;
	if (ArgType(fcinfo, argno) == UUIDOID)
		return PG_GETARG_DATUM(argno);
	t = PG_GETARG_TEXT_PP(argno);
	if (VARSIZE_ANY_EXHDR(t) > 64)
	{
		*found = false;
		return (Datum) 0;
	}
	s = text_to_cstring(t);
	uuid = ed_parse_uuid(s, found);
	return UUIDPGetDatum(uuid);
}

/*
 * A definition's id argument; PT404 when it finds nothing.
 */
Datum
ed_id_arg(FunctionCallInfo fcinfo, int argno)
{
	bool		found;
	Datum		id = ed_uuid_arg(fcinfo, argno, &found);

	if (!found)
		ed_definition_not_found();
	return id;
}

/*
 * A json body argument, at most ED_MAX_ARG_BYTES; SQL NULL reads as an
 * empty object.
 */
EdJson *
ed_body_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	text	   *body;

	if (PG_ARGISNULL(argno))
		return ed_json_parse("{}", 2, what);
	body = PG_GETARG_TEXT_PP(argno);
	ed_check_arg_size(VARSIZE_ANY_EXHDR(body), what);
	return ed_parse_body(body, what);
}

/*
 * The text of an optional text (or json) argument, at most
 * ED_MAX_ARG_BYTES, or NULL.
 */
char *
ed_text_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	text	   *t;

	if (PG_ARGISNULL(argno))
		return NULL;
	t = PG_GETARG_TEXT_PP(argno);
	ed_check_arg_size(VARSIZE_ANY_EXHDR(t), what);
	return text_to_cstring(t);
}

/*
 * Is t longer than max_chars characters?  Looks at no more of it than the
 * limit needs.
 */
bool
ed_text_longer_than(text *t, int max_chars)
{
	const char *p = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	int			chars = 0;

	while (len > 0)
	{
		int			l = pg_mblen(p);

		if (++chars > max_chars)
			return true;
		p += l;
		len -= l;
	}
	return false;
}
