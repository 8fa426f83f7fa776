import Foundation

/// The fuzz inputs kept in git (`Fuzz/FailCases/<Target>-<id>` minimised crashers, `Fuzz/Corpus/<Target>/` seeds), for
/// the unit tests that replay them through the same checks the fuzz targets run.
public enum FuzzInputs {
    /// `Fuzz/` of this checkout.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// Every saved crasher of `target`, by file name.
    public static func failCases(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = root.appendingPathComponent("FailCases")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(target + "-") }
        return try names.sorted().map { ($0, [UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))) }
    }

    /// Every seed of `target`, by file name.
    public static func seeds(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = root.appendingPathComponent("Corpus").appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return try names.sorted().map { ($0, [UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))) }
    }
}
