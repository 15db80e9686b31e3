/*-------------------------------------------------------------------------
 *
 * identity.c
 *	  Who is acting, and which projects and users that identity may see:
 *	  the functions the row-level security policies call.
 *
 * Policies call these once per (sub)query, so the answers are computed
 * once and kept for the session's login role and the two settings that name
 * the acting user.  They are computed again when either changes, and
 * whenever the users or project_members table changes (statement triggers
 * send a relcache invalidation, which reaches every backend at commit and
 * this one at once; an abort replays it) or a role or role membership
 * changes (syscache invalidation).
 *
 * Computing reads the membership tables past their policies, so only the
 * SECURITY DEFINER functions (acting_user_id, visible_projects, and
 * visible_users before 1.2) compute.  The functions the policies call since 1.2,
 * policy_projects and policy_users, run as the caller so that a policy
 * check costs no change of user and search_path; they answer from the kept
 * identity and have visible_projects() compute it when it is not current.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "definitions.h"
#include "event_definitions.h"

/* The acting identity, kept for the session until invalidated. */
typedef struct IdentityCache
{
	bool		valid;
	Oid			users_relid;	/* relids whose changes invalidate the cache */
	Oid			members_relid;
	Oid			session_user;
	char	   *claims;			/* request.jwt.claims, TopMemoryContext */
	char	   *setting;		/* event_definitions.user_id, TopMemoryContext */
	bool		has_user;
	int32		user_id;
	ArrayType  *projects;		/* bigint[], TopMemoryContext */
	ArrayType  *users;			/* integer[], TopMemoryContext */
} IdentityCache;

static IdentityCache cache;

/* bumped by every invalidation; a computation overtaken by one is not kept */
static uint64 invalidations = 0;

/* bumped by every computation of an identity; see ed_identity_generation() */
static uint64 generation = 0;

static bool callbacks_registered = false;

/*
 * Relcache invalidation: forget the identity when users or project_members
 * changed (or when every relation is invalidated).
 */
static void
IdentityRelcacheCallback(Datum arg, Oid relid)
{
	/* no catalog access in a callback: compare with the relids kept at computation */
	if (!OidIsValid(relid) || relid == cache.users_relid || relid == cache.members_relid)
	{
		cache.valid = false;
		invalidations++;
	}
}

/*
 * Syscache invalidation of roles and memberships: forget the identity.
 */
static void
IdentitySyscacheCallback(Datum arg, int cacheid, uint32 hashvalue)
{
	cache.valid = false;
	invalidations++;
}

/*
 * Is the cached identity still the current one?
 */
static bool
CacheIsCurrent(const char *claims, const char *setting)
{
	return cache.valid &&
		cache.session_user == GetSessionUserId() &&
		strcmp(cache.claims, claims) == 0 &&
		strcmp(cache.setting, setting) == 0;
}

/*
 * Does the current role hold event_definitions_admin?
 */
static bool
IsAdmin(void)
{
	Oid			admin = get_role_oid("event_definitions_admin", true);

	return OidIsValid(admin) && has_privs_of_role(GetUserId(), admin);
}

/*
 * Is the session's login role a member of the named role?
 */
static bool
SessionIsMemberOf(const char *rolename)
{
	Oid			role = get_role_oid(rolename, true);

	return OidIsValid(role) && is_member_of_role(GetSessionUserId(), role);
}

/*
 * user_id of the JWT claims, or of the setting when the claims have none;
 * *found is false when neither names a user.
 */
static int32
ClaimedUser(const char *claims, const char *setting, bool *found)
{
	const char *text = NULL;
	char	   *end;
	long		value;

	*found = false;
	if (claims[0] != '\0')
	{
		EdJson	   *parsed = ed_json_parse(claims, strlen(claims), "request.jwt.claims");
		EdJson	   *claim = ed_json_get(parsed, "user_id");

		if (claim != NULL && claim->type == EDJ_INTEGER)
			text = psprintf(INT64_FORMAT, claim->ival);
		else if (claim != NULL && claim->type == EDJ_STRING)
			text = claim->str;
		else if (claim != NULL && claim->type != EDJ_NULL)
			text = ed_json_serialize(claim);
	}
	if (text == NULL)
		text = setting;
	if (text[0] == '\0')
		return 0;

	errno = 0;
	value = strtol(text, &end, 10);
	if (*end != '\0' || errno != 0 || value < PG_INT32_MIN || value > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid acting user id \"%s\"", text),
				 errdetail("The JWT claim user_id and the setting event_definitions.user_id must be integers.")));
	*found = true;
	return (int32) value;
}

