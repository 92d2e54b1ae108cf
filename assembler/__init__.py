"""planbook: Thai local-government plan books from records, as DOCX and PDF.

Pipeline (one module per stage):
    records/   files → validated book model (with line numbers)
    checks     book model → consistency problems (warnings)
    view/      book model → document of laid-out-ready blocks (numbering,
               totals, Thai digits: everything computed here, once)
    render/    document → PDF (HTML + WeasyPrint) and DOCX (python-docx)
    build      the above for one records file, writing outputs atomically
    cli        the ``planbook`` command
"""
__version__ = "0.1.0"
