"""Reading a finished output folder back: duplicate clusters and why a document changed.

These functions only read the files `clean run` wrote (plus, for the "before" view, the
input they name); the CLI renders what they return.
"""
