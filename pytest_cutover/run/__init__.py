"""The pytest shell: items, markers, fixtures, the check registry, the gatekeeper, the session."""
