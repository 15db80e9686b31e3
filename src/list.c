/*-------------------------------------------------------------------------
 *
 * list.c
 *	  GET /event_definitions/: filters, ordering and the paginated page.
 *
 * A request is read (ParseListRequest), turned into one WHERE clause and
 * one ORDER BY from a fixed vocabulary with every value a parameter
 * (AddFilters, AddOrdering), counted (CountDefinitions), and its page read
 * and rendered (ListDefinitions).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "definitions.h"
#include "event_definitions.h"
#include "nameset.h"
#include "render.h"

#define LIST_MAX_PARAMS 64
/* the search terms, leaving room for every other parameter of the list */
#define LIST_MAX_SEARCH_TERMS (LIST_MAX_PARAMS - 16)
/* the largest page: above it, limit is clamped (one page stays one value) */
#define LIST_MAX_LIMIT 10000

/* The SQL versions of list_event_definitions: each reads its arguments alike. */
typedef enum ListVersion
{
	LIST_1_0,					/* exact counts */
	LIST_1_1,					/* capped counts of large projects */
	LIST_1_3					/* limit/offset clamped; json lists in either notation */
} ListVersion;

/* A request, as PostHog's query string would carry it. */
typedef struct ListRequest
{
	int64		project_id;
	int64		limit;
	int64		offset;
	char	   *search;
	char	   *event_type;
	char	   *ordering;
	bool		exclude_hidden;
	char	   *excluded_properties;
	char	   *names;
	char	   *tags;
	bool		exclude_stale;
} ListRequest;

/* The query being built: its WHERE clause, ORDER BY and parameters. */
typedef struct ListQuery
{
	StringInfoData where;
	StringInfoData order;
	int			nparams;
	Oid			types[LIST_MAX_PARAMS];
	Datum		values[LIST_MAX_PARAMS];
	bool		narrowed;		/* a filter PostHog calls sparse */
	bool		has_search;		/* a search that is not blank */
	bool		explicit_order; /* an ordering field PostHog knows */
	bool		has_name;		/* the ordering includes name */
} ListQuery;

/*
 * Kept plans of the list's queries, by query text.  A request's filters
 * and ordering choose among a small set of query shapes (every value is a
 * parameter), so a backend plans each shape once.  Their texts live in a
 * memory context of their own.
 */
#define LIST_PLAN_SLOTS 64

typedef struct ListPlanSlot
{
	char	   *sql;
	SPIPlanPtr	plan;
} ListPlanSlot;

static ListPlanSlot list_plans[LIST_PLAN_SLOTS];
static int	list_plans_next = 0;
static MemoryContext list_plans_cxt = NULL;

/* list calls running in this backend (one may run inside another) */
static int	list_depth = 0;

/*
 * Where a page is built: a context whose first megabyte stays allocated
 * between calls.  A page of 100 definitions needs several hundred
 * kilobytes while it is built; allocated and freed on every call, that
 * memory goes back to the operating system after each one and costs page
 * faults on the next (a fifth of a call's time).
 */
#define LIST_RENDER_KEPT (1024 * 1024)

static MemoryContext list_render_cxt = NULL;

/*
 * The context a page is built in (the outermost list call's; a call made
 * from inside another builds in one of its own, freed with its SPI
 * context).
 */
static MemoryContext
RenderContext(void)
{
	if (list_depth > 1)
		return CurrentMemoryContext;
	if (list_render_cxt == NULL)
		list_render_cxt = AllocSetContextCreate(TopMemoryContext, "event_definitions list page",
												LIST_RENDER_KEPT, LIST_RENDER_KEPT, ALLOCSET_DEFAULT_MAXSIZE);
	else
		MemoryContextReset(list_render_cxt);	/* what a failed call left */
	return list_render_cxt;
}

/*
 * The kept plan for a query text, prepared on first use; when all slots
 * are taken the oldest is replaced.  A list call made from inside another
 * (say, by a caller's own function that a query runs) replaces nothing,
 * since the outer call may be running the plan: its new shapes get plans
 * that last until it ends.
 */
