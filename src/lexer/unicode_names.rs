//! A small subset of the Unicode name database for `\N{...}` escapes.
//!
//! The full database (about 1 MB) is not worth carrying for a scripting
//! language: aio knows the names below, all ASCII letters and digits
//! (`LATIN SMALL LETTER A`, `DIGIT ONE`) and `CJK UNIFIED IDEOGRAPH-XXXX`.
//! Any other name is a SyntaxError worded like CPython's "unknown Unicode
//! character name". Lookup ignores case, as CPython's does.

/// The character named `name`, if aio knows it.
pub fn lookup(name: &str) -> Option<char> {
    let name = name.to_ascii_uppercase();
    if let Ok(i) = NAMES.binary_search_by(|(n, _)| n.cmp(&name.as_str())) {
        return char::from_u32(NAMES[i].1);
    }
    if let Some(letter) = name.strip_prefix("LATIN SMALL LETTER ") {
        return single_ascii(letter, |c| c.is_ascii_uppercase()).map(|c| c.to_ascii_lowercase());
    }
    if let Some(letter) = name.strip_prefix("LATIN CAPITAL LETTER ") {
        return single_ascii(letter, |c| c.is_ascii_uppercase());
    }
    if let Some(digit) = name.strip_prefix("DIGIT ") {
        let words = [
            "ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE",
        ];
        let d = words.iter().position(|w| *w == digit)?;
        return char::from_digit(d as u32, 10);
    }
    if let Some(hex) = name.strip_prefix("CJK UNIFIED IDEOGRAPH-") {
        let cp = u32::from_str_radix(hex, 16).ok()?;
        let in_range = matches!(cp, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x2A6DF);
        return if in_range && (4..=5).contains(&hex.len()) {
            char::from_u32(cp)
        } else {
            None
        };
    }
    None
}

fn single_ascii(s: &str, ok: impl Fn(char) -> bool) -> Option<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if ok(c) => Some(c),
        _ => None,
    }
}

