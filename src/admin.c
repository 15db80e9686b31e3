/*-------------------------------------------------------------------------
 *
 * admin.c
 *	  Projects, users and memberships (event_definitions_admin only).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "definitions.h"
#include "event_definitions.h"

static const char *const organization_roles[] = {"", "engineering", "data", "product", "founder",
"leadership", "marketing", "sales", "other", NULL};

PG_FUNCTION_INFO_V1(ed_upsert_project);

/*
 * upsert_project(project_id, name): create the project or rename it.
 */
Datum
ed_upsert_project(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.projects AS p (project_id, name) VALUES ($1, $2)"
		" ON CONFLICT (project_id) DO UPDATE SET name = EXCLUDED.name"
		" RETURNING pg_catalog.jsonb_build_object('id', p.project_id, 'name', p.name,"
		"  'created_at', event_definitions_private.iso8601(p.created_at))",
		2, {INT8OID, TEXTOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];
	bool		isnull;
	Datum		result;

	values[0] = Int64GetDatum(project_id);
	values[1] = PG_ARGISNULL(1) ? CStringGetTextDatum("") : PG_GETARG_DATUM(1);
	SPI_connect();
	ed_exec(&plan, values, NULL, false, 1);
	result = ed_copy_result(0, 1, &isnull);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_upsert_user);

/*
 * upsert_user(body): PostHog's user object plus an optional login_role.
 * Keys present in the body are written; absent ones keep their value.
 */
Datum
ed_upsert_user(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.users AS u"
		" (id, uuid, distinct_id, first_name, last_name, email, is_email_verified,"
		"  hedgehog_config, role_at_organization, login_role)"
		" VALUES ($1, COALESCE($3, pg_catalog.gen_random_uuid()), $5,"
		"  COALESCE($7, ''), COALESCE($9, ''), COALESCE($11, ''),"
		"  $13, $15, $17, $19)"
		" ON CONFLICT (id) DO UPDATE SET"
		"  uuid = CASE WHEN $2 THEN EXCLUDED.uuid ELSE u.uuid END,"
		"  distinct_id = CASE WHEN $4 THEN EXCLUDED.distinct_id ELSE u.distinct_id END,"
		"  first_name = CASE WHEN $6 THEN EXCLUDED.first_name ELSE u.first_name END,"
		"  last_name = CASE WHEN $8 THEN EXCLUDED.last_name ELSE u.last_name END,"
		"  email = CASE WHEN $10 THEN EXCLUDED.email ELSE u.email END,"
		"  is_email_verified = CASE WHEN $12 THEN EXCLUDED.is_email_verified ELSE u.is_email_verified END,"
		"  hedgehog_config = CASE WHEN $14 THEN EXCLUDED.hedgehog_config ELSE u.hedgehog_config END,"
		"  role_at_organization = CASE WHEN $16 THEN EXCLUDED.role_at_organization ELSE u.role_at_organization END,"
		"  login_role = CASE WHEN $18 THEN EXCLUDED.login_role ELSE u.login_role END"
		" RETURNING u.id",
		19, {INT4OID, BOOLOID, UUIDOID, BOOLOID, TEXTOID, BOOLOID, TEXTOID, BOOLOID, TEXTOID,
			BOOLOID, TEXTOID, BOOLOID, BOOLOID, BOOLOID, JSONBOID, BOOLOID, TEXTOID, BOOLOID, REGROLEOID}
	};
	static EdPlan render_plan = {
		"SELECT obj FROM event_definitions_private.user_objects WHERE id = $1", 1, {INT4OID}
	};
	static EdPlan login_plan = {
		"SELECT 1 FROM event_definitions_private.users WHERE login_role = $1 AND id OPERATOR(pg_catalog.<>) $2",
		2, {REGROLEOID, INT4OID}
	};
	static const char *const text_fields[] = {"distinct_id", "first_name", "last_name", "email"};
	static const int text_limits[] = {200, 150, 150, 254};
	EdJson	   *body;
	EdJson	   *v;
	Datum		values[19];
	char		nulls[19];
	bool		isnull;
	Datum		result;
	int			i;
	int32		id;

	memset(nulls, 'n', sizeof(nulls));
	memset(values, 0, sizeof(values));
	SPI_connect();
	body = ed_body_arg(fcinfo, 0, "user body");

	if ((v = ed_json_get(body, "id")) == NULL)
		ed_field_error("id", "This field is required.");
	if (v->type != EDJ_INTEGER || v->ival < 1 || v->ival > PG_INT32_MAX)
		ed_field_error("id", "A valid integer is required.");
	id = (int32) v->ival;
	values[0] = Int32GetDatum(id);
	nulls[0] = ' ';

	/* each optional field: a present flag, then the value */
	for (i = 1; i < 19; i += 2)
	{
		values[i] = BoolGetDatum(false);
		nulls[i] = ' ';
	}

	if ((v = ed_json_get(body, "uuid")) != NULL)
	{
		char	   *s = ed_field_string(v, "uuid", false, false, 0);
		bool		ok;
		pg_uuid_t  *uuid = ed_parse_uuid(s, &ok);

		if (!ok)
			ed_field_error("uuid", "Must be a valid UUID.");
		values[1] = BoolGetDatum(true);
		values[2] = UUIDPGetDatum(uuid);
		nulls[2] = ' ';
	}

	for (i = 0; i < 4; i++)
	{
		if ((v = ed_json_get(body, text_fields[i])) != NULL)
		{
			/* only distinct_id may be null */
			char	   *s = ed_field_string(v, text_fields[i], i == 0, true, text_limits[i]);

			values[3 + 2 * i] = BoolGetDatum(true);
			if (s)
			{
				values[4 + 2 * i] = CStringGetTextDatum(s);
				nulls[4 + 2 * i] = ' ';
			}
			else if (i > 0)
				ed_field_error(text_fields[i], "This field may not be null.");
		}
	}

	if ((v = ed_json_get(body, "is_email_verified")) != NULL)
	{
		values[11] = BoolGetDatum(true);
		if (v->type != EDJ_NULL)
		{
			values[12] = BoolGetDatum(ed_field_bool(v, "is_email_verified"));
			nulls[12] = ' ';
		}
	}

	if ((v = ed_json_get(body, "hedgehog_config")) != NULL)
	{
		values[13] = BoolGetDatum(true);
		if (v->type != EDJ_NULL)
		{
			if (v->type != EDJ_OBJECT)
				ed_field_error("hedgehog_config", "Value must be valid JSON.");
			values[14] = DirectFunctionCall1(jsonb_in, CStringGetDatum(ed_json_serialize(v)));
			nulls[14] = ' ';
		}
	}

	if ((v = ed_json_get(body, "role_at_organization")) != NULL)
	{
		char	   *role;

		values[15] = BoolGetDatum(true);
		if (ed_field_choice(v, "role_at_organization", organization_roles, &role))
		{
			values[16] = CStringGetTextDatum(role);
			nulls[16] = ' ';
		}
	}

	if ((v = ed_json_get(body, "login_role")) != NULL)
	{
		char	   *role = ed_field_string(v, "login_role", true, false, NAMEDATALEN - 1);

		values[17] = BoolGetDatum(true);
		if (role)
		{
			/* kept by OID: a later role of the same name is not this user */
			Oid			roleid = get_role_oid(role, true);
			Datum		args[2];

			if (!OidIsValid(roleid))
				ed_field_error("login_role", psprintf("Role \"%s\" does not exist.", role));
			args[0] = ObjectIdGetDatum(roleid);
			args[1] = Int32GetDatum(id);
			if (ed_exec(&login_plan, args, NULL, false, 1) > 0)
				ed_field_error("login_role", psprintf("Role \"%s\" already belongs to another user.", role));
			values[18] = args[0];
			nulls[18] = ' ';
		}
	}

	ed_exec(&plan, values, nulls, false, 1);
	values[0] = Int32GetDatum(id);
	ed_exec(&render_plan, values, NULL, false, 1);
	result = ed_copy_result(0, 1, &isnull);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * PT404 naming what is missing.
 */
