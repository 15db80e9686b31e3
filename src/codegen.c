/*-------------------------------------------------------------------------
 *
 * codegen.c
 *	  The code generators' common part: the output buffer and how the
 *	  generators write into it, identifiers, the answers (a jsonb object built in the output buffer itself, or the
 *	  file in chunks of text), and the SQL entry points.
 *
 * A call reads the project once (codegen_load.c), sizes the output from
 * what it read, and writes the file straight into that one buffer; for
 * the jsonb answer the buffer starts with room for the object's header,
 * and the rest of the object follows the file, so the file is never
 * copied.  A jsonb string holds at most 268435455 bytes: a larger file is
 * refused with a hint to read it with the _chunks function, which returns
 * the same file as rows of text.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/mman.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "codegen.h"
#include "definitions.h"
#include "event_definitions.h"

const char *const codegen_type_names[CODEGEN_NTYPES] = {
	"Array", "Boolean", "DateTime", "Numeric", "Object", "String"
};

/* the largest jsonb answer (event_definitions.generator_jsonb_limit) */
int			ed_generator_jsonb_limit = JENTRY_OFFLENMASK;

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
 * text), %d an int, %% a '%'.  The text between arguments is copied in
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
		char		num[16];

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
			case 'd':
				pg_ltoa(va_arg(args, int), num);
				cg_puts(out, num);
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

/* A language: its version, its file and the estimate of the file's size. */
typedef struct CodegenGenerator
{
	const char *name;			/* as in the function names */
	const char *version;
	void		(*generate) (CodegenSchema *schema, CgOut *out);
	size_t		(*estimate) (CodegenSchema *schema);
} CodegenGenerator;

static const CodegenGenerator typescript = {
	"typescript", ED_TYPESCRIPT_GENERATOR_VERSION, codegen_typescript, codegen_typescript_size
};
static const CodegenGenerator python = {
	"python", ED_PYTHON_GENERATOR_VERSION, codegen_python, codegen_python_size
};
static const CodegenGenerator golang = {
	"golang", ED_GOLANG_GENERATOR_VERSION, codegen_golang, codegen_golang_size
};

/* A generated file: content is out.data[start .. out.len). */
typedef struct CodegenResult
{
	CgOut		out;
	size_t		start;
	int			nevents;
	char		hash[33];
	const char *version;
} CodegenResult;

/*
 * Generate a project's file in one buffer of cxt, whose first start bytes
 * are left for the answer's header.
 */
static void
Generate(int64 project_id, const CodegenGenerator *g, size_t start, MemoryContext cxt,
		 CodegenResult *r)
{
	CodegenSchema schema;
	MemoryContext work;
	size_t		size;

	SPI_connect();
	ed_require_project(project_id);
	/* what the call reads goes with SPI_finish */
	work = AllocSetContextCreate(CurrentMemoryContext, "codegen", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(work);
	codegen_load(project_id, g->version, &schema);

	size = start + g->estimate(&schema);
	r->out.data = MemoryContextAllocHuge(cxt, size);
	if (size > 4 * 1024 * 1024)
	{
		uintptr_t	a = TYPEALIGN(2 * 1024 * 1024, (uintptr_t) r->out.data);
		uintptr_t	b = TYPEALIGN_DOWN(2 * 1024 * 1024, (uintptr_t) r->out.data + size);

		if (b > a)
			(void) madvise((void *) a, b - a, MADV_HUGEPAGE);
	}
	r->out.cap = size;
	r->out.len = start;
	r->start = start;
	g->generate(&schema, &r->out);
	memcpy(r->hash, schema.hash, sizeof(r->hash));
	r->nevents = schema.nevents;
	r->version = g->version;
	SPI_finish();
}

/*
 * The jsonb object {content, event_count, schema_hash, generator_version}
 * is built where the file was written: its header in the start bytes
 * before it, its other values after it, as convertToJsonb() lays out an
 * object (keys by length, then bytes; their JEntries, then the values';
 * the first JEntry an offset, the others lengths; a numeric int-aligned).
 */
static const char jsonb_keys[] = "content" "event_count" "schema_hash" "generator_version";

#define JSONB_HEAD (VARHDRSZ + sizeof(uint32) + 8 * sizeof(JEntry) + sizeof(jsonb_keys) - 1)

/*
 * Finish the jsonb answer around the file of r, or refuse a file too large
 * for a jsonb string (with the _chunks function to use instead).
 */
static Datum
JsonbAnswer(CodegenResult *r, const char *language)
{
	CgOut	   *out = &r->out;
	size_t		content = out->len - JSONB_HEAD;
	Numeric		count = int64_to_numeric(r->nevents);
	size_t		numlen = VARSIZE(count);
	size_t		pad = INTALIGN(out->len) - out->len;
	size_t		version = strlen(r->version);
	size_t		total = out->len + pad + numlen + 32 + version - VARHDRSZ;
	uint32	   *header;
	JEntry	   *je;

	if (total > (size_t) ed_generator_jsonb_limit)
	{
		char	   *detail = psprintf("The generated file has %zu bytes; a jsonb answer holds at most %d. "
									  "Read the file with event_definitions.event_definitions_%s_chunks(project_id).",
									  content, ed_generator_jsonb_limit - (int) (total - content), language);

		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("generated file too large for a jsonb answer"),
				 errdetail("%s", detail),
				 errhint("%s", ed_posthog_error("server_error", "file_too_large", detail, NULL))));
	}
	if (out->len + pad + numlen + 32 + version > out->cap)
		cg_grow(out, pad + numlen + 32 + version);
	memset(out->data + out->len, 0, pad);
	out->len += pad;
	cg_put(out, (char *) count, numlen);
	cg_put(out, r->hash, 32);
	cg_put(out, r->version, version);

	SET_VARSIZE(out->data, out->len);
	header = (uint32 *) (out->data + VARHDRSZ);
	*header = 4 | JB_FOBJECT;
	je = (JEntry *) (header + 1);
	je[0] = JENTRY_ISSTRING | JENTRY_HAS_OFF | 7;
	je[1] = JENTRY_ISSTRING | 11;
	je[2] = JENTRY_ISSTRING | 11;
	je[3] = JENTRY_ISSTRING | 17;
	je[4] = JENTRY_ISSTRING | (uint32) content;
	je[5] = JENTRY_ISNUMERIC | (uint32) (pad + numlen);
	je[6] = JENTRY_ISSTRING | 32;
	je[7] = JENTRY_ISSTRING | (uint32) version;
	memcpy(je + 8, jsonb_keys, sizeof(jsonb_keys) - 1);
	return PointerGetDatum(out->data);
}

