import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilNotify
import VigilServer
import VigilStore
import VigilWeb

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Zero-configuration tour: synthetic data imported into local SQLite, served on 127.0.0.1.",
        discussion: """
            Generates a synthetic population (no real person), imports its facilities, feed and a day of \
            changes into DIR/vigil.sqlite, creates demo agency and oversight accounts (tokens kept in \
            DIR/credentials.json, mode 0600, with web sign-ins for a demo advocate and oversight, a fresh \
            case code and the example people), prints example lookups, and serves the API and the web pages.
            """
    )

    @Option(help: ArgumentHelp("Working directory for the demo's files.", valueName: "dir")) var directory = "vigil-demo"
    @Option(help: "How many synthetic people.") var people = 5000
    @Flag(help: "Prepare everything and print the examples, but do not start the server.") var noServe = false
    @OptionGroup var server: ServerOptions
    @OptionGroup var notify: NotifyOptions

    static let source = "demo-agency"
    static let seed: UInt64 = 2017

    func run() async throws {
        let dir = URL(fileURLWithPath: directory)
        let database = dir.appendingPathComponent("vigil.sqlite").path
        let today = Clock.today
        let generated = try GenerateCommand.generate(
            people: people, seed: Self.seed, output: directory, changes: true, asOf: today, facilities: 40)
        print("generated \(generated.people) synthetic people and \(generated.changes) later changes in \(directory)/")

        var options = try StoreOptions.parse(["--database", database])
        options.keyring = dir.appendingPathComponent("vigil.keyring").path
        let (store, keyring) = try await options.open()

        let facilities = try await FacilitiesImport.run(
            path: generated.facilitiesFile, source: Self.source, store: store, receivedAt: Clock.now)
        print("facilities: \(facilities.summary.accepted) accepted, \(facilities.summary.unchanged) unchanged")
        let population = SyntheticPopulation(people: people, seed: Self.seed, asOf: today)
        let first = try await FeedImport.run(path: generated.feed, source: Self.source, store: store, receivedAt: Clock.now)
        print(ImportCommand.table(first, seconds: nil))
        // A victim who follows someone released in tomorrow's feed, through the demo's file channel.
        let notices = dir.appendingPathComponent("notices").path
        let victim = try await Self.registerDemoVictim(store: store, population: population, folder: notices)
        let followed = victim != nil
        if let changes = generated.changesFile {
            let report = try await FeedImport.run(path: changes, source: Self.source, store: store, receivedAt: Clock.now)
            print(ImportCommand.table(report, seconds: nil))
        }
        _ = try await store.writeCheckpoint(keyring: keyring, at: Clock.now)

        let credentialsFile = dir.appendingPathComponent("credentials.json").path
        var credentials = try await Self.credentials(store: store, file: credentialsFile)
        let examples = Self.examples(population)
        let url = "http://\(server.host):\(server.port)"
        // The advocate's case list shows the demo victim's registration.
        if let victim, let advocate = try await store.passwordAccount(login: credentials.advocateLogin ?? "")?.account {
            try await store.linkRegistration(id: victim, advocateAccountID: advocate.id, at: Clock.now)
        }
        // A fresh, unused case code on every run (a code works once), for registering through the web page.
        if let adult = examples.first?.1 {
            credentials.caseCode = try await Self.issueCaseCode(store: store, person: adult)
        }
        credentials.web = url + "/"
        credentials.examples = Dictionary(uniqueKeysWithValues: examples.compactMap { _, person, key in
            person.record.aNumber.map { (key, Credentials.Example(aNumber: $0.formatted, countryOfBirth: person.record.countryOfBirth.alpha2)) }
        })
        try Self.save(credentials, to: credentialsFile)
        print("""

            Vigil demo — \(url)   (API contract: \(url)/openapi.yaml)
              web pages: \(url)/   (lookup, registration, notices; staff sign-in at \(url)/signin)
              advocate sign-in:  login \(credentials.advocateLogin ?? "-"), password in \(credentialsFile)
              oversight sign-in: login \(credentials.oversightLogin ?? "-"), password in \(credentialsFile)
              a case code to register with on \(url)/register: \(credentials.caseCode ?? "-")
              agency token (source \(Self.source)): \(credentials.agency)
              oversight token:                    \(credentials.oversight)

            Try (all data is synthetic):
            """)
        for (label, person, _) in examples {
            print("  # \(label)")
            print("  curl -s \(url)/api/v1/lookup -H 'content-type: application/json' "
                + "-d '{\"a_number\":\"\(person.record.aNumber?.formatted ?? "")\",\"country_of_birth\":\"\(person.record.countryOfBirth.alpha2)\"}'")
        }
        print("""
              # the same child, as the agency that holds the record
              curl -s \(url)/api/v1/lookup -H 'authorization: Bearer \(credentials.agency)' -H 'content-type: application/json' \
            -d '{"a_number":"\(examples.last?.1.record.aNumber?.formatted ?? "")","country_of_birth":"\(examples.last?.1.record.countryOfBirth.alpha2 ?? "")"}'
              # oversight: alerts and the audit log
              curl -s \(url)/api/v1/alerts -H 'authorization: Bearer \(credentials.oversight)'
              curl -s \(url)/api/v1/audit/checkpoint
            """)
        if followed {
            print("  # a victim registered (file channel) for someone released in the second feed: their notices appear in\n  ls \(notices)/")
        }
        // The demo runs on 127.0.0.1 for one person trying Vigil out: a webhook receiver of theirs on this machine
        // is the expected case, so the demo allows private webhook hosts whether or not the flag is given.
        let webhooks = WebhookAddressPolicy(allowPrivate: true)
        let worker = notify.worker(store: store, defaultURL: url, logger: Logger(label: "vigil.worker"), webhooks: webhooks)
        guard !noServe else {
            try await worker.deliverDue()
            return
        }
        var configuration = server.configuration
        configuration.webhooks = webhooks
        let app = try VigilServer.application(store: store, keyring: keyring, configuration: configuration, services: [worker])
        try await app.runService()
    }

    /// `credentials.json`: the demo's secrets and examples, all synthetic, mode 0600.
    struct Credentials: Codable {
        var agency: String
        var oversight: String
        var advocateLogin: String?
        var advocatePassword: String?
        var oversightLogin: String?
        var oversightPassword: String?
        var caseCode: String?
        var web: String?
        var examples: [String: Example]?

        struct Example: Codable {
            var aNumber: String
            var countryOfBirth: String
            enum CodingKeys: String, CodingKey { case aNumber = "a_number", countryOfBirth = "country_of_birth" }
        }

        enum CodingKeys: String, CodingKey {
            case agency, oversight, web, examples
            case advocateLogin = "advocate_login", advocatePassword = "advocate_password"
            case oversightLogin = "oversight_login", oversightPassword = "oversight_password", caseCode = "case_code"
        }
    }

    static let advocateLogin = "demo-advocate"
    static let oversightLogin = "demo-oversight"

    /// Demo accounts, created once and kept beside the demo database so that reruns reuse them.
    static func credentials(store: some CompleteStore, file: String) async throws -> Credentials {
        if let data = FileManager.default.contents(atPath: file),
           let saved = try? JSONDecoder().decode(Credentials.self, from: data),
           try await store.account(tokenHash: AccountToken.hash(saved.agency)) != nil,
           try await store.account(tokenHash: AccountToken.hash(saved.oversight)) != nil,
           saved.advocatePassword != nil, try await store.passwordAccount(login: advocateLogin) != nil {
            return saved
        }
        let (_, agency) = try await AccountsCommand.Create.create(in: store, tier: .agency, name: "Demo custody agency", source: source)
        let (overseer, oversight) = try await AccountsCommand.Create.create(in: store, tier: .oversight, name: "Demo privacy office", source: nil)
        let (advocate, _) = try await AccountsCommand.Create.create(in: store, tier: .advocate, name: "Demo victim services", source: nil)
        // Random passwords, written only to the 0600 credentials file.
        let advocatePassword = String(AccountToken.generate().dropFirst(4).prefix(20))
        let oversightPassword = String(AccountToken.generate().dropFirst(4).prefix(20))
        // Free the demo logins if an earlier run left them on other accounts.
        for login in [advocateLogin, oversightLogin] {
            if let old = try await store.passwordAccount(login: login) {
                try await store.setPassword(accountID: old.account.id, login: "\(login)-retired-\(old.account.id)", passwordHash: "!", at: Clock.now)
            }
        }
        try await store.setPassword(
            accountID: advocate.id, login: advocateLogin, passwordHash: try await PasswordHasher.hash(advocatePassword), at: Clock.now)
        try await store.setPassword(
            accountID: overseer.id, login: oversightLogin, passwordHash: try await PasswordHasher.hash(oversightPassword), at: Clock.now)
        let credentials = Credentials(
            agency: agency, oversight: oversight, advocateLogin: advocateLogin, advocatePassword: advocatePassword,
            oversightLogin: oversightLogin, oversightPassword: oversightPassword)
        try save(credentials, to: file)
        return credentials
    }

    static func save(_ credentials: Credentials, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Born 0600 (tokens and passwords): opened with the mode, written, renamed over the old file.
        try SecretFile.write(try encoder.encode(credentials), to: file)
    }

    /// A one-time case code for `person`, valid for a day.
    static func issueCaseCode(store: some CompleteStore, person: SyntheticPopulation.Person) async throws -> String? {
        let code = OneTimeSecret.caseCode()
        let now = Clock.now
        let issued = try await store.issueCase(
            source: source, sourceRecordID: person.record.sourceRecordID, codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code)),
            expiresAt: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 86_400), at: now)
        return issued == nil ? nil : code
    }

    /// Registers a file-channel victim for the first adult whom the changes feed releases.
    /// Returns its id; nil when there is none (a tiny population) or the demo already has its registration.
    static func registerDemoVictim(store: some CompleteStore, population: SyntheticPopulation, folder: String) async throws -> Int64? {
        let today = population.asOf
        for i in 0..<population.people {
            let person = population.person(i)
            guard !person.record.isMinorOrUnknownAge(today: today), person.record.protections.isEmpty,
                  population.change(i)?.record.custody.status == .released else { continue }
            let code = OneTimeSecret.caseCode()
            let hash = OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code))
            let now = Clock.now
            guard try await store.issueCase(
                source: source, sourceRecordID: person.record.sourceRecordID, codeHash: hash,
                expiresAt: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 86_400), at: now) != nil else { return nil }
            let outcome = try await store.register(
                codeHash: hash, channel: .file, address: folder, language: .es,
                tokenHash: AccountToken.hash(RegistrationToken.generate()), webhookSecret: nil, at: now)
            if case .registered(let id) = outcome { return id }
            return nil
        }
        return nil
    }

    /// One person of each kind the demo should show: found, and never found (label, person, short name).
    static func examples(_ population: SyntheticPopulation) -> [(String, SyntheticPopulation.Person, String)] {
        let today = population.asOf
        var adult, protected, child: SyntheticPopulation.Person?
        for i in 0..<population.people where adult == nil || protected == nil || child == nil {
            let person = population.person(i)
            guard person.record.aNumber != nil, population.change(i) == nil else { continue }
            let minor = person.record.isMinorOrUnknownAge(today: today)
            if !minor, person.record.protections.isEmpty, person.record.custody.status == .inCustody, adult == nil {
                adult = person
            } else if !minor, !person.record.protections.isEmpty, protected == nil {
                protected = person
            } else if minor, person.record.dateOfBirth != nil, child == nil {
                child = person
            }
        }
        return [
            ("an adult in custody: found, with facility and visiting information", adult, "adult"),
            ("a protected person: \"no_match\", exactly as for a number nobody holds (oversight gets an alert)", protected, "protected"),
            ("a child: \"no_match\", exactly as for a number nobody holds", child, "child"),
        ].compactMap { label, person, key in person.map { (label, $0, key) } }
    }
}
