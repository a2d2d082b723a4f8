# dom0-tools/tools/xenstored/xenstored.mk - the store library's sources.
#
# Included by the builds that compile it: the host tests
# (tests/host/xenstored.mk), the test guests that serve rings
# (tests/guest/xenstored.mk) and Dom0 (dom0-tools/dom0.mk).  The library needs only
# <string.h>, <stdlib.h>, <stdio.h> (snprintf, vsnprintf) and the public
# headers; each build says where those come from.

XS_DIR  := dom0-tools/tools/xenstored
XS_SRCS := $(addprefix $(XS_DIR)/,node.c overlay.c path.c perms.c request.c ops_node.c \
             ops_misc.c watch.c domain.c conn.c ring.c pipe.c store.c config.c check.c)
XS_HDRS := $(XS_DIR)/xenstored.h $(XS_DIR)/xs_core.h
