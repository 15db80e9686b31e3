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
#include "governance.h"
#include "render.h"


static const char *const enforcement_modes[] = {"allow", "reject", NULL};

/*
 * Validate a create (creating) or PATCH body, field by field in PostHog's
 * serializer order, then the rules that span fields.
 */
void
ed_parse_definition_body(EdJson *body, bool creating, DefinitionInput *in)
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
		in->tags_as_sent = ed_tags_as_sent(v, &in->ntags_as_sent);
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
					 errhint("%s", ed_posthog_error("validation_error", "invalid_input",
													"Setting schema enforcement mode to \"reject\" requires the schema-enforcement-reject feature flag",
													"enforcement_mode")),
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
 * The parameters of the create and update statements, in this order:
 * a present flag and a value for each optional field, so that one binding
 * serves both (ParamsFor).
 */
enum
{
	P_PROJECT = 0,
	P_ID,						/* update: the definition */
	P_NAME,						/* create: the name */
	P_USER,						/* the acting user */
	P_VERIFY,					/* 0 leave, 1 verify, 2 clear verification */
	P_HAS_OWNER, P_OWNER,
	P_HAS_DESCRIPTION, P_DESCRIPTION,
	P_HAS_TAGS, P_TAGS, P_TAGS_AS_SENT,
	P_HAS_HIDDEN, P_HIDDEN,
	P_HAS_ENFORCEMENT, P_ENFORCEMENT,
	P_HAS_PROMOTED, P_PROMOTED,
	P_HAS_DEFAULT_COLUMNS, P_DEFAULT_COLUMNS,
	P_COUNT
};

#define DEFINITION_PARAM_TYPES \
	{INT8OID, UUIDOID, TEXTOID, INT4OID, INT4OID, BOOLOID, INT4OID, BOOLOID, TEXTOID, \
	 BOOLOID, TEXTARRAYOID, TEXTARRAYOID, BOOLOID, BOOLOID, BOOLOID, TEXTOID, \
	 BOOLOID, TEXTOID, BOOLOID, TEXTARRAYOID}

/*
 * The owner must be a member of the project (so that every member sees
 * it).  Called as the extension's owner, once the project is known to be
 * the caller's.
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
 * Bind a validated body to the statement parameters (see the enum above).
 */
static void
ParamsFor(DefinitionInput *in, int64 project_id, Datum id, Datum *values, char *nulls)
{
	bool		user_null;

	memset(nulls, ' ', P_COUNT);
	memset(values, 0, sizeof(Datum) * P_COUNT);
	values[P_PROJECT] = Int64GetDatum(project_id);
	values[P_ID] = id;
	nulls[P_ID] = id ? ' ' : 'n';
	values[P_NAME] = in->name ? CStringGetTextDatum(in->name) : (Datum) 0;
	nulls[P_NAME] = in->name ? ' ' : 'n';
	values[P_USER] = Int32GetDatum(ed_acting_user(&user_null));
	nulls[P_USER] = user_null ? 'n' : ' ';

	/* hiding clears verification; verifying (validated apart from hiding) stamps it */
	if (in->has_hidden && !in->hidden_null && in->hidden)
		values[P_VERIFY] = Int32GetDatum(2);
	else if (in->has_verified)
		values[P_VERIFY] = Int32GetDatum(in->verified ? 1 : 2);
	else
		values[P_VERIFY] = Int32GetDatum(0);

	values[P_HAS_OWNER] = BoolGetDatum(in->has_owner);
	values[P_OWNER] = Int32GetDatum(in->owner);
	nulls[P_OWNER] = (in->has_owner && !in->owner_null) ? ' ' : 'n';
	values[P_HAS_DESCRIPTION] = BoolGetDatum(in->has_description);
	values[P_DESCRIPTION] = in->description ? CStringGetTextDatum(in->description) : (Datum) 0;
	nulls[P_DESCRIPTION] = in->description ? ' ' : 'n';
	values[P_HAS_TAGS] = BoolGetDatum(in->has_tags);
	values[P_TAGS] = ed_text_array(in->tags, in->has_tags ? in->ntags : 0);
	values[P_TAGS_AS_SENT] = ed_text_array(in->tags_as_sent, in->has_tags ? in->ntags_as_sent : 0);
	values[P_HAS_HIDDEN] = BoolGetDatum(in->has_hidden);
	values[P_HIDDEN] = BoolGetDatum(in->hidden);
	nulls[P_HIDDEN] = in->hidden_null ? 'n' : ' ';
	values[P_HAS_ENFORCEMENT] = BoolGetDatum(in->has_enforcement_mode);
	values[P_ENFORCEMENT] = CStringGetTextDatum(in->has_enforcement_mode ? in->enforcement_mode : "allow");
	values[P_HAS_PROMOTED] = BoolGetDatum(in->has_promoted);
	values[P_PROMOTED] = in->promoted ? CStringGetTextDatum(in->promoted) : (Datum) 0;
	nulls[P_PROMOTED] = in->promoted ? ' ' : 'n';
	values[P_HAS_DEFAULT_COLUMNS] = BoolGetDatum(in->has_default_columns);
	values[P_DEFAULT_COLUMNS] = in->default_columns ?
		ed_text_array(in->default_columns, in->ndefault_columns) : (Datum) 0;
	nulls[P_DEFAULT_COLUMNS] = in->default_columns ? ' ' : 'n';
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
	ed_not_found("event definition not found");
}

