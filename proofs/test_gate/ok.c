/* proofs/test_gate: a function whose contract holds (the gate's control case). */
/*@ requires 0 <= x < 100;
    ensures \result == x + 1; */
int gate_inc(int x)
{
    return x + 1;
}
