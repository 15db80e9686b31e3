/*-------------------------------------------------------------------------
 *
 * lookup.c
 *	  Read paths by name: by_name, promoted_properties, metrics, and the
 *	  usage counter that metrics reads.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "rewrite/rowsecurity.h"

#include "definitions.h"
#include "event_definitions.h"
#include "render.h"

/*
 * Is the definitions table's row-level security exactly the extension's
 * own: the one permissive policy project_access, for every command and
 * every role?  Then a row is visible to the caller exactly when the
 * caller may see its project (ed_project_access), which is what that
 * policy computes with policy_projects().
 */
static bool
OnlyProjectPolicy(Relation rel)
{
	RowSecurityPolicy *policy;
	Datum	   *roles;
	int			nroles;

	if (rel->rd_rsdesc == NULL || list_length(rel->rd_rsdesc->policies) != 1)
		return false;
	policy = linitial(rel->rd_rsdesc->policies);
	if (!policy->permissive || policy->polcmd != '*' || strcmp(policy->policy_name, "project_access") != 0)
		return false;
	deconstruct_array(policy->roles, OIDOID, sizeof(Oid), true, TYPALIGN_INT, &roles, NULL, &nroles);
	return nroles == 1 && DatumGetObjectId(roles[0]) == ACL_ID_PUBLIC;
}

/* the definitions table and its unique index on (project_id, name), as last found */
static Oid	by_name_nsp = InvalidOid;
static Oid	by_name_relid = InvalidOid;
static Oid	by_name_indexid = InvalidOid;

/*
 * Open (AccessShareLock) the definitions table and its unique index on
 * (project_id, name): by the OIDs found before when they still name them
 * (the extension may have been dropped and created again since), else
 * found by name.  False when they do not exist.
 */
static bool
OpenByName(Relation *rel, Relation *index)
{
	int			attempt;

	for (attempt = 0; attempt < 2; attempt++)
	{
		if (attempt == 1 || !OidIsValid(by_name_relid))
		{
			by_name_nsp = get_namespace_oid("event_definitions_private", true);
			by_name_relid = get_relname_relid("event_definitions", by_name_nsp);
			by_name_indexid = get_relname_relid("event_definitions_project_id_name_key", by_name_nsp);
			if (!OidIsValid(by_name_relid) || !OidIsValid(by_name_indexid))
				return false;
		}
		*rel = try_relation_open(by_name_relid, AccessShareLock);
		*index = *rel ? try_relation_open(by_name_indexid, AccessShareLock) : NULL;
		if (*index != NULL && (*index)->rd_index != NULL &&
			(*index)->rd_index->indrelid == by_name_relid &&
			RelationGetNamespace(*rel) == by_name_nsp &&
			strcmp(RelationGetRelationName(*rel), "event_definitions") == 0)
			return true;
		if (*index != NULL)
			relation_close(*index, NoLock);
		if (*rel != NULL)
			relation_close(*rel, NoLock);
	}
	return false;
}

/*
 * The definition of a name, as the caller sees it, read straight from the
 * unique index on (project_id, name) under the calling query's snapshot,
 * without planning or starting an executor: the caller's SELECT privilege
 * is checked, and row-level security applied as the table's policy would
 * (a project the caller may not see has no rows; row_security off under
 * the policy is the query's error).  *done is false when this path does
 * not apply (another policy, no privilege): then the query runs, and
 * reports what it reports.
 */
