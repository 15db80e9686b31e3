/*-------------------------------------------------------------------------
 *
 * codegen_out.c
 *	  How the code generators write: the output buffer, string literals
 *	  escaped as orjson escapes them, templates, and the identifier
 *	  helpers the languages share.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "codegen.h"

const char *const codegen_type_names[CODEGEN_NTYPES] = {
	"Array", "Boolean", "DateTime", "Numeric", "Object", "String"
};

/*
 * Make room for more bytes (a buffer's estimate fell short): at least
 * double, so that a long file still grows in few steps.
 */
void
cg_grow(CgOut *out, size_t more)
{
	size_t		cap = Max(out->cap * 2, out->len + more);

	out->data = repalloc_huge(out->data, cap);
	out->cap = cap;
}

/*
 * Append a C string.
 */
void
cg_puts(CgOut *out, const char *s)
{
	cg_put(out, s, strlen(s));
}

/*
 * Append s as orjson escapes a string: quote, backslash and control
 * characters escaped ("\n", "\u001f"); '/', DEL and non-ASCII as they are.
 * The result is a TypeScript, Python and Go string literal.  With go,
 * U+FEFF is escaped too (a byte order mark is an error inside Go source).
 * quotes: with the surrounding double quotes.
 */
void
cg_json(CgOut *out, const char *s, size_t len, bool quotes, bool go)
{
	static const char hex[] = "0123456789abcdef";
	static bool escaped_json[256];
	static bool escaped_go[256];
	static bool ready = false;
	const bool *escaped;
	char	   *d;
	size_t		i = 0;

	if (!ready)
	{
		int			c;

		for (c = 0; c < 256; c++)
			escaped_json[c] = escaped_go[c] = c < 0x20 || c == '"' || c == '\\';
		escaped_go[0xEF] = true;
		ready = true;
	}
	escaped = go ? escaped_go : escaped_json;
	if (out->len + 6 * len + 2 > out->cap)
		cg_grow(out, 6 * len + 2);
	d = out->data + out->len;
	if (quotes)
		*d++ = '"';
	while (i < len)
	{
		size_t		run = i;
		unsigned char c;

		/* the bytes written as they are, copied as a run */
		while (run < len && !escaped[(unsigned char) s[run]])
			run++;
		memcpy(d, s + i, run - i);
		d += run - i;
		if ((i = run) == len)
			break;
		c = (unsigned char) s[i++];
		if (c == 0xEF)
		{
			if (i + 1 < len && (unsigned char) s[i] == 0xBB && (unsigned char) s[i + 1] == 0xBF)
			{
				memcpy(d, "\\ufeff", 6);
				d += 6;
				i += 2;
			}
			else
				*d++ = (char) c;
			continue;
		}
		*d++ = '\\';
		switch (c)
		{
			case '"':
			case '\\':
				*d++ = (char) c;
				break;
			case '\b':
				*d++ = 'b';
				break;
			case '\f':
				*d++ = 'f';
				break;
			case '\n':
				*d++ = 'n';
				break;
			case '\r':
				*d++ = 'r';
				break;
			case '\t':
				*d++ = 't';
				break;
			default:
				memcpy(d, "u00", 3);
				d[3] = hex[c >> 4];
				d[4] = hex[c & 15];
				d += 5;
				break;
		}
	}
	if (quotes)
		*d++ = '"';
	out->len = d - out->data;
}

/*
 * Append an enum value as a literal: a string quoted and escaped (for Go
 * or not), a number or boolean as it is.
 */
void
cg_value(CgOut *out, const CodegenValue *v, bool go)
{
	if (v->kind == 's')
		cg_json(out, v->text, v->len, true, go);
	else
		cg_put(out, v->text, v->len);
}

/*
 * A template of cg_printf, cut once per backend into runs of text, each
 * followed by a conversion (0 after the last run).  Templates are string
 * literals, so their address is their identity.
 */
typedef struct CgSegment
{
	const char *text;
	int			len;
	char		conv;
} CgSegment;

typedef struct CgTemplate
{
	const char *fmt;
	int			n;
	CgSegment  *segs;
} CgTemplate;

#define CG_TEMPLATES 256

static CgTemplate cg_templates[CG_TEMPLATES];

/*
 * The segments of fmt, cut now or found from an earlier call; NULL when
 * the table is full (the caller cuts fmt itself).
 */
static CgTemplate *
TemplateOf(const char *fmt)
{
	uint32		i = (uint32) (((uintptr_t) fmt >> 2) * 2654435761u) % CG_TEMPLATES;
	int			probes;

	for (probes = 0; probes < CG_TEMPLATES; probes++, i = (i + 1) % CG_TEMPLATES)
	{
		CgTemplate *t = &cg_templates[i];
		const char *p;
		int			n = 1;

		if (t->fmt == fmt)
			return t;
		if (t->fmt != NULL)
			continue;
		for (p = fmt; (p = strchr(p, '%')) != NULL; p += 2)
			n++;
		t->segs = MemoryContextAlloc(TopMemoryContext, sizeof(CgSegment) * n);
		for (p = fmt, t->n = 0; t->n < n; t->n++)
		{
			const char *pct = strchr(p, '%');
			CgSegment  *seg = &t->segs[t->n];

			seg->text = p;
			seg->len = pct ? (int) (pct - p) : (int) strlen(p);
			seg->conv = pct ? pct[1] : '\0';
			if (pct)
				p = pct + 2;
		}
		t->fmt = fmt;
		return t;
	}
	return NULL;
}

