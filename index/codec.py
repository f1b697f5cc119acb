"""The name under which indexes' tables of contents record their segments' codec.

Whoosh pickles each segment's codec into the table of contents, so the codec's class
is found again by this module's name. It lives in :mod:`index.w3.codec`.
"""

from index.w3.codec import InliningCodec

__all__ = ["InliningCodec"]
