/*-------------------------------------------------------------------------
 *
 * bulk.c
 *	  bulk_update_tags and bulk_update_verified: one set-based statement
 *	  for the whole batch.
 *
 * The rows are locked in id order (ORDER BY id FOR UPDATE), so concurrent
 * batches over overlapping ids queue behind each other instead of
 * deadlocking, and each one recomputes from the row it locked, so no
 * update is lost.  Any rejection happens before the statement runs, so a
 * rejected request writes nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "definitions.h"
#include "event_definitions.h"

#define ED_MAX_BULK_CHANGES 10000

static const char *const tag_actions[] = {"add", "remove", "set", NULL};

/*
 * The "ids" of a bulk body: 1 to 500 UUIDs in any form the uuid type
 * accepts.  Returns a uuid[] Datum in request order, duplicates kept.
 */
static Datum
ParseIds(EdJson *body, int *nids)
{
	EdJson	   *v = ed_json_get(body, "ids");
	Datum	   *elems;
	int			i;

	if (v == NULL)
		ed_field_error("ids", "This field is required.");
	if (v->type == EDJ_NULL)
		ed_field_error("ids", "This field may not be null.");
	if (v->type != EDJ_ARRAY)
		ed_field_error("ids", psprintf("Expected a list of items but got type \"%s\".", ed_python_type(v)));
	if (v->len == 0)
		ed_field_error("ids", "This list may not be empty.");
	if (v->len > ED_MAX_BULK_IDS)
		ed_field_error("ids", psprintf("Ensure this field has no more than %d elements.", ED_MAX_BULK_IDS));

	elems = palloc(sizeof(Datum) * v->len);
	for (i = 0; i < v->len; i++)
	{
		EdJson	   *item = v->items[i];
		bool		ok = false;
		pg_uuid_t  *uuid = NULL;

		if (item->type == EDJ_STRING)
			uuid = ed_parse_uuid(item->str, &ok);
		if (!ok)
			ed_field_error(psprintf("ids__%d", i), "Must be a valid UUID.");
		elems[i] = ed_uuid_datum(uuid);
	}
	*nids = v->len;
	return PointerGetDatum(construct_array(elems, v->len, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
}

/*
 * bulk_update_tags(project_id, {"ids", "action", "tags"}) ->
 * {"updated": [{"id", "tags"}], "skipped": [{"id", "reason"}]}
 */
static Datum
BulkUpdateTags(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"WITH req AS ("
		" SELECT r.id, pg_catalog.min(r.ord) AS ord"
		" FROM pg_catalog.unnest($2::uuid[]) WITH ORDINALITY AS r(id, ord) GROUP BY r.id),"
		" cur AS ("
		" SELECT d.project_id, d.id, d.name, d.tags AS before"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id IN (SELECT req.id FROM req)"
		" ORDER BY d.id FOR UPDATE),"
		" new AS ("
		" SELECT c.project_id, c.id, c.name, c.before, req.ord,"
		"  CASE $3"
		"   WHEN 'add' THEN ARRAY(SELECT DISTINCT t FROM pg_catalog.unnest(c.before OPERATOR(pg_catalog.||) $4) t ORDER BY t)"
		"   WHEN 'remove' THEN ARRAY(SELECT t FROM pg_catalog.unnest(c.before) t"
		"                           WHERE t OPERATOR(pg_catalog.<>) ALL ($4) ORDER BY t)"
		"   ELSE $4 END AS after"
		" FROM cur c JOIN req ON req.id = c.id),"
		" upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET tags = n.after"
		" FROM new n WHERE d.project_id = n.project_id AND d.id = n.id"
		"  AND d.tags IS DISTINCT FROM n.after"
		" RETURNING d.id),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', n.id::text, 'changed', event_definitions_private.acting_user_id(),"
		"  pg_catalog.jsonb_build_object('name', n.name, 'changes', pg_catalog.jsonb_build_array("
		"   pg_catalog.jsonb_build_object('type', '" ED_SCOPE_DEFINITION "', 'action', 'changed', 'field', 'tags',"
		"    'before', pg_catalog.to_jsonb(n.before), 'after', pg_catalog.to_jsonb(n.after))))"
		" FROM new n WHERE n.before IS DISTINCT FROM n.after ORDER BY n.id)"
		" SELECT pg_catalog.jsonb_build_object("
		"  'updated', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
		"     'id', n.id, 'tags', pg_catalog.to_jsonb(n.after)) ORDER BY n.ord) FROM new n), '[]'::jsonb),"
		"  'skipped', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
		"     'id', r.id, 'reason', 'Not found') ORDER BY r.ord)"
		"   FROM pg_catalog.unnest($2::uuid[]) WITH ORDINALITY AS r(id, ord)"
		"   WHERE NOT EXISTS (SELECT 1 FROM new n WHERE n.id = r.id)), '[]'::jsonb))",
		4, {INT8OID, UUIDARRAYOID, TEXTOID, TEXTARRAYOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	EdJson	   *body;
	EdJson	   *v;
	char	   *action = NULL;
	char	  **tags;
	int			ntags;
	int			nids;
	Datum		values[4];
	bool		isnull;
	Datum		result;

	SPI_connect();
	body = ed_body_arg(fcinfo, 1, "bulk_update_tags body");
	values[0] = Int64GetDatum(project_id);
	values[1] = ParseIds(body, &nids);

	v = ed_json_get(body, "action");
	if (v == NULL)
		ed_field_error("action", "This field is required.");
	if (!ed_field_choice(v, "action", tag_actions, &action))
		ed_field_error("action", "This field may not be null.");

	v = ed_json_get(body, "tags");
	if (v == NULL)
		ed_field_error("tags", "This field is required.");
	tags = ed_normalize_tags(v, "tags", &ntags);
	if (ntags == 0 && strcmp(action, "set") != 0)
		ed_field_error("tags", psprintf("tags must not be empty for action '%s'.", action));
	if ((int64) nids * ntags > ED_MAX_BULK_CHANGES)
		ed_field_error(NULL, "Too many changes in one request: ids × distinct tags must not exceed 10000.");

	values[2] = CStringGetTextDatum(action);
	values[3] = ed_text_array(tags, ntags);

	ed_require_project(project_id);
	ed_exec(&plan, values, NULL, false, 1);
	result = ed_copy_result(0, 1, &isnull);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * bulk_update_verified(project_id, {"ids", "verified"}) ->
 * {"updated": [{"id", "verified"}], "skipped": [{"id", "reason"}]}.
 * Verifying stamps verified_by/verified_at and unhides; unverifying clears
 * them; rows already in the requested state are listed but not written.
 */
static Datum
BulkUpdateVerified(PG_FUNCTION_ARGS)
{
	static EdPlan plan = {
		"WITH req AS ("
		" SELECT r.id, pg_catalog.min(r.ord) AS ord"
		" FROM pg_catalog.unnest($2::uuid[]) WITH ORDINALITY AS r(id, ord) GROUP BY r.id),"
		" cur AS ("
		" SELECT d.project_id, d.id, event_definitions_private.snapshot(d) AS before"
		" FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id IN (SELECT req.id FROM req)"
		" ORDER BY d.id FOR UPDATE),"
		" upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET"
		"  verified = $3,"
		"  verified_by_id = CASE WHEN $3 THEN $4 END,"
		"  verified_at = CASE WHEN $3 THEN pg_catalog.now() END,"
		"  hidden = CASE WHEN $3 THEN false ELSE d.hidden END,"
		"  updated_by_id = $4,"
		"  updated_at = pg_catalog.now()"
		" FROM cur c WHERE d.project_id = c.project_id AND d.id = c.id"
		"  AND d.verified OPERATOR(pg_catalog.<>) $3"
		" RETURNING d.id, d.name, c.before, event_definitions_private.snapshot(d) AS after),"
		" log AS ("
		" INSERT INTO event_definitions_private.activity_log"
		"  (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', u.id::text, 'changed', $4,"
		"  pg_catalog.jsonb_build_object('name', u.name, 'changes',"
		"   event_definitions_private.changes(u.before, u.after, 'changed', '" ED_SCOPE_DEFINITION "'))"
		" FROM upd u ORDER BY u.id)"
		" SELECT pg_catalog.jsonb_build_object("
		"  'updated', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
		"     'id', c.id, 'verified', $3) ORDER BY req.ord) FROM cur c JOIN req ON req.id = c.id), '[]'::jsonb),"
		"  'skipped', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
		"     'id', req.id, 'reason', 'Not found') ORDER BY req.ord)"
		"   FROM req WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.id = req.id)), '[]'::jsonb))",
		4, {INT8OID, UUIDARRAYOID, BOOLOID, INT4OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	EdJson	   *body;
	EdJson	   *v;
	int			nids;
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	bool		user_null;
	bool		isnull;
	Datum		result;

	SPI_connect();
	body = ed_body_arg(fcinfo, 1, "bulk_update_verified body");
	values[0] = Int64GetDatum(project_id);
	values[1] = ParseIds(body, &nids);
	v = ed_json_get(body, "verified");
	if (v == NULL)
		ed_field_error("verified", "This field is required.");
	values[2] = BoolGetDatum(ed_field_bool(v, "verified"));

	ed_require_project(project_id);
	values[3] = Int32GetDatum(ed_acting_user(&user_null));
	if (user_null)
		nulls[3] = 'n';
	ed_exec(&plan, values, nulls, false, 1);
	result = ed_copy_result(0, 1, &isnull);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ed_bulk_update_tags);

/*
 * bulk_update_tags(): entry point; writes to the extension's tables are allowed
 * while it runs (see ed_api_call).
 */
Datum
ed_bulk_update_tags(PG_FUNCTION_ARGS)
{
	return ed_api_call(fcinfo, BulkUpdateTags);
}

PG_FUNCTION_INFO_V1(ed_bulk_update_verified);

/*
 * bulk_update_verified(): entry point; writes to the extension's tables are allowed
 * while it runs (see ed_api_call).
 */
Datum
ed_bulk_update_verified(PG_FUNCTION_ARGS)
{
	return ed_api_call(fcinfo, BulkUpdateVerified);
}
