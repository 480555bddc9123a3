"""Code the Rasa server process loads (named in endpoints.yml), apart from the action server's `actions/`.

- `tracker_store.RedactingSQLTrackerStore`: Rasa's SQL tracker store that never writes a secret (the
  conversation token, the client claim, a password typed by mistake, a one-time link token).
"""
