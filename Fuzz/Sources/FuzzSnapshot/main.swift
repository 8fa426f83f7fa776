// Fuzzes the snapshot reader (SnapshotFile.decode: catalog, every entry's checksums and LZ4 frame): never trap; an
// accepted snapshot re-encodes to a snapshot that decodes to the same time and files. (Not byte-exact: version-1 readers
// skip extensions and ignore flags, and another LZ4 encoder may frame the same bytes differently.)
import VectorLogicFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshot(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let decoded = try? SnapshotFile.decode(input) else { return 0 }
    guard let encoded = try? SnapshotFile.encode(createdAtMs: decoded.header.createdAtMs, files: decoded.files),
          let again = try? SnapshotFile.decode(encoded) else {
        preconditionFailure("an accepted snapshot does not re-encode")
    }
    precondition(again.header.createdAtMs == decoded.header.createdAtMs, "created_at changed in the round trip")
    precondition(again.files.map(\.name) == decoded.files.map(\.name), "entry names changed in the round trip")
    precondition(again.files.map(\.bytes) == decoded.files.map(\.bytes), "entry bytes changed in the round trip")
    return 0
}
