/*-------------------------------------------------------------------------
 *
 * property_groups.c
 *	  Property groups (PostHog's schema_property_groups) and their
 *	  attachment to event definitions (event schemas).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "definitions.h"
#include "event_definitions.h"
#include "governance.h"
#include "nameset.h"


static const char *const property_types[] = {"String", "Numeric", "Boolean", "DateTime", "Object", "Array", NULL};

/* lock a group for update or delete */
static EdPlan lock_plan = {
	"SELECT 1 FROM event_definitions_private.property_groups"
	" WHERE project_id = $1 AND id = $2 FOR UPDATE",
	2, {INT8OID, UUIDOID}
};

#define GROUP_OBJECT_SQL \
	"SELECT event_definitions_private.property_group_object($1, $2)"

/*
 * Validate one property of a group body (item i) into the arrays of in;
 * its name must match property_pattern.
 */
static void
ParseGroupProperty(EdJson *prop, int i, EdPattern *property_pattern, GroupInput *in)
{
	EdJson	   *f;
	char	   *attr;

	if (prop->type != EDJ_OBJECT)
		ed_field_error(psprintf("properties__%d", i),
					   psprintf("Invalid data. Expected a dictionary, but got %s.", ed_python_type(prop)));

	attr = psprintf("properties__%d__name", i);
	if ((f = ed_json_get(prop, "name")) == NULL)
		ed_field_error(attr, "This field is required.");
	in->prop_names[i] = ed_field_string(f, attr, false, false, ED_MAX_NAME_LENGTH);
	ed_check_name(property_pattern, in->prop_names[i], attr, "Property");

	attr = psprintf("properties__%d__property_type", i);
	if ((f = ed_json_get(prop, "property_type")) == NULL)
		ed_field_error(attr, "This field is required.");
	if (!ed_field_choice(f, attr, property_types, &in->prop_types[i]))
		ed_field_error(attr, "This field may not be null.");

	in->prop_required[i] = false;
	if ((f = ed_json_get(prop, "is_required")) != NULL)
		in->prop_required[i] = ed_field_bool(f, psprintf("properties__%d__is_required", i));

	in->prop_optional_in_types[i] = false;
	if ((f = ed_json_get(prop, "is_optional_in_types")) != NULL)
		in->prop_optional_in_types[i] = ed_field_bool(f, psprintf("properties__%d__is_optional_in_types", i));

	in->prop_descriptions[i] = "";
	if ((f = ed_json_get(prop, "description")) != NULL)
	{
		char	   *d = ed_field_string(f, psprintf("properties__%d__description", i), true, true, 0);

		in->prop_descriptions[i] = d ? d : "";
	}

	in->prop_rules[i] = NULL;
	if ((f = ed_json_get(prop, "rules")) != NULL)
	{
		attr = psprintf("properties__%d__rules", i);
		in->prop_rules[i] = ed_rules_validate(f, in->prop_types[i], attr);
		if (in->prop_rules[i] != NULL && !ed_governance_installed())
			ed_field_error(attr, "Value rules need release 1.3 of the extension (ALTER EXTENSION event_definitions UPDATE).");
	}
}

/*
 * Validate a property group body; property names must match
 * property_pattern (NULL: none).
 */