/*
 * Compute the identity of this command: the acting user, the projects it
 * is a member of, and the users it shares a project with (itself included).
 * Runs as the functions' owner (SECURITY DEFINER), so it reads the
 * membership tables past their policies.
 */
static void
ComputeIdentity(const char *claims, const char *setting)
{
	static EdPlan login_plan = {
		"SELECT id FROM event_definitions_private.users WHERE login_role = $1", 1, {REGROLEOID}
	};
	static EdPlan projects_plan = {
		"SELECT COALESCE(pg_catalog.array_agg(project_id ORDER BY project_id), '{}')"
		" FROM event_definitions_private.project_members WHERE user_id = $1",
		1, {INT4OID}
	};
	static EdPlan users_plan = {
		"SELECT COALESCE(pg_catalog.array_agg(DISTINCT u), '{}') FROM ("
		" SELECT user_id AS u FROM event_definitions_private.project_members WHERE project_id = ANY ($1)"
		" UNION ALL SELECT $2 WHERE $2 IS NOT NULL) s",
		2, {INT8ARRAYOID, INT4OID}
	};
	Oid			session = GetSessionUserId();
	bool		has_user = false;
	int32		user_id = 0;
	ArrayType  *projects;
	ArrayType  *users;
	Datum		values[2];
	char		nulls[2];
	bool		isnull;
	MemoryContext old;
	char	   *new_claims;
	char	   *new_setting;
	ArrayType  *new_projects;
	ArrayType  *new_users;
	Oid			schema;
	uint64		started = invalidations;

	/* know the tables first, so that their invalidations during the queries count */
	schema = get_namespace_oid("event_definitions_private", false);
	cache.users_relid = get_relname_relid("users", schema);
	cache.members_relid = get_relname_relid("project_members", schema);

	SPI_connect();
	if (superuser_arg(session) || SessionIsMemberOf("event_definitions_gateway") ||
		SessionIsMemberOf("event_definitions_admin"))
		user_id = ClaimedUser(claims, setting, &has_user);
	else
	{
		values[0] = ObjectIdGetDatum(session);
		if (ed_exec_latest(&login_plan, values, NULL) > 0)
		{
			user_id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
			has_user = true;
		}
	}

	values[0] = Int32GetDatum(user_id);
	if (has_user)
	{
		ed_exec_latest(&projects_plan, values, NULL);
		projects = DatumGetArrayTypeP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	else
		projects = construct_empty_array(INT8OID);

	values[0] = PointerGetDatum(projects);
	values[1] = Int32GetDatum(user_id);
	nulls[0] = ' ';
	nulls[1] = has_user ? ' ' : 'n';
	ed_exec_latest(&users_plan, values, nulls);
	users = DatumGetArrayTypeP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

	/* keep the answers for the rest of this command; replace the old ones last */
	old = MemoryContextSwitchTo(TopMemoryContext);
	new_claims = pstrdup(claims);
	new_setting = pstrdup(setting);
	new_projects = (ArrayType *) pg_detoast_datum_copy((struct varlena *) projects);
	new_users = (ArrayType *) pg_detoast_datum_copy((struct varlena *) users);
	MemoryContextSwitchTo(old);
	if (cache.claims)
		pfree(cache.claims);
	if (cache.setting)
		pfree(cache.setting);
	if (cache.projects)
		pfree(cache.projects);
	if (cache.users)
		pfree(cache.users);
	cache.claims = new_claims;
	cache.setting = new_setting;
	cache.projects = new_projects;
	cache.users = new_users;

	cache.has_user = has_user;
	cache.user_id = user_id;
	generation++;
	cache.session_user = session;
	/* an invalidation that arrived meanwhile may not be reflected: use, don't keep */
	cache.valid = (invalidations == started);
	SPI_finish();
}

/*
 * The two settings that name the acting user ("" when unset), and the
 * invalidation callbacks, registered on first use.
 */
static void
IdentitySettings(const char **claims, const char **setting)
{
	*claims = GetConfigOption("request.jwt.claims", true, false);
	*setting = GetConfigOption("event_definitions.user_id", true, false);
	if (*claims == NULL)
		*claims = "";
	if (*setting == NULL)
		*setting = "";
	if (!callbacks_registered)
	{
		CacheRegisterRelcacheCallback(IdentityRelcacheCallback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHOID, IdentitySyscacheCallback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHMEMMEMROLE, IdentitySyscacheCallback, (Datum) 0);
		callbacks_registered = true;
	}
}

/*
 * The identity of the current command, computed when needed.  Only the
 * SECURITY DEFINER functions may compute it: they run as the extension's
 * owner, who reads the membership tables past their policies.
 */
static IdentityCache *
CurrentIdentity(void)
{
	const char *claims;
	const char *setting;

	IdentitySettings(&claims, &setting);
	if (!CacheIsCurrent(claims, setting))
	{
		cache.valid = false;
		ComputeIdentity(claims, setting);
	}
	return &cache;
}

/*
 * The identity of the current command for the functions that run as the
 * caller (the policy functions, which are not SECURITY DEFINER so that a
 * policy check costs no change of user and search_path): when the kept
 * identity is not current, visible_projects() computes it as the owner.
 */
static IdentityCache *
CallerIdentity(void)
{
	const char *claims;
	const char *setting;

	IdentitySettings(&claims, &setting);
	if (!CacheIsCurrent(claims, setting))
	{
		/* found in the catalog directly: no privilege on the schema is needed */
		Oid			schema = get_namespace_oid("event_definitions_private", false);
		Oid			fn = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
										 CStringGetDatum("visible_projects"),
										 PointerGetDatum(buildoidvector(NULL, 0)),
										 ObjectIdGetDatum(schema));

		if (!OidIsValid(fn))
			elog(ERROR, "function event_definitions_private.visible_projects() does not exist");
		(void) OidFunctionCall0(fn);
	}
	return &cache;
}

