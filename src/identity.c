/*-------------------------------------------------------------------------
 *
 * identity.c
 *	  Who is acting, which projects and users that identity may see, and
 *	  the extension owner's rights that writes run with.
 *
 * The acting identity belongs to the principal whose rights a call uses:
 * the session's login role, or, inside a SECURITY DEFINER function (or any
 * other code running as another role, such as a maintenance command), the
 * role it runs as.  So a function that lends its owner's privileges also
 * lends its owner's projects, never the caller's.  A principal that is a
 * superuser or a member of event_definitions_gateway or
 * event_definitions_admin acts as the JWT claim user_id, else as the
 * setting event_definitions.user_id; any other principal acts as the user
 * whose login_role it is.
 *
 * The identity is computed once and kept for the principal and the two
 * settings that name the acting user, in a memory context of its own.  It
 * is computed again when either changes, and whenever the users or
 * project_members table changes (statement triggers send a relcache
 * invalidation, which reaches every backend at commit and this one at once;
 * an abort replays it) or a role or role membership changes (syscache
 * invalidation).  Computing reads the membership tables as the extension's
 * owner (past their row-level security), in C, so the policy functions can
 * run as the caller: a policy check costs no query and no change of user.
 *
 * Writes run as the extension's owner too (ed_become_owner), once the
 * caller's identity has been checked against the project: the roles hold
 * no write privilege on the tables at all.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
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
#include "utils/syscache.h"

#include "event_definitions.h"

/* The acting identity of one principal, kept until invalidated. */
typedef struct IdentityCache
{
	bool		valid;
	Oid			principal;		/* the role whose rights the calls use */
	char	   *claims;			/* request.jwt.claims */
	char	   *setting;		/* event_definitions.user_id */
	bool		has_user;
	int32		user_id;
	int			nprojects;
	int64	   *projects;		/* sorted, for ed_project_access() */
	ArrayType  *projects_array; /* bigint[], what policy_projects() answers */
	ArrayType  *users_array;	/* integer[], what policy_users() answers */
} IdentityCache;

static IdentityCache cache;
static MemoryContext identity_cxt = NULL;

/* relids whose changes invalidate the identity, known before any query */
static Oid	users_relid = InvalidOid;
static Oid	members_relid = InvalidOid;

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
	/* no catalog access in a callback: compare with the relids known */
	if (!OidIsValid(relid) || relid == users_relid || relid == members_relid)
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
 * The OID of the extension's private schema.
 */
static Oid
PrivateSchema(void)
{
	return get_namespace_oid("event_definitions_private", false);
}

/*
 * The extension's owner: the owner of the schema its install script
 * created.  It must be a superuser, so that it reads and writes every
 * project's rows past their row-level security.
 */
Oid
ed_extension_owner(void)
{
	HeapTuple	tuple;
	Oid			owner;

	tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(PrivateSchema()));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for schema event_definitions_private");
	owner = ((Form_pg_namespace) GETSTRUCT(tuple))->nspowner;
	ReleaseSysCache(tuple);
	if (!superuser_arg(owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the owner of schema event_definitions_private must be a superuser"),
				 errdetail("The extension's functions write and compute identities as that role.")));
	return owner;
}

/*
 * Run as the extension's owner until ed_restore_user(s): in a
 * security-restricted operation, as PostgreSQL runs maintenance commands
 * as a table's owner.  An ERROR restores the previous user by itself (the
 * (sub)transaction's abort does).
 */
void
ed_become_owner(EdUserSwitch *s)
{
	Oid			owner = ed_extension_owner();

	GetUserIdAndSecContext(&s->userid, &s->sec_context);
	SetUserIdAndSecContext(owner, s->sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

/*
 * Back to the user before ed_become_owner(s).
 */
void
ed_restore_user(EdUserSwitch *s)
{
	SetUserIdAndSecContext(s->userid, s->sec_context);
}

/*
 * Does the current role hold event_definitions_admin (and so see every
 * project)?  Superusers do.
 */
static bool
IsAdmin(void)
{
	Oid			admin = get_role_oid("event_definitions_admin", true);

	return OidIsValid(admin) && has_privs_of_role(GetUserId(), admin);
}

/*
 * Is role a member of the named role?
 */
static bool
IsMemberOf(Oid role, const char *rolename)
{
	Oid			group = get_role_oid(rolename, true);

	return OidIsValid(group) && is_member_of_role(role, group);
}

/*
 * The role whose rights the current call uses: the login role, or the role
 * a SECURITY DEFINER function (or another change of user) runs as.
 */
static Oid
CurrentPrincipal(void)
{
	return InLocalUserIdChange() ? GetUserId() : GetSessionUserId();
}

/*
 * An acting user id from its text: a canonical integer ("7", "-7"; not
 * " 7", "+7", "07" or "7.0") that fits an integer column.
 */
static int32
ParseUserId(const char *text)
{
	const char *p = text;
	int64		value = 0;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0') || strlen(p) > 10)
		goto invalid;
	for (; *p; p++)
	{
		if (*p < '0' || *p > '9')
			goto invalid;
		value = value * 10 + (*p - '0');
	}
	if (text[0] == '-')
	{
		if (value == 0)
			goto invalid;		/* "-0" */
		value = -value;
	}
	if (value < PG_INT32_MIN || value > PG_INT32_MAX)
		goto invalid;
	return (int32) value;

invalid:
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid acting user id \"%s\"", ed_value_prefix(text)),
			 errdetail("The JWT claim user_id and the setting event_definitions.user_id must be integers.")));
	pg_unreachable();
}

