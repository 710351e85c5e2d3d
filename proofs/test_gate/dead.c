/* proofs/test_gate: a branch the precondition makes unreachable. */
/*@ requires 0 <= x < 100;
    ensures \result == x + 1; */
int gate_inc(int x)
{
    if (x < 0)
        return 7;
    return x + 1;
}
