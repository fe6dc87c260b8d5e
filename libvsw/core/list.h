/* SPDX-License-Identifier: MIT */
/*
 * list.h - intrusive doubly linked lists.
 *
 * The switch keeps its port groups, ports and uplinks in the order they were
 * added, because users iterate them (vswctl list) and because "every uplink
 * active in the order added" is a policy. Removal is O(1) from the node alone.
 */
#ifndef VSW_LIST_H
#define VSW_LIST_H

#include <stddef.h>

struct vsw_list {
	struct vsw_list *next, *prev;
};

#define vsw_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline void vsw_list_init(struct vsw_list *h)
{
	h->next = h->prev = h;
}

static inline int vsw_list_empty(const struct vsw_list *h)
{
	return h->next == h;
}

static inline void vsw_list_append(struct vsw_list *h, struct vsw_list *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void vsw_list_del(struct vsw_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

/* Node after 'n' in list 'h', or NULL at the end; 'n' NULL gives the first. */
static inline struct vsw_list *vsw_list_after(const struct vsw_list *h,
					      const struct vsw_list *n)
{
	const struct vsw_list *x = n ? n->next : h->next;
	return x == h ? NULL : (struct vsw_list *)x;
}

#define vsw_list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define vsw_list_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)

#endif
