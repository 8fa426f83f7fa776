internal import VectorLogicJSON

/// The model's uncased WordPiece tokenizer, read from its `tokenizer.json`, producing what sentence-transformers
/// feeds all-MiniLM-L6-v2: `[CLS]`, the word pieces, `[SEP]`, truncated to `maxLength` ids (256, the model's
/// `max_seq_length`; special tokens included, so at most 254 word pieces).
///
/// Pipeline (as the `tokenizers` library runs it for this file): special tokens written literally in the text
/// (`[CLS]`, `[SEP]`, `[PAD]`, `[UNK]`, `[MASK]`) are matched first and keep their ids; the rest is normalised
/// (`BertNormalizer`), split at whitespace and around every punctuation character, and each word becomes the longest
/// vocabulary pieces from the left (`##` marks a piece inside a word); a word with an unknown piece or longer than
/// 100 characters is one `[UNK]`. Work stops once `maxLength` ids are reached, so a 1 MB text costs the same as its
/// first few kilobytes.
public struct WordPieceTokenizer: Sendable {
    let vocabulary: [String: Int32]
    /// Special tokens matched in the raw text, longest first.
    let specialTokens: [(text: [Unicode.Scalar], id: Int32)]
    /// Id of `[CLS]`, put first.
    public let classifierID: Int32
    /// Id of `[SEP]`, put last.
    public let separatorID: Int32
    /// Id of `[UNK]`.
    public let unknownID: Int32
    /// Most ids returned for one text, special tokens included.
    public let maxLength: Int
    let maxCharactersPerWord: Int

    /// Reads `tokenizer.json` (a WordPiece model with a `vocab` object and `added_tokens`).
    public init(tokenizerJSON bytes: [UInt8], maxLength: Int = 256) throws(EmbeddingError) {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes, limits: JSONLimits(maxDepth: 16, maxStringBytes: 1 << 16)) } catch {
            throw .modelFileDamaged(file: "tokenizer.json", reason: "not JSON: \(error)")
        }
        guard case .object(let top) = root, case .object(let model)? = top["model"], case .object(let vocab)? = model["vocab"]
        else { throw .modelFileDamaged(file: "tokenizer.json", reason: "no model.vocab object") }
        guard model["type"] == .string("WordPiece") else {
            throw .modelFileDamaged(file: "tokenizer.json", reason: "model.type is not WordPiece")
        }
        var table = [String: Int32](minimumCapacity: vocab.count)
        for (token, value) in vocab.entries {
            guard case .number(let id) = value, id >= 0, id < 1_000_000, id == id.rounded() else {
                throw .modelFileDamaged(file: "tokenizer.json", reason: "vocabulary id of \"\(token)\" is not an integer")
            }
            table[token] = Int32(id)
        }
        var specials: [(text: [Unicode.Scalar], id: Int32)] = []
        if case .array(let added)? = top["added_tokens"] {
            for case .object(let entry) in added {
                guard case .string(let content)? = entry["content"], case .number(let id)? = entry["id"],
                    entry["special"] == .bool(true), id >= 0, id < 1_000_000
                else { continue }
                specials.append((Array(content.unicodeScalars), Int32(id)))
            }
        }
        func id(_ token: String) throws(EmbeddingError) -> Int32 {
            guard let id = table[token] else {
                throw .modelFileDamaged(file: "tokenizer.json", reason: "vocabulary has no \(token)")
            }
            return id
        }
        vocabulary = table
        specialTokens = specials.sorted { $0.text.count > $1.text.count }
        classifierID = try id("[CLS]")
        separatorID = try id("[SEP]")
        unknownID = try id("[UNK]")
        self.maxLength = max(2, maxLength)
        if case .number(let limit)? = model["max_input_chars_per_word"], limit >= 1, limit <= 10_000 {
            maxCharactersPerWord = Int(limit)
        } else {
            maxCharactersPerWord = 100
        }
    }

    /// The ids of `text`: `[CLS]`, at most `maxLength - 2` pieces, `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [classifierID]
        let budget = maxLength - 1
        var pending: [Unicode.Scalar] = []
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex, ids.count < budget {
            let scalar = scalars[index]
            if scalar == "[", let special = special(at: index, in: scalars) {
                flush(&pending, into: &ids, budget: budget)
                if ids.count < budget { ids.append(special.id) }
                index = special.end
                continue
            }
            index = scalars.index(after: index)
            guard let clean = BertNormalizer.cleaned(scalar) else { continue }
            if clean == " " {
                flush(&pending, into: &ids, budget: budget)
            } else if BertNormalizer.isChinese(clean) {
                flush(&pending, into: &ids, budget: budget)
                pending.append(clean)
                flush(&pending, into: &ids, budget: budget)
            } else {
                pending.append(clean)
            }
        }
        flush(&pending, into: &ids, budget: budget)
        ids.append(separatorID)
        return ids
    }

    /// The special token spelled at `index`, if any (they are matched before normalisation, as added tokens are).
    private func special(
        at index: String.UnicodeScalarView.Index, in scalars: String.UnicodeScalarView
    ) -> (id: Int32, end: String.UnicodeScalarView.Index)? {
        for (text, id) in specialTokens where scalars[index...].starts(with: text) {
            return (id, scalars.index(index, offsetBy: text.count))
        }
        return nil
    }

    /// Normalises one whitespace-free piece, splits it around punctuation and appends its word pieces.
    private func flush(_ pending: inout [Unicode.Scalar], into ids: inout [Int32], budget: Int) {
        guard !pending.isEmpty else { return }
        var folded: [Unicode.Scalar] = []
        folded.reserveCapacity(pending.count)
        BertNormalizer.foldCaseAndAccents(pending, into: &folded)
        pending.removeAll(keepingCapacity: true)
        var word: [Unicode.Scalar] = []
        for scalar in folded {
            if BertNormalizer.isWhitespace(scalar) {
                appendPieces(of: &word, into: &ids, budget: budget)
            } else if BertNormalizer.isPunctuation(scalar) {
                appendPieces(of: &word, into: &ids, budget: budget)
                word.append(scalar)
                appendPieces(of: &word, into: &ids, budget: budget)
            } else {
                word.append(scalar)
            }
        }
        appendPieces(of: &word, into: &ids, budget: budget)
    }

    /// Greedy longest-match-first WordPiece of one word; the word is emptied.
    private func appendPieces(of word: inout [Unicode.Scalar], into ids: inout [Int32], budget: Int) {
        defer { word.removeAll(keepingCapacity: true) }
        guard !word.isEmpty, ids.count < budget else { return }
        guard word.count <= maxCharactersPerWord else {
            ids.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                var candidate = String.UnicodeScalarView()
                if start > 0 { candidate.append(contentsOf: "##".unicodeScalars) }
                candidate.append(contentsOf: word[start..<end])
                if let id = vocabulary[String(candidate)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces.prefix(budget - ids.count))
    }
}
