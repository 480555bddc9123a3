"""Documents of a filing (issue 11): the Site Map, the Emergency Response / Contingency Plan and the Employee
Training Plan. `pdf_check` (is it a PDF CERS takes?), `storage` (files by content hash), `advice` (what a site map
and the plans must show), `service` (upload, list, "provided elsewhere in CERS", with roles and the audit trail).
No Rasa here; the web page is bot/web/documents.py."""
