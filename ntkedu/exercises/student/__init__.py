"""The student versions of the exercises, generated from ../solutions by
``python -m ntkedu.exercises generate`` (never edit them by hand). ``ntkedu exercises --out DIR``
copies them to a working folder.
"""
