"""Imports of real data through the services (bot/seed.py keeps the generator apart)."""
