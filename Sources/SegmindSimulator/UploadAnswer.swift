/// The JSON shape `POST /upload-asset` answers with, so a client can be tested against both documented forms.
public enum UploadAnswer: String, Sendable, CaseIterable {
    /// `{"file_urls": [...], "message": "Files uploaded successfully"}`, as the official Python SDK documents.
    case fileURLs = "file_urls"
    /// `{"urls": [...]}`, as Segmind's storage docs page shows.
    case urls

    /// The key the list of URLs is sent under.
    var key: String { rawValue }
}
