// Fuzzes SegmentContainer.open and SegmentLayout.verify: never trap; an accepted file rebuilds to the same sections,
// and byte-exactly when it was laid out canonically and verifies clean.
import VectorLogicFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegmentContainer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    guard let layout = try? SegmentContainer.open(input) else { return 0 }
    let problems = layout.verify()
    var sections: [(kind: UInt32, bytes: [UInt8])] = []
    for entry in layout.sections {
        guard let bytes = layout.section(entry.kind) else { preconditionFailure("listed section missing") }
        precondition(bytes.count == entry.length && entry.offset % SegmentContainer.alignment == 0)
        sections.append((entry.kind, Array(bytes)))
    }
    let rebuilt = SegmentContainer.build(sections: sections, blockSizes: layout.blockSizes)
    rebuilt.withUnsafeBytes { buffer in
        guard let again = try? SegmentContainer.open(buffer) else { preconditionFailure("rebuilt segment does not open") }
        precondition(again.blockSizes == layout.blockSizes, "block sizes changed in the rebuild")
        precondition(again.verify().isEmpty, "rebuilt segment does not verify")
        precondition(again.sections.map(\.kind) == sections.map(\.kind))
        for section in sections { precondition(again.section(section.kind).map(Array.init) == section.bytes) }
        let canonical = layout.version == SegmentContainer.version && zip(again.sections, layout.sections).allSatisfy { $0.offset == $1.offset }
        if problems.isEmpty && canonical && again.sections.count == layout.sections.count {
            precondition(buffer.elementsEqual(input), "canonical, clean segment does not rebuild byte-exactly")
        }
    }
    return 0
}
