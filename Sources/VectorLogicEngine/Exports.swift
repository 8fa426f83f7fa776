// Types that appear in the engine's public API, re-exported so `import VectorLogicEngine` is enough for clients
// (the server and CLI write `.cosine`, `JSONValue`, `Filter`, `PosixFileSystem` without importing each module).
@_exported public import VectorLogicDistance
@_exported public import VectorLogicFilter
@_exported public import VectorLogicIO
@_exported public import VectorLogicJSON
@_exported public import VectorLogicIndex
