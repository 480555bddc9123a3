"""The chemical library: ChEDL pure substances + curated products/mixtures + EHS list, and lookup.

Build it with `python -m bot.chemicals.build`; look up with `bot.chemicals.lookup.lookup(db, text)`.
"""
