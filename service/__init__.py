"""The service layer: command line now; API, database, jobs and web UI later."""
