/*
 * test-dom0-ramfs: Dom0's ramfs (dom0-tools/kernel/ramfs.c), the parser of
 * the cpio "newc" archive Dom0 boots with.
 *
 * Archives are built here record by record, so each case shows exactly
 * what is in it: files, directories (listed and implied), symlinks
 * (relative, absolute, dangling, looping), a later entry replacing an
 * earlier one, the "./" and "/" name prefixes, and every malformation the
 * parser must refuse with its offset -- bad magic, non-hex fields,
 * truncation anywhere, a name not NUL-terminated where its size says,
 * data beyond the end, '..' and empty path components.  Then thousands of
 * random mutations of a good archive: no crash, no read outside it
 * (ASan), and lookups on whatever was kept still work.
 */
#include "htest.h"
#include <errno.h>
#include "../../dom0-tools/kernel/ramfs.h"

struct arc {
    char buf[65536];
    size_t len;
};

static void pad(struct arc *a)
{
    while (a->len % 4)
        a->buf[a->len++] = '\0';
}

static void rec(struct arc *a, uint32_t mode, const char *name, const char *data, size_t dlen)
{
    size_t nl = strlen(name) + 1;

    a->len += (size_t)sprintf(a->buf + a->len, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
                              1u, mode, 0u, 0u, 1u, 0u, dlen, 0u, 0u, 0u, 0u, nl, 0u);
    memcpy(a->buf + a->len, name, nl);
    a->len += nl;
    pad(a);
    memcpy(a->buf + a->len, data, dlen);
    a->len += dlen;
    pad(a);
}

static void file(struct arc *a, const char *name, const char *text)
{
    rec(a, RAMFS_IFREG | 0644, name, text, strlen(text));
}

static void trailer(struct arc *a)
{
    rec(a, 0, "TRAILER!!!", "", 0);
}

static const char *contents(const struct ramfs *fs, const char *path)
{
    static char out[256];
    const struct rnode *n;

    if (ramfs_lookup(fs, path, &n) || rnode_is_dir(n))
        return NULL;
    snprintf(out, sizeof(out), "%.*s", (int)n->size, (const char *)n->data);
    return out;
}

static void sample(struct arc *a)
{
    a->len = 0;
    rec(a, RAMFS_IFDIR | 0755, ".", "", 0);
    rec(a, RAMFS_IFDIR | 0755, "etc", "", 0);
    file(a, "etc/motd", "hello\n");
    file(a, "./etc/xl/hello.cfg", "name = \"hello\"\n");     /* etc/xl implied */
    file(a, "/boot/kernel", "ELF");
    rec(a, RAMFS_IFLNK | 0777, "etc/xl/link.cfg", "hello.cfg", 9);
    rec(a, RAMFS_IFLNK | 0777, "abs", "/etc/motd", 9);
    rec(a, RAMFS_IFLNK | 0777, "dangling", "/nowhere", 8);
    rec(a, RAMFS_IFLNK | 0777, "loop", "/loop", 5);
    rec(a, 0020644, "dev/console", "", 0);                   /* a device: skipped */
    trailer(a);
}

HTEST(a_good_archive_loads_whole)
{
    struct arc a;
    struct ramfs fs = { 0 };
    char err[128];
    const struct rnode *n;

    sample(&a);
    CHECK_EQ(ramfs_load(&fs, a.buf, a.len, err, sizeof(err)), 0);
    CHECK_EQ(fs.files, 3);
    CHECK_EQ(fs.links, 4);
    CHECK_EQ(fs.skipped, 1);
    CHECK_STREQ(contents(&fs, "/etc/motd"), "hello\n");
    CHECK_STREQ(contents(&fs, "etc/xl/hello.cfg"), "name = \"hello\"\n");
    CHECK_STREQ(contents(&fs, "//etc/./xl/../motd"), "hello\n");
    CHECK_STREQ(contents(&fs, "/boot/kernel"), "ELF");
    CHECK_EQ(ramfs_lookup(&fs, "/etc/xl", &n), 0);
    CHECK(rnode_is_dir(n));
    CHECK_EQ(ramfs_lookup(&fs, "/", &n), 0);
    CHECK(rnode_is_dir(n));
    CHECK_EQ(ramfs_lookup(&fs, "/..", &n), 0);          /* the root's parent is itself */
    ramfs_free(&fs);
}

