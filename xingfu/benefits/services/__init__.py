"""Writes of the benefits app, one module per subject: programmes, cycles (and the ledger), applications,
funds, commitments and certificates. Every service is atomic and writes its audit row in its transaction."""
