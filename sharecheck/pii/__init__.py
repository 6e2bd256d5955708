"""Personal-data recognition: value patterns, checksums, census names, hashes, free text.

Nothing here imports spaCy or presidio at module import time; `engine` does it on first use,
so `import sharecheck` and `sharecheck --help` stay light.
"""
