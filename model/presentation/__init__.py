"""The presentation layer: number formats, tables, facts for the prose, charts and downloads.

Reads results of :mod:`model.computation`, never the other way round; editing a module here recomputes
no cached result (the book's chapters are executed again at the next build).
"""
