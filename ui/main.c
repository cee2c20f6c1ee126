/* main: rnntop's entry point. Parses the command line and hands it to the
 * subcommand; the only place that turns errors into an exit status. */
#include <autoconfig.h>

#include <locale.h>
#include <stdio.h>

#include "checkpoint.h"
#include "commands.h"
#include "options.h"

int report_error(const RnnError *err)
{
    fprintf(stderr, "rnntop: %s\n", err->msg);
    fflush(stderr);
    return err->status ? err->status : RNN_ERR_RUNTIME;
}

/* The effective config; with --resume or --checkpoint FILE, that file's
 * config with the command line on top (what `train --resume` would use). */
int cmd_config(const Options *o)
{
    static Config cfg;
    RnnError err;
    const char *ck = o->resume[0] ? o->resume : o->checkpoint;
    cfg = o->cfg;
    if (ck[0] && (checkpoint_load_config(ck, &cfg, &err) ||
                  options_apply_overrides(o, &cfg, &err)))
        return report_error(&err);
    config_write_yaml(&cfg, stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    static Options opts;  /* large: keep it off the stack */
    RnnError err;
    err_clear(&err);
    setlocale(LC_CTYPE, "");
    if (options_parse(&opts, argc, argv, &err))
        return report_error(&err);
    if (opts.help) {
        fputs(options_usage(opts.command), stdout);
        return 0;
    }
    switch (opts.command) {
    case CMD_VERSION:
        printf("rnntop %s\n", PACKAGE_VERSION);
        return 0;
    case CMD_HELP:
        fputs(options_usage(CMD_HELP), stdout);
        return 0;
    case CMD_DASHBOARD: return cmd_dashboard(&opts);
    case CMD_TRAIN: return cmd_train(&opts);
    case CMD_BENCH: return cmd_bench(&opts);
    case CMD_SAMPLE: return cmd_sample(&opts);
    case CMD_EVAL: return cmd_eval(&opts);
    case CMD_CONFIG: return cmd_config(&opts);
    }
    return 2;  /* every Command is handled above; -Wswitch says if one is not */
}
