// Four test classes at a time on two cores: most of an end-to-end test is waiting (for a link check, a lease, a
// process to stop), and the native client starts on a tenth of the JIT build's CPU, so four keep the cores busy
// where two left them idle half the time. Classes that measure the machine opt out (FleetTests' collection).
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
[assembly: TestCollectionOrderer("Relay.Tests.EndToEnd.LongestFirst", "Relay.Tests.EndToEnd")]
