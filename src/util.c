/*-------------------------------------------------------------------------
 *
 * util.c
 *	  SPI plans, project access, UUIDs and arrays shared by the modules.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "event_definitions.h"

/*
 * Prepare a plan on first use in this backend and keep it.  Kept plans are
 * revalidated by PostgreSQL after DDL, so they survive an upgrade.
 */
SPIPlanPtr
ed_plan(EdPlan *p)
{
	if (p->plan == NULL)
	{
		/*
		 * Every kept plan looks rows up by project and key, so the generic
		 * plan is as good as a custom one and is planned only once.
		 */
		SPIPlanPtr	plan = SPI_prepare_cursor(p->sql, p->nargs, p->argtypes,
											  CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		p->plan = plan;
	}
	return p->plan;
}

/*
 * Run a kept plan; returns SPI_processed.  read_only is true for the STABLE
 * entry points, so they see the calling query's snapshot.  count limits the
 * rows a read returns; a write always runs to its end (SPI would stop an
 * INSERT ... RETURNING after count rows, leaving the rest of its rows and
 * its AFTER STATEMENT triggers, such as identity_changed, undone).
 */
int
ed_exec(EdPlan *p, Datum *values, const char *nulls, bool read_only, long count)
{
	int			rc = SPI_execute_plan(ed_plan(p), values, nulls, read_only,
									  read_only ? count : 0);

	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return (int) SPI_processed;
}

/*
 * Run a kept plan read-only with the latest snapshot rather than the
 * statement's; returns SPI_processed.  For answers kept beyond this
 * transaction: they must not reflect an older snapshot (say, of a
 * REPEATABLE READ transaction) than the invalidations already processed.
 * A parallel operation cannot take a new snapshot: there the statement's
 * snapshot serves, and *keep is set false (use the answer, don't keep it).
 * count limits the rows (0: all).
 */
int
ed_exec_latest(EdPlan *p, Datum *values, const char *nulls, bool *keep, long count)
{
	int			rc;

	if (IsInParallelMode())
	{
		*keep = false;
		rc = SPI_execute_plan(ed_plan(p), values, nulls, true, count);
	}
	else
		rc = SPI_execute_snapshot(ed_plan(p), values, nulls,
								  GetLatestSnapshot(), InvalidSnapshot, true, false, count);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_snapshot failed: %s", SPI_result_code_string(rc));
	return (int) SPI_processed;
}

/*
 * A column of the last result, copied into the upper executor context so it
 * outlives SPI_finish.
 */
Datum
ed_copy_result(int row, int col, bool *isnull)
{
	TupleDesc	tupdesc = SPI_tuptable->tupdesc;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[row], tupdesc, col, isnull);
	Form_pg_attribute attr = TupleDescAttr(tupdesc, col - 1);

	if (*isnull)
		return (Datum) 0;
	return SPI_datumTransfer(value, attr->attbyval, attr->attlen);
}

/*
 * ERROR with PT404 unless the project exists and the acting user may see
 * it: a member sees its projects (membership implies existence), an admin
 * every project that exists.  A project the caller cannot see answers
 * exactly like a missing one.  Called as the caller, inside SPI.
 */
void
ed_require_project(int64 project_id)
{
	static EdPlan plan = {
		"SELECT 1 FROM event_definitions_private.projects p"
		" WHERE p.project_id OPERATOR(pg_catalog.=) $1",
		1, {INT8OID}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	EdAccess	access = ed_project_access(project_id);

	if (access == ED_ACCESS_MEMBER)
		return;
	if (access == ED_ACCESS_NONE || ed_exec(&plan, values, NULL, true, 1) == 0)
		ed_not_found(psprintf("project %lld not found", (long long) project_id));
}

/*
 * Canonical lower-case hyphenated text of a uuid.
 */
char *
ed_uuid_text(pg_uuid_t *uuid)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(uuid)));
}

/*
 * Parse a uuid in any form PostgreSQL's uuid type accepts (upper or lower
 * case, optional braces, hyphens after any group of four digits), without
 * raising an error: *ok tells whether it parsed.
 */
pg_uuid_t *
ed_parse_uuid(const char *s, bool *ok)
{
	pg_uuid_t  *uuid = palloc(sizeof(pg_uuid_t));
	const char *src = s;
	bool		braces = false;
	int			i;

	*ok = false;
	if (src[0] == '{')
	{
		braces = true;
		src++;
	}
	for (i = 0; i < UUID_LEN; i++)
	{
		char		str_buf[3];

		if (src[0] == '\0' || src[1] == '\0' ||
			!isxdigit((unsigned char) src[0]) || !isxdigit((unsigned char) src[1]))
			return uuid;
		memcpy(str_buf, src, 2);
		str_buf[2] = '\0';
		uuid->data[i] = (unsigned char) strtoul(str_buf, NULL, 16);
		src += 2;
		if (src[0] == '-' && (i % 2) == 1 && i < UUID_LEN - 1)
			src++;
	}
	if (braces)
	{
		if (*src != '}')
			return uuid;
		src++;
	}
	*ok = (*src == '\0');
	return uuid;
}

/*
 * A text[] Datum from C strings.
 */
Datum
ed_text_array(char **items, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Escape a query-string value as Python's urlencode does (quote_plus).
 */
char *
ed_query_string_escape(const char *s)
{
	StringInfoData buf;
	const unsigned char *p;

	initStringInfo(&buf);
	for (p = (const unsigned char *) s; *p; p++)
	{
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			(*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-' || *p == '~')
			appendStringInfoChar(&buf, (char) *p);
		else if (*p == ' ')
			appendStringInfoChar(&buf, '+');
		else
			appendStringInfo(&buf, "%%%02X", *p);
	}
	return buf.data;
}

/*
 * Tell PostgREST which HTTP status to answer (201 for a create, 204 for a
 * delete), only when the call comes through PostgREST (request.method is
 * set); the setting lasts until the end of the transaction.
 */
void
ed_set_response_status(const char *status)
{
	const char *method = GetConfigOption("request.method", true, false);

	if (method != NULL && method[0] != '\0')
		(void) set_config_option("response.status", status, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_LOCAL, true, 0, false);
}

PG_FUNCTION_INFO_V1(ed_guard_write);

/*
 * Statement trigger of SQL versions 1.0 to 1.2 on the tables of project
 * data, where the writer role still held write privileges: refuse a write
 * that a superuser does not make.  The write functions run as the
 * extension's owner (a superuser), so they pass; a writer writing the
 * tables directly does not.  Version 1.3 drops the trigger with the
 * privileges.
 */
Datum
ed_guard_write(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "guard_write() must be called as a trigger");
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to write table %s directly",
						RelationGetRelationName(trigdata->tg_relation)),
				 errdetail("Event definitions and their property groups change only through the functions of schema event_definitions."),
				 errhint("Call the matching function, for example event_definitions.update_event_definition().")));
	return PointerGetDatum(NULL);
}

/*
 * The member key of a jsonb object container, or NULL when it has none.
 */
JsonbValue *
ed_jsonb_member(JsonbContainer *obj, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	return findJsonbValueFromContainer(obj, JB_FOBJECT, &k);
}
