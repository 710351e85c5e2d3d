#include "test.h"
void register_violation_tests(void) {}
