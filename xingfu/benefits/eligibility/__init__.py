"""Eligibility: facts, condition trees, amounts, and the engine that compiles them to SQL."""
