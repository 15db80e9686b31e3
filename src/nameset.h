/*-------------------------------------------------------------------------
 *
 * nameset.h
 *	  A growable hash set of names (nameset.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef NAMESET_H
#define NAMESET_H

/* A slot of a NameSet: a name and its hash, or NULL. */
typedef struct NameSlot
{
	char	   *name;
	uint32		hash;
} NameSlot;

/*
 * A set of names; {0} is empty.  Names are copied in, into blocks of cxt
 * (NULL: the memory context current when the set first grows).
 */
typedef struct NameSet
{
	int			n;				/* names in the set */
	int			cap;			/* slots: 0 or a power of two */
	NameSlot   *slots;			/* open addressing */
	MemoryContext cxt;
	char	   *block;			/* the rest of the current block of names */
	size_t		block_left;
} NameSet;

extern bool nameset_contains(NameSet *set, const char *name);
extern void nameset_add(NameSet *set, const char *name);
extern char *nameset_unique(NameSet *set, const char *base, const char *sep);
extern void nameset_copy(NameSet *dst, const NameSet *src);

#endif							/* NAMESET_H */
