/*-------------------------------------------------------------------------
 *
 * codegen.h
 *	  The code generators: the snapshot of a project they read
 *	  (codegen_load.c) and its events' views (codegen_view.c), the output
 *	  buffer and helpers they write with (codegen_out.c), the answers
 *	  (codegen.c), and the three languages.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CODEGEN_H
#define CODEGEN_H

#include "utils/uuid.h"

#include "nameset.h"

/*
 * Each generator's version, as PostHog's: it goes into the file, the
 * answer and the schema hash.  TypeScript is at PostHog's 1.1.0 (fields
 * merged by name, types unioned, is_optional_in_types); Python and Go at
 * 1.0.0.
 */
#define ED_TYPESCRIPT_GENERATOR_VERSION "1.1.0"
#define ED_PYTHON_GENERATOR_VERSION "1.0.0"
#define ED_GOLANG_GENERATOR_VERSION "1.0.0"

/* The property types, in code point order of their names (PostHog's sort). */
typedef enum CodegenType
{
	CODEGEN_ARRAY,
	CODEGEN_BOOLEAN,
	CODEGEN_DATETIME,
	CODEGEN_NUMERIC,
	CODEGEN_OBJECT,
	CODEGEN_STRING
} CodegenType;

#define CODEGEN_NTYPES 6

extern const char *const codegen_type_names[CODEGEN_NTYPES];

/* One value of an enum rule. */
typedef struct CodegenValue
{
	char		kind;			/* 's' string, 'n' number, 'b' boolean */
	int			len;
	const char *text;			/* the string; a number's decimal text; true/false */
} CodegenValue;

/* The values of an enum rule, in the rule's order. */
typedef struct CodegenEnum
{
	int			n;
	CodegenValue *values;
} CodegenEnum;

/* One property of a property group. */
typedef struct CodegenProperty
{
	const char *name;
	CodegenEnum *enumeration;	/* NULL: no enum rule */
	int			len;
	int			group;			/* its group's index (the loader's slot, first) */
	uint8		type;			/* CodegenType */
	bool		required;
	bool		optional_in_types;
} CodegenProperty;

/* A property group: its properties, by name, in the snapshot's array. */
typedef struct CodegenGroup
{
	pg_uuid_t	id;
	int			first;
	int			nprops;
} CodegenGroup;

/* A selected event: its groups' indexes are refs[first .. first + ngroups). */
typedef struct CodegenEvent
{
	const char *name;
	int			len;
	int			first;
	int			ngroups;
} CodegenEvent;

/*
 * What a project's events and groups hold, read by one query; events by
 * name, groups by id.  The facts and sizes are over every event's fields,
 * for the headers and for sizing the output in advance.
 */
typedef struct CodegenSchema
{
	int			nevents;
	CodegenEvent *events;
	int			ngroups;
	CodegenGroup *groups;
	int			nprops;
	CodegenProperty *props;
	int		   *refs;
	char	   *generated_at;	/* transaction start, local time, isoformat */
	char		hash[33];		/* PostHog's schema_hash, for the version loaded */
	bool		has_datetime;	/* some field is a DateTime */
	bool		has_literal;	/* some field has an enum Python can spell */
	int64		nfields;
	int64		event_bytes;	/* event names */
	int64		field_bytes;	/* field names */
	int64		field_event_bytes;	/* the event name, once per field */
	int64		enum_values;
	int64		enum_bytes;
} CodegenSchema;

/*
 * A property name of an event as the generators type it, merged over the
 * name's occurrences (props[first .. first + n) of the event's view).
 * Python and Go type it with the first occurrence's type and require it
 * when any occurrence is required; TypeScript (1.1.0) unions the types and
 * makes it optional when any occurrence is optional or optional in types.
 */
typedef struct CodegenField
{
	const char *name;
	int			len;
	uint8		type;			/* the first occurrence's CodegenType */
	bool		required;		/* Python, Go */
	bool		optional;		/* TypeScript */
	CodegenEnum *enumeration;	/* Python, Go: the values when every
								 * occurrence of type has an enum rule */
	int			first;
	int			n;
} CodegenField;

/* An event's properties (all groups', sorted as PostHog's hash sorts them) and fields. */
typedef struct CodegenView
{
	CodegenEvent *event;
	int			nprops;
	CodegenProperty *props;
	int			nfields;
	CodegenField *fields;
} CodegenView;

/*
 * The output: a buffer sized in advance (it still grows when an estimate
 * falls short), whose first "start" bytes are reserved for the result's
 * header.
 */
typedef struct CgOut
{
	char	   *data;
	size_t		len;
	size_t		cap;
} CgOut;

extern void cg_grow(CgOut *out, size_t more);

static inline void
cg_put(CgOut *out, const char *s, size_t n)
{
	if (out->len + n > out->cap)
		cg_grow(out, n);
	memcpy(out->data + out->len, s, n);
	out->len += n;
}

static inline void
cg_putc(CgOut *out, char c)
{
	if (out->len + 1 > out->cap)
		cg_grow(out, 1);
	out->data[out->len++] = c;
}

#define cg_lit(out, s) cg_put((out), (s), sizeof(s) - 1)

extern void cg_puts(CgOut *out, const char *s);
extern void cg_printf(CgOut *out, const char *fmt,...);
extern void cg_json(CgOut *out, const char *s, size_t len, bool quotes, bool go);
extern void cg_value(CgOut *out, const CodegenValue *v, bool go);

/* codegen.c: the largest jsonb answer (event_definitions.generator_jsonb_limit) */
extern int	ed_generator_jsonb_limit;

/* codegen_load.c */
extern void codegen_load(int64 project_id, const char *version, CodegenSchema *schema);

/* codegen_view.c */
extern void codegen_view(CodegenSchema *schema, int e, CodegenView *view);
extern void codegen_survey(CodegenSchema *schema, void (*each) (CodegenView *view, int e, void *arg),
						   void *arg);

/* codegen_out.c: identifiers */
extern char *codegen_literal(const char *s);
extern char *codegen_join_alnum(const char *s, const char *sep, int *nparts);
extern char *codegen_join_runs(const char *s, bool capitalize);
extern bool codegen_in_list(const char *s, const char *const *list);
extern bool codegen_integer_enum(const CodegenEnum *e);

/* the generators: a file, and an estimate of its size */
extern void codegen_typescript(CodegenSchema *schema, CgOut *out);
extern size_t codegen_typescript_size(CodegenSchema *schema);
extern void codegen_python(CodegenSchema *schema, CgOut *out);
extern size_t codegen_python_size(CodegenSchema *schema);
extern void codegen_golang(CodegenSchema *schema, CgOut *out);
extern size_t codegen_golang_size(CodegenSchema *schema);

#endif							/* CODEGEN_H */
