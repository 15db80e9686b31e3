/*-------------------------------------------------------------------------
 *
 * shim.c
 *	  Just enough of the PostgreSQL backend, on malloc, to run the
 *	  extension's pure-C pieces (request validation, tag normalization,
 *	  JSON, code generators) inside a libFuzzer binary.
 *
 * Memory: palloc and friends allocate separate malloc chunks (so ASan sees
 * every overflow) chained into one per-iteration arena; fuzz_end() frees
 * the arena, like the end of a memory context.  What is still malloc'd
 * after that (a jansson tree stranded by an ERROR, for instance) is a leak
 * that LeakSanitizer reports.
 *
 * Errors: ereport(ERROR) formats its message (so a bad format argument is
 * caught) and siglongjmps to PG_exception_stack, exactly as PG_TRY expects;
 * the harness catches it with PG_TRY/PG_CATCH.  Lower levels are ignored.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <locale.h>
#include <wchar.h>
#include <wctype.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/formatting.h"
#include "utils/memutils.h"

#include "shim.h"

sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;
MemoryContext CurrentMemoryContext = NULL;

int			fuzz_error_count = 0;

/* ---------- memory ---------- */

typedef struct Chunk
{
	struct Chunk *prev;
	struct Chunk *next;
	size_t		size;
	size_t		magic;
} Chunk;

#define CHUNK_MAGIC 0x5eedc0de

static Chunk arena = {&arena, &arena, 0, CHUNK_MAGIC};

static void *
ArenaAlloc(Size size, bool zero)
{
	Chunk	   *c;

	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	c = zero ? calloc(1, sizeof(Chunk) + size) : malloc(sizeof(Chunk) + size);
	if (c == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	c->size = size;
	c->magic = CHUNK_MAGIC;
	c->next = arena.next;
	c->prev = &arena;
	arena.next->prev = c;
	arena.next = c;
	return c + 1;
}

static Chunk *
ChunkOf(void *p)
{
	Chunk	   *c = ((Chunk *) p) - 1;

	if (c->magic != CHUNK_MAGIC)
		fuzz_fail("pfree/repalloc of a pointer palloc did not return");
	return c;
}

void *
palloc(Size size)
{
	return ArenaAlloc(size, false);
}

void *
palloc0(Size size)
{
	return ArenaAlloc(size, true);
}

void *
palloc_extended(Size size, int flags)
{
	return ArenaAlloc(size, (flags & MCXT_ALLOC_ZERO) != 0);
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	if (context == TopMemoryContext)
		return MemoryContextAllocHuge(context, size);
	return ArenaAlloc(size, false);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	return ArenaAlloc(size, true);
}

/*
 * Memory contexts: one arena for all of them (freed at the end of an
 * input), except TopMemoryContext, whose memory is malloc'd for good (what
 * a backend keeps, the code generators' cut templates, say).
 */
static MemoryContextData top_context;
static MemoryContextData other_context;
MemoryContext TopMemoryContext = &top_context;

void *
MemoryContextAllocHuge(MemoryContext context, Size size)
{
	Chunk	   *c;

	if (context != TopMemoryContext)
		return ArenaAlloc(size, false);
	c = malloc(sizeof(Chunk) + size);
	if (c == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	c->size = size;
	c->magic = 0;
	return c + 1;
}

MemoryContext
AllocSetContextCreateInternal(MemoryContext parent, const char *name, Size minContextSize,
							  Size initBlockSize, Size maxBlockSize)
{
	return &other_context;
}

void
MemoryContextReset(MemoryContext context)
{
}

void
MemoryContextDelete(MemoryContext context)
{
}

void
pfree(void *pointer)
{
	Chunk	   *c = ChunkOf(pointer);

	c->prev->next = c->next;
	c->next->prev = c->prev;
	c->magic = 0;
	free(c);
}

void *
repalloc(void *pointer, Size size)
{
	Chunk	   *c = ChunkOf(pointer);
	void	   *result = ArenaAlloc(size, false);

	memcpy(result, pointer, Min(size, c->size));
	pfree(pointer);
	return result;
}

void *
repalloc_huge(void *pointer, Size size)
{
	return repalloc(pointer, size);
}

char *
pstrdup(const char *in)
{
	size_t		len = strlen(in);
	char	   *out = palloc(len + 1);

	memcpy(out, in, len + 1);
	return out;
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

size_t
pvsnprintf(char *buf, size_t len, const char *fmt, va_list args)
{
	int			nprinted = vsnprintf(buf, len, fmt, args);

	if (nprinted < 0)
		elog(ERROR, "vsnprintf failed: %m with format string \"%s\"", fmt);
	if ((size_t) nprinted < len)
		return (size_t) nprinted;
	if ((size_t) nprinted >= MaxAllocSize - 1)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("out of memory")));
	return nprinted + 1;
}

char *
psprintf(const char *fmt,...)
{
	size_t		len = 128;

	for (;;)
	{
		char	   *result = palloc(len);
		va_list		args;
		size_t		newlen;

		va_start(args, fmt);
		newlen = pvsnprintf(result, len, fmt, args);
		va_end(args);
		if (newlen < len)
			return result;
		pfree(result);
		len = newlen;
	}
}

/* ---------- StringInfo (as src/common/stringinfo.c, backend flavour) ---------- */

StringInfo
makeStringInfo(void)
{
	StringInfo	res = palloc(sizeof(StringInfoData));

	initStringInfo(res);
	return res;
}

void
initStringInfo(StringInfo str)
{
	int			size = 1024;

	str->data = palloc(size);
	str->maxlen = size;
	resetStringInfo(str);
}

void
resetStringInfo(StringInfo str)
{
	str->data[0] = '\0';
	str->len = 0;
	str->cursor = 0;
}

void
enlargeStringInfo(StringInfo str, int needed)
{
	int			newlen;

	if (needed < 0)
		elog(ERROR, "invalid string enlargement request size: %d", needed);
	if (((Size) needed) >= (MaxAllocSize - (Size) str->len))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("out of memory"),
				 errdetail("Cannot enlarge string buffer containing %d bytes by %d more bytes.",
						   str->len, needed)));
	needed += str->len + 1;
	if (needed <= str->maxlen)
		return;
	newlen = 2 * str->maxlen;
	while (needed > newlen)
		newlen = 2 * newlen;
	if (newlen > (int) MaxAllocSize)
		newlen = (int) MaxAllocSize;
	str->data = repalloc(str->data, newlen);
	str->maxlen = newlen;
}