static Datum
ByNameDirect(int64 project_id, text *name, bool *found, bool *done)
{
	Relation	rel;
	Relation	index;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[2];
	HeapTuple	tuple = NULL;
	Datum		result = (Datum) 0;
	int			rls;

	*done = false;
	*found = false;
	if (!OpenByName(&rel, &index))
		return (Datum) 0;
	if (pg_class_aclcheck(RelationGetRelid(rel), GetUserId(), ACL_SELECT) != ACLCHECK_OK)
	{
		index_close(index, NoLock);
		table_close(rel, NoLock);
		return (Datum) 0;
	}
	/* row_security off under a policy: the error the query would raise */
	rls = check_enable_rls(RelationGetRelid(rel), InvalidOid, false);
	*done = rls != RLS_ENABLED || OnlyProjectPolicy(rel);
	if (!*done || (rls == RLS_ENABLED && ed_project_access(project_id) == ED_ACCESS_NONE))
	{
		index_close(index, NoLock);
		table_close(rel, NoLock);
		return (Datum) 0;
	}

	ScanKeyEntryInitialize(&keys[0], 0, 1, BTEqualStrategyNumber, InvalidOid,
						   index->rd_indcollation[0], F_INT8EQ, Int64GetDatum(project_id));
	ScanKeyEntryInitialize(&keys[1], 0, 2, BTEqualStrategyNumber, InvalidOid,
						   index->rd_indcollation[1], F_TEXTEQ, PointerGetDatum(name));
	scan = index_beginscan(rel, index, GetActiveSnapshot(), 2, 0);
	index_rescan(scan, keys, 2, NULL, 0);
	slot = table_slot_create(rel, NULL);
	if (index_getnext_slot(scan, ForwardScanDirection, slot))
		tuple = ExecCopySlotHeapTuple(slot);
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);

	if (tuple != NULL)
	{
		*found = true;
		SPI_connect();
		result = ed_definition_row_jsonb(tuple, RelationGetDescr(rel));
		SPI_finish();
	}
	table_close(rel, NoLock);
	return result;
}

/*
 * The definition of a name through a query as the caller (row-level
 * security as the table has it).
 */
static Datum
ByNameQuery(int64 project_id, Datum name, bool *found)
{
	static EdPlan plan = {
		"SELECT d.* FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id OPERATOR(pg_catalog.=) $1 AND d.name OPERATOR(pg_catalog.=) $2",
		2, {INT8OID, TEXTOID}
	};
	Datum		values[2] = {Int64GetDatum(project_id), name};
	Datum		result = (Datum) 0;

	SPI_connect();
	*found = ed_exec(&plan, values, NULL, true, 1) > 0;
	if (*found)
		result = ed_definition_row_jsonb(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
	SPI_finish();
	return result;
}

PG_FUNCTION_INFO_V1(ed_event_definition_by_name);

/*
 * event_definition_by_name(project_id, name): exact, case-sensitive.  A
 * lookup by the unique index, without a query when the table's row-level
 * security is the extension's own (ByNameDirect).
 */
Datum
ed_event_definition_by_name(PG_FUNCTION_ARGS)
{
	int64		project_id = ed_project_arg(fcinfo);
	Datum		result;
	bool		found;
	bool		done;

	/* PostHog's by_name answers {"detail": ...} only (a handwritten response) */
	if (PG_ARGISNULL(1) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ED_VALIDATION),
				 errmsg("query parameter \"name\" is required"),
				 errdetail("Query parameter 'name' is required"),
				 errhint("{\"detail\":\"Query parameter 'name' is required\"}"),
				 err_generic_string(PG_DIAG_COLUMN_NAME, "name")));

	result = ByNameDirect(project_id, PG_GETARG_TEXT_PP(1), &found, &done);
	if (!done)
		result = ByNameQuery(project_id, PG_GETARG_DATUM(1), &found);
	if (!found)
	{
		/* a short prefix of the name: a long one would flood the log */
		char	   *name = ed_value_prefix(text_to_cstring(PG_GETARG_TEXT_PP(1)));
		char	   *detail = psprintf("Event definition with name '%s' not found", name);
		StringInfoData object;

		initStringInfo(&object);
		appendStringInfoString(&object, "{\"detail\":");
		ed_json_append_string(&object, detail, strlen(detail));
		appendStringInfoChar(&object, '}');
		ereport(ERROR,
				(errcode(ERRCODE_ED_NOT_FOUND),
				 errmsg("event definition with name '%s' not found", name),
				 errdetail("%s", detail),
				 errhint("%s", object.data)));
	}
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_promoted_properties);

/*
 * promoted_properties(project_id, names): {"promoted_properties": {event:
 * property}} for the definitions with a non-empty promoted property,
 * limited to names when any non-blank name is given.
 */
