/*-------------------------------------------------------------------------
 *
 * ingest.c
 *	  ingest_event(): what an ingestion pipeline (or a trigger on an
 *	  application's events table) calls for every event it sees.
 *
 * The definition is upserted (created_at on first sight, last_seen_at
 * only moved forward), then the event's properties are checked against the
 * property groups attached to it.  Under enforcement_mode "reject" an
 * event with violations is not accepted; under "allow" it is, and the
 * violations are still reported.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "definitions.h"
#include "event_definitions.h"
#include "render.h"

/*
 * Can a JSON value be read as the declared property type?  Numbers may come
 * as numeric strings, booleans as "true"/"false", DateTime as an ISO-8601
 * string or an epoch number.
 */
static bool
ValueFitsType(JsonbValue *v, const char *type)
{
	if (strcmp(type, "String") == 0)
		return v->type == jbvString;
	if (strcmp(type, "Numeric") == 0)
	{
		if (v->type == jbvNumeric)
			return true;
		if (v->type == jbvString)
		{
			char	   *s = pnstrdup(v->val.string.val, v->val.string.len);
			char	   *end;

			/* decimal only: strtod() also reads hex, "inf" and "nan" */
			if (*s == '\0' || s[strspn(s, "0123456789+-.eE")] != '\0')
				return false;
			(void) strtod(s, &end);
			return *end == '\0';
		}
		return false;
	}
	if (strcmp(type, "Boolean") == 0)
	{
		if (v->type == jbvBool)
			return true;
		return v->type == jbvString &&
			((v->val.string.len == 4 && strncmp(v->val.string.val, "true", 4) == 0) ||
			 (v->val.string.len == 5 && strncmp(v->val.string.val, "false", 5) == 0));
	}
	if (strcmp(type, "DateTime") == 0)
	{
		if (v->type == jbvNumeric)
			return true;
		if (v->type == jbvString)
			return ed_is_iso8601(pnstrdup(v->val.string.val, v->val.string.len));
		return false;
	}
	if (strcmp(type, "Object") == 0)
		return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
	if (strcmp(type, "Array") == 0)
		return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
	return true;
}

/*
 * ingest_event(project_id, event, properties jsonb, timestamp) ->
 * {"accepted": bool, "violations": [{"property", "violation", ...}]}
 */
PG_FUNCTION_INFO_V1(ed_ingest_event);

