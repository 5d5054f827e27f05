"""The batch change table: every consecutive version pair of every document, one row each.

``policydiff batch SOURCE... --out FILE`` (see :mod:`policydiff.batch.cli`). Like the engine, this
package never imports Qt: it runs on servers and Dask workers without a display.
"""
