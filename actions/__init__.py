"""Rasa custom actions: thin glue between the conversation and the `bot/` services.

No SQL and no business rules here: actions verify who is talking, call a service in a worker thread, and
turn its result or its `ServiceError.message` into replies.
"""
