"""What a cutover is and its rules: pure values and functions, no pytest, no I/O."""
