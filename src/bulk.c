/*-------------------------------------------------------------------------
 *
 * bulk.c
 *	  The bulk calls (bulk_update_tags, bulk_update_verified,
 *	  bulk_delete_event_definitions): one statement for the whole batch,
 *	  never a statement per id.
 *
 * Each call is a BulkOp: what it reads of its body (the parameters of its
 * statement), the one statement that locks, writes and logs the batch, and
 * what it answers for a row.  The pipeline (BulkRun) does the rest:
 *
 *	parse:	 the project (404 first, as PostHog), the ids, the op's fields;
 *	run:	 the op's statement, in one pass: it locks the batch's rows in id
 *			 order (ORDER BY id FOR UPDATE), so concurrent batches over
 *			 overlapping ids queue behind each other instead of deadlocking,
 *			 computes each row's new state from the row it locked, writes
 *			 the rows that change, logs one activity entry for each, in id
 *			 order, and answers every row it locked;
 *	answer:	 the rows found, in the order their ids first appear in the
 *			 request, and the ids not found.
 *
 * Any rejection happens before the statement, so a rejected request writes
 * nothing.  The statement runs as the extension's owner, once the caller's
 * identity has been checked against the project.
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
#include "nameset.h"
#include "render.h"

#define ED_MAX_BULK_CHANGES 10000
/* the statements' parameters: $1 project, $2 ids, $3 user, then the op's */
#define BULK_MAX_PARAMS 5

/* A row the statement locked: its id and its answer columns (id first). */
typedef struct BulkRow
{
	pg_uuid_t	id;
	HeapTuple	tuple;
	bool		answered;
} BulkRow;

/* A batch: the request and the rows it found. */
typedef struct BulkBatch
{
	int64		project_id;
	int			nids;
	pg_uuid_t **ids;			/* in request order; NULL for a malformed id */
	char	  **texts;			/* the ids as sent */
	Datum		params[BULK_MAX_PARAMS];	/* $1 project, $2 uuid[], $3 user, ... */
	char		nulls[BULK_MAX_PARAMS];
	void	   *input;			/* the op's reading of the body */
	int			nrows;
	BulkRow    *rows;			/* in id order */
	TupleDesc	desc;
	HTAB	   *by_id;			/* id -> BulkRow * */
} BulkBatch;

/* A bulk call. */
typedef struct BulkOp
{
	const char *body_name;		/* for messages: "bulk_update_tags body" */
	bool		dedupe_skipped; /* a repeated missing id is skipped once */
	bool		skip_malformed; /* an id that is no UUID is skipped, not a 400 */
	const char *updated_key;	/* "updated", or "deleted" */
	EdPlan	   *plan;			/* lock, write, log; answers id, the op's columns */
	void		(*parse) (EdJson *body, BulkBatch *batch);
	void		(*push_row) (JsonbParseState **state, BulkRow *row, BulkBatch *batch);
} BulkOp;

/* An id's entry in the batch's hash of rows. */
typedef struct BulkRowEntry
{
	pg_uuid_t	id;				/* hash key */
	BulkRow    *row;
} BulkRowEntry;

/*
 * The statements lock the batch's rows in id order, as the extension's
 * owner; "locked" is that first step of each.  An update changes no key
 * (FOR NO KEY UPDATE: a schema may still be attached meanwhile), a delete
 * takes the row (FOR UPDATE).
 */
#define BULK_LOCKED(columns, strength) \
	"WITH locked AS MATERIALIZED (" \
	" SELECT " columns " FROM event_definitions_private.event_definitions d" \
	" WHERE d.project_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) ANY ($2)" \
	" ORDER BY d.id FOR " strength ")"

/*
 * parse: the "ids" of a bulk body, 1 to 500 UUIDs in any form the uuid
 * type accepts, in request order with duplicates kept.  A string that is
 * no UUID is an error, or (skip_malformed) an id that finds nothing.
 */
