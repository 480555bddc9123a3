"""Reading a Safety Data Sheet (SDS) PDF: the product name, the components of section 3, the physical state of
section 9 and the hazard classes of section 2, mapped to the CERS hazard categories the inventory stores.

No Rasa, no database: `extract.read_sds(pdf_bytes)` returns a plain `SdsReading`; the inventory conversation
decides what to do with it, and the filer confirms it.
"""
