import PropertyBased
import Testing
@testable import VigilCore

// Every name here is invented; none refers to a real person.
@Suite("NameNormalizer and PersonName")
struct NameNormalizerTests {
    @Test(
        "normalises width, diacritics, case, punctuation and special letters",
        arguments: [
            // case
            ("ZAVALETA", ["zavaleta"]),
            ("zAvAlEtA", ["zavaleta"]),
            // NFKC: full-width letters and ligatures
            ("ＺＡＶＡＬＥＴＡ", ["zavaleta"]),
            ("ｚａｖａｌｅｔａ", ["zavaleta"]),
            ("Eﬁgenira", ["efigenira"]),
            // diacritics, precomposed and decomposed
            ("Núñez-Oyárzabal", ["nunez", "oyarzabal"]),
            ("Nu\u{0301}n\u{0303}ez", ["nunez"]),
            (" Çelikörü", ["celikoru"]),
            // compound surnames stay as ordered tokens
            ("García-Márquez", ["garcia", "marquez"]),
            ("garcia marquez", ["garcia", "marquez"]),
            ("GARCÍA   MÁRQUEZ", ["garcia", "marquez"]),
            ("García_Márquez", ["garcia", "marquez"]),
            ("Márquez-García", ["marquez", "garcia"]),
            ("García\u{00A0}Márquez", ["garcia", "marquez"]),
            ("García\u{3000}Márquez", ["garcia", "marquez"]),
            ("García\tMárquez\n", ["garcia", "marquez"]),
            // apostrophes inside a word are removed, not split on
            ("O'Neil", ["oneil"]),
            ("O\u{2019}Neil", ["oneil"]),
            ("O\u{02BC}Neil", ["oneil"]),
            ("O`Neil", ["oneil"]),
            ("O\u{00B4}Neil", ["oneil"]),
            ("D'Amborsi-O'Teague", ["damborsi", "oteague"]),
            // letters with no combining mark are transliterated
            ("Søvikstad", ["sovikstad"]),
            ("SØVIKSTAD", ["sovikstad"]),
            ("Wałęsik", ["walesik"]),
            ("WAŁĘSIK", ["walesik"]),
            ("Großkrämer", ["grosskramer"]),
            ("Đorđivac", ["dordivac"]),
            ("Kæmpelund", ["kaempelund"]),
            ("Cœurvalle", ["coeurvalle"]),
            ("Yıldızören", ["yildizoren"]),
            ("Þórvaldina", ["thorvaldina"]),
            ("Guðmundara", ["gudmundara"]),
            // particles are kept, in order
            ("de la Cruzetta", ["de", "la", "cruzetta"]),
            ("De La Cruzetta", ["de", "la", "cruzetta"]),
            ("van der Berghout", ["van", "der", "berghout"]),
            ("dos Santorino e Silvade", ["dos", "santorino", "e", "silvade"]),
            // numbers are kept, other symbols split
            ("Zavaleta III", ["zavaleta", "iii"]),
            ("Zavaleta 2", ["zavaleta", "2"]),
            ("Zavaleta, Ana.", ["zavaleta", "ana"]),
            // nothing to match on
            ("", []),
            ("   ", []),
            ("-- ,. --", []),
            ("'", []),
        ]
    )
    func tokens(input: String, expected: [String]) {
        #expect(NameNormalizer.tokens(input) == expected)
    }

    @Test("spellings of the same compound surname give the same tokens", arguments: [
        "García-Márquez", "garcia marquez", "GARCIA-MARQUEZ", "Garcia  Marquez", "ＧＡＲＣＩＡ ＭＡＲＱＵＥＺ",
        "Gar\u{0063}i\u{0301}a Ma\u{0301}rquez", " garcía/márquez ",
    ])
    func sameTokens(spelling: String) {
        #expect(NameNormalizer.tokens(spelling) == ["garcia", "marquez"])
    }

    @Test("different order is a different name")
    func orderMatters() {
        #expect(NameNormalizer.tokens("García Márquez") != NameNormalizer.tokens("Márquez García"))
    }