Datum
ed_ingest_event(PG_FUNCTION_ARGS)
{
	/* a definition first seen here is a write like any other: logged "created" */
	static EdPlan upsert_plan = {
		"WITH up AS ("
		" INSERT INTO event_definitions_private.event_definitions AS d"
		"  (project_id, name, created_at, last_seen_at)"
		" VALUES ($1, $2, $3, $3)"
		" ON CONFLICT (project_id, name) DO UPDATE SET"
		"  created_at = COALESCE(d.created_at, EXCLUDED.created_at),"
		"  last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at)"
		" WHERE d.created_at IS NULL OR d.last_seen_at IS NULL"
		"  OR d.last_seen_at OPERATOR(pg_catalog.<) EXCLUDED.last_seen_at"
		" RETURNING d.id, d.name, d.xmax OPERATOR(pg_catalog.=) 0 AS inserted,"
		"  CASE WHEN d.xmax OPERATOR(pg_catalog.=) 0 THEN event_definitions_private.snapshot(d) END AS snap)"
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', up.id::text, 'created', $4,"
		"  pg_catalog.jsonb_build_object('name', up.name, 'changes',"
		"   event_definitions_private.changes(NULL, up.snap, 'created', '" ED_SCOPE_DEFINITION "'))"
		" FROM up WHERE up.inserted",
		4, {INT8OID, TEXTOID, TIMESTAMPTZOID, INT4OID}
	};
	static EdPlan schema_plan = {
		"SELECT d.enforcement_mode, p.name, p.property_type, p.is_required"
		" FROM event_definitions_private.event_definitions d"
		" LEFT JOIN event_definitions_private.event_schemas s"
		"  ON s.project_id = d.project_id AND s.event_definition_id = d.id"
		" LEFT JOIN event_definitions_private.property_group_properties p"
		"  ON p.project_id = s.project_id AND p.property_group_id = s.property_group_id"
		" WHERE d.project_id = $1 AND d.name = $2"
		" ORDER BY p.name, p.is_required DESC",
		2, {INT8OID, TEXTOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Jsonb	   *properties = PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2);
	TimestampTz ts = PG_ARGISNULL(3) ? GetCurrentTransactionStartTimestamp() : PG_GETARG_TIMESTAMPTZ(3);
	text	   *event = PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1);
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	bool		user_null;
	EdUserSwitch as_owner;
	JsonbParseState *state = NULL;
	int			nviolations = 0;
	bool		reject = false;
	int			nrows,
				row;
	char	   *last_name = NULL;
	Datum		result;
	struct pg_tm tm;
	fsec_t		fsec;

	if (event == NULL || VARSIZE_ANY_EXHDR(event) == 0)
		ed_field_error("event", "This field may not be blank.");
	if (ed_text_longer_than(event, ED_MAX_NAME_LENGTH))
		ed_field_error("event", psprintf("Ensure this field has no more than %d characters.", ED_MAX_NAME_LENGTH));
	if (properties != NULL)
		ed_check_arg_size(VARSIZE_ANY_EXHDR(properties), "properties");
	if (properties != NULL && !JB_ROOT_IS_OBJECT(properties))
		ed_field_error("properties", "Expected a dictionary of items.");
	if (TIMESTAMP_NOT_FINITE(ts) || timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0 ||
		tm.tm_year < 1 || tm.tm_year > 9999)
		ed_field_error("timestamp", "Ensure this value is a date and time between the years 1 and 9999.");

	values[0] = Int64GetDatum(project_id);
	values[1] = PointerGetDatum(event);
	values[2] = TimestampTzGetDatum(ts);

	SPI_connect();
	ed_require_project(project_id);
	values[3] = Int32GetDatum(ed_acting_user(&user_null));
	nulls[3] = user_null ? 'n' : ' ';
	ed_become_owner(&as_owner);
	ed_exec(&upsert_plan, values, nulls, false, 0);
	nrows = ed_exec(&schema_plan, values, NULL, false, 0);
	ed_restore_user(&as_owner);
	if (nrows == 0)
		elog(ERROR, "ingested event definition is not visible");

	/* {"violations": [...], "accepted": bool} */
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_key(&state, "violations");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (row = 0; row < nrows; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		char	   *mode = SPI_getvalue(tuple, tupdesc, 1);
		char	   *prop = SPI_getvalue(tuple, tupdesc, 2);
		char	   *type;
		bool		required;
		bool		isnull;
		JsonbValue *value = NULL;

		CHECK_FOR_INTERRUPTS();
		reject = (strcmp(mode, "allow") != 0);
		if (prop == NULL)
			continue;
		/* a property in several groups is checked once, as required if any group says so */
		if (last_name && strcmp(last_name, prop) == 0)
			continue;
		last_name = prop;
		type = SPI_getvalue(tuple, tupdesc, 3);
		required = DatumGetBool(SPI_getbinval(tuple, tupdesc, 4, &isnull));

		if (properties != NULL)
		{
			JsonbValue	key;

			key.type = jbvString;
			key.val.string.val = prop;
			key.val.string.len = strlen(prop);
			value = findJsonbValueFromContainer(&properties->root, JB_FOBJECT, &key);
		}

		if (value == NULL || value->type == jbvNull)
		{
			if (required)
			{
				pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
				ed_push_cstring_field(&state, "property", prop);
				ed_push_cstring_field(&state, "violation", "missing_required");
				pushJsonbValue(&state, WJB_END_OBJECT, NULL);
				nviolations++;
			}
			continue;
		}
		if (!ValueFitsType(value, type))
		{
			pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
			ed_push_cstring_field(&state, "property", prop);
			ed_push_cstring_field(&state, "violation", "type_mismatch");
			ed_push_cstring_field(&state, "expected", type);
			ed_push_cstring_field(&state, "got", JsonbTypeName(value));
			pushJsonbValue(&state, WJB_END_OBJECT, NULL);
			nviolations++;
		}
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	ed_push_bool_field(&state, "accepted", !(reject && nviolations > 0));
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}
