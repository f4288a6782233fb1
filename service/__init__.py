"""The service: the API, the review desk, the database, the jobs and the CLI, one folder per
domain (calls, reviews, rules, webhooks, auth, desk, jobs, db)."""
