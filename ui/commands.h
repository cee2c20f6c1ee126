/* commands: the subcommands of rnntop, one function each. Each takes the
 * parsed options and returns the process exit status (0 success, 1 runtime
 * failure, 2 bad usage or input), having printed its own messages. */
#ifndef RNNTOP_COMMANDS_H
#define RNNTOP_COMMANDS_H

#include "options.h"

int cmd_train(const Options *o);
int cmd_bench(const Options *o);
int cmd_sample(const Options *o);
int cmd_eval(const Options *o);
int cmd_config(const Options *o);
int cmd_dashboard(const Options *o);

/* Print "rnntop: message" for an error and return its exit status. */
int report_error(const RnnError *err);

#endif
