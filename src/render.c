/*-------------------------------------------------------------------------
 *
 * render.c
 *	  An event definition in the API's JSON shape, built in C from the
 *	  private table's columns, and the nested user objects it embeds.
 *
 * The view event_definitions.event_definitions defines the shape for SQL
 * users; the entry points build the same jsonb here, because the view
 * spends most of a lookup on its four user subqueries.  A user object
 * depends only on the user's row and on whether the users policy lets the
 * caller see it, so it is read once through that policy (a query on the
 * users table, as the caller) and kept for the backend, until the acting
 * identity is computed again or the role changes: whatever changes a
 * user's row or who may see it (users, project_members, roles) invalidates
 * the identity (see identity.c).  test/sql/render.sql proves that both
 * shapes are the same.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "event_definitions.h"
#include "render.h"

/* Columns of ED_DEFINITION_COLUMNS, 1-based. */
enum
{
	COL_ID = 1,
	COL_NAME,
	COL_OWNER_ID,
	COL_DESCRIPTION,
	COL_TAGS,
	COL_CREATED_AT,
	COL_UPDATED_AT,
	COL_UPDATED_BY_ID,
	COL_LAST_SEEN_AT,
	COL_VERIFIED,
	COL_VERIFIED_AT,
	COL_VERIFIED_BY_ID,
	COL_HIDDEN,
	COL_ENFORCEMENT_MODE,
	COL_PROMOTED_PROPERTY,
	COL_CREATED_BY_ID,
	COL_DEFAULT_COLUMNS
};

/* A user object as the caller may see it; obj is NULL when it may not. */
typedef struct UserObjectEntry
{
	int32		id;				/* hash key */
	Jsonb	   *obj;
} UserObjectEntry;

/* beyond this many users, the cache starts again rather than grow */
#define USER_OBJECTS_MAX	10000

static HTAB *user_objects = NULL;
static MemoryContext user_objects_cxt = NULL;
static uint64 user_objects_generation = 0;
static Oid	user_objects_role = InvalidOid;

/*
 * Forget every kept user object.
 */
