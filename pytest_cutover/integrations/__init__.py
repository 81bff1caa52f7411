"""What other pytest plugins get from a cutover run: pytest-html, pytest's --junitxml."""
