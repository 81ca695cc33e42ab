import Foundation

/// The one stylesheet, served from `/static/vigil.css`: a file, because the Content-Security-Policy
/// forbids inline style.
enum Stylesheet {
    static func load() throws(WebSetupError) -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "vigil", withExtension: "css", subdirectory: "Static"),
              let data = try? Data(contentsOf: url)
        else { throw .missingStylesheet }
        return Array(data)
    }
}