void
ed_parse_group_body(EdJson *body, bool creating, EdPattern *property_pattern, GroupInput *in)
{
	EdJson	   *v;
	int			i;

	memset(in, 0, sizeof(*in));
	v = ed_json_get(body, "name");
	if (v == NULL && creating)
		ed_field_error("name", "This field is required.");
	if (v != NULL)
	{
		in->has_name = true;
		in->name = ed_field_string(v, "name", false, false, ED_MAX_NAME_LENGTH);
	}

	if ((v = ed_json_get(body, "description")) != NULL)
	{
		in->has_description = true;
		in->description = ed_field_string(v, "description", true, true, 0);
		if (in->description == NULL)
			in->description = "";
	}

	if ((v = ed_json_get(body, "properties")) != NULL)
	{
		NameSet		seen = {0};

		in->has_properties = true;
		if (v->type == EDJ_NULL)
			ed_field_error("properties", "This field may not be null.");
		if (v->type != EDJ_ARRAY)
			ed_field_error("properties",
						   psprintf("Expected a list of items but got type \"%s\".", ed_python_type(v)));
		in->nproperties = v->len;
		in->prop_names = palloc(sizeof(char *) * Max(v->len, 1));
		in->prop_types = palloc(sizeof(char *) * Max(v->len, 1));
		in->prop_required = palloc(sizeof(bool) * Max(v->len, 1));
		in->prop_optional_in_types = palloc(sizeof(bool) * Max(v->len, 1));
		in->prop_descriptions = palloc(sizeof(char *) * Max(v->len, 1));
		in->prop_rules = palloc(sizeof(char *) * Max(v->len, 1));
		for (i = 0; i < v->len; i++)
		{
			CHECK_FOR_INTERRUPTS();
			ParseGroupProperty(v->items[i], i, property_pattern, in);

			/* a set, so that a long list costs linear time */
			if (nameset_contains(&seen, in->prop_names[i]))
				ed_field_error(psprintf("properties__%d__name", i),
							   psprintf("A property named '%s' is already in this group.",
										ed_value_prefix(in->prop_names[i])));
			nameset_add(&seen, in->prop_names[i]);
		}
	}
}

/*
 * Insert the group's properties (after deleting the old ones on update).
 */
static void
StoreProperties(int64 project_id, Datum group_id, GroupInput *in)
{
	static EdPlan delete_plan = {
		"DELETE FROM event_definitions_private.property_group_properties"
		" WHERE project_id = $1 AND property_group_id = $2",
		2, {INT8OID, UUIDOID}
	};
	static EdPlan insert_plans[2] = {
		/* releases before 1.3: no is_optional_in_types, no rules */
		{"INSERT INTO event_definitions_private.property_group_properties"
			" (project_id, property_group_id, name, property_type, is_required, description)"
			" SELECT $1, $2, p.name, p.property_type, p.is_required, p.description"
			" FROM ROWS FROM (pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::text[]),"
			"  pg_catalog.unnest($5::boolean[]), pg_catalog.unnest($6::text[]))"
			"  AS p(name, property_type, is_required, description)",
		6, {INT8OID, UUIDOID, TEXTARRAYOID, TEXTARRAYOID, BOOLARRAYOID, TEXTARRAYOID}},
		{"INSERT INTO event_definitions_private.property_group_properties"
			" (project_id, property_group_id, name, property_type, is_required, description,"
			"  is_optional_in_types, rules)"
			" SELECT $1, $2, p.name, p.property_type, p.is_required, p.description,"
			"  p.is_optional_in_types, p.rules::pg_catalog.jsonb"
			" FROM ROWS FROM (pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::text[]),"
			"  pg_catalog.unnest($5::boolean[]), pg_catalog.unnest($6::text[]),"
			"  pg_catalog.unnest($7::boolean[]), pg_catalog.unnest($8::text[]))"
			"  AS p(name, property_type, is_required, description, is_optional_in_types, rules)",
		8, {INT8OID, UUIDOID, TEXTARRAYOID, TEXTARRAYOID, BOOLARRAYOID, TEXTARRAYOID,
		BOOLARRAYOID, TEXTARRAYOID}}
	};
	Datum		values[8];
	Datum	   *bools;
	Datum	   *optional;
	Datum	   *rules;
	bool	   *rules_null;
	int			i,
				dims[1],
				lbs[1] = {1};

	values[0] = Int64GetDatum(project_id);
	values[1] = group_id;
	ed_exec(&delete_plan, values, NULL, false, 0);
	if (in->nproperties == 0)
		return;

	bools = palloc(sizeof(Datum) * in->nproperties);
	optional = palloc(sizeof(Datum) * in->nproperties);
	rules = palloc(sizeof(Datum) * in->nproperties);
	rules_null = palloc(sizeof(bool) * in->nproperties);
	for (i = 0; i < in->nproperties; i++)
	{
		bools[i] = BoolGetDatum(in->prop_required[i]);
		optional[i] = BoolGetDatum(in->prop_optional_in_types[i]);
		rules_null[i] = in->prop_rules[i] == NULL;
		rules[i] = rules_null[i] ? (Datum) 0 : CStringGetTextDatum(in->prop_rules[i]);
	}
	dims[0] = in->nproperties;
	values[2] = ed_text_array(in->prop_names, in->nproperties);
	values[3] = ed_text_array(in->prop_types, in->nproperties);
	values[4] = PointerGetDatum(construct_array(bools, in->nproperties, BOOLOID, 1, true, TYPALIGN_CHAR));
	values[5] = ed_text_array(in->prop_descriptions, in->nproperties);
	values[6] = PointerGetDatum(construct_array(optional, in->nproperties, BOOLOID, 1, true, TYPALIGN_CHAR));
	values[7] = PointerGetDatum(construct_md_array(rules, rules_null, 1, dims, lbs,
												   TEXTOID, -1, false, TYPALIGN_INT));
	ed_exec(&insert_plans[ed_governance_installed() ? 1 : 0], values, NULL, false, 0);
}

