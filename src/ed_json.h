/*-------------------------------------------------------------------------
 *
 * ed_json.h
 *	  Parsed JSON values in palloc'd memory, and JSON text output.
 *
 * Only ed_json.c includes jansson.  Everything else sees this tree, which
 * lives in the memory context that was current when it was parsed, so an
 * ERROR can never strand a malloc'd jansson tree.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ED_JSON_H
#define ED_JSON_H

#include "lib/stringinfo.h"

/*
 * Limits of every JSON argument: PostHog's Django accepts request bodies of
 * up to 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE); a parsed tree costs some 150
 * bytes per value, so the values are counted too.  Beyond either the call
 * answers SQLSTATE PT413, which PostgREST answers with HTTP 413.
 */
#define ED_MAX_ARG_BYTES		2621440
#define ED_MAX_JSON_VALUES		100000
#define ERRCODE_ED_TOO_LARGE	MAKE_SQLSTATE('P','T','4','1','3')

typedef enum EdJsonType
{
	EDJ_NULL,
	EDJ_TRUE,
	EDJ_FALSE,
	EDJ_INTEGER,
	EDJ_REAL,
	EDJ_STRING,
	EDJ_ARRAY,
	EDJ_OBJECT
} EdJsonType;

typedef struct EdJson
{
	EdJsonType	type;
	int64		ival;			/* EDJ_INTEGER */
	double		rval;			/* EDJ_REAL */
	char	   *str;			/* EDJ_STRING: NUL-terminated UTF-8 */
	int			len;			/* EDJ_STRING: bytes; ARRAY/OBJECT: items */
	struct EdJson **items;		/* EDJ_ARRAY / EDJ_OBJECT values */
	char	  **keys;			/* EDJ_OBJECT keys, in document order */
} EdJson;

/*
 * Parse JSON text; ERROR (22032) with jansson's position on invalid input,
 * PT413 beyond ED_MAX_JSON_VALUES values (ed_json_parse_limited: beyond
 * max_values).
 */
extern EdJson *ed_json_parse(const char *data, size_t len, const char *what);
extern EdJson *ed_json_parse_limited(const char *data, size_t len, const char *what,
									 int max_values);

/*
 * Parse one value of a larger JSON text doc, at [start, start + len); an
 * error names doc's line and column.  ed_json_duplicate_key answers a
 * duplicate key found in doc (its token at [start, start + len)) as the
 * parser does.  ed_json_count_values: the bound of values the limits count;
 * ed_json_check_values: PT413 beyond max_values of them.
 */
extern EdJson *ed_json_parse_part(const char *doc, size_t start, size_t len, const char *what);
extern void ed_json_duplicate_key(const char *doc, size_t start, size_t len, const char *what) pg_attribute_noreturn();
extern size_t ed_json_count_values(const char *data, size_t len);
extern void ed_json_check_values(const char *data, size_t len, const char *what, int max_values);

/* Member of an object, or NULL when absent. */
extern EdJson *ed_json_get(const EdJson *obj, const char *key);

/* Name of a JSON type, for error messages. */
extern const char *ed_json_type_name(const EdJson *v);

/* Append s as a JSON string literal (quotes included), escaped as orjson does. */
extern void ed_json_append_string(StringInfo buf, const char *s, size_t len);

/* Shortest text of a double that reads back the same (Python's repr). */
extern char *ed_json_real_text(double d);

/* Compact JSON text of v, keys in document order. */
extern char *ed_json_serialize(const EdJson *v);

#endif							/* ED_JSON_H */
