"""The evidence imports, through the shared import machinery (leitai.core.imports): the honours
registry (`honours.py`, with a .zip of scans beside the file) and the platform's daily data
(`daily.py`, long or wide); each kind registered by its `register_*` module from the app's
`ready()`."""
