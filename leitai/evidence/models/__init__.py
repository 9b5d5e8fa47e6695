"""The evidence app's models, one module per kind of evidence (honours and vetoes; daily data)."""
