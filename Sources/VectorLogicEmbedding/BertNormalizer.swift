// The standard library's NFD iterator (`String._nfd`) is public behind the `_Unicode` SPI; it is the normaliser String
// comparison itself uses, so this module needs neither Foundation nor ICU for accent stripping.
@_spi(_Unicode) import Swift

/// BERT's text normalisation as the model's `tokenizer.json` declares it (`BertNormalizer` with `clean_text`,
/// `handle_chinese_chars`, `lowercase` and, because `strip_accents` is null, accent stripping), in the order the
/// `tokenizers` library applies it: clean, space out CJK ideographs, NFD and drop non-spacing marks, lowercase.
enum BertNormalizer {
    /// Control, format, private-use and surrogate scalars are dropped; `tokenizers` keeps unassigned ones (U+0378
    /// stays and becomes [UNK]), so `.unassigned` is not in this set (checked against tokenizers 0.23).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Tab, newline, carriage return and every scalar with the Unicode White_Space property (Rust's `is_whitespace`).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20: return true
        default: return scalar.value > 0x7F && scalar.properties.isWhitespace
        }
    }

    /// The CJK blocks BERT spaces out (the exact ranges of `tokenizers`' `is_chinese_char`).
    static func isChinese(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes `$+<=>^`|~`, symbols to Unicode) or any Unicode punctuation category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        case 0...0x7F: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The first two steps, scalar by scalar: nil drops the scalar; whitespace becomes one space.
    @inline(__always)
    static func cleaned(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { return nil }
        return isWhitespace(scalar) ? " " : scalar
    }

    /// Accent stripping (NFD, then drop Mn) and lowercasing of one whitespace-free piece, appended to `out`.
    /// ASCII pieces skip NFD (ASCII is its own NFD). NFD comes from the standard library's own normaliser (the one
    /// String comparison uses); splitting at spaces first is safe because a space is a starter, so canonical
    /// reordering never crosses it.
    static func foldCaseAndAccents(_ piece: [Unicode.Scalar], into out: inout [Unicode.Scalar]) {
        if piece.allSatisfy({ $0.isASCII }) {
            for scalar in piece { out.append(lowercasedASCII(scalar)) }
            return
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: piece)
        for scalar in String(text)._nfd where scalar.properties.generalCategory != .nonspacingMark {
            if scalar.isASCII {
                out.append(lowercasedASCII(scalar))
            } else {
                // Rust's char::to_lowercase: the full, context-free mapping (İ → i + U+0307, Σ → σ always).
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
    }

    @inline(__always)
    static func lowercasedASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar
    }
}
