/// Namespace placeholder for the FrameServer module until its first type lands.
enum FrameServerModule {}
