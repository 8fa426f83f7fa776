// Fuzzes LogFraming.scan: it must never trap, and whatever it accepts must re-encode to exactly the accepted bytes.
import VectorLogicFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogFraming(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    let result = LogFraming.scan(input)
    precondition(result.validEnd <= input.count && result.records.count == result.offsets.count)
    guard let header = result.header else {
        precondition(result.records.isEmpty && result.validEnd == 0)
        return 0
    }
    // Re-encode header and every record: the bytes must equal the accepted prefix of the input.
    var encoded = LogFraming.encodeFileHeader(logNumber: header.logNumber)
    for (record, offset) in zip(result.records, result.offsets) {
        precondition(offset == encoded.count, "record offset disagrees with its encoding")
        LogFraming.encode(record, into: &encoded)
    }
    precondition(encoded.count == result.validEnd && encoded.elementsEqual(input[0..<result.validEnd]), "re-encoding differs")
    // And the re-encoded prefix scans clean to the same records.
    let again = encoded.withUnsafeBytes { LogFraming.scan($0) }
    precondition(again.ending == .clean && again.records == result.records && again.header == header)
    switch result.ending {
    case .clean: precondition(result.validEnd == input.count)
    case .tornTail(let offset, _): precondition(offset == result.validEnd)
    case .corrupt(let offset, _, let resume):
        precondition(offset == result.validEnd && (resume.map { $0 > offset && $0 < input.count } ?? true))
    }
    return 0
}
