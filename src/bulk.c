/*-------------------------------------------------------------------------
 *
 * bulk.c
 *	  The bulk calls (bulk_update_tags, bulk_update_verified,
 *	  bulk_delete_event_definitions): one pipeline for the whole batch,
 *	  never a statement per id.
 *
 * Each call is a BulkOp: what it reads of its body, what it reads of each
 * row, how it computes a row's new state and activity-log detail, the one
 * statement that writes and logs the rows that change, and what it answers
 * for a row.  The pipeline (BulkRun) does the rest, in named steps:
 *
 *	parse:	 the project (404 first, as PostHog), the ids, the op's fields;
 *	lock:	 one statement locks the batch's rows in id order (ORDER BY id
 *			 FOR UPDATE) and reads them, so concurrent batches over
 *			 overlapping ids queue behind each other instead of
 *			 deadlocking, and each computes from the rows it locked;
 *	compute: each row's new state and log detail, in C;
 *	write:	 one statement writes the rows that change and logs them;
 *	answer:	 the rows found, in the order their ids first appear in the
 *			 request, and the ids not found.
 *
 * Any rejection happens before the lock, so a rejected request writes
 * nothing.  Locking and writing run as the extension's owner, once the
 * caller's identity has been checked against the project.
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

/* A row of the batch, locked, with its op's state before and after. */
typedef struct BulkRow
{
	pg_uuid_t	id;
	char	   *name;
	void	   *before;			/* the op's reading of the row */
	void	   *after;			/* the op's new state of the row */
	bool		changed;
	bool		answered;
} BulkRow;

/* A batch: the request and the rows it found. */
typedef struct BulkBatch
{
	int64		project_id;
	int			nids;
	pg_uuid_t **ids;			/* in request order */
	Datum		id_array;		/* uuid[] of the same */
	Datum		user;			/* the acting user, or... */
	bool		user_null;		/* ...nobody */
	void	   *input;			/* the op's reading of the body */
	int			nrows;
	BulkRow    *rows;			/* in id order */
	HTAB	   *by_id;			/* id -> BulkRow * */
} BulkBatch;

/* A bulk call. */
typedef struct BulkOp
{
	const char *body_name;		/* for messages: "bulk_update_tags body" */
	bool		dedupe_skipped; /* a repeated missing id is skipped once */
	const char *updated_key;	/* "updated", or "deleted" */
	EdPlan	   *lock_plan;		/* $1 project, $2 uuid[]: id, name, the op's columns */
	void		(*parse) (EdJson *body, BulkBatch *batch);
	void		(*read) (BulkRow *row, HeapTuple tuple, TupleDesc desc, BulkBatch *batch);
	void		(*write) (BulkBatch *batch, int nchanged);
	void		(*push_row) (JsonbParseState **state, BulkRow *row, BulkBatch *batch);
} BulkOp;

/* An id's entry in the batch's hash of rows. */
typedef struct BulkRowEntry
{
	pg_uuid_t	id;				/* hash key */
	BulkRow    *row;
} BulkRowEntry;

/*
 * parse: the "ids" of a bulk body, 1 to 500 UUIDs in any form the uuid
 * type accepts, in request order with duplicates kept.
 */
