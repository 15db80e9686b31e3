/*-------------------------------------------------------------------------
 *
 * counts.c
 *	  How many definitions each project has, kept as it changes, so that
 *	  the list's count of an unfiltered page costs one small read instead
 *	  of a scan of up to 10,000 index entries (and their heap visibility
 *	  checks).
 *
 * A trigger on the definitions adds each statement's inserted and deleted
 * rows (and a row moved to another project) to the counts table, one row
 * per (project, backend): concurrent writers of one project add to rows of
 * their own and never wait on each other.  The deltas are written in the
 * writing transaction, so a reader's snapshot sees the count that matches
 * the rows it sees: the sum is exact.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "utils/array.h"
#include "utils/hsearch.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "definitions.h"
#include "event_definitions.h"

/* A project's change of count within one statement. */
typedef struct CountDelta
{
	int64		project_id;		/* hash key */
	int64		delta;
} CountDelta;

/*
 * Add delta to project_id's change.
 */
static void
AddDelta(HTAB *deltas, int64 project_id, int64 delta)
{
	bool		found;
	CountDelta *entry = hash_search(deltas, &project_id, HASH_ENTER, &found);

	entry->delta = (found ? entry->delta : 0) + delta;
}

/*
 * Add delta for the project of each row of a transition table.
 */
static void
AddRows(HTAB *deltas, Tuplestorestate *rows, TupleDesc desc, AttrNumber attnum, int64 delta)
{
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	bool		isnull;

	tuplestore_rescan(rows);
	while (tuplestore_gettupleslot(rows, true, false, slot))
	{
		CHECK_FOR_INTERRUPTS();
		AddDelta(deltas, DatumGetInt64(slot_getattr(slot, attnum, &isnull)), delta);
	}
	ExecDropSingleTupleTableSlot(slot);
}

/*
 * Write the changes to this backend's rows of the counts (projects that
 * are gone, as in a cascade from their deletion, get none).
 */
static void
WriteDeltas(HTAB *deltas)
{
	static EdPlan plan = {
		"INSERT INTO event_definitions_private.definition_counts AS c (project_id, shard, n)"
		" SELECT u.p, $3, u.n FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]),"
		"  pg_catalog.unnest($2::pg_catalog.int8[])) AS u(p, n)"
		" WHERE u.n OPERATOR(pg_catalog.<>) 0 AND EXISTS (SELECT FROM event_definitions_private.projects x"
		"  WHERE x.project_id OPERATOR(pg_catalog.=) u.p)"
		" ORDER BY u.p"
		" ON CONFLICT (project_id, shard) DO UPDATE SET n = c.n OPERATOR(pg_catalog.+) EXCLUDED.n",
		3, {INT8ARRAYOID, INT8ARRAYOID, INT4OID}
	};
	long		n = hash_get_num_entries(deltas);
	Datum	   *projects = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *changes = palloc(sizeof(Datum) * Max(n, 1));
	Datum		values[3];
	HASH_SEQ_STATUS seq;
	CountDelta *entry;
	int			i = 0;

	if (n == 0)
		return;
	hash_seq_init(&seq, deltas);
	while ((entry = hash_seq_search(&seq)) != NULL)
	{
		projects[i] = Int64GetDatum(entry->project_id);
		changes[i++] = Int64GetDatum(entry->delta);
	}
	values[0] = PointerGetDatum(construct_array(projects, i, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[1] = PointerGetDatum(construct_array(changes, i, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[2] = Int32GetDatum(MyBackendId);
	SPI_connect();
	ed_exec(&plan, values, NULL, false, 0);
	SPI_finish();
}

PG_FUNCTION_INFO_V1(ed_count_definitions);

/*
 * count_definitions(): on the definitions, AFTER INSERT / DELETE FOR EACH
 * STATEMENT with the transition table, AFTER UPDATE OF project_id FOR EACH
 * ROW, and AFTER TRUNCATE: keep the counts.
 */
Datum
ed_count_definitions(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	AttrNumber	attnum;
	HASHCTL		ctl;
	HTAB	   *deltas;
	bool		isnull;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event))
		elog(ERROR, "count_definitions() must run as an AFTER trigger");
	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
	{
		static EdPlan truncate_plan = {"DELETE FROM event_definitions_private.definition_counts", 0, {0}};

		SPI_connect();
		ed_exec(&truncate_plan, NULL, NULL, false, 0);
		SPI_finish();
		return PointerGetDatum(NULL);
	}

	desc = RelationGetDescr(trigdata->tg_relation);
	attnum = SPI_fnumber(desc, "project_id");
	if (attnum <= 0)
		elog(ERROR, "event definitions have no project_id");
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(CountDelta);
	ctl.hcxt = CurrentMemoryContext;
	deltas = hash_create("event_definitions count deltas", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) && TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		int64		from = DatumGetInt64(heap_getattr(trigdata->tg_trigtuple, attnum, desc, &isnull));
		int64		to = DatumGetInt64(heap_getattr(trigdata->tg_newtuple, attnum, desc, &isnull));

		if (from == to)
			return PointerGetDatum(trigdata->tg_newtuple);
		AddDelta(deltas, from, -1);
		AddDelta(deltas, to, 1);
	}
	else if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) && trigdata->tg_newtable != NULL)
		AddRows(deltas, trigdata->tg_newtable, desc, attnum, 1);
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) && trigdata->tg_oldtable != NULL)
		AddRows(deltas, trigdata->tg_oldtable, desc, attnum, -1);
	else
		elog(ERROR, "count_definitions() fired for an unexpected event");
	WriteDeltas(deltas);
	return TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ? PointerGetDatum(trigdata->tg_newtuple) : PointerGetDatum(NULL);
}

/*
 * The number of definitions of a project, as the caller's snapshot sees
 * them, read from the counts (as the caller, under row-level security);
 * *known is false when the project has no counts at all (counting was
 * bypassed, say by a restore with triggers disabled): then count the rows.
 */
int64
ed_definition_count(int64 project_id, bool *known)
{
	static EdPlan plan = {
		"SELECT pg_catalog.sum(c.n)::pg_catalog.int8 FROM event_definitions_private.definition_counts c"
		" WHERE c.project_id OPERATOR(pg_catalog.=) $1",
		1, {INT8OID}
	};
	Datum		values[1] = {Int64GetDatum(project_id)};
	bool		isnull;
	Datum		sum;

	ed_exec(&plan, values, NULL, true, 1);
	sum = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	*known = !isnull;
	return isnull ? 0 : DatumGetInt64(sum);
}