/// Sorted by name for binary search.
const NAMES: &[(&str, u32)] = &[
    ("ALARM CLOCK", 0x23F0),
    ("ALMOST EQUAL TO", 0x2248),
    ("AMPERSAND", 0x0026),
    ("APOSTROPHE", 0x0027),
    ("ASTERISK", 0x002A),
    ("BACKSPACE", 0x0008),
    ("BALLOT X", 0x2717),
    ("BELL", 0x1F514),
    ("BLACK CIRCLE", 0x25CF),
    ("BLACK CLUB SUIT", 0x2663),
    ("BLACK DIAMOND SUIT", 0x2666),
    ("BLACK HEART SUIT", 0x2665),
    ("BLACK RIGHT-POINTING TRIANGLE", 0x25B6),
    ("BLACK SPADE SUIT", 0x2660),
    ("BLACK SQUARE", 0x25A0),
    ("BLACK STAR", 0x2605),
    ("BOX DRAWINGS LIGHT HORIZONTAL", 0x2500),
    ("BOX DRAWINGS LIGHT VERTICAL", 0x2502),
    ("BULLET", 0x2022),
    ("BYTE ORDER MARK", 0xFEFF),
    ("CARRIAGE RETURN", 0x000D),
    ("CENT SIGN", 0x00A2),
    ("CHARACTER TABULATION", 0x0009),
    ("CHECK MARK", 0x2713),
    ("COMMERCIAL AT", 0x0040),
    ("COPYRIGHT SIGN", 0x00A9),
    ("CROSS MARK", 0x274C),
    ("DARK SHADE", 0x2593),
    ("DEGREE SIGN", 0x00B0),
    ("DELETE", 0x007F),
    ("DIVISION SIGN", 0x00F7),
    ("DOLLAR SIGN", 0x0024),
    ("DOWNWARDS ARROW", 0x2193),
    ("ELEMENT OF", 0x2208),
    ("EM DASH", 0x2014),
    ("EM SPACE", 0x2003),
    ("EN DASH", 0x2013),
    ("EN SPACE", 0x2002),
    ("ESCAPE", 0x001B),
    ("EURO SIGN", 0x20AC),
    ("FIRE", 0x1F525),
    ("FORM FEED", 0x000C),
    ("FULL BLOCK", 0x2588),
    ("GREATER-THAN OR EQUAL TO", 0x2265),
    ("GREEK CAPITAL LETTER DELTA", 0x0394),
    ("GREEK CAPITAL LETTER OMEGA", 0x03A9),
    ("GREEK CAPITAL LETTER PI", 0x03A0),
    ("GREEK CAPITAL LETTER SIGMA", 0x03A3),
    ("GREEK SMALL LETTER ALPHA", 0x03B1),
    ("GREEK SMALL LETTER BETA", 0x03B2),
    ("GREEK SMALL LETTER DELTA", 0x03B4),
    ("GREEK SMALL LETTER EPSILON", 0x03B5),
    ("GREEK SMALL LETTER GAMMA", 0x03B3),
    ("GREEK SMALL LETTER LAMDA", 0x03BB),
    ("GREEK SMALL LETTER MU", 0x03BC),
    ("GREEK SMALL LETTER OMEGA", 0x03C9),
    ("GREEK SMALL LETTER PI", 0x03C0),
    ("GREEK SMALL LETTER SIGMA", 0x03C3),
    ("GREEK SMALL LETTER THETA", 0x03B8),
    ("GRINNING FACE", 0x1F600),
    ("HEAVY CHECK MARK", 0x2714),
    ("HEAVY MULTIPLICATION X", 0x2716),
    ("HIGH VOLTAGE SIGN", 0x26A1),
    ("HORIZONTAL ELLIPSIS", 0x2026),
    ("HOURGLASS", 0x231B),
    ("INCREMENT", 0x2206),
    ("INFINITY", 0x221E),
    ("INVERTED EXCLAMATION MARK", 0x00A1),
    ("INVERTED QUESTION MARK", 0x00BF),
    ("LATIN CAPITAL LETTER A WITH DIAERESIS", 0x00C4),
    ("LATIN CAPITAL LETTER E WITH ACUTE", 0x00C9),
    ("LATIN CAPITAL LETTER O WITH DIAERESIS", 0x00D6),
    ("LATIN CAPITAL LETTER U WITH DIAERESIS", 0x00DC),
    ("LATIN SMALL LETTER A WITH DIAERESIS", 0x00E4),
    ("LATIN SMALL LETTER A WITH GRAVE", 0x00E0),
    ("LATIN SMALL LETTER C WITH CEDILLA", 0x00E7),
    ("LATIN SMALL LETTER E WITH ACUTE", 0x00E9),
    ("LATIN SMALL LETTER E WITH GRAVE", 0x00E8),
    ("LATIN SMALL LETTER N WITH TILDE", 0x00F1),
    ("LATIN SMALL LETTER O WITH DIAERESIS", 0x00F6),
    ("LATIN SMALL LETTER SHARP S", 0x00DF),
    ("LATIN SMALL LETTER U WITH DIAERESIS", 0x00FC),
    ("LEFT DOUBLE QUOTATION MARK", 0x201C),
    ("LEFT RIGHT ARROW", 0x2194),
    ("LEFT SINGLE QUOTATION MARK", 0x2018),
    ("LEFT-POINTING DOUBLE ANGLE QUOTATION MARK", 0x00AB),
    ("LEFTWARDS ARROW", 0x2190),
    ("LESS-THAN OR EQUAL TO", 0x2264),
    ("LIGHT SHADE", 0x2591),
    ("LINE FEED", 0x000A),
    ("MEDIUM SHADE", 0x2592),
    ("MICRO SIGN", 0x00B5),
    ("MIDDLE DOT", 0x00B7),
    ("MULTIPLICATION SIGN", 0x00D7),
    ("N-ARY SUMMATION", 0x2211),
    ("NO-BREAK SPACE", 0x00A0),
    ("NOT EQUAL TO", 0x2260),
    ("NULL", 0x0000),
    ("NUMBER SIGN", 0x0023),
    ("PARTIAL DIFFERENTIAL", 0x2202),
    ("PARTY POPPER", 0x1F389),
    ("PERCENT SIGN", 0x0025),
    ("PILCROW SIGN", 0x00B6),
    ("PLUS-MINUS SIGN", 0x00B1),
    ("POUND SIGN", 0x00A3),
    ("QUOTATION MARK", 0x0022),
    ("REGISTERED SIGN", 0x00AE),
    ("REPLACEMENT CHARACTER", 0xFFFD),
    ("REVERSE SOLIDUS", 0x005C),
    ("RIGHT DOUBLE QUOTATION MARK", 0x201D),
    ("RIGHT SINGLE QUOTATION MARK", 0x2019),
    ("RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK", 0x00BB),
    ("RIGHTWARDS ARROW", 0x2192),
    ("ROCKET", 0x1F680),
    ("SECTION SIGN", 0x00A7),
    ("SMILING FACE WITH SMILING EYES", 0x1F60A),
    ("SNOWMAN", 0x2603),
    ("SOLIDUS", 0x002F),
    ("SPACE", 0x0020),
    ("SPARKLES", 0x2728),
    ("SQUARE ROOT", 0x221A),
    ("THUMBS UP SIGN", 0x1F44D),
    ("TRADE MARK SIGN", 0x2122),
    ("UPWARDS ARROW", 0x2191),
    ("WARNING SIGN", 0x26A0),
    ("WATCH", 0x231A),
    ("WHITE CIRCLE", 0x25CB),
    ("WHITE SMILING FACE", 0x263A),
    ("WHITE SQUARE", 0x25A1),
    ("WHITE STAR", 0x2606),
    ("YEN SIGN", 0x00A5),
    ("ZERO WIDTH JOINER", 0x200D),
    ("ZERO WIDTH NO-BREAK SPACE", 0xFEFF),
    ("ZERO WIDTH NON-JOINER", 0x200C),
    ("ZERO WIDTH SPACE", 0x200B),
];
