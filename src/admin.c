/*-------------------------------------------------------------------------
 *
 * admin.c
 *	  Projects, users and memberships (event_definitions_admin only).
 *
 * The functions write as the extension's owner: the admin role holds no
 * write privilege on the tables.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "definitions.h"
#include "event_definitions.h"

static const char *const organization_roles[] = {"", "engineering", "data", "product", "founder",
"leadership", "marketing", "sales", "other", NULL};

/* How a field of upsert_user's body is read. */
typedef enum UserFieldKind
{
	UF_UUID,
	UF_TEXT,
	UF_BOOL,
	UF_OBJECT,
	UF_ORGANIZATION_ROLE,
	UF_LOGIN_ROLE
} UserFieldKind;

/*
 * The optional fields of PostHog's user object (plus login_role), each a
 * column of the users table: its kind, column type, whether JSON null is
 * allowed, its length limit, and the column's value for a new user that
 * leaves it out.  upsert_user's statement and its parameters follow this
 * table: $1 is the id, then a present flag and a value per field.
 */
typedef struct UserField
{
	const char *name;
	UserFieldKind kind;
	Oid			type;
	bool		nullable;
	int			max_length;
	const char *insert_default;
} UserField;

static const UserField user_fields[] = {
	{"uuid", UF_UUID, UUIDOID, false, 0, "gen_random_uuid()"},
	{"distinct_id", UF_TEXT, TEXTOID, true, 200, "NULL"},
	{"first_name", UF_TEXT, TEXTOID, false, 150, "''"},
	{"last_name", UF_TEXT, TEXTOID, false, 150, "''"},
	{"email", UF_TEXT, TEXTOID, false, 254, "''"},
	{"is_email_verified", UF_BOOL, BOOLOID, true, 0, "NULL"},
	{"hedgehog_config", UF_OBJECT, JSONBOID, true, 0, "NULL"},
	{"role_at_organization", UF_ORGANIZATION_ROLE, TEXTOID, true, 0, "NULL"},
	{"login_role", UF_LOGIN_ROLE, REGROLEOID, true, NAMEDATALEN - 1, "NULL"},
};

#define NUSER_FIELDS lengthof(user_fields)
#define USER_PARAMS (1 + 2 * NUSER_FIELDS)

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
		" RETURNING jsonb_build_object('id', p.project_id, 'name', p.name,"
		"  'created_at', event_definitions_private.iso8601(p.created_at))",
		2, {INT8OID, TEXTOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];
	bool		isnull;
	EdUserSwitch as_owner;
	Datum		result;

	values[0] = Int64GetDatum(project_id);
	if (PG_ARGISNULL(1))
		values[1] = CStringGetTextDatum("");
	else
	{
		ed_check_arg_size(VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)), "name");
		values[1] = PG_GETARG_DATUM(1);
	}
	SPI_connect();
	ed_become_owner(&as_owner);
	ed_exec(&plan, values, NULL, false, 1);
	result = ed_copy_result(0, 1, &isnull);
	ed_restore_user(&as_owner);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * upsert_user's statement, built once from the field table: insert the
 * user, or update the fields present in the body.
 */
static const char *
UpsertUserSql(void)
{
	static char *sql = NULL;
	StringInfoData buf;
	int			i;

	if (sql != NULL)
		return sql;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "INSERT INTO event_definitions_private.users AS u (id");
	for (i = 0; i < (int) NUSER_FIELDS; i++)
		appendStringInfo(&buf, ", %s", user_fields[i].name);
	appendStringInfoString(&buf, ") VALUES ($1");
	for (i = 0; i < (int) NUSER_FIELDS; i++)
		appendStringInfo(&buf, ", CASE WHEN $%d THEN $%d ELSE %s END",
						 2 + 2 * i, 3 + 2 * i, user_fields[i].insert_default);
	appendStringInfoString(&buf, ") ON CONFLICT (id) DO UPDATE SET ");
	for (i = 0; i < (int) NUSER_FIELDS; i++)
		appendStringInfo(&buf, "%s%s = CASE WHEN $%d THEN EXCLUDED.%s ELSE u.%s END",
						 i > 0 ? ", " : "", user_fields[i].name, 2 + 2 * i,
						 user_fields[i].name, user_fields[i].name);
	appendStringInfoString(&buf, " RETURNING u.obj");
	sql = MemoryContextStrdup(TopMemoryContext, buf.data);
	pfree(buf.data);
	return sql;
}

/*
 * The value of one present field of upsert_user's body, validated as
 * PostHog's serializer does; *isnull for JSON null where allowed.
 */
