/*-------------------------------------------------------------------------
 *
 * render.h
 *	  The API's JSON shape of an event definition, built in C (render.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RENDER_H
#define RENDER_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "executor/spi.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/*
 * The columns ed_push_definition() reads, in its order, as a select list
 * over event_definitions_private.event_definitions d.
 */
#define ED_DEFINITION_COLUMNS \
	"d.id, d.name, d.owner_id, d.description, d.tags, d.created_at, d.updated_at," \
	" d.updated_by_id, d.last_seen_at, d.verified, d.verified_at, d.verified_by_id," \
	" d.hidden, d.enforcement_mode, d.promoted_property, d.created_by_id, d.default_columns"

extern Datum ed_jsonb_result(JsonbValue *doc);
extern Datum ed_definition_jsonb(HeapTuple tuple, TupleDesc desc);
extern Datum ed_definition_row_jsonb(HeapTuple tuple, TupleDesc desc);
extern void ed_push_definitions_field(JsonbParseState **state, const char *key,
									  SPITupleTable *rows, uint64 nrows);
extern void ed_push_key(JsonbParseState **state, const char *key);
extern void ed_push_text_field(JsonbParseState **state, text *key, text *value);
extern void ed_push_numeric_field(JsonbParseState **state, const char *key, Numeric value);
extern void ed_push_int8_field(JsonbParseState **state, const char *key, int64 value);
extern void ed_push_cstring_field(JsonbParseState **state, const char *key, const char *value);
extern void ed_push_bool_field(JsonbParseState **state, const char *key, bool value);

#endif							/* RENDER_H */
