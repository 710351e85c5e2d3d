#include "test.h"
void register_fact_tests(void) {}
