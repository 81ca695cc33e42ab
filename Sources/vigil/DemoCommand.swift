import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilServer
import VigilStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Zero-configuration tour: synthetic data imported into local SQLite, served on 127.0.0.1.",
        discussion: """
            Generates a synthetic population (no real person), imports its facilities, feed and a day of \
            changes into DIR/vigil.sqlite, creates demo agency and oversight accounts (tokens kept in \
            DIR/credentials.json, mode 0600), prints example lookups, and serves the API.
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
        let followed = try await Self.registerDemoVictim(store: store, population: population, folder: notices)
        if let changes = generated.changesFile {
            let report = try await FeedImport.run(path: changes, source: Self.source, store: store, receivedAt: Clock.now)
            print(ImportCommand.table(report, seconds: nil))
        }
        _ = try await store.writeCheckpoint(keyring: keyring, at: Clock.now)

        let credentials = try await Self.credentials(store: store, file: dir.appendingPathComponent("credentials.json").path)
        let examples = Self.examples(population)
        let url = "http://\(server.host):\(server.port)"
        print("""

            Vigil demo — \(url)   (API contract: \(url)/openapi.yaml)
              agency token (source \(Self.source)): \(credentials.agency)
              oversight token:                    \(credentials.oversight)

            Try (all data is synthetic):
            """)
        for (label, person) in examples {
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
        let worker = notify.worker(store: store, defaultURL: url, logger: Logger(label: "vigil.worker"))
        guard !noServe else {
            try await worker.deliverDue()
            return
        }
        let app = try VigilServer.application(store: store, keyring: keyring, configuration: server.configuration, services: [worker])
        try await app.runService()
    }

    struct Credentials: Codable {
        var agency: String
        var oversight: String
    }

    /// Demo accounts, created once and kept beside the demo database so that reruns reuse them.
    static func credentials(store: some CompleteStore, file: String) async throws -> Credentials {
        if let data = FileManager.default.contents(atPath: file),
           let saved = try? JSONDecoder().decode(Credentials.self, from: data),
           try await store.account(tokenHash: AccountToken.hash(saved.agency)) != nil,
           try await store.account(tokenHash: AccountToken.hash(saved.oversight)) != nil {
            return saved
        }
        let (_, agency) = try await AccountsCommand.Create.create(in: store, tier: .agency, name: "Demo custody agency", source: source)
        let (_, oversight) = try await AccountsCommand.Create.create(in: store, tier: .oversight, name: "Demo privacy office", source: nil)
        let credentials = Credentials(agency: agency, oversight: oversight)
        _ = FileManager.default.createFile(
            atPath: file, contents: try JSONEncoder().encode(credentials), attributes: [.posixPermissions: 0o600])
        return credentials
    }

    /// Registers a file-channel victim for the first adult whom the changes feed releases.
    /// Returns false when there is none (a tiny population) or the demo already has its registration.
    static func registerDemoVictim(store: some CompleteStore, population: SyntheticPopulation, folder: String) async throws -> Bool {
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
                expiresAt: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 86_400), at: now) != nil else { return false }
            let outcome = try await store.register(
                codeHash: hash, channel: .file, address: folder, language: .es,
                tokenHash: AccountToken.hash(RegistrationToken.generate()), webhookSecret: nil, at: now)
            return outcome != .invalidCode
        }
        return false
    }

    /// One person of each kind the demo should show: found, and never found.
    static func examples(_ population: SyntheticPopulation) -> [(String, SyntheticPopulation.Person)] {
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
            ("an adult in custody: found, with facility and visiting information", adult),
            ("a protected person: \"no_match\", exactly as for a number nobody holds (oversight gets an alert)", protected),
            ("a child: \"no_match\", exactly as for a number nobody holds", child),
        ].compactMap { label, person in person.map { (label, $0) } }
    }
}