static void
ParseIds(EdJson *body, BulkBatch *batch, bool skip_malformed)
{
	EdJson	   *v = ed_json_get(body, "ids");
	Datum	   *elems;
	int			nelems = 0;
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
	batch->ids = palloc(sizeof(pg_uuid_t *) * v->len);
	batch->texts = palloc(sizeof(char *) * v->len);
	for (i = 0; i < v->len; i++)
	{
		EdJson	   *item = v->items[i];
		bool		ok = false;
		pg_uuid_t  *uuid = NULL;

		CHECK_FOR_INTERRUPTS();
		if (item->type == EDJ_STRING)
			uuid = ed_parse_uuid(item->str, &ok);
		if (!ok && !(skip_malformed && item->type == EDJ_STRING))
			ed_field_error(psprintf("ids__%d", i), "Must be a valid UUID.");
		batch->ids[i] = ok ? uuid : NULL;
		batch->texts[i] = item->str;
		if (ok)
			elems[nelems++] = UUIDPGetDatum(uuid);
	}
	batch->nids = v->len;
	batch->params[1] = PointerGetDatum(construct_array(elems, nelems, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
}

/*
 * run: the op's statement, which locks, writes and logs the batch and
 * answers its locked rows (in id order); keep them by id.
 */
static void
RunStatement(const BulkOp *op, BulkBatch *batch)
{
	SPITupleTable *locked;
	HASHCTL		ctl;
	int			i;

	batch->nrows = ed_exec(op->plan, batch->params, batch->nulls, false, 0);
	locked = SPI_tuptable;
	batch->desc = locked->tupdesc;
	batch->rows = palloc0(sizeof(BulkRow) * Max(batch->nrows, 1));
	ctl.keysize = sizeof(pg_uuid_t);
	ctl.entrysize = sizeof(BulkRowEntry);
	ctl.hcxt = CurrentMemoryContext;
	batch->by_id = hash_create("event_definitions bulk rows", Max(batch->nrows, 16), &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (i = 0; i < batch->nrows; i++)
	{
		BulkRow    *row = &batch->rows[i];
		bool		isnull;

		CHECK_FOR_INTERRUPTS();
		row->tuple = locked->vals[i];
		row->id = *DatumGetUUIDP(SPI_getbinval(row->tuple, batch->desc, 1, &isnull));
		((BulkRowEntry *) hash_search(batch->by_id, &row->id, HASH_ENTER, NULL))->row = row;
	}
}

/*
 * Push an entry of "skipped": {"id", "reason": "Not found"}, the id in
 * canonical form, or as sent when it is no UUID.
 */
static void
PushNotFound(JsonbParseState **state, pg_uuid_t *id, const char *text)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(state, "id", id ? ed_uuid_text(id) : text);
	ed_push_cstring_field(state, "reason", "Not found");
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * Has a missing id been skipped already?  Marks it as skipped.
 */
static bool
SkippedBefore(HTAB *missing, NameSet *malformed, pg_uuid_t *id, const char *text)
{
	bool		seen;

	if (id == NULL)
	{
		seen = nameset_contains(malformed, text);
		if (!seen)
			nameset_add(malformed, text);
		return seen;
	}
	(void) hash_search(missing, id, HASH_ENTER, &seen);
	return seen;
}

/*
 * answer: {updated_key: [the rows found, each once, in the order their
 * ids first appear in the request], "skipped": [every id not found, in
 * request order, repeats once or each time as the op says]}.
 */
static Datum
Answer(const BulkOp *op, BulkBatch *batch)
{
	JsonbParseState *state = NULL;
	HTAB	   *missing = NULL;
	NameSet		malformed = {0};
	HASHCTL		ctl;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_key(&state, op->updated_key);
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < batch->nids; i++)
	{
		BulkRowEntry *entry;

		CHECK_FOR_INTERRUPTS();
		if (batch->ids[i] == NULL)
			continue;
		entry = hash_search(batch->by_id, batch->ids[i], HASH_FIND, NULL);
		if (entry == NULL || entry->row->answered)
			continue;
		entry->row->answered = true;
		op->push_row(&state, entry->row, batch);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);

	if (op->dedupe_skipped)
	{
		ctl.keysize = sizeof(pg_uuid_t);
		ctl.entrysize = sizeof(pg_uuid_t);
		ctl.hcxt = CurrentMemoryContext;
		missing = hash_create("event_definitions bulk skipped", 16, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	ed_push_key(&state, "skipped");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < batch->nids; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (batch->ids[i] != NULL && hash_search(batch->by_id, batch->ids[i], HASH_FIND, NULL) != NULL)
			continue;
		if (missing && SkippedBefore(missing, &malformed, batch->ids[i], batch->texts[i]))
			continue;
		PushNotFound(&state, batch->ids[i], batch->texts[i]);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * Run a bulk call: parse, run, answer.
 */
static Datum
BulkRun(FunctionCallInfo fcinfo, const BulkOp *op)
{
	BulkBatch	batch;
	EdJson	   *body;
	EdUserSwitch as_owner;
	bool		user_null;
	Datum		result;

	memset(&batch, 0, sizeof(batch));
	memset(batch.nulls, ' ', sizeof(batch.nulls));
	batch.project_id = ed_project_arg(fcinfo);
	batch.params[0] = Int64GetDatum(batch.project_id);
	SPI_connect();
	/* parse: the project first, as PostHog resolves it before reading the body */
	ed_require_project(batch.project_id);
	body = ed_body_arg(fcinfo, 1, op->body_name);
	ParseIds(body, &batch, op->skip_malformed);
	op->parse(body, &batch);
	batch.params[2] = Int32GetDatum(ed_acting_user(&user_null));
	batch.nulls[2] = user_null ? 'n' : ' ';

	ed_become_owner(&as_owner);
	RunStatement(op, &batch);
	ed_restore_user(&as_owner);

	result = Answer(op, &batch);
	SPI_finish();
	return result;
}

/* ---------------------------------------------------------------- tags */

static const char *const tag_actions[] = {"add", "remove", "set", NULL};

/*
 * parse: "action" and "tags" (normalized, sorted, each once) as $4 and
 * $5; add and remove need at least one tag.
 */
static void
TagsParse(EdJson *body, BulkBatch *batch)
{
	EdJson	   *v;
	char	   *action;
	char	  **tags;
	int			ntags;

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
	if ((int64) batch->nids * ntags > ED_MAX_BULK_CHANGES)
		ed_field_error(NULL, "Too many changes in one request: ids × distinct tags must not exceed 10000.");
	batch->params[3] = CStringGetTextDatum(action);
	batch->params[4] = ed_text_array(tags, ntags);
}

/*
 * Push a text[] as a JSON array (null for a NULL element).
 */
static void
PushTags(JsonbParseState **state, Datum array)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;
	JsonbValue	v;

	deconstruct_array(DatumGetArrayTypeP(array), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			v.type = jbvNull;
		else
		{
			text	   *t = DatumGetTextPP(elems[i]);

			v.type = jbvString;
			v.val.string.val = VARDATA_ANY(t);
			v.val.string.len = VARSIZE_ANY_EXHDR(t);
		}
		pushJsonbValue(state, WJB_ELEM, &v);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/*
 * answer: {"id", "tags"} of a row (its tags after the action, changed or
 * not: column 2).
 */
static void
TagsPushRow(JsonbParseState **state, BulkRow *row, BulkBatch *batch)
{
	bool		isnull;

	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(state, "id", ed_uuid_text(&row->id));
	ed_push_key(state, "tags");
	PushTags(state, SPI_getbinval(row->tuple, batch->desc, 2, &isnull));
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * The tags after the action ($4, with the normalized tags $5): "add" the
 * sorted union (one NULL element at most, last), "remove" the row's tags
 * but those given and NULL elements, sorted, "set" the given ones.  The
 * rows whose tags change are written and logged with PostHog's
 * {"name", "changes": [{"type", "action", "field": "tags", "before",
 * "after"}]}.
 */
static EdPlan tags_plan = {
	BULK_LOCKED("d.id, d.name, d.tags", "NO KEY UPDATE") ","
	" computed AS MATERIALIZED ("
	" SELECT l.id, l.name, l.tags AS before,"
	"  CASE $4::pg_catalog.text"
	"   WHEN 'set' THEN $5::pg_catalog.text[]"
	"   WHEN 'add' THEN ARRAY(SELECT DISTINCT t COLLATE \"C\""
	"    FROM pg_catalog.unnest(l.tags OPERATOR(pg_catalog.||) $5::pg_catalog.text[]) t ORDER BY 1)"
	"   ELSE ARRAY(SELECT t FROM pg_catalog.unnest(l.tags) t"
	"    WHERE t IS NOT NULL AND NOT t OPERATOR(pg_catalog.=) ANY ($5::pg_catalog.text[])"
	"    ORDER BY t COLLATE \"C\") END AS after"
	" FROM locked l),"
	" changed AS MATERIALIZED ("
	" SELECT c.id, c.name, c.before, c.after FROM computed c WHERE c.after IS DISTINCT FROM c.before),"
	" upd AS ("
	" UPDATE event_definitions_private.event_definitions d SET tags = c.after FROM changed c"
	" WHERE d.project_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) c.id),"
	" log AS ("
	" INSERT INTO event_definitions_private.activity_log"
	" (project_id, scope, item_id, activity, user_id, detail)"
	" SELECT $1, '" ED_SCOPE_DEFINITION "', c.id::pg_catalog.text, 'changed', $3,"
	"  pg_catalog.jsonb_build_object('name', c.name, 'changes', pg_catalog.jsonb_build_array("
	"   pg_catalog.jsonb_build_object('type', '" ED_SCOPE_DEFINITION "', 'action', 'changed', 'field', 'tags',"
	"    'before', pg_catalog.to_jsonb(c.before), 'after', pg_catalog.to_jsonb(c.after))))"
	" FROM changed c ORDER BY c.id)"
	" SELECT c.id, c.after FROM computed c",
	5, {INT8OID, UUIDARRAYOID, INT4OID, TEXTOID, TEXTARRAYOID}
};

/*
 * bulk_update_tags: PostHog's skipped lists a repeated missing id each
 * time.
 */
static const BulkOp tags_op = {
	"bulk_update_tags body", false, false, "updated", &tags_plan, TagsParse, TagsPushRow
};

PG_FUNCTION_INFO_V1(ed_bulk_update_tags);

/*
 * bulk_update_tags(project_id, {"ids", "action", "tags"}) ->
 * {"updated": [{"id", "tags"}], "skipped": [{"id", "reason"}]}
 */
Datum
ed_bulk_update_tags(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(BulkRun(fcinfo, &tags_op));
}

/* ------------------------------------------------------------ verified */

/*
 * parse: "verified", a boolean, as $4.
 */
static void
VerifiedParse(EdJson *body, BulkBatch *batch)
{
	EdJson	   *v = ed_json_get(body, "verified");

	if (v == NULL)
		ed_field_error("verified", "This field is required.");
	batch->params[3] = BoolGetDatum(ed_field_bool(v, "verified"));
}

/*
 * answer: {"id", "verified"} of a row.
 */
static void
VerifiedPushRow(JsonbParseState **state, BulkRow *row, BulkBatch *batch)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(state, "id", ed_uuid_text(&row->id));
	ed_push_bool_field(state, "verified", DatumGetBool(batch->params[3]));
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* one change of the log detail: {"type", "action": "changed", "field", "before", "after"} */
#define VERIFIED_CHANGE(field, before, after) \
	"pg_catalog.jsonb_build_object('type', '" ED_SCOPE_DEFINITION "', 'action', 'changed'," \
	" 'field', '" field "', 'before', " before ", 'after', " after ")"

/*
 * The rows whose verified differs from $4 change: verification set (or
 * cleared), verifying also unhides; each is logged with {"name",
 * "changes": [hidden (when verifying unhides it), verified]}.
 */
static EdPlan verified_plan = {
	BULK_LOCKED("d.id, d.name, d.verified, d.hidden", "NO KEY UPDATE") ","
	" upd AS ("
	" UPDATE event_definitions_private.event_definitions d SET"
	"  verified = $4,"
	"  verified_by_id = CASE WHEN $4 THEN $3 END,"
	"  verified_at = CASE WHEN $4 THEN pg_catalog.now() END,"
	"  hidden = CASE WHEN $4 THEN false ELSE d.hidden END,"
	"  updated_by_id = $3,"
	"  updated_at = pg_catalog.now()"
	" FROM locked l WHERE d.project_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) l.id"
	"  AND l.verified OPERATOR(pg_catalog.<>) $4),"
	" log AS ("
	" INSERT INTO event_definitions_private.activity_log"
	" (project_id, scope, item_id, activity, user_id, detail)"
	" SELECT $1, '" ED_SCOPE_DEFINITION "', l.id::pg_catalog.text, 'changed', $3,"
	"  pg_catalog.jsonb_build_object('name', l.name, 'changes',"
	"   CASE WHEN $4 AND l.hidden IS NOT FALSE"
	"    THEN pg_catalog.jsonb_build_array(" VERIFIED_CHANGE("hidden", "l.hidden", "false") ","
	"     " VERIFIED_CHANGE("verified", "l.verified", "$4") ")"
	"    ELSE pg_catalog.jsonb_build_array(" VERIFIED_CHANGE("verified", "l.verified", "$4") ") END)"
	" FROM locked l WHERE l.verified OPERATOR(pg_catalog.<>) $4 ORDER BY l.id)"
	" SELECT l.id FROM locked l",
	4, {INT8OID, UUIDARRAYOID, INT4OID, BOOLOID}
};

/*
 * bulk_update_verified: PostHog dedupes the ids first, so a repeated
 * missing id is skipped once.
 */
static const BulkOp verified_op = {
	"bulk_update_verified body", true, false, "updated", &verified_plan, VerifiedParse, VerifiedPushRow
};

PG_FUNCTION_INFO_V1(ed_bulk_update_verified);

/*
 * bulk_update_verified(project_id, {"ids", "verified"}) ->
 * {"updated": [{"id", "verified"}], "skipped": [{"id", "reason"}]}.
 * Verifying also unhides (a definition is never both); unverifying clears
 * who verified and when.  Rows already in the requested state are listed
 * but not written.
 */
Datum
ed_bulk_update_verified(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(BulkRun(fcinfo, &verified_op));
}

/* -------------------------------------------------------------- delete */

/*
 * parse: nothing beyond the ids.
 */
static void
DeleteParse(EdJson *body, BulkBatch *batch)
{
}

/*
 * answer: the id of a deleted row.
 */
static void
DeletePushRow(JsonbParseState **state, BulkRow *row, BulkBatch *batch)
{
	char	   *id = ed_uuid_text(&row->id);
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = id;
	v.val.string.len = strlen(id);
	pushJsonbValue(state, WJB_ELEM, &v);
}

/*
 * The locked rows are deleted (with their schemas, by the foreign key, and
 * their violations and usage, by triggers) and each is logged as
 * delete_event_definition logs it.
 */
static EdPlan delete_plan = {
	BULK_LOCKED("d.id", "UPDATE") ","
	" del AS ("
	" DELETE FROM event_definitions_private.event_definitions d USING locked l"
	" WHERE d.project_id OPERATOR(pg_catalog.=) $1 AND d.id OPERATOR(pg_catalog.=) l.id"
	" RETURNING d.id, d.name, event_definitions_private.snapshot(d) AS snap),"
	" log AS ("
	" INSERT INTO event_definitions_private.activity_log"
	" (project_id, scope, item_id, activity, user_id, detail)"
	" SELECT $1, '" ED_SCOPE_DEFINITION "', x.id::pg_catalog.text, 'deleted', $3,"
	"  pg_catalog.jsonb_build_object('name', x.name, 'changes',"
	"   event_definitions_private.changes(x.snap, NULL, 'deleted', '" ED_SCOPE_DEFINITION "'))"
	" FROM del x ORDER BY x.id)"
	" SELECT l.id FROM locked l",
	3, {INT8OID, UUIDARRAYOID, INT4OID}
};

/*
 * bulk_delete_event_definitions: the ids are deduplicated, and one that is
 * no UUID finds nothing (as delete_event_definition answers 404 for it).
 */
static const BulkOp delete_op = {
	"bulk_delete_event_definitions body", true, true, "deleted", &delete_plan, DeleteParse, DeletePushRow
};

PG_FUNCTION_INFO_V1(ed_bulk_delete_event_definitions);

/*
 * bulk_delete_event_definitions(project_id, {"ids"}) ->
 * {"deleted": [ids], "skipped": [{"id", "reason"}]}
 */
Datum
ed_bulk_delete_event_definitions(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(BulkRun(fcinfo, &delete_op));
}
