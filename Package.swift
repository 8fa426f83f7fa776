// swift-tools-version: 6.1
// VectorLogic: a crash-safe vector database. Every import points downward; see README "Architecture".
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "VectorLogic",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vectorlogic", targets: ["vectorlogic"]),
        .library(name: "VectorLogicFormat", targets: ["VectorLogicFormat"]),
        .library(name: "VectorLogicIndex", targets: ["VectorLogicIndex"]),
        .library(name: "VectorLogicEngine", targets: ["VectorLogicEngine"]),
        .library(name: "VectorLogicJSON", targets: ["VectorLogicJSON"]),
        .library(name: "VectorLogicFilter", targets: ["VectorLogicFilter"]),
        .library(name: "VectorLogicPersonas", targets: ["VectorLogicPersonas"]),
        // For the request-body fuzz target (Fuzz/), which reaches the decoders through `@_spi(Fuzzing)`.
        .library(name: "VectorLogicServer", targets: ["VectorLogicServer"]),
        .library(name: "VectorLogicEmbedding", targets: ["VectorLogicEmbedding"]),
    ],
    // TLS is on by default. tools/test turns it off only for its ThreadSanitizer build (`--disable-default-traits`):
    // BoringSSL's C/C++ compiled with TSan costs CI minutes and holds none of the concurrency code under test.
    traits: [
        .trait(name: "TLS", description: "HTTPS (--tls-cert/--tls-key) through swift-nio-ssl (BoringSSL)."),
        .default(enabledTraits: ["TLS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // C kernels: CRC32C (SSE4.2) for the formats, distance kernels (AVX2/FMA) for the index.
        .target(name: "CVectorLogicCRC", path: "Sources/CVectorLogicCRC"),
        .target(name: "CVectorLogicKernels", path: "Sources/CVectorLogicKernels"),
        // The system LZ4 library (frame format): compresses snapshot entries. tools/setup apt-installs liblz4-dev.
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),

        // Pure layers: no I/O.
        .target(name: "VectorLogicSync", swiftSettings: strictSettings),
        .target(name: "VectorLogicJSON", swiftSettings: strictSettings),
        .target(name: "VectorLogicFilter", dependencies: ["VectorLogicJSON"], swiftSettings: strictSettings),
        .target(name: "VectorLogicFormat", dependencies: ["CVectorLogicCRC", "CLZ4"], swiftSettings: strictSettings),
        .target(name: "VectorLogicDistance", dependencies: ["CVectorLogicKernels"], swiftSettings: strictSettings),
        .target(name: "VectorLogicIndex", dependencies: ["VectorLogicDistance", "VectorLogicFormat", "CVectorLogicKernels", "VectorLogicSync"], swiftSettings: strictSettings),

        // The file-system seam (LevelDB's Env): the engine reaches the disk only through it.
        .target(name: "VectorLogicIO", dependencies: ["VectorLogicSync"], swiftSettings: strictSettings),

        // The embeddable database: no HTTP.
        .target(
            name: "VectorLogicEngine",
            dependencies: [
                "VectorLogicFormat", "VectorLogicIO", "VectorLogicDistance", "VectorLogicIndex",
                "VectorLogicJSON", "VectorLogicFilter", "VectorLogicSync",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // The system SQLite: one connection with cached statements, typed errors, pragmas, VACUUM INTO copies.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "VectorLogicSQLite", dependencies: ["CSQLite", "VectorLogicIO"], swiftSettings: strictSettings),
        // Who may do what: API keys in <data-dir>/keys.sqlite and the rate limiter's token buckets (no HTTP).
        .target(
            name: "VectorLogicAccess",
            dependencies: ["VectorLogicSQLite", "VectorLogicFormat", "VectorLogicSync"],
            swiftSettings: strictSettings
        ),
        // Personas and memories in <data-dir>/personas.sqlite (no HTTP).
        .target(
            name: "VectorLogicPersonas",
            dependencies: ["VectorLogicSQLite", "VectorLogicJSON", "VectorLogicSync", "VectorLogicDistance"],
            swiftSettings: strictSettings
        ),

        // A small RESP2 client over SwiftNIO: the shared rate-limit store (only the commands it needs).
        .target(
            name: "VectorLogicRedis",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Text → vectors (no HTTP server): all-MiniLM-L6-v2 in process (OpenBLAS sgemm, loaded with dlopen after
        // choosing its kernel set, + C element-wise kernels). tools/setup apt-installs libopenblas0 and fetches the
        // model files (tools/fetch-model).
        .target(name: "CVectorLogicEmbeddingKernels", path: "Sources/CVectorLogicEmbeddingKernels"),
        .target(
            name: "VectorLogicEmbedding",
            dependencies: ["CVectorLogicEmbeddingKernels", "VectorLogicJSON", "VectorLogicIO", "VectorLogicFormat", "VectorLogicSync"],
            swiftSettings: strictSettings
        ),

        // Thin HTTP layer over the engine.
        .target(
            name: "VectorLogicServer",
            dependencies: [
                "VectorLogicEngine", "VectorLogicJSON", "VectorLogicFilter", "VectorLogicSync", "VectorLogicPersonas", "VectorLogicAccess", "VectorLogicSQLite",
                "VectorLogicRedis", "VectorLogicEmbedding",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["TLS"])),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.embedInCode("OpenAPI/openapi.json"), .embedInCode("Admin")],
            swiftSettings: strictSettings
        ),

        // Subcommands: serve, inspect, verify, repair, bench.
        .target(
            name: "VectorLogicCLI",
            dependencies: [
                "VectorLogicEngine", "VectorLogicServer", "VectorLogicPersonas", "VectorLogicAccess", "VectorLogicSQLite", "VectorLogicIndex", "VectorLogicFormat", "VectorLogicDistance",
                "VectorLogicSync", "VectorLogicEmbedding", "VectorLogicJSON", "VectorLogicIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "vectorlogic", dependencies: ["VectorLogicCLI"], swiftSettings: strictSettings),

        // Benchmark of the server's JSON hot path (its own request decoders and answer encoder vs Foundation).
        .executableTarget(
            name: "vectorlogic-http-json-bench",
            dependencies: ["VectorLogicServer", "VectorLogicEngine", "VectorLogicJSON", .product(name: "NIOCore", package: "swift-nio")],
            path: "tools/bench/json", swiftSettings: strictSettings
        ),

        // Tests.
        .target(
            name: "VectorLogicTestSupport",
            dependencies: ["VectorLogicIO", "VectorLogicFormat", "VectorLogicEngine", "VectorLogicDistance"],
            path: "Tests/VectorLogicTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "VectorLogicJSONTests", dependencies: ["VectorLogicJSON", "VectorLogicFilter", "VectorLogicIO"]),
        .testTarget(
            name: "VectorLogicFormatTests", dependencies: ["VectorLogicFormat", "VectorLogicTestSupport", "VectorLogicIO"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "VectorLogicIOTests", dependencies: ["VectorLogicIO", "VectorLogicFormat"]),
        .testTarget(name: "VectorLogicIndexTests", dependencies: ["VectorLogicIndex", "VectorLogicDistance", "VectorLogicTestSupport", "VectorLogicIO", "CVectorLogicKernels", "VectorLogicFormat"]),
        .testTarget(
            name: "VectorLogicEngineTests",
            dependencies: ["VectorLogicEngine", "VectorLogicIO", "VectorLogicFormat", "VectorLogicTestSupport", "VectorLogicSync", "crash-writer",
                           .product(name: "Logging", package: "swift-log")]
        ),
        // Engine crash test helper: writes with concurrent writers and prints acknowledged ids (killed by the tests).
        .executableTarget(name: "crash-writer", dependencies: ["VectorLogicEngine", "VectorLogicIndex", "VectorLogicDistance"], path: "Tests/crash-writer", swiftSettings: strictSettings),
        .testTarget(
            name: "VectorLogicServerTests",
            dependencies: [
                "VectorLogicServer", "VectorLogicEngine", "VectorLogicJSON", "VectorLogicTestSupport", "VectorLogicIO", "VectorLogicFormat", "vectorlogic",
                "VectorLogicPersonas", "VectorLogicAccess", "VectorLogicEmbedding", "VectorLogicSync",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["misbehaving_provider.py"]  // run by a test through #filePath, not a resource
        ),
        .testTarget(name: "VectorLogicRedisTests", dependencies: ["VectorLogicRedis", "VectorLogicTestSupport", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "VectorLogicEmbeddingTests", dependencies: ["VectorLogicEmbedding", "CVectorLogicEmbeddingKernels", "VectorLogicJSON"],
                    exclude: ["reference_tokenizer.py"]),  // run by a test through #filePath
        .testTarget(name: "VectorLogicPersonasTests", dependencies: ["VectorLogicPersonas", "VectorLogicAccess", "VectorLogicSQLite", "VectorLogicJSON", "VectorLogicSync"]),

        // Offline tools (inspect/verify/repair) end to end, incl. the built `vectorlogic` executable's exit codes.
        .testTarget(
            name: "VectorLogicToolsTests",
            dependencies: [
                "VectorLogicEngine", "VectorLogicIO", "VectorLogicFormat", "VectorLogicIndex", "VectorLogicDistance", "VectorLogicJSON", "vectorlogic",
                "VectorLogicAccess", "VectorLogicPersonas", "VectorLogicSQLite",
            ],
            swiftSettings: strictSettings
        ),
        // Embedding throughput benchmark (release build; see BENCHMARKS.md "Embeddings").
        .executableTarget(name: "embedding-bench", dependencies: ["VectorLogicEmbedding"], path: "tools/bench/embedding", exclude: ["embedding_bench.py"], swiftSettings: strictSettings),
        // Engine ingest/reopen benchmark (release build; see BENCHMARKS.md "Engine").
        .executableTarget(name: "engine-bench", dependencies: ["VectorLogicEngine", "VectorLogicIO", "VectorLogicDistance", "VectorLogicIndex", "VectorLogicFormat"], path: "tools/bench/engine", swiftSettings: strictSettings),
    ]
)