static SPIPlanPtr
CachedListPlan(const char *sql, int nargs, Oid *argtypes)
{
	ListPlanSlot *slot;
	SPIPlanPtr	plan;
	char	   *text;
	int			i;

	for (i = 0; i < LIST_PLAN_SLOTS; i++)
		if (list_plans[i].sql != NULL && strcmp(list_plans[i].sql, sql) == 0)
			return list_plans[i].plan;

	plan = SPI_prepare(sql, nargs, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (list_depth > 1)
		return plan;
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	/* copy the text first, so that a failure leaves the slot as it was */
	if (list_plans_cxt == NULL)
		list_plans_cxt = AllocSetContextCreate(TopMemoryContext, "event_definitions list plans",
											   ALLOCSET_SMALL_SIZES);
	text = MemoryContextStrdup(list_plans_cxt, sql);
	slot = &list_plans[list_plans_next];
	list_plans_next = (list_plans_next + 1) % LIST_PLAN_SLOTS;
	if (slot->sql != NULL)
	{
		SPI_freeplan(slot->plan);
		pfree(slot->sql);
	}
	slot->sql = text;
	slot->plan = plan;
	return plan;
}

/*
 * Add a parameter; returns its number.
 */
static int
AddParam(ListQuery *q, Oid type, Datum value)
{
	if (q->nparams >= LIST_MAX_PARAMS)
		elog(ERROR, "too many list query parameters");
	q->types[q->nparams] = type;
	q->values[q->nparams] = value;
	return ++q->nparams;
}

/*
 * Split s on sep, dropping empty pieces.
 */
static char **
SplitNonEmpty(const char *s, char sep, int *n)
{
	char	   *copy = pstrdup(s);
	int			cap = 1;
	char	  **items;
	char	   *p;
	char	   *start;

	for (p = copy; *p; p++)
		if (*p == sep)
			cap++;
	items = palloc(sizeof(char *) * cap);
	*n = 0;
	start = copy;
	for (p = copy;; p++)
	{
		if (*p == sep || *p == '\0')
		{
			bool		end = (*p == '\0');

			*p = '\0';
			if (*start != '\0')
				items[(*n)++] = start;
			if (end)
				break;
			start = p + 1;
		}
	}
	return items;
}

/*
 * A limit or offset as PostHog's list reads it: an integer (Python's int()
 * takes surrounding whitespace and a sign), at least min_value, and beyond
 * 2^63 - 1 clamped to it.
 */
static int64
PagingNumber(const char *text, const char *attr, int64 min_value)
{
	char	   *s = ed_strip(text);
	const char *p = s;
	bool		negative = false;
	int64		value = 0;
	bool		clamped = false;

	if (*p == '+' || *p == '-')
		negative = (*p++ == '-');
	if (*p == '\0')
		ed_field_error(attr, "A valid integer is required.");
	for (; *p; p++)
	{
		if (*p < '0' || *p > '9')
			ed_field_error(attr, "A valid integer is required.");
		if (value > (PG_INT64_MAX - (*p - '0')) / 10)
			clamped = true;
		else if (!clamped)
			value = value * 10 + (*p - '0');
	}
	if (clamped)
		value = PG_INT64_MAX;
	if (negative && value > 0)
		value = -value;
	if (value < min_value)
		ed_field_error(attr, psprintf("Ensure this value is greater than or equal to " INT64_FORMAT ".",
									  min_value));
	return value;
}

/*
 * Read the arguments of list_event_definitions(project_id, limit, offset,
 * search, event_type, ordering, exclude_hidden, excluded_properties, names,
 * tags, exclude_stale).
 */
static void
ParseListRequest(FunctionCallInfo fcinfo, ListVersion version, ListRequest *r)
{
	memset(r, 0, sizeof(*r));
	r->project_id = ed_project_arg(fcinfo);
	if (version == LIST_1_3)
	{
		char	   *limit = ed_text_arg(fcinfo, 1, "limit");
		char	   *offset = ed_text_arg(fcinfo, 2, "offset");

		r->limit = limit ? PagingNumber(limit, "limit", 1) : 100;
		r->offset = offset ? PagingNumber(offset, "offset", 0) : 0;
		r->limit = Min(r->limit, LIST_MAX_LIMIT);
	}
	else
	{
		r->limit = PG_ARGISNULL(1) ? 100 : PG_GETARG_INT32(1);
		r->offset = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2);
		if (r->limit < 1)
			ed_field_error("limit", "Ensure this value is greater than or equal to 1.");
		if (r->offset < 0)
			ed_field_error("offset", "Ensure this value is greater than or equal to 0.");
		r->limit = Min(r->limit, LIST_MAX_LIMIT);
	}
	r->search = ed_text_arg(fcinfo, 3, "search");
	r->event_type = ed_text_arg(fcinfo, 4, "event_type");
	r->ordering = ed_text_arg(fcinfo, 5, "ordering");
	r->exclude_hidden = PG_ARGISNULL(6) ? false : PG_GETARG_BOOL(6);
	r->excluded_properties = ed_text_arg(fcinfo, 7, "excluded_properties");
	r->names = ed_text_arg(fcinfo, 8, "names");
	r->tags = ed_text_arg(fcinfo, 9, "tags");
	r->exclude_stale = PG_ARGISNULL(10) ? false : PG_GETARG_BOOL(10);
}

