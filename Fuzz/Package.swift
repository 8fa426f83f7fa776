// swift-tools-version: 6.1
// libFuzzer targets for VectorLogic's decoders (run them with tools/fuzz; see data-format.md and tools/README.md).
// A separate package so the sanitizer flags never touch the main build; it depends on the root package by path.
import PackageDescription

// SwiftPM names a path dependency after its directory, which differs between worktrees (main, wt-storage, …),
// so derive it from where this manifest lives.
let rootIdentity = String(#filePath.split(separator: "/").dropLast(2).last ?? "main").lowercased()

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: rootIdentity) },
        swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault"), .enableUpcomingFeature("MemberImportVisibility")]
    )
}

let package = Package(
    name: "VectorLogicFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        fuzzTarget("FuzzLogFraming", ["VectorLogicFormat"]),
        fuzzTarget("FuzzSegmentContainer", ["VectorLogicFormat"]),
        fuzzTarget("FuzzManifestContainer", ["VectorLogicFormat"]),
        fuzzTarget("FuzzSnapshot", ["VectorLogicFormat"]),
        fuzzTarget("FuzzJSON", ["VectorLogicJSON"]),
        fuzzTarget("FuzzFilter", ["VectorLogicJSON", "VectorLogicFilter"]),
        fuzzTarget("FuzzGraphSection", ["VectorLogicFormat"]),
        fuzzTarget("FuzzLogPayload", ["VectorLogicFormat"]),
        fuzzTarget("FuzzSnapshotIndex", ["VectorLogicFormat"]),
        fuzzTarget("FuzzMetadataCodec", ["VectorLogicEngine"]),
        fuzzTarget("FuzzRequestBodies", ["VectorLogicServer"]),
    ]
)
