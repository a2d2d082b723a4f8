/*
 * The line editor of the Dom0 console (lineedit.c): a pure state machine
 * from typed bytes to screen output and finished lines, so it can be
 * tested on the host byte by byte.
 *
 * Keys (VT100/xterm sequences as a serial terminal sends them):
 *
 *   Enter (CR or LF; CR LF counts once)       finish the line
 *   Backspace (DEL or ^H), Delete (ESC[3~), ^D delete left / under the cursor
 *   Left/Right (ESC[D/ESC[C), ^B/^F           move by one character
 *   Home/End (ESC[H/ESC[F/ESC[1~/ESC[4~/ESCOH/ESCOF), ^A/^E
 *   Up/Down (ESC[A/ESC[B), ^P/^N              walk the history (the line being
 *                                             typed is kept and comes back)
 *   ^K / ^U                                   delete to the end / to the start
 *   ^W                                        delete the word before the cursor
 *   ^L                                        clear the screen, redraw
 *   ^C                                        abandon the line ("^C", new prompt)
 *
 * Anything else below 0x20 and unknown escape sequences are ignored;
 * bytes 0x80 and above are ignored too (the console is ASCII).  A line
 * longer than LE_MAX - 1 rings the bell and takes no more characters.
 * ^A under QEMU -nographic and the hypervisor's Ctrl-A x3 switch: one ^A
 * reaches Dom0 (late, with the next key); docs/dom0.md explains.
 */
#ifndef DOM0_LINEEDIT_H
#define DOM0_LINEEDIT_H

#include <stddef.h>
#include <stdbool.h>

#define LE_MAX      512
#define LE_HISTORY  64

typedef void le_output_fn(void *arg, const char *s, size_t n);

struct lineedit {
    le_output_fn *out;
    void *out_arg;
    char prompt[64];
    char buf[LE_MAX];
    size_t len, pos;
    bool active;            /* a prompt is on the screen */
    bool after_cr;          /* swallow the LF of a CR LF */
    int esc;                /* 0 none, 1 ESC, 2 ESC [ or ESC O, 3 ESC [ digits */
    char esc_digits[4];
    size_t esc_len;
    char *history[LE_HISTORY];  /* oldest first */
    unsigned int nhist;
    unsigned int browse;        /* == nhist: editing the new line */
    char *saved;                /* the new line while browsing */
};

enum le_result { LE_MORE, LE_LINE };

void le_init(struct lineedit *le, le_output_fn *out, void *arg);
/* Show the prompt and start an empty line. */
void le_start(struct lineedit *le, const char *prompt);
/* Feed one typed byte.  LE_LINE: le->buf holds the finished line (the
 * newline was echoed, the editor is inactive until le_start). */
enum le_result le_feed(struct lineedit *le, char c);
/* Remember a line (not empty, not equal to the newest entry). */
void le_history_add(struct lineedit *le, const char *line);
/* Around output that is not the editor's: hide the prompt and line, then
 * put them back (the cursor where it was). */
void le_hide(struct lineedit *le);
void le_show(struct lineedit *le);
void le_free(struct lineedit *le);

#endif
