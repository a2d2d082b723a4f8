/*
 * test-dom0-lineedit: the Dom0 console's line editor (dom0-tools/kernel/
 * lineedit.c), byte by byte as a serial terminal sends them.
 *
 * Each case feeds keys and checks the finished line and, where it matters,
 * the bytes written to the screen: typing at the end echoes only the
 * character (so logs of scripted sessions read like the session), other
 * edits redraw with CR, prompt, line, ESC[K and a cursor move back.  Then
 * history (and the line being typed coming back), CR LF counted once,
 * the length limit, unknown escape sequences, and random bytes (no crash,
 * no overflow, and the line always NUL-terminated within the buffer).
 */
#include "htest.h"
#include <stdint.h>
#include "../../dom0-tools/kernel/lineedit.h"

static char screen[65536];
static size_t screen_len;

static void capture(void *arg, const char *s, size_t n)
{
    (void)arg;
    if (screen_len + n < sizeof(screen)) {
        memcpy(screen + screen_len, s, n);
        screen_len += n;
        screen[screen_len] = '\0';
    }
}

static void start(struct lineedit *le)
{
    le_init(le, capture, NULL);
    screen_len = 0;
    screen[0] = '\0';
    le_start(le, "> ");
}

/* Feed a string; return the result of the last byte. */
static enum le_result feed(struct lineedit *le, const char *s)
{
    enum le_result r = LE_MORE;

    while (*s)
        r = le_feed(le, *s++);
    return r;
}

HTEST(typing_at_the_end_echoes_only_the_characters)
{
    struct lineedit le;

    start(&le);
    CHECK_EQ(feed(&le, "ls -l"), LE_MORE);
    CHECK_STREQ(screen, "> ls -l");
    CHECK_EQ(feed(&le, "\r"), LE_LINE);
    CHECK_STREQ(le.buf, "ls -l");
    CHECK_STREQ(screen, "> ls -l\n");
    CHECK(!le.active);
    le_free(&le);
}

HTEST(cr_lf_finishes_one_line_not_two)
{
    struct lineedit le;

    start(&le);
    CHECK_EQ(feed(&le, "a\r"), LE_LINE);
    le_start(&le, "> ");
    CHECK_EQ(feed(&le, "\n"), LE_MORE);     /* the LF of CR LF */
    CHECK_EQ(feed(&le, "b\n"), LE_LINE);    /* a lone LF finishes a line */
    CHECK_STREQ(le.buf, "b");
    le_free(&le);
}

HTEST(arrows_move_and_insert_redraws)
{
    struct lineedit le;

    start(&le);
    feed(&le, "ech hello\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D");
    CHECK_EQ(le.pos, 3);
    screen_len = 0;
    feed(&le, "o");
    CHECK_STREQ(screen, "\r> echo hello\x1b[K\x1b[6D");
    CHECK_EQ(feed(&le, "\x1b[C\x1b[C\r"), LE_LINE);
    CHECK_STREQ(le.buf, "echo hello");
    le_free(&le);
}

HTEST(home_end_in_every_encoding)
{
    static const char *const home[] = { "\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~", "\x01" };
    static const char *const end[] = { "\x1b[F", "\x1bOF", "\x1b[4~", "\x1b[8~", "\x05" };

    for (size_t i = 0; i < sizeof(home) / sizeof(home[0]); i++) {
        struct lineedit le;
        start(&le);
        feed(&le, "bc");
        feed(&le, home[i]);
        CHECK_EQ(le.pos, 0);
        feed(&le, "a");
        feed(&le, end[i]);
        CHECK_EQ(le.pos, 3);
        feed(&le, "d\r");
        CHECK_STREQ(le.buf, "abcd");
        le_free(&le);
    }
}

HTEST(backspace_delete_and_control_deletes)
{
    struct lineedit le;

    start(&le);
    feed(&le, "abcd");
    screen_len = 0;
    feed(&le, "\x7f");
    CHECK_STREQ(screen, "\b \b");               /* at the end: no redraw */
    feed(&le, "\x08\r");
    CHECK_STREQ(le.buf, "ab");
    le_start(&le, "> ");
    feed(&le, "xyz\x02\x02\x04\r");              /* ^B ^B ^D */
    CHECK_STREQ(le.buf, "xz");
    le_start(&le, "> ");
    feed(&le, "xyz\x1b[D\x1b[D\x1b[3~\r");       /* Delete */
    CHECK_STREQ(le.buf, "xz");
    le_start(&le, "> ");
    feed(&le, "\x7f\x04\x1b[3~ok\r");            /* nothing to delete: no harm */
    CHECK_STREQ(le.buf, "ok");
    le_free(&le);
}

