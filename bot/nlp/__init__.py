"""The project's spaCy pipeline (a blank English model plus rules), built without downloads."""
