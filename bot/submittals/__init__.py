"""The filing as a whole: the pre-submit check (`precheck`), submit and status (`service`), and the copy of a
submitted filing into a new Draft (`drafts`)."""
