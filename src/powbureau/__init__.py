"""POW Bureau: a national information bureau for prisoners of war (GC III Art. 122).

Packages are rooms: ``domain``, ``names`` and ``linkage`` are pure (no I/O); ``store`` and ``io`` are
adapters; ``services`` holds one function per use case; ``web`` and ``cli`` are thin entry points."""

__version__ = "0.1.0"
