using Xunit.Abstractions;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Starts the collections that take longest first, so the run does not end with one long chain of tests alone on the
/// machine while the other slots sit idle (the cluster suite's classes share one cluster and take turns: started
/// midway, they alone filled the last third of the run). Collections without a <see cref="TakesAboutAttribute"/> follow
/// in xUnit's own order.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private const string ImplicitCollection = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(Seconds);

    private static int Seconds(ITestCollection collection)
    {
        var type = collection.CollectionDefinition?.ToRuntimeType()
            ?? (
                collection.DisplayName.StartsWith(ImplicitCollection, StringComparison.Ordinal)
                    ? typeof(LongestFirst).Assembly.GetType(collection.DisplayName[ImplicitCollection.Length..])
                    : null
            );
        return type?.GetCustomAttributes(typeof(TakesAboutAttribute), inherit: false) is [TakesAboutAttribute hint]
            ? hint.Seconds
            : 0;
    }
}

/// <summary>How long a test class, or a collection's classes together, took in a run of the whole suite here: an
/// ordering hint for <see cref="LongestFirst"/>, not a limit.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TakesAboutAttribute(int seconds) : Attribute
{
    public int Seconds => seconds;
}