/*
 * Append fmt with its arguments, each a C string unless said otherwise:
 * %s as it is, %j a JSON string literal of it, %J the same without the
 * quotes, %g a Go string literal, %G the same without the quotes (comment
 * text), %% a '%'.  The text between arguments is copied in
 * runs, cut once per template.
 */
void
cg_printf(CgOut *out, const char *fmt,...)
{
	CgTemplate *t = TemplateOf(fmt);
	CgSegment	local;
	va_list		args;
	const char *p = fmt;
	int			i;

	va_start(args, fmt);
	for (i = 0;; i++)
	{
		CgSegment  *seg = t ? &t->segs[i] : &local;
		const char *s;

		if (t == NULL)
		{
			const char *pct = strchr(p, '%');

			local.text = p;
			local.len = pct ? (int) (pct - p) : (int) strlen(p);
			local.conv = pct ? pct[1] : '\0';
			p = pct ? pct + 2 : p;
		}
		cg_put(out, seg->text, seg->len);
		switch (seg->conv)
		{
			case '\0':
				va_end(args);
				return;
			case 's':
				cg_puts(out, va_arg(args, const char *));
				break;
			case 'j':
			case 'J':
			case 'g':
			case 'G':
				s = va_arg(args, const char *);
				cg_json(out, s, strlen(s), seg->conv == 'j' || seg->conv == 'g',
						seg->conv == 'g' || seg->conv == 'G');
				break;
			case '%':
				cg_putc(out, '%');
				break;
			default:
				elog(ERROR, "unknown conversion %%%c in a code template", seg->conv);
		}
	}
}

/*
 * A JSON string literal of s (quotes included), escaped as orjson does.
 */
char *
codegen_literal(const char *s)
{
	size_t		len = strlen(s);
	CgOut		out = {palloc(6 * len + 3), 0, 6 * len + 3};

	cg_json(&out, s, len, true, false);
	out.data[out.len] = '\0';
	return out.data;
}

/* [0-9A-Za-z], whatever the server's LC_CTYPE says about other bytes */
static inline bool
IsAsciiAlnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * The runs of ASCII letters and digits in s joined by sep; *nparts runs.
 */
char *
codegen_join_alnum(const char *s, const char *sep, int *nparts)
{
	size_t		len = strlen(s);
	size_t		seplen = strlen(sep);
	char	   *result = palloc(len * (seplen + 1) + 1);
	char	   *d = result;
	size_t		i = 0;

	*nparts = 0;
	while (i < len)
	{
		while (i < len && !IsAsciiAlnum((unsigned char) s[i]))
			i++;
		if (i == len)
			break;
		if ((*nparts)++ > 0)
		{
			memcpy(d, sep, seplen);
			d += seplen;
		}
		while (i < len && IsAsciiAlnum((unsigned char) s[i]))
			*d++ = s[i++];
	}
	*d = '\0';
	return result;
}

/*
 * The runs of ASCII letters and digits in s, transformed and joined:
 * capitalize upper-cases each run's first letter and keeps the rest;
 * otherwise (a Go parameter) the first run is lower-cased, with "param"
 * before a leading digit, and later runs are lower-cased but for their
 * first letter, upper-cased.  "" when there are none.
 */
char *
codegen_join_runs(const char *s, bool capitalize)
{
	size_t		len = strlen(s);
	char	   *result = palloc(len + 6);
	char	   *d = result;
	size_t		i = 0;
	int			run = 0;

	while (i < len)
	{
		bool		first = true;

		while (i < len && !IsAsciiAlnum((unsigned char) s[i]))
			i++;
		if (i == len)
			break;
		if (!capitalize && run == 0 && isdigit((unsigned char) s[i]))
		{
			memcpy(d, "param", 5);
			d += 5;
		}
		while (i < len && IsAsciiAlnum((unsigned char) s[i]))
		{
			char		c = s[i++];

			if (first && (capitalize || run > 0))
				c = pg_ascii_toupper((unsigned char) c);
			else if (!capitalize)
				c = pg_ascii_tolower((unsigned char) c);
			*d++ = c;
			first = false;
		}
		run++;
	}
	*d = '\0';
	return result;
}

/* bsearch comparator of a string and a list's word */
static int
CompareWord(const void *key, const void *word)
{
	return strcmp((const char *) key, *(const char *const *) word);
}

/*
 * Is s one of the words of a NULL-terminated list in strcmp order?
 */
bool
codegen_in_list(const char *s, const char *const *list)
{
	size_t		n = 0;

	while (list[n])
		n++;
	return bsearch(s, list, n, sizeof(char *), CompareWord) != NULL;
}

/*
 * Are all of a Numeric enum's values integers (which Python's Literal
 * can spell)?
 */
bool
codegen_integer_enum(const CodegenEnum *e)
{
	int			i;

	for (i = 0; i < e->n; i++)
	{
		const char *digits = e->values[i].text;

		if (*digits == '-')
			digits++;
		if (e->values[i].kind != 'n' || *digits == '\0' || digits[strspn(digits, "0123456789")] != '\0')
			return false;
	}
	return true;
}
