/*
 * proofs/eacsl/entry.c - the program entry of the runtime checker, in the
 * instrumented part of the build: E-ACSL initialises its memory model (and
 * registers the instrumented globals) in `main`, so `main` must be
 * instrumented.  It hands over at once to the scenario program's own main,
 * compiled uninstrumented under the name irpc_program_main
 * (proofs/eacsl/build.sh).
 *
 * The assertion names the I/O manager's state: E-ACSL then tracks that
 * block (the IRP pool, device objects and extensions, processors), so the
 * \valid(...) clauses of the spec on pointers into it (a spin lock or an
 * event in a device extension) can be evaluated, without tracking every
 * byte of the program (-e-acsl-full-mtracking, many times slower).
 */
#include "irpc.h"

int irpc_program_main(int argc, char **argv);

int main(int argc, char **argv)
{
    //@ assert state_tracked: \valid(&irpc);
    return irpc_program_main(argc, argv);
}
