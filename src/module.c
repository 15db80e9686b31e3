/*-------------------------------------------------------------------------
 *
 * module.c
 *	  Module entry: settings, and the timestamp format of the API.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "event_definitions.h"

PG_MODULE_MAGIC;

char	   *ed_base_url = NULL;
bool		ed_enable_reject_mode = false;
static char *ed_user_id_setting = NULL;

void		_PG_init(void);

/*
 * Define the extension's settings.
 */
void
_PG_init(void)
{
	DefineCustomStringVariable("event_definitions.base_url",
							   "Absolute URL prefix of the list's next/previous links.",
							   "\"{project_id}\" in it is replaced by the project. When empty, the links are bare query strings.",
							   &ed_base_url,
							   "",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("event_definitions.user_id",
							   "Acting user for gateway, admin and superuser connections without a JWT claim user_id.",
							   "Ignored for other connections, whose acting user follows their login role.",
							   &ed_user_id_setting,
							   "",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);
	DefineCustomBoolVariable("event_definitions.enable_reject_mode",
							 "Allows enforcement_mode \"reject\" on event definitions.",
							 "PostHog gates it behind the schema-enforcement-reject feature flag.",
							 &ed_enable_reject_mode,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("event_definitions");
}

/*
 * Write a non-negative number as exactly width digits, zero-padded; returns
 * the end.
 */
static char *
PutDigits(char *p, int value, int width)
{
	int			i;

	for (i = width - 1; i >= 0; i--)
	{
		p[i] = (char) ('0' + value % 10);
		value /= 10;
	}
	return p + width;
}

/*
 * ISO-8601 in UTC with "Z", microseconds only when non-zero
 * (2020-01-02T00:00:00Z, 2020-01-02T00:00:00.250000Z); NULL for an
 * infinite timestamp.
 */
char *
ed_format_iso8601(TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_NOT_FINITE(ts))
		return NULL;
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	if (tm.tm_year < 1 || tm.tm_year > 9999)
	{
		if (fsec != 0)
			return psprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
							tm.tm_year, tm.tm_mon, tm.tm_mday,
							tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
		return psprintf("%04d-%02d-%02dT%02d:%02d:%02dZ",
						tm.tm_year, tm.tm_mon, tm.tm_mday,
						tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	else
	{
		/* the common case without printf: every definition has several */
		char	   *result = palloc(sizeof("2020-01-02T00:00:00.250000Z"));
		char	   *p = result;

		p = PutDigits(p, tm.tm_year, 4);
		*p++ = '-';
		p = PutDigits(p, tm.tm_mon, 2);
		*p++ = '-';
		p = PutDigits(p, tm.tm_mday, 2);
		*p++ = 'T';
		p = PutDigits(p, tm.tm_hour, 2);
		*p++ = ':';
		p = PutDigits(p, tm.tm_min, 2);
		*p++ = ':';
		p = PutDigits(p, tm.tm_sec, 2);
		if (fsec != 0)
		{
			*p++ = '.';
			p = PutDigits(p, (int) fsec, 6);
		}
		*p++ = 'Z';
		*p = '\0';
		return result;
	}
}

PG_FUNCTION_INFO_V1(ed_iso8601);

/*
 * iso8601(timestamptz): the API's timestamp text; NULL when infinite.
 */
Datum
ed_iso8601(PG_FUNCTION_ARGS)
{
	char	   *result = ed_format_iso8601(PG_GETARG_TIMESTAMPTZ(0));

	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}
