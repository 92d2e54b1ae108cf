"""Records: the parts of a book's records model every book type shares (records/common.py),
months (records/months.py), reading YAML/JSON with the line of every node (records/loader.py)
and writing records back (records/dump.py). Each book type's own model lives in its package
(assembler/books/); assembler/loading.py turns a file into a validated model."""
