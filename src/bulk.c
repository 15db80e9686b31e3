/*-------------------------------------------------------------------------
 *
 * bulk.c
 *	  bulk_update_tags and bulk_update_verified: two set-based statements
 *	  for the whole batch, never one per id.
 *
 * The first locks the batch's rows in id order (ORDER BY id FOR UPDATE)
 * and reads them, so concurrent batches over overlapping ids queue behind
 * each other instead of deadlocking, and each one computes from the rows
 * it locked, so no update is lost.  The new values, the activity-log
 * details and the answer are computed in C; the second statement writes
 * the rows that change and logs them.  Any rejection happens before the
 * first statement, so a rejected request writes nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

#include "definitions.h"
#include "event_definitions.h"
#include "render.h"

#define ED_MAX_BULK_CHANGES 10000

static const char *const tag_actions[] = {"add", "remove", "set", NULL};

/*
 * The "ids" of a bulk body: 1 to 500 UUIDs in any form the uuid type
 * accepts.  Returns a uuid[] Datum in request order, duplicates kept, and
 * in *uuids the same ids one by one.
 */
static Datum
ParseIds(EdJson *body, int *nids, pg_uuid_t ***uuids)
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
	*uuids = palloc(sizeof(pg_uuid_t *) * v->len);
	for (i = 0; i < v->len; i++)
	{
		EdJson	   *item = v->items[i];
		bool		ok = false;
		pg_uuid_t  *uuid = NULL;

		CHECK_FOR_INTERRUPTS();
		if (item->type == EDJ_STRING)
			uuid = ed_parse_uuid(item->str, &ok);
		if (!ok)
			ed_field_error(psprintf("ids__%d", i), "Must be a valid UUID.");
		elems[i] = UUIDPGetDatum(uuid);
		(*uuids)[i] = uuid;
	}
	*nids = v->len;
	return PointerGetDatum(construct_array(elems, v->len, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
}

/* A row of the batch, locked: its tags before and after the action. */
typedef struct TagRow
{
	pg_uuid_t	id;
	char	   *name;
	char	  **before;			/* NULL pointers for NULL elements */
	int			nbefore;
	char	  **after;
	int			nafter;
	bool		changed;
} TagRow;

/* The rows of a batch by id; row is NULL once answered. */
typedef struct TagRowEntry
{
	pg_uuid_t	id;				/* hash key */
	TagRow	   *row;
} TagRowEntry;

/* The ids of a batch, and whether each has been answered. */
typedef struct AnsweredEntry
{
	pg_uuid_t	id;				/* hash key */
	bool		answered;
} AnsweredEntry;

/*
 * qsort comparator of tags: byte order (the tags column's collation is
 * "C"), NULL elements last, as ORDER BY sorts them.
 */
static int
CompareTags(const void *a, const void *b)
{
	const char *x = *(char *const *) a;
	const char *y = *(char *const *) b;

	if (x == NULL || y == NULL)
		return (x == NULL) - (y == NULL);
	return strcmp(x, y);
}

/*
 * Are two tags equal (NULL equal to NULL, as DISTINCT and IS DISTINCT FROM
 * compare them)?
 */
static bool
SameTag(const char *x, const char *y)
{
	return (x == NULL || y == NULL) ? x == y : strcmp(x, y) == 0;
}

/*
 * The tags of a row after the action: "add" the sorted union, "remove"
 * the row's tags but those given (and NULL elements), sorted, "set" the
 * given ones (already sorted and free of duplicates).
 */
static void
ApplyTagAction(TagRow *row, const char *action, char **tags, int ntags)
{
	int			i,
				n = 0;

	if (strcmp(action, "set") == 0)
	{
		row->after = tags;
		row->nafter = ntags;
	}
	else if (strcmp(action, "add") == 0)
	{
		char	  **all = palloc(sizeof(char *) * Max(row->nbefore + ntags, 1));

		memcpy(all, row->before, sizeof(char *) * row->nbefore);
		memcpy(all + row->nbefore, tags, sizeof(char *) * ntags);
		qsort(all, row->nbefore + ntags, sizeof(char *), CompareTags);
		for (i = 0; i < row->nbefore + ntags; i++)
			if (n == 0 || !SameTag(all[n - 1], all[i]))
				all[n++] = all[i];
		row->after = all;
		row->nafter = n;
	}
	else
	{
		char	  **kept = palloc(sizeof(char *) * Max(row->nbefore, 1));

		for (i = 0; i < row->nbefore; i++)
		{
			char	  **found = row->before[i] == NULL ? NULL :
				bsearch(&row->before[i], tags, ntags, sizeof(char *), CompareTags);

			if (row->before[i] != NULL && found == NULL)
				kept[n++] = row->before[i];
		}
		qsort(kept, n, sizeof(char *), CompareTags);
		row->after = kept;
		row->nafter = n;
	}
	row->changed = row->nbefore != row->nafter;
	for (i = 0; !row->changed && i < row->nafter; i++)
		row->changed = !SameTag(row->before[i], row->after[i]);
}

/*
 * Push a list of tags as a JSON array (null for a NULL element).
 */
static void
PushTags(JsonbParseState **state, char **tags, int n)
{
	JsonbValue	v;
	int			i;

	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < n; i++)
	{
		if (tags[i] == NULL)
			v.type = jbvNull;
		else
		{
			v.type = jbvString;
			v.val.string.val = tags[i];
			v.val.string.len = strlen(tags[i]);
		}
		pushJsonbValue(state, WJB_ELEM, &v);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/*
 * A text[] literal of a list of tags, for the UPDATE's parameter.
 */
static char *
TagsLiteral(char **tags, int n)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < n; i++)
	{
		const char *p;

		if (i > 0)
			appendStringInfoChar(&buf, ',');
		if (tags[i] == NULL)
		{
			appendStringInfoString(&buf, "NULL");
			continue;
		}
		appendStringInfoChar(&buf, '"');
		for (p = tags[i]; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				appendStringInfoChar(&buf, '\\');
			appendStringInfoChar(&buf, *p);
		}
		appendStringInfoChar(&buf, '"');
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * The activity-log detail of a row whose tags changed: PostHog's
 * {"name", "changes": [{"type", "action", "field": "tags", "before", "after"}]}.
 */
static Datum
TagChangeDetail(TagRow *row)
{
	JsonbParseState *state = NULL;
	JsonbValue *doc;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "name", row->name);
	ed_push_key(&state, "changes");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "type", ED_SCOPE_DEFINITION);
	ed_push_cstring_field(&state, "action", "changed");
	ed_push_cstring_field(&state, "field", "tags");
	ed_push_key(&state, "before");
	PushTags(&state, row->before, row->nbefore);
	ed_push_key(&state, "after");
	PushTags(&state, row->after, row->nafter);
	pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	doc = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(doc));
}

