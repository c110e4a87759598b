import ArgumentParser
import Foundation
import Segmind

extension Shotchain {
    /// Lists the Segmind models in the catalog, or shows one with its parameters.
    struct Models: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the Segmind models in the catalog, or show one with its parameters.",
            discussion: ExitStatus.helpText)

        @Argument(help: "A model slug to show in full.")
        var slug: String?

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var catalogOptions: CatalogOptions

        func run() async throws {
            try await reportingErrors {
                let catalog = try catalogOptions.catalog()
                if let slug {
                    let model = try catalog.model(slug)
                    if json { try printJSON(model) } else { print(ModelText.detail(model)) }
                } else if json {
                    try printJSON(catalog.models)
                } else {
                    print(ModelText.table(catalog.models))
                }
            }
        }
    }
}
