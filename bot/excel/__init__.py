"""The CERS Hazardous Materials Inventory upload template (.xlsx): import and export."""
