"""The dashboard: the SolaraViz page (app) and the server that runs it (server)."""