/*
 * What ListItems() collects while PostgreSQL's JSON parser reads a list
 * argument: the items of a top-level array, without building a tree.
 */
typedef struct ListItemsState
{
	int			depth;
	bool		top_array;		/* the value is an array */
	bool		top_object;		/* the value is an object */
	JsonTokenType top_type;		/* else the type of the scalar it is */
	char	   *top_token;
	bool		numbers_too;
	char	  **items;
	int			nitems;
	int			cap;
} ListItemsState;

/*
 * Parser callbacks of ListItems(): containers and scalars.
 */
static void
ItemsObjectStart(void *arg)
{
	ListItemsState *st = arg;

	st->top_object |= (st->depth++ == 0);
}

static void
ItemsArrayStart(void *arg)
{
	ListItemsState *st = arg;

	st->top_array |= (st->depth++ == 0);
}

static void
ItemsEnd(void *arg)
{
	((ListItemsState *) arg)->depth--;
}

static void
ItemsScalar(void *arg, char *token, JsonTokenType type)
{
	ListItemsState *st = arg;
	bool		integer = type == JSON_TOKEN_NUMBER && strpbrk(token, ".eE") == NULL;

	CHECK_FOR_INTERRUPTS();
	if (st->depth == 0)
	{
		st->top_type = type;
		st->top_token = token;
		return;
	}
	if (st->depth != 1 || !st->top_array ||
		!(type == JSON_TOKEN_STRING || (st->numbers_too && integer)))
	{
		pfree(token);
		return;
	}
	if (st->nitems == st->cap)
	{
		st->cap = st->cap ? st->cap * 2 : 16;
		st->items = st->items ? repalloc(st->items, sizeof(char *) * st->cap) :
			palloc(sizeof(char *) * st->cap);
	}
	st->items[st->nitems++] = token;
}

/*
 * The Python type of a top-level JSON value, as DRF's messages name it.
 */
static const char *
TopPythonType(ListItemsState *st)
{
	if (st->top_object)
		return "dict";
	switch (st->top_type)
	{
		case JSON_TOKEN_STRING:
			return "str";
		case JSON_TOKEN_NUMBER:
			return strpbrk(st->top_token, ".eE") ? "float" : "int";
		case JSON_TOKEN_TRUE:
		case JSON_TOKEN_FALSE:
			return "bool";
		default:
			return "NoneType";
	}
}

/*
 * Read JSON text s with PostgreSQL's parser into *st; ERROR (22032) when it
 * is not JSON.  Memory is the items only.
 */
static void
ParseListItems(char *s, const char *attr, bool numbers_too, ListItemsState *st)
{
	JsonLexContext *lex = makeJsonLexContextCstringLen(s, strlen(s), PG_UTF8, true);
	JsonSemAction sem = {0};
	JsonParseErrorType rc;

	memset(st, 0, sizeof(*st));
	st->numbers_too = numbers_too;
	sem.semstate = st;
	sem.object_start = ItemsObjectStart;
	sem.object_end = ItemsEnd;
	sem.array_start = ItemsArrayStart;
	sem.array_end = ItemsEnd;
	sem.scalar = ItemsScalar;
	rc = pg_parse_json(lex, &sem);
	if (rc != JSON_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_JSON_TEXT),
				 errmsg("invalid JSON in %s", attr),
				 errdetail("%s", ed_value_prefix(json_errdetail(rc, lex)))));
}

