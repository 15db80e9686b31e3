/*
 * shim.h
 *	  The PostgreSQL backend services the fuzzed sources use, reimplemented
 *	  on malloc for a libFuzzer binary: see shim.c.
 */
#ifndef FUZZ_SHIM_H
#define FUZZ_SHIM_H

/* start and end of one input: memory of the iteration is freed at the end */
extern void fuzz_begin(void);
extern void fuzz_end(void);

/* called in a PG_CATCH block: the ERROR is the expected outcome */
extern void fuzz_flush_error(void);

/* number of ERRORs raised since the start of the iteration */
extern int	fuzz_error_count;

/* is s[0..len) valid UTF-8 without NUL, as the server's text would be? */
extern bool fuzz_valid_utf8(const char *s, size_t len);

/* abort with a message: an oracle failed */
extern void fuzz_fail(const char *fmt,...) pg_attribute_printf(1, 2) pg_attribute_noreturn();

#endif
