"""NotificationAPI: domain events from the outbox, fanned out to HTTP, e-mail and recommender actions."""
