/// Runs a typed-throwing decoder over an array's bytes (the standard library's `withUnsafeBytes` rethrows untyped errors).
func engineWithBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(FormatError) -> T) throws(FormatError) -> T {
    let result: Result<T, FormatError> = bytes.withUnsafeBytes { raw in
        Result { () throws(FormatError) -> T in try body(raw) }
    }
    return try result.get()
}
