/* proofs/test_gate: C that does not parse. */
int gate_inc(int x)
{
    return x + ;
}
