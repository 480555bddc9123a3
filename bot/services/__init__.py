"""Business services: every read and write of the submittal database goes through these modules."""
