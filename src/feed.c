/*-------------------------------------------------------------------------
 *
 * feed.c
 *	  The change feed: one NOTIFY event_definitions per activity-log entry,
 *	  sent at commit (never for rolled-back work).
 *
 * A statement-level trigger on the activity log reads the statement's new
 * entries (its transition table) and queues one notification for each, in
 * the order they were written: a bulk call's 500 entries cost one trigger
 * call, not 500.  The payload names the changed fields, not their values
 * (LISTEN needs no privilege), exactly as json_build_object() and
 * json_agg() write it:
 *
 *	{"project_id" : 7, "scope" : "EventDefinition", "id" : "...",
 *	 "action" : "changed", "fields" : ["tags"]}
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/async.h"
#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "event_definitions.h"

/* The columns of an activity-log entry that the payload reads. */
typedef struct FeedColumns
{
	AttrNumber	project_id;
	AttrNumber	scope;
	AttrNumber	item_id;
	AttrNumber	activity;
	AttrNumber	detail;
} FeedColumns;

/*
 * The attribute number of a column of the activity log.
 */
static AttrNumber
FeedColumn(TupleDesc desc, const char *name)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(desc, i);

		if (!attr->attisdropped && strcmp(NameStr(attr->attname), name) == 0)
			return attr->attnum;
	}
	elog(ERROR, "activity log has no column \"%s\"", name);
	return InvalidAttrNumber;	/* keep compiler quiet */
}

/*
 * Append a text column as a JSON string, or null.
 */
static void
AppendTextValue(StringInfo buf, TupleTableSlot *slot, AttrNumber attnum)
{
	bool		isnull;
	Datum		value = slot_getattr(slot, attnum, &isnull);

	if (isnull)
		appendStringInfoString(buf, "null");
	else
		escape_json(buf, TextDatumGetCString(value));
}

/*
 * Append one element of "fields": what ->> 'field' gives for a change,
 * as json_agg() writes a text value (null for none).
 */
static void
AppendField(StringInfo buf, JsonbValue *change)
{
	JsonbValue *field = NULL;

	if (change->type == jbvBinary && JsonContainerIsObject(change->val.binary.data))
		field = getKeyJsonValueFromContainer(change->val.binary.data, "field", 5, NULL);
	if (field == NULL || field->type == jbvNull)
		appendStringInfoString(buf, "null");
	else if (field->type == jbvString)
		escape_json(buf, pnstrdup(field->val.string.val, field->val.string.len));
	else if (field->type == jbvNumeric)
		escape_json(buf, DatumGetCString(DirectFunctionCall1(numeric_out,
															 NumericGetDatum(field->val.numeric))));
	else if (field->type == jbvBool)
		escape_json(buf, field->val.boolean ? "true" : "false");
	else
		escape_json(buf, JsonbToCString(NULL, field->val.binary.data, field->val.binary.len));
}

/*
 * Append "fields": the "field" of each of the detail's "changes", as
 * json_agg() writes them, or [] when there are none.
 */
static void
AppendFields(StringInfo buf, Jsonb *detail)
{
	JsonbValue *changes = NULL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	if (JB_ROOT_IS_OBJECT(detail))
		changes = getKeyJsonValueFromContainer(&detail->root, "changes", 7, NULL);
	if (changes == NULL || changes->type == jbvNull)
	{
		appendStringInfoString(buf, "[]");
		return;
	}
	if (changes->type != jbvBinary || !JsonContainerIsArray(changes->val.binary.data) ||
		JsonContainerIsScalar(changes->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot extract elements from a scalar or an object")));
	it = JsonbIteratorInit(changes->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		appendStringInfoString(buf, n++ == 0 ? "[" : ", ");
		AppendField(buf, &v);
	}
	appendStringInfoString(buf, n == 0 ? "[]" : "]");
}

/*
 * The payload of one activity-log entry.
 */
static void
BuildPayload(StringInfo buf, TupleTableSlot *slot, FeedColumns *cols)
{
	bool		isnull;
	Datum		value;

	resetStringInfo(buf);
	appendStringInfoString(buf, "{\"project_id\" : ");
	value = slot_getattr(slot, cols->project_id, &isnull);
	if (isnull)
		appendStringInfoString(buf, "null");
	else
		appendStringInfo(buf, INT64_FORMAT, DatumGetInt64(value));
	appendStringInfoString(buf, ", \"scope\" : ");
	AppendTextValue(buf, slot, cols->scope);
	appendStringInfoString(buf, ", \"id\" : ");
	AppendTextValue(buf, slot, cols->item_id);
	appendStringInfoString(buf, ", \"action\" : ");
	AppendTextValue(buf, slot, cols->activity);
	appendStringInfoString(buf, ", \"fields\" : ");
	value = slot_getattr(slot, cols->detail, &isnull);
	if (isnull)
		appendStringInfoString(buf, "[]");
	else
		AppendFields(buf, DatumGetJsonbP(value));
	appendStringInfoChar(buf, '}');
}

PG_FUNCTION_INFO_V1(ed_notify_changes);

/*
 * notify_changes(): AFTER INSERT FOR EACH STATEMENT on the activity log,
 * REFERENCING NEW TABLE: NOTIFY event_definitions for each new entry.
 */
Datum
ed_notify_changes(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	TupleTableSlot *slot;
	FeedColumns cols;
	StringInfoData payload;
	MemoryContext cxt;
	MemoryContext row_cxt;
	MemoryContext old;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event) ||
		trigdata->tg_newtable == NULL)
		elog(ERROR, "notify_changes() must run as a statement trigger with a new table");

	desc = RelationGetDescr(trigdata->tg_relation);
	cols.project_id = FeedColumn(desc, "project_id");
	cols.scope = FeedColumn(desc, "scope");
	cols.item_id = FeedColumn(desc, "item_id");
	cols.activity = FeedColumn(desc, "activity");
	cols.detail = FeedColumn(desc, "detail");

	cxt = AllocSetContextCreate(CurrentMemoryContext, "event_definitions change feed",
								ALLOCSET_DEFAULT_SIZES);
	row_cxt = AllocSetContextCreate(cxt, "event_definitions change feed entry",
									ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	initStringInfo(&payload);
	tuplestore_rescan(trigdata->tg_newtable);
	while (tuplestore_gettupleslot(trigdata->tg_newtable, true, false, slot))
	{
		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(row_cxt);
		BuildPayload(&payload, slot, &cols);
		Async_Notify("event_definitions", payload.data);
		MemoryContextSwitchTo(cxt);
		MemoryContextReset(row_cxt);
	}
	ExecDropSingleTupleTableSlot(slot);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return PointerGetDatum(NULL);
}
