/* error: filling RnnError objects; see error.h. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_clear(RnnError *err)
{
    if (!err)
        return;
    err->status = RNN_OK;
    err->msg[0] = '\0';
}

int err_set(RnnError *err, int status, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->status = status;
    return -1;
}

void err_prefix(RnnError *err, const char *fmt, ...)
{
    if (!err)
        return;
    char out[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, sizeof out - 2, fmt, ap);
    va_end(ap);
    size_t used = strlen(out);
    out[used++] = ':';
    out[used++] = ' ';
    size_t room = sizeof out - used - 1, len = strlen(err->msg);
    if (len > room)
        len = room;
    memcpy(out + used, err->msg, len);
    out[used + len] = '\0';
    memcpy(err->msg, out, sizeof out);
}