/*
 * Log a property group write: before/after are snapshots (NULL on create
 * and delete respectively); nothing is logged when nothing changed.
 */
static void
LogGroupActivity(int64 project_id, Datum group_id, const char *activity,
				 Datum before, bool before_null, Datum after, bool after_null,
				 Datum user, bool user_null)
{
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.activity_log"
		" (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_PROPERTY_GROUP "', $2::text, $3, $6,"
		"  jsonb_build_object('name', COALESCE($5, $4) ->> 'name', 'changes', c.changes)"
		" FROM (SELECT event_definitions_private.changes($4, $5, $3, '" ED_SCOPE_PROPERTY_GROUP "') AS changes) c"
		" WHERE c.changes <> '[]'::jsonb",
		6, {INT8OID, UUIDOID, TEXTOID, JSONBOID, JSONBOID, INT4OID}
	};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};

	values[0] = Int64GetDatum(project_id);
	values[1] = group_id;
	values[2] = CStringGetTextDatum(activity);
	values[3] = before;
	values[4] = after;
	if (before_null)
		nulls[3] = 'n';
	if (after_null)
		nulls[4] = 'n';
	values[5] = user;
	nulls[5] = user_null ? 'n' : ' ';
	ed_exec(&plan, values, nulls, false, 0);
}

/*
 * The group's snapshot, or *isnull when it does not exist.
 */
static Datum
GroupSnapshot(int64 project_id, Datum group_id, bool *isnull)
{
	static EdPlan plan = {
		"SELECT event_definitions_private.property_group_snapshot($1, $2)", 2, {INT8OID, UUIDOID}
	};
	Datum		values[2] = {Int64GetDatum(project_id), group_id};

	ed_exec(&plan, values, NULL, false, 1);
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
}

/*
 * PT404 for a missing or invisible property group.
 */
static void
GroupNotFound(void)
{
	ed_not_found("property group not found");
}

/*
 * A property group's id argument; PT404 when it finds nothing.
 */
static Datum
GroupIdArg(FunctionCallInfo fcinfo, int argno)
{
	bool		found;
	Datum		id = ed_uuid_arg(fcinfo, argno, &found);

	if (!found)
		GroupNotFound();
	return id;
}

/*
 * The group's API object copied out of SPI; ERROR when it is not visible.
 */
