/*-------------------------------------------------------------------------
 *
 * ed_json.c
 *	  The one translation unit that uses jansson.
 *
 * jansson allocates with malloc.  It only parses: every tree it makes is
 * freed in a PG_FINALLY block before control leaves this file, after it has
 * been copied into palloc'd EdJson nodes.  Serializing an EdJson tree needs
 * no jansson.  This file must not include utils/builtins.h:
 * PostgreSQL declares its own json_object().
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "ed_json.h"

/*
 * The static jansson archive's one reference to libc's stdin (json_loadf)
 * is redirected here at build time (see the Makefile); nothing reads it.
 */
extern FILE *ed_jansson_stdin;
__attribute__((visibility("hidden"))) FILE *ed_jansson_stdin = NULL;

static EdJson *ConvertValue(json_t *value);
static void JsonError(const char *what, const char *text, int line, int column) pg_attribute_noreturn();

/*
 * Copy a jansson value into a palloc'd EdJson tree.
 */
static EdJson *
ConvertValue(json_t *value)
{
	EdJson	   *result = palloc0(sizeof(EdJson));

	check_stack_depth();

	switch (json_typeof(value))
	{
		case JSON_NULL:
			result->type = EDJ_NULL;
			break;
		case JSON_TRUE:
			result->type = EDJ_TRUE;
			break;
		case JSON_FALSE:
			result->type = EDJ_FALSE;
			break;
		case JSON_INTEGER:
			result->type = EDJ_INTEGER;
			result->ival = (int64) json_integer_value(value);
			break;
		case JSON_REAL:
			result->type = EDJ_REAL;
			result->rval = json_real_value(value);
			break;
		case JSON_STRING:
			result->type = EDJ_STRING;
			result->len = (int) json_string_length(value);
			result->str = pnstrdup(json_string_value(value), result->len);
			break;
		case JSON_ARRAY:
			{
				size_t		n = json_array_size(value);
				size_t		i;

				result->type = EDJ_ARRAY;
				result->len = (int) n;
				result->items = palloc(sizeof(EdJson *) * Max(n, 1));
				for (i = 0; i < n; i++)
				{
					CHECK_FOR_INTERRUPTS();
					result->items[i] = ConvertValue(json_array_get(value, i));
				}
				break;
			}
		case JSON_OBJECT:
			{
				size_t		n = json_object_size(value);
				const char *key;
				json_t	   *member;
				int			i = 0;

				result->type = EDJ_OBJECT;
				result->len = (int) n;
				result->items = palloc(sizeof(EdJson *) * Max(n, 1));
				result->keys = palloc(sizeof(char *) * Max(n, 1));
				json_object_foreach(value, key, member)
				{
					CHECK_FOR_INTERRUPTS();
					result->keys[i] = pstrdup(key);
					result->items[i] = ConvertValue(member);
					i++;
				}
				break;
			}
	}
	return result;
}

/*
 * An upper bound of the number of values in JSON text, without parsing it:
 * one, plus one for every array or object and every separator outside
 * strings.  Linear and allocation-free, so an oversized document is
 * refused before jansson builds a tree of it.
 */
static size_t
CountValues(const char *data, size_t len)
{
	size_t		n = 1;
	size_t		i;
	bool		in_string = false;

	for (i = 0; i < len; i++)
	{
		char		c = data[i];

		if (in_string)
		{
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		}
		else if (c == '"')
			in_string = true;
		else if (c == ',' || c == '[' || c == '{')
			n++;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return n;
}

/*
 * jansson's error text (at most JSON_ERROR_TEXT_LENGTH bytes, quoting the
 * input near the error) with control characters escaped, so that it cannot
 * forge a line of the server log.
 */
static char *
ErrorText(const char *text)
{
	StringInfoData buf;
	const unsigned char *p;

	initStringInfo(&buf);
	for (p = (const unsigned char *) text; *p; p++)
	{
		if (*p < 0x20 || *p == 0x7f)
			appendStringInfo(&buf, "\\x%02x", *p);
		else
			appendStringInfoChar(&buf, (char) *p);
	}
	return buf.data;
}

/*
 * PostHog's error object for an error of this file, as JSON text (see
 * ed_posthog_error(), which lives where builtins.h may be included).
 */
static char *
ErrorObject(const char *type, const char *code, const char *detail)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"type\":");
	ed_json_append_string(&buf, type, strlen(type));
	appendStringInfoString(&buf, ",\"code\":");
	ed_json_append_string(&buf, code, strlen(code));
	appendStringInfoString(&buf, ",\"detail\":");
	ed_json_append_string(&buf, detail, strlen(detail));
	appendStringInfoString(&buf, ",\"attr\":null}");
	return buf.data;
}

