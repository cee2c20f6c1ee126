/* fuzz_config: libFuzzer harness for the YAML config loader and --set.
 * The input is a YAML file (config_load_file reads it in the scratch
 * folder, named without a folder so relative paths stay relative) and, NUL-terminated, one --set assignment. Contracts checked
 * besides memory safety: an error leaves the Config unchanged and says
 * something; a loaded Config written back as YAML reads back to the same
 * text (config.h: "YAML that config_load_file reads back unchanged"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_enter();
    return 0;
}

/* cfg as YAML text in a malloc'ed string. */
static char *yaml_text(const Config *cfg, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        abort();
    config_write_yaml(cfg, f);
    if (fclose(f))
        abort();
    return text;
}

static void round_trip(const Config *cfg)
{
    size_t n1, n2;
    char *t1 = yaml_text(cfg, &n1);
    Config back;
    RnnError err;
    config_defaults(&back);
    err_clear(&err);
    fuzz_write("written.yaml", t1, n1);
    fuzz_in_scratch(1);
    int rc = config_load_file(&back, "written.yaml", &err);
    fuzz_in_scratch(0);
    FUZZ_CHECK(rc == 0, "the written YAML does not load: %s\n--- written:\n%s", err.msg, t1);
    char *t2 = yaml_text(&back, &n2);
    FUZZ_CHECK(n1 == n2 && memcmp(t1, t2, n1) == 0,
               "written YAML reads back differently\n--- first:\n%s\n--- second:\n%s", t1, t2);
    free(t1);
    free(t2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Config cfg, before;
    RnnError err;
    config_defaults(&cfg);
    memcpy(&before, &cfg, sizeof cfg);
    err_clear(&err);
    fuzz_write("config.yaml", data, size);
    fuzz_in_scratch(1);
    int rc = config_load_file(&cfg, "config.yaml", &err);
    fuzz_in_scratch(0);
    fuzz_say("config_load_file", rc, err.msg);
    if (rc == 0) {
        config_validate(&cfg, &err);
        round_trip(&cfg);
    } else {
        FUZZ_CHECK(err.status != RNN_OK && err.msg[0], "an error without a message");
        FUZZ_CHECK(memcmp(&before, &cfg, sizeof cfg) == 0, "a failed load changed the config");
    }

    /* the same bytes as one --set KEY=VALUE */
    char *assignment = malloc(size + 1);
    if (!assignment)
        return 0;
    memcpy(assignment, data, size);
    assignment[size] = '\0';
    config_defaults(&cfg);
    err_clear(&err);
    if (config_set(&cfg, assignment, &err) == 0)
        config_validate(&cfg, &err);
    else
        FUZZ_CHECK(err.msg[0], "a --set error without a message");
    free(assignment);
    return 0;
}
