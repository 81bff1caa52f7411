"""What other pytest plugins get from a cutover run: pytest-html, pytest's --junitxml,
allure-pytest, pytest-json-report and pytest-sugar (see docs/integrations.md)."""
