/*-------------------------------------------------------------------------
 *
 * nameset.c
 *	  A growable hash set of names in palloc'd memory: the code
 *	  generators' identifier rules, duplicate checks of request lists.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"

#include "nameset.h"

/*
 * The slot of name in the set's open-addressing table: where it is, or the
 * empty slot where it would go.  The table is a power of two in size.
 */
static int
NameSetSlot(NameSet *set, const char *name)
{
	uint32		mask = (uint32) set->cap - 1;
	uint32		i = hash_bytes((const unsigned char *) name, strlen(name)) & mask;

	while (set->names[i] != NULL && strcmp(set->names[i], name) != 0)
		i = (i + 1) & mask;
	return (int) i;
}

/*
 * Is name in the set?
 */
bool
nameset_contains(NameSet *set, const char *name)
{
	if (set->cap == 0)
		return false;
	return set->names[NameSetSlot(set, name)] != NULL;
}

/*
 * Add name to the set (kept at most half full, so lookups stay O(1) and the
 * generators linear in the number of names).
 */
void
nameset_add(NameSet *set, const char *name)
{
	int			slot;

	if (2 * (set->n + 1) > set->cap)
	{
		char	  **old = set->names;
		int			oldcap = set->cap;
		int			i;

		set->cap = oldcap ? oldcap * 2 : 32;
		set->names = palloc0(sizeof(char *) * set->cap);
		for (i = 0; i < oldcap; i++)
			if (old[i] != NULL)
				set->names[NameSetSlot(set, old[i])] = old[i];
		if (old)
			pfree(old);
	}
	slot = NameSetSlot(set, name);
	if (set->names[slot] == NULL)
	{
		set->names[slot] = pstrdup(name);
		set->n++;
	}
}

/*
 * base itself when free, else base + sep + 2, 3, ...; the result is added.
 */
char *
nameset_unique(NameSet *set, const char *base, const char *sep)
{
	char	   *name = pstrdup(base);
	int			i = 2;

	while (nameset_contains(set, name))
		name = psprintf("%s%s%d", base, sep, i++);
	nameset_add(set, name);
	return name;
}
