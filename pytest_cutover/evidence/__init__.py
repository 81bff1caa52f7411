"""The evidence of one run: the document, the bundle and the files rendered from it."""