static Datum
UserFieldValue(const UserField *field, EdJson *v, int32 id, bool *isnull)
{
	static EdPlan login_plan = {
		"SELECT 1 FROM event_definitions_private.users WHERE login_role = $1 AND id <> $2",
		2, {REGROLEOID, INT4OID}
	};
	char	   *s;
	bool		ok;
	pg_uuid_t  *uuid;
	Oid			roleid;
	Datum		args[2];

	*isnull = false;
	if (v->type == EDJ_NULL && field->nullable && field->kind != UF_TEXT)
	{
		*isnull = true;
		return (Datum) 0;
	}
	switch (field->kind)
	{
		case UF_UUID:
			s = ed_field_string(v, field->name, false, false, 0);
			uuid = ed_parse_uuid(s, &ok);
			if (!ok)
				ed_field_error(field->name, "Must be a valid UUID.");
			return UUIDPGetDatum(uuid);
		case UF_TEXT:
			s = ed_field_string(v, field->name, field->nullable, true, field->max_length);
			*isnull = (s == NULL);
			return s ? CStringGetTextDatum(s) : (Datum) 0;
		case UF_BOOL:
			return BoolGetDatum(ed_field_bool(v, field->name));
		case UF_OBJECT:
			if (v->type != EDJ_OBJECT)
				ed_field_error(field->name, "Value must be valid JSON.");
			return DirectFunctionCall1(jsonb_in, CStringGetDatum(ed_json_serialize(v)));
		case UF_ORGANIZATION_ROLE:
			(void) ed_field_choice(v, field->name, organization_roles, &s);
			return CStringGetTextDatum(s);
		case UF_LOGIN_ROLE:
			s = ed_field_string(v, field->name, false, false, field->max_length);
			/* kept by OID: a later role of the same name is not this user */
			roleid = get_role_oid(s, true);
			if (!OidIsValid(roleid))
				ed_field_error(field->name, psprintf("Role \"%s\" does not exist.", ed_value_prefix(s)));
			args[0] = ObjectIdGetDatum(roleid);
			args[1] = Int32GetDatum(id);
			if (ed_exec(&login_plan, args, NULL, false, 1) > 0)
				ed_field_error(field->name, psprintf("Role \"%s\" already belongs to another user.",
													 ed_value_prefix(s)));
			return ObjectIdGetDatum(roleid);
	}
	pg_unreachable();
}

PG_FUNCTION_INFO_V1(ed_upsert_user);

/*
 * upsert_user(body): PostHog's user object plus an optional login_role.
 * Keys present in the body are written; absent ones keep their value (or
 * take the column's default for a new user).
 */
Datum
ed_upsert_user(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {NULL, USER_PARAMS};
	EdJson	   *body;
	EdJson	   *v;
	Datum		values[USER_PARAMS];
	char		nulls[USER_PARAMS];
	bool		isnull;
	EdUserSwitch as_owner;
	Datum		result;
	int32		id;
	int			i;

	if (plan.sql == NULL)
	{
		plan.argtypes[0] = INT4OID;
		for (i = 0; i < (int) NUSER_FIELDS; i++)
		{
			plan.argtypes[1 + 2 * i] = BOOLOID;
			plan.argtypes[2 + 2 * i] = user_fields[i].type;
		}
		plan.sql = UpsertUserSql();
	}

	SPI_connect();
	body = ed_body_arg(fcinfo, 0, "user body");
	if ((v = ed_json_get(body, "id")) == NULL)
		ed_field_error("id", "This field is required.");
	if (v->type != EDJ_INTEGER || v->ival < 1 || v->ival > PG_INT32_MAX)
		ed_field_error("id", "A valid integer is required.");
	id = (int32) v->ival;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int32GetDatum(id);
	ed_become_owner(&as_owner);
	for (i = 0; i < (int) NUSER_FIELDS; i++)
	{
		v = ed_json_get(body, user_fields[i].name);
		values[1 + 2 * i] = BoolGetDatum(v != NULL);
		values[2 + 2 * i] = v ? UserFieldValue(&user_fields[i], v, id, &isnull) : (Datum) 0;
		nulls[2 + 2 * i] = (v == NULL || isnull) ? 'n' : ' ';
	}
	ed_exec(&plan, values, nulls, false, 1);
	result = ed_copy_result(0, 1, &isnull);
	ed_restore_user(&as_owner);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * PT404 naming what is missing.
 */
static void
AdminNotFound(const char *what)
{
	ed_not_found(psprintf("%s not found", what));
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
	EdUserSwitch as_owner;

	if (PG_ARGISNULL(1))
		AdminNotFound("user");
	values[0] = Int64GetDatum(project_id);
	values[1] = PG_GETARG_DATUM(1);
	SPI_connect();
	ed_require_project(project_id);
	ed_become_owner(&as_owner);
	if (ed_exec(&user_plan, &values[1], NULL, false, 1) == 0)
		AdminNotFound("user");
	ed_exec(&plan, values, NULL, false, 0);
	ed_restore_user(&as_owner);
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
	EdUserSwitch as_owner;

	if (PG_ARGISNULL(1))
		AdminNotFound("project member");
	values[0] = Int64GetDatum(project_id);
	values[1] = PG_GETARG_DATUM(1);
	SPI_connect();
	ed_become_owner(&as_owner);
	if (ed_exec(&plan, values, NULL, false, 0) == 0)
		AdminNotFound("project member");
	ed_restore_user(&as_owner);
	SPI_finish();
	PG_RETURN_VOID();
}
