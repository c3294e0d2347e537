"""The exercise solutions: the one source the student files are generated from (see ../README.md).

An instructor who hands out ntkedu without the solutions deletes this folder; nothing else needs it.
"""
