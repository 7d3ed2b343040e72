namespace Relay.Bench;

/// <summary>The first bulk after a start against the same bulk once warm, and what the server's start costs.</summary>
/// <param name="ServerReadySeconds">From starting the server's process until it answered ready.</param>
/// <param name="ServerIdleRssMiB">The server's memory once ready, with its clients connected, before any work.</param>
public sealed record ColdStartResult(
    int Personnel,
    int Clients,
    double ServerReadySeconds,
    double ServerIdleRssMiB,
    double ColdEnqueueSeconds,
    double ColdSeconds,
    double WarmEnqueueSeconds,
    double WarmSeconds
);

/// <summary>
/// #35's cold start: freshly started daemons send everyone to every client (their code runs for the first time), then
/// the same again once the clients were emptied (the same rows, the same inserts).
/// </summary>
public static class ColdStartBench
{
    public static async Task<ColdStartResult> RunAsync(Relay.Testing.IDatabaseHost mariadb, int personnel, int clients)
    {
        await using var stack = await BenchStack.StartAsync(mariadb, clients);
        await stack.SeedPersonnelAsync(personnel);

        // A first bulk fills the storage on both sides (MySQL's pages, the clients' files); then the daemons start
        // again, so what the cold run pays for that the warm one does not is the processes' first run only.
        await stack.BulkAsync(personnel);
        await EmptyClientsAsync(stack);
        await stack.RestartAsync();
        var idleRss = stack.ServerRssMiB;
        var cold = await stack.BulkAsync(personnel);
        await EmptyClientsAsync(stack);
        var warm = await stack.BulkAsync(personnel);
        return new ColdStartResult(
            personnel,
            clients,
            stack.ServerReady.TotalSeconds,
            idleRss,
            cold.EnqueueSeconds,
            cold.EndToEndSeconds,
            warm.EnqueueSeconds,
            warm.EndToEndSeconds
        );
    }

    /// <summary>Deletes everyone from every client and waits until all did, so the next bulk inserts every row
    /// again.</summary>
    private static async Task EmptyClientsAsync(BenchStack stack)
    {
        using var emptied = await stack.Api.DeleteAsync("/clients/all/personnel?wait=60");
        if ((int)emptied.StatusCode != 200)
        {
            throw new InvalidOperationException($"emptying the clients answered {(int)emptied.StatusCode}");
        }
    }
}
