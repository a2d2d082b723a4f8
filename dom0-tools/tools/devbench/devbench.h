/* bench-dev (devbench.c): Dom0's native disk and network figures. */
#ifndef DOM0_TOOLS_DEVBENCH_H
#define DOM0_TOOLS_DEVBENCH_H

int devbench_main(int argc, char **argv);

#endif