/*
 * user_id of the JWT claims, or of the setting when the claims have none;
 * *found is false when neither names a user.
 */
static int32
ClaimedUser(const char *claims, const char *setting, bool *found)
{
	const char *text = NULL;

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
	*found = true;
	return ParseUserId(text);
}

/*
 * The acting user of principal: the claim or setting for a superuser,
 * gateway or admin, the user whose login_role it is for anybody else.
 * Called as the extension's owner.
 */
static bool
ActingUser(Oid principal, const char *claims, const char *setting, int32 *user_id, bool *keep)
{
	static EdPlan login_plan = {
		"SELECT u.id FROM event_definitions_private.users u"
		" WHERE u.login_role OPERATOR(pg_catalog.=) $1",
		1, {REGROLEOID}
	};
	Datum		values[1];
	bool		found;
	bool		isnull;

	if (superuser_arg(principal) || IsMemberOf(principal, "event_definitions_gateway") ||
		IsMemberOf(principal, "event_definitions_admin"))
	{
		*user_id = ClaimedUser(claims, setting, &found);
		return found;
	}
	values[0] = ObjectIdGetDatum(principal);
	if (ed_exec_latest(&login_plan, values, NULL, keep, 1) == 0)
		return false;
	*user_id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	return true;
}

/*
 * Compute the identity of principal into the cache: the acting user, the
 * projects it is a member of, and the users it shares a project with
 * (itself included).  The tables are read as the extension's owner.  The
 * answers replace the old ones only once complete.
 */
