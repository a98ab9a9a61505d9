"""ilo-aot: compile ilo modules to native code for Python packages."""

__version__ = "0.1.0"