/*
 * Is s valid JSON text?
 */
static bool
IsJson(const char *s, int len)
{
	JsonLexContext *lex = makeJsonLexContextCstringLen((char *) s, len, PG_UTF8, false);

	return pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS;
}

/*
 * A list argument (tags, excluded_properties) as its items: JSON text, as
 * PostHog's query string carries it (["a","b"]); the same JSON inside a
 * JSON string, as PostgREST 12 passes a query-string value to a json
 * argument; or an array literal ({a,b}), as postgrest-js writes an array
 * in a query string.  *arg becomes the query-string form (the JSON string
 * unwrapped).  Valid JSON that is not a list is ignored (PostHog ignores
 * it), or an error when strict; anything else is invalid JSON.  Strings
 * are items; integers too, as their text, when numbers_too.
 */
static char **
ListArgument(char **arg, const char *attr, bool numbers_too, bool strict, int *n)
{
	ListItemsState st;
	char	  **items;
	int			i;

	*n = 0;
	if ((*arg)[0] == '{' && !IsJson(*arg, strlen(*arg)))
	{
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;

		/* array_in keeps its cache in flinfo: called through fmgr, not directly */
		deconstruct_array(DatumGetArrayTypeP(OidFunctionCall3(F_ARRAY_IN, CStringGetDatum(*arg),
																 ObjectIdGetDatum(TEXTOID),
																 Int32GetDatum(-1))),
						  TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
		items = palloc(sizeof(char *) * Max(nelems, 1));
		for (i = 0; i < nelems; i++)
			if (!nulls[i])
				items[(*n)++] = TextDatumGetCString(elems[i]);
		return items;
	}
	ParseListItems(*arg, attr, numbers_too, &st);
	if (!st.top_array && !st.top_object && st.top_type == JSON_TOKEN_STRING &&
		(st.top_token[0] == '{' || IsJson(st.top_token, strlen(st.top_token))))
	{
		*arg = st.top_token;
		return ListArgument(arg, attr, numbers_too, strict, n);
	}
	if (!st.top_array)
	{
		if (strict)
			ed_field_error(attr, psprintf("Expected a list of items but got type \"%s\".", TopPythonType(&st)));
		return NULL;
	}
	*n = st.nitems;
	return st.items;
}

/*
 * A search term as an ILIKE pattern matching it anywhere, its own % _ and
 * \ taken literally.
 */
static char *
ContainsPattern(const char *term)
{
	StringInfoData buf;
	const char *p;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '%');
	for (p = term; *p; p++)
	{
		if (*p == '%' || *p == '_' || *p == '\\')
			appendStringInfoChar(&buf, '\\');
		appendStringInfoChar(&buf, *p);
	}
	appendStringInfoChar(&buf, '%');
	return buf.data;
}

/*
 * search: every space-separated term, case-insensitively, anywhere.
 */
static void
AddSearch(ListQuery *q, ListRequest *r)
{
	char	  **terms;
	int			n,
				i;

	if (r->search == NULL)
		return;
	terms = SplitNonEmpty(r->search, ' ', &n);
	if (n > LIST_MAX_SEARCH_TERMS)
		ed_field_error("search", psprintf("Ensure this search has no more than %d terms.", LIST_MAX_SEARCH_TERMS));
	for (i = 0; i < n; i++)
		appendStringInfo(&q->where,
						 " AND d.name COLLATE pg_catalog.\"default\" OPERATOR(pg_catalog.~~*) $%d::pg_catalog.text",
						 AddParam(q, TEXTOID, CStringGetTextDatum(ContainsPattern(terms[i]))));
	q->has_search = ed_strip(r->search)[0] != '\0';
	q->narrowed |= q->has_search;
}

/*
 * The other filters: event_type, exclude_hidden, excluded_properties,
 * names, tags, exclude_stale.
 */