static Datum
RenderGroup(int64 project_id, Datum group_id, bool read_only)
{
	static EdPlan plan = {GROUP_OBJECT_SQL, 2, {INT8OID, UUIDOID}};
	Datum		values[2] = {Int64GetDatum(project_id), group_id};
	bool		isnull;
	Datum		result;

	ed_exec(&plan, values, NULL, read_only, 1);
	result = ed_copy_result(0, 1, &isnull);
	if (isnull)
		GroupNotFound();
	return result;
}

/*
 * ERROR when another group of the project already has this name.
 */
static void
CheckGroupName(int64 project_id, const char *name, Datum except_id, bool has_except)
{
	static EdPlan plan = {
		"SELECT 1 FROM event_definitions_private.property_groups"
		" WHERE project_id = $1 AND name = $2 AND id IS DISTINCT FROM $3",
		3, {INT8OID, TEXTOID, UUIDOID}
	};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', has_except ? ' ' : 'n'};

	values[0] = Int64GetDatum(project_id);
	values[1] = CStringGetTextDatum(name);
	values[2] = except_id;
	if (ed_exec(&plan, values, nulls, false, 1) > 0)
		ed_field_error("name", psprintf("Property group with name '%s' already exists",
										ed_value_prefix(name)));
}

PG_FUNCTION_INFO_V1(ed_create_property_group);

/*
 * create_property_group(project_id, body): written as the extension's
 * owner, rendered as the caller.
 */
