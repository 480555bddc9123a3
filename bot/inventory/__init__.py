"""Hazardous Materials Inventory: codes of the CERS template, submittals, thresholds."""