static void
AddFilters(ListQuery *q, ListRequest *r)
{
	char	  **items;
	int			n;

	if (r->event_type && strcmp(r->event_type, "event") != 0)
	{
		if (strcmp(r->event_type, "event_custom") == 0)
			appendStringInfoString(&q->where, " AND NOT pg_catalog.starts_with(d.name, '$')");
		else if (strcmp(r->event_type, "event_posthog") == 0)
		{
			appendStringInfoString(&q->where, " AND pg_catalog.starts_with(d.name, '$')");
			q->narrowed = true;
		}
		else if (strcmp(r->event_type, "all") != 0 && strcmp(r->event_type, "action_event") != 0)
			ed_field_error("event_type", "Not a valid event type. Use one of: event, event_custom, event_posthog.");
	}

	if (r->exclude_hidden)
		appendStringInfoString(&q->where, " AND d.hidden IS NOT TRUE");

	if (r->excluded_properties)
	{
		items = ListArgument(&r->excluded_properties, "excluded_properties", true, true, &n);
		if (n > 0)
			appendStringInfo(&q->where,
							 " AND NOT (d.name OPERATOR(pg_catalog.=) ANY ($%d::pg_catalog.text[]))",
							 AddParam(q, TEXTARRAYOID, ed_text_array(items, n)));
	}

	if (r->names)
	{
		items = SplitNonEmpty(r->names, ',', &n);
		n = ed_sort_dedupe(items, n);
		q->narrowed |= (n > 0);
		if (n > 0)
			appendStringInfo(&q->where, " AND d.name OPERATOR(pg_catalog.=) ANY ($%d::pg_catalog.text[])",
							 AddParam(q, TEXTARRAYOID, ed_text_array(items, n)));
	}

	/* tags: rows carrying any of the listed tags; a non-list is ignored */
	if (r->tags)
	{
		items = ListArgument(&r->tags, "tags", false, false, &n);
		q->narrowed |= (n > 0);
		if (n > 0)
			appendStringInfo(&q->where, " AND d.tags OPERATOR(pg_catalog.&&) $%d::pg_catalog.text[]",
							 AddParam(q, TEXTARRAYOID, ed_text_array(items, n)));
	}

	/*
	 * stale: not seen for the project's stale_after_days (30 without a
	 * settings row), read by the query itself (once, as the caller), so
	 * that a change of the setting applies at once
	 */
	if (r->exclude_stale)
	{
		q->narrowed = true;
		appendStringInfoString(&q->where,
							   " AND (d.last_seen_at IS NULL OR d.last_seen_at OPERATOR(pg_catalog.>)"
							   " (pg_catalog.now() OPERATOR(pg_catalog.-)"
							   " (COALESCE((SELECT s.stale_after_days FROM event_definitions_private.project_settings s"
							   "  WHERE s.project_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8), 30)"
							   "  OPERATOR(pg_catalog.*) '1 day'::pg_catalog.interval)))");
	}
}

/*
 * Append one ordering item; returns false for a field PostHog ignores.
 */
static bool
AppendOrdering(StringInfo order, const char *field, bool desc, bool *has_name)
{
	const char *expr;

	if (strcmp(field, "name") == 0)
	{
		appendStringInfo(order, "%sd.name %s", order->len ? ", " : "", desc ? "DESC" : "ASC");
		*has_name = true;
		return true;
	}
	if (strcmp(field, "last_seen_at") == 0)
		expr = "d.last_seen_at";
	else if (strcmp(field, "last_seen_at::date") == 0)
		expr = "d.last_seen_date";
	else if (strcmp(field, "created_at") == 0)
		expr = "d.created_at";
	else if (strcmp(field, "created_at::date") == 0)
		expr = "(pg_catalog.timezone('UTC', d.created_at))::pg_catalog.date";
	else
		return false;
	appendStringInfo(order, "%s%s %s", order->len ? ", " : "", expr,
					 desc ? "DESC NULLS LAST" : "ASC NULLS FIRST");
	return true;
}

/*
 * ordering: known fields in request order, each once, then name as
 * tiebreaker; without one, PostHog's default (shorter names first under a
 * search; by name for a project above 100,000 definitions).
 */
