using Polly;
using Relay.Contracts.Protocol;
using Relay.Server.Delivery;

namespace Relay.Tests.Unit;

public sealed class CompactFailuresTests
{
    private static readonly ResiliencePipeline<IReadOnlyList<Frame>> Pipeline = new ResiliencePipelineBuilder<
        IReadOnlyList<Frame>
    >()
        .AddStrategy(_ => new CompactFailures(), new CompactFailures.Options())
        .Build();

    [Fact]
    public async Task ANetworkFailureKeepsItsMessageAndLeavesItsStackTraceBehind()
    {
        var error = await Assert.ThrowsAsync<DeliveryAttemptException>(async () =>
            await Pipeline.ExecuteAsync<IReadOnlyList<Frame>>(async _ =>
                await DeepAsync(5, () => new IOException("The client closed the connection before answering."))
            )
        );

        Assert.Equal("The client closed the connection before answering.", error.Message);
        Assert.DoesNotContain(nameof(DeepAsync), error.StackTrace ?? "");
    }

    [Fact]
    public async Task AnUnexpectedFailureKeepsItsTypeAndWhereItHappened()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Pipeline.ExecuteAsync<IReadOnlyList<Frame>>(async _ =>
                await DeepAsync(5, () => new InvalidOperationException("a bug"))
            )
        );

        Assert.Contains(nameof(DeepAsync), error.StackTrace);
    }

    [Fact]
    public async Task AnAnswerPassesThroughUntouched()
    {
        IReadOnlyList<Frame> replies = [new AckFrame(7)];

        Assert.Same(replies, await Pipeline.ExecuteAsync(_ => ValueTask.FromResult(replies)));
    }

    private static async Task<IReadOnlyList<Frame>> DeepAsync(int depth, Func<Exception> error)
    {
        await Task.Yield();
        return depth == 0 ? throw error() : await DeepAsync(depth - 1, error);
    }
}
