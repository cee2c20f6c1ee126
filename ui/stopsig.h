/* stopsig: SIGINT and SIGTERM as a flag that the front ends' loops poll, so
 * training stops at a step boundary and the terminal and checkpoints are
 * handled outside the signal handler. Call stopsig_catch once from the
 * main thread; stopsig_caught is async-signal-safe to read anywhere. */
#ifndef RNNTOP_STOPSIG_H
#define RNNTOP_STOPSIG_H

/* Install the handlers (the previous ones are replaced). */
void stopsig_catch(void);

/* The signal number caught last, or 0 if none. */
int stopsig_caught(void);

#endif
