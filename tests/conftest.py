"""The fixtures every test folder shares, registered as plugins.

pytest honours ``pytest_plugins`` only in the top-level conftest. Fixtures local to one
folder stay in that folder's conftest; the types and helpers fixtures hand out live in
``tests.support.*`` modules, which tests import (never a conftest, never a fixture module).
"""

from __future__ import annotations

pytest_plugins = [
    "tests.support.fixtures.nats",
    "tests.support.fixtures.server_json",
    "tests.support.fixtures.stores",
]
