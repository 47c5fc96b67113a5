"""The runtime: the one place above the services that wires them together.

``process`` builds a process's store, plugins and NATS bridge once; ``apps`` maps service names
to each service's app over them; ``dispatch`` serves several services as one WSGI app by the
route table; ``relay_worker`` runs the outbox relay. Nothing below this package imports it.
"""
