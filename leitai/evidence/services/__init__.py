"""Every write of the evidence app, one module per kind of evidence."""