Datum
ed_create_property_group(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.property_groups"
		" (project_id, name, description, created_by_id)"
		" VALUES ($1, $2, $3, $4)"
		" ON CONFLICT (project_id, name) DO NOTHING RETURNING id",
		4, {INT8OID, TEXTOID, TEXTOID, INT4OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	GroupInput	in;
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	bool		user_null;
	Datum		group_id;
	Datum		after;
	bool		isnull;
	EdUserSwitch as_owner;
	Datum		result;

	SPI_connect();
	/* the project first, as PostHog resolves it before reading the body */
	ed_require_project(project_id);
	ed_parse_group_body(ed_body_arg(fcinfo, 1, "property group body"), true,
						ed_settings(project_id)->property_name_pattern, &in);

	values[0] = Int64GetDatum(project_id);
	values[1] = CStringGetTextDatum(in.name);
	values[2] = CStringGetTextDatum(in.has_description ? in.description : "");
	values[3] = Int32GetDatum(ed_acting_user(&user_null));
	nulls[3] = user_null ? 'n' : ' ';
	ed_become_owner(&as_owner);
	if (ed_exec(&plan, values, nulls, false, 1) == 0)
		ed_field_error("name", psprintf("Property group with name '%s' already exists",
										ed_value_prefix(in.name)));
	group_id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	StoreProperties(project_id, group_id, &in);
	after = GroupSnapshot(project_id, group_id, &isnull);
	LogGroupActivity(project_id, group_id, "created", (Datum) 0, true, after, false, values[3], user_null);
	ed_restore_user(&as_owner);

	result = RenderGroup(project_id, group_id, false);
	SPI_finish();
	ed_set_response_status("201");
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_retrieve_property_group);

/*
 * retrieve_property_group(project_id, id)
 */
Datum
ed_retrieve_property_group(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	Datum		id = GroupIdArg(fcinfo, 1);
	Datum		result;

	SPI_connect();
	result = RenderGroup(project_id, id, true);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_update_property_group);

/*
 * update_property_group(project_id, id, body): name and description when
 * given; a "properties" list replaces the old properties.
 */
Datum
ed_update_property_group(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"UPDATE event_definitions_private.property_groups SET"
		" name = CASE WHEN $3 THEN $4 ELSE name END,"
		" description = CASE WHEN $5 THEN $6 ELSE description END,"
		" updated_at = now()"
		" WHERE project_id = $1 AND id = $2",
		6, {INT8OID, UUIDOID, BOOLOID, TEXTOID, BOOLOID, TEXTOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	GroupInput	in;
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	Datum		group_id;
	Datum		before,
				after;
	bool		isnull;
	EdUserSwitch as_owner;
	Datum		result;
	Datum		user;
	bool		user_null;

	group_id = GroupIdArg(fcinfo, 1);

	SPI_connect();
	ed_require_project(project_id);
	user = Int32GetDatum(ed_acting_user(&user_null));
	/* a missing group is 404 whatever the body (DRF's get_object() comes first) */
	values[0] = Int64GetDatum(project_id);
	values[1] = group_id;
	ed_become_owner(&as_owner);
	if (ed_exec(&lock_plan, values, NULL, false, 1) == 0)
		GroupNotFound();
	ed_restore_user(&as_owner);
	ed_parse_group_body(ed_body_arg(fcinfo, 2, "property group body"), false,
						ed_settings(project_id)->property_name_pattern, &in);

	ed_become_owner(&as_owner);
	if (in.has_name)
		CheckGroupName(project_id, in.name, group_id, true);
	before = GroupSnapshot(project_id, group_id, &isnull);
	values[2] = BoolGetDatum(in.has_name);
	values[3] = in.has_name ? CStringGetTextDatum(in.name) : (Datum) 0;
	if (!in.has_name)
		nulls[3] = 'n';
	values[4] = BoolGetDatum(in.has_description);
	values[5] = in.has_description ? CStringGetTextDatum(in.description) : (Datum) 0;
	if (!in.has_description)
		nulls[5] = 'n';
	ed_exec(&plan, values, nulls, false, 0);
	if (in.has_properties)
		StoreProperties(project_id, group_id, &in);
	after = GroupSnapshot(project_id, group_id, &isnull);
	LogGroupActivity(project_id, group_id, "changed", before, false, after, false, user, user_null);
	ed_restore_user(&as_owner);

	result = RenderGroup(project_id, group_id, false);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_delete_property_group);

/*
 * delete_property_group(project_id, id): also detaches it from every event.
 */
Datum
ed_delete_property_group(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"DELETE FROM event_definitions_private.property_groups WHERE project_id = $1 AND id = $2",
		2, {INT8OID, UUIDOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];
	Datum		before;
	bool		isnull;
	EdUserSwitch as_owner;
	Datum		user;
	bool		user_null;

	values[0] = Int64GetDatum(project_id);
	values[1] = GroupIdArg(fcinfo, 1);

	SPI_connect();
	ed_require_project(project_id);
	user = Int32GetDatum(ed_acting_user(&user_null));
	ed_become_owner(&as_owner);
	/* lock first, so the logged snapshot is the row that is deleted */
	if (ed_exec(&lock_plan, values, NULL, false, 1) == 0)
		GroupNotFound();
	before = GroupSnapshot(project_id, values[1], &isnull);
	if (isnull || ed_exec(&plan, values, NULL, false, 0) == 0)
		GroupNotFound();
	LogGroupActivity(project_id, values[1], "deleted", before, false, (Datum) 0, true, user, user_null);
	ed_restore_user(&as_owner);
	SPI_finish();
	ed_set_response_status("204");
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(ed_list_property_groups);

/*
 * list_property_groups(project_id): every group of the project by name.
 */
Datum
ed_list_property_groups(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"SELECT pg_catalog.jsonb_build_object('count', pg_catalog.count(*), 'next', NULL, 'previous', NULL,"
		" 'results', COALESCE(pg_catalog.jsonb_agg("
		"   event_definitions_private.property_group_object(g.project_id, g.id) ORDER BY g.name), '[]'::jsonb))"
		" FROM event_definitions_private.property_groups g WHERE g.project_id = $1",
		1, {INT8OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[1] = {Int64GetDatum(project_id)};
	bool		isnull;
	Datum		result;

	SPI_connect();
	ed_require_project(project_id);
	ed_exec(&plan, values, NULL, true, 1);
	result = ed_copy_result(0, 1, &isnull);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * Both ends of an event schema must be visible in the project.
 */
static void
CheckSchemaEnds(int64 project_id, Datum definition_id, Datum group_id)
{
	static EdPlan plan = {
		"SELECT EXISTS (SELECT 1 FROM event_definitions_private.event_definitions"
		"                WHERE project_id = $1 AND id = $2),"
		"       EXISTS (SELECT 1 FROM event_definitions_private.property_groups"
		"                WHERE project_id = $1 AND id = $3)",
		3, {INT8OID, UUIDOID, UUIDOID}
	};
	Datum		values[3] = {Int64GetDatum(project_id), definition_id, group_id};
	bool		isnull;

	ed_exec(&plan, values, NULL, false, 1);
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		ed_definition_not_found();
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)))
		GroupNotFound();
}

PG_FUNCTION_INFO_V1(ed_add_event_schema);

/*
 * add_event_schema(project_id, event_definition_id, property_group_id):
 * attach a group to an event; attaching twice is harmless.  Written as
 * the extension's owner, rendered as the caller.
 */
Datum
ed_add_event_schema(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"WITH ins AS ("
		" INSERT INTO event_definitions_private.event_schemas (project_id, event_definition_id, property_group_id)"
		" VALUES ($1, $2, $3) ON CONFLICT (project_id, event_definition_id, property_group_id) DO NOTHING"
		" RETURNING id)"
		" SELECT id FROM ins UNION ALL"
		" SELECT id FROM event_definitions_private.event_schemas"
		" WHERE project_id = $1 AND event_definition_id = $2 AND property_group_id = $3"
		" LIMIT 1",
		3, {INT8OID, UUIDOID, UUIDOID}
	};
	static EdPlan render_plan = {
		"SELECT jsonb_build_object("
		" 'id', $4, 'event_definition', $2, 'property_group_id', $3,"
		" 'property_group', event_definitions_private.property_group_object($1, $3))",
		4, {INT8OID, UUIDOID, UUIDOID, UUIDOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[4];
	bool		isnull;
	EdUserSwitch as_owner;
	Datum		result;

	values[0] = Int64GetDatum(project_id);
	values[1] = ed_id_arg(fcinfo, 1);
	values[2] = GroupIdArg(fcinfo, 2);

	SPI_connect();
	ed_require_project(project_id);
	ed_become_owner(&as_owner);
	CheckSchemaEnds(project_id, values[1], values[2]);
	ed_exec(&plan, values, NULL, false, 1);
	values[3] = ed_copy_result(0, 1, &isnull);
	ed_restore_user(&as_owner);

	ed_exec(&render_plan, values, NULL, false, 1);
	result = ed_copy_result(0, 1, &isnull);
	SPI_finish();
	ed_set_response_status("201");
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_remove_event_schema);

/*
 * remove_event_schema(project_id, event_definition_id, property_group_id)
 */
Datum
ed_remove_event_schema(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"DELETE FROM event_definitions_private.event_schemas"
		" WHERE project_id = $1 AND event_definition_id = $2 AND property_group_id = $3",
		3, {INT8OID, UUIDOID, UUIDOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[3];
	EdUserSwitch as_owner;

	values[0] = Int64GetDatum(project_id);
	values[1] = ed_id_arg(fcinfo, 1);
	values[2] = GroupIdArg(fcinfo, 2);

	SPI_connect();
	ed_require_project(project_id);
	ed_become_owner(&as_owner);
	CheckSchemaEnds(project_id, values[1], values[2]);
	if (ed_exec(&plan, values, NULL, false, 0) == 0)
		ed_not_found("property group is not attached to this event definition");
	ed_restore_user(&as_owner);
	SPI_finish();
	ed_set_response_status("204");
	PG_RETURN_VOID();
}
