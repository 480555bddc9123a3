"""CERS Filing Assistant core: database, services, web pages. Knows nothing of Rasa."""
