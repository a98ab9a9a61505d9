"""The raw AArch64 backend: machine code written as 32-bit words, no dependencies.

- ``encoder`` (with ``encoder_fp`` and ``operands``): one function per instruction, returning
  its 32-bit word; operands range-checked.
- ``asm``: an assembler buffer with labels, patched branches, relocations, constant pools.
- ``simplify``: copy merging, add-immediate and dead-code removal before allocation.
- ``regalloc``: liveness and linear-scan register allocation for IR functions.
- ``codegen``: IR functions -> machine code (``compile_module``, ``write_module_object``).
- ``link``: code objects with relocations, and an in-memory linker.
- ``elf``: ELF64 relocatable objects for the platform linker (AOT, cross builds).
- ``execmem``: W^X executable memory for running code in-process on aarch64 hosts.
- ``emulate``: a unicorn-based harness to run the code on other hosts (tests).
"""
