/// Namespace placeholder for the SegmindSimulator module until its first type lands.
enum SegmindSimulatorModule {}