static void
ParseIds(EdJson *body, BulkBatch *batch)
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
	batch->ids = palloc(sizeof(pg_uuid_t *) * v->len);
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
		batch->ids[i] = uuid;
	}
	batch->nids = v->len;
	batch->id_array = PointerGetDatum(construct_array(elems, v->len, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
}

/*
 * lock and compute: lock and read the batch's rows in id order, and have
 * the op compute each one's new state; returns how many change.
 */
static int
LockAndCompute(const BulkOp *op, BulkBatch *batch)
{
	Datum		values[2] = {Int64GetDatum(batch->project_id), batch->id_array};
	SPITupleTable *locked;
	HASHCTL		ctl;
	int			nchanged = 0;
	int			i;

	batch->nrows = ed_exec(op->lock_plan, values, NULL, false, 0);
	locked = SPI_tuptable;
	batch->rows = palloc0(sizeof(BulkRow) * Max(batch->nrows, 1));
	ctl.keysize = sizeof(pg_uuid_t);
	ctl.entrysize = sizeof(BulkRowEntry);
	ctl.hcxt = CurrentMemoryContext;
	batch->by_id = hash_create("event_definitions bulk rows", Max(batch->nrows, 16), &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (i = 0; i < batch->nrows; i++)
	{
		BulkRow    *row = &batch->rows[i];
		HeapTuple	tuple = locked->vals[i];
		bool		isnull;

		CHECK_FOR_INTERRUPTS();
		row->id = *DatumGetUUIDP(SPI_getbinval(tuple, locked->tupdesc, 1, &isnull));
		row->name = TextDatumGetCString(SPI_getbinval(tuple, locked->tupdesc, 2, &isnull));
		op->read(row, tuple, locked->tupdesc, batch);
		nchanged += row->changed;
		((BulkRowEntry *) hash_search(batch->by_id, &row->id, HASH_ENTER, NULL))->row = row;
	}
	return nchanged;
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
 * answer: {updated_key: [the rows found, each once, in the order their
 * ids first appear in the request], "skipped": [every id not found, in
 * request order, repeats once or each time as the op says]}.
 */
static Datum
Answer(const BulkOp *op, BulkBatch *batch)
{
	JsonbParseState *state = NULL;
	HTAB	   *missing = NULL;
	HASHCTL		ctl;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_key(&state, op->updated_key);
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < batch->nids; i++)
	{
		BulkRowEntry *entry = hash_search(batch->by_id, batch->ids[i], HASH_FIND, NULL);

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
		bool		seen = false;

		if (hash_search(batch->by_id, batch->ids[i], HASH_FIND, NULL) != NULL)
			continue;
		if (missing)
			(void) hash_search(missing, batch->ids[i], HASH_ENTER, &seen);
		if (!seen)
			PushNotFound(&state, batch->ids[i]);
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * Run a bulk call: parse, lock, compute, write, answer.
 */
static Datum
BulkRun(FunctionCallInfo fcinfo, const BulkOp *op)
{
	BulkBatch	batch;
	EdJson	   *body;
	EdUserSwitch as_owner;
	int			nchanged;
	bool		user_null;
	Datum		result;

	memset(&batch, 0, sizeof(batch));
	batch.project_id = ed_project_arg(fcinfo);
	SPI_connect();
	/* parse: the project first, as PostHog resolves it before reading the body */
	ed_require_project(batch.project_id);
	body = ed_body_arg(fcinfo, 1, op->body_name);
	ParseIds(body, &batch);
	op->parse(body, &batch);
	batch.user = Int32GetDatum(ed_acting_user(&user_null));
	batch.user_null = user_null;

	ed_become_owner(&as_owner);
	nchanged = LockAndCompute(op, &batch);
	if (nchanged > 0)
		op->write(&batch, nchanged);
	ed_restore_user(&as_owner);

	result = Answer(op, &batch);
	SPI_finish();
	return result;
}

/*
 * The changed rows' ids as a uuid[] Datum, in id order.
 */
static Datum
ChangedIds(BulkBatch *batch, int nchanged)
{
	Datum	   *ids = palloc(sizeof(Datum) * nchanged);
	int			i,
				n = 0;

	for (i = 0; i < batch->nrows; i++)
		if (batch->rows[i].changed)
			ids[n++] = UUIDPGetDatum(&batch->rows[i].id);
	return PointerGetDatum(construct_array(ids, nchanged, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
}

/*
 * A jsonb[] Datum of each changed row's log detail, built by detail(),
 * in id order.
 */
static Datum
ChangedDetails(BulkBatch *batch, int nchanged, Datum (*detail) (BulkRow *row))
{
	Datum	   *details = palloc(sizeof(Datum) * nchanged);
	int			i,
				n = 0;

	for (i = 0; i < batch->nrows; i++)
		if (batch->rows[i].changed)
			details[n++] = detail(&batch->rows[i]);
	return PointerGetDatum(construct_array(details, nchanged, JSONBOID, -1, false, TYPALIGN_INT));
}

/*
 * Push one change of a logged field, as changes() writes it:
 * {"type", "action": "changed", "field", "before", "after"}.
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

/* ---------------------------------------------------------------- tags */

static const char *const tag_actions[] = {"add", "remove", "set", NULL};

/* bulk_update_tags' request: the action and the normalized tags. */
typedef struct TagsInput
{
	char	   *action;
	char	  **tags;
	int			ntags;
} TagsInput;

/* A row's tags (NULL pointers for NULL elements). */
typedef struct TagList
{
	char	  **tags;
	int			n;
} TagList;

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
 * parse: "action" and "tags" (normalized, sorted, each once); add and
 * remove need at least one tag.
 */
static void
TagsParse(EdJson *body, BulkBatch *batch)
{
	TagsInput  *in = palloc0(sizeof(TagsInput));
	EdJson	   *v;

	v = ed_json_get(body, "action");
	if (v == NULL)
		ed_field_error("action", "This field is required.");
	if (!ed_field_choice(v, "action", tag_actions, &in->action))
		ed_field_error("action", "This field may not be null.");
	v = ed_json_get(body, "tags");
	if (v == NULL)
		ed_field_error("tags", "This field is required.");
	in->tags = ed_normalize_tags(v, "tags", &in->ntags);
	if (in->ntags == 0 && strcmp(in->action, "set") != 0)
		ed_field_error("tags", psprintf("tags must not be empty for action '%s'.", in->action));
	if ((int64) batch->nids * in->ntags > ED_MAX_BULK_CHANGES)
		ed_field_error(NULL, "Too many changes in one request: ids × distinct tags must not exceed 10000.");
	batch->input = in;
}

/*
 * The tags of a row after the action: "add" the sorted union, "remove"
 * the row's tags but those given (and NULL elements), sorted, "set" the
 * given ones (already sorted and free of duplicates).
 */
static TagList *
TagsAfter(TagList *before, TagsInput *in)
{
	TagList    *after = palloc(sizeof(TagList));
	int			i,
				n = 0;

	if (strcmp(in->action, "set") == 0)
	{
		after->tags = in->tags;
		after->n = in->ntags;
		return after;
	}
	if (strcmp(in->action, "add") == 0)
	{
		after->tags = palloc(sizeof(char *) * Max(before->n + in->ntags, 1));
		memcpy(after->tags, before->tags, sizeof(char *) * before->n);
		memcpy(after->tags + before->n, in->tags, sizeof(char *) * in->ntags);
		qsort(after->tags, before->n + in->ntags, sizeof(char *), CompareTags);
		for (i = 0; i < before->n + in->ntags; i++)
			if (n == 0 || !SameTag(after->tags[n - 1], after->tags[i]))
				after->tags[n++] = after->tags[i];
	}
	else
	{
		after->tags = palloc(sizeof(char *) * Max(before->n, 1));
		for (i = 0; i < before->n; i++)
			if (before->tags[i] != NULL &&
				bsearch(&before->tags[i], in->tags, in->ntags, sizeof(char *), CompareTags) == NULL)
				after->tags[n++] = before->tags[i];
		qsort(after->tags, n, sizeof(char *), CompareTags);
	}
	after->n = n;
	return after;
}

/*
 * compute: a row's tags before (column 3) and after the action.
 */
static void
TagsRead(BulkRow *row, HeapTuple tuple, TupleDesc desc, BulkBatch *batch)
{
	TagList    *before = palloc(sizeof(TagList));
	TagList    *after;
	Datum	   *elems;
	bool	   *nulls;
	bool		isnull;
	int			i;

	deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(tuple, desc, 3, &isnull)),
					  TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &before->n);
	before->tags = palloc(sizeof(char *) * Max(before->n, 1));
	for (i = 0; i < before->n; i++)
		before->tags[i] = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
	after = TagsAfter(before, batch->input);
	row->changed = before->n != after->n;
	for (i = 0; !row->changed && i < after->n; i++)
		row->changed = !SameTag(before->tags[i], after->tags[i]);
	row->before = before;
	row->after = after;
}

/*
 * Push a list of tags as a JSON array (null for a NULL element).
 */
static void
PushTags(JsonbParseState **state, TagList *list)
{
	JsonbValue	v;
	int			i;

	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < list->n; i++)
	{
		if (list->tags[i] == NULL)
			v.type = jbvNull;
		else
		{
			v.type = jbvString;
			v.val.string.val = list->tags[i];
			v.val.string.len = strlen(list->tags[i]);
		}
		pushJsonbValue(state, WJB_ELEM, &v);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/*
 * A text[] literal of a list of tags, for the UPDATE's parameter.
 */
static char *
TagsLiteral(TagList *list)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < list->n; i++)
	{
		const char *p;

		if (i > 0)
			appendStringInfoChar(&buf, ',');
		if (list->tags[i] == NULL)
		{
			appendStringInfoString(&buf, "NULL");
			continue;
		}
		appendStringInfoChar(&buf, '"');
		for (p = list->tags[i]; *p; p++)
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
 * The log detail of a row whose tags changed: PostHog's
 * {"name", "changes": [{"type", "action", "field": "tags", "before", "after"}]}.
 */
static Datum
TagsDetail(BulkRow *row)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "name", row->name);
	ed_push_key(&state, "changes");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "type", ED_SCOPE_DEFINITION);
	ed_push_cstring_field(&state, "action", "changed");
	ed_push_cstring_field(&state, "field", "tags");
	ed_push_key(&state, "before");
	PushTags(&state, row->before);
	ed_push_key(&state, "after");
	PushTags(&state, row->after);
	pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * write: one statement updates the rows whose tags change and logs one
 * activity entry for each, in id order.
 */
static void
TagsWrite(BulkBatch *batch, int nchanged)
{
	static EdPlan plan = {
		"WITH upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET tags = u.tags::text[]"
		" FROM ROWS FROM (unnest($2::uuid[]), unnest($3::text[])) AS u(id, tags)"
		" WHERE d.project_id = $1 AND d.id = u.id)"
		" INSERT INTO event_definitions_private.activity_log"
		" (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', u.id::text, 'changed', $5, u.detail"
		" FROM ROWS FROM (unnest($2::uuid[]), unnest($4::jsonb[])) WITH ORDINALITY AS u(id, detail, ord)"
		" ORDER BY u.ord",
		5, {INT8OID, UUIDARRAYOID, TEXTARRAYOID, JSONBARRAYOID, INT4OID}
	};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', batch->user_null ? 'n' : ' '};
	Datum	   *literals = palloc(sizeof(Datum) * nchanged);
	int			i,
				n = 0;

	for (i = 0; i < batch->nrows; i++)
		if (batch->rows[i].changed)
			literals[n++] = CStringGetTextDatum(TagsLiteral(batch->rows[i].after));
	values[0] = Int64GetDatum(batch->project_id);
	values[1] = ChangedIds(batch, nchanged);
	values[2] = PointerGetDatum(construct_array(literals, nchanged, TEXTOID, -1, false, TYPALIGN_INT));
	values[3] = ChangedDetails(batch, nchanged, TagsDetail);
	values[4] = batch->user;
	ed_exec(&plan, values, nulls, false, 0);
}

/*
 * answer: {"id", "tags"} of a row (its tags after the action, changed or
 * not).
 */
static void
TagsPushRow(JsonbParseState **state, BulkRow *row, BulkBatch *batch)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(state, "id", ed_uuid_text(&row->id));
	ed_push_key(state, "tags");
	PushTags(state, row->after);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

static EdPlan tags_lock_plan = {
	"SELECT d.id, d.name, d.tags FROM event_definitions_private.event_definitions d"
	" WHERE d.project_id = $1 AND d.id = ANY ($2) ORDER BY d.id FOR UPDATE",
	2, {INT8OID, UUIDARRAYOID}
};

/*
 * bulk_update_tags: PostHog's skipped lists a repeated missing id each
 * time.
 */
static const BulkOp tags_op = {
	"bulk_update_tags body", false, "updated", &tags_lock_plan,
	TagsParse, TagsRead, TagsWrite, TagsPushRow
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

/* A row's verified and hidden (hidden may be NULL). */
typedef struct VerifiedState
{
	bool		verified;
	bool		hidden;
	bool		hidden_null;
} VerifiedState;

/*
 * parse: "verified", a boolean.
 */
static void
VerifiedParse(EdJson *body, BulkBatch *batch)
{
	EdJson	   *v = ed_json_get(body, "verified");
	bool	   *verified = palloc(sizeof(bool));

	if (v == NULL)
		ed_field_error("verified", "This field is required.");
	*verified = ed_field_bool(v, "verified");
	batch->input = verified;
}

/*
 * compute: a row changes when its verified differs from the request's;
 * verifying also unhides.
 */
static void
VerifiedRead(BulkRow *row, HeapTuple tuple, TupleDesc desc, BulkBatch *batch)
{
	VerifiedState *before = palloc(sizeof(VerifiedState));
	bool		isnull;
	Datum		hidden;

	before->verified = DatumGetBool(SPI_getbinval(tuple, desc, 3, &isnull));
	hidden = SPI_getbinval(tuple, desc, 4, &isnull);
	before->hidden_null = isnull;
	before->hidden = !isnull && DatumGetBool(hidden);
	row->before = before;
	row->changed = before->verified != *(bool *) batch->input;
}

/*
 * The log detail of a row whose verification changed: {"name", "changes":
 * [hidden (when verifying unhides it), verified]}.  Verifying is the
 * change when the row was unverified.
 */
static Datum
VerifiedDetail(BulkRow *row)
{
	VerifiedState *before = row->before;
	bool		verified = !before->verified;
	JsonbParseState *state = NULL;
	JsonbValue	jv_before,
				jv_after;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(&state, "name", row->name);
	ed_push_key(&state, "changes");
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	if (verified && (before->hidden_null || before->hidden))
	{
		jv_before.type = before->hidden_null ? jbvNull : jbvBool;
		jv_before.val.boolean = true;
		jv_after.type = jbvBool;
		jv_after.val.boolean = false;
		PushFieldChange(&state, "hidden", &jv_before, &jv_after);
	}
	jv_before.type = jbvBool;
	jv_before.val.boolean = before->verified;
	jv_after.type = jbvBool;
	jv_after.val.boolean = verified;
	PushFieldChange(&state, "verified", &jv_before, &jv_after);
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * write: one statement sets (or clears) verification of the rows that
 * change, verifying unhides, and logs each, in id order.
 */
static void
VerifiedWrite(BulkBatch *batch, int nchanged)
{
	static EdPlan plan = {
		"WITH upd AS ("
		" UPDATE event_definitions_private.event_definitions d SET"
		"  verified = $3,"
		"  verified_by_id = CASE WHEN $3 THEN $4 END,"
		"  verified_at = CASE WHEN $3 THEN now() END,"
		"  hidden = CASE WHEN $3 THEN false ELSE d.hidden END,"
		"  updated_by_id = $4,"
		"  updated_at = now()"
		" WHERE d.project_id = $1 AND d.id = ANY ($2))"
		" INSERT INTO event_definitions_private.activity_log"
		" (project_id, scope, item_id, activity, user_id, detail)"
		" SELECT $1, '" ED_SCOPE_DEFINITION "', u.id::text, 'changed', $4, u.detail"
		" FROM ROWS FROM (unnest($2::uuid[]), unnest($5::jsonb[])) WITH ORDINALITY AS u(id, detail, ord)"
		" ORDER BY u.ord",
		5, {INT8OID, UUIDARRAYOID, BOOLOID, INT4OID, JSONBARRAYOID}
	};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', batch->user_null ? 'n' : ' ', ' '};

	values[0] = Int64GetDatum(batch->project_id);
	values[1] = ChangedIds(batch, nchanged);
	values[2] = BoolGetDatum(*(bool *) batch->input);
	values[3] = batch->user;
	values[4] = ChangedDetails(batch, nchanged, VerifiedDetail);
	ed_exec(&plan, values, nulls, false, 0);
}

/*
 * answer: {"id", "verified"} of a row.
 */
static void
VerifiedPushRow(JsonbParseState **state, BulkRow *row, BulkBatch *batch)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	ed_push_cstring_field(state, "id", ed_uuid_text(&row->id));
	ed_push_bool_field(state, "verified", *(bool *) batch->input);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

static EdPlan verified_lock_plan = {
	"SELECT d.id, d.name, d.verified, d.hidden FROM event_definitions_private.event_definitions d"
	" WHERE d.project_id = $1 AND d.id = ANY ($2) ORDER BY d.id FOR UPDATE",
	2, {INT8OID, UUIDARRAYOID}
};

/*
 * bulk_update_verified: PostHog dedupes the ids first, so a repeated
 * missing id is skipped once.
 */
static const BulkOp verified_op = {
	"bulk_update_verified body", true, "updated", &verified_lock_plan,
	VerifiedParse, VerifiedRead, VerifiedWrite, VerifiedPushRow
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