static void
AddOrdering(ListQuery *q, ListRequest *r, bool by_name_default)
{
	if (r->ordering)
	{
		NameSet		seen = {0};
		char	  **items;
		int			n,
					i;

		items = SplitNonEmpty(r->ordering, ',', &n);
		for (i = 0; i < n; i++)
		{
			char	   *item = ed_strip(items[i]);
			bool		desc = item[0] == '-';
			const char *field = desc ? item + 1 : item;

			CHECK_FOR_INTERRUPTS();
			/* a field already ordered by adds nothing */
			if (nameset_contains(&seen, field))
				continue;
			nameset_add(&seen, field);
			if (AppendOrdering(&q->order, field, desc, &q->has_name))
				q->explicit_order = true;
		}
	}
	if (!q->explicit_order)
	{
		if (q->has_search)
			appendStringInfoString(&q->order, "pg_catalog.char_length(d.name) ASC, ");
		if (by_name_default)
			appendStringInfoString(&q->order, "d.name ASC");
		else
			appendStringInfoString(&q->order, "d.last_seen_date DESC NULLS LAST, d.name ASC");
	}
	else if (!q->has_name)
		appendStringInfoString(&q->order, ", d.name ASC");
}

/*
 * One key=value of a page link.
 */
static void
AppendLinkParam(StringInfo buf, const char *key, const char *value)
{
	appendStringInfo(buf, "%c%s=%s", buf->len == 0 ? '?' : '&', key, ed_query_string_escape(value));
}

/*
 * A page link: the request's parameters sorted by key, as Django REST
 * framework re-encodes them, with offset replaced (or dropped when < 0),
 * behind event_definitions.base_url when that is set.
 */
static char *
BuildLink(ListRequest *r, int64 offset)
{
	StringInfoData qs;
	StringInfoData url;

	initStringInfo(&qs);
	if (r->event_type && strcmp(r->event_type, "event") != 0)
		AppendLinkParam(&qs, "event_type", r->event_type);
	if (r->exclude_hidden)
		AppendLinkParam(&qs, "exclude_hidden", "true");
	if (r->exclude_stale)
		AppendLinkParam(&qs, "exclude_stale", "true");
	if (r->excluded_properties)
		AppendLinkParam(&qs, "excluded_properties", r->excluded_properties);
	AppendLinkParam(&qs, "limit", psprintf(INT64_FORMAT, r->limit));
	if (r->names)
		AppendLinkParam(&qs, "names", r->names);
	if (offset >= 0)
		AppendLinkParam(&qs, "offset", psprintf(INT64_FORMAT, offset));
	if (r->ordering)
		AppendLinkParam(&qs, "ordering", r->ordering);
	if (r->search)
		AppendLinkParam(&qs, "search", r->search);
	if (r->tags)
		AppendLinkParam(&qs, "tags", r->tags);

	initStringInfo(&url);
	if (ed_base_url && ed_base_url[0])
	{
		const char *mark = strstr(ed_base_url, "{project_id}");

		if (mark)
		{
			appendBinaryStringInfo(&url, ed_base_url, mark - ed_base_url);
			appendStringInfo(&url, INT64_FORMAT "%s", r->project_id, mark + strlen("{project_id}"));
		}
		else
			appendStringInfoString(&url, ed_base_url);
	}
	appendBinaryStringInfo(&url, qs.data, qs.len);
	return url.data;
}

/*
 * The planner's estimate of a project's number of definitions: the
 * frequency of project_id among the column's most common values (or its
 * share of the rest), times the table's current size (its tuple density
 * from the last VACUUM/ANALYZE times its current pages).  0 when the table
 * has no statistics yet.  Only decides PostHog's large-project rules, so an
 * estimate is enough; reads catalogs, not the table.
 */
