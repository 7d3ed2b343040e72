namespace Relay.Cli.Operations;

/// <summary>Messages settled per second over the last few seconds, and the time left at that pace.</summary>
internal sealed class RateMeter(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Queue<(long At, long Settled)> _samples = new();

    public double PerSecond { get; private set; }

    public void Add(long settled)
    {
        var now = time.GetTimestamp();
        _samples.Enqueue((now, settled));
        while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().At, now) > Window)
        {
            _samples.Dequeue();
        }

        var (firstAt, firstSettled) = _samples.Peek();
        var seconds = time.GetElapsedTime(firstAt, now).TotalSeconds;
        PerSecond = seconds > 0 ? Math.Max(0, settled - firstSettled) / seconds : 0;
    }

    /// <summary>Null until something has moved.</summary>
    public TimeSpan? Left(long remaining) =>
        PerSecond > 0 ? TimeSpan.FromSeconds(Math.Ceiling(remaining / PerSecond)) : null;
}
