"""Entry points: the command line (``python -m model``) and the chapters' set-up (:mod:`model.entry.book`).

They call the two layers below; nothing below imports them.
"""
