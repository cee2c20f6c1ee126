/* editor: a one-line UTF-8 text editor's state (the prime editor): insert
 * a code point, delete the whole code point before or under the cursor,
 * move by code points. Pure, no curses; the dashboard feeds it keys and
 * draws buf. An Editor is a plain value; nothing to free. */
#ifndef RNNTOP_EDITOR_H
#define RNNTOP_EDITOR_H

#include <stddef.h>
#include <stdint.h>

#define EDITOR_MAX 1024

typedef struct Editor {
    char buf[EDITOR_MAX];  /* UTF-8, NUL-terminated */
    size_t len;            /* bytes */
    size_t cursor;         /* byte offset, on a code point boundary */
} Editor;

/* Start editing text (truncated at a code point boundary to fit). */
void editor_init(Editor *e, const char *text);

/* Insert cp at the cursor; returns 0, or -1 when it does not fit or is
 * not a Unicode scalar value. */
int editor_insert(Editor *e, uint32_t cp);

/* Delete the code point before the cursor (Backspace) / under it (Delete). */
void editor_backspace(Editor *e);
void editor_delete(Editor *e);

void editor_left(Editor *e);
void editor_right(Editor *e);
void editor_home(Editor *e);
void editor_end(Editor *e);

/* Decode buf into at most cap code points (invalid bytes as U+FFFD);
 * returns the count, and the index of the cursor's code point in *cur. */
int editor_codepoints(const Editor *e, uint32_t *out, int cap, int *cur);

#endif
