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
#include "utils/memutils.h"

#include "nameset.h"

/*
 * The slot of name (of the given hash) in the set's open-addressing table:
 * where it is, or the empty slot where it would go.  The table is a power
 * of two in size; a slot's hash is compared before its name.
 */
static int
NameSetSlot(NameSet *set, const char *name, uint32 hash)
{
	uint32		mask = (uint32) set->cap - 1;
	uint32		i = hash & mask;

	while (set->slots[i].name != NULL &&
		   (set->slots[i].hash != hash || strcmp(set->slots[i].name, name) != 0))
		i = (i + 1) & mask;
	return (int) i;
}

/*
 * The hash of a name.
 */
static inline uint32
NameHash(const char *name)
{
	return hash_bytes((const unsigned char *) name, strlen(name));
}

/*
 * Is name in the set?
 */
bool
nameset_contains(NameSet *set, const char *name)
{
	if (set->cap == 0)
		return false;
	return set->slots[NameSetSlot(set, name, NameHash(name))].name != NULL;
}

/*
 * Add name to the set (kept at most half full, so lookups stay O(1) and the
 * generators linear in the number of names).
 */
void
nameset_add(NameSet *set, const char *name)
{
	uint32		hash = NameHash(name);
	int			slot;

	if (set->cxt == NULL)
		set->cxt = CurrentMemoryContext;
	if (2 * (set->n + 1) > set->cap)
	{
		NameSlot   *old = set->slots;
		int			oldcap = set->cap;
		int			i;

		set->cap = oldcap ? oldcap * 2 : 32;
		set->slots = MemoryContextAllocHuge(set->cxt, sizeof(NameSlot) * set->cap);
		memset(set->slots, 0, sizeof(NameSlot) * set->cap);
		for (i = 0; i < oldcap; i++)
			if (old[i].name != NULL)
				set->slots[NameSetSlot(set, old[i].name, old[i].hash)] = old[i];
		if (old)
			pfree(old);
	}
	slot = NameSetSlot(set, name, hash);
	if (set->slots[slot].name == NULL)
	{
		size_t		len = strlen(name) + 1;

		/* names go into blocks, without a chunk header each */
		if (len > set->block_left)
		{
			set->block_left = Max(len, 8192);
			set->block = MemoryContextAlloc(set->cxt, set->block_left);
		}
		memcpy(set->block, name, len);
		set->slots[slot].name = set->block;
		set->block += len;
		set->block_left -= len;
		set->slots[slot].hash = hash;
		set->n++;
	}
}

/*
 * base itself when free, else base + sep + 2, 3, ...; the result is added.
 */
char *
nameset_unique(NameSet *set, const char *base, const char *sep)
{
	char	   *name = (char *) base;
	int			i = 2;

	while (nameset_contains(set, name))
		name = psprintf("%s%s%d", base, sep, i++);
	nameset_add(set, name);
	return name;
}

/*
 * Make dst a set of the names of src, in the current memory context
 * (sharing their text: a set never changes or frees a name it holds).
 */
void
nameset_copy(NameSet *dst, const NameSet *src)
{
	*dst = *src;
	dst->cxt = CurrentMemoryContext;
	dst->block = NULL;
	dst->block_left = 0;
	if (src->cap == 0)
		return;
	dst->slots = palloc(sizeof(NameSlot) * src->cap);
	memcpy(dst->slots, src->slots, sizeof(NameSlot) * src->cap);
}
