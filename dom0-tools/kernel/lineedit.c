/*
 * The console line editor (see lineedit.h for the keys).
 *
 * Screen model: the prompt and the line occupy one terminal line; the
 * editor knows where its cursor is (after the prompt + pos characters) and
 * never asks the terminal anything.  Typing at the end of the line, the
 * common case, echoes just the character, so a log of a scripted session
 * reads like the session; any other change redraws the line:
 *
 *     CR, prompt, line, ESC[K (erase the rest), ESC[nD (back to the cursor)
 *
 * History is an array of malloc'd strings, oldest first, LE_HISTORY long.
 * While browsing, the line being typed is saved and comes back when the
 * browse goes past the newest entry.
 */
#include "lineedit.h"
#include <string.h>
#include <stdlib.h>
#include <stdio.h>

static void out(struct lineedit *le, const char *s, size_t n)
{
    le->out(le->out_arg, s, n);
}

static void outs(struct lineedit *le, const char *s)
{
    out(le, s, strlen(s));
}

static void redraw(struct lineedit *le)
{
    char seq[32];

    outs(le, "\r");
    outs(le, le->prompt);
    out(le, le->buf, le->len);
    outs(le, "\x1b[K");
    if (le->len > le->pos) {
        snprintf(seq, sizeof(seq), "\x1b[%zuD", le->len - le->pos);
        outs(le, seq);
    }
}

void le_init(struct lineedit *le, le_output_fn *fn, void *arg)
{
    memset(le, 0, sizeof(*le));
    le->out = fn;
    le->out_arg = arg;
}

void le_free(struct lineedit *le)
{
    for (unsigned int i = 0; i < le->nhist; i++)
        free(le->history[i]);
    free(le->saved);
    le->nhist = 0;
    le->saved = NULL;
}

void le_start(struct lineedit *le, const char *prompt)
{
    snprintf(le->prompt, sizeof(le->prompt), "%s", prompt);
    le->len = le->pos = 0;
    le->buf[0] = '\0';
    le->esc = 0;
    le->browse = le->nhist;
    free(le->saved);
    le->saved = NULL;
    le->active = true;
    outs(le, le->prompt);
}

void le_hide(struct lineedit *le)
{
    if (le->active)
        outs(le, "\r\x1b[K");
}

void le_show(struct lineedit *le)
{
    if (le->active)
        redraw(le);
}

void le_history_add(struct lineedit *le, const char *line)
{
    char *copy;

    if (!line[0] || (le->nhist && !strcmp(le->history[le->nhist - 1], line)))
        return;
    if (!(copy = strdup(line)))
        return;
    if (le->nhist == LE_HISTORY) {
        free(le->history[0]);
        memmove(le->history, le->history + 1, (LE_HISTORY - 1) * sizeof(char *));
        le->nhist--;
    }
    le->history[le->nhist++] = copy;
    le->browse = le->nhist;
}

static void set_line(struct lineedit *le, const char *s)
{
    size_t n = strlen(s);

    if (n > LE_MAX - 1)
        n = LE_MAX - 1;
    memcpy(le->buf, s, n);
    le->buf[n] = '\0';
    le->len = le->pos = n;
    redraw(le);
}

static void history_move(struct lineedit *le, int dir)
{
    if (dir < 0) {
        if (le->browse == 0)
            return;
        if (le->browse == le->nhist) {
            free(le->saved);
            le->saved = strdup(le->buf);
        }
        le->browse--;
        set_line(le, le->history[le->browse]);
    } else {
        if (le->browse >= le->nhist)
            return;
        le->browse++;
        set_line(le, le->browse == le->nhist ? (le->saved ? le->saved : "")
                                             : le->history[le->browse]);
    }
}

static void insert(struct lineedit *le, char c)
{
    if (le->len >= LE_MAX - 1) {
        outs(le, "\a");
        return;
    }
    memmove(le->buf + le->pos + 1, le->buf + le->pos, le->len - le->pos + 1);
    le->buf[le->pos++] = c;
    le->len++;
    if (le->pos == le->len)
        out(le, &c, 1);
    else
        redraw(le);
}

