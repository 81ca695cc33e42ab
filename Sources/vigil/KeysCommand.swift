import ArgumentParser
import Foundation
import VigilCrypto

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create and rotate the keyring.", subcommands: [Init.self, Rotate.self]
    )

    struct KeyringPath: ParsableArguments {
        @Option(help: ArgumentHelp("Keyring file (or $\(Keyring.environmentVariable)).", valueName: "path"))
        var keyring: String?

        var path: String { keyring ?? ProcessInfo.processInfo.environment[Keyring.environmentVariable] ?? "vigil.keyring" }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new keyring (mode 0600). Refuses to overwrite one: its keys would be lost."
        )
        @OptionGroup var options: KeyringPath
        @Option(help: ArgumentHelp(
            "The name this deployment's audit checkpoints carry, e.g. audit.example.org/vigil (default: derived from the signing key).",
            valueName: "origin"))
        var auditOrigin: String?

        func run() throws {
            var keyring = Keyring.generate()
            if let auditOrigin { try keyring.name(auditOrigin: auditOrigin) }
            try keyring.write(to: options.path)
            print("created keyring \(options.path) with encryption key \(keyring.activeKeyID); back it up apart from the database")
            print("audit checkpoints are signed as \(keyring.auditOrigin)")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new encryption key and make it active; older values stay readable."
        )
        @OptionGroup var options: KeyringPath

        func run() throws {
            var keyring = try Keyring.load(path: options.path)
            let id = keyring.rotate()
            try keyring.write(to: options.path, overwrite: true)
            print("new active encryption key \(id); keyring now holds \(keyring.keyIDs.joined(separator: ", "))")
        }
    }
}
