/*
 * Symbolizing addresses: binary search in the table that
 * scripts/gensyms.sh generates (its header describes the layout and why the
 * link converges).  The panic/backtrace code calls symbols_lookup() for
 * every return address, possibly with a corrupted stack, so any address at
 * all must be answered safely: the search only ever indexes inside
 * [0, mica_sym_count).
 *
 * Entries are sorted by address; several names may share one (aliases, and
 * zero-sized symbols), in which case the first of them, the one gensyms put
 * first (global before local), is reported, and the size runs to the next
 * *different* address.
 */
#include <mica/symbols.h>

extern const uint64_t mica_sym_count;
extern const uint64_t mica_sym_end;
extern const uint64_t mica_sym_addrs[];
extern const uint32_t mica_sym_name_offs[];
extern const char mica_sym_names[];

const char *symbols_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
    uint64_t n = mica_sym_count, lo = 0, hi = n, next;

    if (n == 0 || addr < mica_sym_addrs[0])
        return NULL;
    if (mica_sym_end && addr >= mica_sym_end)
        return NULL;

    /* Find the last entry with address <= addr: invariant addrs[lo] <= addr
     * and (hi == n or addrs[hi] > addr). */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (mica_sym_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    /* hi is the first entry above addr, so the next different address. */
    next = hi < n ? mica_sym_addrs[hi] : mica_sym_end;
    while (lo > 0 && mica_sym_addrs[lo - 1] == mica_sym_addrs[lo])
        lo--;

    if (offset)
        *offset = addr - mica_sym_addrs[lo];
    if (size)
        *size = next > mica_sym_addrs[lo] ? next - mica_sym_addrs[lo] : 0;
    return &mica_sym_names[mica_sym_name_offs[lo]];
}
