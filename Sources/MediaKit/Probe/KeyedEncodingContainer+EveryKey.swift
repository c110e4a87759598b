extension KeyedEncodingContainer {
    /// Encodes every value under its key, in order; a nil optional is written as `null`, so the key is always present.
    ///
    /// The JSON reports (`MediaInfo`, `StreamInfo`, `FrameReport`, ...) keep one shape per kind of object this way,
    /// where a synthesised `encode(to:)` would leave out the keys of unknown values.
    mutating func encodeEveryKey(_ fields: KeyValuePairs<Key, any Encodable>) throws {
        for (key, value) in fields { try encode(value, forKey: key) }
    }
}
