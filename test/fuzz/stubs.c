/*
 * stubs.c
 *	  Backend functions that src/codegen.c's SQL entry points use (SPI,
 *	  timestamps, SHA-256, jsonb building), which the fuzz targets never reach: the
 *	  targets call the generators and identifier helpers directly.  Any
 *	  call aborts.  No PostgreSQL header: only the symbols matter here.
 */
#include <stdio.h>
#include <stdlib.h>

#define NEVER(name) \
	void name(void); \
	void name(void) { fprintf(stderr, "fuzz stub %s called\n", #name); abort(); }

NEVER(GetCurrentTransactionStartTimestamp)
NEVER(SPI_connect)
NEVER(SPI_finish)
NEVER(SPI_getbinval)
NEVER(SPI_getvalue)
NEVER(ed_exec)
NEVER(ed_project_arg)
NEVER(ed_require_project)
NEVER(hex_encode)
NEVER(ed_jsonb_result)
NEVER(ed_push_cstring_field)
NEVER(ed_push_int8_field)
NEVER(pushJsonbValue)
NEVER(timestamp2tm)
NEVER(ed_local_isoformat)
NEVER(pg_cryptohash_create)
NEVER(pg_cryptohash_init)
NEVER(pg_cryptohash_update)
NEVER(pg_cryptohash_final)
NEVER(pg_cryptohash_free)
NEVER(pg_cryptohash_error)

void	   *SPI_tuptable = NULL;
