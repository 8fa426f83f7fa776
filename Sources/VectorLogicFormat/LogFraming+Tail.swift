// The last bad record of a log with nothing valid after it: an interrupted append (torn tail) or damage to bytes that
// were all written (data-format.md, "Write-ahead log framing", "Torn tail or damage").
extension LogFraming {
    /// The unit in which a disk persists (or fails to persist) a write: a 512-byte sector, the smallest any device or
    /// file system uses, so every torn write leaves whole sectors (clipped to the written range) unwritten.
    public static let sectorSize = 512

    /// Why the invalid record at `position` (with no valid record after it) is damage rather than a torn append, or nil
    /// when it is a torn tail. The rule, in order:
    /// 1. Fewer than 17 bytes left: torn (the header itself is cut).
    /// 2. The stored checksum matches the bytes from `position + 8` to the end of the file: the record is all there and
    ///    only its length field is wrong: damage.
    /// 3. The record extends past the end of the file (or its length is over the cap): torn.
    /// 4. The record is complete (its declared end is inside the file) but its type is 0 or its checksum fails. If one
    ///    flipped bit explains the checksum (in the checksummed bytes or in the stored checksum): damage. Else, if the
    ///    bytes from the record's start, or from a sector boundary inside the record, to the end of the file are all
    ///    zero (the pattern of a write whose last sectors never reached the disk: unwritten bytes of a file that is only
    ///    ever extended by `write` read back as zeros): torn. Anything else: damage.
    static func tailDamage(_ file: UnsafeRawBufferPointer, at position: Int) -> String? {
        let available = file.count - position
        guard available >= recordHeaderSize else { return nil }
        let storedMasked = file.le32(at: position + 4)
        let stored = CRC32C.unmask(storedMasked)
        let length = Int(file.le32(at: position))
        let toEnd = CRC32C.checksum(file.sub(position + 8, available - 8))
        if toEnd == stored && length != available - recordHeaderSize {
            return "record length field damaged (declares \(length) payload bytes; the \(available - recordHeaderSize) "
                + "bytes to the end of the file match its checksum)"
        }
        guard length <= maxPayloadLength, length <= available - recordHeaderSize else { return nil }
        let end = position + recordHeaderSize + length
        let actual = CRC32C.checksum(file.sub(position + 8, 9 + length))
        if (CRC32C.mask(actual) ^ storedMasked).nonzeroBitCount == 1 {
            return "complete record (all \(recordHeaderSize + length) bytes present) fails its checksum: one flipped bit in "
                + "the stored checksum at offset \(position + 4); damage, not an interrupted append"
        }
        if let bit = singleBitError(syndrome: actual ^ stored, byteCount: 9 + length) {
            return "complete record (all \(recordHeaderSize + length) bytes present) fails its checksum: one flipped bit at "
                + "offset \(position + 8 + bit.byte) (bit \(bit.bit)); damage, not an interrupted append"
        }
        var zeroStart = file.count
        while zeroStart > position && file[zeroStart - 1] == 0 { zeroStart -= 1 }
        let sectorStart = zeroStart == position ? position : (zeroStart + sectorSize - 1) / sectorSize * sectorSize
        if sectorStart < end { return nil }
        let what = file[position + 8] == 0 ? "has type 0" : "fails its checksum"
        return "complete record (all \(recordHeaderSize + length) bytes present) \(what) and its end is not zero-filled "
            + "from a sector boundary; damage, not an interrupted append"
    }

    /// The position of the single bit whose flip turns a message of `byteCount` bytes into one whose CRC32C differs by
    /// `syndrome`, if there is one. CRC32C is affine: flipping stream bit s changes the CRC by the CRC (zero initial value,
    /// no final inversion) of a message with only that bit set, which is x^(k) · P-reduced for the k bits after it; these
    /// are distinct and non-zero for every message shorter than the polynomial's period (2^31 − 1 bits), so a single flip
    /// is identified exactly. O(bits); runs only on a damaged record.
    static func singleBitError(syndrome: UInt32, byteCount: Int) -> (byte: Int, bit: Int)? {
        guard syndrome != 0, byteCount > 0 else { return nil }
        let polynomial: UInt32 = 0x82F6_3B78  // reflected Castagnoli
        var register = polynomial  // the last bit of the stream (bit 7 of the last byte) flipped
        let bits = byteCount * 8
        for fromEnd in 0..<bits {
            if register == syndrome {
                let streamBit = bits - 1 - fromEnd
                return (streamBit / 8, streamBit % 8)
            }
            register = register & 1 == 1 ? (register >> 1) ^ polynomial : register >> 1
        }
        return nil
    }
}
