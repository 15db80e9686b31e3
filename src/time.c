/*-------------------------------------------------------------------------
 *
 * time.c
 *	  Timestamps as the API writes and reads them: ISO-8601 UTC with "Z"
 *	  (PostHog's format), and the ISO-8601 strings ingestion accepts.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "event_definitions.h"

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

/*
 * Python's datetime.now().isoformat() of ts: local time in the session's
 * time zone, microseconds only when non-zero, no zone.
 */
char *
ed_local_isoformat(TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm(ts, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	if (fsec != 0)
		return psprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06d", tm.tm_year, tm.tm_mon, tm.tm_mday,
						tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year, tm.tm_mon, tm.tm_mday,
					tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * Read n digits at *p into *value; false if they are not all there.
 */
static bool
ReadDigits(const char **p, int n, int *value)
{
	int			i;

	*value = 0;
	for (i = 0; i < n; i++)
	{
		if (!isdigit((unsigned char) (*p)[i]))
			return false;
		*value = *value * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/*
 * Is s an ISO-8601 date or date-time: YYYY-MM-DD, optionally followed by
 * 'T' or ' ', HH:MM, optional :SS and fraction, and an optional zone (Z or
 * +HH, +HHMM, +HH:MM)?
 */
bool
ed_is_iso8601(const char *s)
{
	const char *p = s;
	int			year,
				month,
				day,
				hour,
				minute,
				second = 0;

	if (!ReadDigits(&p, 4, &year) || *p++ != '-' || !ReadDigits(&p, 2, &month) ||
		*p++ != '-' || !ReadDigits(&p, 2, &day))
		return false;
	if (month < 1 || month > 12 || day < 1 || day > 31)
		return false;
	if (*p == '\0')
		return true;
	if (*p != 'T' && *p != ' ')
		return false;
	p++;
	if (!ReadDigits(&p, 2, &hour) || *p++ != ':' || !ReadDigits(&p, 2, &minute))
		return false;
	if (*p == ':')
	{
		p++;
		if (!ReadDigits(&p, 2, &second))
			return false;
		if (*p == '.')
		{
			p++;
			if (!isdigit((unsigned char) *p))
				return false;
			while (isdigit((unsigned char) *p))
				p++;
		}
	}
	if (hour > 23 || minute > 59 || second > 60)
		return false;
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-')
	{
		int			zh,
					zm = 0;

		p++;
		if (!ReadDigits(&p, 2, &zh))
			return false;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char) *p) && !ReadDigits(&p, 2, &zm))
			return false;
		if (zh > 23 || zm > 59)
			return false;
	}
	return *p == '\0';
}
