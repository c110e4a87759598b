/// Namespace placeholder for the Segmind module until its first type lands.
enum SegmindModule {}
