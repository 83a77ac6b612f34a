"""Raw LZMA1 without an end marker, as PAY by square stores its payload.

PAY by square compresses with LZMA1 (lc=3, lp=0, pb=2, 128 KiB dictionary), drops the 13-byte `.lzma`
header and stores the uncompressed length itself, so the stream carries no end-of-payload marker. The
reference encoders (the LZMA SDK and its ports) then simply flush the range coder after the last byte.

Python's `lzma` (liblzma) always writes the end marker in raw mode, which changes the last bytes. So we
let liblzma choose the matches (its "normal" mode picks the same ones as the reference encoder on the
published vectors) and rewrite the tail: a small decoder walks liblzma's stream until the payload is
complete and reads where the range coder stands there. At that point the encoder's `low` equals the
bytes consumed so far minus the decoder's `code`, and flushing the encoder means writing exactly those
bytes: that is the stream the reference encoder produces.
"""

from __future__ import annotations

import lzma

LC, LP, PB = 3, 0, 2
DICT_SIZE = 1 << 17
FILTERS = [{"id": lzma.FILTER_LZMA1, "lc": LC, "lp": LP, "pb": PB, "dict_size": DICT_SIZE, "mode": lzma.MODE_NORMAL}]
DECODE_FILTERS = [{"id": lzma.FILTER_LZMA1, "lc": LC, "lp": LP, "pb": PB, "dict_size": DICT_SIZE}]

_TOP = 1 << 24
_BITS = 11  # probabilities are 11-bit
_MOVE = 5


def compress(data: bytes) -> bytes:
    """`data` as raw LZMA1 without end marker (the receiver must know the length)."""
    stream = lzma.compress(data, format=lzma.FORMAT_RAW, filters=FILTERS)
    decoded, consumed, code = _walk(stream, len(data))
    if decoded != data:  # pragma: no cover - would mean the walker and liblzma disagree
        raise RuntimeError("LZMA re-encoding failed")
    low = int.from_bytes(stream[:consumed], "big") - code
    return low.to_bytes(consumed, "big")


def decompress(data: bytes, size: int) -> bytes:
    """The first `size` bytes a raw LZMA1 stream (with or without end marker) decodes to."""
    decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=DECODE_FILTERS)
    return decompressor.decompress(data, max_length=size)


class _RangeDecoder:
    def __init__(self, data: bytes):
        if len(data) < 5:
            raise ValueError("LZMA stream too short")
        self.data = data
        self.pos = 5
        self.range = 0xFFFFFFFF
        self.code = int.from_bytes(data[1:5], "big")

    def _normalize(self) -> None:
        if self.range < _TOP:
            self.range = (self.range << 8) & 0xFFFFFFFF
            self.code = ((self.code << 8) | self.data[self.pos]) & 0xFFFFFFFF
            self.pos += 1

    def bit(self, probs: list[int], index: int) -> int:
        prob = probs[index]
        bound = (self.range >> _BITS) * prob
        if self.code < bound:
            self.range = bound
            probs[index] = prob + (((1 << _BITS) - prob) >> _MOVE)
            result = 0
        else:
            self.range -= bound
            self.code -= bound
            probs[index] = prob - (prob >> _MOVE)
            result = 1
        self._normalize()
        return result

    def direct(self, count: int) -> int:
        result = 0
        for _ in range(count):
            self.range >>= 1
            bit = 1 if self.code >= self.range else 0
            if bit:
                self.code -= self.range
            result = (result << 1) | bit
            self._normalize()
        return result

    def tree(self, probs: list[int], bits: int, base: int = 0) -> int:
        index = 1
        for _ in range(bits):
            index = (index << 1) | self.bit(probs, base + index)
        return index - (1 << bits)

    def reverse_tree(self, probs: list[int], bits: int, base: int = 0) -> int:
        index, result = 1, 0
        for position in range(bits):
            bit = self.bit(probs, base + index)
            index = (index << 1) | bit
            result |= bit << position
        return result