HTEST(directories_list_sorted)
{
    struct arc a = { .len = 0 };
    struct ramfs fs = { 0 };
    char err[128];
    const struct rnode *n;

    file(&a, "d/zeta", "z");
    file(&a, "d/alpha", "a");
    file(&a, "d/mid", "m");
    trailer(&a);
    CHECK_EQ(ramfs_load(&fs, a.buf, a.len, err, sizeof(err)), 0);
    CHECK_EQ(ramfs_lookup(&fs, "/d", &n), 0);
    CHECK_STREQ(n->children->name, "alpha");
    CHECK_STREQ(n->children->next->name, "mid");
    CHECK_STREQ(n->children->next->next->name, "zeta");
    ramfs_free(&fs);
}

HTEST(symlinks_follow_relative_and_absolute_and_stop_loops)
{
    struct arc a;
    struct ramfs fs = { 0 };
    char err[128];
    const struct rnode *n;

    sample(&a);
    CHECK_EQ(ramfs_load(&fs, a.buf, a.len, err, sizeof(err)), 0);
    CHECK_STREQ(contents(&fs, "/etc/xl/link.cfg"), "name = \"hello\"\n");
    CHECK_STREQ(contents(&fs, "/abs"), "hello\n");
    CHECK_EQ(ramfs_lookup(&fs, "/dangling", &n), -ENOENT);
    CHECK_EQ(ramfs_lookup(&fs, "/loop", &n), -ELOOP);
    ramfs_free(&fs);
}

HTEST(lookup_errors)
{
    struct arc a;
    struct ramfs fs = { 0 };
    char err[128], longname[1100];
    const struct rnode *n;

    sample(&a);
    CHECK_EQ(ramfs_load(&fs, a.buf, a.len, err, sizeof(err)), 0);
    CHECK_EQ(ramfs_lookup(&fs, "/etc/nope", &n), -ENOENT);
    CHECK_EQ(ramfs_lookup(&fs, "/etc/motd/x", &n), -ENOTDIR);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    CHECK_EQ(ramfs_lookup(&fs, longname, &n), -ENAMETOOLONG);
    memset(longname, 'b', 300);
    longname[300] = '\0';
    CHECK_EQ(ramfs_lookup(&fs, longname, &n), -ENAMETOOLONG);
    ramfs_free(&fs);
}

HTEST(a_later_entry_replaces_an_earlier_one)
{
    struct arc a = { .len = 0 };
    struct ramfs fs = { 0 };
    char err[128];
    const struct rnode *n;

    file(&a, "x", "old");
    file(&a, "x", "new");
    file(&a, "d/f", "in d");
    file(&a, "d", "now a file");        /* replaces the directory and what was in it */
    trailer(&a);
    CHECK_EQ(ramfs_load(&fs, a.buf, a.len, err, sizeof(err)), 0);
    CHECK_STREQ(contents(&fs, "/x"), "new");
    CHECK_STREQ(contents(&fs, "/d"), "now a file");
    CHECK_EQ(ramfs_lookup(&fs, "/d/f", &n), -ENOTDIR);
    ramfs_free(&fs);
}

