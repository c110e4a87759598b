import ArgumentParser

/// What a `chain` run may spend, and prices for models the catalog has none for.
struct BudgetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Never spend more than this many US dollars.", valueName: "usd"))
    var maxCost: Double?

    @Option(
        help: ArgumentHelp(
            "An estimated price per generation for a model without a published one (repeatable); replaced by the actual cost once a job of it has run.",
            valueName: "slug=usd"))
    var price: [String] = []

    func validate() throws {
        if let maxCost, !(maxCost >= 0) { throw ValidationError("--max-cost must be a non-negative number of dollars") }
        _ = try prices()
    }

    /// `--price` as model slug to US dollars.
    func prices() throws -> [String: Double] {
        var out: [String: Double] = [:]
        for p in price {
            let parts = p.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let usd = Double(parts[1]), usd.isFinite, usd >= 0, usd < 1_000_000 else {
                throw ValidationError("--price \(p): expected SLUG=USD with USD a number of dollars")
            }
            out[parts[0]] = usd
        }
        return out
    }
}
