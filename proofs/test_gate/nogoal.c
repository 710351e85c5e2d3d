/* proofs/test_gate: a function with nothing to prove. */
void gate_nop(void)
{
}
