"""What keeps a run safe to do and to show: the process audit, the mutation guard, redaction."""
