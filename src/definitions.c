/*-------------------------------------------------------------------------
 *
 * definitions.c
 *	  Create, retrieve, update and delete one event definition.
 *
 * Writes and their activity-log entry are one statement each; the answer
 * is read back through the public view, so it has exactly the list shape.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "definitions.h"
#include "event_definitions.h"
#include "render.h"

/* What a create or PATCH body says; has_* tell which keys were present. */
typedef struct DefinitionInput
{
	char	   *name;
	bool		has_owner;
	bool		owner_null;
	int32		owner;
	bool		has_description;
	char	   *description;	/* NULL for JSON null */
	bool		has_tags;
	char	  **tags;
	int			ntags;
	bool		has_verified;
	bool		verified;
	bool		has_hidden;
	bool		hidden_null;
	bool		hidden;
	bool		has_enforcement_mode;
	char	   *enforcement_mode;
	bool		has_promoted;
	char	   *promoted;		/* NULL for JSON null */
	bool		has_default_columns;
	char	  **default_columns;	/* NULL for JSON null */
	int			ndefault_columns;
} DefinitionInput;

static const char *const enforcement_modes[] = {"allow", "reject", NULL};

/*
 * Validate a create (creating) or PATCH body, field by field in PostHog's
 * serializer order, then the rules that span fields.
 */
static void
ParseDefinitionBody(EdJson *body, bool creating, DefinitionInput *in)
{
	EdJson	   *v;

	memset(in, 0, sizeof(*in));

	if (creating)
	{
		v = ed_json_get(body, "name");
		if (v == NULL)
			ed_field_error("name", "This field is required.");
		in->name = ed_field_string(v, "name", false, false, ED_MAX_NAME_LENGTH);
	}

	if ((v = ed_json_get(body, "owner")) != NULL)
	{
		in->has_owner = true;
		if (v->type == EDJ_NULL)
			in->owner_null = true;
		else
			in->owner = ed_field_user_id(v, "owner");
	}

	if ((v = ed_json_get(body, "description")) != NULL)
	{
		in->has_description = true;
		in->description = ed_field_string(v, "description", true, true, 0);
	}

	if ((v = ed_json_get(body, "tags")) != NULL)
	{
		in->has_tags = true;
		in->tags = ed_normalize_tags(v, "tags", &in->ntags);
	}

	if ((v = ed_json_get(body, "verified")) != NULL)
	{
		in->has_verified = true;
		in->verified = ed_field_bool(v, "verified");
	}

	if ((v = ed_json_get(body, "hidden")) != NULL)
	{
		in->has_hidden = true;
		if (v->type == EDJ_NULL)
			in->hidden_null = true;
		else
			in->hidden = ed_field_bool(v, "hidden");
	}

	if ((v = ed_json_get(body, "enforcement_mode")) != NULL)
	{
		if (!ed_field_choice(v, "enforcement_mode", enforcement_modes, &in->enforcement_mode))
			ed_field_error("enforcement_mode", "This field may not be null.");
		in->has_enforcement_mode = true;
		if (strcmp(in->enforcement_mode, "reject") == 0 && !ed_enable_reject_mode)
			ereport(ERROR,
					(errcode(ERRCODE_ED_VALIDATION),
					 errmsg("invalid \"enforcement_mode\": \"reject\" is not enabled"),
					 errdetail("Setting schema enforcement mode to \"reject\" requires the schema-enforcement-reject feature flag"),
					 errhint("A superuser can enable it with SET event_definitions.enable_reject_mode = on, or in postgresql.conf."),
					 err_generic_string(PG_DIAG_COLUMN_NAME, "enforcement_mode")));
	}

	if ((v = ed_json_get(body, "promoted_property")) != NULL)
	{
		in->has_promoted = true;
		in->promoted = ed_field_string(v, "promoted_property", true, true, ED_MAX_NAME_LENGTH);
	}

	if ((v = ed_json_get(body, "default_columns")) != NULL)
	{
		in->has_default_columns = true;
		in->default_columns = ed_field_string_list(v, "default_columns", 0, &in->ndefault_columns);
	}

	if (in->has_hidden && in->hidden && in->has_verified && in->verified)
		ed_field_error(NULL, "An event cannot be both hidden and verified");
}

/*
 * The owner must be a member of the project (so that every member sees it).
 */
