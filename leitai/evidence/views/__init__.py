"""The evidence app's pages, one module per kind of evidence."""
