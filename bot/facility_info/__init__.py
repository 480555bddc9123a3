"""Facility Information (issue 4): the Business Activities and Owner/Operator Identification pages of a
facility's Draft submittal, the elements the answers require, and the "where am I?" checklist."""
