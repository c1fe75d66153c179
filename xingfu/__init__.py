"""Xingfu (幸福): the family-health and birth-support information system of a district health commission."""