int
appendStringInfoVA(StringInfo str, const char *fmt, va_list args)
{
	int			avail;
	size_t		nprinted;

	avail = str->maxlen - str->len;
	if (avail < 16)
		return 32;
	nprinted = pvsnprintf(str->data + str->len, (size_t) avail, fmt, args);
	if (nprinted < (size_t) avail)
	{
		str->len += (int) nprinted;
		return 0;
	}
	/* restore the trailing null so that str is unmodified */
	str->data[str->len] = '\0';
	return (int) nprinted;
}

void
appendStringInfo(StringInfo str, const char *fmt,...)
{
	int			save_errno = errno;

	for (;;)
	{
		va_list		args;
		int			needed;

		errno = save_errno;
		va_start(args, fmt);
		needed = appendStringInfoVA(str, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(str, needed);
	}
}

void
appendBinaryStringInfo(StringInfo str, const char *data, int datalen)
{
	enlargeStringInfo(str, datalen);
	memcpy(str->data + str->len, data, datalen);
	str->len += datalen;
	str->data[str->len] = '\0';
}

void
appendBinaryStringInfoNT(StringInfo str, const char *data, int datalen)
{
	enlargeStringInfo(str, datalen);
	memcpy(str->data + str->len, data, datalen);
	str->len += datalen;
}

void
appendStringInfoString(StringInfo str, const char *s)
{
	appendBinaryStringInfo(str, s, strlen(s));
}

void
appendStringInfoChar(StringInfo str, char ch)
{
	if (str->len + 1 >= str->maxlen)
		enlargeStringInfo(str, 1);
	str->data[str->len] = ch;
	str->len++;
	str->data[str->len] = '\0';
}

void
appendStringInfoSpaces(StringInfo str, int count)
{
	if (count > 0)
	{
		enlargeStringInfo(str, count);
		memset(&str->data[str->len], ' ', count);
		str->len += count;
		str->data[str->len] = '\0';
	}
}

/* ---------- errors ---------- */

static int	cur_elevel;
static char *cur_message;

bool
errstart(int elevel, const char *domain)
{
	if (elevel < ERROR)
		return false;
	cur_elevel = elevel;
	cur_message = NULL;
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	if (cur_elevel >= FATAL)
		fuzz_fail("FATAL at %s:%d (%s): %s", filename, lineno, funcname,
				  cur_message ? cur_message : "");
	if (cur_message == NULL)
		fuzz_fail("ERROR without a message at %s:%d (%s)", filename, lineno, funcname);
	fuzz_error_count++;
	if (PG_exception_stack == NULL)
		fuzz_fail("ERROR outside PG_TRY at %s:%d (%s): %s", filename, lineno, funcname, cur_message);
	siglongjmp(*PG_exception_stack, 1);
}

void
pg_re_throw(void)
{
	if (PG_exception_stack == NULL)
		fuzz_fail("PG_RE_THROW outside PG_TRY");
	siglongjmp(*PG_exception_stack, 1);
}

void
fuzz_flush_error(void)
{
	cur_elevel = 0;
	cur_message = NULL;
}

/* format every message part, so that a bad argument is caught here */
#define FORMAT_PART(fmt, target) \
	do { \
		va_list		args; \
		size_t		len = 128; \
		for (;;) { \
			char	   *buf = palloc(len); \
			size_t		newlen; \
			va_start(args, fmt); \
			newlen = pvsnprintf(buf, len, fmt, args); \
			va_end(args); \
			if (newlen < len) { (target) = buf; break; } \
			pfree(buf); \
			len = newlen; \
		} \
	} while (0)

int
errcode(int sqlerrcode)
{
	return 0;
}

int
errmsg(const char *fmt,...)
{
	FORMAT_PART(fmt, cur_message);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	FORMAT_PART(fmt, cur_message);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	char	   *s;

	FORMAT_PART(fmt, s);
	(void) s;
	return 0;
}

int
errdetail_internal(const char *fmt,...)
{
	char	   *s;

	FORMAT_PART(fmt, s);
	(void) s;
	return 0;
}

int
errhint(const char *fmt,...)
{
	char	   *s;

	FORMAT_PART(fmt, s);
	(void) s;
	return 0;
}

int
err_generic_string(int field, const char *str)
{
	(void) strlen(str);
	return 0;
}

/*
 * ---------- interrupts ----------
 * Nothing interrupts a fuzz iteration: CHECK_FOR_INTERRUPTS() finds no
 * pending interrupt.
 */

volatile sig_atomic_t InterruptPending = false;

void
ProcessInterrupts(void)
{
	InterruptPending = false;
}

/*
 * ---------- stack depth ----------
 * PostgreSQL's default max_stack_depth is 2MB; FUZZ_MAX_STACK (bytes)
 * lowers the limit so that a moderately nested input raises the ERROR
 * deep inside a recursion (the path that must not leak).
 */

static char *stack_base;
static long stack_limit = 2L * 1024 * 1024 - 256 * 1024;

void
check_stack_depth(void)
{
	char	   *here = (char *) __builtin_frame_address(0);
	long		depth = stack_base - here;

	if (depth < 0)
		depth = -depth;
	if (depth > stack_limit)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("stack depth limit exceeded")));
}