static void
ResetUserObjects(void)
{
	HASHCTL		ctl;

	user_objects = NULL;
	if (user_objects_cxt == NULL)
		user_objects_cxt = AllocSetContextCreate(TopMemoryContext,
												 "event_definitions user objects",
												 ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(user_objects_cxt);
	ctl.keysize = sizeof(int32);
	ctl.entrysize = sizeof(UserObjectEntry);
	ctl.hcxt = user_objects_cxt;
	user_objects = hash_create("event_definitions user objects", 64, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * Start the kept user objects again when the identity was computed again
 * (what the caller may see may have changed) or the role changed (the
 * policy depends on it), or when there are too many.  Called once per
 * rendering call.
 */
static void
CheckUserObjects(void)
{
	uint64		generation = ed_identity_generation();
	Oid			role = GetUserId();

	if (user_objects == NULL || generation != user_objects_generation ||
		role != user_objects_role || hash_get_num_entries(user_objects) >= USER_OBJECTS_MAX)
	{
		ResetUserObjects();
		user_objects_generation = generation;
		user_objects_role = role;
	}
}

/*
 * The nested user object of a user, or NULL when there is no such user or
 * the caller may not see it.  Called inside an SPI connection, after
 * CheckUserObjects().  An answer read after the identity changed is used
 * for this call only (in its memory context), not kept.
 */
static Jsonb *
UserObject(int32 id)
{
	static EdPlan plan = {
		"SELECT obj FROM event_definitions_private.users WHERE id OPERATOR(pg_catalog.=) $1", 1, {INT4OID}
	};
	UserObjectEntry *entry;
	Datum		values[1];
	Jsonb	   *obj = NULL;
	bool		found;
	bool		keep = true;

	entry = hash_search(user_objects, &id, HASH_FIND, &found);
	if (entry != NULL)
		return entry->obj;

	/* read through the users policy, as the caller; keep a copy */
	values[0] = Int32GetDatum(id);
	if (ed_exec_latest(&plan, values, NULL, &keep, 1) > 0)
	{
		bool		isnull;
		Datum		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			obj = DatumGetJsonbP(value);
	}
	/* the query may have computed the identity again: keep only a current answer */
	if (keep && ed_identity_generation() == user_objects_generation && GetUserId() == user_objects_role)
	{
		if (obj != NULL)
		{
			MemoryContext old = MemoryContextSwitchTo(user_objects_cxt);

			obj = DatumGetJsonbPCopy(JsonbPGetDatum(obj));
			MemoryContextSwitchTo(old);
		}
		entry = hash_search(user_objects, &id, HASH_ENTER, &found);
		entry->obj = obj;
	}
	return obj;
}

/*
 * Push an object key.
 */
static void
PushKey(JsonbParseState **state, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) key;
	v.val.string.len = strlen(key);
	pushJsonbValue(state, WJB_KEY, &v);
}

/*
 * Push JSON null.
 */
static void
PushNull(JsonbParseState **state, JsonbIteratorToken seq)
{
	JsonbValue	v;

	v.type = jbvNull;
	pushJsonbValue(state, seq, &v);
}

/*
 * Push a string of known length.
 */
static void
PushString(JsonbParseState **state, JsonbIteratorToken seq, char *s, int len)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = s;
	v.val.string.len = len;
	pushJsonbValue(state, seq, &v);
}

/*
 * Push a boolean.
 */
static void
PushBool(JsonbParseState **state, JsonbIteratorToken seq, bool b)
{
	JsonbValue	v;

	v.type = jbvBool;
	v.val.boolean = b;
	pushJsonbValue(state, seq, &v);
}

/*
 * Push a jsonb document (an object, here).
 */
static void
PushJsonb(JsonbParseState **state, JsonbIteratorToken seq, Jsonb *doc)
{
	JsonbValue	v;

	v.type = jbvBinary;
	v.val.binary.data = &doc->root;
	v.val.binary.len = VARSIZE(doc) - VARHDRSZ;
	pushJsonbValue(state, seq, &v);
}

/*
 * Push "key": value for a text column, or null.
 */
static void
PushTextField(JsonbParseState **state, const char *key, Datum value, bool isnull)
{
	PushKey(state, key);
	if (isnull)
		PushNull(state, WJB_VALUE);
	else
	{
		text	   *t = DatumGetTextPP(value);

		PushString(state, WJB_VALUE, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
}

/*
 * The ISO-8601 text of a timestamptz column, or NULL (also for an infinite
 * timestamp, as iso8601() answers).
 */
static char *
TimestampText(Datum value, bool isnull)
{
	return isnull ? NULL : ed_format_iso8601(DatumGetTimestampTz(value));
}

/*
 * Push "key": the ISO-8601 text of a timestamptz column, or null.
 */
static void
PushTimestampField(JsonbParseState **state, const char *key, Datum value, bool isnull)
{
	ed_push_cstring_field(state, key, TimestampText(value, isnull));
}

/*
 * Push "key": the user object of a user id column, or null.  The object is
 * copied into the call's memory first: the document being built points
 * into what it pushes until it is converted, and the kept objects may be
 * started again before that (by a call made from inside this one).
 */
static void
PushUserField(JsonbParseState **state, const char *key, Datum value, bool isnull)
{
	Jsonb	   *obj = isnull ? NULL : UserObject(DatumGetInt32(value));

	PushKey(state, key);
	if (obj == NULL)
		PushNull(state, WJB_VALUE);
	else
		PushJsonb(state, WJB_VALUE, DatumGetJsonbPCopy(JsonbPGetDatum(obj)));
}

/*
 * Push the elements of dimension dim of a text array, as to_jsonb nests a
 * multi-dimensional array; *next walks the elements in storage order.
 */
static void
PushTextArrayDim(JsonbParseState **state, int dim, int ndims, int *dims,
				 Datum *elems, bool *nulls, int *next)
{
	int			i;

	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < dims[dim]; i++)
	{
		if (dim < ndims - 1)
			PushTextArrayDim(state, dim + 1, ndims, dims, elems, nulls, next);
		else
		{
			if (nulls[*next])
				PushNull(state, WJB_ELEM);
			else
			{
				text	   *t = DatumGetTextPP(elems[*next]);

				PushString(state, WJB_ELEM, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			}
			(*next)++;
		}
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/*
 * Push "key": a text[] column as a JSON array (an empty array for NULL, as
 * the view's COALESCE(..., '{}') gives).
 */
static void
PushTextArrayField(JsonbParseState **state, const char *key, Datum value, bool isnull)
{
	PushKey(state, key);
	if (isnull)
	{
		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}
	else
	{
		ArrayType  *array = DatumGetArrayTypeP(value);
		int			ndims = ARR_NDIM(array);
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			next = 0;

		deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		if (ndims == 0)
		{
			pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			pushJsonbValue(state, WJB_END_ARRAY, NULL);
		}
		else
			PushTextArrayDim(state, 0, ndims, ARR_DIMS(array), elems, nulls, &next);
	}
}

/*
 * Push "key": a boolean column, or null.
 */
static void
PushBoolField(JsonbParseState **state, const char *key, Datum value, bool isnull)
{
	PushKey(state, key);
	if (isnull)
		PushNull(state, WJB_VALUE);
	else
		PushBool(state, WJB_VALUE, DatumGetBool(value));
}

/* The names of the columns of ED_DEFINITION_COLUMNS, in its order. */
static const char *const definition_columns[COL_DEFAULT_COLUMNS] = {
	"id", "name", "owner_id", "description", "tags", "created_at", "updated_at",
	"updated_by_id", "last_seen_at", "verified", "verified_at", "verified_by_id",
	"hidden", "enforcement_mode", "promoted_property", "created_by_id", "default_columns"
};

/* Where each column of ED_DEFINITION_COLUMNS is in a row: 0-based, by COL_ - 1. */
typedef struct ColumnMap
{
	int			at[COL_DEFAULT_COLUMNS];
} ColumnMap;

/* ED_DEFINITION_COLUMNS itself */
static const ColumnMap select_list_map = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};

/*
 * Push one definition, a row with the columns of ED_DEFINITION_COLUMNS at
 * the places map says, as an object (the view's row without project_id):
 * the document itself or an array element.  Returns the object when it is
 * the document.
 *
 * The keys are pushed in jsonb's own order (shorter first, then bytewise),
 * so that the sort that ends the object finds them sorted.
 */
static JsonbValue *
PushDefinition(JsonbParseState **state, HeapTuple tuple, TupleDesc desc, const ColumnMap *map)
{
	Datum	   *values = palloc(sizeof(Datum) * desc->natts);
	bool	   *isnull = palloc(sizeof(bool) * desc->natts);
	Datum		v[COL_DEFAULT_COLUMNS + 1];
	bool		n[COL_DEFAULT_COLUMNS + 1];
	int			col;
	char	   *id;
	char	   *updated_at;

	/* one pass over the row, not one walk per column */
	heap_deform_tuple(tuple, desc, values, isnull);
	for (col = 1; col <= COL_DEFAULT_COLUMNS; col++)
	{
		v[col] = values[map->at[col - 1]];
		n[col] = isnull[map->at[col - 1]];
	}

	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	id = ed_uuid_text(DatumGetUUIDP(v[COL_ID]));
	updated_at = TimestampText(v[COL_UPDATED_AT], n[COL_UPDATED_AT]);
	PushKey(state, "id");
	PushString(state, WJB_VALUE, id, strlen(id));
	PushTextField(state, "name", v[COL_NAME], n[COL_NAME]);
	PushTextArrayField(state, "tags", v[COL_TAGS], n[COL_TAGS]);
	PushUserField(state, "owner", v[COL_OWNER_ID], n[COL_OWNER_ID]);
	PushBoolField(state, "hidden", v[COL_HIDDEN], n[COL_HIDDEN]);
	PushBoolField(state, "verified", v[COL_VERIFIED], n[COL_VERIFIED]);
	PushKey(state, "action_id");
	PushNull(state, WJB_VALUE);
	PushBoolField(state, "is_action", BoolGetDatum(false), false);
	PushTimestampField(state, "created_at", v[COL_CREATED_AT], n[COL_CREATED_AT]);
	PushUserField(state, "created_by", v[COL_CREATED_BY_ID], n[COL_CREATED_BY_ID]);
	ed_push_cstring_field(state, "updated_at", updated_at);
	PushUserField(state, "updated_by", v[COL_UPDATED_BY_ID], n[COL_UPDATED_BY_ID]);
	PushTextField(state, "description", v[COL_DESCRIPTION], n[COL_DESCRIPTION]);
	PushTimestampField(state, "verified_at", v[COL_VERIFIED_AT], n[COL_VERIFIED_AT]);
	PushUserField(state, "verified_by", v[COL_VERIFIED_BY_ID], n[COL_VERIFIED_BY_ID]);
	PushTimestampField(state, "last_seen_at", v[COL_LAST_SEEN_AT], n[COL_LAST_SEEN_AT]);
	PushBoolField(state, "post_to_slack", BoolGetDatum(false), false);
	PushBoolField(state, "is_calculating", BoolGetDatum(false), false);
	PushTextArrayField(state, "default_columns", v[COL_DEFAULT_COLUMNS], n[COL_DEFAULT_COLUMNS]);
	ed_push_cstring_field(state, "last_updated_at", updated_at);
	PushTextField(state, "enforcement_mode", v[COL_ENFORCEMENT_MODE], n[COL_ENFORCEMENT_MODE]);
	PushTextField(state, "promoted_property", v[COL_PROMOTED_PROPERTY], n[COL_PROMOTED_PROPERTY]);
	PushKey(state, "last_calculated_at");
	PushNull(state, WJB_VALUE);
	PushTextArrayField(state, "media_preview_urls", (Datum) 0, true);
	return pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * One definition, a row of ED_DEFINITION_COLUMNS, as a jsonb Datum in the
 * upper executor context (it outlives SPI_finish).
 */
Datum
ed_definition_jsonb(HeapTuple tuple, TupleDesc desc)
{
	JsonbParseState *state = NULL;

	Assert(desc->natts == COL_DEFAULT_COLUMNS);
	CheckUserObjects();
	return ed_jsonb_result(PushDefinition(&state, tuple, desc, &select_list_map));
}

/*
 * Where the columns of ED_DEFINITION_COLUMNS are in a whole row of the
 * definitions table (d.*), found by name once per backend and checked on
 * each use (the table may have changed since).
 */
static const ColumnMap *
WholeRowMap(TupleDesc desc)
{
	static ColumnMap map;
	static bool known = false;
	int			col,
				i;

	for (col = 0; known && col < COL_DEFAULT_COLUMNS; col++)
		if (map.at[col] >= desc->natts ||
			strcmp(NameStr(TupleDescAttr(desc, map.at[col])->attname), definition_columns[col]) != 0)
			known = false;
	if (known)
		return &map;
	for (col = 0; col < COL_DEFAULT_COLUMNS; col++)
	{
		for (i = 0; i < desc->natts; i++)
			if (strcmp(NameStr(TupleDescAttr(desc, i)->attname), definition_columns[col]) == 0)
				break;
		if (i == desc->natts)
			elog(ERROR, "event definition row has no column \"%s\"", definition_columns[col]);
		map.at[col] = i;
	}
	known = true;
	return &map;
}

/*
 * One definition, a whole row of the definitions table (SELECT d.*, which
 * the executor returns without projecting), as a jsonb Datum in the upper
 * executor context.
 */
Datum
ed_definition_row_jsonb(HeapTuple tuple, TupleDesc desc)
{
	JsonbParseState *state = NULL;

	CheckUserObjects();
	return ed_jsonb_result(PushDefinition(&state, tuple, desc, WholeRowMap(desc)));
}

/*
 * The jsonb of a document just pushed, in the upper executor context (it
 * outlives SPI_finish).
 */
Datum
ed_jsonb_result(JsonbValue *doc)
{
	return SPI_datumTransfer(JsonbPGetDatum(JsonbValueToJsonb(doc)), false, -1);
}

/*
 * Push "key": the rows of ED_DEFINITION_COLUMNS as an array of definitions.
 */
void
ed_push_definitions_field(JsonbParseState **state, const char *key,
						  SPITupleTable *rows, uint64 nrows)
{
	uint64		row;

	CheckUserObjects();
	PushKey(state, key);
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (row = 0; row < nrows; row++)
	{
		CHECK_FOR_INTERRUPTS();
		PushDefinition(state, rows->vals[row], rows->tupdesc, &select_list_map);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/*
 * Push "key": a numeric as a JSON number.
 */
void
ed_push_numeric_field(JsonbParseState **state, const char *key, Numeric value)
{
	JsonbValue	v;

	PushKey(state, key);
	v.type = jbvNumeric;
	v.val.numeric = value;
	pushJsonbValue(state, WJB_VALUE, &v);
}

/*
 * Push "key": a bigint as a JSON number.
 */
void
ed_push_int8_field(JsonbParseState **state, const char *key, int64 value)
{
	ed_push_numeric_field(state, key, int64_to_numeric(value));
}

/*
 * Push "key": a C string, or null.
 */
void
ed_push_cstring_field(JsonbParseState **state, const char *key, const char *value)
{
	PushKey(state, key);
	if (value == NULL)
		PushNull(state, WJB_VALUE);
	else
		PushString(state, WJB_VALUE, (char *) value, strlen(value));
}

/*
 * Push "key": a boolean.
 */
void
ed_push_bool_field(JsonbParseState **state, const char *key, bool value)
{
	PushKey(state, key);
	PushBool(state, WJB_VALUE, value);
}

/*
 * Push "key" of a value that the caller pushes next (an array or object).
 */
void
ed_push_key(JsonbParseState **state, const char *key)
{
	PushKey(state, key);
}

/*
 * Push "key": "value" of two text values (a key that is data, not a name).
 */
void
ed_push_text_field(JsonbParseState **state, text *key, text *value)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = VARDATA_ANY(key);
	v.val.string.len = VARSIZE_ANY_EXHDR(key);
	pushJsonbValue(state, WJB_KEY, &v);
	PushString(state, WJB_VALUE, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
}