HTEST(kill_to_end_start_and_word)
{
    struct lineedit le;

    start(&le);
    feed(&le, "echo keep cut\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r");
    CHECK_STREQ(le.buf, "echo keep");
    le_start(&le, "> ");
    feed(&le, "garbage\x15" "clean\r");
    CHECK_STREQ(le.buf, "clean");
    le_start(&le, "> ");
    feed(&le, "one two  \x17three\r");
    CHECK_STREQ(le.buf, "one three");
    le_start(&le, "> ");
    feed(&le, "\x17\x15\x0b" "x\r");                /* on an empty line */
    CHECK_STREQ(le.buf, "x");
    le_free(&le);
}

HTEST(ctrl_c_abandons_the_line_and_shows_a_new_prompt)
{
    struct lineedit le;

    start(&le);
    feed(&le, "rm everything");
    screen_len = 0;
    CHECK_EQ(feed(&le, "\x03"), LE_MORE);
    CHECK_STREQ(screen, "^C\n> ");
    CHECK_EQ(le.len, 0);
    CHECK_EQ(feed(&le, "ok\r"), LE_LINE);
    CHECK_STREQ(le.buf, "ok");
    le_free(&le);
}

HTEST(history_walks_back_and_returns_the_typed_line)
{
    struct lineedit le;

    start(&le);
    le_history_add(&le, "first");
    le_history_add(&le, "second");
    le_history_add(&le, "second");              /* duplicate of the newest: once */
    le_history_add(&le, "");                    /* empty: not kept */
    CHECK_EQ(le.nhist, 2);
    le_start(&le, "> ");
    feed(&le, "typing");
    feed(&le, "\x1b[A");
    CHECK_STREQ(le.buf, "second");
    feed(&le, "\x10");                          /* ^P */
    CHECK_STREQ(le.buf, "first");
    feed(&le, "\x1b[A");                        /* at the oldest: stays */
    CHECK_STREQ(le.buf, "first");
    feed(&le, "\x1b[B\x0e");                    /* down, ^N: back to the typed line */
    CHECK_STREQ(le.buf, "typing");
    feed(&le, "\x1b[B");                        /* past the newest: nothing */
    CHECK_STREQ(le.buf, "typing");
    feed(&le, "\x1b[A!\r");                     /* edit a recalled line */
    CHECK_STREQ(le.buf, "second!");
    le_free(&le);
}

HTEST(history_keeps_the_newest_entries)
{
    struct lineedit le;
    char line[16];

    start(&le);
    for (int i = 0; i < LE_HISTORY + 10; i++) {
        snprintf(line, sizeof(line), "cmd%d", i);
        le_history_add(&le, line);
    }
    CHECK_EQ(le.nhist, LE_HISTORY);
    CHECK_STREQ(le.history[0], "cmd10");
    CHECK_STREQ(le.history[LE_HISTORY - 1], "cmd73");
    le_free(&le);
}

HTEST(a_full_line_rings_the_bell_and_takes_nothing_more)
{
    struct lineedit le;

    start(&le);
    for (int i = 0; i < LE_MAX + 20; i++)
        le_feed(&le, 'x');
    CHECK_EQ(le.len, LE_MAX - 1);
    CHECK(strchr(screen, '\a') != NULL);
    CHECK_EQ(feed(&le, "\r"), LE_LINE);
    CHECK_EQ(strlen(le.buf), LE_MAX - 1);
    le_free(&le);
}

HTEST(unknown_sequences_and_high_bytes_are_ignored)
{
    struct lineedit le;

    start(&le);
    feed(&le, "a\x1b[99Z\x1b[5~\x1b" "xb\x80\xff\x1b[123456789~c\x07\x1f\r");
    CHECK_STREQ(le.buf, "abc");
    le_free(&le);
}

HTEST(hide_and_show_put_the_line_back_with_the_cursor)
{
    struct lineedit le;

    start(&le);
    feed(&le, "abc\x1b[D");
    screen_len = 0;
    le_hide(&le);
    CHECK_STREQ(screen, "\r\x1b[K");
    screen_len = 0;
    le_show(&le);
    CHECK_STREQ(screen, "\r> abc\x1b[K\x1b[1D");
    le_free(&le);
}

HTEST(random_bytes_never_break_the_invariants)
{
    struct lineedit le;
    uint32_t x = 12345;

    start(&le);
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        char c = x % 7 == 0 ? "\x1b[~ABCDHF0123"[x % 13] : (char)(x >> 8);
        if (le_feed(&le, c) == LE_LINE) {
            if (x % 3 == 0)
                le_history_add(&le, le.buf);
            le_start(&le, "> ");
        }
        if (!CHECK(le.pos <= le.len && le.len < LE_MAX && le.buf[le.len] == '\0'))
            break;
        screen_len = 0;
    }
    le_free(&le);
}