/* Delete n characters starting at `at` (n > 0, inside the line). */
static void delete(struct lineedit *le, size_t at, size_t n)
{
    bool at_end = at + n == le->len && le->pos == le->len;

    memmove(le->buf + at, le->buf + at + n, le->len - at - n + 1);
    le->len -= n;
    if (le->pos > at)
        le->pos = le->pos >= at + n ? le->pos - n : at;
    if (at_end && n == 1)
        outs(le, "\b \b");
    else
        redraw(le);
}

static void move_to(struct lineedit *le, size_t pos)
{
    if (pos == le->pos)
        return;
    if (pos + 1 == le->pos) {
        outs(le, "\b");
        le->pos = pos;
    } else if (pos == le->pos + 1) {
        out(le, &le->buf[le->pos], 1);
        le->pos = pos;
    } else {
        le->pos = pos;
        redraw(le);
    }
}

static void delete_word(struct lineedit *le)
{
    size_t p = le->pos;

    while (p > 0 && le->buf[p - 1] == ' ')
        p--;
    while (p > 0 && le->buf[p - 1] != ' ')
        p--;
    if (p < le->pos)
        delete(le, p, le->pos - p);
}

/* The final byte of an escape sequence (after ESC [ or ESC O, digits). */
static void escape(struct lineedit *le, char c)
{
    int n = le->esc_len ? atoi(le->esc_digits) : 0;

    switch (c) {
    case 'A': history_move(le, -1); break;
    case 'B': history_move(le, +1); break;
    case 'C': if (le->pos < le->len) move_to(le, le->pos + 1); break;
    case 'D': if (le->pos > 0) move_to(le, le->pos - 1); break;
    case 'H': move_to(le, 0); break;
    case 'F': move_to(le, le->len); break;
    case '~':
        if (n == 1 || n == 7)
            move_to(le, 0);
        else if (n == 4 || n == 8)
            move_to(le, le->len);
        else if (n == 3 && le->pos < le->len)
            delete(le, le->pos, 1);
        break;
    default:
        break;
    }
}

enum le_result le_feed(struct lineedit *le, char ch)
{
    unsigned char c = (unsigned char)ch;
    bool after_cr = le->after_cr;

    le->after_cr = false;
    if (!le->active)
        return LE_MORE;
    if (le->esc == 1) {
        le->esc = (c == '[' || c == 'O') ? 2 : 0;
        le->esc_len = 0;
        return LE_MORE;
    }
    if (le->esc >= 2) {
        if (c >= '0' && c <= '9') {
            if (le->esc_len < sizeof(le->esc_digits) - 1) {
                le->esc_digits[le->esc_len++] = (char)c;
                le->esc_digits[le->esc_len] = '\0';
            }
            return LE_MORE;
        }
        le->esc = 0;
        if (c >= 0x40 && c <= 0x7e)
            escape(le, (char)c);
        return LE_MORE;
    }

    switch (c) {
    case '\r':
    case '\n':
        if (c == '\n' && after_cr)
            return LE_MORE;
        le->after_cr = c == '\r';
        outs(le, "\n");
        le->active = false;
        free(le->saved);
        le->saved = NULL;
        return LE_LINE;
    case 0x1b: le->esc = 1; break;
    case 0x7f:
    case 0x08: if (le->pos > 0) delete(le, le->pos - 1, 1); break;
    case 0x04: if (le->pos < le->len) delete(le, le->pos, 1); break;
    case 0x01: move_to(le, 0); break;
    case 0x05: move_to(le, le->len); break;
    case 0x02: if (le->pos > 0) move_to(le, le->pos - 1); break;
    case 0x06: if (le->pos < le->len) move_to(le, le->pos + 1); break;
    case 0x10: history_move(le, -1); break;
    case 0x0e: history_move(le, +1); break;
    case 0x0b: if (le->pos < le->len) delete(le, le->pos, le->len - le->pos); break;
    case 0x15: if (le->pos > 0) delete(le, 0, le->pos); break;
    case 0x17: delete_word(le); break;
    case 0x0c: outs(le, "\x1b[H\x1b[2J"); redraw(le); break;
    case 0x03:
        outs(le, "^C\n");
        le->len = le->pos = 0;
        le->buf[0] = '\0';
        le->browse = le->nhist;
        outs(le, le->prompt);
        break;
    default:
        if (c >= 0x20 && c < 0x7f)
            insert(le, (char)c);
        break;
    }
    return LE_MORE;
}
