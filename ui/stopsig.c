/* stopsig: the SIGINT/SIGTERM flag shared by train and the dashboard. */
#include "stopsig.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t caught;

static void on_stop_signal(int sig)
{
    caught = sig;
}

void stopsig_catch(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int stopsig_caught(void)
{
    return caught;
}
