"""The learner's web app: pages, terminals, progress and auth."""
