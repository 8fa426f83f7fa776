// Fuzzes ManifestContainer.decode: never trap; an accepted file re-encodes byte-exactly from its body.
import VectorLogicFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifestContainer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    guard let body = try? ManifestContainer.decode(input) else { return 0 }
    let encoded = ManifestContainer.encode(body: body)
    precondition(encoded.elementsEqual(input), "accepted manifest does not re-encode byte-exactly")
    return 0
}
