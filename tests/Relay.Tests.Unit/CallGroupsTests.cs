using Relay.Server.Database;
using Relay.Server.Outbox;

namespace Relay.Tests.Unit;

public sealed class CallGroupsTests
{
    [Fact]
    public async Task CallsMadeWhileAGroupRunsFormTheNextGroupAndEachGetsItsOwnAnswer()
    {
        var release = new TaskCompletionSource();
        var groups = new List<int[]>();
        using var calls = new CallGroups<int, int>(
            async requests =>
            {
                lock (groups)
                {
                    groups.Add([.. requests]);
                }

                await release.Task;
                return requests.Select(r => r * 10).ToList();
            },
            maxGroup: 100,
            concurrency: 1
        );

        var first = calls.CallAsync(1, default);
        await WaitUntilAsync(() => groups.Count == 1);
        var rest = Enumerable.Range(2, 50).Select(i => calls.CallAsync(i, default)).ToList();
        release.SetResult();

        Assert.Equal(10, await first);
        Assert.Equal(Enumerable.Range(2, 50).Select(i => i * 10), await Task.WhenAll(rest));
        Assert.Equal(
            [
                [1],
                [.. Enumerable.Range(2, 50)],
            ],
            groups
        );
    }

    [Fact]
    public async Task AFailedGroupFailsEveryCallInItAndTheNextGroupStillRuns()
    {
        var fail = true;
        using var calls = new CallGroups<int, int>(
            requests =>
                fail
                    ? throw new InvalidOperationException("MySQL is away")
                    : Task.FromResult<IReadOnlyList<int>>(requests.ToList()),
            maxGroup: 10,
            concurrency: 1
        );

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => calls.CallAsync(1, default));
        Assert.Equal("MySQL is away", error.Message);

        fail = false;
        Assert.Equal(2, await calls.CallAsync(2, default));
    }

    [Fact]
    public async Task ACallerThatGivesUpIsReleasedAtOnce()
    {
        var never = new TaskCompletionSource<IReadOnlyList<int>>();
        using var calls = new CallGroups<int, int>(_ => never.Task, maxGroup: 10, concurrency: 1);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls.CallAsync(1, cancel.Token));
    }

    [Fact]
    public async Task GroupsRunningSideBySideAreNeverRunEmpty()
    {
        var empty = 0;
        using var calls = new CallGroups<int, int>(
            requests =>
            {
                if (requests.Count == 0)
                {
                    Interlocked.Increment(ref empty);
                }

                return Task.FromResult<IReadOnlyList<int>>(requests.ToList());
            },
            maxGroup: 10,
            concurrency: 2
        );

        // One call at a time: both loops wake for it, and one of them finds it already taken.
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(i, await calls.CallAsync(i, default));
        }

        await Task.Delay(50);
        Assert.Equal(0, empty);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
