/*
 * test_rules.c - the rule catalogue and the code agree.
 *
 * Reads ../shared/reference/RULES.md (relative to the repository root, the
 * directory the tests run in), takes the rule id from the first column of
 * every table row, and checks that the ids, their order and their property
 * groups are exactly those of src/include/irpc_rules.def as the code sees
 * them through IrpcRuleName / IrpcRuleGroup / IrpcRuleByName.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "test.h"

#define RULES_PATH "../shared/reference/RULES.md"
#define MAX_IDS 64

static char ids[MAX_IDS][64];
static char groups[MAX_IDS][4];
static int id_count;

/* "| DoubleCompletion | ..." -> "DoubleCompletion";
 * "| IrpAccessAfterRelease *(own)* | ..." -> "IrpAccessAfterRelease";
 * the header row ("| id | ...") and the separator ("|---|") give 0. */
static int first_cell_id(const char *line, char *out, size_t size)
{
    const char *p = line;
    while (*p == ' ')
        p++;
    if (*p != '|')
        return 0;
    p++;
    while (*p == ' ')
        p++;
    size_t n = 0;
    while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < size)
        out[n++] = *p++;
    out[n] = 0;
    if (n == 0 || strcmp(out, "id") == 0)
        return 0;
    /* what follows the id in the cell: nothing, or an annotation like *(own)* */
    while (*p == ' ')
        p++;
    if (*p != '|' && *p != '*')
        return 0;
    return 1;
}

/* "## P1 - ..." -> "P1"; "## Protocol hygiene" -> "HY"; other headings -> "" */
static void section_group(const char *line, char *group)
{
    if (strncmp(line, "## P", 4) == 0 && isdigit((unsigned char)line[4])) {
        group[0] = 'P';
        group[1] = line[4];
        group[2] = 0;
    } else if (strncmp(line, "## Protocol hygiene", 19) == 0) {
        strcpy(group, "HY");
    } else {
        group[0] = 0;
    }
}

static int read_catalogue(void)
{
    FILE *f = fopen(RULES_PATH, "r");
    char line[1024];
    char group[4] = "";
    id_count = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "## ", 3) == 0) {
            section_group(line, group);
            continue;
        }
        char id[64];
        if (!first_cell_id(line, id, sizeof id) || id_count >= MAX_IDS)
            continue;
        strcpy(ids[id_count], id);
        strcpy(groups[id_count], group);
        id_count++;
    }
    fclose(f);
    return 1;
}

static void catalogue_matches_code(void)
{
    if (!read_catalogue()) {
        test_fail(__FILE__, __LINE__,
                  "cannot open " RULES_PATH " (relative to the repository root, where the tests run)");
        return;
    }
    for (int i = 0; i < id_count && i < IRPC_RULE_COUNT; i++) {
        if (strcmp(ids[i], IrpcRuleName(i)) != 0) {
            char m[256];
            snprintf(m, sizeof m, "rule %d: RULES.md has %.60s, irpc_rules.def has %.60s", i, ids[i],
                     IrpcRuleName(i));
            test_fail(__FILE__, __LINE__, m);
            return;
        }
        if (strcmp(groups[i], IrpcRuleGroup(i)) != 0) {
            char m[256];
            snprintf(m, sizeof m, "rule %.60s: RULES.md puts it in group %.3s, irpc_rules.def in %.3s",
                     ids[i], groups[i], IrpcRuleGroup(i));
            test_fail(__FILE__, __LINE__, m);
            return;
        }
    }
    CHECK_EQ(id_count, IRPC_RULE_COUNT);
    CHECK_EQ(IRPC_RULE_COUNT, 30);
}

static void rule_names_round_trip(void)
{
    for (int r = 0; r < IRPC_RULE_COUNT; r++) {
        CHECK(IrpcRuleName(r) != NULL);
        CHECK(strcmp(IrpcRuleName(r), "?") != 0);
        CHECK_EQ(IrpcRuleByName(IrpcRuleName(r)), r);
        CHECK(strlen(IrpcRuleSummary(r)) > 0);
    }
    CHECK_EQ(IrpcRuleByName("Deadlock"), IRPC_DEADLOCK);
    CHECK(strcmp(IrpcRuleName(IRPC_DEADLOCK), "Deadlock") == 0);
    CHECK_EQ(IrpcRuleByName("NoSuchRule"), -1);
    CHECK_EQ(IrpcRuleByName(""), -1);
    CHECK_EQ(IrpcRuleByName("DoubleCompletionX"), -1);
    CHECK_EQ(IrpcRuleByName("Double"), -1);
    CHECK(strcmp(IrpcRuleName(-1), "?") == 0);
    CHECK(strcmp(IrpcRuleName(IRPC_RULE_COUNT + 1), "?") == 0);
}

void register_rule_catalogue_tests(void)
{
    test_add("rules/catalogue_matches_code", catalogue_matches_code);
    test_add("rules/names_round_trip", rule_names_round_trip);
}
