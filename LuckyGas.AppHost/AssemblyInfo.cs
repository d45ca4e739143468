using System.Runtime.Versioning;

// Run mode starts Debian packages as host processes and sets Unix file modes on their state.
[assembly: SupportedOSPlatform("linux")]
