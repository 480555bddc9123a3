"""The CUPA inspector's review of submitted filings (issue 11): CUPAs, the queue, decisions, the reasons pick list."""