/*
 * ERROR with PT413 when JSON text has more than max_values values.
 */
void
ed_json_check_values(const char *data, size_t len, const char *what, int max_values)
{
	if (CountValues(data, len) > (size_t) max_values)
	{
		char	   *detail = psprintf("At most %d values (array items, object members and scalars) are accepted.",
									  max_values);

		ereport(ERROR,
				(errcode(ERRCODE_ED_TOO_LARGE),
				 errmsg("%s has too many JSON values", what),
				 errdetail("%s", detail),
				 errhint("%s", ErrorObject("invalid_request", "request_too_large", detail))));
	}
}

/*
 * The line and column of byte pos of doc as jansson counts them: lines
 * from 1, columns in characters since the last newline.
 */
static void
DocPosition(const char *doc, size_t pos, int *line, int *column)
{
	size_t		i;

	*line = 1;
	*column = 0;
	for (i = 0; i < pos; i++)
	{
		if (doc[i] == '\n')
		{
			(*line)++;
			*column = 0;
		}
		else if ((doc[i] & 0xC0) != 0x80)
			(*column)++;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * ERROR (22032) for JSON text that is not JSON (or not JSON jansson
 * accepts): text is jansson's message, at line and column.
 */
static void
JsonError(const char *what, const char *text, int line, int column)
{
	char	   *detail = psprintf("%s (line %d, column %d).", ErrorText(text), line, column);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_JSON_TEXT),
			 errmsg("invalid JSON in %s", what),
			 errdetail("%s", detail),
			 errhint("%s", ErrorObject("validation_error", "parse_error",
									   psprintf("JSON parse error - %s", detail)))));
}

/*
 * Parse the JSON value at [start, start + len) of the text doc, where the
 * caller found one.  An error names the line and column of doc, so that
 * it reads as if doc had been parsed whole.  Duplicate keys are rejected;
 * a NUL escape inside a string is rejected by jansson's default flags.
 */
