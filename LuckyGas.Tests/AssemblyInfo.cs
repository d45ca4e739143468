using System.Runtime.Versioning;

// Only one full topology runs at a time: two at once on a small machine make every timing flaky,
// and the classes that start their own platform would compete with the shared one.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The platform runs Debian packages as host processes.
[assembly: SupportedOSPlatform("linux")]
