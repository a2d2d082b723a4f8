/*
 * The Dom0 shell (tools/shell): the prompt a person types `xl` commands
 * at, and the runner of boot scripts.  A portable tool: it uses only the
 * C library and the OS interface (os_term.h, os_files.h, ...).
 */
#ifndef DOM0_SHELL_H
#define DOM0_SHELL_H

#include <stddef.h>

#define SHELL_MAX_ARGS  64
#define SHELL_PROMPT    "dom0# "

/*
 * Split a command line into words (parse.c): blanks separate words;
 * '...' quotes literally; "..." quotes with \" \\ \$ escapes; a backslash
 * outside quotes escapes the next character; a '#' at the start of a word
 * begins a comment; $? is replaced by `status` outside single quotes.
 * The words are written into `store` (size bytes) and pointed to by argv.
 * Returns the word count, or -1 with *err set (unterminated quote, too
 * many words, line too long).
 */
int shell_split(const char *line, int status, char *store, size_t size,
                char **argv, int max_args, const char **err);

/* Run one command line: its exit status (as $? will show it). */
int shell_run_line(const char *line);
/* Run a file of commands, each echoed after the prompt as if typed. */
int shell_run_script(const char *path);
/* The interactive loop: never returns. */
void shell_interactive(void) __attribute__((noreturn));

/* A command: name, entry, one-line help. */
struct shell_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *help;
};
/* The shell's own commands (cmds.c), and the tools the program linking
 * the shell offers (xl, ...), each table ended by a NULL name. */
extern const struct shell_cmd shell_cmds[];
extern const struct shell_cmd shell_tools[];

#endif