PG_FUNCTION_INFO_V1(ed_create_event_definition);

/*
 * create_event_definition(project_id, body): POST /event_definitions/.
 * The project is checked against the caller's identity, then the row is
 * written as the extension's owner, and the answer is rendered from the
 * written row as the caller (whose users policy decides the nested users).
 */
Datum
ed_create_event_definition(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"WITH ins AS ("
		" INSERT INTO event_definitions_private.event_definitions AS d"
		"  (project_id, name, owner_id, description, tags, verified, verified_at, verified_by_id,"
		"   hidden, enforcement_mode, promoted_property, default_columns, created_by_id, updated_by_id)"
		" VALUES ($1, $3, CASE WHEN $6 THEN $7 END, CASE WHEN $8 THEN $9 ELSE '' END,"
		"   CASE WHEN $10 THEN $11 ELSE '{}' END, $5 = 1, CASE WHEN $5 = 1 THEN now() END,"
		"   CASE WHEN $5 = 1 THEN $4 END, CASE WHEN $5 = 1 THEN false WHEN $13 THEN $14 ELSE false END,"
		"   CASE WHEN $15 THEN $16 ELSE 'allow' END, CASE WHEN $17 THEN $18 END,"
		"   CASE WHEN $19 THEN $20 END, $4, $4)"
		" ON CONFLICT (project_id, name) DO NOTHING"
		" RETURNING d.*, event_definitions_private.snapshot(d) AS snap),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', ins.id::text, 'created', $4,"
		"  jsonb_build_object('name', ins.name, 'changes',"
		"   event_definitions_private.changes(NULL, ins.snap, 'created', '" ED_SCOPE_DEFINITION "'))"
		" FROM ins)"
		" SELECT " ED_DEFINITION_COLUMNS " FROM ins d",
		P_COUNT, DEFINITION_PARAM_TYPES
	};
	int64		project_id = ed_project_arg(fcinfo);
	DefinitionInput in;
	Datum		values[P_COUNT];
	char		nulls[P_COUNT];
	EdUserSwitch as_owner;
	int			written;
	Datum		result;

	SPI_connect();
	/* the project first, as PostHog resolves it before reading the body */
	ed_require_project(project_id);
	ed_parse_definition_body(ed_body_arg(fcinfo, 1, "event definition body"), true, &in);
	ed_check_name(ed_settings(project_id)->event_name_pattern, in.name, "name", "Event");
	ParamsFor(&in, project_id, (Datum) 0, values, nulls);

	ed_become_owner(&as_owner);
	CheckOwner(&in, project_id);
	written = ed_exec(&plan, values, nulls, false, 0);
	ed_restore_user(&as_owner);

	if (written == 0)
		ed_field_error("name", psprintf("Event definition with name '%s' already exists",
										ed_value_prefix(in.name)));
	result = ed_definition_jsonb(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
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

PG_FUNCTION_INFO_V1(ed_update_event_definition);

/*
 * update_event_definition(project_id, id, body): PATCH.  name is read-only;
 * verification follows PostHog: hiding clears verification, verifying
 * unhides and stamps verified_by/verified_at once, unverifying clears them.
 * The activity log records the tags as the request sent them.
 */
Datum
ed_update_event_definition(PG_FUNCTION_ARGS)
{
	static EdPlan exists_plan = {
		"SELECT 1 FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id = $2",
		2, {INT8OID, UUIDOID}
	};
	static EdPlan plan = {
		"WITH old AS ("
		" SELECT d.project_id, d.id, d.tags, event_definitions_private.snapshot(d) AS snap"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id = $2 FOR UPDATE),"
		" upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET"
		"  owner_id = CASE WHEN $6 THEN $7 ELSE d.owner_id END,"
		"  description = CASE WHEN $8 THEN $9 ELSE d.description END,"
		"  tags = CASE WHEN $10 THEN $11 ELSE d.tags END,"
		"  verified = CASE WHEN $5 = 1 THEN true WHEN $5 = 2 THEN false ELSE d.verified END,"
		"  verified_by_id = CASE WHEN $5 = 1 THEN CASE WHEN d.verified THEN d.verified_by_id ELSE $4 END"
		"   WHEN $5 = 2 THEN NULL ELSE d.verified_by_id END,"
		"  verified_at = CASE WHEN $5 = 1 THEN CASE WHEN d.verified THEN d.verified_at ELSE now() END"
		"   WHEN $5 = 2 THEN NULL ELSE d.verified_at END,"
		"  hidden = CASE WHEN $13 THEN $14 WHEN $5 = 1 THEN false ELSE d.hidden END,"
		"  enforcement_mode = CASE WHEN $15 THEN $16 ELSE d.enforcement_mode END,"
		"  promoted_property = CASE WHEN $17 THEN $18 ELSE d.promoted_property END,"
		"  default_columns = CASE WHEN $19 THEN $20 ELSE d.default_columns END,"
		"  updated_by_id = $4,"
		"  updated_at = now()"
		" FROM old WHERE d.project_id = old.project_id AND d.id = old.id"
		" RETURNING d.*, old.snap AS before,"
		"  CASE WHEN d.tags IS DISTINCT FROM old.tags"
		"   THEN jsonb_set(event_definitions_private.snapshot(d), '{tags}', to_jsonb($12))"
		"   ELSE event_definitions_private.snapshot(d) END AS after),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', upd.id::text, 'changed', $4,"
		"  jsonb_build_object('name', upd.name, 'changes', c.changes)"
		" FROM upd, LATERAL (SELECT event_definitions_private.changes(upd.before, upd.after,"
		"  'changed', '" ED_SCOPE_DEFINITION "') AS changes) c"
		" WHERE c.changes <> '[]'::jsonb)"
		" SELECT " ED_DEFINITION_COLUMNS " FROM upd d",
		P_COUNT, DEFINITION_PARAM_TYPES
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		id = ed_id_arg(fcinfo, 1);
	DefinitionInput in;
	Datum		values[P_COUNT];
	char		nulls[P_COUNT];
	EdUserSwitch as_owner;
	int			written;
	Datum		result;

	SPI_connect();
	ed_require_project(project_id);
	/* a missing definition is 404 whatever the body (DRF's get_object() comes first) */
	values[0] = Int64GetDatum(project_id);
	values[1] = id;
	ed_become_owner(&as_owner);
	if (ed_exec(&exists_plan, values, NULL, false, 1) == 0)
		ed_definition_not_found();
	ed_restore_user(&as_owner);

	ed_parse_definition_body(ed_body_arg(fcinfo, 2, "event definition body"), false, &in);
	ParamsFor(&in, project_id, id, values, nulls);
	ed_become_owner(&as_owner);
	CheckOwner(&in, project_id);
	written = ed_exec(&plan, values, nulls, false, 0);
	ed_restore_user(&as_owner);

	if (written == 0)
		ed_definition_not_found();
	result = ed_definition_jsonb(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_delete_event_definition);

/*
 * delete_event_definition(project_id, id): DELETE, logged with a snapshot.
 */
Datum
ed_delete_event_definition(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"WITH del AS ("
		" DELETE FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id = $2"
		" RETURNING d.id, d.name, event_definitions_private.snapshot(d) AS snap),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', del.id::text, 'deleted', $3,"
		"  jsonb_build_object('name', del.name, 'changes',"
		"   event_definitions_private.changes(del.snap, NULL, 'deleted', '" ED_SCOPE_DEFINITION "'))"
		" FROM del)"
		" SELECT id FROM del",
		3, {INT8OID, UUIDOID, INT4OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	bool		user_null;
	EdUserSwitch as_owner;

	values[0] = Int64GetDatum(project_id);
	values[1] = ed_id_arg(fcinfo, 1);
	SPI_connect();
	ed_require_project(project_id);
	values[2] = Int32GetDatum(ed_acting_user(&user_null));
	nulls[2] = user_null ? 'n' : ' ';
	ed_become_owner(&as_owner);
	if (ed_exec(&plan, values, nulls, false, 0) == 0)
		ed_definition_not_found();
	ed_restore_user(&as_owner);
	SPI_finish();
	ed_set_response_status("204");
	PG_RETURN_VOID();
}