EdJson *
ed_json_parse_part(const char *doc, size_t start, size_t len, const char *what)
{
	json_error_t error;
	json_t	   *volatile root;
	EdJson	   *volatile result = NULL;

	root = json_loadb(doc + start, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	if (root == NULL)
	{
		int			line = error.line;
		int			column = error.column;

		if (start > 0 && error.line >= 1)
		{
			int			base_column;

			DocPosition(doc, start, &line, &base_column);
			if (error.line == 1)
				column += base_column;
			line += error.line - 1;
		}
		JsonError(what, error.text, line, column);
	}

	PG_TRY();
	{
		result = ConvertValue(root);
	}
	PG_FINALLY();
	{
		json_decref(root);
	}
	PG_END_TRY();

	return result;
}

/*
 * ERROR (22032) as jansson answers a duplicate key: the key's token is at
 * [start, start + len) of doc, a JSON object's text.
 */
void
ed_json_duplicate_key(const char *doc, size_t start, size_t len, const char *what)
{
	int			line,
				column;

	DocPosition(doc, start + len, &line, &column);
	/* jansson quotes the token it read when it is at most 20 bytes long */
	JsonError(what, len <= 20 ? psprintf("duplicate object key near '%.*s'", (int) len, doc + start) :
			  "duplicate object key", line, column);
}

/*
 * An upper bound of the number of values in JSON text (ed_json_parse's
 * count).
 */
size_t
ed_json_count_values(const char *data, size_t len)
{
	return CountValues(data, len);
}

/*
 * Parse JSON text of at most max_values values.
 */
EdJson *
ed_json_parse_limited(const char *data, size_t len, const char *what, int max_values)
{
	ed_json_check_values(data, len, what, max_values);
	return ed_json_parse_part(data, 0, len, what);
}

/*
 * Parse JSON text of at most ED_MAX_JSON_VALUES values.
 */
EdJson *
ed_json_parse(const char *data, size_t len, const char *what)
{
	return ed_json_parse_limited(data, len, what, ED_MAX_JSON_VALUES);
}

/*
 * Look up an object member by key.
 */
EdJson *
ed_json_get(const EdJson *obj, const char *key)
{
	int			i;

	if (obj == NULL || obj->type != EDJ_OBJECT)
		return NULL;
	for (i = 0; i < obj->len; i++)
	{
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	}
	return NULL;
}

/*
 * The JSON type of a value, as a word for error messages.
 */
const char *
ed_json_type_name(const EdJson *v)
{
	switch (v->type)
	{
		case EDJ_NULL:
			return "null";
		case EDJ_TRUE:
		case EDJ_FALSE:
			return "boolean";
		case EDJ_INTEGER:
		case EDJ_REAL:
			return "number";
		case EDJ_STRING:
			return "string";
		case EDJ_ARRAY:
			return "array";
		case EDJ_OBJECT:
			return "object";
	}
	return "unknown";
}

/*
 * Append a JSON string literal: quotes, backslash and control characters
 * escaped; '/', DEL and non-ASCII written as they are (orjson's output).
 */
void
ed_json_append_string(StringInfo buf, const char *s, size_t len)
{
	size_t		i;

	appendStringInfoCharMacro(buf, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		switch (c)
		{
			case '"':
				appendBinaryStringInfo(buf, "\\\"", 2);
				break;
			case '\\':
				appendBinaryStringInfo(buf, "\\\\", 2);
				break;
			case '\b':
				appendBinaryStringInfo(buf, "\\b", 2);
				break;
			case '\f':
				appendBinaryStringInfo(buf, "\\f", 2);
				break;
			case '\n':
				appendBinaryStringInfo(buf, "\\n", 2);
				break;
			case '\r':
				appendBinaryStringInfo(buf, "\\r", 2);
				break;
			case '\t':
				appendBinaryStringInfo(buf, "\\t", 2);
				break;
			default:
				if (c < 0x20)
					appendStringInfo(buf, "\\u%04x", c);
				else
					appendStringInfoCharMacro(buf, (char) c);
				break;
		}
	}
	appendStringInfoCharMacro(buf, '"');
}

/*
 * Shortest decimal text of d that parses back to d, as Python's repr():
 * fixed notation with at least one decimal for decimal exponents -4..15
 * (100.0, 1e15 -> 1000000000000000.0), else d.ddde+XX (1e+16, 1e-05).
 */
char *
ed_json_real_text(double d)
{
	char		tmp[64];
	int			precision;
	int			exponent;

	if (isnan(d) || isinf(d))
		return pstrdup("null");
	/* the shortest significand that reads back, as d.ddde[+-]XX */
	for (precision = 1; precision <= 17; precision++)
	{
		snprintf(tmp, sizeof(tmp), "%.*e", precision - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	exponent = atoi(strchr(tmp, 'e') + 1);
	if (exponent >= -4 && exponent < 16)
		snprintf(tmp, sizeof(tmp), "%.*f", Max(precision - 1 - exponent, 1), d);
	return pstrdup(tmp);
}

/*
 * Append the compact JSON text of v.
 */
static void
AppendValue(StringInfo buf, const EdJson *v)
{
	int			i;

	check_stack_depth();
	switch (v->type)
	{
		case EDJ_NULL:
			appendStringInfoString(buf, "null");
			break;
		case EDJ_TRUE:
			appendStringInfoString(buf, "true");
			break;
		case EDJ_FALSE:
			appendStringInfoString(buf, "false");
			break;
		case EDJ_INTEGER:
			appendStringInfo(buf, INT64_FORMAT, v->ival);
			break;
		case EDJ_REAL:
			appendStringInfoString(buf, ed_json_real_text(v->rval));
			break;
		case EDJ_STRING:
			ed_json_append_string(buf, v->str, v->len);
			break;
		case EDJ_ARRAY:
			appendStringInfoChar(buf, '[');
			for (i = 0; i < v->len; i++)
			{
				if (i > 0)
					appendStringInfoChar(buf, ',');
				AppendValue(buf, v->items[i]);
			}
			appendStringInfoChar(buf, ']');
			break;
		case EDJ_OBJECT:
			appendStringInfoChar(buf, '{');
			for (i = 0; i < v->len; i++)
			{
				if (i > 0)
					appendStringInfoChar(buf, ',');
				ed_json_append_string(buf, v->keys[i], strlen(v->keys[i]));
				appendStringInfoChar(buf, ':');
				AppendValue(buf, v->items[i]);
			}
			appendStringInfoChar(buf, '}');
			break;
	}
}

/*
 * Compact JSON text of a tree, keys in document order, written straight
 * into palloc'd memory (no jansson tree, so an ERROR strands nothing).
 */
char *
ed_json_serialize(const EdJson *v)
{
	StringInfoData buf;

	initStringInfo(&buf);
	AppendValue(&buf, v);
	return buf.data;
}