static void
CheckOwner(DefinitionInput *in, int64 project_id)
{
	static EdPlan plan = {
		"SELECT 1 FROM event_definitions_private.project_members"
		" WHERE project_id = $1 AND user_id = $2",
		2, {INT8OID, INT4OID}
	};
	Datum		values[2];

	if (!in->has_owner || in->owner_null)
		return;
	values[0] = Int64GetDatum(project_id);
	values[1] = Int32GetDatum(in->owner);
	if (ed_exec(&plan, values, NULL, false, 1) == 0)
		ed_field_error("owner", psprintf("Invalid pk \"%d\" - object does not exist.", in->owner));
}

/*
 * The representation of one definition (the view's row without project_id),
 * copied out of SPI; *found is false when there is no such visible row.
 */
Datum
ed_render_definition(int64 project_id, Datum id, bool read_only, bool *found)
{
	static EdPlan plan = {
		"SELECT " ED_DEFINITION_COLUMNS
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id = $2",
		2, {INT8OID, UUIDOID}
	};
	Datum		values[2] = {Int64GetDatum(project_id), id};

	*found = ed_exec(&plan, values, NULL, read_only, 1) > 0;
	if (!*found)
		return (Datum) 0;
	return ed_definition_jsonb(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
}

/*
 * PT404 for a definition that is missing or in a project the caller cannot
 * see.
 */
void
ed_definition_not_found(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_ED_NOT_FOUND),
			 errmsg("event definition not found"),
			 errdetail("Not found.")));
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
 * A uuid argument that must not be null (a null id finds nothing).
 */
Datum
ed_id_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ed_definition_not_found();
	return PG_GETARG_DATUM(argno);
}

/*
 * A json body argument; SQL NULL reads as an empty object.
 */
EdJson *
ed_body_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		return ed_json_parse("{}", 2, what);
	return ed_parse_body(PG_GETARG_TEXT_PP(argno), what);
}

/*
 * create_event_definition(project_id, body): POST /event_definitions/.
 */
