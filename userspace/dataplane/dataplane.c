// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's side of the backend table: a NULL entry means the backend
 * has nothing to do for it (the userspace backend keeps no copy of nodes,
 * keys or routes), so callers need not know which backend runs.
 */
#include "dataplane/dataplane.h"

int mv_dataplane_open(struct mv_dataplane *dp, const struct mv_backend *b)
{
	int err = b->open(dp);

	if (!err)
		dp->backend = b;
	return err;
}

void mv_dataplane_close(struct mv_dataplane *dp, bool keep)
{
	if (dp->backend && dp->backend->close)
		dp->backend->close(dp, keep);
}

const char *mv_dataplane_name(const struct mv_dataplane *dp)
{
	return dp->backend ? dp->backend->name : "none";
}

void mv_dataplane_sync(struct mv_dataplane *dp)
{
	if (dp->backend && dp->backend->sync)
		dp->backend->sync(dp);
}

int mv_dataplane_route(struct mv_dataplane *dp, struct mv_node *n,
		       const struct mv_subnet *s, bool add)
{
	if (!dp->backend || !dp->backend->route)
		return 0;
	return dp->backend->route(dp, n, s, add);
}

void mv_dataplane_stats(struct mv_dataplane *dp, struct mv_node *n,
			struct mv_counters *out)
{
	*out = n->stats;
	if (dp->backend && dp->backend->stats)
		dp->backend->stats(dp, n, out);
}

bool mv_dataplane_holds(const struct mv_dataplane *dp, const struct mv_node *n)
{
	return n->udp.direct ||
	       (dp->backend && dp->backend->holds && dp->backend->holds(n));
}