static double
EstimatedProjectSize(int64 project_id)
{
	Oid			relid = get_relname_relid("event_definitions",
										  get_namespace_oid("event_definitions_private", false));
	AttrNumber	attnum = get_attnum(relid, "project_id");
	HeapTuple	stats;
	Form_pg_statistic form;
	AttStatsSlot mcv;
	double		frequency = -1;
	double		mcv_total = 0;
	int			nmcv = 0;
	double		ndistinct;
	double		tuples;
	Relation	rel;
	BlockNumber pages;
	int			i;

	rel = table_open(relid, AccessShareLock);
	pages = RelationGetNumberOfBlocks(rel);
	tuples = rel->rd_rel->reltuples;
	if (tuples > 0 && rel->rd_rel->relpages > 0)
		tuples = tuples / rel->rd_rel->relpages * pages;
	table_close(rel, AccessShareLock);
	if (tuples <= 0)
		return 0;

	stats = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
							BoolGetDatum(false));
	if (!HeapTupleIsValid(stats))
		return 0;
	form = (Form_pg_statistic) GETSTRUCT(stats);

	if (get_attstatsslot(&mcv, stats, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		nmcv = mcv.nvalues;
		for (i = 0; i < mcv.nvalues; i++)
		{
			mcv_total += mcv.numbers[i];
			if (DatumGetInt64(mcv.values[i]) == project_id)
				frequency = mcv.numbers[i];
		}
		free_attstatsslot(&mcv);
	}
	if (frequency < 0)
	{
		ndistinct = form->stadistinct > 0 ? form->stadistinct : -form->stadistinct * tuples;
		frequency = (1.0 - mcv_total - form->stanullfrac) / Max(ndistinct - nmcv, 1.0);
	}
	ReleaseSysCache(stats);
	return Max(frequency, 0.0) * tuples;
}

/*
 * The count of the filtered rows: exact, or stopping at 10,000 when
 * capped.  A list without filters takes the project's number of
 * definitions from the counts the definitions' trigger keeps (counts.c),
 * the same number a count of the rows gives (min(n, 10,000) when capped),
 * without reading them.
 */
