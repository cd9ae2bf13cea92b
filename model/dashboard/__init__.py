"""The dashboard: the Solara page (from Mesa's visualisation parts) and its server.

Modules: ``app`` (the page), ``levers`` (the sidebar's levers and the model run with
them), ``picture`` (the community picture), ``plots`` (the scorecard and live plots)
and ``server`` (``govsim viz``: serving the page, installing its assets). Nothing is
imported here, so the server (and ``govsim viz``'s bad-input messages) stay quick.
"""
