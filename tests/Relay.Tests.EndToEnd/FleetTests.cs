using Dapper;
using MySqlConnector;
using Relay.Fleet;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A few hundred simulated clients (the real protocol, applied in memory) behind one server, on a
/// MariaDB of their own so its global counters (statements, commits, rows read) count only this
/// fleet: what the fleet costs MySQL must grow with the work, not with the number of clients.
/// They run alone: with other tests (a browser among them) beside them on two cores, clients were
/// once reconnected mid-batch, and the batches sent again counted as duplicates.
/// </summary>
[Collection(FleetMeasurements.Name)]
public sealed class FleetTests(FleetTests.Fleet fleet) : IClassFixture<FleetTests.Fleet>
{
    private const int Size = 300;

    [Fact]
    public async Task AnIdleConnectedFleetCostsMysqlAFewStatementsASecondNotAFewPerClient()
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = await fleet.GlobalStatusAsync("Questions");
        // Ten seconds, so a periodic job's burst (a sweep every 30 s) is averaged as it is in production,
        // not multiplied by a short window that happens to hold it.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var perSecond = (await fleet.GlobalStatusAsync("Questions") - before - 1) / 10.0;

        Assert.Equal(Size, fleet.Simulator.OpenConnections);
        Assert.True(
            perSecond <= 10,
            $"{Size} idle clients cost {perSecond:0.0} MySQL statements/s; at most 10 whatever the fleet size\n{fleet.Stack.Diagnostics()}"
        );
    }

    [Fact]
    public async Task AcknowledgementsArrivingTogetherAreRecordedInAFewTransactions()
    {
        var before = await fleet.GlobalStatusAsync("Com_commit");
        await fleet.FanOutAsync(2);
        var commits = await fleet.GlobalStatusAsync("Com_commit") - before;

        Assert.All(fleet.Simulator.Clients, c => Assert.True(c.Holds(2)));
        Assert.True(
            commits <= Size / 10,
            $"one personnel to {Size} clients took {commits} transactions; acknowledgements arriving together belong in one"
        );
    }

    [Fact]
    public async Task ASharedBatchIsReadFromMysqlOnceHoweverManyClientsItGoesTo()
    {
        await using var root = await fleet.MariaDb.OpenRootAsync();
        await root.ExecuteAsync("SET GLOBAL userstat = 1; FLUSH TABLE_STATISTICS");

        using (var sent = await fleet.Stack.Api.PutAsync("/clients/all/personnel", null))
        {
            Assert.Equal(202, (int)sent.StatusCode);
        }

        await Eventually.ReturnsAsync(
            () => Task.FromResult(fleet.Simulator.Clients.Count(c => c.Rows == 2_500)),
            n => n == Size,
            TimeSpan.FromSeconds(60),
            "every client holds all 2,500 personnel"
        );
        var rowsRead = await root.ExecuteScalarAsync<long?>(
            "SELECT ROWS_READ FROM information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA = @schema AND TABLE_NAME = 'batches'",
            new { schema = fleet.Stack.DatabaseName }
        ) ?? 0;

        // Three batches of 1,000, 1,000 and 500 personnel; read per client it would be 900 rows.
        Assert.True(rowsRead <= 3 * 3, $"the 3 shared batches were read {rowsRead} times for {Size} clients");
        // Never out of order; a frame comes twice only when a link was cut before its acknowledgement (a busy
        // machine's attempt timeout) and the next connection sends it again, which the client applies once.
        Assert.All(fleet.Simulator.Clients, c =>
        {
            Assert.Equal(0, c.OutOfOrder);
            Assert.True(c.Duplicates == 0 || c.Connections > 1, $"{c.Duplicates} duplicates over one connection");
        });
    }

    /// <summary>One fleet for the class: each test measures a difference (statements, commits, rows read) from where
    /// the one before left it, so they share the minute it takes to start MariaDB, the server and 300 clients and
    /// connect them all.</summary>
    public sealed class Fleet : IAsyncLifetime
    {
        public MariaDbServer MariaDb { get; private set; } = null!;

        public RelayStack Stack { get; private set; } = null!;

        public FleetSimulator Simulator { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            MariaDb = await MariaDbServer.StartAsync();
            Stack = new RelayStack(
                0,
                MariaDb,
                new Dictionary<string, string>
                {
                    // The shipped poll interval: the idle cost is judged at the settings operators run.
                    ["Delivery:PollInterval"] = "00:00:02",
                    ["Delivery:LeaseDuration"] = "00:00:10",
                    ["Outbox:SweepInterval"] = "00:00:30",
                }
            );
            await Stack.StartAsync();
            Simulator = FleetSimulator.Start(Size, FreePort.Next());
            await Simulator.RegisterWithAsync(Stack.Api, parallelism: 4);
            await Stack.SeedPersonnelAsync(2_500);

            // Connect the whole fleet once.
            await FanOutAsync(1);
        }

        public async Task FanOutAsync(long personnelId)
        {
            using var response = await Stack.Api.PutAsync($"/clients/all/personnel/{personnelId}?wait=30", null);
            Assert.True(
                (int)response.StatusCode == 200,
                $"fan-out answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{Stack.Diagnostics()}"
            );
        }

        public async Task<long> GlobalStatusAsync(string name)
        {
            await using var root = await MariaDb.OpenRootAsync();
            return long.Parse(
                (await root.QuerySingleAsync<(string, string)>("SHOW GLOBAL STATUS LIKE @name", new { name })).Item2
            );
        }

        public async Task DisposeAsync()
        {
            await Simulator.DisposeAsync();
            await Stack.DisposeAsync();
            await MariaDb.DisposeAsync();
        }
    }
}

/// <summary>Tests that measure what the server costs, or hold it to a deadline of a few seconds (a 3 s lease), run
/// after the others and alone: beside four other classes on two cores they would measure the machine's
/// queue.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FleetMeasurements
{
    public const string Name = "Fleet measurements, alone";
}