/* Load a broken archive: -EINVAL, the message, and what came before kept. */
static void broken(struct arc *a, const char *why, size_t at)
{
    struct ramfs fs = { 0 };
    char err[128], want[128];

    CHECK_EQ(ramfs_load(&fs, a->buf, a->len, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "offset %zu: %s", at, why);
    if (!CHECK(strstr(err, want) != NULL))
        printf("    got '%s', wanted '%s'\n", err, want);
    CHECK_STREQ(contents(&fs, "/first"), "kept");
    ramfs_free(&fs);
}

HTEST(malformed_archives_are_refused_at_their_offset)
{
    struct arc a;
    size_t at;

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    memcpy(a.buf + a.len, "070707", 6); a.len += 110;
    broken(&a, "bad magic", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    file(&a, "second", "x"); a.buf[at + 6 + 8 * 6 + 3] = 'g'; trailer(&a);
    broken(&a, "non-hex header field", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    file(&a, "second", "x"); a.len = at + 50;
    broken(&a, "truncated header", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    broken(&a, "truncated header (no TRAILER!!! record)", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    file(&a, "second", "x"); a.buf[at + 110 + 3] = '\0'; trailer(&a);    /* "sec\0nd" */
    broken(&a, "name not NUL-terminated", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    rec(&a, RAMFS_IFREG | 0644, "big", "0123456789", 10);
    memcpy(a.buf + at + 6 + 8 * 6, "7FFFFFFF", 8);
    broken(&a, "file data beyond the end", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    file(&a, "a/../../etc/passwd", "x"); trailer(&a);
    broken(&a, "empty, '.' or '..' path component", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    file(&a, "a//b", "x"); trailer(&a);
    broken(&a, "empty, '.' or '..' path component", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    file(&a, "dir/", "x"); trailer(&a);
    broken(&a, "name ends with '/'", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    file(&a, "first/inside", "x"); trailer(&a);
    broken(&a, "a path component is not a directory", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    rec(&a, RAMFS_IFLNK | 0777, "emptylink", "", 0); trailer(&a);
    broken(&a, "bad symlink target length", at);

    a.len = 0; file(&a, "first", "kept"); at = a.len;
    rec(&a, RAMFS_IFREG, "x", "", 0);
    memcpy(a.buf + at + 6 + 8 * 11, "00000000", 8);         /* namesize 0 */
    broken(&a, "bad name size", at);
}

HTEST(an_empty_archive_is_just_a_root)
{
    struct ramfs fs = { 0 };
    char err[128];
    const struct rnode *n;

    CHECK_EQ(ramfs_load(&fs, "", 0, err, sizeof(err)), -EINVAL);
    CHECK_EQ(ramfs_lookup(&fs, "/", &n), 0);
    CHECK(rnode_is_dir(n) && n->children == NULL);
    ramfs_free(&fs);
}

/* Every kept file's data lies inside the archive. */
static bool inside(const struct rnode *n, const char *a, size_t len)
{
    for (; n; n = n->next) {
        if (!rnode_is_dir(n) &&
            ((const char *)n->data < a || (const char *)n->data + n->size > a + len))
            return false;
        if (!inside(n->children, a, len))
            return false;
    }
    return true;
}

HTEST(random_mutations_never_read_outside_the_archive)
{
    struct arc good;
    uint32_t x = 99;

    sample(&good);
    for (int round = 0; round < 4000; round++) {
        /* A heap copy of exactly the archive's size: ASan sees any overread. */
        size_t len = good.len;
        char *m = malloc(len);
        memcpy(m, good.buf, len);
        for (int k = 0; k < 1 + round % 8; k++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            size_t at = x % len;
            switch (x >> 29) {
            case 0: m[at] = (char)(x >> 8); break;
            case 1: m[at] = "0123456789ABCDEFfg/.\0"[(x >> 8) % 21]; break;
            case 2: len = at ? at : 1; break;                       /* truncate */
            default: m[at] ^= (char)(1 << ((x >> 8) & 7)); break;
            }
        }
        struct ramfs fs = { 0 };
        char err[128];
        const struct rnode *n;
        char *exact = malloc(len);                  /* exactly len: overreads trap */
        memcpy(exact, m, len);
        free(m);
        m = exact;
        ramfs_load(&fs, m, len, err, sizeof(err));
        if (!CHECK(inside(fs.root, m, len)))
            round = 4000;
        ramfs_lookup(&fs, "/etc/xl/link.cfg", &n);
        ramfs_lookup(&fs, "/loop", &n);
        ramfs_lookup(&fs, "/etc/motd", &n);
        ramfs_free(&fs);
        free(m);
    }
}
