"""Writes of the oversight app, one module per part of the work (facilities, devices, inspections, tip-offs,
cases and their referral between districts). Each is atomic and writes its audit row in the same transaction."""