static void
AdminNotFound(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_ED_NOT_FOUND),
			 errmsg("%s not found", what),
			 errdetail("Not found.")));
}

PG_FUNCTION_INFO_V1(ed_add_project_member);

/*
 * add_project_member(project_id, user_id)
 */
Datum
ed_add_project_member(PG_FUNCTION_ARGS)
{
	static EdPlan user_plan = {
		"SELECT 1 FROM event_definitions_private.users WHERE id = $1", 1, {INT4OID}
	};
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.project_members (project_id, user_id)"
		" VALUES ($1, $2) ON CONFLICT DO NOTHING",
		2, {INT8OID, INT4OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];

	if (PG_ARGISNULL(1))
		AdminNotFound("user");
	values[0] = Int64GetDatum(project_id);
	values[1] = PG_GETARG_DATUM(1);
	SPI_connect();
	ed_require_project(project_id);
	if (ed_exec(&user_plan, &values[1], NULL, false, 1) == 0)
		AdminNotFound("user");
	ed_exec(&plan, values, NULL, false, 0);
	SPI_finish();
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(ed_remove_project_member);

/*
 * remove_project_member(project_id, user_id)
 */
Datum
ed_remove_project_member(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"DELETE FROM event_definitions_private.project_members WHERE project_id = $1 AND user_id = $2",
		2, {INT8OID, INT4OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];

	if (PG_ARGISNULL(1))
		AdminNotFound("project member");
	values[0] = Int64GetDatum(project_id);
	values[1] = PG_GETARG_DATUM(1);
	SPI_connect();
	if (ed_exec(&plan, values, NULL, false, 0) == 0)
		AdminNotFound("project member");
	SPI_finish();
	PG_RETURN_VOID();
}
