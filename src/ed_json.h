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

/* Parse JSON text; ERROR (22032) with jansson's position on invalid input. */
extern EdJson *ed_json_parse(const char *data, size_t len, const char *what);

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
