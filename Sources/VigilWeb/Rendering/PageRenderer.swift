import Foundation
import Mustache

/// Renders the Mustache templates shipped in `Templates/`. swift-mustache gives an empty library,
/// and `render` returns nil, when its folder is missing: ``load()`` reads each page by name and
/// fails when one is absent, so a broken bundle stops the server at start-up instead of serving
/// blank pages.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// Every template a route renders.
    public static let pages = [
        "layout", "custody", "message", "home", "lookup", "lookup-result", "register", "register-done", "acknowledge",
        "manage", "signin", "agency-signin", "advocate", "agency", "agency-report", "oversight",
    ]

    public static func load() throws -> PageRenderer {
        var templates: [String: MustacheTemplate] = [:]
        var missing: [String] = []
        for name in pages {
            guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates"),
                  let text = try? String(contentsOf: url, encoding: .utf8)
            else { missing.append(name); continue }
            templates[name] = try MustacheTemplate(string: text)
        }
        guard missing.isEmpty else { throw WebSetupError.missingTemplates(missing) }
        return PageRenderer(library: MustacheLibrary(templates: templates))
    }

    /// The page's HTML. Values are HTML-escaped by Mustache (`{{…}}`); no template uses `{{{…}}}`.
    public func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}

extension PageRenderer {
    /// Where a template lives in the bundle (for tests and diagnostics).
    public static func templateURL(_ name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates")
    }
}
