"""The shop's domain events: what each event's payload holds (one typed module per emitting domain), and
the outbox's reading side (`store`).
"""
