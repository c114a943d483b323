"""Field lengths in one byte, as Lucene encodes them (``SmallFloat.intToByte4``/``byte4ToInt``).

BM25 weighs a word by the length of the field it is in, and both engines keep that length in a
byte. Whoosh's own byte has finer steps than Lucene's, so the same article scored a little
differently in each engine and close results swapped places. The Whoosh engine now writes and
reads Lucene's byte (``fixes``), so both engines rank the same articles the same way.
"""

from __future__ import annotations


def _long_to_int4(i: int) -> int:
    """Four bits of precision, the leading one implicit (values below 8 are exact)."""
    bits = i.bit_length()
    if bits < 4:
        return i
    shift = bits - 4
    return ((i >> shift) & 0x07) | ((shift + 1) << 3)


def _int4_to_long(i: int) -> int:
    bits, shift = i & 0x07, (i >> 3) - 1
    return bits if shift == -1 else (bits | 0x08) << shift


_MAX_INT = 2**31 - 1
NUM_FREE_VALUES = 255 - _long_to_int4(_MAX_INT)  # 24: lengths below it are stored exactly


def length_to_byte(length: int | None) -> int:
    if not length:
        return 0
    length = min(int(length), _MAX_INT)
    if length < NUM_FREE_VALUES:
        return length
    return NUM_FREE_VALUES + _long_to_int4(length - NUM_FREE_VALUES)


LENGTHS = [b if b < NUM_FREE_VALUES else min(NUM_FREE_VALUES + _int4_to_long(b - NUM_FREE_VALUES), _MAX_INT)
           for b in range(256)]  # fmt: skip


def byte_to_length(b: int) -> int:
    return LENGTHS[b]
