"""Import pipeline: from the files people really have to validated inventory records.

One pipeline serves the Importer page and the command line
(``python -m ecosystem import``). A file goes through these stages, each a
module of this package, each working on DuckDB tables (large files are never
loaded whole into pandas):

``sniff``      what the file is: kind, encoding (charset-normalizer), CSV dialect (DuckDB)
``readers``    the file as a table of text columns, header row found, ragged lines refused
``recognise``  RNA, SIRENE, GoGoCarto/Transiscope and our own export, mapped with no wizard
``mapping``    column mapping (suggested for unknown files, saved for next time)
``codes``      source code tables: RNA objet social, legal categories, staff bands, categories
``normalise``  DuckDB macros that clean values (empty markers, decimal commas, codes…)
``checks``     normalisation and validation in one SQL pass, from ``model.TABLES``
``geocode``    offline placement in a current commune, with a resolution report
``dedup``      duplicates inside the file and against the inventory, merge or keep
``pipeline``   the stages in order (:class:`pipeline.Import`), the reports, one atomic save

See docs/import.md for the rules and the figures.
"""