static int64
CountDefinitions(ListQuery *q, bool capped, int64 project_id, bool filtered)
{
	StringInfoData sql;
	bool		isnull;

	if (!filtered)
	{
		bool		known;
		int64		n = ed_definition_count(project_id, &known);

		if (known)
			return capped ? Min(n, 10000) : n;
	}
	initStringInfo(&sql);
	if (capped)
		appendStringInfo(&sql,
						 "SELECT pg_catalog.count(*) FROM (SELECT 1 FROM event_definitions_private.event_definitions d"
						 " WHERE %s LIMIT 10000) s",
						 q->where.data);
	else
		appendStringInfo(&sql,
						 "SELECT pg_catalog.count(*) FROM event_definitions_private.event_definitions d WHERE %s",
						 q->where.data);
	if (SPI_execute_plan(CachedListPlan(sql.data, q->nparams, q->types), q->values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not count event definitions");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * The page's rows, in ED_DEFINITION_COLUMNS; *nrows of them.
 */
static SPITupleTable *
FetchPage(ListQuery *q, ListRequest *r, uint64 *nrows)
{
	StringInfoData sql;
	int			limit_param = AddParam(q, INT8OID, Int64GetDatum(r->limit));
	int			offset_param = AddParam(q, INT8OID, Int64GetDatum(r->offset));

	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "SELECT " ED_DEFINITION_COLUMNS
					 " FROM event_definitions_private.event_definitions d WHERE %s"
					 " ORDER BY %s LIMIT $%d OFFSET $%d",
					 q->where.data, q->order.data, limit_param, offset_param);
	if (SPI_execute_plan(CachedListPlan(sql.data, q->nparams, q->types), q->values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not list event definitions");
	*nrows = SPI_processed;
	return SPI_tuptable;
}

/*
 * list_event_definitions: one page {count, next, previous[,
 * count_is_capped], results}.
 *
 * From SQL version 1.1, large projects are listed as PostHog lists them:
 * above 50,000 definitions and without a narrowing filter the count stops
 * at 10,000 (count_is_capped) and next follows full pages; above 100,000
 * the default order is by name, which an index serves.
 */
static Datum
ListDefinitions(FunctionCallInfo fcinfo, ListVersion version)
{
	ListRequest r;
	ListQuery	q;
	double		project_size = 0;
	bool		capped;
	int			project_only;
	int64		count;
	char	   *next = NULL;
	char	   *previous = NULL;
	SPITupleTable *page;
	uint64		nrows;
	JsonbParseState *state = NULL;
	MemoryContext render;
	MemoryContext render_old;
	Datum		result;

	ParseListRequest(fcinfo, version, &r);
	memset(&q, 0, sizeof(q));
	initStringInfo(&q.where);
	initStringInfo(&q.order);

	SPI_connect();
	ed_require_project(r.project_id);
	appendStringInfo(&q.where, "d.project_id OPERATOR(pg_catalog.=) $%d",
					 AddParam(&q, INT8OID, Int64GetDatum(r.project_id)));
	project_only = q.where.len;
	AddSearch(&q, &r);
	AddFilters(&q, &r);

	/* the large-project rules apply to unnarrowed lists only: size them then */
	if (version != LIST_1_0 && !q.narrowed)
		project_size = EstimatedProjectSize(r.project_id);
	capped = project_size > 50000;
	AddOrdering(&q, &r, project_size > 100000);

	/* the counts exist from SQL version 1.3 */
	count = CountDefinitions(&q, capped, r.project_id, version != LIST_1_3 || q.where.len > project_only);
	capped = capped && count >= 10000;

	/*
	 * Links.  With an exact count, next exists while rows remain; with a
	 * capped count it exists while pages are full, which the page decides.
	 */
	if (capped || (r.offset < PG_INT64_MAX - r.limit && r.offset + r.limit < count))
		next = BuildLink(&r, r.offset + r.limit);
	if (r.offset > 0)
		previous = BuildLink(&r, r.offset - r.limit <= 0 ? -1 : r.offset - r.limit);

	page = FetchPage(&q, &r, &nrows);
	if (capped && nrows < (uint64) r.limit)
		next = NULL;

	/* the page is built where its memory stays allocated between calls */
	render = RenderContext();
	render_old = MemoryContextSwitchTo(render);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ed_push_int8_field(&state, "count", count);
	ed_push_cstring_field(&state, "next", next);
	ed_push_cstring_field(&state, "previous", previous);
	if (version != LIST_1_0)
		ed_push_bool_field(&state, "count_is_capped", capped);
	ed_push_definitions_field(&state, "results", page, nrows);
	result = ed_jsonb_result(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	MemoryContextSwitchTo(render_old);
	if (render == list_render_cxt)
		MemoryContextReset(render);
	SPI_finish();
	return result;
}

/*
 * ListDefinitions, counted in list_depth while it runs.
 */
static Datum
ListDefinitionsCounted(FunctionCallInfo fcinfo, ListVersion version)
{
	Datum		result;

	list_depth++;
	PG_TRY();
	{
		result = ListDefinitions(fcinfo, version);
	}
	PG_FINALLY();
	{
		list_depth--;
	}
	PG_END_TRY();
	return result;
}

PG_FUNCTION_INFO_V1(ed_list_event_definitions);

/*
 * list_event_definitions, SQL version 1.0: exact counts.
 */
Datum
ed_list_event_definitions(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ListDefinitionsCounted(fcinfo, LIST_1_0));
}

PG_FUNCTION_INFO_V1(ed_list_event_definitions_1_1);

/*
 * list_event_definitions, SQL versions 1.1 and 1.2: capped counts for
 * large projects and count_is_capped in the page.
 */
Datum
ed_list_event_definitions_1_1(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ListDefinitionsCounted(fcinfo, LIST_1_1));
}

PG_FUNCTION_INFO_V1(ed_list_event_definitions_v2);

/*
 * The name under which installations of SQL versions 1.1 and 1.2 made
 * before the 1.3 release know ed_list_event_definitions_1_1.
 */
Datum
ed_list_event_definitions_v2(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ListDefinitionsCounted(fcinfo, LIST_1_1));
}

PG_FUNCTION_INFO_V1(ed_list_event_definitions_1_3);

/*
 * list_event_definitions, SQL version 1.3: limit and offset take any
 * integer (clamped as PostHog clamps them, and at most 10,000 rows a
 * page), and the json lists also come as array literals.
 */
Datum
ed_list_event_definitions_1_3(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ListDefinitionsCounted(fcinfo, LIST_1_3));
}
