/* test_utf8: every Unicode scalar value survives encode -> decode; every
 * kind of invalid UTF-8 is rejected with the right reason; lowercasing and
 * symbol descriptions. No files, no allocation. */
#include <string.h>

#include "check.h"
#include "utf8.h"

static void test_round_trip(void)
{
    int bad = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        char enc[4];
        uint32_t back = 0xFFFFFFFF;
        int k = utf8_encode(cp, enc);
        int want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            bad += k != 0;
            continue;
        }
        if (k != want || utf8_decode((unsigned char *)enc, (size_t)k, &back) != k ||
            back != cp || !utf8_valid(enc, (size_t)k)) {
            if (bad++ < 5)
                CHECK(0, "round trip of U+%04X: %d bytes, back U+%04X",
                      (unsigned)cp, k, (unsigned)back);
        }
    }
    CHECK(bad == 0, "%d scalar values failed the round trip", bad);
    CHECK(utf8_encode(0x110000, (char[4]){0}) == 0, "U+110000 encoded");
    CHECK(utf8_encode(0xFFFFFFFF, (char[4]){0}) == 0, "0xFFFFFFFF encoded");
}

struct bad_case {
    const char *bytes;
    size_t n;
    const char *reason;
};

#define CASE(s, r) {s, sizeof s - 1, r}

static const struct bad_case bad_cases[] = {
    CASE("\xC0\x80", "overlong form"),           /* NUL in 2 bytes */
    CASE("\xC1\xBF", "overlong form"),
    CASE("\xE0\x80\x80", "overlong form"),
    CASE("\xE0\x9F\xBF", "overlong form"),
    CASE("\xF0\x80\x80\x80", "overlong form"),
    CASE("\xF0\x8F\xBF\xBF", "overlong form"),
    CASE("\xED\xA0\x80", "surrogate"),           /* U+D800 */
    CASE("\xED\xBF\xBF", "surrogate"),           /* U+DFFF */
    CASE("\xF4\x90\x80\x80", "above U+10FFFF"),  /* U+110000 */
    CASE("\xF5\x80\x80\x80", "above U+10FFFF"),
    CASE("\xF7\xBF\xBF\xBF", "above U+10FFFF"),
    CASE("\xC3", "truncated"),
    CASE("\xE2\x82", "truncated"),
    CASE("\xF0\x9F\x98", "truncated"),
    CASE("\xC3\x41", "bad continuation byte"),
    CASE("\xE2\x28\xA1", "bad continuation byte"),
    CASE("\xE2\x82\x28", "bad continuation byte"),
    CASE("\xF0\x9F\x98\x41", "bad continuation byte"),
    CASE("\xE9t\xE9", "bad continuation byte"),  /* Latin-1 "ete" */
    CASE("\x80", "unexpected continuation byte"),
    CASE("\xBF", "unexpected continuation byte"),
    CASE("\x93quoted\x94", "unexpected continuation byte"), /* Windows-1252 */
    CASE("\xF8\x88\x80\x80\x80", "invalid byte"),
    CASE("\xFE", "invalid byte"),
    CASE("\xFF", "invalid byte"),
};

static void test_invalid(void)
{
    size_t n = sizeof bad_cases / sizeof bad_cases[0];
    for (size_t i = 0; i < n; i++) {
        const struct bad_case *c = &bad_cases[i];
        const unsigned char *s = (const unsigned char *)c->bytes;
        uint32_t cp;
        const char *why;
        CHECK(utf8_decode(s, c->n, &cp) == 0, "case %zu accepted", i);
        why = utf8_invalid_reason(s, c->n);
        CHECK(strcmp(why, c->reason) == 0, "case %zu: \"%s\", want \"%s\"", i,
              why, c->reason);
        CHECK(!utf8_valid(c->bytes, c->n), "case %zu valid", i);
    }
}

static void test_valid_strings(void)
{
    const char *hu = "\xC3\x81rv\xC3\xADzt\xC5\xB1r\xC5\x91 t\xC3\xBCk\xC3\xB6rf\xC3\xBAr\xC3\xB3g\xC3\xA9p";
    const char *emoji = "\xF0\x9F\x98\x80 \xE2\x82\xAC";
    CHECK(utf8_valid(hu, strlen(hu)), "Hungarian pangram");
    CHECK(utf8_valid(emoji, strlen(emoji)), "emoji and euro sign");
    CHECK(utf8_valid("", 0), "empty string");
    CHECK(!utf8_valid("ok\xC3", 3), "truncated at the end");
}

static void test_tolower(void)
{
    static const uint32_t pairs[][2] = {
        {'A', 'a'}, {'Z', 'z'}, {'a', 'a'}, {'@', '@'}, {'[', '['},
        {0xC1, 0xE1}, {0xDE, 0xFE}, {0xD7, 0xD7}, {0xDF, 0xDF},  /* Á Þ × ß */
        {0x150, 0x151}, {0x170, 0x171}, {0x151, 0x151},          /* Ő Ű ő */
        {0x130, 'i'}, {0x131, 0x131}, {0x139, 0x13A}, {0x148, 0x148},
        {0x178, 0xFF}, {0x17D, 0x17E}, {0x17F, 0x17F}, {0x14A, 0x14B},
        {0x391, 0x3B1}, {0x3A3, 0x3C3}, {0x3A2, 0x3A2},          /* Α Σ */
        {0x401, 0x451}, {0x410, 0x430}, {0x42F, 0x44F},          /* Ё А Я */
        {0x2028, 0x2028}, {0x1F600, 0x1F600},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        CHECK(utf8_tolower(pairs[i][0]) == pairs[i][1],
              "tolower(U+%04X) = U+%04X, want U+%04X", (unsigned)pairs[i][0],
              (unsigned)utf8_tolower(pairs[i][0]), (unsigned)pairs[i][1]);
}

static void test_describe(void)
{
    char buf[32];
    utf8_describe('x', buf, sizeof buf);
    CHECK(strcmp(buf, "'x' U+0078") == 0, "got %s", buf);
    utf8_describe(0x151, buf, sizeof buf);
    CHECK(strcmp(buf, "'\xC5\x91' U+0151") == 0, "got %s", buf);
    utf8_describe('\n', buf, sizeof buf);
    CHECK(strcmp(buf, "U+000A") == 0, "got %s", buf);
    utf8_describe(0x2028, buf, sizeof buf);
    CHECK(strcmp(buf, "U+2028") == 0, "got %s", buf);
    utf8_describe(0x1F600, buf, sizeof buf);
    CHECK(strcmp(buf, "'\xF0\x9F\x98\x80' U+1F600") == 0, "got %s", buf);
    CHECK(utf8_describe(0x10FFFD, buf, 5) == 4, "truncated length");
}

int main(void)
{
    test_round_trip();
    test_invalid();
    test_valid_strings();
    test_tolower();
    test_describe();
    return check_report("test_utf8");
}
