"""Development and design assets: what the system is (code, owners, history, designs, cases).

``development/`` indexes a git repository, ``design/`` reads OpenAPI, DDL, domain documents and
past incident write-ups; both produce ``domain.graph.GraphFragment``s that ``fusion`` joins with
the runtime evidence of an incident. Like ``ingest/``, this layer reads files and returns
domain models; it never imports ``store``, ``flows`` or an entry point.
"""