/*
 * The jsonb entry point of a generator.
 */
static Datum
GenerateJsonb(FunctionCallInfo fcinfo, const CodegenGenerator *g)
{
	int64		project_id = ed_project_arg(fcinfo);
	CodegenResult r;

	Generate(project_id, g, JSONB_HEAD, CurrentMemoryContext, &r);
	return JsonbAnswer(&r, g->name);
}

/* Where a _chunks call is: the file, and the next chunk's start. */
typedef struct ChunkState
{
	CodegenResult r;
	size_t		next;
	int			chunk_bytes;
	int			chunk;
} ChunkState;

/*
 * The _chunks entry point of a generator: the file as rows (chunk,
 * content, event_count, schema_hash, generator_version), each content at
 * most chunk_bytes long and cut between characters; their concatenation
 * in chunk order is the file.
 */
static Datum
GenerateChunks(FunctionCallInfo fcinfo, const CodegenGenerator *g)
{
	FuncCallContext *funcctx;
	ChunkState *st;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	size_t		end;

	if (SRF_IS_FIRSTCALL())
	{
		int64		project_id = ed_project_arg(fcinfo);
		int			chunk_bytes = PG_ARGISNULL(1) ? 1048576 : PG_GETARG_INT32(1);
		MemoryContext old;
		TupleDesc	desc;

		if (chunk_bytes < 16 || chunk_bytes > 268435455)
			ed_field_error("chunk_bytes", "Ensure this value is between 16 and 268435455.");
		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(desc);
		st = palloc0(sizeof(ChunkState));
		st->chunk_bytes = chunk_bytes;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(old);
		Generate(project_id, g, 0, funcctx->multi_call_memory_ctx, &st->r);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = funcctx->user_fctx;
	if (st->next >= st->r.out.len)
		SRF_RETURN_DONE(funcctx);

	CHECK_FOR_INTERRUPTS();
	end = Min(st->r.out.len, st->next + st->chunk_bytes);
	/* never between the bytes of a character */
	while (end < st->r.out.len && end > st->next && (st->r.out.data[end] & 0xC0) == 0x80)
		end--;
	values[0] = Int32GetDatum(++st->chunk);
	values[1] = PointerGetDatum(cstring_to_text_with_len(st->r.out.data + st->next, end - st->next));
	values[2] = Int32GetDatum(st->r.nevents);
	values[3] = CStringGetTextDatum(st->r.hash);
	values[4] = CStringGetTextDatum(st->r.version);
	st->next = end;
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(ed_event_definitions_typescript);

/*
 * event_definitions_typescript(project_id): GET /event_definitions/typescript/
 */
Datum
ed_event_definitions_typescript(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(GenerateJsonb(fcinfo, &typescript));
}

PG_FUNCTION_INFO_V1(ed_event_definitions_python);

/*
 * event_definitions_python(project_id): GET /event_definitions/python/
 */
Datum
ed_event_definitions_python(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(GenerateJsonb(fcinfo, &python));
}

PG_FUNCTION_INFO_V1(ed_event_definitions_golang);

/*
 * event_definitions_golang(project_id): GET /event_definitions/golang/
 */
Datum
ed_event_definitions_golang(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(GenerateJsonb(fcinfo, &golang));
}

PG_FUNCTION_INFO_V1(ed_event_definitions_typescript_chunks);

/*
 * event_definitions_typescript_chunks(project_id, chunk_bytes): the
 * TypeScript file of any size, as rows of text.
 */
Datum
ed_event_definitions_typescript_chunks(PG_FUNCTION_ARGS)
{
	return GenerateChunks(fcinfo, &typescript);
}

PG_FUNCTION_INFO_V1(ed_event_definitions_python_chunks);

/*
 * event_definitions_python_chunks(project_id, chunk_bytes): the Python
 * file of any size, as rows of text.
 */
Datum
ed_event_definitions_python_chunks(PG_FUNCTION_ARGS)
{
	return GenerateChunks(fcinfo, &python);
}

PG_FUNCTION_INFO_V1(ed_event_definitions_golang_chunks);

/*
 * event_definitions_golang_chunks(project_id, chunk_bytes): the Go file of
 * any size, as rows of text.
 */
Datum
ed_event_definitions_golang_chunks(PG_FUNCTION_ARGS)
{
	return GenerateChunks(fcinfo, &golang);
}
