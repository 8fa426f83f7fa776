public import VectorLogicJSON

/// The fields of a persona a client sets (README "Personas", docs/api.md); `validate()` states every limit.
public struct PersonaSettings: Sendable, Hashable {
    /// Display name, 1…256 Unicode scalars.
    public var name: String
    /// The system prompt, at most 64 KiB of UTF-8 (may be empty).
    public var systemPrompt: String = ""
    /// Most memories kept (1…100,000); the oldest are removed first.
    public var maxMemorySize: Int = 1_000
    /// Memories older than this many milliseconds are removed by the decay job; 0 means they never decay.
    public var memoryDecayMilliseconds: Int64 = 604_800_000
    /// Sampling temperature, 0…2.
    public var temperature: Double = 0.7
    /// Token limit, 1…1,000,000.
    public var maxTokens: Int = 2_048
    /// Whether the persona is in use (kept for clients; the store does not act on it).
    public var isActive: Bool = true

    /// Settings with the contract's defaults and the given name.
    public init(name: String) { self.name = name }
}

/// A stored persona.
public struct Persona: Sendable, Hashable {
    /// Server-made UUIDv4.
    public var id: String
    /// What the client set.
    public var settings: PersonaSettings
    /// Milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Milliseconds since the Unix epoch of the last change to the settings.
    public var updatedAt: Int64
    /// How many memories it holds now.
    public var memoryCount: Int
}

/// What a client gives for a new memory.
public struct NewMemory: Sendable, Hashable {
    /// The remembered text, 1 B…64 KiB of UTF-8.
    public var content: String
    /// A JSON object (at most 64 KiB serialised), e.g. `{"type":"conversation"}`.
    public var context: JSONObject
    /// An optional embedding: 1…20,000 finite numbers, the same length for all of one persona's memories.
    public var vector: [Float]?

    /// A memory to add.
    public init(content: String, context: JSONObject = JSONObject(), vector: [Float]? = nil) {
        self.content = content
        self.context = context
        self.vector = vector
    }
}

/// A stored memory.
public struct Memory: Sendable, Hashable {
    /// Server-made UUIDv4.
    public var id: String
    /// The persona it belongs to.
    public var personaID: String
    /// The remembered text.
    public var content: String
    /// The context object as given.
    public var context: JSONObject
    /// The vector's length, or nil when the memory has no vector.
    public var dimension: Int?
    /// When it was added, in milliseconds since the Unix epoch (the decay job's age reference).
    public var timestamp: Int64
}

/// One search hit: the memory and its cosine similarity to the query.
public struct MemoryMatch: Sendable, Hashable {
    /// The memory.
    public var memory: Memory
    /// Cosine similarity, -1…1.
    public var score: Float
}

/// A page of memories, newest first.
public struct MemoryPage: Sendable, Hashable {
    /// The memories of this page.
    public var memories: [Memory]
    /// Pass as `cursor` for the next page; nil when this is the last.
    public var nextCursor: String?
}

/// The limits of the persona API, in one place so validation, the server and the OpenAPI text agree.
public enum PersonaLimits {
    /// Longest name, in Unicode scalars.
    public static let nameCharacters = 256
    /// Largest system prompt, memory content and serialised context, in UTF-8 bytes.
    public static let textBytes = 64 << 10
    /// Range of `max_memory_size`.
    public static let memorySize: ClosedRange<Int> = 1...100_000
    /// Range of `memory_decay_ms` (0 = never; at most 100 years).
    public static let decayMilliseconds: ClosedRange<Int64> = 0...3_153_600_000_000
    /// Range of `temperature`.
    public static let temperature: ClosedRange<Double> = 0...2
    /// Range of `max_tokens`.
    public static let maxTokens: ClosedRange<Int> = 1...1_000_000
    /// Range of a memory vector's length.
    public static let dimension: ClosedRange<Int> = 1...20_000
    /// Range of a search's or a page's `limit`.
    public static let limit: ClosedRange<Int> = 1...1_000
}
