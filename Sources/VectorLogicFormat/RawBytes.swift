/// Runs a typed-throwing body over an array's bytes (`Array.withUnsafeBytes` rethrows untyped errors); the engine has
/// the same internal helper for `IOError`.
func withRawBytes<R, E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let result: Result<R, E> = bytes.withUnsafeBytes { raw in
        Result { () throws(E) -> R in try body(raw) }
    }
    return try result.get()
}