Datum
ed_promoted_properties(PG_FUNCTION_ARGS)
{
	static EdPlan all_plan = {
		"SELECT d.name, d.promoted_property"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.promoted_property IS NOT NULL"
		"  AND d.promoted_property OPERATOR(pg_catalog.<>) ''",
		1, {INT8OID}
	};
	static EdPlan names_plan = {
		"SELECT d.name, d.promoted_property"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.name OPERATOR(pg_catalog.=) ANY ($2)"
		"  AND d.promoted_property IS NOT NULL AND d.promoted_property OPERATOR(pg_catalog.<>) ''",
		2, {INT8OID, TEXTARRAYOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];
	int			nnames = 0;
	Datum		result;
	int			nrows,
				row;
	JsonbParseState *state = NULL;

	values[0] = Int64GetDatum(project_id);
	if (!PG_ARGISNULL(1))
	{
		ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
		Datum	   *elems;
		bool	   *elem_nulls;
		int			n,
					i;
		char	  **names;

		ed_check_arg_size(VARSIZE_ANY_EXHDR(array), "names");
		if (ARR_NDIM(array) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("names must be a one-dimensional array")));
		deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &n);
		names = palloc(sizeof(char *) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			if (!elem_nulls[i] && VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i])) > 0)
				names[nnames++] = TextDatumGetCString(elems[i]);
		}
		nnames = ed_sort_dedupe(names, nnames);
		if (nnames > 0)
			values[1] = ed_text_array(names, nnames);
	}

	SPI_connect();
	ed_require_project(project_id);
	nrows = ed_exec(nnames > 0 ? &names_plan : &all_plan, values, NULL, true, 0);

	/* {"promoted_properties": {name: property, ...}}, built here */
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_key(&state, "promoted_properties");
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (row = 0; row < nrows; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		bool		isnull;
		text	   *name = DatumGetTextPP(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull));
		text	   *property = DatumGetTextPP(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &isnull));

		CHECK_FOR_INTERRUPTS();
		ed_push_text_field(&state, name, property);
	}
	pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_event_definition_metrics);

/*
 * event_definition_metrics(project_id, id): {"query_usage_30_day": n}, the
 * usage recorded for the event's name over the last 30 days.
 */
Datum
ed_event_definition_metrics(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"SELECT COALESCE(("
		"  SELECT pg_catalog.sum(u.count) FROM event_definitions_private.event_usage u"
		"  WHERE u.project_id = d.project_id AND u.event_name = d.name"
		"   AND u.day OPERATOR(pg_catalog.>=) (pg_catalog.now() OPERATOR(pg_catalog.-) '30 days'::interval)::date),"
		"  0)"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id = $2",
		2, {INT8OID, UUIDOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[2];
	bool		isnull;
	Datum		result;
	Datum		usage;
	JsonbParseState *state = NULL;

	values[0] = Int64GetDatum(project_id);
	values[1] = ed_id_arg(fcinfo, 1);
	SPI_connect();
	if (ed_exec(&plan, values, NULL, true, 1) == 0)
		ed_definition_not_found();
	usage = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_numeric_field(&state, "query_usage_30_day", DatumGetNumeric(usage));
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_record_event_usage);

/*
 * record_event_usage(project_id, event_name, count, day): add to the day's
 * usage count of an event name.
 */
Datum
ed_record_event_usage(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.event_usage AS u (project_id, event_name, day, count)"
		" VALUES ($1, $2, $3, $4)"
		" ON CONFLICT (project_id, event_name, day)"
		" DO UPDATE SET count = u.count + EXCLUDED.count",
		4, {INT8OID, TEXTOID, DATEOID, INT8OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	Datum		values[4];
	EdUserSwitch as_owner;

	if (PG_ARGISNULL(1) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)) == 0)
		ed_field_error("event_name", "This field may not be blank.");
	if (ed_text_longer_than(PG_GETARG_TEXT_PP(1), ED_MAX_NAME_LENGTH))
		ed_field_error("event_name", psprintf("Ensure this field has no more than %d characters.", ED_MAX_NAME_LENGTH));
	if (PG_ARGISNULL(2) || PG_GETARG_INT32(2) < 0)
		ed_field_error("count", "Ensure this value is greater than or equal to 0.");
	if (PG_ARGISNULL(3))
		ed_field_error("day", "This field may not be null.");

	values[0] = Int64GetDatum(project_id);
	values[1] = PG_GETARG_DATUM(1);
	values[2] = PG_GETARG_DATUM(3);
	values[3] = Int64GetDatum((int64) PG_GETARG_INT32(2));
	SPI_connect();
	ed_require_project(project_id);
	ed_become_owner(&as_owner);
	ed_exec(&plan, values, NULL, false, 0);
	ed_restore_user(&as_owner);
	SPI_finish();
	PG_RETURN_VOID();
}
