/* editor: byte-level operations of the prime editor that keep the text
 * valid UTF-8 and the cursor on code point boundaries. Owns nothing but
 * the Editor value. */
#include <autoconfig.h>

#include <string.h>

#include "editor.h"
#include "utf8.h"

static int is_continuation(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

static size_t prev_boundary(const Editor *e, size_t at)
{
    while (at > 0 && is_continuation((unsigned char)e->buf[--at]))
        ;
    return at;
}

static size_t next_boundary(const Editor *e, size_t at)
{
    if (at >= e->len)
        return e->len;
    at++;
    while (at < e->len && is_continuation((unsigned char)e->buf[at]))
        at++;
    return at;
}

void editor_init(Editor *e, const char *text)
{
    size_t n = strlen(text);
    if (n > EDITOR_MAX - 1) {
        n = EDITOR_MAX - 1;
        while (n > 0 && is_continuation((unsigned char)text[n]))
            n--;
    }
    memcpy(e->buf, text, n);
    e->buf[n] = '\0';
    e->len = n;
    e->cursor = n;
}

int editor_insert(Editor *e, uint32_t cp)
{
    char enc[4];
    int k = utf8_encode(cp, enc);
    if (k == 0 || e->len + (size_t)k > EDITOR_MAX - 1)
        return -1;
    memmove(e->buf + e->cursor + k, e->buf + e->cursor, e->len - e->cursor + 1);
    memcpy(e->buf + e->cursor, enc, (size_t)k);
    e->len += (size_t)k;
    e->cursor += (size_t)k;
    return 0;
}

static void cut(Editor *e, size_t from, size_t to)
{
    memmove(e->buf + from, e->buf + to, e->len - to + 1);
    e->len -= to - from;
    e->cursor = from;
}

void editor_backspace(Editor *e)
{
    if (e->cursor > 0)
        cut(e, prev_boundary(e, e->cursor), e->cursor);
}

void editor_delete(Editor *e)
{
    if (e->cursor < e->len)
        cut(e, e->cursor, next_boundary(e, e->cursor));
}

void editor_left(Editor *e)
{
    e->cursor = prev_boundary(e, e->cursor);
}

void editor_right(Editor *e)
{
    e->cursor = next_boundary(e, e->cursor);
}

void editor_home(Editor *e)
{
    e->cursor = 0;
}

void editor_end(Editor *e)
{
    e->cursor = e->len;
}

int editor_codepoints(const Editor *e, uint32_t *out, int cap, int *cur)
{
    int n = 0;
    size_t i = 0;
    *cur = -1;
    while (i < e->len && n < cap) {
        if (i == e->cursor)
            *cur = n;
        uint32_t cp;
        int k = utf8_decode((const unsigned char *)e->buf + i, e->len - i, &cp);
        out[n++] = k ? cp : 0xFFFD;
        i += k ? (size_t)k : 1;
    }
    if (*cur < 0)
        *cur = n;
    return n;
}