/*
 * Push an entry of "skipped": {"id", "reason": "Not found"}.
 */
static void
PushNotFound(JsonbParseState **state, pg_uuid_t *id)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(state, "id", ed_uuid_text(id));
	ed_push_cstring_field(state, "reason", "Not found");
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * bulk_update_tags(project_id, {"ids", "action", "tags"}) ->
 * {"updated": [{"id", "tags"}], "skipped": [{"id", "reason"}]}
 *
 * Two statements for the whole batch: one locks its rows in id order and
 * reads their tags; one updates the rows whose tags change and logs one
 * activity entry for each.  The new tags, the log details and the answer
 * are computed here in between.
 */
PG_FUNCTION_INFO_V1(ed_bulk_update_tags);

Datum
ed_bulk_update_tags(PG_FUNCTION_ARGS)
{
	static EdPlan lock_plan = {
		"SELECT d.id, d.name, d.tags FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id OPERATOR(pg_catalog.=) ANY ($2)"
		" ORDER BY d.id FOR UPDATE",
		2, {INT8OID, UUIDARRAYOID}
	};
	static EdPlan write_plan = {
		"WITH upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET tags = u.tags::text[]"
		" FROM ROWS FROM (pg_catalog.unnest($2::uuid[]), pg_catalog.unnest($3::text[])) AS u(id, tags)"
		" WHERE d.project_id = $1 AND d.id = u.id)"
		" INSERT INTO event_definitions_private.activity_log"
		" (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', u.id::text, 'changed', $5, u.detail"
		" FROM ROWS FROM (pg_catalog.unnest($2::uuid[]), pg_catalog.unnest($4::jsonb[]))"
		"  WITH ORDINALITY AS u(id, detail, ord)"
		" ORDER BY u.ord",
		5, {INT8OID, UUIDARRAYOID, TEXTARRAYOID, JSONBARRAYOID, INT4OID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	EdJson	   *body;
	EdJson	   *v;
	char	   *action = NULL;
	char	  **tags;
	int			ntags;
	int			nids;
	Datum		ids;
	pg_uuid_t **request_ids;
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	bool		user_null;
	int32		user_id;
	SPITupleTable *locked;
	int			nrows,
				nchanged = 0,
				i;
	TagRow	   *rows;
	HTAB	   *by_id;
	HASHCTL		ctl;
	Datum	   *changed_ids;
	Datum	   *changed_values;
	JsonbParseState *state = NULL;
	EdUserSwitch as_owner;
	Datum		result;

	SPI_connect();
	/* the project first, as PostHog resolves it before reading the body */
	ed_require_project(project_id);
	body = ed_body_arg(fcinfo, 1, "bulk_update_tags body");
	ids = ParseIds(body, &nids, &request_ids);

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

	user_id = ed_acting_user(&user_null);

	/* lock and read the rows, in id order, as the extension's owner */
	values[0] = Int64GetDatum(project_id);
	values[1] = ids;
	ed_become_owner(&as_owner);
	nrows = ed_exec(&lock_plan, values, NULL, false, 0);
	locked = SPI_tuptable;

	/* each row's tags after the action; rows found, by id */
	rows = palloc0(sizeof(TagRow) * Max(nrows, 1));
	ctl.keysize = sizeof(pg_uuid_t);
	ctl.entrysize = sizeof(TagRowEntry);
	ctl.hcxt = CurrentMemoryContext;
	by_id = hash_create("bulk_update_tags rows", Max(nrows, 16), &ctl,
						HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (i = 0; i < nrows; i++)
	{
		TagRow	   *row = &rows[i];
		bool		isnull;
		Datum	   *elems;
		bool	   *elem_nulls;
		int			j;

		CHECK_FOR_INTERRUPTS();
		row->id = *DatumGetUUIDP(SPI_getbinval(locked->vals[i], locked->tupdesc, 1, &isnull));
		row->name = TextDatumGetCString(SPI_getbinval(locked->vals[i], locked->tupdesc, 2, &isnull));
		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(locked->vals[i], locked->tupdesc, 3, &isnull)),
						  TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &row->nbefore);
		row->before = palloc(sizeof(char *) * Max(row->nbefore, 1));
		for (j = 0; j < row->nbefore; j++)
			row->before[j] = elem_nulls[j] ? NULL : TextDatumGetCString(elems[j]);
		ApplyTagAction(row, action, tags, ntags);
		nchanged += row->changed;
		((TagRowEntry *) hash_search(by_id, &row->id, HASH_ENTER, NULL))->row = row;
	}

	/* one statement writes and logs the rows that change, in id order */
	if (nchanged > 0)
	{
		int			n = 0;

		changed_ids = palloc(sizeof(Datum) * nchanged);
		changed_values = palloc(sizeof(Datum) * nchanged);
		for (i = 0; i < nrows; i++)
		{
			if (!rows[i].changed)
				continue;
			changed_ids[n] = UUIDPGetDatum(&rows[i].id);
			changed_values[n] = CStringGetTextDatum(TagsLiteral(rows[i].after, rows[i].nafter));
			n++;
		}
		values[1] = PointerGetDatum(construct_array(changed_ids, nchanged, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
		values[2] = PointerGetDatum(construct_array(changed_values, nchanged, TEXTOID, -1, false, TYPALIGN_INT));
		for (i = 0, n = 0; i < nrows; i++)
			if (rows[i].changed)
				changed_values[n++] = TagChangeDetail(&rows[i]);
		values[3] = PointerGetDatum(construct_array(changed_values, nchanged, JSONBOID, -1, false, TYPALIGN_INT));
		values[4] = Int32GetDatum(user_id);
		nulls[4] = user_null ? 'n' : ' ';
		ed_exec(&write_plan, values, nulls, false, 0);
	}
	ed_restore_user(&as_owner);

	/*
	 * The answer: the rows found, in the order their ids first appear in
	 * the request; every id not found, in request order (repeats too).
	 */
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_key(&state, "updated");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < nids; i++)
	{
		TagRowEntry *entry = hash_search(by_id, request_ids[i], HASH_FIND, NULL);

		if (entry == NULL || entry->row == NULL)
			continue;
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		ed_push_cstring_field(&state, "id", ed_uuid_text(&entry->row->id));
		ed_push_key(&state, "tags");
		PushTags(&state, entry->row->after, entry->row->nafter);
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
		entry->row = NULL;		/* answered once */
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	ed_push_key(&state, "skipped");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < nids; i++)
	{
		if (hash_search(by_id, request_ids[i], HASH_FIND, NULL) != NULL)
			continue;
		PushNotFound(&state, request_ids[i]);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * Push one change of a logged field, as changes() writes it.
 */
static void
PushFieldChange(JsonbParseState **state, const char *field, JsonbValue *before, JsonbValue *after)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(state, "type", ED_SCOPE_DEFINITION);
	ed_push_cstring_field(state, "action", "changed");
	ed_push_cstring_field(state, "field", field);
	ed_push_key(state, "before");
	pushJsonbValue(state, WJB_VALUE, before);
	ed_push_key(state, "after");
	pushJsonbValue(state, WJB_VALUE, after);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * bulk_update_verified(project_id, {"ids", "verified"}) ->
 * {"updated": [{"id", "verified"}], "skipped": [{"id", "reason"}]}.
 * Verifying also unhides (a definition is never both); unverifying clears
 * who verified and when.  Every id found is listed in "updated", in the
 * order ids first appear in the request; rows already in the requested
 * state are not written.  Ids not found are listed once each.
 *
 * As bulk_update_tags: one statement locks the rows in id order and reads
 * them, one writes and logs the rows that change, and the log details and
 * the answer are computed here.  The logged fields that
 * verification can change are verified and hidden.
 */
PG_FUNCTION_INFO_V1(ed_bulk_update_verified);

Datum
ed_bulk_update_verified(PG_FUNCTION_ARGS)
{
	static EdPlan lock_plan = {
		"SELECT d.id, d.name, d.verified, d.hidden FROM event_definitions_private.event_definitions d"
		" WHERE d.project_id = $1 AND d.id OPERATOR(pg_catalog.=) ANY ($2)"
		" ORDER BY d.id FOR UPDATE",
		2, {INT8OID, UUIDARRAYOID}
	};
	static EdPlan write_plan = {
		"WITH upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET"
		"  verified = $3,"
		"  verified_by_id = CASE WHEN $3 THEN $4 END,"
		"  verified_at = CASE WHEN $3 THEN pg_catalog.now() END,"
		"  hidden = CASE WHEN $3 THEN false ELSE d.hidden END,"
		"  updated_by_id = $4,"
		"  updated_at = pg_catalog.now()"
		" WHERE d.project_id = $1 AND d.id OPERATOR(pg_catalog.=) ANY ($2))"
		" INSERT INTO event_definitions_private.activity_log"
		" (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', u.id::text, 'changed', $4, u.detail"
		" FROM ROWS FROM (pg_catalog.unnest($2::uuid[]), pg_catalog.unnest($5::jsonb[]))"
		"  WITH ORDINALITY AS u(id, detail, ord)"
		" ORDER BY u.ord",
		5, {INT8OID, UUIDARRAYOID, BOOLOID, INT4OID, JSONBARRAYOID}
	};
	int64		project_id = ed_project_arg(fcinfo);
	EdJson	   *body;
	EdJson	   *v;
	int			nids;
	Datum		ids;
	pg_uuid_t **request_ids;
	bool		verified;
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	bool		user_null;
	int32		user_id;
	SPITupleTable *locked;
	int			nrows,
				nchanged = 0,
				i;
	HTAB	   *by_id;
	HASHCTL		ctl;
	Datum	   *changed_ids;
	Datum	   *details;
	JsonbParseState *state = NULL;
	JsonbValue	jv_before,
				jv_after;
	EdUserSwitch as_owner;
	Datum		result;

	SPI_connect();
	ed_require_project(project_id);
	body = ed_body_arg(fcinfo, 1, "bulk_update_verified body");
	ids = ParseIds(body, &nids, &request_ids);
	v = ed_json_get(body, "verified");
	if (v == NULL)
		ed_field_error("verified", "This field is required.");
	verified = ed_field_bool(v, "verified");

	user_id = ed_acting_user(&user_null);

	/* lock and read the rows, in id order, as the extension's owner */
	values[0] = Int64GetDatum(project_id);
	values[1] = ids;
	ed_become_owner(&as_owner);
	nrows = ed_exec(&lock_plan, values, NULL, false, 0);
	locked = SPI_tuptable;

	/* the rows that change, with their log details; the rows found, by id */
	ctl.keysize = sizeof(pg_uuid_t);
	ctl.entrysize = sizeof(AnsweredEntry);
	ctl.hcxt = CurrentMemoryContext;
	by_id = hash_create("bulk_update_verified rows", Max(nrows, 16), &ctl,
						HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	changed_ids = palloc(sizeof(Datum) * Max(nrows, 1));
	details = palloc(sizeof(Datum) * Max(nrows, 1));
	for (i = 0; i < nrows; i++)
	{
		HeapTuple	tuple = locked->vals[i];
		TupleDesc	desc = locked->tupdesc;
		bool		isnull;
		Datum		id = SPI_getbinval(tuple, desc, 1, &isnull);
		bool		was_verified = DatumGetBool(SPI_getbinval(tuple, desc, 3, &isnull));
		Datum		hidden = SPI_getbinval(tuple, desc, 4, &isnull);
		bool		hidden_null = isnull;
		AnsweredEntry *entry = hash_search(by_id, DatumGetUUIDP(id), HASH_ENTER, NULL);

		CHECK_FOR_INTERRUPTS();
		entry->answered = false;
		if (was_verified == verified)
			continue;

		/* {"name", "changes": [hidden (when verifying unhides it), verified]} */
		state = NULL;
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		ed_push_cstring_field(&state, "name",
							  TextDatumGetCString(SPI_getbinval(tuple, desc, 2, &isnull)));
		ed_push_key(&state, "changes");
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		if (verified && (hidden_null || DatumGetBool(hidden)))
		{
			if (hidden_null)
				jv_before.type = jbvNull;
			else
			{
				jv_before.type = jbvBool;
				jv_before.val.boolean = true;
			}
			jv_after.type = jbvBool;
			jv_after.val.boolean = false;
			PushFieldChange(&state, "hidden", &jv_before, &jv_after);
		}
		jv_before.type = jbvBool;
		jv_before.val.boolean = was_verified;
		jv_after.type = jbvBool;
		jv_after.val.boolean = verified;
		PushFieldChange(&state, "verified", &jv_before, &jv_after);
		pushJsonbValue(&state, WJB_END_ARRAY, NULL);
		details[nchanged] = JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
		changed_ids[nchanged++] = id;
	}

	/* one statement writes and logs the rows that change, in id order */
	if (nchanged > 0)
	{
		values[1] = PointerGetDatum(construct_array(changed_ids, nchanged, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
		values[2] = BoolGetDatum(verified);
		values[3] = Int32GetDatum(user_id);
		nulls[3] = user_null ? 'n' : ' ';
		values[4] = PointerGetDatum(construct_array(details, nchanged, JSONBOID, -1, false, TYPALIGN_INT));
		ed_exec(&write_plan, values, nulls, false, 0);
	}
	ed_restore_user(&as_owner);

	/* the answer: ids found, then ids not found, each once, in request order */
	state = NULL;
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_key(&state, "updated");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < nids; i++)
	{
		AnsweredEntry *entry = hash_search(by_id, request_ids[i], HASH_FIND, NULL);

		if (entry == NULL || entry->answered)
			continue;
		entry->answered = true;
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		ed_push_cstring_field(&state, "id", ed_uuid_text(request_ids[i]));
		ed_push_bool_field(&state, "verified", verified);
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	ed_push_key(&state, "skipped");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < nids; i++)
	{
		bool		found;
		AnsweredEntry *entry = hash_search(by_id, request_ids[i], HASH_ENTER, &found);

		if (found)
			continue;
		/* a missing id is remembered as answered, so a repeat is not listed again */
		entry->answered = true;
		PushNotFound(&state, request_ids[i]);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}
