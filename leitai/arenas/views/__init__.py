"""The arena's pages: the host's set-up and console (`host`), the judges' phones (`judge`), the
public screens (`screens`) and the results with their exports (`results`)."""