def _probs(count: int) -> list[int]:
    return [1 << (_BITS - 1)] * count


class _LengthDecoder:
    def __init__(self):
        self.choice = _probs(2)
        self.low = [_probs(8) for _ in range(1 << PB)]
        self.mid = [_probs(8) for _ in range(1 << PB)]
        self.high = _probs(256)

    def decode(self, rc: _RangeDecoder, pos_state: int) -> int:
        if rc.bit(self.choice, 0) == 0:
            return rc.tree(self.low[pos_state], 3)
        if rc.bit(self.choice, 1) == 0:
            return 8 + rc.tree(self.mid[pos_state], 3)
        return 16 + rc.tree(self.high, 8)


def _walk(stream: bytes, size: int) -> tuple[bytes, int, int]:
    """Decode `size` bytes of `stream`: (the bytes, how many stream bytes were read, the range `code`)."""
    rc = _RangeDecoder(stream)
    out = bytearray()
    literal = _probs(0x300 << (LC + LP))
    is_match, is_rep0_long = _probs(12 << 4), _probs(12 << 4)
    is_rep, is_rep_g0, is_rep_g1, is_rep_g2 = _probs(12), _probs(12), _probs(12), _probs(12)
    pos_slot = [_probs(64) for _ in range(4)]
    pos_special = _probs(1 + 128 - 14)
    align = _probs(16)
    match_len, rep_len = _LengthDecoder(), _LengthDecoder()
    state = 0
    reps = [0, 0, 0, 0]
    while len(out) < size:
        pos_state = len(out) & ((1 << PB) - 1)
        if rc.bit(is_match, (state << 4) + pos_state) == 0:
            previous = out[-1] if out else 0
            base = 0x300 * (((len(out) & ((1 << LP) - 1)) << LC) + (previous >> (8 - LC)))
            symbol = 1
            if state >= 7:  # after a match the literal is coded against the byte at rep0
                match_byte = out[-reps[0] - 1]
                while symbol < 0x100:
                    match_bit = (match_byte >> 7) & 1
                    match_byte <<= 1
                    bit = rc.bit(literal, base + ((1 + match_bit) << 8) + symbol)
                    symbol = (symbol << 1) | bit
                    if match_bit != bit:
                        break
            while symbol < 0x100:
                symbol = (symbol << 1) | rc.bit(literal, base + symbol)
            out.append(symbol - 0x100)
            state = 0 if state < 4 else (state - 3 if state < 10 else state - 6)
            continue
        if rc.bit(is_rep, state):
            if rc.bit(is_rep_g0, state) == 0:
                if rc.bit(is_rep0_long, (state << 4) + pos_state) == 0:
                    state = 9 if state < 7 else 11
                    out.append(out[-reps[0] - 1])
                    continue
            else:
                if rc.bit(is_rep_g1, state) == 0:
                    distance = reps[1]
                else:
                    if rc.bit(is_rep_g2, state) == 0:
                        distance = reps[2]
                    else:
                        distance = reps[3]
                        reps[3] = reps[2]
                    reps[2] = reps[1]
                reps[1] = reps[0]
                reps[0] = distance
            length = rep_len.decode(rc, pos_state)
            state = 8 if state < 7 else 11
        else:
            reps[1:] = reps[:3]
            length = match_len.decode(rc, pos_state)
            state = 7 if state < 7 else 10
            slot = rc.tree(pos_slot[min(length, 3)], 6)
            if slot < 4:
                distance = slot
            else:
                direct_bits = (slot >> 1) - 1
                distance = (2 | (slot & 1)) << direct_bits
                if slot < 14:
                    distance += rc.reverse_tree(pos_special, direct_bits, distance - slot)
                else:
                    distance += rc.direct(direct_bits - 4) << 4
                    distance += rc.reverse_tree(align, 4)
            reps[0] = distance
        for _ in range(length + 2):
            out.append(out[-reps[0] - 1])
    return bytes(out[:size]), rc.pos, rc.code
