namespace Relay.Testing;

/// <summary>Waits on a condition with a deadline instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(
        Func<Task<T>> probe,
        Func<T, bool> until,
        TimeSpan? within = null,
        string? because = null
    )
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        T last;
        while (true)
        {
            last = await probe();
            if (until(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Condition not met within the deadline{(because is null ? "" : $" ({because})")}; last value: {Describe(last)}"
                );
            }

            await Task.Delay(50);
        }
    }

    private static string Describe<T>(T value) =>
        value switch
        {
            System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>()) + "]",
            _ => value?.ToString() ?? "null",
        };
}
