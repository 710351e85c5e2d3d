/* proofs/test_gate: a postcondition that does not hold. */
/*@ requires 0 <= x < 100;
    ensures \result == x + 2; */
int gate_inc(int x)
{
    return x + 1;
}
