/*-------------------------------------------------------------------------
 *
 * codegen.c
 *	  The code generators' answers: a jsonb object built in the output
 *	  buffer itself, or the file in chunks of text; and the SQL entry
 *	  points.
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

/* the largest jsonb answer (event_definitions.generator_jsonb_limit) */
int			ed_generator_jsonb_limit = JENTRY_OFFLENMASK;

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