    /// Characters a feed might put in a name, including the awkward ones.
    static let nameCharacters: [Character] = Array(
        "abcxyzABCXYZ019 -'’ʼ`´.,_/\t\u{00A0}\u{3000}áÁéÉíñÑüÜçÇøØłŁßæÆœŒıİđĐþÞðÐ"
            + "ＡＺａｚ０ﬁﬂǅǄΣσςЖж"
    ) + ["\u{0301}", "\u{0303}", "\u{0308}"]

    static let names = Gen<Character?>.element(of: nameCharacters).map { $0! }.string(of: 0...24)

    @Test("tokens are idempotent: normalising the joined tokens gives the same tokens")
    func idempotent() async {
        await propertyCheck(count: 500, input: Self.names) { name in
            let tokens = NameNormalizer.tokens(name)
            #expect(NameNormalizer.tokens(tokens.joined(separator: " ")) == tokens, "\(name.debugDescription)")
            #expect(NameNormalizer.tokens(tokens.joined(separator: "-")) == tokens, "\(name.debugDescription)")
        }
    }

    @Test("tokens are never empty and never contain whitespace, upper case or apostrophes")
    func tokenShape() async {
        await propertyCheck(count: 500, input: Self.names) { name in
            for token in NameNormalizer.tokens(name) {
                #expect(!token.isEmpty)
                #expect(!token.contains { $0.isWhitespace }, "\(name.debugDescription) → \(token.debugDescription)")
                #expect(!token.contains { $0.isUppercase }, "\(name.debugDescription) → \(token.debugDescription)")
                #expect(token == token.lowercased(), "\(name.debugDescription) → \(token.debugDescription)")
                #expect(!token.contains { "'’ʼ`´-_.,/".contains($0) }, "\(name.debugDescription)")
            }
        }
    }

    @Test("an apostrophe of any kind inside a word never changes the tokens")
    func apostrophesInsideWords() async {
        let apostrophe = Gen<Character?>.element(of: ["'", "\u{2019}", "\u{02BC}", "`", "\u{00B4}"] as [Character])
            .map { $0! }
        await propertyCheck(
            input: Gen.letter.string(of: 2...12), Gen.int(in: 1...11), apostrophe, Self.names
        ) { word, position, mark, rest in
            let cut = word.index(word.startIndex, offsetBy: min(position, word.count - 1))
            let marked = String(word[..<cut]) + String(mark) + String(word[cut...])
            #expect(NameNormalizer.tokens(marked) == [word.lowercased()], "\(marked.debugDescription)")
            #expect(
                NameNormalizer.tokens(marked + " " + rest) == NameNormalizer.tokens(word + " " + rest),
                "\(marked.debugDescription) \(rest.debugDescription)")
        }
    }

    @Test("case and diacritics never change the tokens of plain Latin names")
    func caseInsensitive() async {
        let word = Gen.letter.string(of: 1...12)
        await propertyCheck(input: word.array(of: 1...4)) { words in
            let name = words.joined(separator: " ")
            #expect(NameNormalizer.tokens(name.uppercased()) == NameNormalizer.tokens(name.lowercased()))
            #expect(NameNormalizer.tokens(name) == words.map { $0.lowercased() })
        }
    }

    @Test("PersonName exposes tokens and a match key, and its description is redacted")
    func personName() {
        let a = PersonName(family: "García-Márquez", given: "Ana Lucía")
        let b = PersonName(family: "GARCIA MARQUEZ", given: "ana  lucia")
        #expect(a.familyTokens == ["garcia", "marquez"])
        #expect(a.givenTokens == ["ana", "lucia"])
        #expect(a.matchKey == "garcia marquez|ana lucia")
        #expect(a.matchKey == b.matchKey)
        #expect(a != b)  // the feed's own spelling is kept
        #expect(PersonName(family: "Ana Lucía", given: "García-Márquez").matchKey != a.matchKey)

        for rendered in [a.description, "\(a)", String(describing: a), String(reflecting: a)] {
            #expect(rendered == "PersonName(redacted)")
            #expect(!rendered.localizedCaseInsensitiveContains("garc"))
            #expect(!rendered.localizedCaseInsensitiveContains("luc"))
        }
    }
}
