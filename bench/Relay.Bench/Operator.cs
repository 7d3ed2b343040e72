using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Relay.Bench;

/// <summary>What the operator's calls measured: the dashboard's reads, or one deletion followed to its end.</summary>
public sealed record OperatorReport(DashboardTimes? Dashboard, RevocationRound? Revocation);

/// <summary>One deletion from every client, followed by polling its operation as a script with curl would.</summary>
/// <param name="Seconds">From the call until the operation said delivered, or the cap.</param>
/// <param name="DoneWithinTarget">Clients that had acknowledged it at the first poll after the target.</param>
public sealed record RevocationRound(double Seconds, int DoneWithinTarget, bool Finished);

/// <summary>
/// The operator's side of the fleet section, run in a process of its own, as a browser or a script would be. The
/// simulated fleet keeps the bench process's thread pool saturated while it applies a broadcast: a call timed from
/// there measured the bench's own queue (a bare <c>SELECT 1</c> took 15 s), not the server, which answered the same
/// read to curl in 25–75 ms.
/// </summary>
public static class Operator
{
    public const string Verb = "operator";
    private const string KeyVariable = "RELAY_BENCH_OPERATOR_KEY";

    /// <summary>The bench's side: runs <c>Relay.Bench operator …</c> and reads its report.</summary>
    public static async Task<OperatorReport> AskAsync(Uri server, string apiKey, params string[] what)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { [KeyVariable] = apiKey },
        };
        foreach (var argument in (string[])[typeof(Operator).Assembly.Location, Verb, server.ToString(), .. what])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"the operator process ({string.Join(' ', what)}) exited {process.ExitCode}: {await errors}"
            );
        }

        return JsonSerializer.Deserialize<OperatorReport>(await output)!;
    }

    /// <summary>The operator: <c>operator URL dashboard OPERATION</c> or <c>operator URL revoke ID</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var api = new HttpClient
        {
            BaseAddress = new Uri(args[1]),
            DefaultRequestHeaders = { { "X-Api-Key", Environment.GetEnvironmentVariable(KeyVariable) } },
            Timeout = TimeSpan.FromMinutes(5),
        };
        var report = args[2..] switch
        {
            ["dashboard", var operation] => new OperatorReport(await DashboardAsync(api, operation), null),
            ["revoke", var personnel] => new OperatorReport(null, await RevokeAsync(api, long.Parse(personnel))),
            _ => null,
        };
        if (report is null)
        {
            Console.Error.WriteLine("usage: operator URL (dashboard OPERATION_ID | revoke PERSONNEL_ID)");
            return 2;
        }

        Console.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }

    /// <summary>Each read the dashboard makes, the median of five calls.</summary>
    private static async Task<DashboardTimes> DashboardAsync(HttpClient api, string operation)
    {
        // The first call of a fresh process pays for its connection and JIT: not the server's time.
        using (var warm = await api.GetAsync("/health/live"))
        {
            warm.EnsureSuccessStatusCode();
        }

        async Task<double> MedianAsync(string path)
        {
            var times = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await api.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                times.Add(watch.Elapsed.TotalSeconds);
                response.EnsureSuccessStatusCode();
            }

            times.Sort();
            return times[times.Count / 2];
        }

        return new DashboardTimes(
            await MedianAsync("/clients/states"),
            await MedianAsync("/clients?limit=50"),
            await MedianAsync("/clients?limit=50&sort=mostPending"),
            await MedianAsync("/operations?limit=10"),
            await MedianAsync($"/operations/{operation}/clients?state=unfinished&limit=50")
        );
    }

    private static async Task<RevocationRound> RevokeAsync(HttpClient api, long personnel)
    {
        var watch = Stopwatch.StartNew();
        using var response = await api.DeleteAsync($"/clients/all/personnel/{personnel}");
        response.EnsureSuccessStatusCode();
        var operation = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
        var done = -1;
        while (true)
        {
            var status = (await api.GetFromJsonAsync<JsonObject>($"/operations/{operation}"))!;
            if (done < 0 && watch.Elapsed > FleetBench.RevocationTarget)
            {
                done = status["clients"]!["done"]!.GetValue<int>();
            }

            var delivered = status["state"]!.GetValue<string>() == "delivered";
            if (delivered || watch.Elapsed > FleetBench.RevocationCap)
            {
                var clients = status["clients"]!["total"]!.GetValue<int>();
                return new RevocationRound(watch.Elapsed.TotalSeconds, done < 0 ? clients : done, delivered);
            }

            await Task.Delay(20);
        }
    }
}
