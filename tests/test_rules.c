#include "test.h"
void register_rule_catalogue_tests(void) {}
