"""The registry's services (the ``mcp-registry-services`` distribution).

``discovery``, ``publishing``, ``identity`` and ``domains`` never import one another (they talk
over NATS and the store); ``ingress`` generates deployment routing; all of them use
``route_table``, the one route table. ``runtime`` is the composition root above them. Checked by
import-linter.
"""
