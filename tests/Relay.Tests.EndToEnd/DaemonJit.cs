using System.Runtime.CompilerServices;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// The daemons compile methods with loops fully optimized at once (their project files: it is
/// what the bulk's throughput needs). This suite starts hundreds of them, each for seconds, on a
/// machine the whole suite saturates, where that up-front compiling is CPU nothing gets back:
/// the daemons it starts use .NET's default (quick JIT for loops, optimized once hot), which
/// took a sixth less CPU in a sample of these tests. Behaviour is the same; the bench runs the
/// daemons as shipped.
/// </summary>
internal static class DaemonJit
{
    [ModuleInitializer]
    internal static void QuickJitForLoopsInDaemonsStartedHere() =>
        Environment.SetEnvironmentVariable("DOTNET_TC_QuickJitForLoops", "1");
}
