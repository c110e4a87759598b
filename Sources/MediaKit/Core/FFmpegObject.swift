/// An FFmpeg object this process owns: allocated when made, freed with its own free function when released.
///
/// The base of `Frame` and `Packet`. Not `Sendable`.
class FFmpegObject<Pointee> {
    let pointer: UnsafeMutablePointer<Pointee>
    private let release: (UnsafeMutablePointer<UnsafeMutablePointer<Pointee>?>?) -> Void

    /// Allocates with `allocate` (a failure is out of memory, which nothing can recover from) and frees with `release`.
    init(
        _ name: String, allocate: () -> UnsafeMutablePointer<Pointee>?,
        release: @escaping (UnsafeMutablePointer<UnsafeMutablePointer<Pointee>?>?) -> Void
    ) {
        guard let p = allocate() else { fatalError("\(name): out of memory") }
        pointer = p
        self.release = release
    }

    deinit {
        var p: UnsafeMutablePointer<Pointee>? = pointer
        release(&p)
    }
}
