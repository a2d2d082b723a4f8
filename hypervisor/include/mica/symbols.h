/*
 * Address-to-symbol lookup for backtraces (common/symbols.c).
 *
 * The table is generated from the linked hypervisor by scripts/gensyms.sh
 * (three-pass link, see the top Makefile) and covers the text symbols.
 */
#ifndef MICA_SYMBOLS_H
#define MICA_SYMBOLS_H

#include <mica/types.h>

/*
 * The name of the function containing addr, or NULL if addr is below the
 * first symbol or at/after the end of the text (_etext).  *offset (if
 * non-NULL) gets addr minus the symbol's address, *size (if non-NULL) the
 * distance to the next symbol, or to _etext for the last one; 0 when that
 * is unknown (last symbol and no _etext in the table).
 */
const char *symbols_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

#endif /* MICA_SYMBOLS_H */