/*
 * A number that changes whenever the identity of the command is computed
 * again, and so whenever what it may see may have changed: answers that
 * depend on the policies (render.c's user objects) are kept under it.
 */
uint64
ed_identity_generation(void)
{
	CallerIdentity();
	return generation;
}

/*
 * The acting user's id for the C entry points (what acting_user_id()
 * answers), from the kept identity without a query; *isnull when nobody.
 */
int32
ed_acting_user(bool *isnull)
{
	IdentityCache *identity = CallerIdentity();

	*isnull = !identity->has_user;
	return identity->user_id;
}

PG_FUNCTION_INFO_V1(ed_acting_user_id);

/*
 * acting_user_id(): the JWT claim user_id, else the setting
 * event_definitions.user_id, for superuser, gateway and admin logins; the
 * user whose login_role is the login role otherwise; NULL for nobody.
 */
Datum
ed_acting_user_id(PG_FUNCTION_ARGS)
{
	IdentityCache *identity = CurrentIdentity();

	if (!identity->has_user)
		PG_RETURN_NULL();
	PG_RETURN_INT32(identity->user_id);
}

PG_FUNCTION_INFO_V1(ed_visible_projects);

/*
 * visible_projects(): the projects the acting user is a member of.
 */
Datum
ed_visible_projects(PG_FUNCTION_ARGS)
{
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(CurrentIdentity()->projects)));
}

PG_FUNCTION_INFO_V1(ed_visible_users);

/*
 * visible_users(): the acting user and the users it shares a project with
 * (SQL versions 1.0 and 1.1; dropped in 1.2, kept for their scripts).
 */
Datum
ed_visible_users(PG_FUNCTION_ARGS)
{
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(CurrentIdentity()->users)));
}

PG_FUNCTION_INFO_V1(ed_policy_projects);

/*
 * policy_projects(): the projects the caller may see, NULL for every
 * project (an admin).  The policies of the project tables call it.
 */
Datum
ed_policy_projects(PG_FUNCTION_ARGS)
{
	if (IsAdmin())
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(CallerIdentity()->projects)));
}

PG_FUNCTION_INFO_V1(ed_policy_users);

/*
 * policy_users(): the users the caller may see, NULL for every user (an
 * admin).  The policy of the users table calls it.
 */
Datum
ed_policy_users(PG_FUNCTION_ARGS)
{
	if (IsAdmin())
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(CallerIdentity()->users)));
}

PG_FUNCTION_INFO_V1(ed_is_admin);

/*
 * is_admin() (SQL versions 1.0 and 1.1; dropped in 1.2, kept for their
 * scripts): does the current role hold event_definitions_admin (and so
 * see every project)?
 */
Datum
ed_is_admin(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(IsAdmin());
}

PG_FUNCTION_INFO_V1(ed_identity_changed);

/*
 * Statement trigger on users and project_members: tell every backend
 * (at commit) and this one (at the next command) to compute identities
 * again.
 */
Datum
ed_identity_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "identity_changed() must be called as a trigger");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