static void
ComputeIdentity(Oid principal, const char *claims, const char *setting)
{
	static EdPlan projects_plan = {
		"SELECT COALESCE(pg_catalog.array_agg(m.project_id ORDER BY m.project_id),"
		" '{}'::pg_catalog.int8[]) FROM event_definitions_private.project_members m"
		" WHERE m.user_id OPERATOR(pg_catalog.=) $1",
		1, {INT4OID}
	};
	static EdPlan users_plan = {
		"SELECT COALESCE(pg_catalog.array_agg(DISTINCT s.u), '{}'::pg_catalog.int4[]) FROM ("
		" SELECT m.user_id AS u FROM event_definitions_private.project_members m"
		"  WHERE m.project_id OPERATOR(pg_catalog.=) ANY ($1)"
		" UNION ALL SELECT $2 WHERE $2 IS NOT NULL) s",
		2, {INT8ARRAYOID, INT4OID}
	};
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt;
	EdUserSwitch as_owner;
	uint64		started = invalidations;
	bool		keep = true;
	bool		has_user;
	int32		user_id = 0;
	ArrayType  *projects;
	ArrayType  *users;
	Datum		values[2];
	char		nulls[2];
	bool		isnull;
	Datum	   *elems;
	int			i;

	/* know the tables first, so that their invalidations during the queries count */
	users_relid = get_relname_relid("users", PrivateSchema());
	members_relid = get_relname_relid("project_members", PrivateSchema());

	SPI_connect();
	ed_become_owner(&as_owner);
	has_user = ActingUser(principal, claims, setting, &user_id, &keep);
	if (has_user)
	{
		values[0] = Int32GetDatum(user_id);
		ed_exec_latest(&projects_plan, values, NULL, &keep, 1);
		projects = DatumGetArrayTypeP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	else
		projects = construct_empty_array(INT8OID);
	values[0] = PointerGetDatum(projects);
	values[1] = Int32GetDatum(user_id);
	nulls[0] = ' ';
	nulls[1] = has_user ? ' ' : 'n';
	ed_exec_latest(&users_plan, values, nulls, &keep, 1);
	users = DatumGetArrayTypeP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	ed_restore_user(&as_owner);

	/* the answers, in a context of their own that replaces the old one */
	if (identity_cxt == NULL)
		identity_cxt = AllocSetContextCreate(TopMemoryContext, "event_definitions identity",
											 ALLOCSET_SMALL_SIZES);
	cxt = AllocSetContextCreate(identity_cxt, "event_definitions identity answers",
								ALLOCSET_SMALL_SIZES);
	MemoryContextSwitchTo(cxt);
	cache.claims = pstrdup(claims);
	cache.setting = pstrdup(setting);
	cache.projects_array = (ArrayType *) pg_detoast_datum_copy((struct varlena *) projects);
	cache.users_array = (ArrayType *) pg_detoast_datum_copy((struct varlena *) users);
	deconstruct_array(cache.projects_array, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, NULL, &cache.nprojects);
	cache.projects = palloc(sizeof(int64) * Max(cache.nprojects, 1));
	for (i = 0; i < cache.nprojects; i++)
		cache.projects[i] = DatumGetInt64(elems[i]);
	MemoryContextSwitchTo(caller);
	SPI_finish();

	/* the previous answers go only now */
	{
		MemoryContext child = identity_cxt->firstchild;

		while (child != NULL)
		{
			MemoryContext next = child->nextchild;

			if (child != cxt)
				MemoryContextDelete(child);
			child = next;
		}
	}
	cache.principal = principal;
	cache.has_user = has_user;
	cache.user_id = user_id;
	generation++;
	/* an invalidation that arrived meanwhile may not be reflected: use, don't keep */
	cache.valid = keep && invalidations == started;
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
 * The identity of principal, computed when the kept one is not its
 * current one.
 */
static IdentityCache *
IdentityOf(Oid principal)
{
	const char *claims;
	const char *setting;

	IdentitySettings(&claims, &setting);
	if (!cache.valid || cache.principal != principal ||
		strcmp(cache.claims, claims) != 0 || strcmp(cache.setting, setting) != 0)
	{
		cache.valid = false;
		ComputeIdentity(principal, claims, setting);
	}
	return &cache;
}

/*
 * The identity of the current call.
 */
static IdentityCache *
CurrentIdentity(void)
{
	return IdentityOf(CurrentPrincipal());
}

/*
 * A number that changes whenever an identity is computed again, and so
 * whenever what a caller may see may have changed: answers that depend on
 * the policies (render.c's user objects) are kept under it.
 */
uint64
ed_identity_generation(void)
{
	CurrentIdentity();
	return generation;
}

/*
 * The acting user's id for the C entry points (what acting_user_id()
 * answers), from the kept identity; *isnull when nobody.
 */
int32
ed_acting_user(bool *isnull)
{
	IdentityCache *identity = CurrentIdentity();

	*isnull = !identity->has_user;
	return identity->user_id;
}

/*
 * What the current call may do with a project: ED_ACCESS_ALL for an admin
 * (or superuser), who sees every project that exists; ED_ACCESS_MEMBER
 * when the acting user is a member (so the project exists); else
 * ED_ACCESS_NONE.
 */
EdAccess
ed_project_access(int64 project_id)
{
	IdentityCache *identity;
	int			lo = 0,
				hi;

	if (IsAdmin())
		return ED_ACCESS_ALL;
	identity = CurrentIdentity();
	hi = identity->nprojects - 1;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (identity->projects[mid] == project_id)
			return ED_ACCESS_MEMBER;
		if (identity->projects[mid] < project_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return ED_ACCESS_NONE;
}

PG_FUNCTION_INFO_V1(ed_acting_user_id_1_3);

/*
 * acting_user_id() (SQL version 1.3): the acting user of the current call,
 * NULL for nobody.
 */
Datum
ed_acting_user_id_1_3(PG_FUNCTION_ARGS)
{
	IdentityCache *identity = CurrentIdentity();

	if (!identity->has_user)
		PG_RETURN_NULL();
	PG_RETURN_INT32(identity->user_id);
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
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(CurrentIdentity()->projects_array)));
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
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(CurrentIdentity()->users_array)));
}

/*
 * The entry points of SQL versions 1.0 to 1.2, kept for installations that
 * have not run ALTER EXTENSION UPDATE: SECURITY DEFINER functions there,
 * they act for the login role, as they always did.
 */
PG_FUNCTION_INFO_V1(ed_acting_user_id);

/*
 * acting_user_id() (SQL versions 1.0 to 1.2).
 */
Datum
ed_acting_user_id(PG_FUNCTION_ARGS)
{
	IdentityCache *identity = IdentityOf(GetSessionUserId());

	if (!identity->has_user)
		PG_RETURN_NULL();
	PG_RETURN_INT32(identity->user_id);
}

PG_FUNCTION_INFO_V1(ed_visible_projects);

/*
 * visible_projects() (SQL versions 1.0 to 1.2): the projects the login
 * role's acting user is a member of.
 */
Datum
ed_visible_projects(PG_FUNCTION_ARGS)
{
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(IdentityOf(GetSessionUserId())->projects_array)));
}

PG_FUNCTION_INFO_V1(ed_visible_users);

/*
 * visible_users() (SQL versions 1.0 and 1.1): the login role's acting user
 * and the users it shares a project with.
 */
Datum
ed_visible_users(PG_FUNCTION_ARGS)
{
	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(IdentityOf(GetSessionUserId())->users_array)));
}

PG_FUNCTION_INFO_V1(ed_is_admin);

/*
 * is_admin() (SQL versions 1.0 and 1.1): does the current role hold
 * event_definitions_admin?
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