/* ---------- encoding and case mapping (database encoding UTF8) ---------- */

/* mbutils.c's pg_mbstrlen for a UTF-8 database, as it is */
int
pg_mbstrlen(const char *mbstr)
{
	int			len = 0;

	while (*mbstr)
	{
		mbstr += pg_utf_mblen((const unsigned char *) mbstr);
		len++;
	}
	return len;
}

int
pg_mblen(const char *mbstr)
{
	return pg_utf_mblen((const unsigned char *) mbstr);
}

/* formatting.c's str_tolower under a UTF-8 libc locale: towlower per code point */
char *
str_tolower(const char *buff, size_t nbytes, Oid collid)
{
	wchar_t    *wide = palloc(sizeof(wchar_t) * (nbytes + 1));
	char	   *result;
	size_t		n = 0,
				i,
				out = 0;
	mbstate_t	st;
	const char *p = buff;
	const char *end = buff + nbytes;

	memset(&st, 0, sizeof(st));
	while (p < end && *p)
	{
		size_t		l = mbrtowc(&wide[n], p, end - p, &st);

		if (l == (size_t) -1 || l == (size_t) -2 || l == 0)
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("invalid multibyte character for locale")));
		wide[n] = towlower(wide[n]);
		n++;
		p += l;
	}
	result = palloc(n * MB_CUR_MAX + 1);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < n; i++)
	{
		size_t		l = wcrtomb(result + out, wide[i], &st);

		if (l == (size_t) -1)
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("could not convert a lower-case character")));
		out += l;
	}
	result[out] = '\0';
	pfree(wide);
	return result;
}

bool
fuzz_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;

	while (p < end)
	{
		int			l;

		if (*p == '\0')
			return false;
		l = pg_utf_mblen(p);
		if (p + l > end || !pg_utf8_islegal(p, l))
			return false;
		p += l;
	}
	return true;
}

/* ---------- iterations ---------- */

void
fuzz_begin(void)
{
	static bool initialized = false;

	if (!initialized)
	{
		const char *limit = getenv("FUZZ_MAX_STACK");

		if (setlocale(LC_ALL, "C.UTF-8") == NULL)
			fuzz_fail("no C.UTF-8 locale");
		if (limit != NULL && atol(limit) > 0)
			stack_limit = atol(limit);
		initialized = true;
	}
	stack_base = (char *) __builtin_frame_address(0);
	PG_exception_stack = NULL;
	error_context_stack = NULL;
	fuzz_error_count = 0;
	fuzz_flush_error();
}

void
fuzz_end(void)
{
	Chunk	   *c = arena.next;

	if (PG_exception_stack != NULL)
		fuzz_fail("PG_exception_stack not restored at the end of an input");
	while (c != &arena)
	{
		Chunk	   *next = c->next;

		c->magic = 0;
		free(c);
		c = next;
	}
	arena.next = arena.prev = &arena;
}

void
fuzz_fail(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	fprintf(stderr, "fuzz oracle failed: ");
	vfprintf(stderr, fmt, args);
	fprintf(stderr, "\n");
	va_end(args);
	abort();
}
