"""Evidence about units: the honours registry, the platform's daily data and the veto register
(issue 11). The rules that score it are pure, in ``leitai.scoring``; this app stores, imports,
verifies and shows it."""
