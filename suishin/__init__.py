"""suishin: the labour-bank promotion council's system (ろうきん推進会議)."""

__version__ = "0.1.0"