static Datum
CreateEventDefinition(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"WITH ins AS ("
		" INSERT INTO event_definitions_private.event_definitions AS d"
		"  (project_id, name, owner_id, description, tags, verified, verified_at, verified_by_id,"
		"   hidden, enforcement_mode, promoted_property, default_columns, created_by_id, updated_by_id)"
		" VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 THEN pg_catalog.now() END, CASE WHEN $6 THEN $7 END,"
		"   $8, $9, $10, $11, $7, $7)"
		" ON CONFLICT (project_id, name) DO NOTHING"
		" RETURNING d.id, d.name, event_definitions_private.snapshot(d) AS snap),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', ins.id::text, 'created', $7,"
		"  pg_catalog.jsonb_build_object('name', ins.name, 'changes',"
		"   event_definitions_private.changes(NULL, ins.snap, 'created', '" ED_SCOPE_DEFINITION "'))"
		" FROM ins)"
		" SELECT id FROM ins",
		11, {INT8OID, TEXTOID, INT4OID, TEXTOID, TEXTARRAYOID, BOOLOID, INT4OID, BOOLOID,
		TEXTOID, TEXTOID, TEXTARRAYOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	DefinitionInput in;
	EdJson	   *body;
	Datum		values[11];
	char		nulls[11];
	bool		user_null;
	int			user;
	bool		found;
	Datum		result;

	SPI_connect();
	/* the project first, as PostHog resolves it before reading the body */
	ed_require_project(project_id);
	body = ed_body_arg(fcinfo, 1, "event definition body");
	ParseDefinitionBody(body, true, &in);
	user = ed_acting_user(&user_null);
	CheckOwner(&in, project_id);

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(project_id);
	values[1] = CStringGetTextDatum(in.name);
	values[2] = Int32GetDatum(in.owner);
	if (!in.has_owner || in.owner_null)
		nulls[2] = 'n';
	/* PostHog's enterprise row starts with an empty description */
	values[3] = CStringGetTextDatum(in.has_description ? (in.description ? in.description : "") : "");
	if (in.has_description && in.description == NULL)
		nulls[3] = 'n';
	values[4] = ed_text_array(in.tags, in.has_tags ? in.ntags : 0);
	values[5] = BoolGetDatum(in.has_verified && in.verified);
	values[6] = Int32GetDatum(user);
	if (user_null)
		nulls[6] = 'n';
	/* verifying unhides; hiding (validated above) leaves verified false */
	values[7] = BoolGetDatum(in.has_hidden && !in.hidden_null && in.hidden && !(in.has_verified && in.verified));
	if (in.has_hidden && in.hidden_null)
		nulls[7] = 'n';
	values[8] = CStringGetTextDatum(in.has_enforcement_mode ? in.enforcement_mode : "allow");
	values[9] = in.promoted ? CStringGetTextDatum(in.promoted) : (Datum) 0;
	if (in.promoted == NULL)
		nulls[9] = 'n';
	values[10] = in.default_columns ? ed_text_array(in.default_columns, in.ndefault_columns) : (Datum) 0;
	if (in.default_columns == NULL)
		nulls[10] = 'n';

	if (ed_exec(&plan, values, nulls, false, 0) == 0)
		ed_field_error("name", psprintf("Event definition with name '%s' already exists", in.name));
	values[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &found);

	result = ed_render_definition(project_id, values[0], false, &found);
	if (!found)
		elog(ERROR, "created event definition is not visible");
	SPI_finish();
	ed_set_response_status("201");
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_retrieve_event_definition);

/*
 * retrieve_event_definition(project_id, id): GET /event_definitions/{id}/.
 */
Datum
ed_retrieve_event_definition(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	Datum		id = ed_id_arg(fcinfo, 1);
	bool		found;
	Datum		result;

	SPI_connect();
	result = ed_render_definition(project_id, id, true, &found);
	if (!found)
		ed_definition_not_found();
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * update_event_definition(project_id, id, body): PATCH.  name is read-only;
 * verification follows PostHog: hiding clears verification, verifying
 * unhides and stamps verified_by/verified_at once, unverifying clears them.
 */
static Datum
UpdateEventDefinition(PG_FUNCTION_ARGS)
{
	static EdPlan exists_plan = {
		"SELECT 1 FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id OPERATOR(pg_catalog.=) $2",
		2, {INT8OID, UUIDOID}
	};
	static EdPlan plan = {
		"WITH old AS ("
		" SELECT d.project_id, d.id, event_definitions_private.snapshot(d) AS snap"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id = $2 FOR UPDATE),"
		" upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET"
		"  owner_id = CASE WHEN $3 THEN $4 ELSE d.owner_id END,"
		"  description = CASE WHEN $5 THEN $6 ELSE d.description END,"
		"  tags = CASE WHEN $7 THEN $8 ELSE d.tags END,"
		"  verified = CASE $9 WHEN 1 THEN true WHEN 2 THEN false ELSE d.verified END,"
		"  verified_by_id = CASE $9 WHEN 1 THEN CASE WHEN d.verified THEN d.verified_by_id ELSE $10 END"
		"   WHEN 2 THEN NULL ELSE d.verified_by_id END,"
		"  verified_at = CASE $9 WHEN 1 THEN CASE WHEN d.verified THEN d.verified_at ELSE pg_catalog.now() END"
		"   WHEN 2 THEN NULL ELSE d.verified_at END,"
		"  hidden = CASE WHEN $11 THEN $12 WHEN $9 = 1 THEN false ELSE d.hidden END,"
		"  enforcement_mode = CASE WHEN $13 THEN $14 ELSE d.enforcement_mode END,"
		"  promoted_property = CASE WHEN $15 THEN $16 ELSE d.promoted_property END,"
		"  default_columns = CASE WHEN $17 THEN $18 ELSE d.default_columns END,"
		"  updated_by_id = $10,"
		"  updated_at = pg_catalog.now()"
		" FROM old WHERE d.project_id = old.project_id AND d.id = old.id"
		" RETURNING d.id, d.name, old.snap AS before, event_definitions_private.snapshot(d) AS after),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', upd.id::text, 'changed', $10,"
		"  pg_catalog.jsonb_build_object('name', upd.name, 'changes', c.changes)"
		" FROM upd, LATERAL (SELECT event_definitions_private.changes(upd.before, upd.after,"
		"  'changed', '" ED_SCOPE_DEFINITION "') AS changes) c"
		" WHERE c.changes OPERATOR(pg_catalog.<>) '[]'::jsonb)"
		" SELECT id FROM upd",
		18, {INT8OID, UUIDOID, BOOLOID, INT4OID, BOOLOID, TEXTOID, BOOLOID, TEXTARRAYOID, INT4OID,
			INT4OID, BOOLOID, BOOLOID, BOOLOID, TEXTOID, BOOLOID, TEXTOID, BOOLOID, TEXTARRAYOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		id = ed_id_arg(fcinfo, 1);
	DefinitionInput in;
	EdJson	   *body;
	Datum		values[18];
	char		nulls[18];
	bool		user_null;
	int			user;
	int			verify_action;
	bool		found;
	Datum		result;

	SPI_connect();
	/* a missing definition is 404 whatever the body (DRF's get_object() comes first) */
	values[0] = Int64GetDatum(project_id);
	values[1] = id;
	if (ed_exec(&exists_plan, values, NULL, false, 1) == 0)
		ed_definition_not_found();
	body = ed_body_arg(fcinfo, 2, "event definition body");
	ParseDefinitionBody(body, false, &in);
	user = ed_acting_user(&user_null);
	CheckOwner(&in, project_id);

	/* 0: leave verification alone, 1: verify, 2: clear verification */
	if (in.has_hidden && !in.hidden_null && in.hidden)
		verify_action = 2;
	else if (in.has_verified)
		verify_action = in.verified ? 1 : 2;
	else
		verify_action = 0;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(project_id);
	values[1] = id;
	values[2] = BoolGetDatum(in.has_owner);
	values[3] = Int32GetDatum(in.owner);
	if (in.owner_null || !in.has_owner)
		nulls[3] = 'n';
	values[4] = BoolGetDatum(in.has_description);
	values[5] = in.description ? CStringGetTextDatum(in.description) : (Datum) 0;
	if (in.description == NULL)
		nulls[5] = 'n';
	values[6] = BoolGetDatum(in.has_tags);
	values[7] = ed_text_array(in.tags, in.has_tags ? in.ntags : 0);
	values[8] = Int32GetDatum(verify_action);
	values[9] = Int32GetDatum(user);
	if (user_null)
		nulls[9] = 'n';
	values[10] = BoolGetDatum(in.has_hidden);
	values[11] = BoolGetDatum(in.hidden);
	if (in.hidden_null)
		nulls[11] = 'n';
	values[12] = BoolGetDatum(in.has_enforcement_mode);
	values[13] = CStringGetTextDatum(in.has_enforcement_mode ? in.enforcement_mode : "allow");
	values[14] = BoolGetDatum(in.has_promoted);
	values[15] = in.promoted ? CStringGetTextDatum(in.promoted) : (Datum) 0;
	if (in.promoted == NULL)
		nulls[15] = 'n';
	values[16] = BoolGetDatum(in.has_default_columns);
	values[17] = in.default_columns ? ed_text_array(in.default_columns, in.ndefault_columns) : (Datum) 0;
	if (in.default_columns == NULL)
		nulls[17] = 'n';

	if (ed_exec(&plan, values, nulls, false, 0) == 0)
		ed_definition_not_found();

	result = ed_render_definition(project_id, id, false, &found);
	if (!found)
		elog(ERROR, "updated event definition is not visible");
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * delete_event_definition(project_id, id): DELETE, logged with a snapshot.
 */
static Datum
DeleteEventDefinition(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"WITH del AS ("
		" DELETE FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id = $2"
		" RETURNING d.id, d.name, event_definitions_private.snapshot(d) AS snap),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', del.id::text, 'deleted', event_definitions_private.acting_user_id(),"
		"  pg_catalog.jsonb_build_object('name', del.name, 'changes',"
		"   event_definitions_private.changes(del.snap, NULL, 'deleted', '" ED_SCOPE_DEFINITION "'))"
		" FROM del)"
		" SELECT id FROM del",
		2, {INT8OID, UUIDOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];

	values[0] = Int64GetDatum(project_id);
	values[1] = ed_id_arg(fcinfo, 1);
	SPI_connect();
	if (ed_exec(&plan, values, NULL, false, 0) == 0)
		ed_definition_not_found();
	SPI_finish();
	ed_set_response_status("204");
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(ed_create_event_definition);

/*
 * create_event_definition(): entry point; writes to the extension's tables are allowed
 * while it runs (see ed_api_call).
 */
Datum
ed_create_event_definition(PG_FUNCTION_ARGS)
{
	return ed_api_call(fcinfo, CreateEventDefinition);
}

PG_FUNCTION_INFO_V1(ed_update_event_definition);

/*
 * update_event_definition(): entry point; writes to the extension's tables are allowed
 * while it runs (see ed_api_call).
 */
Datum
ed_update_event_definition(PG_FUNCTION_ARGS)
{
	return ed_api_call(fcinfo, UpdateEventDefinition);
}

PG_FUNCTION_INFO_V1(ed_delete_event_definition);

/*
 * delete_event_definition(): entry point; writes to the extension's tables are allowed
 * while it runs (see ed_api_call).
 */
Datum
ed_delete_event_definition(PG_FUNCTION_ARGS)
{
	return ed_api_call(fcinfo, DeleteEventDefinition);
}
