"""Root conftest for pytest-cutover's own test run.

The plugin itself comes from its installed ``pytest11`` entry point; loading it
here as well would register it twice. ``loopback`` (in tests/, on pythonpath)
holds the real loopback servers the tests use.
"""

from __future__ import annotations

pytest_plugins = ("pytester", "loopback", "browser")
