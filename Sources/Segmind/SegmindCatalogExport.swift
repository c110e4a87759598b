// The catalog's types (`ModelSpec`, `ParameterRole`, `JSONValue`, ...) are part of the client's API: whoever
// imports Segmind sees them without importing SegmindCatalog.
@_exported import SegmindCatalog
